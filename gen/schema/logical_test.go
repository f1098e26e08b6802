package schema

import "testing"

// TestLogicalIntProps: decimal's precision and scale must be JSON integers
// that fit in 32 bits, as Java's getInt demands (a larger one parses as a
// Long and the logical type is ignored).
func TestLogicalIntProps(t *testing.T) {
	for _, tc := range []struct {
		src  string
		want string
	}{
		{`{"type":"bytes","logicalType":"decimal","precision":2147483647}`, "decimal"},
		{`{"type":"bytes","logicalType":"decimal","precision":2147483648}`, ""},
		{`{"type":"bytes","logicalType":"decimal","precision":3000000000}`, ""},
		{`{"type":"bytes","logicalType":"decimal","precision":99999999999999999999}`, ""},
		{`{"type":"bytes","logicalType":"decimal","precision":4,"scale":-2147483648}`, ""},
		{`{"type":"bytes","logicalType":"decimal","precision":4,"scale":2}`, "decimal"},
		{`{"type":"bytes","logicalType":"decimal","precision":4.0}`, ""},
	} {
		s, err := Parse([]byte(tc.src), ParseOptions{})
		if err != nil {
			t.Fatalf("%s: %v", tc.src, err)
		}
		if got := LogicalOf(s).Name; got != tc.want {
			t.Errorf("%s: logical type %q, want %q", tc.src, got, tc.want)
		}
	}
}
