package lint

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"gitlab.com/acme/avroctl/gen/compat/report"
	"gitlab.com/acme/avroctl/gen/schema"
)

// Config selects rules and exempts files, as avroctl.yaml's `lint:` section
// spells it (buf's use / except / ignore / ignore_only).
type Config struct {
	// Use lists rule IDs and categories to run (empty: DEFAULT).
	Use []string
	// Except removes rule IDs or categories from Use.
	Except []string
	// Ignore lists files or folders no rule looks at.
	Ignore []string
	// IgnoreOnly maps a rule ID or category to files or folders it skips.
	IgnoreOnly map[string][]string
}

// Finding is one rule violation.
type Finding struct {
	Rule string
	// Pos is where the offending type or field is declared.
	Pos schema.Position
	// Location names the element: a type's full name, or full name "." field.
	Location string
	Message  string
	// Fix says what to change; it is written in IDL syntax when the type
	// came from a .avdl file.
	Fix string
}

// Result is the outcome of Run.
type Result struct {
	Findings []Finding
	// Rules are the IDs that ran, sorted.
	Rules []string
	// Types is how many named types were checked.
	Types int
	// Topics is how many topics were checked (0 without a state).
	Topics int
}

// Run checks every named type with the rules cfg selects. Types are the
// top-level inputs; named types nested in them are checked too, each once.
func Run(types []schema.NamedSchema, cfg Config) (Result, error) {
	return RunWithTopics(types, nil, cfg)
}

// RunWithTopics is Run, plus the topic rules on topics when it is not nil.
func RunWithTopics(types []schema.NamedSchema, topics *Topics, cfg Config) (Result, error) {
	use := cfg.Use
	if len(use) == 0 {
		use = []string{Default}
	}
	enabled, unknown := expand(use)
	except, unknown2 := expand(cfg.Except)
	unknown = append(unknown, unknown2...)
	ignoreOnly := map[string][]string{}
	for k, paths := range cfg.IgnoreOnly {
		set, bad := expand([]string{k})
		unknown = append(unknown, bad...)
		for id := range set {
			ignoreOnly[id] = append(ignoreOnly[id], paths...)
		}
	}
	if len(unknown) > 0 {
		return Result{}, fmt.Errorf("unknown lint rule or category %s (run `avroctl lint --list-rules`; known: %s)",
			strings.Join(quoteAll(unknown), ", "), strings.Join(IDs(), ", "))
	}
	var res Result
	for id := range enabled {
		if _, topic := topicRuleByID(id); topic && (topics == nil || topics.State == nil) {
			continue // nothing to check them on
		}
		if !except[id] {
			res.Rules = append(res.Rules, id)
		}
	}
	sort.Strings(res.Rules)

	c := &checker{}
	// One check per full name: the inputs themselves first (each at its own
	// declaration), then the types nested in them that no input declares.
	seen := map[string]bool{}
	var all []schema.NamedSchema
	add := func(n schema.NamedSchema) {
		if name := n.Names().FullName(); !seen[name] {
			seen[name] = true
			all = append(all, n)
		}
	}
	for _, t := range types {
		add(t)
	}
	for _, t := range types {
		schema.Walk(t, add)
	}
	res.Types = len(all)
	byName := map[string]schema.NamedSchema{}
	for _, t := range all {
		byName[t.Names().FullName()] = t
	}
	for _, id := range res.Rules {
		c.rule = id
		if tr, ok := topicRuleByID(id); ok {
			tr.check(&topicChecker{checker: c, in: topics, types: byName})
			continue
		}
		r, _ := ruleByID(id)
		for _, t := range all {
			r.check(c, t)
		}
	}
	if topics != nil && topics.State != nil {
		res.Topics = len(topics.State.Topics)
	}
	// Drop what the configuration and the sources exempt.
	comments := ignoreComments{}
	kept := c.findings[:0]
	for _, f := range c.findings {
		file := f.Pos.Filename
		if underAny(file, cfg.Ignore) || underAny(file, ignoreOnly[f.Rule]) || comments.ignores(f) {
			continue
		}
		kept = append(kept, f)
	}
	sort.SliceStable(kept, func(i, j int) bool {
		a, b := kept[i], kept[j]
		if c := schema.ComparePositions(a.Pos, b.Pos); c != 0 {
			return c < 0
		}
		if a.Location != b.Location {
			return a.Location < b.Location
		}
		return a.Rule < b.Rule
	})
	res.Findings = kept
	return res, nil
}

