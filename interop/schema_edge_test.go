package interop

import (
	"testing"

	"gitlab.com/acme/avroctl/interop/javaharness"
)

// TestSchemaEdgeCasesMatchJava pins inputs where avroctl once disagreed with
// Java's Schema.Parser, or that sit on a rule's edge: what may follow the
// schema (String.trim drops control characters, not comments), integers
// beyond 32 bits in sizes and decimal parameters, and defaults of the wrong
// number kind.
func TestSchemaEdgeCasesMatchJava(t *testing.T) {
	h := javaharness.Shared(t)
	for _, src := range []string{
		// After the schema.
		"\"int\" /* c */", "\"int\" // c", "\"int\" // c\n", "/* a */ \"int\"",
		"\"int\"\x00", "\"int\"\x00 x", "\"int\" \x00", "\x00\"int\"", "{\"type\":\"int\"}\x00{",
		"\"int\"\x01", "\"int\"\x1f", "[\"int\",\x00\"long\"]", "\"int\"\x00\x00", "\"int\" \u00a0",
		// 32-bit limits.
		`{"type":"fixed","name":"F","size":3000000000}`,
		`{"type":"fixed","name":"F","size":2147483647}`,
		`{"type":"fixed","name":"F","size":-1}`,
		`{"type":"fixed","name":"F","size":2.0}`,
		`{"type":"bytes","logicalType":"decimal","precision":3000000000}`,
		`{"type":"bytes","logicalType":"decimal","precision":4,"scale":3000000000}`,
		`{"type":"bytes","logicalType":"decimal","precision":4,"scale":-2147483648}`,
		`{"type":"bytes","logicalType":"decimal","precision":2147483647}`,
		`{"type":"fixed","name":"F","size":4,"logicalType":"decimal","precision":9}`,
		`{"type":"fixed","name":"F","size":4,"logicalType":"decimal","precision":10}`,
		// Defaults.
		`{"type":"record","name":"R","fields":[{"name":"a","type":"int","default":3000000000}]}`,
		`{"type":"record","name":"R","fields":[{"name":"a","type":"long","default":9223372036854775808}]}`,
		`{"type":"record","name":"R","fields":[{"name":"a","type":"float","default":1e400}]}`,
		`{"type":"record","name":"R","fields":[{"name":"a","type":"int","default":1.0}]}`,
		`{"type":"record","name":"R","fields":[{"name":"a","type":"double","default":1}]}`,
		// Assorted attributes.
		`{"type":"enum","name":"E","symbols":["A","A"]}`,
		`{"type":"enum","name":"E","symbols":["A"],"default":"B"}`,
		`{"type":"record","name":"R","fields":[{"name":"a","type":"int","order":"bogus"}]}`,
		`{"type":"record","name":"R","fields":[{"name":"a","type":"int","aliases":"x"}]}`,
		`{"type":"record","name":"R","aliases":[1],"fields":[]}`,
		`{"type":"map","values":"int","default":{}}`,
		`{"type":"array","items":"int","logicalType":"x"}`,
		`{"type":"string","logicalType":"uuid","extra":{"a":[1,2.50,true]}}`,
	} {
		if d := compareSchema(h, []byte(src)); d != "" && !excuse(t, d) {
			t.Errorf("%q: %s", src, d)
		}
	}
}
