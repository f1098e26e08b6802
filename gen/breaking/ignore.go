package breaking

import (
	"fmt"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"gitlab.com/acme/avroctl/gen/compat/report"
	"gitlab.com/acme/avroctl/gen/config"
	"gitlab.com/acme/avroctl/gen/schema"
)

// IgnoreMarker, in a comment on an IDL element (on its line, or among the
// comments and annotations right above it, where lint's
// `avroctl:lint:ignore` goes), silences breaking rules for the findings
// reported at that element's line. Every ignore is audited: it must say
// why, it may say until when, and the report lists what it silenced.
//
//	// avroctl:breaking:ignore JSON_FIELD_RENAMED reason="no JSON consumers (see ADR-12)" until=2027-03-01
//	string customer_ref;
//
// A removed element has no line of its own: its findings are reported at
// the enclosing type, so the marker goes above the type (or in
// breaking.ignore in avroctl.yaml).
const IgnoreMarker = "avroctl:breaking:ignore"

// Ignore silences the findings of rules (IDs or categories) that match its
// scope, with the reason recorded in the report.
type Ignore struct {
	// Rules are rule IDs or category names.
	Rules []string
	// Path is a file or folder; findings in it match ("" = any).
	Path string
	// Type is a full name: findings of that subject or about that type match.
	Type string
	// Field is a field name within Type (or any type when Type is "").
	Field string
	// Reason says why the change is accepted (required).
	Reason string
	// Until is the last day the ignore applies (zero: no end).
	Until time.Time
	// Source is where the ignore is written (avroctl.yaml or .avdl).
	Source schema.Position
	// line is, for a marker, the element's line in Source.Filename.
	line int
}

// From says where the ignore is written.
func (ig Ignore) From() string { return ig.Source.String() }

// Applied is one ignore's entry in the audit trail.
type Applied struct {
	Ignore  Ignore
	Matched int
	Expired bool
}

// UnstableSkip records the findings a namespace pattern skipped.
type UnstableSkip struct {
	Pattern string
	Matched int
}

// matches reports whether the ignore applies to f (rule and scope).
func (ig Ignore) matches(f report.Finding, versions ...schema.Schema) bool {
	rule, ok := RuleByID(f.Type)
	if !ok {
		return false
	}
	ruleOK := false
	for _, r := range ig.Rules {
		if r == f.Type || (r != f.Type && isCategory(r) && InCategory(rule, r) && rule.Category != categoryIgnore) {
			ruleOK = true
		}
	}
	if !ruleOK {
		return false
	}
	if ig.line > 0 {
		return f.Source.Filename != "" && samePath(f.Source.Filename, ig.Source.Filename) && f.Source.Line == ig.line
	}
	if ig.Path != "" && !underPath(f.Source.Filename, ig.Path) && !underPath(f.Path, ig.Path) {
		return false
	}
	if ig.Type != "" && f.Subject != ig.Type && f.Location != "/"+ig.Type && !strings.HasPrefix(f.Location, "/"+ig.Type+"/") {
		return false
	}
	if ig.Field != "" && !containsString(fieldsAt(f.Location, versions...), ig.Field) {
		return false
	}
	return true
}

func samePath(a, b string) bool {
	return filepath.ToSlash(filepath.Clean(a)) == filepath.ToSlash(filepath.Clean(b))
}

// underPath reports whether file is p or inside folder p.
func underPath(file, p string) bool {
	if file == "" {
		return false
	}
	f := filepath.ToSlash(filepath.Clean(file))
	p = filepath.ToSlash(filepath.Clean(p))
	return p == "." || f == p || strings.HasPrefix(f, strings.TrimSuffix(p, "/")+"/")
}

