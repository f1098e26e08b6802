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
