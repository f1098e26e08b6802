package evolve

import (
	"fmt"
	"strings"
	"unicode"

	"gitlab.com/acme/avroctl/gen/compat"
	"gitlab.com/acme/avroctl/gen/golang"
	"gitlab.com/acme/avroctl/gen/schema"
)

// Rename is a removed and an added element that look like one renamed.
type Rename struct {
	// Kind is FieldRenamed or TypeMoved.
	Kind string
	// Record is the full name of the (new) record holding a renamed field;
	// for TypeMoved, the new full name of the type.
	Record string
	// From and To are the old and new names: simple field names for a
	// field, full names for a type.
	From, To string
	// Field is the new field (FieldRenamed), Type the new named type
	// (TypeMoved): where the alias goes.
	Field *schema.Field
	Type  *schema.Named
	// Backward, Forward and Resolver are measured, not assumed: the compat
	// engine is run again on the new schema with the alias added (Backward:
	// new reads old; Forward: old reads new), and our resolving reader on
	// new-reads-old. Each is "" when it holds, else the first reason.
	Backward, Forward, Resolver string
	// GoFrom and GoTo are the generated Go names (struct field or type)
	// before and after, when they differ: Go callers break.
	GoFrom, GoTo string
}

// Message is the finding's one-line message.
func (r Rename) Message() string {
	return fmt.Sprintf("this looks like a rename of `%s` to `%s`", r.From, r.To)
}

// Explanation says what breaks in each direction.
func (r Rename) Explanation() string {
	var parts []string
	switch r.Backward {
	case "":
		if r.Resolver == "" {
			parts = append(parts, fmt.Sprintf("BACKWARD (new readers, old data) holds with @aliases([%q])", r.From))
		} else {
			parts = append(parts, fmt.Sprintf("BACKWARD passes the registry's check with @aliases([%q]), but the resolving reader still fails: %s", r.From, r.Resolver))
		}
	default:
		parts = append(parts, fmt.Sprintf("BACKWARD still breaks with @aliases([%q]): %s", r.From, r.Backward))
	}
	if r.Forward == "" {
		parts = append(parts, "FORWARD (old readers, new data) holds")
	} else {
		if r.Kind == FieldRenamed {
			parts = append(parts, "FORWARD (old readers, new data) still breaks: old readers know only `"+r.From+"` ("+r.Forward+")")
		} else {
			parts = append(parts, "FORWARD (old readers, new data) still breaks: "+r.Forward)
		}
	}
	movedPackage := false
	if r.Kind == TypeMoved {
		ons, _ := schema.SplitName(r.From)
		nns, _ := schema.SplitName(r.To)
		if lastSegment(ons) != lastSegment(nns) {
			parts = append(parts, fmt.Sprintf("Go callers break unless avroctl.yaml maps both namespaces to one package: by default the generated type moves from package %q to %q", lastSegment(ons), lastSegment(nns)))
			movedPackage = true
		}
	}
	if r.GoFrom != r.GoTo {
		what := "field"
		if r.Kind == TypeMoved {
			what = "type"
		}
		parts = append(parts, fmt.Sprintf("Go callers break: the generated %s %s becomes %s", what, r.GoFrom, r.GoTo))
	} else if !movedPackage {
		parts = append(parts, fmt.Sprintf("Go callers are unaffected: the generated name stays %s", r.GoTo))
	}
	return strings.Join(parts, "; ")
}

// Fix is the alias edit, in IDL syntax when the element was written in an
// .avdl file, else JSON.
func (r Rename) Fix() string {
	if r.Kind == TypeMoved {
		return aliasEdit(r.Type.Pos, r.From, "type "+r.Type.Name)
	}
	if strings.HasSuffix(r.Field.Pos.Filename, ".avdl") {
		// In IDL a field's annotations go before its name: before the type
		// they would annotate the type (and @aliases there is an error).
		return fmt.Sprintf("write `@aliases([%q]) %s` in place of the field name `%s` (%s)", r.From, r.To, r.To, r.Field.Pos)
	}
	return aliasEdit(r.Field.Pos, r.From, "field "+r.To)
}

// Pos is where the alias goes.
func (r Rename) Pos() schema.Position {
	if r.Kind == TypeMoved {
		return r.Type.Pos
	}
	return r.Field.Pos
}

func aliasEdit(pos schema.Position, alias, what string) string {
	at := ""
	if pos.IsValid() {
		at = " (" + pos.String() + ")"
	}
	if strings.HasSuffix(pos.Filename, ".avdl") {
		return fmt.Sprintf("add @aliases([%q]) before %s%s", alias, what, at)
	}
	return fmt.Sprintf("add \"aliases\": [%q] to %s%s", alias, what, at)
}

