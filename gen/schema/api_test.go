package schema

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func mustParse(t *testing.T, src string, opts ParseOptions) Schema {
	t.Helper()
	s, err := Parse([]byte(src), opts)
	if err != nil {
		t.Fatalf("Parse(%s): %v", src, err)
	}
	return s
}

// A registry shared by several Parse calls is how imports and schema
// references work: later inputs name the types of earlier ones.
func TestParseWithNames(t *testing.T) {
	names := NewNames()
	mustParse(t, `{"type":"enum","name":"Color","namespace":"a","symbols":["RED"]}`, ParseOptions{Names: names})
	s := mustParse(t, `{"type":"record","name":"Car","namespace":"a","fields":[{"name":"c","type":"Color"},{"name":"d","type":"a.Color"}]}`, ParseOptions{Names: names})
	rec := s.(*Record)
	if rec.Fields[0].Type != names.Lookup("a.Color") || rec.Fields[1].Type != names.Lookup("a.Color") {
		t.Error("references do not point at the registered type")
	}
	var got []string
	for _, n := range names.All() {
		got = append(got, n.Names().FullName())
	}
	if strings.Join(got, ",") != "a.Color,a.Car" {
		t.Errorf("All() = %v", got)
	}
	// The referencing schema writes the registered type in full, as Java's
	// toString does; with references it writes the name only.
	if got := string(Marshal(s)); !strings.Contains(got, `"type":{"type":"enum"`) {
		t.Errorf("Marshal = %s", got)
	}
	if got, want := string(MarshalWithReferences(s, []Schema{names.Lookup("a.Color")}, false)), `{"type":"record","name":"Car","namespace":"a","fields":[{"name":"c","type":"Color"},{"name":"d","type":"Color"}]}`; got != want {
		t.Errorf("MarshalWithReferences = %s, want %s", got, want)
	}
	// A different definition of a registered name is refused; the same one
	// is not an error.
	if _, err := Parse([]byte(`{"type":"enum","name":"Color","namespace":"a","symbols":["BLUE"]}`), ParseOptions{Names: names}); err == nil || !strings.Contains(err.Error(), "Can't redefine: a.Color") {
		t.Errorf("redefinition: %v", err)
	}
	if _, err := Parse([]byte(`{"type":"enum","name":"Color","namespace":"a","symbols":["RED"],"doc":"docs do not count"}`), ParseOptions{Names: names}); err != nil {
		t.Errorf("identical redefinition: %v", err)
	}
	// A failed parse adds nothing.
	before := names.Len()
	if _, err := Parse([]byte(`{"type":"record","name":"Bad","fields":[{"name":"x","type":"Nope"}]}`), ParseOptions{Names: names}); err == nil {
		t.Fatal("want error")
	}
	if names.Len() != before {
		t.Error("failed parse changed the registry")
	}
}

func TestNamesAdd(t *testing.T) {
	n := NewNames()
	a := &Enum{Named: Named{Name: "E", Namespace: "x"}, Symbols: []string{"A"}}
	b := &Enum{Named: Named{Name: "E", Namespace: "x"}, Symbols: []string{"B"}}
	same := &Enum{Named: Named{Name: "E", Namespace: "x"}, Symbols: []string{"A"}}
	if err := n.Add(a); err != nil {
		t.Fatal(err)
	}
	if err := n.Add(a); err != nil {
		t.Errorf("re-adding the same type: %v", err)
	}
	if err := n.Add(same); err != nil || n.Lookup("x.E") != a || n.Len() != 1 {
		t.Errorf("adding an equal type: %v", err)
	}
	if err := n.Add(b); err == nil || err.Error() != "Can't redefine: x.E" {
		t.Errorf("Add(other) = %v", err)
	}
	if n.Lookup("x.E") != a || n.Find("E", "x") != a || n.Find("E", "") != nil {
		t.Error("Lookup/Find")
	}
}

func TestJavaDouble(t *testing.T) {
	tests := []struct {
		f    float64
		want string
	}{
		{0, "0.0"}, {math.Copysign(0, -1), "-0.0"}, {1, "1.0"}, {-1, "-1.0"}, {100, "100.0"},
		{0.001, "0.001"}, {0.00099, "9.9E-4"}, {1e-5, "1.0E-5"}, {9999999, "9999999.0"},
		{1e7, "1.0E7"}, {-1e12, "-1.0E12"}, {123456789, "1.23456789E8"}, {0.1, "0.1"},
		{1e22, "1.0E22"}, {math.MaxFloat64, "1.7976931348623157E308"}, {5e-324, "4.9E-324"},
		{math.NaN(), "NaN"}, {math.Inf(1), "Infinity"}, {math.Inf(-1), "-Infinity"},
	}
	for _, tt := range tests {
		if got := JavaDouble(tt.f); got != tt.want {
			t.Errorf("JavaDouble(%v) = %s, want %s", tt.f, got, tt.want)
		}
	}
	if got := JavaFloat(0.1); got != "0.1" {
		t.Errorf("JavaFloat(0.1) = %s", got)
	}
	if got := JavaFloat(3.4028235e38); got != "3.4028235E38" {
		t.Errorf("JavaFloat(max) = %s", got)
	}
}

