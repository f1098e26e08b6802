// Package breaking checks the working tree's compiled schemas against their
// history in git: every `<full.name>.avsc` under the schemas folder is a
// subject, compared at a compatibility level with the same file at a git
// revision (and, for a transitive level, at every release tag).
//
// Rules are grouped in categories, selected as buf selects its breaking
// categories (`breaking: {use, except, ignore, ignore_unstable_namespaces}`
// in avroctl.yaml). They nest as buf's FILE ⊃ PACKAGE ⊃ WIRE_JSON ⊃ WIRE
// do, with REGISTRY beside them:
//
//	WIRE ⊂ WIRE_JSON ⊂ GO_API
//	REGISTRY = the checker's rules (shared with WIRE) + its own
//
// The categories:
//
//   - WIRE: binary resolution at the compatibility level (Java's checker,
//     plus RESOLVER_REJECTS: what the checker accepts and the resolving
//     reader rejects). The default.
//   - WIRE_JSON: WIRE, plus what changes Avro JSON text: a field renamed
//     with an alias, a union branch's full name, a removed enum symbol.
//   - GO_API: WIRE_JSON, plus the generated Go API (gen/release's
//     classification): removed types, fields, enum constants, changed
//     field types.
//   - REGISTRY: what a Schema Registry decides: the checker's rules at the
//     level (not RESOLVER_REJECTS, which the registry does not see), a
//     change that prints or normalizes to the same schema (no new
//     version), and a referenced subject that changed.
//
// Ignores are audited: each has a reason and may have an end date (see
// IgnoreMarker and Ignore); expired and unused ignores are findings, and
// Result.Applied lists what each one silenced.
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
	"time"

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

	// Use lists categories or rule IDs (default WIRE); Except removes
	// some. Unknown names are errors.
	Use, Except []string
	// Ignores come from avroctl.yaml (breaking.ignore); markers in the
	// .avdl files of Sources are added to them.
	Ignores []Ignore
	// UnstableNamespaces are path.Match patterns ("*.v1alpha*"): findings
	// of subjects in a matching namespace are skipped.
	UnstableNamespaces []string
	// Resolver is the level of RESOLVER_REJECTS: "error" (default, fails
	// the check) or "warn".
	Resolver string
	// Today decides which ignores have expired (zero: today, UTC).
	Today time.Time
	// RegistrySubjects maps a type's full name to the registry subjects it
	// is registered under (avroctl.yaml's strategy and topics, as
	// registry.Items decides), which REGISTRY findings name. Nil: every
	// type under its full name (the record strategy). A type missing from
	// a non-nil map is not registered and gets no REGISTRY findings.
	RegistrySubjects map[string][]string
}

// Result is a check's report with what was configured and the audit trail.
type Result struct {
	Report   report.Report
	Use      []string
	Resolver string
	// Applied lists every ignore (config first, then markers) with the
	// number of findings it silenced.
	Applied []Applied
	// Unstable lists the namespace patterns that skipped findings.
	Unstable []UnstableSkip
}

// Category returns the category shown with a finding.
func (r Result) Category(f report.Finding) string { return categoryOf(f.Type, r.Use) }

// Level returns the level of a finding: error, warn or info.
func (r Result) Level(f report.Finding) string { return levelOf(f.Type, r.Resolver) }

func levelOf(id, resolver string) string {
	if id == evolve.ResolverRejects && resolver == LevelWarn {
		return LevelWarn
	}
	if r, ok := RuleByID(id); ok {
		return r.Level
	}
	return LevelError
}

// ErrMissingRevision is returned (wrapped, with the git command to run) when
// the clone does not have the revision to compare with.
var ErrMissingRevision = errors.New("revision not in this clone")

// Run checks every subject and returns the report. An error means the check
// could not run (bad schema, missing revision); incompatibilities are in
// the report.
func Run(opts Options) (report.Report, error) {
	res, err := Check(opts)
	return res.Report, err
}