// DetectRenames compares an old and a new schema. Records are paired at the
// root and then at the same field path (by field name, through arrays, maps
// and unions), so a type is followed even when its name changed.
//
// The rule for a field rename, in a pair of records: a field of the old
// record that the new one lacks (by name and by the new fields' aliases) and
// a field of the new record that the old one lacks are a rename when
//
//   - their positions (index among the fields) differ by at most one, and
//   - the types are the same (schema.Equal, docs aside) or the old one
//     promotes to the new one (int→long→float→double, string↔bytes), and
//   - the names are similar: after lower-casing and removing '_' and '-',
//     their edit distance is at most 40% of the longer name, or one
//     abbreviates the other (same first letter, its letters in order in the
//     other: "qty", "quantity"), or they share a word (split at '_', '-'
//     and lower-to-upper case changes) of three letters or more.
//
// Each removed field pairs with at most one added field (the closest by
// position, first in order). A new field already carrying the old name as
// an alias is not reported: the rename is declared.
//
// A named type is reported as moved when the types paired at the same path
// (or the roots) have different full names and the new type does not carry
// the old full name as an alias.
func DetectRenames(oldSchema, newSchema schema.Schema) []Rename {
	d := &detector{seen: map[[2]schema.Schema]bool{}}
	d.walk(oldSchema, newSchema)
	return d.out
}

type detector struct {
	seen map[[2]schema.Schema]bool
	out  []Rename
}

func (d *detector) walk(o, n schema.Schema) {
	o, n = unwrap(o, n)
	if o == nil || n == nil {
		return
	}
	key := [2]schema.Schema{o, n}
	if d.seen[key] {
		return
	}
	d.seen[key] = true
	on, ok1 := o.(schema.NamedSchema)
	nn, ok2 := n.(schema.NamedSchema)
	if ok1 && ok2 && o.Type() == n.Type() {
		of, nf := on.Names().FullName(), nn.Names().FullName()
		if of != nf && !contains(nn.Names().Aliases, of) {
			d.out = append(d.out, d.measureType(on, nn))
		}
	}
	switch ot := o.(type) {
	case *schema.Record:
		nt, ok := n.(*schema.Record)
		if !ok {
			return
		}
		d.fields(ot, nt)
		for _, of := range ot.Fields {
			if nf := nt.FieldByName(of.Name); nf != nil {
				d.walk(of.Type, nf.Type)
			}
		}
	case *schema.Array:
		if nt, ok := n.(*schema.Array); ok {
			d.walk(ot.Items, nt.Items)
		}
	case *schema.Map:
		if nt, ok := n.(*schema.Map); ok {
			d.walk(ot.Values, nt.Values)
		}
	}
}

// unwrap pairs a union with its first branch of the other side's type, so
// an optional record is followed.
func unwrap(o, n schema.Schema) (schema.Schema, schema.Schema) {
	pick := func(u *schema.Union, t schema.Type) schema.Schema {
		for _, b := range u.Branches {
			if b.Type() == t {
				return b
			}
		}
		return nil
	}
	ou, oIsU := o.(*schema.Union)
	nu, nIsU := n.(*schema.Union)
	switch {
	case oIsU && nIsU:
		for _, b := range nu.Branches {
			if b.Type() != schema.Null {
				if ob := pick(ou, b.Type()); ob != nil {
					return ob, b
				}
			}
		}
		return nil, nil
	case oIsU:
		return pick(ou, n.Type()), n
	case nIsU:
		return o, pick(nu, o.Type())
	}
	return o, n
}

func (d *detector) fields(o, n *schema.Record) {
	declared := map[string]bool{}
	for _, f := range n.Fields {
		for _, a := range f.Aliases {
			declared[a] = true
		}
	}
	type indexed struct {
		f *schema.Field
		i int
	}
	var removed, added []indexed
	for i, f := range o.Fields {
		if n.FieldByName(f.Name) == nil && !declared[f.Name] {
			removed = append(removed, indexed{f, i})
		}
	}
	for i, f := range n.Fields {
		if o.FieldByName(f.Name) == nil && !declaresAny(f, o) {
			added = append(added, indexed{f, i})
		}
	}
	used := map[int]bool{}
	for _, r := range removed {
		best := -1
		for k, a := range added {
			if used[k] || abs(a.i-r.i) > 1 || !sameOrPromotable(r.f.Type, a.f.Type) || !similarNames(r.f.Name, a.f.Name) {
				continue
			}
			if best < 0 || abs(a.i-r.i) < abs(added[best].i-r.i) {
				best = k
			}
		}
		if best < 0 {
			continue
		}
		used[best] = true
		d.out = append(d.out, d.measureField(o, n, r.f, added[best].f))
	}
}

func declaresAny(f *schema.Field, o *schema.Record) bool {
	for _, a := range f.Aliases {
		if o.FieldByName(a) != nil {
			return true
		}
	}
	return false
}

