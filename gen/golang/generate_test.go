package golang

import (
	"strings"
	"testing"

	"gitlab.com/acme/avroctl/gen/schema"
)

func parseOne(t *testing.T, js string) schema.NamedSchema {
	t.Helper()
	s, err := schema.Parse([]byte(js), schema.ParseOptions{Filename: "t.avsc"})
	if err != nil {
		t.Fatal(err)
	}
	return s.(schema.NamedSchema)
}

func TestGenerateErrors(t *testing.T) {
	a := parseOne(t, `{"type":"record","name":"A","namespace":"com.a.events","fields":[]}`)
	b := parseOne(t, `{"type":"record","name":"B","namespace":"com.b.events","fields":[]}`)
	if _, err := Generate([]schema.NamedSchema{a, b}, Options{}); err == nil || !strings.Contains(err.Error(), "--package com.b.events=DIR") {
		t.Errorf("colliding package dirs: %v", err)
	}
	if _, err := Generate([]schema.NamedSchema{a, b}, Options{Packages: map[string]string{"com.b.events": "bevents"}}); err != nil {
		t.Errorf("with --package: %v", err)
	}
	if _, err := Generate([]schema.NamedSchema{a}, Options{Packages: map[string]string{"com.a.events": "avro"}}); err == nil || !strings.Contains(err.Error(), "reserved") {
		t.Errorf("runtime dir: %v", err)
	}
	a2 := parseOne(t, `{"type":"record","name":"A","namespace":"com.a.events","fields":[{"name":"x","type":"int"}]}`)
	if _, err := Generate([]schema.NamedSchema{a, a2}, Options{}); err == nil || !strings.Contains(err.Error(), "defined differently") {
		t.Errorf("conflicting copies: %v", err)
	}
	a3 := parseOne(t, `{"type":"record","name":"A","namespace":"com.a.events","doc":"same shape","fields":[]}`)
	if _, err := Generate([]schema.NamedSchema{a, a3}, Options{}); err != nil {
		t.Errorf("equal copies: %v", err)
	}
}

