package evolve

import (
	"fmt"
	"slices"
)

// Pair is a reader/writer pair and the evolution steps that lead from one
// to the other.
type Pair struct {
	Reader, Writer *Node
	// Steps describe the mutations, applied to the reader when ReaderEvolved
	// is set and to the writer otherwise.
	Steps         []string
	ReaderEvolved bool
}

// Pair returns a random schema and a random evolution of it, in a random
// direction: sometimes the new schema reads old data, sometimes the old
// schema reads new data.
func (g *Generator) Pair() Pair {
	base := g.Schema(6, 2)
	next := Clone(base)
	steps := g.Mutate(next, 1+g.R.IntN(3))
	base, next, steps = g.wrap(base, next, steps)
	if g.R.IntN(10) < 6 {
		return Pair{Reader: next, Writer: base, Steps: steps, ReaderEvolved: true}
	}
	return Pair{Reader: base, Writer: next, Steps: steps}
}

// wrap sometimes puts both schemas of a pair inside the same array, map or
// nullable union, or only the new one inside a nullable union, so that
// top-level non-record schemas and their locations ("/items/...") are
// exercised too.
func (g *Generator) wrap(base, next *Node, steps []string) (*Node, *Node, []string) {
	switch x := g.R.IntN(20); {
	case x == 0:
		return &Node{Kind: Array, Items: base}, &Node{Kind: Array, Items: next}, append(steps, "both inside an array")
	case x == 1:
		return &Node{Kind: Map, Items: base}, &Node{Kind: Map, Items: next}, append(steps, "both inside a map")
	case x == 2:
		return &Node{Kind: Union, Branches: []*Node{Prim(Null), base}},
			&Node{Kind: Union, Branches: []*Node{Prim(Null), next}}, append(steps, "both inside [null, T]")
	case x == 3:
		return base, &Node{Kind: Union, Branches: []*Node{Prim(Null), next}}, append(steps, "new one inside [null, T]")
	}
	return base, next, steps
}

// slot is a place that holds a type: a field's type, array items, map
// values or a union branch.
type slot struct {
	ref   **Node
	field *Field // the field whose type this is, if any
	union *Node  // the union this is a branch of, if any
}

type index struct {
	records, enums, fixeds []*Node
	unions                 []*Node
	slots                  []slot
}

func indexOf(root *Node) *index {
	ix := &index{}
	Walk(root, func(n *Node) {
		switch n.Kind {
		case Record:
			ix.records = append(ix.records, n)
			for _, f := range n.Fields {
				ix.slots = append(ix.slots, slot{ref: &f.Type, field: f})
			}
		case Enum:
			ix.enums = append(ix.enums, n)
		case Fixed:
			ix.fixeds = append(ix.fixeds, n)
		case Array, Map:
			ix.slots = append(ix.slots, slot{ref: &n.Items})
		case Union:
			ix.unions = append(ix.unions, n)
			for i := range n.Branches {
				ix.slots = append(ix.slots, slot{ref: &n.Branches[i], union: n})
			}
		}
	})
	return ix
}

// Mutate applies count random evolution steps to root in place and returns
// their descriptions. Defaults that a step made invalid are regenerated, so
// the result is always a schema the reference parser accepts.
func (g *Generator) Mutate(root *Node, count int) []string {
	var steps []string
	for tries := 0; len(steps) < count && tries < 50; tries++ {
		if s := g.mutateOnce(root); s != "" {
			steps = append(steps, s)
		}
	}
	g.fixDefaults(root)
	return steps
}

func (g *Generator) pick(n int) int { return g.R.IntN(n) }