// Check runs the check and returns the report with the audit trail. The
// report is Compatible when no finding has level error.
func Check(opts Options) (Result, error) {
	sel, err := selectRules(opts.Use, opts.Except)
	if err != nil {
		return Result{}, err
	}
	resolver, err := ResolverLevel(opts.Resolver)
	if err != nil {
		return Result{}, err
	}
	for _, p := range opts.UnstableNamespaces {
		if _, err := path.Match(p, ""); err != nil {
			return Result{}, fmt.Errorf("ignore_unstable_namespaces: %q is not a pattern: %v", p, err)
		}
	}
	markers, err := scanMarkers(idlFiles(opts.Sources))
	if err != nil {
		return Result{}, err
	}
	rep, ctx, err := run(opts, sel)
	if err != nil {
		return Result{}, err
	}
	use := opts.Use
	if len(use) == 0 {
		use = []string{Wire}
	}
	res := Result{Use: use, Resolver: resolver}
	today := opts.Today
	if today.IsZero() {
		today = time.Now().UTC()
	}
	today = time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, time.UTC)
	ignores := append(append([]Ignore(nil), opts.Ignores...), markers...)
	for _, ig := range ignores {
		res.Applied = append(res.Applied, Applied{Ignore: ig, Expired: !ig.Until.IsZero() && ig.Until.Before(today)})
	}
	unstableCount := map[string]int{}
	var kept []report.Finding
findings:
	for _, f := range rep.Findings {
		if !sel[f.Type] {
			continue
		}
		if p, ok := unstable(opts.UnstableNamespaces, f); ok {
			unstableCount[p]++
			continue
		}
		for i := range res.Applied {
			a := &res.Applied[i]
			if !a.Expired && a.Ignore.matches(f, ctx.newSchemas[f.Subject], ctx.oldSchemas[f.Subject]) {
				a.Matched++
				continue findings
			}
		}
		kept = append(kept, f)
	}
	for _, p := range opts.UnstableNamespaces {
		if n := unstableCount[p]; n > 0 {
			res.Unstable = append(res.Unstable, UnstableSkip{p, n})
		}
	}
	for _, a := range res.Applied {
		ig := a.Ignore
		what := strings.Join(ig.Rules, ",")
		switch {
		case a.Expired && sel[IgnoreExpired]:
			r, _ := RuleByID(IgnoreExpired)
			kept = append(kept, report.Finding{Type: IgnoreExpired, Location: "/", Source: ig.Source, Path: ig.Source.Filename,
				Message:     fmt.Sprintf("the ignore of %s expired on %s (reason was %q): it no longer applies", what, ig.Until.Format(DateLayout), ig.Reason),
				Explanation: r.Doc,
				Fix:         "fix what it silenced, or set a later until= date if the reason still holds"})
		case !a.Expired && a.Matched == 0 && sel[IgnoreUnused] && sel.anyOf(ig.Rules):
			r, _ := RuleByID(IgnoreUnused)
			kept = append(kept, report.Finding{Type: IgnoreUnused, Location: "/", Source: ig.Source, Path: ig.Source.Filename,
				Message:     fmt.Sprintf("the ignore of %s matched no finding", what),
				Explanation: r.Doc,
				Fix:         "remove it (a stale ignore would silence a future change nobody reviewed)"})
		}
	}
	rep.Findings = kept
	rep.Compatible = true
	for i := range rep.Findings {
		f := &rep.Findings[i]
		level := levelOf(f.Type, resolver)
		if level == LevelError {
			rep.Compatible = false
		}
		// The category (and a level that does not fail) leads the
		// explanation, so every format shows it.
		cat := categoryOf(f.Type, use)
		expl := strings.TrimPrefix(f.Explanation, "category "+cat+": ")
		prefix := "category " + cat
		switch level {
		case LevelWarn:
			prefix += " (warning, does not fail the check)"
		case LevelInfo:
			prefix += " (info)"
		}
		f.Explanation = prefix + ": " + expl
		switch level {
		case LevelWarn:
			f.Severity = "minor"
		case LevelInfo:
			f.Severity = "info"
		}
	}
	// A subject whose every failing finding was ignored or skipped is
	// "accepted": JSON readers must not see "incompatible" on a passing
	// check.
	failing := map[string]bool{}
	for _, f := range rep.Findings {
		if levelOf(f.Type, resolver) == LevelError {
			failing[f.Subject] = true
		}
	}
	for i, sub := range rep.Subjects {
		if (sub.Status == "incompatible" || sub.Status == "removed") && !failing[sub.Name] {
			rep.Subjects[i].Status = "accepted"
		}
	}
	rep.Normalize()
	res.Report = rep
	return res, nil
}

