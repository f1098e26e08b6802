// Package release derives the next version of the generated events module
// from the schema change itself.
//
// The rule, per Go's semantic import versioning:
//
//   - major: a change that breaks the wire (old and new schemas cannot read
//     each other's data, in either direction) or breaks Go callers of the
//     generated code (a type or field removed, a field's Go type changed,
//     an enum symbol removed);
//   - minor: additions (new types, new fields, new enum symbols);
//   - patch: documentation or other changes that alter neither the wire nor
//     the Go API (docs, properties, defaults);
//   - none: nothing changed.
//
// A major version from 2 on needs the /vN suffix on the module path.
package release

import (
	"fmt"
	"sort"
	"strings"

	"gitlab.com/acme/avroctl/gen/compat"
	"gitlab.com/acme/avroctl/gen/schema"
)

// Bump is the size of a version change.
type Bump int

// Bumps, smallest first.
const (
	None Bump = iota
	Patch
	Minor
	Major
)

func (b Bump) String() string {
	return [...]string{"none", "patch", "minor", "major"}[b]
}

// Kind classifies one change.
type Kind int

// Change kinds, least severe first.
const (
	DocsOnly Kind = iota
	Other
	Additive
	GoBreaking
	WireBreaking
)

func (k Kind) String() string {
	return [...]string{"docs", "other", "additive", "breaking (Go API)", "breaking (wire)"}[k]
}

// Bump returns the version bump a change of this kind needs.
func (k Kind) Bump() Bump {
	switch k {
	case DocsOnly, Other:
		return Patch
	case Additive:
		return Minor
	}
	return Major
}

// Change is one difference between two schema sets.
type Change struct {
	Kind Kind
	// Type is the full name of the named type the change is in.
	Type string
	// Text says what changed, in plain words.
	Text string
}

// Diff compares the named types of two schema sets (keyed by full name) and
// returns the changes, sorted by type name and then severity.
func Diff(old, new map[string]schema.NamedSchema) []Change {
	old, new = reachable(old), reachable(new)
	var changes []Change
	add := func(k Kind, typ, format string, args ...any) {
		changes = append(changes, Change{k, typ, fmt.Sprintf(format, args...)})
	}
	for _, name := range unionKeys(old, new) {
		o, n := old[name], new[name]
		switch {
		case o == nil:
			add(Additive, name, "new type %s", name)
			continue
		case n == nil:
			add(GoBreaking, name, "type %s removed", name)
			continue
		}
		if o.Type() != n.Type() {
			add(WireBreaking, name, "%s changed from %s to %s", name, o.Type(), n.Type())
			continue
		}
		wire := wireFindings(o, n)
		for _, f := range wire {
			add(WireBreaking, name, "%s", f)
		}
		diffNamed(name, o, n, add)
	}
	sort.SliceStable(changes, func(i, j int) bool {
		if changes[i].Type != changes[j].Type {
			return changes[i].Type < changes[j].Type
		}
		return changes[i].Kind > changes[j].Kind
	})
	return changes
}

// wireFindings checks both directions: new consumers reading old data and
// old consumers reading new data.
func wireFindings(o, n schema.Schema) []string {
	var out []string
	for _, inc := range compat.Check(n, o).Incompatibilities {
		out = append(out, fmt.Sprintf("consumers on the new schema cannot read old events: %s at %s: %s", inc.Type, inc.Location, inc.Message))
	}
	for _, inc := range compat.Check(o, n).Incompatibilities {
		out = append(out, fmt.Sprintf("consumers on the old schema cannot read new events: %s at %s: %s", inc.Type, inc.Location, inc.Message))
	}
	return out
}

type addFunc func(k Kind, typ, format string, args ...any)

func diffNamed(name string, o, n schema.NamedSchema, add addFunc) {
	on, nn := o.Names(), n.Names()
	if docOf(on.Doc) != docOf(nn.Doc) {
		add(DocsOnly, name, "documentation of %s changed", name)
	}
	if !sameStrings(on.Aliases, nn.Aliases) {
		add(Other, name, "aliases of %s changed to [%s]", name, strings.Join(nn.Aliases, ", "))
	}
	if !propsEqual(&on.Props, &nn.Props) {
		add(Other, name, "properties of %s changed", name)
	}
	switch o := o.(type) {
	case *schema.Record:
		diffRecord(name, o, n.(*schema.Record), add)
	case *schema.Enum:
		n := n.(*schema.Enum)
		for _, s := range o.Symbols {
			if n.SymbolIndex(s) < 0 {
				add(GoBreaking, name, "enum symbol %s.%s removed", name, s)
			}
		}
		for _, s := range n.Symbols {
			if o.SymbolIndex(s) < 0 {
				add(Additive, name, "enum symbol %s.%s added", name, s)
			}
		}
		if o.HasDefault != n.HasDefault || o.Default != n.Default {
			add(Other, name, "default symbol of %s is now %q", name, n.Default)
		}
	case *schema.Fixed:
		if n := n.(*schema.Fixed); o.Size != n.Size {
			add(GoBreaking, name, "size of %s changed from %d to %d bytes", name, o.Size, n.Size)
		}
	}
}