// fieldsAt returns the field names a finding's location names, resolved
// in each of schemas (the subject's new and previous versions: the
// checker's locations index the reader's fields, and the reader is the
// old schema in a FORWARD check). Locations come in three shapes:
// the checker's "/fields/INDEX/type/...", gen/evolve's and this package's
// "/full.Name/fields/NAME", and the resolver's dotted "/outer.inner".
func fieldsAt(loc string, schemas ...schema.Schema) []string {
	trimmed := strings.Trim(loc, "/")
	if !strings.Contains("/"+trimmed+"/", "/fields/") {
		if trimmed == "" || strings.Contains(trimmed, "/") {
			return nil
		}
		return strings.Split(trimmed, ".")
	}
	steps := strings.Split(trimmed, "/")
	var out []string
	for _, s := range schemas {
		if s == nil {
			continue
		}
		cur := s
		for i := 0; i < len(steps); i++ {
			step := steps[i]
			if step == "fields" && i+1 < len(steps) {
				i++
				rec, _ := cur.(*schema.Record)
				cur = nil
				if n, err := strconv.Atoi(steps[i]); err == nil {
					if rec != nil && n >= 0 && n < len(rec.Fields) {
						if !containsString(out, rec.Fields[n].Name) {
							out = append(out, rec.Fields[n].Name)
						}
						cur = rec.Fields[n].Type
					}
					continue
				}
				if !containsString(out, steps[i]) {
					out = append(out, steps[i])
				}
				if rec != nil {
					if f := rec.FieldByName(steps[i]); f != nil {
						cur = f.Type
					}
				}
				continue
			}
			switch t := cur.(type) {
			case *schema.Array:
				if step == "items" {
					cur = t.Items
				}
			case *schema.Map:
				if step == "values" {
					cur = t.Values
				}
			case *schema.Union:
				if n, err := strconv.Atoi(step); err == nil && n >= 0 && n < len(t.Branches) {
					cur = t.Branches[n]
				}
			default:
				if i == 0 {
					// "/full.Name/...": start at that named type.
					if n, ok := namedTypes(s)[step]; ok {
						cur = n
					}
				}
			}
		}
	}
	return out
}

// scanMarkers finds every IgnoreMarker in the .avdl files. A marker without
// reason="..." or with a bad until date or rule is an error at the marker.
func scanMarkers(files []string) ([]Ignore, error) {
	var out []Ignore
	var errs []string
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			continue // the IDL compiled from it, so it was readable; a race is not ours to report
		}
		lines := strings.Split(string(data), "\n")
		for i, line := range lines {
			col := strings.Index(line, IgnoreMarker)
			if col < 0 {
				continue
			}
			pos := schema.Position{Filename: file, Line: i + 1, Column: col + 1}
			ig, err := parseMarker(line[col+len(IgnoreMarker):])
			if err != nil {
				errs = append(errs, fmt.Sprintf("%s: %s %v", pos, IgnoreMarker, err))
				continue
			}
			ig.Source = pos
			ig.line = markerTarget(lines, i, col)
			out = append(out, ig)
		}
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("%s", strings.Join(errs, "\n"))
	}
	return out, nil
}

// markerTarget is the 1-based line of the element a marker on line i
// (0-based) at col annotates: its own line when code precedes the comment,
// else the first line below that is not a comment or an annotation.
func markerTarget(lines []string, i, col int) int {
	before := strings.TrimSpace(lines[i][:col])
	before = strings.TrimSuffix(strings.TrimSuffix(before, "//"), "/*")
	if strings.TrimSpace(before) != "" && !strings.HasPrefix(strings.TrimSpace(before), "*") {
		return i + 1
	}
	for n := i + 1; n < len(lines); n++ {
		t := strings.TrimSpace(lines[n])
		if t == "" || strings.HasPrefix(t, "//") || strings.HasPrefix(t, "/*") || strings.HasPrefix(t, "*") || strings.HasPrefix(t, "@") {
			continue
		}
		return n + 1
	}
	return i + 1
}

