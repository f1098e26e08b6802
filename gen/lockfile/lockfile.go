// Package lockfile pins schemas taken from a Schema Registry: avroctl.lock
// records, for every subject version a build used (the ones asked for and
// the ones their references pull in), its version, id and a fingerprint of
// its content, so that `avroctl generate --from-registry` builds the same
// code tomorrow and notices when the registry's content under a pinned
// version is not what it was.
//
// The fingerprint is "sha256:" + the hex SHA-256 of the schema's Parsing
// Canonical Form, the schema parsed with its references resolved (so a
// schema's fingerprint covers the referenced types it uses). It is what
// schema.FingerprintSHA256 computes; the CRC-64-AVRO fingerprint would do
// for equality but is too short to be a content pin.
//
// The file is JSON, written deterministically (entries sorted by subject
// and version, two-space indent, final newline) through a temporary file
// and a rename.
package lockfile

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"

	"gitlab.com/acme/avroctl/gen/atomicfile"
	"gitlab.com/acme/avroctl/gen/schema"
)

// FileName is the lock file's default name.
const FileName = "avroctl.lock"

// FormatVersion is the version of the file format this package writes.
const FormatVersion = 1

// Lock is the content of avroctl.lock.
type Lock struct {
	// LockVersion is the file format version (FormatVersion).
	LockVersion int `json:"lockVersion"`
	// Fingerprint names the fingerprint algorithm, "sha256-canonical".
	Fingerprint string `json:"fingerprint"`
	// Subjects are the pinned subject versions, sorted by subject, version.
	Subjects []Entry `json:"subjects"`
}

// FingerprintAlgorithm is Lock.Fingerprint.
const FingerprintAlgorithm = "sha256-canonical"

// Entry pins one subject version.
type Entry struct {
	Subject string `json:"subject"`
	// Requested is what the command line asked for ("latest" or a version
	// number); empty for a subject version pulled in as a reference.
	Requested string `json:"requested,omitempty"`
	Version   int    `json:"version"`
	ID        int    `json:"id"`
	// Fingerprint is "sha256:<hex>" (see the package doc).
	Fingerprint string      `json:"fingerprint"`
	References  []Reference `json:"references,omitempty"`
}

// Reference is one schema reference of an entry, as the registry lists it.
type Reference struct {
	Name    string `json:"name"`
	Subject string `json:"subject"`
	Version int    `json:"version"`
}

// Fingerprint returns the lock's fingerprint of a parsed schema.
func Fingerprint(s schema.Schema) string {
	sum := schema.FingerprintSHA256(s)
	return fmt.Sprintf("sha256:%x", sum[:])
}

// Find returns the entry of subject at version, or nil.
func (l *Lock) Find(subject string, version int) *Entry {
	if l == nil {
		return nil
	}
	for i := range l.Subjects {
		if e := &l.Subjects[i]; e.Subject == subject && e.Version == version {
			return e
		}
	}
	return nil
}

// FindRequested returns the entry asked for as subject@requested, or nil.
func (l *Lock) FindRequested(subject, requested string) *Entry {
	if l == nil {
		return nil
	}
	for i := range l.Subjects {
		if e := &l.Subjects[i]; e.Subject == subject && e.Requested == requested {
			return e
		}
	}
	return nil
}

// Marshal returns the file's bytes: sorted, indented, final newline.
func (l *Lock) Marshal() []byte {
	c := *l
	c.LockVersion = FormatVersion
	c.Fingerprint = FingerprintAlgorithm
	c.Subjects = append([]Entry(nil), l.Subjects...)
	sort.SliceStable(c.Subjects, func(i, j int) bool {
		a, b := c.Subjects[i], c.Subjects[j]
		if a.Subject != b.Subject {
			return a.Subject < b.Subject
		}
		return a.Version < b.Version
	})
	if c.Subjects == nil {
		c.Subjects = []Entry{}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(c); err != nil {
		panic(err) // only strings and ints: cannot fail
	}
	return buf.Bytes()
}

// Write stores l at path atomically.
func (l *Lock) Write(path string) error {
	return atomicfile.Write(path, l.Marshal(), 0o644)
}

// Read loads path. A missing file is (nil, nil): no lock yet. A bad file is
// an error located as path:line:col.
func Read(path string) (*Lock, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return Parse(path, data)
}

// maxLockSize bounds what Parse reads: a lock lists subject versions, a few
// hundred bytes each.
const maxLockSize = 64 << 20

// Parse reads a lock file's content; errors are "file:line:col: msg" plus
// what to do.
func Parse(filename string, data []byte) (*Lock, error) {
	if len(data) > maxLockSize {
		return nil, fmt.Errorf("%s: lock file over %d bytes; regenerate it with --update-lock", filename, maxLockSize)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var l Lock
	if err := dec.Decode(&l); err != nil {
		off := int64(0)
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &se):
			off = se.Offset - 1 // Offset is just past the offending byte
		case errors.As(err, &te):
			off = te.Offset
		default:
			off = dec.InputOffset()
		}
		return nil, fmt.Errorf("%s: %s (fix the file, or delete it and run again with --update-lock)", locate(filename, data, off), err)
	}
	if dec.More() {
		return nil, fmt.Errorf("%s: content after the lock's JSON object (delete it, or regenerate the file with --update-lock)", locate(filename, data, dec.InputOffset()))
	}
	if l.LockVersion != FormatVersion {
		return nil, fmt.Errorf("%s:1:1: lockVersion %d, this avroctl reads %d (regenerate the file with --update-lock)", filename, l.LockVersion, FormatVersion)
	}
	if l.Fingerprint != FingerprintAlgorithm {
		return nil, fmt.Errorf("%s:1:1: fingerprint algorithm %q, this avroctl uses %q (regenerate the file with --update-lock)", filename, l.Fingerprint, FingerprintAlgorithm)
	}
	for i, e := range l.Subjects {
		where := fmt.Sprintf("%s: subjects[%d] (%s)", filename, i, e.Subject)
		switch {
		case e.Subject == "":
			return nil, fmt.Errorf("%s: no subject (fix the entry or regenerate the file with --update-lock)", where)
		case e.Version <= 0:
			return nil, fmt.Errorf("%s: version %d, want a registered version (1 or more)", where, e.Version)
		case !strings.HasPrefix(e.Fingerprint, "sha256:") || len(e.Fingerprint) != len("sha256:")+64:
			return nil, fmt.Errorf("%s: fingerprint %q, want sha256:<64 hex digits>", where, e.Fingerprint)
		}
		if e.Requested != "" && e.Requested != "latest" {
			if n, err := strconv.Atoi(e.Requested); err != nil || n <= 0 {
				return nil, fmt.Errorf("%s: requested %q, want \"latest\" or a version number", where, e.Requested)
			}
		}
	}
	return &l, nil
}

// locate turns a byte offset into file:line:col (columns count runes).
func locate(filename string, data []byte, off int64) string {
	if off < 0 {
		off = 0
	}
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	line, start := 1, 0
	for i := 0; i < int(off); i++ {
		if data[i] == '\n' {
			line++
			start = i + 1
		}
	}
	return fmt.Sprintf("%s:%d:%d", filename, line, schema.Column(data[start:off]))
}
