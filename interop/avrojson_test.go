package interop

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"testing"

	"gitlab.com/acme/avroctl/gen/datum"
	"gitlab.com/acme/avroctl/gen/schema"
	"gitlab.com/acme/avroctl/interop/evolve"
	"gitlab.com/acme/avroctl/interop/javaharness"
	"gitlab.com/acme/avroctl/interop/randdatum"
)

// TestAvroJSONMatchesJava checks gen/datum's Avro JSON against Java's
// JsonEncoder and JsonDecoder (the harness's decode and encode ops) on
// random schemas and values:
//
//   - Java's JsonDecoder reads the value and GenericDatumWriter writes it;
//     datum.Encode of the same text gives the same bytes;
//   - Java's JsonEncoder writes those bytes as text; datum.Decode writes
//     the same text, and datum.Encode reads that text back to the bytes.
//
// A value with a map of two or more entries is compared by decoding only:
// Java holds maps in a HashMap, so its bytes and text follow hash order.
func TestAvroJSONMatchesJava(t *testing.T) {
	h := javaharness.Shared(t)
	n, per := 40, 15
	if testing.Short() {
		n, per = 10, 5
	}
	g := evolve.New(*seedFlag + 3000)
	r := rand.New(rand.NewPCG(*seedFlag, 3000))
	values, exact := 0, 0
	for i := 0; i < n; i++ {
		text := evolve.Marshal(g.SchemaIn(fmt.Sprintf("rand.j%d", i), 6, 2))
		if _, err := h.Schema(text); err != nil {
			continue // Java rejects a few generated schemas: the schema tests' business
		}
		if !finiteAvsc(text) {
			continue
		}
		s, err := schema.Parse(text, schema.ParseOptions{})
		if err != nil {
			t.Fatalf("avroctl rejects a schema Java accepts: %v\n%s", err, text)
		}
		for k := 0; k < per; k++ {
			value, multiKeyMap := randdatum.Generate(r, s, randdatum.Options{})
			if value == nil {
				break
			}
			javaBytes, err := h.Encode(text, value)
			if err != nil {
				t.Fatalf("Java cannot read its own Avro JSON %s: %v", value, err)
			}
			ours, err := datum.Encode(s, value, datum.AvroJSON)
			if err != nil {
				t.Fatalf("datum.Encode rejects what Java's JsonDecoder reads: %v\nschema %s\nvalue %s", err, text, value)
			}
			values++
			javaText, _, err := h.Decode(text, nil, ours)
			if err != nil {
				t.Fatalf("Java cannot decode datum.Encode's bytes %x: %v\nschema %s\nvalue %s", ours, err, text, value)
			}
			ourText, err := datum.Decode(s, javaBytes, datum.AvroJSON)
			if err != nil {
				t.Fatalf("datum.Decode rejects Java's bytes %x: %v\nschema %s", javaBytes, err, text)
			}
			if multiKeyMap {
				continue
			}
			if !bytes.Equal(ours, javaBytes) {
				t.Fatalf("bytes differ\nschema %s\nvalue %s\nJava %x\nours %x", text, value, javaBytes, ours)
			}
			if !bytes.Equal(ourText, javaText) {
				t.Fatalf("Avro JSON differs\nschema %s\nJava %s\nours %s", text, javaText, ourText)
			}
			back, err := datum.Encode(s, javaText, datum.AvroJSON)
			if err != nil || !bytes.Equal(back, javaBytes) {
				t.Fatalf("Java's JsonEncoder text %s reads back to %x, %v; want %x", javaText, back, err, javaBytes)
			}
			exact++
		}
	}
	if values == 0 {
		t.Fatal("no values compared")
	}
	t.Logf("%d values: all read by both; %d byte- and text-identical (the rest hold maps of 2+ entries)", values, exact)
}

// TestAvroJSONEdgesMatchJava: inputs where Java's JsonDecoder is lenient or
// strict, and what datum.Encode does with them: the same bytes, or a
// deliberate refusal (see datum.Encode's documentation).
func TestAvroJSONEdgesMatchJava(t *testing.T) {
	h := javaharness.Shared(t)
	rec := `{"type":"record","name":"R","fields":[{"name":"a","type":"int"},{"name":"b","type":"int","default":3}]}`
	for _, c := range []struct {
		schema, json   string
		javaOK, oursOK bool
	}{
		{rec, `{"a":1}`, false, false}, // a missing field: defaults are not filled in
		{rec, `{"b":2,"a":1}`, true, true},
		{`"int"`, `1.0`, true, true},
		{`"long"`, `-2e3`, true, true},
		{`"double"`, `"NaN"`, true, true},
		{`"float"`, `"NaN"`, true, true},
		{`"float"`, `"-Infinity"`, true, true},
		{`["null","int"]`, `{"int":7}`, true, true},
		{`["null","int"]`, `7`, false, false},
		{`"bytes"`, `"\u00ff\u0000"`, true, true},
		{`"int"`, `1.5`, false, false},            // a fraction: refused by both
		{`"float"`, `1e39`, true, false},          // Java reads Infinity
		{rec, `{"a":1,"b":2,"x":0}`, true, false}, // Java skips an unknown key
	} {
		javaBytes, javaErr := h.Encode([]byte(c.schema), []byte(c.json))
		ours, oursErr := datum.Encode(mustParse(t, c.schema), []byte(c.json), datum.AvroJSON)
		if (javaErr == nil) != c.javaOK || (oursErr == nil) != c.oursOK {
			t.Errorf("%s %s: Java %x, %v; ours %x, %v", c.schema, c.json, javaBytes, javaErr, ours, oursErr)
			continue
		}
		if c.javaOK && c.oursOK && !bytes.Equal(javaBytes, ours) {
			t.Errorf("%s %s: Java %x, ours %x", c.schema, c.json, javaBytes, ours)
		}
	}
}

func mustParse(t *testing.T, text string) schema.Schema {
	t.Helper()
	s, err := schema.Parse([]byte(text), schema.ParseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return s
}
