package evolve

import (
	"bytes"
	"encoding/json"
	"testing"
)

// The generator must be deterministic: the interop tests print a seed and a
// case number, and that must reproduce the case.
func TestDeterministic(t *testing.T) {
	a, b := New(42), New(42)
	for i := 0; i < 200; i++ {
		pa, pb := a.Pair(), b.Pair()
		if !bytes.Equal(Marshal(pa.Reader), Marshal(pb.Reader)) || !bytes.Equal(Marshal(pa.Writer), Marshal(pb.Writer)) {
			t.Fatalf("pair %d differs between two generators with the same seed", i)
		}
	}
}

// Every generated schema is well-formed JSON and every default it carries is
// valid for its field's type.
func TestGeneratedSchemasAreValid(t *testing.T) {
	g := New(1)
	for i := 0; i < 2000; i++ {
		p := g.Pair()
		for _, n := range []*Node{p.Reader, p.Writer} {
			text := Marshal(n)
			if !json.Valid(text) {
				t.Fatalf("pair %d: invalid JSON %s", i, text)
			}
			Walk(n, func(x *Node) {
				for _, f := range x.Fields {
					if f.Default != "" && !ValidDefault(f.Type, f.Default) {
						t.Fatalf("pair %d: field %s default %s invalid for its type in %s", i, f.Name, f.Default, text)
					}
				}
				if x.Kind == Enum && x.EnumDefault != "" && !contains(x.Symbols, x.EnumDefault) {
					t.Fatalf("pair %d: enum default not a symbol in %s", i, text)
				}
			})
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestMarshalSharesNamedTypes(t *testing.T) {
	e := &Node{Kind: Enum, Name: "E", Namespace: "n", Symbols: []string{"A"}}
	r := &Node{Kind: Record, Name: "R", Namespace: "n", Fields: []*Field{
		{Name: "a", Type: e},
		{Name: "b", Type: e, Default: `"A"`},
		{Name: "c", Type: &Node{Kind: Array, Items: Prim(Int)}, Aliases: []string{"old"}},
	}}
	r.Fields = append(r.Fields, &Field{Name: "next", Type: &Node{Kind: Union, Branches: []*Node{Prim(Null), r}}, Default: "null"})
	got := string(Marshal(r))
	want := `{"type":"record","name":"R","namespace":"n","fields":[{"name":"a","type":{"type":"enum","name":"E","symbols":["A"]}},` +
		`{"name":"b","type":"n.E","default":"A"},{"name":"c","type":{"type":"array","items":"int"},"aliases":["old"]},` +
		`{"name":"next","type":["null","n.R"],"default":null}]}`
	if got != want {
		t.Errorf("Marshal =\n%s\nwant\n%s", got, want)
	}
}

// ValidDefault reads arbitrary JSON text; it must never panic, whatever the
// schema.
func FuzzValidDefault(f *testing.F) {
	f.Add(`{"a":[1,2,{"b":null}]}`)
	f.Add(`"\u00ff"`)
	f.Add(`1e400`)
	g := New(3)
	nodes := []*Node{g.Schema(4, 2), g.Schema(4, 2), Prim(Int), Prim(Long), {Kind: Union, Branches: []*Node{Prim(Null), Prim(String)}}}
	f.Fuzz(func(t *testing.T, def string) {
		for _, n := range nodes {
			ValidDefault(n, def)
		}
	})
}
