package schema

import (
	"errors"
	"strings"
	"testing"
)

// TestParseErrors checks that bad input is rejected with a located message
// ("file:line:col: what is wrong"). The message texts start as Java's do.
func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty", ``, "f.avsc:1:1: empty input"},
		{"syntax", "{\"type\": \"record\",\n  \"name\" \"A\"}", "f.avsc:2:10: expected ':' after key \"name\""},
		{"unterminated", `{"type": "int"`, "f.avsc:1:1: object not closed"},
		{"dangling", `"int" "long"`, "f.avsc:1:7: dangling content after end of schema: \"long\""},
		{"leading zero", `{"type":"fixed","name":"F","size":015}`, "f.avsc:1:35: invalid number 01"},
		{"bad escape", `"\q"`, "f.avsc:1:2: unrecognized character escape"},
		{"control char", "\"a\tb\"", "f.avsc:1:3: illegal unquoted control character"},
		{"unknown word", `nul`, "f.avsc:1:1: unrecognized token \"nul\""},
		{"not a schema", `42`, "f.avsc:1:1: Schema not yet supported: 42"},
		{"no type", `{"name": "A"}`, "f.avsc:1:1: No type"},
		{"type not string", `{"type": 1}`, "f.avsc:1:10: No type"},
		{"type object", `{"type": "record", "name": "A", "fields": [{"name": "a", "type": {"type": "A"}}]}`, `f.avsc:1:75: A schema "type" MUST be a primitive type`},
		{"no name", `{"type": "enum", "symbols": []}`, "f.avsc:1:1: No name in schema"},
		{"bad name", `{"type": "record", "name": "1A", "fields": []}`, "f.avsc:1:28: Illegal initial character: 1A"},
		{"bad char", `{"type": "record", "name": "A-B", "fields": []}`, "f.avsc:1:28: Illegal character in: A-B"},
		{"bad namespace", `{"type": "record", "name": "a.1b.C", "fields": []}`, `f.avsc:1:28: Namespace part "1b" is invalid: Illegal initial character: 1b`},
		{"primitive name", `{"type": "fixed", "name": "int", "size": 1}`, "f.avsc:1:27: Schemas may not be named after primitives: int"},
		{"no fields", `{"type": "record", "name": "A"}`, "f.avsc:1:1: Record has no fields"},
		{"no field name", `{"type": "record", "name": "A", "fields": [{"type": "int"}]}`, "f.avsc:1:44: No field name"},
		{"no field type", `{"type": "record", "name": "A", "fields": [{"name": "a"}]}`, "f.avsc:1:53: No field type"},
		{"bad field name", `{"type": "record", "name": "A", "fields": [{"name": "a b", "type": "int"}]}`, "f.avsc:1:53: Illegal character in: a b"},
		{"dup field", "{\"type\": \"record\", \"name\": \"A\", \"fields\": [\n{\"name\": \"a\", \"type\": \"int\"},\n{\"name\": \"a\", \"type\": \"int\"}]}", "f.avsc:3:10: Duplicate field a in record A"},
		{"bad order", `{"type": "record", "name": "A", "fields": [{"name": "a", "type": "int", "order": "up"}]}`, `f.avsc:1:82: Invalid order "up" for field a`},
		{"undefined", "{\"type\": \"record\", \"name\": \"A\",\n \"fields\": [{\"name\": \"a\", \"type\": \"Missing\"}]}", "f.avsc:2:35: Undefined schema: Missing"},
		{"undefined in ns", `{"type": "record", "name": "A", "namespace": "n", "fields": [{"name": "a", "type": "B"}]}`, "f.avsc:1:84: Undefined schema: n.B"},
		{"no symbols", `{"type": "enum", "name": "E"}`, "f.avsc:1:1: Enum has no symbols"},
		{"bad symbol", `{"type": "enum", "name": "E", "symbols": ["A", "1"]}`, "f.avsc:1:48: Illegal initial character: 1"},
		{"symbol not string", `{"type": "enum", "name": "E", "symbols": [1]}`, "f.avsc:1:43: Null name"},
		{"dup symbol", `{"type": "enum", "name": "E", "symbols": ["A", "A"]}`, "f.avsc:1:48: Duplicate enum symbol: A"},
		{"enum default", `{"type": "enum", "name": "E", "symbols": ["A"], "default": "B"}`, "f.avsc:1:60: The Enum Default: B is not in the enum symbol set: [A]"},
		{"no size", `{"type": "fixed", "name": "F"}`, "f.avsc:1:1: Invalid or no size"},
		{"float size", `{"type": "fixed", "name": "F", "size": 1.0}`, "f.avsc:1:40: Invalid or no size"},
		{"negative size", `{"type": "fixed", "name": "F", "size": -1}`, "f.avsc:1:40: Invalid fixed size -1"},
		{"no items", `{"type": "array"}`, "f.avsc:1:1: Array has no items type"},
		{"no values", `{"type": "map"}`, "f.avsc:1:1: Map has no values type"},
		{"nested union", `["null", ["int"]]`, "f.avsc:1:10: Nested union"},
		{"dup union", `["int", "null", {"type": "int"}]`, "f.avsc:1:17: Duplicate in union:int"},
		{"dup union named", `[{"type": "enum", "name": "E", "symbols": ["X"]}, "E"]`, "f.avsc:1:51: Duplicate in union:E"},
		{"redefine", `[{"type": "enum", "name": "E", "symbols": ["X"]}, {"type": "enum", "name": "E", "symbols": ["Y"]}]`, "f.avsc:1:76: Can't redefine: E"},
		{"aliases not array", `{"type": "record", "name": "A", "fields": [], "aliases": "B"}`, "f.avsc:1:58: aliases not an array"},
		{"alias not string", `{"type": "record", "name": "A", "fields": [], "aliases": [1]}`, "f.avsc:1:59: alias not a string: 1"},
		{"bad default", `{"type": "record", "name": "A", "fields": [{"name": "a", "type": "int", "default": "x"}]}`, `f.avsc:1:84: Invalid default for field a: "x" not a "int"`},
		{"int range", `{"type": "record", "name": "A", "fields": [{"name": "a", "type": "int", "default": 2147483648}]}`, `f.avsc:1:84: Invalid default for field a: 2147483648 not a "int"`},
		{"float for int", `{"type": "record", "name": "A", "fields": [{"name": "a", "type": "int", "default": 1.0}]}`, `f.avsc:1:84: Invalid default for field a: 1.0 not a "int"`},
		{"not a number", `{"type": "record", "name": "A", "fields": [{"name": "a", "type": "double", "default": "abc"}]}`, `f.avsc:1:87: Invalid default for field a: "abc" is not a number`},
		{"union default no branch", `{"type": "record", "name": "A", "fields": [{"name": "a", "type": ["null", "int"], "default": "x"}]}`, `Invalid default for field a: "x" not a ["null","int"]`},
		{"record default", `{"type": "record", "name": "A", "fields": [{"name": "a", "type": {"type": "record", "name": "B", "fields": [{"name": "x", "type": "int"}]}, "default": {}}]}`, `Invalid default for field a: {} not a {"type":"record","name":"B"`},
		{"comment", `/* never closed`, "f.avsc:1:1: comment not terminated"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.in), ParseOptions{Filename: "f.avsc"})
			if err == nil {
				t.Fatalf("no error, want %q", tt.want)
			}
			var list ErrorList
			if !errors.As(err, &list) || len(list) == 0 || !list[0].Pos.IsValid() {
				t.Errorf("error %q is not a located ErrorList", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got  %q\nwant %q", err, tt.want)
			}
		})
	}
}