func (g *Generator) mutateOnce(root *Node) string {
	ix := indexOf(root)
	ns := root.Namespace
	rec := ix.records[g.pick(len(ix.records))]
	switch g.pick(14) {
	case 0, 1: // add a field, with or without a default
		f := g.field(rec, 1, nil)
		if g.pick(2) == 0 {
			f.Default = DefaultFor(g.R, f.Type, 3)
		} else {
			f.Default = ""
		}
		rec.Fields = slices.Insert(rec.Fields, g.pick(len(rec.Fields)+1), f)
		return fmt.Sprintf("add field %s.%s (default %q)", rec.Name, f.Name, f.Default)
	case 2: // remove a field
		if len(rec.Fields) < 2 {
			return ""
		}
		i := g.pick(len(rec.Fields))
		name := rec.Fields[i].Name
		rec.Fields = slices.Delete(rec.Fields, i, i+1)
		return fmt.Sprintf("remove field %s.%s", rec.Name, name)
	case 3, 4, 5: // change a type: promotion, demotion, illegal change, nullability
		return g.changeType(ix.slots[g.pick(len(ix.slots))], ns)
	case 6: // rename a field, with or without an alias
		f := rec.Fields[g.pick(len(rec.Fields))]
		old := f.Name
		f.Name = g.name("f")
		if g.pick(3) > 0 {
			f.Aliases = append(f.Aliases, old)
		}
		return fmt.Sprintf("rename field %s.%s -> %s (aliases %v)", rec.Name, old, f.Name, f.Aliases)
	case 7: // rename a named type, with or without an alias
		named := slices.Concat(ix.records, ix.enums, ix.fixeds)
		return g.rename(named[g.pick(len(named))])
	case 8, 9: // evolve an enum
		if len(ix.enums) == 0 {
			return ""
		}
		return g.evolveEnum(ix.enums[g.pick(len(ix.enums))])
	case 10: // resize a fixed
		if len(ix.fixeds) == 0 {
			return ""
		}
		f := ix.fixeds[g.pick(len(ix.fixeds))]
		old := f.Size
		f.Size = 1 + g.pick(16)
		return fmt.Sprintf("resize fixed %s %d -> %d", f.Name, old, f.Size)
	case 11, 12: // evolve a union
		if len(ix.unions) == 0 {
			return ""
		}
		return g.evolveUnion(ix.unions[g.pick(len(ix.unions))], ns)
	case 13: // drop or add a field default
		f := rec.Fields[g.pick(len(rec.Fields))]
		if f.Default != "" {
			f.Default = ""
			return fmt.Sprintf("drop default of %s.%s", rec.Name, f.Name)
		}
		f.Default = DefaultFor(g.R, f.Type, 3)
		return fmt.Sprintf("add default %s to %s.%s", f.Default, rec.Name, f.Name)
	}
	return ""
}

// promotions lists, per primitive, the types a writer value of it may be
// read as (Avro schema resolution).
var promotions = map[Kind][]Kind{
	Int:    {Long, Float, Double},
	Long:   {Float, Double},
	Float:  {Double},
	String: {Bytes},
	Bytes:  {String},
}

// changeType changes the type in slot s; new named types go in namespace ns.
func (g *Generator) changeType(s slot, ns string) string {
	cur := *s.ref
	var next *Node
	what := ""
	switch x := g.pick(10); {
	case x < 3 && len(promotions[cur.Kind]) > 0:
		to := promotions[cur.Kind]
		next, what = Prim(to[g.pick(len(to))]), "promote"
	case x < 5 && cur.Kind >= Int && cur.Kind <= Bytes:
		// The reverse of a promotion: illegal unless it is string<->bytes.
		var from []Kind
		for k, tos := range promotions {
			if slices.Contains(tos, cur.Kind) {
				from = append(from, k)
			}
		}
		if len(from) == 0 {
			return ""
		}
		slices.Sort(from) // map order is random; keep the run deterministic
		next, what = Prim(from[g.pick(len(from))]), "demote"
	case x < 7 && s.union == nil && cur.Kind != Union:
		next, what = &Node{Kind: Union, Branches: []*Node{Prim(Null), cur}}, "make nullable"
	case x < 8 && cur.Kind == Union && len(cur.Branches) == 2 && slices.ContainsFunc(cur.Branches, isNull):
		for _, b := range cur.Branches {
			if !isNull(b) {
				next = b
			}
		}
		what = "make required"
	default:
		next, what = g.typ(ns, 1, nil), "change type"
		if next.Kind == Union && s.union != nil {
			return ""
		}
	}
	if s.union != nil {
		rest := &Node{Kind: Union}
		for _, b := range s.union.Branches {
			if b != cur {
				rest.Branches = append(rest.Branches, b)
			}
		}
		if !CanAddBranch(rest, next) {
			return ""
		}
	}
	*s.ref = next
	where := "type"
	if s.field != nil {
		where = "field " + s.field.Name
	}
	return fmt.Sprintf("%s %s: %s -> %s", what, where, describe(cur), describe(next))
}

