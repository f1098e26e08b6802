package evolve

import (
	"fmt"
	"math/rand/v2"
)

// Generator makes random schemas. The same seed gives the same sequence.
type Generator struct {
	R *rand.Rand
	// seq numbers generated names, so that names never clash.
	seq int
}

// New returns a Generator seeded with seed.
func New(seed uint64) *Generator {
	return &Generator{R: rand.New(rand.NewPCG(seed, 0x5eed))}
}

func (g *Generator) name(prefix string) string {
	g.seq++
	return fmt.Sprintf("%s%d", prefix, g.seq)
}

// Schema returns a random top-level record in namespace "com.acme" with up
// to maxFields fields and nesting up to depth levels.
func (g *Generator) Schema(maxFields, depth int) *Node {
	return g.SchemaIn("com.acme", maxFields, depth)
}

// SchemaIn is Schema with the top-level record in namespace ns.
func (g *Generator) SchemaIn(ns string, maxFields, depth int) *Node {
	n := g.record(ns, maxFields, depth, nil)
	// A default drawn while a recursive record was still being built may
	// miss fields added later; redraw those now that the schema is whole.
	g.fixDefaults(n)
	return n
}

func (g *Generator) record(ns string, maxFields, depth int, ancestors []*Node) *Node {
	n := &Node{Kind: Record, Name: g.name("R"), Namespace: ns}
	if g.R.IntN(10) == 0 {
		// A nested namespace exercises namespace inheritance.
		n.Namespace = ns + ".sub"
	}
	ancestors = append(ancestors, n)
	count := 1 + g.R.IntN(maxFields)
	for i := 0; i < count; i++ {
		n.Fields = append(n.Fields, g.field(n, depth, ancestors))
	}
	return n
}

// field makes a new field of rec, with a name no other field has.
func (g *Generator) field(rec *Node, depth int, ancestors []*Node) *Field {
	f := &Field{Name: g.name("f"), Type: g.typ(rec.Namespace, depth, ancestors)}
	if g.R.IntN(5) < 2 {
		f.Default = DefaultFor(g.R, f.Type, 3)
	}
	return f
}

// Prim returns a new primitive node.
func Prim(k Kind) *Node { return &Node{Kind: k} }

var primitives = []Kind{Boolean, Int, Long, Float, Double, Bytes, String}

// typ returns a random type. ns is the enclosing namespace.
func (g *Generator) typ(ns string, depth int, ancestors []*Node) *Node {
	switch x := g.R.IntN(100); {
	case x < 48:
		return Prim(primitives[g.R.IntN(len(primitives))])
	case x < 56:
		return g.enum(ns)
	case x < 61:
		return g.fixed(ns)
	case x < 68 && depth > 0:
		return &Node{Kind: Array, Items: g.typ(ns, depth-1, ancestors)}
	case x < 74 && depth > 0:
		return &Node{Kind: Map, Items: g.typ(ns, depth-1, ancestors)}
	case x < 87:
		return g.union(ns, depth, ancestors)
	case x < 97 && depth > 0:
		return g.record(ns, 4, depth-1, ancestors)
	case x < 100 && len(ancestors) > 0:
		// A recursive reference, behind null so that values stay finite.
		return &Node{Kind: Union, Branches: []*Node{Prim(Null), ancestors[g.R.IntN(len(ancestors))]}}
	}
	return Prim(primitives[g.R.IntN(len(primitives))])
}

func (g *Generator) enum(ns string) *Node {
	n := &Node{Kind: Enum, Name: g.name("E"), Namespace: ns}
	all := []string{"A", "B", "C", "D", "E", "F", "G"}
	g.R.Shuffle(len(all), func(i, j int) { all[i], all[j] = all[j], all[i] })
	n.Symbols = all[:2+g.R.IntN(4)]
	if g.R.IntN(3) == 0 {
		n.EnumDefault = n.Symbols[g.R.IntN(len(n.Symbols))]
	}
	return n
}

func (g *Generator) fixed(ns string) *Node {
	return &Node{Kind: Fixed, Name: g.name("F"), Namespace: ns, Size: 1 + g.R.IntN(16)}
}

// union returns a nullable type most of the time, otherwise a union of two
// to four branches of distinct kinds.
func (g *Generator) union(ns string, depth int, ancestors []*Node) *Node {
	if g.R.IntN(10) < 6 {
		var t *Node
		for t == nil || t.Kind == Union || t.Kind == Null {
			t = g.typ(ns, depth, ancestors)
		}
		if g.R.IntN(4) == 0 {
			return &Node{Kind: Union, Branches: []*Node{t, Prim(Null)}}
		}
		return &Node{Kind: Union, Branches: []*Node{Prim(Null), t}}
	}
	u := &Node{Kind: Union}
	want := 2 + g.R.IntN(3)
	for tries := 0; len(u.Branches) < want && tries < 20; tries++ {
		var b *Node
		if g.R.IntN(3) == 0 {
			b = Prim(Null)
		} else {
			b = g.typ(ns, depth-1, ancestors)
		}
		if CanAddBranch(u, b) {
			u.Branches = append(u.Branches, b)
		}
	}
	if len(u.Branches) == 1 {
		u.Branches = append(u.Branches, Prim(Null))
		if !CanAddBranch(&Node{Kind: Union, Branches: u.Branches[:1]}, u.Branches[1]) {
			u.Branches[1] = Prim(String)
			if u.Branches[0].Kind == String {
				u.Branches[1] = Prim(Int)
			}
		}
	}
	return u
}

// CanAddBranch reports whether b may join union u: no nested union, no two
// branches of the same unnamed kind, no two named types with the same name.
func CanAddBranch(u, b *Node) bool {
	if b.Kind == Union {
		return false
	}
	for _, x := range u.Branches {
		if x.Kind.IsNamed() && b.Kind.IsNamed() {
			if x.FullName() == b.FullName() {
				return false
			}
		} else if x.Kind == b.Kind {
			return false
		}
	}
	return true
}
