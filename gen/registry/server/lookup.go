package server

import (
	"math"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"gitlab.com/acme/avroctl/gen/registry/store"
)

// Helpers that find subjects and versions and turn absence into the
// Confluent error codes. They run under the store lock.

// checkSubjectName refuses names Confluent refuses (empty, control chars).
func checkSubjectName(name string) error {
	if strings.TrimSpace(name) == "" || strings.IndexFunc(name, unicode.IsControl) >= 0 {
		return errorf(CodeInvalidSubject, "Invalid subject %s", strconv.Quote(name))
	}
	return nil
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
