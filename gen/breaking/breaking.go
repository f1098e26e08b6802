// Package breaking checks the working tree's compiled schemas against their
// history in git: every `<full.name>.avsc` under the schemas folder is a
// subject, compared at a compatibility level with the same file at a git
// revision (and, for a transitive level, at every release tag).
package breaking

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"gitlab.com/acme/avroctl/gen/compat"
	"gitlab.com/acme/avroctl/gen/compat/report"
	"gitlab.com/acme/avroctl/gen/evolve"
	"gitlab.com/acme/avroctl/gen/gitref"
	"gitlab.com/acme/avroctl/gen/schema"
)

// Options configure a check. The zero value of each knob is the default.
type Options struct {
	// Dir is the git working tree; "" means the current directory.
	Dir string
	// Schemas is the schemas folder, relative to Dir (default "schemas").
	Schemas string
	// Against is the git revision to compare with (required).
	Against string
	// Level is the compatibility level (zero value: BACKWARD).
	Level compat.Level
	// AllowRemoved accepts subjects that exist at Against but not any more.
	AllowRemoved bool
	// TagPrefix selects release tags for transitive levels (default
	// "events/v"); they are ordered by semantic version.
	TagPrefix string
	// Sources are the named types compiled from the files the .avsc files
	// are compiled from (idl/), keyed by full name. When a subject's source
	// type is the same schema as its .avsc file, findings point at the
	// source's line (the .avdl the user edits), as `compat check` does.
	Sources map[string]schema.Schema
}

// ErrMissingRevision is returned (wrapped, with the git command to run) when
// the clone does not have the revision to compare with.
var ErrMissingRevision = errors.New("revision not in this clone")

// Run checks every subject and returns the report. An error means the check
// could not run (bad schema, missing revision); incompatibilities are in
// the report.
func Run(opts Options) (report.Report, error) {
	if opts.Schemas == "" {
		opts.Schemas = "schemas"
	}
	if opts.TagPrefix == "" {
		opts.TagPrefix = "events/v"
	}
	if opts.Against == "" {
		return report.Report{}, errors.New("no revision to compare with: pass --against REF (for example origin/main)")
	}
	repo := gitref.Repo{Dir: opts.Dir}
	schemasDir := path.Clean(filepath.ToSlash(opts.Schemas))

	base, err := repo.ReadDir(opts.Against, schemasDir, ".avsc")
	if err != nil {
		if errors.Is(err, gitref.ErrUnknownRevision) {
			return report.Report{}, missingRevision{err}
		}
		return report.Report{}, err
	}
	// History, oldest first: release tags in version order, then the revision.
	type snapshot struct {
		rev   string
		files map[string][]byte
	}
	var history []snapshot
	if opts.Level.Transitive() {
		tags, err := releaseTags(repo, opts.TagPrefix)
		if err != nil {
			return report.Report{}, err
		}
		for _, tag := range tags {
			files, err := repo.ReadDir(tag, schemasDir, ".avsc")
			if err != nil {
				return report.Report{}, err
			}
			history = append(history, snapshot{tag, files})
		}
	}
	history = append(history, snapshot{opts.Against, base})

	current, err := readTree(filepath.Join(opts.Dir, filepath.FromSlash(schemasDir)))
	if err != nil {
		return report.Report{}, err
	}

	newSchemas, err := parseSnapshot(current, "", schemasDir)
	if err != nil {
		return report.Report{}, err
	}
	parsedHistory := make([]map[string]schema.Schema, len(history))
	for i, snap := range history {
		if parsedHistory[i], err = parseSnapshot(snap.files, snap.rev+":", schemasDir); err != nil {
			return report.Report{}, err
		}
	}

	rep := report.Report{Compatible: true}
	for _, name := range sortedKeys(current) {
		subject := strings.TrimSuffix(path.Base(name), ".avsc")
		file := path.Join(schemasDir, name)
		if _, ok := base[name]; !ok {
			rep.Subjects = append(rep.Subjects, report.Subject{Name: subject, Path: file, Status: "new"})
			continue
		}
		var previous []schema.Schema
		for _, snap := range parsedHistory {
			if s, ok := snap[name]; ok {
				previous = append(previous, s)
			}
		}
		checked := newSchemas[name]
		if src, ok := opts.Sources[subject]; ok && bytes.Equal(schema.Marshal(src), schema.Marshal(checked)) {
			checked = src
		}
		res := compat.CheckLevel(opts.Level, checked, previous)
		status := "compatible"
		if !res.Compatible {
			status = "incompatible"
			rep.Compatible = false
			rep.Findings = append(rep.Findings, report.FromResult(res, subject, file)...)
		}
		// Evolution findings (renames, pairs the checker accepts and the
		// resolving reader rejects) never change the verdict.
		rep.Findings = append(rep.Findings, evolve.Findings(opts.Level, checked, previous, subject, file)...)
		rep.Subjects = append(rep.Subjects, report.Subject{Name: subject, Path: file, Status: status})
	}
	for _, name := range sortedKeys(base) {
		if _, ok := current[name]; ok {
			continue
		}
		subject := strings.TrimSuffix(path.Base(name), ".avsc")
		file := path.Join(schemasDir, name)
		if opts.AllowRemoved {
			rep.Subjects = append(rep.Subjects, report.Subject{Name: subject, Path: file, Status: "removed-allowed"})
			continue
		}
		rep.Compatible = false
		rep.Subjects = append(rep.Subjects, report.Subject{Name: subject, Path: file, Status: "removed"})
		rep.Findings = append(rep.Findings, report.Finding{
			Subject:     subject,
			Path:        file,
			Type:        report.SubjectRemoved,
			Location:    "/",
			Message:     fmt.Sprintf("subject %s exists at %s but %s was removed", subject, opts.Against, file),
			Explanation: "Consumers and producers of " + subject + " lose their schema; events already written with it can no longer be resolved from this repository.",
			Fix:         "restore " + file + ", or pass --allow-removed if the type is retired on purpose.",
		})
	}
	rep.Normalize()
	return rep, nil
}

