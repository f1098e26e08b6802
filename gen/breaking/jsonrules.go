package breaking

import (
	"fmt"

	"gitlab.com/acme/avroctl/gen/compat/report"
	"gitlab.com/acme/avroctl/gen/schema"
)

// jsonFindings returns the WIRE_JSON findings of newSchema against
// oldSchema: what changes the Avro JSON text of an event although binary
// resolution (names matched through aliases, unknown enum symbols through
// the enum default) still reads it. A named type of the new schema is
// matched with the old type of the same full name, else with the old type
// its aliases name.
func jsonFindings(oldSchema, newSchema schema.Schema, owns func(fullName string) bool, subject, path string) []report.Finding {
	oldNamed := namedTypes(oldSchema)
	var out []report.Finding
	add := func(rule string, pos schema.Position, loc, msg, fix string) {
		r, _ := RuleByID(rule)
		out = append(out, report.Finding{Subject: subject, Path: path, Type: rule, Location: loc, Source: pos,
			Message: msg, Explanation: r.Doc, Fix: fix})
	}
	match := func(n schema.NamedSchema) schema.NamedSchema {
		if o, ok := oldNamed[n.Names().FullName()]; ok {
			return o
		}
		for _, a := range n.Names().Aliases {
			if o, ok := oldNamed[a]; ok {
				return o
			}
		}
		return nil
	}
	schema.Walk(newSchema, func(n schema.NamedSchema) {
		full := n.Names().FullName()
		if !owns(full) {
			return
		}
		switch n := n.(type) {
		case *schema.Record:
			o, ok := match(n).(*schema.Record)
			if !ok {
				return
			}
			for _, of := range o.Fields {
				if n.FieldByName(of.Name) != nil {
					continue
				}
				for _, nf := range n.Fields {
					if containsString(nf.Aliases, of.Name) && o.FieldByName(nf.Name) == nil {
						pos := nf.Pos
						if !pos.IsValid() {
							pos = n.Pos
						}
						add(JSONFieldRenamed, pos, "/"+full+"/fields/"+nf.Name,
							fmt.Sprintf("field %s.%s was renamed to %s: its Avro JSON key changes from %q to %q", full, of.Name, nf.Name, of.Name, nf.Name),
							fmt.Sprintf("keep the name %s if events travel as Avro JSON, or ignore the rule with the reason the JSON consumers were migrated", of.Name))
					}
				}
			}
		case *schema.Enum:
			o, ok := match(n).(*schema.Enum)
			if !ok {
				return
			}
			for _, sym := range o.Symbols {
				if n.SymbolIndex(sym) < 0 {
					add(JSONEnumSymbolRemoved, n.Pos, "/"+full+"/symbols/"+sym,
						fmt.Sprintf("enum symbol %s.%s was removed: Avro JSON writes it as the text %q, which a JSON reader on the new schema rejects", full, sym, sym),
						fmt.Sprintf("keep the symbol %s (document it as deprecated) while JSON events may carry it", sym))
				}
			}
		}
	})
	// Union branch names: a named branch of the old schema whose full name
	// is gone, now held by a type that lists it as an alias.
	newBranches := unionBranchNames(newSchema)
	newNamed := namedTypes(newSchema)
	for _, name := range sortedSet(unionBranchNames(oldSchema)) {
		if newBranches[name] {
			continue
		}
		for _, nn := range sortedNamed(newNamed) {
			n := newNamed[nn]
			if !newBranches[nn] || !containsString(n.Names().Aliases, name) || !owns(nn) {
				continue
			}
			add(JSONUnionBranchRenamed, n.Names().Pos, "/"+nn,
				fmt.Sprintf("union branch %s is now %s: Avro JSON names the union's value {%q: ...}, not {%q: ...}", name, nn, nn, name),
				fmt.Sprintf("keep the full name %s if events travel as Avro JSON, or ignore the rule with the reason the JSON consumers were migrated", name))
		}
	}
	return out
}

// namedTypes maps the full name of every named type in s to it.
func namedTypes(s schema.Schema) map[string]schema.NamedSchema {
	out := map[string]schema.NamedSchema{}
	if s == nil {
		return out
	}
	schema.Walk(s, func(n schema.NamedSchema) {
		if _, dup := out[n.Names().FullName()]; !dup {
			out[n.Names().FullName()] = n
		}
	})
	return out
}

// unionBranchNames returns the full names of the named types that are a
// branch of some union in s.
func unionBranchNames(s schema.Schema) map[string]bool {
	out := map[string]bool{}
	seen := map[schema.Schema]bool{}
	var walk func(schema.Schema)
	walk = func(s schema.Schema) {
		switch t := s.(type) {
		case *schema.Record:
			if seen[t] {
				return
			}
			seen[t] = true
			for _, f := range t.Fields {
				walk(f.Type)
			}
		case *schema.Array:
			walk(t.Items)
		case *schema.Map:
			walk(t.Values)
		case *schema.Union:
			for _, b := range t.Branches {
				if n, ok := b.(schema.NamedSchema); ok {
					out[n.Names().FullName()] = true
				}
				walk(b)
			}
		}
	}
	walk(s)
	return out
}

func sortedSet(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sortStrings(out)
	return out
}

func sortedNamed(m map[string]schema.NamedSchema) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sortStrings(out)
	return out
}