// Java 1.12 accepts a union default that matches ANY branch.
func TestValidDefaultUnion(t *testing.T) {
	u := &Union{Branches: []Schema{&Primitive{T: Null}, &Primitive{T: String}}}
	for _, v := range []Value{nil, "x"} {
		if !ValidDefault(u, v) {
			t.Errorf("ValidDefault(%v) = false", v)
		}
	}
	if ValidDefault(u, Number{Text: "1"}) {
		t.Error("a number is not valid for [null,string]")
	}
}

func TestMarshalList(t *testing.T) {
	e := mustParse(t, `{"type":"enum","name":"E","namespace":"n","symbols":["A"]}`, ParseOptions{})
	r := mustParse(t, `{"type":"record","name":"R","namespace":"n","fields":[{"name":"e","type":{"type":"enum","name":"E","symbols":["A"]}}]}`, ParseOptions{})
	got := string(MarshalList([]Schema{e, r}, false))
	want := `[{"type":"enum","name":"E","namespace":"n","symbols":["A"]},{"type":"record","name":"R","namespace":"n","fields":[{"name":"e","type":{"type":"enum","name":"E","symbols":["A"]}}]}]`
	if got != want {
		t.Errorf("MarshalList =\n%s\nwant\n%s", got, want)
	}
	if got := string(MarshalList(nil, true)); got != "[ ]" {
		t.Errorf("empty pretty list = %q", got)
	}
}

// NormalizedSchema re-reads Normalize's text, as the registry does, and
// every golden input survives it.
func TestNormalizedSchema(t *testing.T) {
	inputs, _ := filepath.Glob("testdata/golden/*.avsc")
	for _, in := range inputs {
		data, _ := os.ReadFile(in)
		s := mustParse(t, string(data), ParseOptions{Filename: in})
		n, text, err := NormalizedSchema(s)
		if err != nil {
			t.Errorf("%s: %v\n%s", in, err, Normalize(s))
			continue
		}
		// namespaces.avsc nests a null-namespace type in a namespaced one:
		// Normalize writes its name without a dot, so re-reading moves it
		// into the enclosing namespace. The registry does the same.
		if filepath.Base(in) != "namespaces.avsc" && string(CanonicalForm(n)) != string(CanonicalForm(s)) {
			t.Errorf("%s: normalizing changed the canonical form", in)
		}
		if len(text) == 0 {
			t.Errorf("%s: empty registry text", in)
		}
	}
	// References are written by name.
	ref := mustParse(t, `{"type":"fixed","name":"Id","namespace":"r","size":4}`, ParseOptions{})
	names := NewNames()
	_ = names.Add(ref.(NamedSchema))
	s := mustParse(t, `{"type":"record","name":"U","namespace":"r","fields":[{"name":"id","type":"Id","doc":"the id"}]}`, ParseOptions{Names: names})
	want := `{"name":"r.U","type":"record","fields":[{"name":"id","type":"r.Id","order":"ASCENDING","doc":"the id"}]}`
	if got := string(Normalize(s, ref)); got != want {
		t.Errorf("Normalize =\n%s\nwant\n%s", got, want)
	}
	_, text, err := NormalizedSchema(s, ref)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"type":"record","name":"U","namespace":"r","fields":[{"name":"id","type":"Id","doc":"the id"}]}`; string(text) != want {
		t.Errorf("NormalizedSchema text = %s, want %s", text, want)
	}
}

// Positions point at the name of each named type and field.
func TestPositions(t *testing.T) {
	src := "{\n  \"type\": \"record\",\n  \"name\": \"R\",\n  \"fields\": [\n    {\"name\": \"a\", \"type\": \"int\"}\n  ]\n}"
	s := mustParse(t, src, ParseOptions{Filename: "r.avsc"})
	r := s.(*Record)
	if got := r.Pos.String(); got != "r.avsc:3:11" {
		t.Errorf("record Pos = %s", got)
	}
	if got := r.Fields[0].Pos.String(); got != "r.avsc:5:14" {
		t.Errorf("field Pos = %s", got)
	}
	if got := r.Fields[0].Type.(*Primitive).Pos.String(); got != "r.avsc:5:27" {
		t.Errorf("field type Pos = %s", got)
	}
}

// TestTrailingContent: after a schema, Java's Schema.Parser trims the rest
// with String.trim (every character up to U+0020 goes, comments stay and
// are "dangling content"); Protocol.parse never looks past the protocol.
func TestTrailingContent(t *testing.T) {
	for _, tc := range []struct {
		src string
		ok  bool
	}{
		{"\"int\"  \n", true},
		{"\"int\"\x00\x01\x1f ", true},
		{"/* c */ \"int\"", true},
		{"\"int\" /* c */", false},
		{"\"int\" // c\n", false},
		{"\"int\"\x00 x", false},
	} {
		_, err := Parse([]byte(tc.src), ParseOptions{Filename: "t.avsc"})
		if (err == nil) != tc.ok {
			t.Errorf("Parse(%q) = %v, want ok=%v", tc.src, err, tc.ok)
		}
	}
	if _, err := ParseProtocol([]byte(`{"protocol":"P","types":[],"messages":{}} trailing { garbage`), ParseOptions{}); err != nil {
		t.Errorf("ParseProtocol with trailing text: %v (Protocol.parse ignores it)", err)
	}
}
