package idl

import (
	"errors"
	"strings"
	"testing"

	"gitlab.com/acme/avroctl/gen/schema"
)

// compileSourceErrs compiles src and returns its errors as lines.
func compileSourceErrs(t *testing.T, src string) []string {
	t.Helper()
	_, err := CompileSource("t.avdl", []byte(src), Options{})
	var el schema.ErrorList
	if !errors.As(err, &el) {
		t.Fatalf("want errors, got %v", err)
	}
	var out []string
	for _, e := range el {
		out = append(out, e.Error())
	}
	return out
}

// TestDecimalOutOfRange: a precision or scale that is not an int is one
// error; it used to draw a second one about its made-up value 0.
func TestDecimalOutOfRange(t *testing.T) {
	for src, want := range map[string]string{
		"protocol P { record R {\n  decimal(2147483648,1) a;\n} }": "t.avdl:2:3: Invalid decimal precision 2147483648: value out of range; use an int from 1 to 2147483647",
		"protocol P { record R {\n  decimal(5,2147483648) a;\n} }": "t.avdl:2:3: Invalid decimal scale 2147483648: value out of range; use an int from 0 to the precision",
	} {
		got := compileSourceErrs(t, src)
		if len(got) != 1 || got[0] != want {
			t.Errorf("%s:\ngot  %q\nwant %q", src, got, want)
		}
	}
}

// TestNestedUnionLast: a union whose last branch is a union compiles, in
// Java, to an empty union that no value matches; avroctl refuses it at the
// inner union, saying what Java would write and why it is no schema.
func TestNestedUnionLast(t *testing.T) {
	for _, src := range []string{
		"protocol P { record R {\n  union { null, union { int, string } } a;\n} }",
		"protocol P { record R {\n  union { null, string? } a;\n} }",
		"namespace n; schema union { int,\n  union { long } };",
	} {
		got := compileSourceErrs(t, src)
		if len(got) != 1 || !strings.HasPrefix(got[0], "t.avdl:2:") || !strings.Contains(got[0], `compiles to an empty union, "type": [ ]; no value can match an empty union`) {
			t.Errorf("%s:\ngot %q", src, got)
		}
	}
	// In a message, the leftovers of a parameter's union replace the
	// response: here an empty union.
	got := compileSourceErrs(t, "protocol P {\n  string m(union { int?, string } p);\n}")
	if len(got) != 1 || !strings.HasPrefix(got[0], "t.avdl:2:12: Nested union in a parameter of message m") || !strings.Contains(got[0], `"response": [ ]`) {
		t.Errorf("message: got %q", got)
	}
	// A nested union before the last branch is what Java compiles too
	// (the branches after it): accepted, as Java does.
	if _, err := CompileSource("t.avdl", []byte("protocol P { record R { union { string?, null } a; } }"), Options{}); err != nil {
		t.Errorf("Java accepts this one: %v", err)
	}
}

// TestEveryInvalidDefaultWithUndefinedName: an undefined name used to hide
// every invalid default of the file; now the defaults that do not depend on
// the name are checked too.
func TestEveryInvalidDefaultWithUndefinedName(t *testing.T) {
	got := compileSourceErrs(t, `protocol P {
  record R {
    int a = "x";
    Missing m;
    string b = 1;
  }
  record S { R r = {"a": 1, "b": "", "m": null}; array<Missing> l = []; double d = "abc"; }
}`)
	want := []string{
		`t.avdl:3:9: Invalid default for field a: "x" not a "int"`,
		`t.avdl:4:5: Undefined schema: Missing (declare it, or import the file that declares it)`,
		`t.avdl:5:12: Invalid default for field b: 1 not a "string"`,
		`t.avdl:7:80: Invalid default for field d: "abc" not a "double"`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