// underAny reports whether file is one of paths or inside one of them.
func underAny(file string, paths []string) bool {
	if file == "" {
		return false
	}
	f := filepath.ToSlash(filepath.Clean(file))
	for _, p := range paths {
		p = filepath.ToSlash(filepath.Clean(p))
		if f == p || strings.HasPrefix(f, strings.TrimSuffix(p, "/")+"/") || p == "." {
			return true
		}
	}
	return false
}

func quoteAll(s []string) []string {
	out := make([]string, len(s))
	for i, x := range s {
		out[i] = fmt.Sprintf("%q", x)
	}
	return out
}

// checker collects findings for the rule being run.
type checker struct {
	rule     string
	findings []Finding
}

func (c *checker) report(pos schema.Position, location, fix, format string, args ...any) {
	c.findings = append(c.findings, Finding{
		Rule:     c.rule,
		Pos:      pos,
		Location: location,
		Message:  fmt.Sprintf(format, args...),
		Fix:      fix,
	})
}

// isIDL reports whether the type was declared in Avro IDL, so that fixes
// can be written in the syntax the user edits.
func isIDL(t schema.NamedSchema) bool {
	return strings.HasSuffix(t.Names().Pos.Filename, ".avdl")
}

// fieldPos is the field's position, or its record's when the field has none.
func fieldPos(t schema.NamedSchema, f *schema.Field) schema.Position {
	if f.Pos.IsValid() {
		return f.Pos
	}
	return t.Names().Pos
}

// Report converts the result for the shared renderers (text, JSON, JUnit,
// GitLab Code Quality). MINIMAL findings are "major" in Code Quality, the
// rest "minor".
func (r Result) Report() report.Report {
	rep := report.Report{Kind: report.KindLint, Compatible: len(r.Findings) == 0,
		Checked: fmt.Sprintf("%d types, %d rules", r.Types, len(r.Rules))}
	if r.Topics > 0 {
		rep.Checked = fmt.Sprintf("%d types, %d topics, %d rules", r.Types, r.Topics, len(r.Rules))
	}
	for _, f := range r.Findings {
		sev := "minor"
		if rule, _ := ruleByID(f.Rule); rule.Category == Minimal {
			sev = "major"
		}
		rep.Findings = append(rep.Findings, report.Finding{
			Type:     f.Rule,
			Location: f.Location,
			Source:   f.Pos,
			Message:  f.Message,
			Fix:      f.Fix,
			Severity: sev,
		})
	}
	return rep
}

// IgnoreMarker, followed by rule IDs, in a comment on a finding's line or
// among the comments and annotations just above it silences those rules
// there, as buf's `// buf:lint:ignore` does:
//
//	// avroctl:lint:ignore FIELD_LOWER_CAMEL_CASE (the legacy consumers need it)
//	string legacy_id;
const IgnoreMarker = "avroctl:lint:ignore"

// ignoreComments reads source files once each to find ignore markers.
type ignoreComments map[string][]string

func (ic ignoreComments) ignores(f Finding) bool {
	file, line := f.Pos.Filename, f.Pos.Line
	if file == "" || line < 1 || !strings.HasSuffix(file, ".avdl") {
		return false
	}
	lines, ok := ic[file]
	if !ok {
		data, err := os.ReadFile(file)
		if err == nil {
			lines = strings.Split(string(data), "\n")
		}
		ic[file] = lines
	}
	if line > len(lines) {
		return false
	}
	if markerNames(lines[line-1], f.Rule) {
		return true
	}
	// Then the comments and annotations right above the element.
	for n := line - 2; n >= 0; n-- {
		t := strings.TrimSpace(lines[n])
		if !(strings.HasPrefix(t, "//") || strings.HasPrefix(t, "/*") || strings.HasPrefix(t, "*") || strings.HasPrefix(t, "@")) {
			return false
		}
		if markerNames(t, f.Rule) {
			return true
		}
	}
	return false
}

// markerNames reports whether line has an ignore marker naming rule.
func markerNames(line, rule string) bool {
	i := strings.Index(line, IgnoreMarker)
	if i < 0 {
		return false
	}
	for _, w := range strings.FieldsFunc(line[i+len(IgnoreMarker):], func(r rune) bool {
		return r == ' ' || r == '\t' || r == ',' || r == '*' || r == '/'
	}) {
		if w == rule {
			return true
		}
	}
	return false
}
