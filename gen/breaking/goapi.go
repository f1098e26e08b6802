package breaking

import (
	"bytes"
	"fmt"
	"sort"
	"strings"

	"gitlab.com/acme/avroctl/gen/compat/report"
	"gitlab.com/acme/avroctl/gen/registry/schematext"
	"gitlab.com/acme/avroctl/gen/release"
	"gitlab.com/acme/avroctl/gen/schema"
)

// owner says which subject (and file) a named type belongs to: its own
// subject when it has one, else the first subject (by name) that uses it.
type owner struct{ subject, file string }

func owners(schemas map[string]schema.Schema, schemasDir string) map[string]owner {
	out := map[string]owner{}
	names := make([]string, 0, len(schemas))
	for n := range schemas {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		subject := subjectOf(name)
		out[subject] = owner{subject, joinPath(schemasDir, name)}
	}
	for _, name := range names {
		subject := subjectOf(name)
		schema.Walk(schemas[name], func(n schema.NamedSchema) {
			if _, ok := out[n.Names().FullName()]; !ok {
				out[n.Names().FullName()] = owner{subject, joinPath(schemasDir, name)}
			}
		})
	}
	return out
}

// goFindings exposes gen/release's Go API classification (the one that
// decides a major version of the events module) as findings: each change
// release.Diff calls Go-API-breaking, plus a named type changing kind.
func goFindings(oldSet, newSet map[string]schema.Schema, schemasDir string) []report.Finding {
	oldNamed, newNamed := allNamed(oldSet), allNamed(newSet)
	oldOwners, newOwners := owners(oldSet, schemasDir), owners(newSet, schemasDir)
	var out []report.Finding
	for _, c := range release.Diff(oldNamed, newNamed) {
		rule, field := "", ""
		switch {
		case c.Kind == release.WireBreaking:
			o, n := oldNamed[c.Type], newNamed[c.Type]
			if o == nil || n == nil || o.Type() == n.Type() {
				continue // the wire rules report it
			}
			rule = GoTypeKindChanged
		case c.Kind != release.GoBreaking:
			continue
		case c.Text == "type "+c.Type+" removed":
			rule = GoTypeRemoved
		case strings.HasPrefix(c.Text, "enum symbol "):
			rule = GoEnumSymbolRemoved
		case strings.HasPrefix(c.Text, "size of "):
			rule = GoFixedSizeChanged
		case strings.HasPrefix(c.Text, "field "+c.Type+".") && strings.HasSuffix(c.Text, " removed"):
			rule = GoFieldRemoved
			field = strings.TrimSuffix(strings.TrimPrefix(c.Text, "field "+c.Type+"."), " removed")
		case strings.HasPrefix(c.Text, "field "+c.Type+".") && strings.Contains(c.Text, " changed Go type "):
			rule = GoFieldTypeChanged
			field, _, _ = strings.Cut(strings.TrimPrefix(c.Text, "field "+c.Type+"."), " ")
		default:
			rule = GoAPIChanged
		}
		own, ok := newOwners[c.Type]
		var pos schema.Position
		if n := newNamed[c.Type]; n != nil {
			pos = n.Names().Pos
			if r, isRec := n.(*schema.Record); isRec && field != "" {
				if f := r.FieldByName(field); f != nil && f.Pos.IsValid() {
					pos = f.Pos
				}
			}
		} else if o := oldNamed[c.Type]; o != nil {
			pos = o.Names().Pos
		}
		if !ok {
			own = oldOwners[c.Type]
		}
		loc := "/" + c.Type
		if field != "" {
			loc += "/fields/" + field
		}
		r, _ := RuleByID(rule)
		out = append(out, report.Finding{
			Subject: own.subject, Path: own.file, Type: rule, Location: loc, Source: pos,
			Message:     "Go API of the events module: " + c.Text,
			Explanation: r.Doc + "; Go code that uses it stops compiling, so the events module needs a new major version",
			Fix:         "keep the Go API (add instead of change), or release a new major version of the events module (avroctl release computes it)",
		})
	}
	return out
}