func isNull(n *Node) bool { return n.Kind == Null }

func describe(n *Node) string {
	if n.Kind.IsNamed() {
		return n.Kind.String() + " " + n.Name
	}
	return n.Kind.String()
}

func (g *Generator) rename(n *Node) string {
	old := n.FullName()
	oldSimple := n.Name
	switch g.pick(4) {
	case 0: // namespace only: names match by simple name, so this is harmless
		n.Namespace += ".moved"
		return fmt.Sprintf("move %s to namespace %s", old, n.Namespace)
	default:
		n.Name = g.name(n.Name[:1])
	}
	switch g.pick(3) {
	case 0:
	case 1:
		n.Aliases = append(n.Aliases, old)
	case 2:
		// A simple-name alias resolves against the type's own namespace.
		n.Aliases = append(n.Aliases, oldSimple)
	}
	return fmt.Sprintf("rename %s -> %s (aliases %v)", old, n.FullName(), n.Aliases)
}

func (g *Generator) evolveEnum(e *Node) string {
	switch g.pick(4) {
	case 0: // add a symbol
		for _, s := range []string{"A", "B", "C", "D", "E", "F", "G", "H", "I"} {
			if !slices.Contains(e.Symbols, s) {
				e.Symbols = slices.Insert(e.Symbols, g.pick(len(e.Symbols)+1), s)
				return fmt.Sprintf("enum %s: add symbol %s", e.Name, s)
			}
		}
	case 1: // remove a symbol
		if len(e.Symbols) < 2 {
			return ""
		}
		i := g.pick(len(e.Symbols))
		s := e.Symbols[i]
		e.Symbols = slices.Delete(e.Symbols, i, i+1)
		if e.EnumDefault == s {
			e.EnumDefault = ""
		}
		return fmt.Sprintf("enum %s: remove symbol %s", e.Name, s)
	case 2: // set or drop the enum default
		if e.EnumDefault != "" {
			e.EnumDefault = ""
			return fmt.Sprintf("enum %s: drop default", e.Name)
		}
		e.EnumDefault = e.Symbols[g.pick(len(e.Symbols))]
		return fmt.Sprintf("enum %s: default %s", e.Name, e.EnumDefault)
	case 3: // reorder symbols (harmless: symbols resolve by name)
		g.R.Shuffle(len(e.Symbols), func(i, j int) { e.Symbols[i], e.Symbols[j] = e.Symbols[j], e.Symbols[i] })
		return fmt.Sprintf("enum %s: reorder symbols %v", e.Name, e.Symbols)
	}
	return ""
}

func (g *Generator) evolveUnion(u *Node, ns string) string {
	switch g.pick(3) {
	case 0: // add a branch
		var b *Node
		if g.pick(3) == 0 {
			b = Prim(Null)
		} else {
			b = g.typ(ns, 0, nil)
		}
		if !CanAddBranch(u, b) {
			return ""
		}
		u.Branches = slices.Insert(u.Branches, g.pick(len(u.Branches)+1), b)
		return fmt.Sprintf("union: add branch %s", describe(b))
	case 1: // remove a branch
		if len(u.Branches) < 2 {
			return ""
		}
		i := g.pick(len(u.Branches))
		b := u.Branches[i]
		u.Branches = slices.Delete(u.Branches, i, i+1)
		return fmt.Sprintf("union: remove branch %s", describe(b))
	default: // reorder
		if len(u.Branches) < 2 {
			return ""
		}
		g.R.Shuffle(len(u.Branches), func(i, j int) { u.Branches[i], u.Branches[j] = u.Branches[j], u.Branches[i] })
		return "union: reorder branches"
	}
}

// fixDefaults regenerates every field default that is no longer valid for
// its (possibly changed) type.
func (g *Generator) fixDefaults(root *Node) {
	for _, rec := range indexOf(root).records {
		for _, f := range rec.Fields {
			if f.Default != "" && !ValidDefault(f.Type, f.Default) {
				f.Default = DefaultFor(g.R, f.Type, 3)
			}
		}
	}
}
