package server

import (
	"math"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"gitlab.com/acme/avroctl/gen/registry/store"
)

// Helpers that find subjects and versions and turn absence into the
// Confluent error codes. They run under the store lock.

// checkSubjectName refuses names Confluent refuses (empty, control chars)
// and names that are not UTF-8, before they can reach the log.
func checkSubjectName(name string) error {
	if err := checkSubjectUTF8(name); err != nil {
		return err
	}
	if strings.TrimSpace(name) == "" || strings.IndexFunc(name, unicode.IsControl) >= 0 {
		return errorf(CodeInvalidSubject, "Invalid subject %s", strconv.Quote(name))
	}
	return nil
}

// checkSubjectUTF8 refuses a subject that is not valid UTF-8 (a %FF in the
// path). The log is JSON, which can only carry UTF-8: such a name would
// come back from a restart as U+FFFD, another subject, possibly one that
// exists already. Every route with a {subject} checks it, reads included,
// so that a name is either valid everywhere or nowhere.
func checkSubjectUTF8(name string) error {
	at := invalidUTF8([]byte(name))
	if at < 0 {
		return nil
	}
	return errorf(CodeInvalidSubject, "Invalid subject %s: byte %d (0x%02X) is not valid UTF-8; subject names must be UTF-8 (percent-encode its UTF-8 bytes in the URL)",
		strconv.QuoteToASCII(name), at, name[at])
}

// invalidUTF8 returns the offset of the first byte of s that is not valid
// UTF-8, or -1.
func invalidUTF8(s []byte) int {
	if utf8.Valid(s) {
		return -1
	}
	for at := 0; at < len(s); {
		r, size := utf8.DecodeRune(s[at:])
		if r == utf8.RuneError && size <= 1 {
			return at
		}
		at += size
	}
	return -1
}

// findSubject returns the subject, or 40401 when it has no versions (or only
// soft-deleted ones, unless deleted is set).
func findSubject(st *store.State, name string, deleted bool) (*store.Subject, error) {
	sub := st.Subjects[name]
	if sub == nil || len(sub.Versions) == 0 || (!deleted && !sub.Live()) {
		return nil, errSubjectNotFound(name)
	}
	return sub, nil
}

// versionSpec is a parsed {version} path segment.
type versionSpec struct {
	latest bool
	n      int
}

// parseVersion reads "latest", -1 (latest) or 1..2^31-1.
func parseVersion(s string) (versionSpec, error) {
	if s == "latest" {
		return versionSpec{latest: true}, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n == 0 || n < -1 || n > math.MaxInt32 {
		return versionSpec{}, errInvalidVersion(s)
	}
	if n == -1 {
		return versionSpec{latest: true}, nil
	}
	return versionSpec{n: n}, nil
}

// findVersion returns the version of sub that spec names; soft-deleted ones
// count only when deleted is set.
func findVersion(sub *store.Subject, spec versionSpec, deleted bool) (*store.Version, error) {
	if spec.latest {
		for i := len(sub.Versions) - 1; i >= 0; i-- {
			if deleted || !sub.Versions[i].Deleted {
				return &sub.Versions[i], nil
			}
		}
		return nil, errSubjectNotFound(sub.Name)
	}
	i := sub.Find(spec.n)
	if i < 0 || (!deleted && sub.Versions[i].Deleted) {
		return nil, errVersionNotFound(sub.Name, spec.n)
	}
	return &sub.Versions[i], nil
}

// referencedBy returns the IDs of schemas, used by versions that are not
// soft-deleted, that reference subject/version; sorted.
func referencedBy(st *store.State, subject string, version int) []int {
	seen := map[int]bool{}
	for _, sub := range st.Subjects {
		for _, v := range sub.Versions {
			if v.Deleted || seen[v.ID] {
				continue
			}
			for _, ref := range st.Schemas[v.ID].References {
				if ref.Subject == subject && ref.Version == version {
					seen[v.ID] = true
					break
				}
			}
		}
	}
	ids := make([]int, 0, len(seen))
	for id := range seen {
		ids = append(ids, id)
	}
	sort.Ints(ids)
	return ids
}

func errReferenceExists(subject string, version int) *Error {
	return errorf(CodeReferenceExists, "One or more references exist to the schema {magic=1,keytype=SCHEMA,subject=%s,version=%d}.", subject, version)
}

// versionResponse builds the JSON of a subject version.
func versionResponse(st *store.State, subject string, v *store.Version) subjectVersionResponse {
	sc := st.Schemas[v.ID]
	return subjectVersionResponse{
		Subject:    subject,
		Version:    v.Version,
		ID:         v.ID,
		SchemaType: sc.Type,
		References: sc.References,
		Schema:     sc.Text,
		GUID:       sc.GUID,
	}
}

// usedByVersion reports whether any subject version (soft-deleted ones
// included) points at id: a schema whose every version was deleted
// permanently is no longer served by ID.
func usedByVersion(st *store.State, id int) bool {
	for _, sub := range st.Subjects {
		for _, v := range sub.Versions {
			if v.ID == id {
				return true
			}
		}
	}
	return false
}