func TestParseProtocolErrors(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"not object", `[]`, "p.avpr:1:1: a protocol must be a JSON object"},
		{"no name", `{"types": []}`, "p.avpr:1:1: No protocol name specified"},
		{"types not array", `{"protocol": "P", "types": {}}`, "p.avpr:1:28: Types not an array"},
		{"type not object", `{"protocol": "P", "types": ["int"]}`, `p.avpr:1:29: Type not an object: "int"`},
		{"no request", `{"protocol": "P", "messages": {"m": {"response": "null"}}}`, "p.avpr:1:37: No request specified"},
		{"no response", `{"protocol": "P", "messages": {"m": {"request": []}}}`, "p.avpr:1:37: No response specified"},
		{"one-way type", `{"protocol": "P", "messages": {"m": {"request": [], "one-way": 1}}}`, "p.avpr:1:64: one-way must be boolean"},
		{"one-way errors", `{"protocol": "P", "messages": {"m": {"request": [], "one-way": true, "errors": []}}}`, "p.avpr:1:80: one-way can't have errors"},
		{"one-way response", `{"protocol": "P", "messages": {"m": {"request": [], "one-way": true, "response": "int"}}}`, "p.avpr:1:82: One way response must be null"},
		{"errors not array", `{"protocol": "P", "messages": {"m": {"request": [], "response": "null", "errors": "E"}}}`, "p.avpr:1:83: Errors not an array"},
		{"undefined error", `{"protocol": "P", "messages": {"m": {"request": [], "response": "null", "errors": ["E"]}}}`, "p.avpr:1:84: Undefined error: E"},
		{"not an error", `{"protocol": "P", "types": [{"type": "record", "name": "R", "fields": []}], "messages": {"m": {"request": [], "response": "null", "errors": ["R"]}}}`, "Not an error: R"},
		{"param order", `{"protocol": "P", "messages": {"m": {"request": [{"name": "a", "type": "int", "order": "ignore"}], "response": "null"}}}`, "Can't set reserved property: order"},
		{"param no name", `{"protocol": "P", "messages": {"m": {"request": [{"type": "int"}], "response": "null"}}}`, "No param name"},
		{"param no type", `{"protocol": "P", "messages": {"m": {"request": [{"name": "a"}], "response": "null"}}}`, "No param type"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseProtocol([]byte(tt.in), ParseOptions{Filename: "p.avpr"})
			if err == nil {
				t.Fatalf("no error, want %q", tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got  %q\nwant %q", err, tt.want)
			}
		})
	}
}

