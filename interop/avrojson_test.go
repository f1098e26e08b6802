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