// Names that clash in Go get suffixes instead of breaking the build, and
// a namespace ending in "avro" does not take the runtime's directory.
func TestGenerateNameClashes(t *testing.T) {
	s := parseOne(t, `{"type":"record","name":"Thing","namespace":"org.apache.avro","fields":[
		{"name":"kind","type":{"type":"enum","name":"Kind","symbols":["A","b_c","B_C"]}},
		{"name":"u","type":["int","string"]},
		{"name":"MarshalAvro","type":"int"},
		{"name":"empty","type":{"type":"enum","name":"Empty","symbols":[]}},
		{"name":"ThingU","type":{"type":"fixed","name":"ThingUInt","size":0}}]}`)
	files, err := Generate([]schema.NamedSchema{s}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	f := files.Get("avrotypes/thing.avro.go")
	if f == nil {
		var paths []string
		for _, f := range files {
			paths = append(paths, f.Path)
		}
		t.Fatalf("no avrotypes/thing.avro.go in %v", paths)
	}
	for _, want := range []string{"MarshalAvro_ int32", "ThingU interface", "ThingUInt_ struct", "ThingU       ThingUInt"} {
		if !strings.Contains(string(f.Content), want) {
			t.Errorf("missing %q in\n%s", want, f.Content)
		}
	}
	k := files.Get("avrotypes/kind.avro.go")
	if k == nil || !strings.Contains(string(k.Content), "KindBC_ Kind = \"B_C\"") {
		t.Errorf("enum constant clash not resolved")
	}
}

func TestGenerateImportCycle(t *testing.T) {
	s := parseOne(t, `{"type":"record","name":"A","namespace":"com.x.one","fields":[
		{"name":"b","type":{"type":"record","name":"B","namespace":"com.x.two","fields":[
			{"name":"a","type":["null","com.x.one.A"]}]}}]}`)
	_, err := Generate([]schema.NamedSchema{s}, Options{})
	if err == nil || !strings.Contains(err.Error(), "cycle") || !strings.Contains(err.Error(), "--package") {
		t.Fatalf("cycle: %v", err)
	}
	// One package for both namespaces resolves it.
	if _, err := Generate([]schema.NamedSchema{s}, Options{Packages: map[string]string{"com.x.one": "x", "com.x.two": "x"}}); err != nil {
		t.Errorf("merged: %v", err)
	}
}

// GEN-UNUSED-ERR: a union of primitives needs no err variable; declaring
// one anyway did not compile. TestGeneratedCodeRuns builds every union
// shape (testdata/shapes); this pins the repro.
func TestGenerateUnionOfPrimitivesDeclaresNoErr(t *testing.T) {
	s := parseOne(t, `{"type":"record","name":"R","namespace":"m","fields":[{"name":"a","type":["boolean","bytes"]}]}`)
	files, err := Generate([]schema.NamedSchema{s}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	f := files.Get("m/r.avro.go")
	if f == nil {
		t.Fatal("no m/r.avro.go")
	}
	if strings.Contains(string(f.Content), "var err error") {
		t.Errorf("unused err declared:\n%s", f.Content)
	}
}

// GEN-RECORD-REQUIRES-ITSELF: fields on a cycle of required records become
// pointers; fields that only reach the cycle stay values.
func TestGenerateRequiredCycleUsesPointers(t *testing.T) {
	s := parseOne(t, `{"type":"record","name":"Top","namespace":"m","fields":[
		{"name":"a","type":{"type":"record","name":"A","fields":[
			{"name":"b","type":{"type":"record","name":"B","fields":[{"name":"a","type":"A"},{"name":"n","type":"int"}]}}]}},
		{"name":"self","type":{"type":"record","name":"S","fields":[{"name":"s","type":"S"}]}}]}`)
	files, err := Generate([]schema.NamedSchema{s}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string][]string{
		"m/top.avro.go": {"A    A ", "Self S "},
		"m/a.avro.go":   {"B *B "},
		"m/b.avro.go":   {"A *A ", "no finite value"},
		"m/s.avro.go":   {"S *S "},
	} {
		f := files.Get(path)
		if f == nil {
			t.Fatalf("no %s", path)
		}
		for _, w := range want {
			if !strings.Contains(string(f.Content), w) {
				t.Errorf("%s: missing %q in\n%s", path, w, f.Content)
			}
		}
	}
}

// TestPackageDocs: every package of types has a doc.go whose package doc
// names the namespace it holds.
func TestPackageDocs(t *testing.T) {
	a := parseOne(t, `{"type":"record","name":"A","namespace":"com.acme.shipping","fields":[]}`)
	b := parseOne(t, `{"type":"enum","name":"B","namespace":"com.acme.legacy","symbols":["X"]}`)
	files, err := Generate([]schema.NamedSchema{a, b}, Options{ModulePath: "example.com/x",
		Packages: map[string]string{"com.acme.legacy": "old/legacy"}})
	if err != nil {
		t.Fatal(err)
	}
	for p, ns := range map[string]string{"shipping/doc.go": "com.acme.shipping", "old/legacy/doc.go": "com.acme.legacy"} {
		doc := files.Get(p)
		want := "holds the Go types of the Avro namespace " + ns + ",\n"
		if doc == nil || !strings.Contains(string(doc.Content), want) || !strings.HasPrefix(string(doc.Content), Header) {
			t.Errorf("%s: %v; want a package doc that %s", p, doc, want)
		}
	}
}

// TestConstructorLiterals: simple defaults are literals Go takes as
// written; numbers Go would not (a float that overflows float32, NaN)
// take the encoded way.
func TestConstructorLiterals(t *testing.T) {
	r := parseOne(t, `{"type":"record","name":"R","namespace":"com.acme.x","fields":[
		{"name":"retries","type":"int","default":3},
		{"name":"ratio","type":"float","default":1e40},
		{"name":"nan","type":"double","default":"NaN"},
		{"name":"none","type":"long","default":0}]}`)
	files, err := Generate([]schema.NamedSchema{r}, Options{ModulePath: "example.com/x"})
	if err != nil {
		t.Fatal(err)
	}
	src := string(files.Get("x/r.avro.go").Content)
	for _, want := range []string{"Retries: 3,", "x.Ratio = d.Float()", "// Default: 3 (NewR sets it).", "// Default: 0 (the zero value)."} {
		if !strings.Contains(src, want) {
			t.Errorf("generated R lacks %q:\n%s", want, src[:strings.Index(src, "const (")])
		}
	}
}
