package idl

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gitlab.com/acme/avroctl/gen/schema"
)

// These tests pin rules found by differential testing against Java 1.12.2
// (testdata/oracle holds the same inputs for TestJavaOracle). The verdicts
// were recorded with testdata/oracle/Oracle.java: IdlReader.parse, then
// getProtocol().toString(true) or getMainSchema()/getNamedSchemas().

// beingDefinedCases are defaults that Java checks a second time while it
// resolves the file's types (ParseContext.resolveAllSchemas, and for a
// protocol once more in Protocol.getTypes); rejects says Java fails with
// "Schema fields not set yet".
var beingDefinedCases = []struct {
	rejects bool
	src     string
}{
	{true, `protocol P { record S { union { null, S } b = {"b": null}; } }`},
	{false, `protocol P { record S { union { null, S } b = null; } }`},
	{false, `protocol P { record S { S? b = null; } }`},
	{true, `protocol P { record S { union { S, null } b = {"b": null}; } }`},
	{true, `protocol P { record S { array<S> b = [{"b": []}]; } }`},
	{false, `protocol P { record S { array<S> b = []; } }`},
	{true, `protocol P { record S { map<S> b = {"k": {"b": {}}}; } }`},
	{true, `protocol P { error E { union {null, E} e = {"e": null}; } }`},
	{false, `protocol P { record A { array<union{null,A}> x = [null]; } }`},
	{true, `protocol P { record A { array<union{null,A}> x = [{"x": []}]; } }`},
	// Through another record that is complete: fine, unless the record
	// being defined is reached again.
	{false, `protocol P { record S { union { null, S } b = null; } record T { S s = {"b": {"b": null}}; } }`},
	{false, `protocol P { record T { S s = {"b": null}; } record S { union { null, S } b = null; } }`},
	{true, `protocol P { record A { union{null, B} x = {"a": null}; } record B { union {null, A} a = null; } }`},
	{true, `protocol P { record B { union {null, A} a = null; } record A { B b = {"a": {"b": {"a": null}}}; } }`},
	// Message parameters are resolved after all types.
	{false, `protocol P { record S { int a; } void m(union {null, S} s = {"a": 1}); }`},
	// The schema syntax: the same rule.
	{true, "namespace n; schema S; record S { union { null, S } b = {\"b\": null}; }"},
	{false, "namespace n; schema S; record S { union { null, S } b = null; }"},
}

func TestDefaultThroughRecordBeingDefined(t *testing.T) {
	for _, c := range beingDefinedCases {
		_, err := CompileSource("t.avdl", []byte(c.src), Options{})
		switch {
		case c.rejects && err == nil:
			t.Errorf("accepted, Java rejects (Schema fields not set yet): %s", c.src)
		case c.rejects && !strings.Contains(err.Error(), "which is still being defined"):
			t.Errorf("wrong error %v for %s", err, c.src)
		case !c.rejects && err != nil:
			t.Errorf("rejected (%v), Java accepts: %s", err, c.src)
		}
	}
}

func TestDefaultThroughRecordBeingDefinedMessage(t *testing.T) {
	src := "protocol P {\n  record S {\n    union { null, S } b = {\"b\": null};\n  }\n}\n"
	_, err := CompileSource("t.avdl", []byte(src), Options{})
	want := `t.avdl:3:23: Invalid default for field b: {"b":null} goes through record S, which is still being defined (Java: "Schema fields not set yet")`
	if err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Fatalf("got %v\nwant %s...", err, want)
	}
}

// A protocol's types are resolved twice in Java: the second time (Protocol
// .getTypes, which avro-tools idl runs) sees direct references only and can
// fail where the first passed. The schema syntax has no second resolution.
func TestProtocolResolvedTwice(t *testing.T) {
	types := "record A { union{null, B} x = null; } record B { union {null, A} a = {\"x\": null}; }"
	_, err := CompileSource("p.avdl", []byte("protocol P { "+types+" }"), Options{})
	if err == nil || !strings.Contains(err.Error(), "resolves the protocol's types a second time") {
		t.Errorf("protocol: got %v, want the second-resolution error", err)
	}
	if _, err := CompileSource("s.avdl", []byte("namespace n; "+types), Options{}); err != nil {
		t.Errorf("schema syntax: %v (Java accepts it)", err)
	}
}

// A default that runs through the defaults of left-out fields without end
// must fail, not overflow the stack (Java throws StackOverflowError or,
// first, "Schema fields not set yet").
func TestDefaultWithoutEnd(t *testing.T) {
	src := `protocol P {
record R1 { union {R1, null} f0 = null; map<R1> f2 = {"k": {"f0": {}}}; }
}`
	_, err := CompileSource("t.avdl", []byte(src), Options{})
	if err == nil || !strings.Contains(err.Error(), "without end") {
		t.Fatalf("got %v, want the endless-default error", err)
	}
}

// memFiles compiles from a map of file contents.
func memFiles(files map[string]string) Options {
	return Options{ReadFile: func(name string) ([]byte, error) {
		if s, ok := files[filepath.ToSlash(name)]; ok {
			return []byte(s), nil
		}
		return nil, os.ErrNotExist
	}}
}

