package javaharness

import (
	"errors"
	"os"
	"strings"
	"testing"
)

func TestMain(m *testing.M) {
	code := m.Run()
	CloseShared()
	os.Exit(code)
}

func TestPing(t *testing.T) {
	h := Shared(t)
	v, err := h.Ping()
	if err != nil {
		t.Fatal(err)
	}
	if v != AvroVersion {
		t.Errorf("reference Avro version = %q, want %q (pom.xml and AvroVersion disagree)", v, AvroVersion)
	}
}

const (
	writerV1 = `{"type":"record","name":"R","fields":[{"name":"a","type":"int"},{"name":"b","type":["null","string"]}]}`
	readerV2 = `{"type":"record","name":"R","fields":[{"name":"a","type":"long"},{"name":"c","type":"int","default":7}]}`
	badV2    = `{"type":"record","name":"R","fields":[{"name":"a","type":"string"},{"name":"c","type":"int"}]}`
)

func TestCompat(t *testing.T) {
	h := Shared(t)
	r, err := h.Compat([]byte(readerV2), []byte(writerV1))
	if err != nil {
		t.Fatal(err)
	}
	if !r.Compatible() || len(r.Incompatibilities) != 0 {
		t.Errorf("compat(v2 reads v1) = %+v, want compatible", r)
	}
	r, err = h.Compat([]byte(badV2), []byte(writerV1))
	if err != nil {
		t.Fatal(err)
	}
	want := []Incompatibility{
		{Type: "TYPE_MISMATCH", Location: "/fields/0/type", Message: "reader type: STRING not compatible with writer type: INT"},
		{Type: "READER_FIELD_MISSING_DEFAULT_VALUE", Location: "/fields/1", Message: "c"},
	}
	if r.Compatible() || len(r.Incompatibilities) != len(want) {
		t.Fatalf("compat(bad reads v1) = %+v, want %+v", r, want)
	}
	for i := range want {
		if r.Incompatibilities[i] != want[i] {
			t.Errorf("incompatibility %d = %+v, want %+v", i, r.Incompatibilities[i], want[i])
		}
	}
}

func TestEncodeDecode(t *testing.T) {
	h := Shared(t)
	data, err := h.Encode([]byte(writerV1), []byte(`{"a":5,"b":{"string":"hi"}}`))
	if err != nil {
		t.Fatal(err)
	}
	// zigzag(5)=0x0a, union branch 1=0x02, length 2=0x04, "hi".
	if got, want := string(data), "\x0a\x02\x04hi"; got != want {
		t.Errorf("encode = %q, want %q", got, want)
	}
	datum, trailing, err := h.Decode([]byte(writerV1), []byte(readerV2), append(data, 0))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(datum), `{"a":5,"c":7}`; got != want || trailing != 1 {
		t.Errorf("decode = %s (trailing %d), want %s (trailing 1)", got, trailing, want)
	}
}

func TestCanonical(t *testing.T) {
	h := Shared(t)
	c, err := h.Canonical([]byte(`{"type":"fixed","name":"F","namespace":"n","size":4,"doc":"x"}`))
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"name":"n.F","type":"fixed","size":4}`; c.Form != want {
		t.Errorf("canonical = %s, want %s", c.Form, want)
	}
	// The fingerprint of "int" is in the Avro specification's test data.
	c, err = h.Canonical([]byte(`"int"`))
	if err != nil {
		t.Fatal(err)
	}
	if c.Fingerprint64 != 8247732601305521295 {
		t.Errorf(`fingerprint64("int") = %d`, c.Fingerprint64)
	}
}

func TestIDL(t *testing.T) {
	h := Shared(t)
	dir := t.TempDir()
	file := dir + "/p.avdl"
	src := "@namespace(\"n\") protocol P { record R { int a; } }\n"
	if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	r, err := h.IDL(file, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(r.Output, "{\n  \"protocol\" : \"P\",") || strings.HasSuffix(r.Output, "\n") {
		t.Errorf("idl output = %q", r.Output)
	}
	if names := r.SchemataNames(); len(names) != 1 || names[0] != "R.avsc" || !strings.HasSuffix(r.Schemata["R.avsc"], "}\n") {
		t.Errorf("idl2schemata = %q", r.Schemata)
	}

	if err := os.WriteFile(file, []byte("protocol P { record R { int a } }"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = h.IDL(file, nil)
	var jerr *Error
	if !errors.As(err, &jerr) {
		t.Fatalf("idl of a bad file: err = %v, want *Error", err)
	}
}

// A request the JVM cannot serve must not end the session.
func TestErrorKeepsSession(t *testing.T) {
	h := Shared(t)
	_, err := h.Call(map[string]any{"op": "nope"})
	var jerr *Error
	if !errors.As(err, &jerr) || !strings.Contains(jerr.Msg, "unknown op") {
		t.Fatalf("unknown op: err = %v", err)
	}
	if _, err := h.Compat([]byte(`{"type":`), []byte(`"int"`)); !errors.As(err, &jerr) {
		t.Fatalf("bad schema: err = %v, want *Error", err)
	}
	if _, err := h.Ping(); err != nil {
		t.Fatalf("ping after errors: %v", err)
	}
}