// parseMarker reads `RULE[,RULE...] reason="..." [until=YYYY-MM-DD]`.
func parseMarker(s string) (Ignore, error) {
	var ig Ignore
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "*/"))
	hasReason := false
	for s != "" {
		s = strings.TrimLeft(s, " \t,")
		if s == "" {
			break
		}
		switch {
		case strings.HasPrefix(s, "reason="):
			s = s[len("reason="):]
			if !strings.HasPrefix(s, `"`) {
				return ig, fmt.Errorf(`reason must be quoted: reason="why the change is accepted"`)
			}
			v, err := strconv.QuotedPrefix(s)
			if err != nil {
				return ig, fmt.Errorf(`reason has no closing quote: reason="why the change is accepted"`)
			}
			ig.Reason, _ = strconv.Unquote(v)
			s = s[len(v):]
			hasReason = true
		case strings.HasPrefix(s, "until="):
			s = s[len("until="):]
			word, rest, _ := strings.Cut(s, " ")
			t, err := time.Parse(DateLayout, word)
			if err != nil {
				return ig, fmt.Errorf("until=%s is not a date: write until=YYYY-MM-DD", word)
			}
			ig.Until, s = t, rest
		default:
			word := s
			if i := strings.IndexAny(s, " \t,"); i >= 0 {
				word, s = s[:i], s[i:]
			} else {
				s = ""
			}
			if strings.Contains(word, "=") {
				return ig, fmt.Errorf("unknown key %q: a marker takes rule IDs, reason=\"...\" and until=YYYY-MM-DD", word)
			}
			if _, ok := RuleByID(word); !ok && !isCategory(word) {
				return ig, fmt.Errorf("%v", &unknownRuleError{word})
			}
			ig.Rules = append(ig.Rules, word)
		}
	}
	if len(ig.Rules) == 0 {
		return ig, fmt.Errorf(`names no rule: write %s RULE reason="..."`, IgnoreMarker)
	}
	if !hasReason || strings.TrimSpace(ig.Reason) == "" {
		return ig, fmt.Errorf(`%s has no reason: every ignore says why, add reason="..." (and until=YYYY-MM-DD if it is temporary)`, strings.Join(ig.Rules, ","))
	}
	return ig, nil
}

// idlFiles lists the .avdl files the source types were compiled from.
func idlFiles(sources map[string]schema.Schema) []string {
	set := map[string]bool{}
	for _, s := range sources {
		schema.Walk(s, func(n schema.NamedSchema) {
			if f := n.Names().Pos.Filename; strings.HasSuffix(f, ".avdl") {
				set[f] = true
			}
		})
	}
	out := make([]string, 0, len(set))
	for f := range set {
		out = append(out, f)
	}
	sort.Strings(out)
	return out
}

// namespaceOf is the namespace of a full name.
func namespaceOf(full string) string {
	if i := strings.LastIndexByte(full, '.'); i >= 0 {
		return full[:i]
	}
	return ""
}

// unstable returns the pattern that matches the namespace of the
// finding's subject, or of the type its location starts with.
func unstable(patterns []string, f report.Finding) (string, bool) {
	namespaces := []string{namespaceOf(f.Subject)}
	if first, _, _ := strings.Cut(strings.TrimPrefix(f.Location, "/"), "/"); strings.Contains(first, ".") {
		namespaces = append(namespaces, namespaceOf(first))
	}
	for _, p := range patterns {
		for _, ns := range namespaces {
			if ok, _ := path.Match(p, ns); ok && ns != "" {
				return p, true
			}
		}
	}
	return "", false
}

func subjectOf(name string) string { return strings.TrimSuffix(path.Base(name), ".avsc") }

func joinPath(dir, name string) string { return path.Join(dir, name) }

func sortStrings(s []string) { sort.Strings(s) }

// ConfigIgnores returns avroctl.yaml's breaking.ignore as ignores, with
// paths resolved against the file's folder and each entry located in the
// file (the config validated rules, reasons and dates).
func ConfigIgnores(c *config.Config) []Ignore {
	var out []Ignore
	for _, ig := range c.Breaking.Ignore {
		b := Ignore{Rules: []string{ig.Rule}, Type: ig.Type, Field: ig.Field, Reason: ig.Reason,
			Source: schema.Position{Filename: c.File, Line: ig.Line, Column: ig.Col}}
		if ig.Path != "" {
			b.Path = c.Path(ig.Path)
		}
		if ig.Until != "" {
			b.Until, _ = time.Parse(DateLayout, ig.Until)
		}
		out = append(out, b)
	}
	return out
}