// An imported .avsc is read with the IDL file's names, as Java reads it
// with the IdlReader's ParseContext: a name not known yet is resolved when
// the whole file is read, so it may be declared later in the IDL file.
func TestImportedSchemaForwardReference(t *testing.T) {
	files := map[string]string{
		"later.avsc":     `{"type":"record","name":"Imp","fields":[{"name":"l","type":"Later"}]}`,
		"ns.avsc":        `{"type":"record","name":"Imp","namespace":"n","fields":[{"name":"l","type":"Later"}]}`,
		"nulldef.avsc":   `{"type":"record","name":"Imp","fields":[{"name":"l","type":"Later","default":null}]}`,
		"baddef.avsc":    `{"type":"record","name":"Imp","fields":[{"name":"l","type":"Later","default":{"x":"s"}}]}`,
		"gooddef.avsc":   `{"type":"record","name":"Imp","fields":[{"name":"l","type":"Later","default":{"x":1}}]}`,
		"selfdef.avsc":   `{"type":"record","name":"S","fields":[{"name":"b","type":["null","S"],"default":{"b":null}}]}`,
		"backdef.avsc":   `{"type":"record","name":"Imp","fields":[{"name":"l","type":["null","Later"],"default":{"x":1,"back":null}}]}`,
		"inner.avsc":     `[{"type":"record","name":"A","fields":[{"name":"b","type":"B"}]},{"type":"record","name":"B","fields":[]}]`,
		"mid.avdl":       `import schema "later.avsc";`,
		"nobody.avsc":    `{"type":"record","name":"Imp","fields":[{"name":"l","type":"Nobody"}]}`,
		"just_name.avsc": `"Later"`,
	}
	cases := []struct {
		src     string
		wantErr string // "" when Java accepts it
	}{
		{`protocol P { import schema "later.avsc"; record Later { int x; } }`, ""},
		{`protocol P { import idl "mid.avdl"; record Later { int x; } }`, ""},
		{`protocol P { import schema "gooddef.avsc"; record Later { int x; } }`, ""},
		{`protocol P { import schema "inner.avsc"; }`, ""},
		{`protocol P { import schema "just_name.avsc"; record Later { int x; } }`, ""},
		{`protocol P { import schema "ns.avsc"; record n.Later { int x; } }`, ""},
		{`protocol P { import schema "ns.avsc"; record Later { int x; } }`, "ns.avsc:1:76: Undefined schema: n.Later"},
		{`protocol P { import schema "nobody.avsc"; }`, "nobody.avsc:1:60: Undefined schema: Nobody"},
		{`protocol P { import schema "nulldef.avsc"; record Later { int x; } }`, "Invalid default for field l: null"},
		{`protocol P { import schema "baddef.avsc"; record Later { int x; } }`, `Invalid default for field l: {"x":"s"}`},
		{`protocol P { import schema "selfdef.avsc"; }`, "still being defined"},
		{`protocol P { import schema "backdef.avsc"; record Later { int x; union {null, Imp} back = null; } }`, "still being defined"},
		{`protocol P { import schema "later.avsc"; record Later { union {null, Imp} i = {"l": {"i": null}}; } }`, "still being defined"},
	}
	for _, c := range cases {
		f, err := CompileSource("t.avdl", []byte(c.src), memFiles(files))
		switch {
		case c.wantErr == "" && err != nil:
			t.Errorf("%s: %v (Java accepts it)", c.src, err)
		case c.wantErr != "" && (err == nil || !strings.Contains(err.Error(), c.wantErr)):
			t.Errorf("%s: got %v, want an error containing %q", c.src, err, c.wantErr)
		case c.wantErr == "" && f.Protocol == nil:
			t.Errorf("%s: no protocol", c.src)
		}
	}
	// The placeholder is replaced by the IDL file's type: Java writes
	// Later inside Imp, where it is first used.
	f, err := CompileSource("t.avdl", []byte(`protocol P { import schema "later.avsc"; record Later { int x; } }`), memFiles(files))
	if err != nil {
		t.Fatal(err)
	}
	imp := f.NamedSchemas[0].(*schema.Record)
	if later, ok := imp.Fields[0].Type.(*schema.Record); !ok || later.Name != "Later" || len(later.Fields) != 1 {
		t.Fatalf("Imp.l is %s, want the IDL file's record Later", schema.Marshal(imp.Fields[0].Type))
	}
	want := `{"protocol":"P","types":[{"type":"record","name":"Imp","fields":[{"name":"l","type":{"type":"record","name":"Later","fields":[{"name":"x","type":"int"}]}}]}],"messages":{}}`
	if got := string(f.OutputJSON(false)); got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
}

// Java's lexer fails on a // comment that ends the file without a line end:
// it prints "token recognition error" and drops the text, and the file
// still compiles. avroctl compiles it too and warns.
func TestLineCommentAtEndOfFile(t *testing.T) {
	for _, src := range []string{
		"protocol P { record S { int a; } }\n// trailing",
		"protocol P { record S { int a; } }\n//",
		"protocol P { record S { int a; } } //x",
		"namespace n;\nschema int;\n// x",
	} {
		f, err := CompileSource("t.avdl", []byte(src), Options{})
		if err != nil {
			t.Errorf("%q: %v (Java accepts it)", src, err)
			continue
		}
		if len(f.Warnings) != 1 || !strings.Contains(f.Warnings[0].Msg, "no line end") {
			t.Errorf("%q: warnings %v, want the missing line end", src, f.Warnings)
		}
	}
	// With a line end (\n or \r), nothing to say.
	for _, src := range []string{"protocol P { record S { int a; } } // x\n", "protocol P { record S { int a; } } // x\r"} {
		f, err := CompileSource("t.avdl", []byte(src), Options{})
		if err != nil || len(f.Warnings) != 0 {
			t.Errorf("%q: %v, warnings %v", src, err, f.Warnings)
		}
	}
	// The comment swallows the rest of the last line, as in Java.
	if _, err := CompileSource("t.avdl", []byte("protocol P { record S { int a; } //x\f}"), Options{}); err == nil {
		t.Error("form feed ends the comment; Java fails at the end of input")
	}
}