// measureField re-runs the compat engine and the resolving reader on the
// renamed field alone, with the alias added: each record reduced to that
// field (same record names), so that other changes to the record do not
// hide whether the alias fixes this one.
func (d *detector) measureField(oldRec, newRec *schema.Record, of, nf *schema.Field) Rename {
	r := Rename{Kind: FieldRenamed, Record: newRec.FullName(), From: of.Name, To: nf.Name, Field: nf,
		GoFrom: golang.GoName(of.Name), GoTo: golang.GoName(nf.Name)}
	o := *oldRec
	o.Fields = []*schema.Field{of}
	n := *newRec
	aliased := *nf
	aliased.Aliases = append(append([]string(nil), nf.Aliases...), of.Name)
	n.Fields = []*schema.Field{&aliased}
	measure(&r, &o, &n)
	return r
}

// measureType compares the two named types themselves, the new one with
// the old full name added to its aliases.
func (d *detector) measureType(o, n schema.NamedSchema) Rename {
	on, nn := o.Names(), n.Names()
	r := Rename{Kind: TypeMoved, Record: nn.FullName(), From: on.FullName(), To: nn.FullName(), Type: nn,
		GoFrom: golang.GoName(on.Name), GoTo: golang.GoName(nn.Name)}
	var aliased schema.Schema
	switch t := n.(type) {
	case *schema.Record:
		c := *t
		aliased = &c
	case *schema.Enum:
		c := *t
		aliased = &c
	case *schema.Fixed:
		c := *t
		aliased = &c
	default:
		return r
	}
	names := aliased.(schema.NamedSchema).Names()
	names.Aliases = append(append([]string(nil), nn.Aliases...), on.FullName())
	measure(&r, o, aliased)
	return r
}

func measure(r *Rename, old, aliased schema.Schema) {
	r.Backward = firstReason(compat.Check(aliased, old))
	r.Forward = firstReason(compat.Check(old, aliased))
	if r.Backward == "" {
		if err := Resolve(aliased, old); err != nil {
			r.Resolver = err.Error()
		}
	}
}

func firstReason(res compat.Result) string {
	if res.Compatible {
		return ""
	}
	if res.Err != nil {
		return res.Err.Error()
	}
	for _, in := range res.Incompatibilities {
		// The location is within the reduced pair: not shown.
		return string(in.Type) + " " + in.Message
	}
	return "incompatible"
}

// sameOrPromotable: equal types, or a writer (old) type the reader (new)
// type promotes from.
func sameOrPromotable(o, n schema.Schema) bool {
	if schema.Equal(o, n) {
		return true
	}
	op, ok1 := o.(*schema.Primitive)
	np, ok2 := n.(*schema.Primitive)
	if !ok1 || !ok2 {
		// Named types compare by name and kind: their content may have
		// evolved too.
		on, ok1 := o.(schema.NamedSchema)
		nn, ok2 := n.(schema.NamedSchema)
		return ok1 && ok2 && o.Type() == n.Type() && on.Names().Name == nn.Names().Name
	}
	switch op.T {
	case schema.Int:
		return np.T == schema.Long || np.T == schema.Float || np.T == schema.Double
	case schema.Long:
		return np.T == schema.Float || np.T == schema.Double
	case schema.Float:
		return np.T == schema.Double
	case schema.String:
		return np.T == schema.Bytes
	case schema.Bytes:
		return np.T == schema.String
	}
	return op.T == np.T
}

// similarNames is the documented name rule of DetectRenames.
func similarNames(a, b string) bool {
	na, nb := normalize(a), normalize(b)
	longest := max(len([]rune(na)), len([]rune(nb)))
	if longest > 0 && float64(editDistance(na, nb)) <= 0.4*float64(longest) {
		return true
	}
	if abbreviates(na, nb) || abbreviates(nb, na) {
		return true
	}
	wa := words(a)
	for w := range words(b) {
		if len(w) >= 3 && wa[w] {
			return true
		}
	}
	return false
}

// abbreviates reports whether short (two letters or more) abbreviates long:
// same first letter, and its letters appear in long in order ("qty",
// "quantity").
func abbreviates(short, long string) bool {
	rs, rl := []rune(short), []rune(long)
	if len(rs) < 2 || len(rs) >= len(rl) || rs[0] != rl[0] {
		return false
	}
	i := 0
	for _, r := range rl {
		if i < len(rs) && rs[i] == r {
			i++
		}
	}
	return i == len(rs)
}

func normalize(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r == '_' || r == '-' {
			continue
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

func words(s string) map[string]bool {
	out := map[string]bool{}
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			out[strings.ToLower(string(cur))] = true
			cur = cur[:0]
		}
	}
	rs := []rune(s)
	for i, r := range rs {
		switch {
		case r == '_' || r == '-':
			flush()
		case unicode.IsUpper(r) && i > 0 && unicode.IsLower(rs[i-1]):
			flush()
			cur = append(cur, r)
		default:
			cur = append(cur, r)
		}
	}
	flush()
	return out
}

// editDistance is the Levenshtein distance over runes. Field names are
// short; the cost is bounded by the product of their lengths.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// lastSegment is gen/golang's default package directory for a namespace
// (its last segment; the module root for none).
func lastSegment(ns string) string {
	if i := strings.LastIndexByte(ns, '.'); i >= 0 {
		return ns[i+1:]
	}
	return ns
}
