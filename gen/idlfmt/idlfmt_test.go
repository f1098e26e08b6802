package idlfmt

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"gitlab.com/acme/avroctl/gen/idl"
	"gitlab.com/acme/avroctl/gen/schema"
)

// javaCase is one answer recorded from Java 1.12.2's IdlSchemaFormatter /
// IdlUtils.writeIdlSchemas (interop harness op idlFormat, JDK 17); the
// interop module compares against the live JVM on many more inputs.
type javaCase struct {
	Schemas []string `json:"schemas"`
	IDL     *string  `json:"idl"`
	Error   *string  `json:"error"`
}

func format(t testing.TB, texts []string) ([]byte, error) {
	names := schema.NewNames()
	var list []schema.Schema
	for _, text := range texts {
		s, err := schema.Parse([]byte(text), schema.ParseOptions{Filename: "in.avsc", Names: names})
		if err != nil {
			return nil, err
		}
		list = append(list, s)
	}
	if len(list) == 1 {
		return Schema(list[0])
	}
	ns := ""
	if n, ok := list[0].(schema.NamedSchema); ok {
		ns = n.Names().Namespace
	}
	return Schemas(ns, list)
}

func TestRecordedJavaOutputs(t *testing.T) {
	data, err := os.ReadFile("testdata/java_outputs.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases []javaCase
	if err := json.Unmarshal(data, &cases); err != nil {
		t.Fatal(err)
	}
	for i, c := range cases {
		got, err := format(t, c.Schemas)
		switch {
		case c.Error != nil && err == nil:
			t.Errorf("case %d: Java refuses (%s), we write:\n%s", i, *c.Error, got)
		case c.Error == nil && err != nil:
			t.Errorf("case %d: we refuse (%v), Java writes:\n%s", i, err, *c.IDL)
		case c.Error == nil && string(got) != *c.IDL:
			t.Errorf("case %d:\n--- Java\n%s\n--- got\n%s", i, *c.IDL, got)
		}
	}
}

func TestNotNamed(t *testing.T) {
	if _, err := Schema(&schema.Primitive{T: schema.String}); err == nil || !strings.Contains(err.Error(), "named type") {
		t.Fatalf("err = %v", err)
	}
}

// TestRoundTripsThroughIDL: what the writer produces, gen/idl reads back as
// the same schema when none of the writer's lossy cases is involved.
func TestRoundTripsThroughIDL(t *testing.T) {
	src := `{"type":"record","name":"Order","namespace":"com.acme","doc":"An order.","fields":[
	  {"name":"id","type":{"type":"string","logicalType":"uuid"}},
	  {"name":"note","type":["null","string"],"default":null,"doc":"Free text."},
	  {"name":"items","type":{"type":"array","items":{"type":"record","name":"Item","fields":[
	     {"name":"sku","type":"string","aliases":["code"]},
	     {"name":"qty","type":"int","default":1}]}}},
	  {"name":"status","type":{"type":"enum","name":"Status","namespace":"com.acme.common","symbols":["NEW","PAID"]}},
	  {"name":"amount","type":{"type":"bytes","logicalType":"decimal","precision":12,"scale":2}},
	  {"name":"at","type":{"type":"long","logicalType":"timestamp-millis"},"x-pii":false},
	  {"name":"error","type":{"type":"map","values":"Item"},"order":"descending"}]}`
	s, err := schema.Parse([]byte(src), schema.ParseOptions{Filename: "o.avsc"})
	if err != nil {
		t.Fatal(err)
	}
	out, err := Schema(s)
	if err != nil {
		t.Fatal(err)
	}
	f, err := idl.CompileSource("o.avdl", out, idl.Options{ReadFile: func(string) ([]byte, error) { return nil, os.ErrNotExist }})
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if a, b := schema.Marshal(s), schema.Marshal(f.MainSchema); !bytes.Equal(a, b) {
		t.Errorf("round trip changed the schema\nbefore %s\nafter  %s\nIDL:\n%s", a, b, out)
	}
}

// FuzzSchema: any schema gen/schema accepts is written without a panic,
// twice the same way.
func FuzzSchema(f *testing.F) {
	data, _ := os.ReadFile("testdata/java_outputs.json")
	var cases []javaCase
	_ = json.Unmarshal(data, &cases)
	for _, c := range cases {
		for _, s := range c.Schemas {
			f.Add([]byte(s))
		}
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		s, err := schema.Parse(src, schema.ParseOptions{Filename: "f.avsc"})
		if err != nil {
			return
		}
		a, errA := Schema(s)
		b, errB := Schema(s)
		if (errA == nil) != (errB == nil) || !bytes.Equal(a, b) {
			t.Fatalf("not deterministic")
		}
	})
}