// allNamed maps every named type of a snapshot to its definition.
func allNamed(set map[string]schema.Schema) map[string]schema.NamedSchema {
	out := map[string]schema.NamedSchema{}
	names := make([]string, 0, len(set))
	for n := range set {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		for k, v := range namedTypes(set[name]) {
			if _, dup := out[k]; !dup {
				out[k] = v
			}
		}
	}
	return out
}

// registryFindings returns what a registry decides that the checker does
// not say: a changed file that normalizes to the registered schema (no new
// version), and a subject whose referenced subject changed.
func registryFindings(oldS, newS, located schema.Schema, oldData, newData []byte, oldSet, newSet map[string]schema.Schema, subjects []string, subject, file string) []report.Finding {
	var out []report.Finding
	if !bytes.Equal(oldData, newData) {
		// The registry stores Schema.toString() of what it parses (or, with
		// normalize=true, the normalized form) and finds an existing version
		// by that text: a change that prints or normalizes the same makes
		// no new version.
		how := ""
		oldText, err1 := schematext.Text(oldS, nil)
		newText, err2 := schematext.Text(newS, nil)
		switch {
		case err1 == nil && err2 == nil && oldText == newText:
			how = "the registry parses and prints it to the same text"
		case bytes.Equal(schema.Normalize(oldS), schema.Normalize(newS)):
			how = "registered with normalize=true it is the same schema"
		}
		if how != "" {
			r, _ := RuleByID(RegistrySameVersion)
			out = append(out, report.Finding{Subject: subject, Path: file, Type: RegistrySameVersion, Location: "/",
				Source:      namedPos(located),
				Message:     fmt.Sprintf("%s changed, but only in form: %s, so the registry keeps the existing version%s (no new version, no new id)", file, how, ofSubjects(subjects, subject)),
				Explanation: r.Doc,
				Fix:         "nothing to do; commit the file as it is or revert the formatting change"})
		}
	}
	// References: named types used by this subject that are subjects of
	// their own (a file in both snapshots) and changed. Under every
	// strategy a registered type's references are registered under their
	// full names (registry.Items), so ref names its subject; the referring
	// type is named by its own subjects (a topic's, under the topic
	// strategies).
	referring := strings.Join(subjects, ", ")
	oldByName, newByName := map[string]string{}, map[string]string{}
	for k := range oldSet {
		oldByName[subjectOf(k)] = k
	}
	for k := range newSet {
		newByName[subjectOf(k)] = k
	}
	var refs []string
	schema.Walk(newS, func(n schema.NamedSchema) {
		full := n.Names().FullName()
		if full != subject {
			refs = append(refs, full)
		}
	})
	sort.Strings(refs)
	for _, ref := range refs {
		of, inOld := oldByName[ref]
		nf, inNew := newByName[ref]
		if !inOld || !inNew {
			continue
		}
		if bytes.Equal(schema.Normalize(oldSet[of]), schema.Normalize(newSet[nf])) {
			continue
		}
		r, _ := RuleByID(RegistryReferenceChg)
		out = append(out, report.Finding{Subject: subject, Path: file, Type: RegistryReferenceChg, Location: "/" + ref,
			Source:      namedPos(located),
			Message:     fmt.Sprintf("%s uses %s, which is a subject of its own and changed: registering creates a new version of %s, and %s's next version references it", referring, ref, ref, referring),
			Explanation: r.Doc,
			Fix:         fmt.Sprintf("register the new version of %s first (the new version of %s references it), and check that %s's compatibility level accepts its change too", ref, referring, ref)})
	}
	return out
}

func namedPos(s schema.Schema) schema.Position {
	if n, ok := s.(schema.NamedSchema); ok {
		return n.Names().Pos
	}
	return schema.Position{}
}

// ofSubjects names the subjects of a type registered under other names
// than its full name (the topic strategies): " of orders-value".
func ofSubjects(subjects []string, fullName string) string {
	if len(subjects) == 1 && subjects[0] == fullName {
		return ""
	}
	return " of " + strings.Join(subjects, ", ")
}