func diffRecord(name string, o, n *schema.Record, add addFunc) {
	oFields, nFields := o.FieldIndex(), n.FieldIndex()
	for _, of := range o.Fields {
		nf := nFields[of.Name]
		if nf == nil {
			add(GoBreaking, name, "field %s.%s removed", name, of.Name)
			continue
		}
		if os, ns := goShape(of.Type), goShape(nf.Type); os != ns {
			add(GoBreaking, name, "field %s.%s changed Go type (%s → %s)", name, of.Name, os, ns)
		}
		if docOf(of.Doc) != docOf(nf.Doc) {
			add(DocsOnly, name, "documentation of field %s.%s changed", name, of.Name)
		}
		if of.HasDefault != nf.HasDefault || (of.HasDefault && !schema.ValueEqual(of.Default, nf.Default)) {
			switch {
			case !nf.HasDefault:
				add(Other, name, "field %s.%s no longer has a default", name, of.Name)
			default:
				add(Other, name, "default of field %s.%s is now %s", name, of.Name, schema.MarshalValue(nf.Default))
			}
		}
		if of.Order != nf.Order || !sameStrings(of.Aliases, nf.Aliases) || !propsEqual(&of.Props, &nf.Props) {
			add(Other, name, "order, aliases or properties of field %s.%s changed", name, of.Name)
		}
	}
	for _, nf := range n.Fields {
		if oFields[nf.Name] == nil {
			opt := "optional "
			if !nf.HasDefault {
				opt = ""
			}
			add(Additive, name, "%sfield %s.%s added", opt, name, nf.Name)
		}
	}
}

// goShape describes the Go type the generator makes for s: two schemas with
// the same shape give the same Go type, so a change of shape breaks callers.
func goShape(s schema.Schema) string {
	switch s := s.(type) {
	case *schema.Primitive:
		if l := schema.LogicalOf(s); l.Name != "" {
			return l.Name
		}
		return s.T.String()
	case schema.NamedSchema:
		if l := schema.LogicalOf(s); l.Name != "" {
			return l.Name
		}
		return s.Names().FullName()
	case *schema.Array:
		return "array<" + goShape(s.Items) + ">"
	case *schema.Map:
		return "map<" + goShape(s.Values) + ">"
	case *schema.Union:
		if len(s.Branches) == 2 {
			for i, b := range s.Branches {
				if b.Type() == schema.Null {
					return goShape(s.Branches[1-i]) + "?"
				}
			}
		}
		parts := make([]string, len(s.Branches))
		for i, b := range s.Branches {
			parts[i] = goShape(b)
		}
		return "union{" + strings.Join(parts, ", ") + "}"
	}
	return "?"
}

// Summarize returns the bump the changes need.
func Summarize(changes []Change) Bump {
	b := None
	for _, c := range changes {
		if c.Kind.Bump() > b {
			b = c.Kind.Bump()
		}
	}
	return b
}

func docOf(d *string) string {
	if d == nil {
		return ""
	}
	return *d
}

func sameStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func unionKeys(a, b map[string]schema.NamedSchema) []string {
	seen := map[string]bool{}
	var keys []string
	for _, m := range []map[string]schema.NamedSchema{a, b} {
		for k := range m {
			if !seen[k] {
				seen[k] = true
				keys = append(keys, k)
			}
		}
	}
	sort.Strings(keys)
	return keys
}

// propsEqual compares property sets as Java's maps do: the same keys with
// equal values, whatever the order.
func propsEqual(a, b *schema.Props) bool {
	if a.Len() != b.Len() {
		return false
	}
	for _, m := range a.List {
		v, ok := b.Get(m.Key)
		if !ok || !schema.ValueEqual(m.Value, v) {
			return false
		}
	}
	return true
}

// reachable adds every named type that the given ones use, so that a type
// defined inline (an enum inside a record) is diffed too.
func reachable(top map[string]schema.NamedSchema) map[string]schema.NamedSchema {
	out := make(map[string]schema.NamedSchema, len(top))
	for _, name := range sortedNames(top) {
		schema.Walk(top[name], func(n schema.NamedSchema) {
			if _, seen := out[n.Names().FullName()]; !seen {
				out[n.Names().FullName()] = n
			}
		})
	}
	return out
}
