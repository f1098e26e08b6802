package idl

import (
	"errors"
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
