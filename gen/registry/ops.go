package registry

import (
	"context"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/twmb/franz-go/pkg/sr"

	"gitlab.com/acme/avroctl/gen/atomicfile"
	"gitlab.com/acme/avroctl/gen/compat"
	"gitlab.com/acme/avroctl/gen/schema"
)

// Config is a compatibility level and where it comes from.
type Config struct {
	Subject string `json:"subject,omitempty"` // "" for the global level
	Level   string `json:"level"`
	// Inherited is set when the subject has no level of its own and the
	// global one applies.
	Inherited bool `json:"inherited,omitempty"`
}

// GetConfig returns the level of subject ("" for the global level).
func GetConfig(ctx context.Context, cl *sr.Client, subject string) (Config, error) {
	res := cl.Compatibility(ctx, subject)[0]
	if subject != "" && ErrorCode(res.Err) == 40408 {
		res = cl.Compatibility(ctx)[0]
		if res.Err != nil {
			return Config{}, res.Err
		}
		return Config{Subject: subject, Level: res.Level.String(), Inherited: true}, nil
	}
	if res.Err != nil {
		return Config{}, res.Err
	}
	return Config{Subject: subject, Level: res.Level.String()}, nil
}

// SetConfig sets the level of subject ("" for the global level). It works
// for a subject that has no versions yet, so a level can be in place
// before the first registration.
func SetConfig(ctx context.Context, cl *sr.Client, subject, level string) (Config, error) {
	lv, err := compat.ParseLevel(level)
	if err != nil {
		return Config{}, err
	}
	var cl2 sr.CompatibilityLevel
	if err := cl2.UnmarshalText([]byte(lv.String())); err != nil {
		return Config{}, err
	}
	res := cl.SetCompatibility(ctx, sr.SetCompatibility{Level: cl2}, subject)[0]
	if res.Err != nil {
		return Config{}, res.Err
	}
	return Config{Subject: subject, Level: res.Level.String()}, nil
}

// Subjects lists subjects, sorted; deleted includes soft-deleted ones.
func Subjects(ctx context.Context, cl *sr.Client, deleted bool) ([]string, error) {
	if deleted {
		ctx = sr.WithParams(ctx, sr.ShowDeleted)
	}
	subs, err := cl.Subjects(ctx)
	sort.Strings(subs)
	return subs, err
}

// Versions lists a subject's versions, ascending.
func Versions(ctx context.Context, cl *sr.Client, subject string, deleted bool) ([]int, error) {
	if deleted {
		ctx = sr.WithParams(ctx, sr.ShowDeleted)
	}
	vs, err := cl.SubjectVersions(ctx, subject)
	sort.Ints(vs)
	return vs, err
}

// Delete deletes a subject (version 0) or one version (-1 for the latest),
// softly or permanently. A permanent delete needs a soft delete first, as
// in Confluent; Delete does both steps when permanent is set and the
// target is not soft-deleted yet. It returns the versions deleted.
func Delete(ctx context.Context, cl *sr.Client, subject string, version int, permanent bool) ([]int, error) {
	if version == 0 {
		vs, err := cl.DeleteSubject(ctx, subject, sr.SoftDelete)
		if err != nil && !(permanent && ErrorCode(err) == 40404) {
			return nil, err
		}
		if !permanent {
			return vs, nil
		}
		return cl.DeleteSubject(ctx, subject, sr.HardDelete)
	}
	if version == -1 {
		vs, err := cl.SubjectVersions(ctx, subject)
		if err != nil {
			return nil, err
		}
		sort.Ints(vs)
		version = vs[len(vs)-1]
	}
	err := cl.DeleteSchema(ctx, subject, version, sr.SoftDelete)
	if err != nil && !(permanent && ErrorCode(err) == 40406) {
		return nil, err
	}
	if permanent {
		if err := cl.DeleteSchema(ctx, subject, version, sr.HardDelete); err != nil {
			return nil, err
		}
	}
	return []int{version}, nil
}

// ParseVersion reads "latest" (-1) or a positive version number.
func ParseVersion(s string) (int, error) {
	if s == "" || s == "latest" {
		return -1, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("version %q: want a positive number or \"latest\"", s)
	}
	return n, nil
}

// Downloaded is one file Download wrote.
type Downloaded struct {
	Subject string `json:"subject"`
	Version int    `json:"version"`
	ID      int    `json:"id"`
	File    string `json:"file"`
}

// Download writes, for each subject matching pattern (a path.Match glob),
// the schema at version (-1 for the latest) into dir/<subject>.avsc, pretty
// printed as avro-tools would. Files are written whole or not at all.
// Subjects without that version are skipped.
func Download(ctx context.Context, cl *sr.Client, pattern string, version int, dir string) ([]Downloaded, error) {
	if _, err := path.Match(pattern, ""); err != nil {
		return nil, fmt.Errorf("pattern %q: %w", pattern, err)
	}
	subs, err := Subjects(ctx, cl, false)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	var out []Downloaded
	for _, sub := range subs {
		if ok, _ := path.Match(pattern, sub); !ok {
			continue
		}
		ss, err := cl.SchemaByVersion(ctx, sub, version)
		if ErrorCode(err) == 40402 {
			continue
		}
		if err != nil {
			return out, fmt.Errorf("%s: %w", sub, err)
		}
		text := []byte(ss.Schema.Schema)
		// A schema with references names types defined elsewhere, so it
		// does not parse alone; it is written as registered.
		if len(ss.References) == 0 {
			if s, err := schema.Parse(text, schema.ParseOptions{Filename: sub}); err == nil {
				text = schema.MarshalPretty(s)
			}
		}
		file := filepath.Join(dir, fileName(sub)+".avsc")
		if err := writeFileAtomic(file, append(text, '\n')); err != nil {
			return out, err
		}
		out = append(out, Downloaded{Subject: sub, Version: ss.Version, ID: ss.ID, File: file})
	}
	return out, nil
}

// fileName makes a subject safe as a file name.
func fileName(subject string) string {
	return strings.Map(func(r rune) rune {
		if r == '/' || r == '\\' || r == 0 || r == ':' {
			return '_'
		}
		return r
	}, subject)
}

// writeFileAtomic writes data to a temporary file next to name and renames
// it into place, so readers never see half a file.
func writeFileAtomic(name string, data []byte) error {
	return atomicfile.Write(name, data, 0o644)
}

// EnsureCompatibility sets level on each subject whose own setting differs
// (an inherited global setting counts as different), so that the registry
// enforces the project's level from the first registration on. Confluent
// accepts a subject-level setting before the subject exists. It returns
// the subjects it changed.
func EnsureCompatibility(ctx context.Context, cl *sr.Client, subjects []string, level string) ([]string, error) {
	want, err := compat.ParseLevel(level)
	if err != nil {
		return nil, err
	}
	var changed []string
	for _, subject := range subjects {
		cur, err := GetConfig(ctx, cl, subject)
		if err != nil {
			return changed, fmt.Errorf("compatibility of %s: %w", subject, err)
		}
		if !cur.Inherited && cur.Level == want.String() {
			continue
		}
		if _, err := SetConfig(ctx, cl, subject, want.String()); err != nil {
			return changed, fmt.Errorf("set compatibility of %s: %w", subject, err)
		}
		changed = append(changed, subject)
	}
	return changed, nil
}
