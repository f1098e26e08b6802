// Package evolve generates random Avro schemas and random evolutions of them,
// deterministically from a seed, for differential tests against the Java
// reference.
//
// It has its own tiny schema model instead of gen/schema's: the point is to
// produce inputs for avroctl, so it must not share avroctl's code (a bug in
// the model would otherwise hide itself). Schemas are emitted as .avsc JSON
// text, which both sides parse independently.
package evolve

import (
	"bytes"
	"strconv"
)

// Kind is the Avro type of a Node.
type Kind int

// The Avro types.
const (
	Null Kind = iota
	Boolean
	Int
	Long
	Float
	Double
	Bytes
	String
	Record
	Enum
	Fixed
	Array
	Map
	Union
)

var kindNames = [...]string{"null", "boolean", "int", "long", "float", "double", "bytes", "string",
	"record", "enum", "fixed", "array", "map", "union"}

func (k Kind) String() string { return kindNames[k] }

// IsNamed reports whether k is a record, enum or fixed.
func (k Kind) IsNamed() bool { return k == Record || k == Enum || k == Fixed }

// Node is a schema. A named type referenced twice is the same *Node, so the
// second occurrence is written as a name reference (recursion included).
type Node struct {
	Kind Kind

	// Named types. Namespace is the effective namespace; it is written out
	// only where it differs from the enclosing one.
	Name, Namespace string
	Aliases         []string // full names

	Fields      []*Field // record
	Symbols     []string // enum
	EnumDefault string   // enum; "" for none
	Size        int      // fixed
	Items       *Node    // array items or map values
	Branches    []*Node  // union
}

// Field is a record field.
type Field struct {
	Name    string
	Type    *Node
	Default string // JSON text; "" for none
	Aliases []string
}

// FullName returns the named type's full name.
func (n *Node) FullName() string {
	if n.Namespace == "" {
		return n.Name
	}
	return n.Namespace + "." + n.Name
}

// Marshal writes n as compact .avsc JSON with a fixed key order.
func Marshal(n *Node) []byte {
	w := &writer{defined: map[*Node]bool{}}
	w.node(n, "")
	return w.buf.Bytes()
}

type writer struct {
	buf     bytes.Buffer
	defined map[*Node]bool
}

func (w *writer) str(s string) { w.buf.WriteString(strconv.Quote(s)) }

func (w *writer) key(k string) {
	w.str(k)
	w.buf.WriteByte(':')
}

func (w *writer) strList(list []string) {
	w.buf.WriteByte('[')
	for i, s := range list {
		if i > 0 {
			w.buf.WriteByte(',')
		}
		w.str(s)
	}
	w.buf.WriteByte(']')
}

func (w *writer) node(n *Node, enclosingNS string) {
	switch {
	case n.Kind <= String:
		w.str(n.Kind.String())
		return
	case n.Kind == Union:
		w.buf.WriteByte('[')
		for i, b := range n.Branches {
			if i > 0 {
				w.buf.WriteByte(',')
			}
			w.node(b, enclosingNS)
		}
		w.buf.WriteByte(']')
		return
	case n.Kind == Array || n.Kind == Map:
		w.buf.WriteString(`{"type":`)
		w.str(n.Kind.String())
		if n.Kind == Array {
			w.buf.WriteString(`,"items":`)
		} else {
			w.buf.WriteString(`,"values":`)
		}
		w.node(n.Items, enclosingNS)
		w.buf.WriteByte('}')
		return
	}
	if w.defined[n] {
		w.str(n.FullName())
		return
	}
	w.defined[n] = true
	w.buf.WriteString(`{"type":`)
	w.str(n.Kind.String())
	w.buf.WriteString(`,"name":`)
	w.str(n.Name)
	if n.Namespace != enclosingNS {
		w.buf.WriteString(`,"namespace":`)
		w.str(n.Namespace)
	}
	if len(n.Aliases) > 0 {
		w.buf.WriteString(`,"aliases":`)
		w.strList(n.Aliases)
	}
	switch n.Kind {
	case Record:
		w.buf.WriteString(`,"fields":[`)
		for i, f := range n.Fields {
			if i > 0 {
				w.buf.WriteByte(',')
			}
			w.buf.WriteByte('{')
			w.key("name")
			w.str(f.Name)
			w.buf.WriteString(`,"type":`)
			w.node(f.Type, n.Namespace)
			if f.Default != "" {
				w.buf.WriteString(`,"default":`)
				w.buf.WriteString(f.Default)
			}
			if len(f.Aliases) > 0 {
				w.buf.WriteString(`,"aliases":`)
				w.strList(f.Aliases)
			}
			w.buf.WriteByte('}')
		}
		w.buf.WriteByte(']')
	case Enum:
		w.buf.WriteString(`,"symbols":`)
		w.strList(n.Symbols)
		if n.EnumDefault != "" {
			w.buf.WriteString(`,"default":`)
			w.str(n.EnumDefault)
		}
	case Fixed:
		w.buf.WriteString(`,"size":`)
		w.buf.WriteString(strconv.Itoa(n.Size))
	}
	w.buf.WriteByte('}')
}

// Clone deep-copies n, keeping shared named types shared.
func Clone(n *Node) *Node { return clone(n, map[*Node]*Node{}) }

func clone(n *Node, seen map[*Node]*Node) *Node {
	if c, ok := seen[n]; ok {
		return c
	}
	c := &Node{Kind: n.Kind, Name: n.Name, Namespace: n.Namespace, EnumDefault: n.EnumDefault, Size: n.Size}
	seen[n] = c
	c.Aliases = append([]string(nil), n.Aliases...)
	c.Symbols = append([]string(nil), n.Symbols...)
	if n.Items != nil {
		c.Items = clone(n.Items, seen)
	}
	for _, b := range n.Branches {
		c.Branches = append(c.Branches, clone(b, seen))
	}
	for _, f := range n.Fields {
		c.Fields = append(c.Fields, &Field{Name: f.Name, Type: clone(f.Type, seen), Default: f.Default,
			Aliases: append([]string(nil), f.Aliases...)})
	}
	return c
}

// Walk calls fn for every node reachable from n, each once, parents first.
func Walk(n *Node, fn func(*Node)) { walk(n, fn, map[*Node]bool{}) }

func walk(n *Node, fn func(*Node), seen map[*Node]bool) {
	if seen[n] {
		return
	}
	seen[n] = true
	fn(n)
	if n.Items != nil {
		walk(n.Items, fn, seen)
	}
	for _, b := range n.Branches {
		walk(b, fn, seen)
	}
	for _, f := range n.Fields {
		walk(f.Type, fn, seen)
	}
}