// parseFile reads one .avsc file; errors are "file:line:col: message".
func parseFile(data []byte, filename string) (schema.Schema, error) {
	return schema.Parse(data, schema.ParseOptions{Filename: filename})
}

// parseSnapshot parses every file of one revision (or the working tree),
// keyed like files. Files written by idl2schemata are self-contained, but a
// hand-written one may refer to a type defined in another file: such files
// are parsed again against the types of the files that stood alone. The
// error reported is the file's own first error.
func parseSnapshot(files map[string][]byte, prefix, schemasDir string) (map[string]schema.Schema, error) {
	out := make(map[string]schema.Schema, len(files))
	failed := map[string]error{}
	for _, name := range sortedKeys(files) {
		s, err := parseFile(files[name], prefix+path.Join(schemasDir, name))
		if err != nil {
			failed[name] = err
			continue
		}
		out[name] = s
	}
	if len(failed) == 0 {
		return out, nil
	}
	names := schema.NewNames()
	for _, name := range sortedKeys(files) {
		if n, ok := out[name].(schema.NamedSchema); ok {
			_ = names.Add(n) // a clash keeps the first definition
		}
	}
	for _, name := range sortedKeys(files) {
		first, ok := failed[name]
		if !ok {
			continue
		}
		s, err := schema.Parse(files[name], schema.ParseOptions{Filename: prefix + path.Join(schemasDir, name), Names: names})
		if err != nil {
			return nil, first
		}
		out[name] = s
	}
	return out, nil
}

// readTree returns the .avsc files under dir keyed by slash path relative to
// dir. A missing folder is an empty tree: every subject was removed.
func readTree(dir string) (map[string][]byte, error) {
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && p == dir {
				return fs.SkipAll
			}
			return err
		}
		if d.IsDir() || !strings.HasSuffix(p, ".avsc") {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		files[filepath.ToSlash(rel)] = data
		return nil
	})
	return files, err
}

func sortedKeys(m map[string][]byte) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// missingRevision marks gitref's explanation of an unknown revision (which
// says whether to fetch it or that it does not exist) as ErrMissingRevision.
type missingRevision struct{ err error }

func (e missingRevision) Error() string        { return e.err.Error() }
func (e missingRevision) Unwrap() error        { return e.err }
func (e missingRevision) Is(target error) bool { return target == ErrMissingRevision }