// runContext is what the filtering step needs from the comparison.
type runContext struct {
	// newSchemas and oldSchemas map a subject to its working-tree schema
	// and to its schema at the revision compared with.
	newSchemas, oldSchemas map[string]schema.Schema
}

// run compares the snapshots and returns every finding of every rule.
func run(opts Options, sel selection) (report.Report, runContext, error) {
	var ctx runContext
	if opts.Schemas == "" {
		opts.Schemas = "schemas"
	}
	if opts.TagPrefix == "" {
		opts.TagPrefix = "events/v"
	}
	if opts.Against == "" {
		return report.Report{}, ctx, errors.New("no revision to compare with: pass --against REF (for example origin/main)")
	}
	repo := gitref.Repo{Dir: opts.Dir}
	schemasDir := path.Clean(filepath.ToSlash(opts.Schemas))

	base, err := repo.ReadDir(opts.Against, schemasDir, ".avsc")
	if err != nil {
		if errors.Is(err, gitref.ErrUnknownRevision) {
			return report.Report{}, ctx, missingRevision{err}
		}
		return report.Report{}, ctx, err
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
			return report.Report{}, ctx, err
		}
		for _, tag := range tags {
			files, err := repo.ReadDir(tag, schemasDir, ".avsc")
			if err != nil {
				return report.Report{}, ctx, err
			}
			history = append(history, snapshot{tag, files})
		}
	}
	history = append(history, snapshot{opts.Against, base})

	current, err := readTree(filepath.Join(opts.Dir, filepath.FromSlash(schemasDir)))
	if err != nil {
		return report.Report{}, ctx, err
	}

	newSchemas, err := parseSnapshot(current, "", schemasDir)
	if err != nil {
		return report.Report{}, ctx, err
	}
	parsedHistory := make([]map[string]schema.Schema, len(history))
	for i, snap := range history {
		if parsedHistory[i], err = parseSnapshot(snap.files, snap.rev+":", schemasDir); err != nil {
			return report.Report{}, ctx, err
		}
	}

	rep := report.Report{Compatible: true}
	ctx.newSchemas = map[string]schema.Schema{}
	ctx.oldSchemas = map[string]schema.Schema{}
	baseSchemas := parsedHistory[len(parsedHistory)-1]
	// JSON findings are per type: the subject that reports one is the
	// type's own subject, else the first subject using it, among the
	// subjects that have a previous version to compare with.
	common := map[string]schema.Schema{}
	for name, sc := range newSchemas {
		if _, ok := base[name]; ok {
			common[name] = sc
		}
	}
	newOwners := owners(common, schemasDir)
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
		ctx.newSchemas[subject] = checked
		if old, ok := baseSchemas[name]; ok {
			ctx.oldSchemas[subject] = old
			// A type shared by several subjects is reported once, with
			// the subject that owns it.
			owns := func(full string) bool { return newOwners[full].subject == subject }
			if sel.anyOwn(WireJSON) {
				rep.Findings = append(rep.Findings, jsonFindings(old, checked, owns, subject, file)...)
			}
			if sel[RegistrySameVersion] || sel[RegistryReferenceChg] {
				subs := []string{subject}
				if opts.RegistrySubjects != nil {
					subs = opts.RegistrySubjects[subject]
				}
				if len(subs) > 0 {
					rep.Findings = append(rep.Findings, registryFindings(old, newSchemas[name], checked, base[name], current[name], baseSchemas, newSchemas, subs, subject, file)...)
				}
			}
		}
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
	// The Go API is one module for all subjects: compare whole snapshots.
	// Sources stand in for their .avsc so the findings point at the IDL.
	located := map[string]schema.Schema{}
	for name, sc := range newSchemas {
		located[name] = sc
		if src, ok := ctx.newSchemas[subjectOf(name)]; ok {
			located[name] = src
		}
	}
	if sel.anyOwn(GoAPI) {
		rep.Findings = append(rep.Findings, goFindings(baseSchemas, located, schemasDir)...)
	}
	return rep, ctx, nil
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