func TestErrorListFormat(t *testing.T) {
	var l ErrorList
	if l.Err() != nil {
		t.Fatal("empty list must give a nil error")
	}
	l.Add(Position{Filename: "b.avsc", Line: 2, Column: 1}, "second")
	l.Add(Position{Filename: "a.avsc", Line: 9, Column: 3}, "first")
	l.Add(Position{}, "nowhere")
	l.Sort()
	want := "nowhere\na.avsc:9:3: first\nb.avsc:2:1: second"
	if got := l.Err().Error(); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// TestEveryInvalidDefault: each invalid default of a file is reported, at
// its place (the reader used to stop at the first one), and the reader
// still stops at a broken schema.
func TestEveryInvalidDefault(t *testing.T) {
	in := `{"type": "record", "name": "A", "fields": [
  {"name": "a", "type": "int", "default": "x"},
  {"name": "b", "type": "string", "default": 1},
  {"name": "c", "type": {"type": "record", "name": "B", "fields": [
    {"name": "d", "type": "long", "default": "y"},
    {"name": "e", "type": "double", "default": "not a number"}]}},
  {"name": "f", "type": "boolean", "default": true}
]}`
	_, err := Parse([]byte(in), ParseOptions{Filename: "f.avsc"})
	var list ErrorList
	if !errors.As(err, &list) {
		t.Fatalf("got %v", err)
	}
	want := []string{
		`f.avsc:2:43: Invalid default for field a: "x" not a "int"`,
		`f.avsc:3:46: Invalid default for field b: 1 not a "string"`,
		`f.avsc:5:46: Invalid default for field d: "y" not a "long"`,
		`f.avsc:6:48: Invalid default for field e: "not a number" is not a number`,
	}
	var got []string
	for _, e := range list {
		got = append(got, e.Error())
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// Two invalid defaults in a protocol's message parameters.
	_, err = ParseProtocol([]byte(`{"protocol": "P", "messages": {"m": {"request": [
  {"name": "a", "type": "int", "default": "x"},
  {"name": "b", "type": "int", "default": "y"}], "response": "null"}}}`), ParseOptions{Filename: "p.avpr"})
	if !errors.As(err, &list) || len(list) != 2 {
		t.Errorf("protocol: got %v, want two errors", err)
	}
}
