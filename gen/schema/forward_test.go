package schema

import (
	"strings"
	"testing"
)

// placeholders is a caller of ParseOptions.Forward: it hands out a
// record without fields for each name and remembers the slots to resolve.
type placeholders struct {
	refs map[*Record]string
}

func (p *placeholders) forward(full string, pos Position) Schema {
	ns, name := SplitName(full)
	r := &Record{Named: Named{Name: name, Namespace: ns, Pos: pos}}
	p.refs[r] = full
	return r
}

// resolve replaces the placeholders reachable from types by the named
// types, and returns the slots that held one. A name types do not define
// fails t, unless t is nil (fuzzing), which leaves the placeholder.
func (p *placeholders) resolve(t *testing.T, types []NamedSchema) map[*Schema]bool {
	byName := map[string]NamedSchema{}
	for _, s := range types {
		byName[s.Names().FullName()] = s
	}
	forward := map[*Schema]bool{}
	seen := map[Schema]bool{}
	var walk func(slot *Schema)
	walk = func(slot *Schema) {
		if r, ok := (*slot).(*Record); ok {
			if full, isRef := p.refs[r]; isRef {
				if byName[full] == nil {
					if t != nil {
						t.Fatalf("undefined %s", full)
					}
					return
				}
				*slot, forward[slot] = byName[full], true
				return
			}
		}
		if seen[*slot] {
			return
		}
		seen[*slot] = true
		switch s := (*slot).(type) {
		case *Record:
			for _, f := range s.Fields {
				walk(&f.Type)
			}
		case *Union:
			for i := range s.Branches {
				walk(&s.Branches[i])
			}
		case *Array:
			walk(&s.Items)
		case *Map:
			walk(&s.Values)
		}
	}
	for _, s := range types {
		var slot Schema = s
		walk(&slot)
	}
	return forward
}

// With Forward, a name the input does not define (yet) is the caller's:
// the input parses, and the caller resolves it with a type it defines
// later.
func TestParseForward(t *testing.T) {
	p := &placeholders{refs: map[*Record]string{}}
	names := NewNames()
	in := `{"type":"record","name":"Imp","namespace":"n","fields":[{"name":"l","type":["null","Later"],"default":null},{"name":"s","type":["null","Imp"],"default":null}]}`
	root, err := Parse([]byte(in), ParseOptions{Filename: "imp.avsc", Names: names, Forward: p.forward})
	if err != nil {
		t.Fatal(err)
	}
	// Both Later and the record's own name (not complete yet where it is
	// used, as in Java) went to the caller, in the enclosing namespace.
	var got []string
	for _, full := range p.refs {
		got = append(got, full)
	}
	if len(got) != 2 || !(got[0] == "n.Later" || got[1] == "n.Later") || !(got[0] == "n.Imp" || got[1] == "n.Imp") {
		t.Fatalf("forward names %v, want n.Later and n.Imp", got)
	}
	later := &Record{Named: Named{Name: "Later", Namespace: "n"}, Fields: []*Field{{Name: "x", Type: &Primitive{T: Int}}}}
	types := []NamedSchema{root.(NamedSchema), later}
	forward := p.resolve(t, types)
	if len(forward) != 2 {
		t.Fatalf("%d forward slots, want 2", len(forward))
	}
	if err := CheckDefaultsAsResolved(types, forward); err != nil {
		t.Fatal(err)
	}
	if got, want := string(Marshal(root)), `{"type":"record","name":"Imp","namespace":"n","fields":[{"name":"l","type":["null",{"type":"record","name":"Later","fields":[{"name":"x","type":"int"}]}],"default":null},{"name":"s","type":["null","Imp"],"default":null}]}`; got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
}

// Without Forward, the same input fails as before.
func TestParseWithoutForward(t *testing.T) {
	in := `{"type":"record","name":"Imp","fields":[{"name":"l","type":"Later"}]}`
	if _, err := Parse([]byte(in), ParseOptions{Filename: "imp.avsc"}); err == nil || !strings.Contains(err.Error(), "Undefined schema: Later") {
		t.Fatalf("got %v", err)
	}
}

// The first check, while parsing, sees the placeholder as Java does: a
// record without fields, which any object satisfies and null does not.
func TestParseForwardFirstCheck(t *testing.T) {
	p := &placeholders{refs: map[*Record]string{}}
	ok := `{"type":"record","name":"Imp","fields":[{"name":"l","type":"Later","default":{"x":"anything"}}]}`
	if _, err := Parse([]byte(ok), ParseOptions{Filename: "a.avsc", Forward: p.forward}); err != nil {
		t.Fatal(err)
	}
	bad := `{"type":"record","name":"Imp","fields":[{"name":"l","type":"Later","default":null}]}`
	if _, err := Parse([]byte(bad), ParseOptions{Filename: "b.avsc", Forward: p.forward}); err == nil || !strings.Contains(err.Error(), "Invalid default for field l") {
		t.Fatalf("got %v", err)
	}
}

// CheckDefaultsAsResolved is the same replay as the reader's: a default
// through the record being defined fails at the field, through a slot that
// held a forward reference or not.
func TestCheckDefaultsAsResolved(t *testing.T) {
	for _, c := range resolveCases {
		p := &placeholders{refs: map[*Record]string{}}
		names := NewNames()
		if _, err := Parse([]byte(c.in), ParseOptions{Filename: "f.avsc", Names: names, Forward: p.forward}); err != nil {
			t.Fatalf("%s: %v", c.in, err)
		}
		// Names holds the types in the order their definitions completed,
		// which is the order of Java's ParseContext.
		types := names.All()
		err := CheckDefaultsAsResolved(types, p.resolve(t, types))
		switch {
		case c.notSetYet && (err == nil || !strings.Contains(err.Msg, stillBeingDefined)):
			t.Errorf("got %v, want the record-being-defined error: %s", err, c.in)
		case !c.notSetYet && err != nil:
			t.Errorf("rejected (%v), Java accepts: %s", err, c.in)
		}
	}
}

// FuzzParseForward checks that parsing with Forward, resolving what the
// input defines and replaying Java's second check never panics.
func FuzzParseForward(f *testing.F) {
	addFuzzSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		p := &placeholders{refs: map[*Record]string{}}
		names := NewNames()
		if _, err := Parse(data, ParseOptions{Filename: "fuzz", Names: names, Forward: p.forward}); err != nil {
			return
		}
		types := names.All()
		if err := CheckDefaultsAsResolved(types, p.resolve(nil, types)); err != nil && !err.Pos.IsValid() {
			t.Fatalf("error without a position: %v", err)
		}
	})
}
