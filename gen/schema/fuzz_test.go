package schema

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fuzzSeeds are small schemas covering every kind, recursion, namespaces
// and odd JSON; the golden inputs are added as well.
var fuzzSeeds = []string{
	`"null"`, `"int"`, `{"type":"long","logicalType":"timestamp-millis"}`,
	`["null","string"]`, `[]`, `{"type":"array","items":"bytes"}`, `{"type":"map","values":["int","null"]}`,
	`{"type":"enum","name":"E","symbols":["A","B"],"default":"B"}`,
	`{"type":"fixed","name":"F","size":16,"logicalType":"uuid"}`,
	`{"type":"record","name":"R","fields":[]}`,
	`{"type":"record","name":"L","fields":[{"name":"next","type":["null","L"],"default":null}]}`,
	`{"type":"record","name":"A","namespace":"n","fields":[{"name":"b","type":{"type":"record","name":"B","namespace":"","fields":[{"name":"a","type":"n.A"}]}}]}`,
	`{"type":"record","name":"T","fields":[{"name":"x","type":"Later"},{"name":"y","type":{"type":"enum","name":"Later","symbols":["Z"]}}]}`,
	`{"type":"record","name":"D","fields":[{"name":"d","type":"double","default":"NaN"},{"name":"f","type":"float","default":1e400}]}`,
	`{"type":"record","name":"M","fields":[{"name":"m","type":{"type":"map","values":"int"},"default":{"a":1}}],"p":{"q":[1,2.0,"3",null,true]}}`,
	`{"type":"error","name":"Err","fields":[{"name":"msg","type":"string","order":"ignore","aliases":["m"]}],"aliases":["x.Y"]}`,
	`{"type":"string","x":1,"x":2}`,
	"/* c */ \"int\" // d",
	`{"type":"record","name":"\u00d1","fields":[{"name":"\u00fc","type":"string","default":"\ud83d\ude00"}]}`,
	`{"type":"record","name":"R","fields":[{"name":"a","type":"int","default":-0}]}`,
	`[{"type":"enum","name":"E","symbols":["X"]},{"type":"enum","name":"E","symbols":["X"]}]`,
	`{"type":"record","name":"A","fields":[{"name":"a","type":{"type":"record","name":"A","fields":[]}}]}`,
	`{"protocol":"P","types":[{"type":"error","name":"E","fields":[]}],"messages":{"m":{"request":[{"name":"a","type":"int"}],"response":"null","errors":["E"]}}}`,
	`[[[[[[[[[[[[[[[[[[[[["int"]]]]]]]]]]]]]]]]]]]]]`,
}

func addFuzzSeeds(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	for _, c := range resolveCases {
		f.Add([]byte(c.in))
	}
	inputs, _ := filepath.Glob("testdata/golden/*.av[sp][cr]")
	for _, in := range inputs {
		if data, err := os.ReadFile(in); err == nil {
			f.Add(data)
		}
	}
}

// FuzzParse checks that Parse never panics and that what it accepts is a
// fixed point of the writer: Marshal, Parse, Marshal gives the same bytes,
// and the pretty and canonical writers agree with the compact one.
func FuzzParse(f *testing.F) {
	addFuzzSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Parse(data, ParseOptions{Filename: "fuzz"})
		if err != nil {
			if _, ok := err.(ErrorList); !ok {
				t.Fatalf("error is %T, want ErrorList", err)
			}
			return
		}
		out := Marshal(s)
		if hasNonFinite(out) {
			// Java writes a non-finite double as a string, which it then
			// rejects as the default of a union, array, map or record
			// field: the output of such a schema does not parse back, in
			// Java either.
			return
		}
		s2, err := Parse(out, ParseOptions{Filename: "fuzz-out"})
		if err != nil && strings.Contains(err.Error(), stillBeingDefined) {
			// The writer defines a type at its first use, which can move
			// a definition into a record that is still being defined
			// when a default is checked: Java cannot read its own
			// toString() of such a schema either (javaresolve.go).
			return
		}
		if err != nil {
			t.Fatalf("Marshal output does not parse: %v\ninput:  %q\noutput: %s", err, data, out)
		}
		// Outputs are compared through a re-read, which Java's writer
		// does not survive for one kind of alias.
		reread := !hasNullNamespaceAlias(s)
		if out2 := Marshal(s2); !bytes.Equal(out, out2) && reread {
			t.Fatalf("Marshal is not stable:\n%s\n%s", out, out2)
		}
		s3, err := Parse(MarshalPretty(s), ParseOptions{Filename: "fuzz-pretty"})
		if err != nil {
			t.Fatalf("MarshalPretty output does not parse: %v", err)
		}
		if out3 := Marshal(s3); !bytes.Equal(out, out3) && reread {
			t.Fatalf("pretty and compact differ:\n%s\n%s", out, out3)
		}
		if !bytes.Equal(CanonicalForm(s), CanonicalForm(s2)) {
			t.Fatalf("canonical form is not stable")
		}
		_ = Normalize(s)
	})
}

// FuzzParseProtocol checks that ParseProtocol never panics and that its
// accepted inputs survive a write and re-read unchanged.
func FuzzParseProtocol(f *testing.F) {
	addFuzzSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := ParseProtocol(data, ParseOptions{Filename: "fuzz"})
		if err != nil {
			return
		}
		out := MarshalProtocol(p, false)
		if hasNonFinite(out) {
			return // see FuzzParse
		}
		p2, err := ParseProtocol(out, ParseOptions{Filename: "fuzz-out"})
		if err != nil && strings.Contains(err.Error(), stillBeingDefined) {
			return // see FuzzParse
		}
		if err != nil {
			t.Fatalf("MarshalProtocol output does not parse: %v\ninput:  %q\noutput: %s", err, data, out)
		}
		reread := true
		for _, ty := range p.Types {
			if hasNullNamespaceAlias(ty) {
				reread = false // see FuzzParse
			}
		}
		if out2 := MarshalProtocol(p2, false); !bytes.Equal(out, out2) && reread {
			t.Fatalf("MarshalProtocol is not stable:\n%s\n%s", out, out2)
		}
	})
}

// hasNonFinite reports whether a written schema holds a non-finite number,
// which Java writes as a string.
func hasNonFinite(out []byte) bool {
	return bytes.Contains(out, []byte(`"Infinity"`)) || bytes.Contains(out, []byte(`"-Infinity"`)) || bytes.Contains(out, []byte(`"NaN"`))
}

// hasNullNamespaceAlias reports whether a type in a namespace has an alias
// in the null namespace (written ".s"). Java writes such an alias
// unqualified ("s", Name.getQualified), which reads back in the type's own
// namespace: Java's own toString does not round-trip it either (checked
// against Avro 1.12.2), so Marshal cannot be stable there.
func hasNullNamespaceAlias(s Schema) bool {
	found := false
	Walk(s, func(n NamedSchema) {
		nd := n.Names()
		for _, a := range nd.Aliases {
			if nd.Namespace != "" && !strings.Contains(a, ".") {
				found = true
			}
		}
	})
	return found
}
