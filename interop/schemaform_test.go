package interop

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"gitlab.com/acme/avroctl/gen/datum"
	"gitlab.com/acme/avroctl/gen/random"
	"gitlab.com/acme/avroctl/gen/schema"
	"gitlab.com/acme/avroctl/gen/schemaform"
	"gitlab.com/acme/avroctl/interop/javaharness"
)

// formatSchemas returns the project's schemas and, when ../shared/conformance
// is there, every .avsc of its IDL suites (expected outputs and
// idl2schemata files), by path.
func formatSchemas(t *testing.T) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	add := func(p string) {
		if b, err := os.ReadFile(p); err == nil {
			out[p] = b
		}
	}
	files, _ := filepath.Glob(filepath.Join(projectRoot(t), "schemas", "*.avsc"))
	for _, f := range files {
		add(f)
	}
	conf := filepath.Join(projectRoot(t), "..", "shared", "conformance")
	if _, err := os.Stat(conf); err != nil {
		t.Logf("SKIPPED the conformance suites' .avsc files: %s is not present; only the project's schemas are compared", conf)
		return out
	}
	for _, sub := range []string{"idl", "idl-realworld"} {
		filepath.WalkDir(filepath.Join(conf, sub), func(p string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() && strings.HasSuffix(p, ".avsc") {
				add(p)
			}
			return nil
		})
	}
	return out
}

// compareFormats returns "" when avroctl canonical/fingerprint and Java
// agree on src: both reject it, or every format and fingerprint is equal.
func compareFormats(h *javaharness.Harness, src []byte) (diff string, accepted bool) {
	jf, jerr := h.Formats(src)
	var rejected *javaharness.Error
	if jerr != nil && !errors.As(jerr, &rejected) {
		return "harness: " + jerr.Error(), false
	}
	s, gerr := schema.Parse(src, schema.ParseOptions{Filename: "input.avsc"})
	switch {
	case rejected != nil && gerr != nil:
		return "", false
	case rejected != nil:
		return fmt.Sprintf("Java rejects (%s) but avroctl accepts", rejected.Msg), false
	case gerr != nil:
		return fmt.Sprintf("avroctl rejects (%v) but Java accepts", gerr), false
	}
	for name, want := range map[string]string{"canonical": jf.Canonical, "json": jf.JSON, "json/pretty": jf.JSONPretty, "json/inline": jf.JSONInline} {
		got, err := schemaform.Format(s, name)
		if err != nil || string(got) != want {
			return fmt.Sprintf("format %s differs: %v %s", name, err, lineDiff(want, string(got))), true
		}
	}
	fp := schemaform.Of(s, schemaform.CRC64)
	if fp.Hex != jf.CRC64Hex || strconv.FormatInt(*fp.Long, 10) != jf.CRC64Long {
		return fmt.Sprintf("CRC-64-AVRO: Java %s (%s), avroctl %s (%d)", jf.CRC64Hex, jf.CRC64Long, fp.Hex, *fp.Long), true
	}
	c, err := h.Canonical(src)
	if err != nil {
		return "Java canonical: " + err.Error(), true
	}
	if got := schemaform.Of(s, schemaform.MD5).Hex; got != c.MD5 {
		return fmt.Sprintf("MD5: Java %s, avroctl %s", c.MD5, got), true
	}
	if got := schemaform.Of(s, schemaform.SHA256).Hex; got != c.SHA256 {
		return fmt.Sprintf("SHA-256: Java %s, avroctl %s", c.SHA256, got), true
	}
	return "", true
}

// TestSchemaFormatsMatchJava: what `avroctl canonical --format F` prints is
// Java 1.12's SchemaFormatter.format(F) for every format name, and what
// `avroctl fingerprint --algo all` prints is SchemaNormalization's
// fingerprints, over the project's and the conformance suites' schemas.
func TestSchemaFormatsMatchJava(t *testing.T) {
	h := javaharness.Shared(t)
	schemas := formatSchemas(t)
	agree, accepted, bad := 0, 0, 0
	for _, p := range slices.Sorted(maps.Keys(schemas)) {
		d, ok := compareFormats(h, schemas[p])
		if ok {
			accepted++
		}
		if d != "" && !excuse(t, d) {
			bad++
			if bad <= 5 {
				t.Errorf("%s: %s", p, d)
			}
			continue
		}
		agree++
	}
	t.Logf("%d schemas: %d agree with Java (%d accepted by both: 4 formats + CRC-64 hex and long + MD5 + SHA-256 equal; the others rejected by both), %d disagree", len(schemas), agree, accepted, bad)
}

// logicalSchema has every logical type, for TestRandomValuesReadByJava.
const logicalSchema = `{"type":"record","name":"L","namespace":"t","fields":[
 {"name":"dec","type":{"type":"bytes","logicalType":"decimal","precision":9,"scale":2}},
 {"name":"decf","type":{"type":"fixed","name":"DF","size":8,"logicalType":"decimal","precision":18,"scale":4}},
 {"name":"bigdec","type":{"type":"bytes","logicalType":"big-decimal"}},
 {"name":"uuid","type":{"type":"string","logicalType":"uuid"}},
 {"name":"uuidf","type":{"type":"fixed","name":"UF","size":16,"logicalType":"uuid"}},
 {"name":"date","type":{"type":"int","logicalType":"date"}},
 {"name":"tms","type":{"type":"int","logicalType":"time-millis"}},
 {"name":"tus","type":{"type":"long","logicalType":"time-micros"}},
 {"name":"tsms","type":{"type":"long","logicalType":"timestamp-millis"}},
 {"name":"tsus","type":{"type":"long","logicalType":"timestamp-micros"}},
 {"name":"tsns","type":{"type":"long","logicalType":"timestamp-nanos"}},
 {"name":"ltsms","type":{"type":"long","logicalType":"local-timestamp-millis"}},
 {"name":"ltsus","type":{"type":"long","logicalType":"local-timestamp-micros"}},
 {"name":"ltsns","type":{"type":"long","logicalType":"local-timestamp-nanos"}},
 {"name":"dur","type":{"type":"fixed","name":"Dur","size":12,"logicalType":"duration"}},
 {"name":"m","type":{"type":"map","values":["null","double","t.Dur"]}},
 {"name":"next","type":["null","L"]}
]}`

// TestRandomValuesReadByJava: every value `avroctl random` makes is read by
// Java with every logical-type conversion registered (a uuid string Java
// cannot parse, a decimal over its precision, a big-decimal in the wrong
// layout would throw), and Java's Avro JSON of it is avroctl's (maps
// compared as sets of entries: Java keeps them in hash order).
func TestRandomValuesReadByJava(t *testing.T) {
	h := javaharness.Shared(t)
	per := 3
	if testing.Short() {
		per = 1
	}
	schemas := formatSchemas(t)
	schemas["logical"] = []byte(logicalSchema)
	checked, values := 0, 0
	for _, p := range slices.Sorted(maps.Keys(schemas)) {
		src := schemas[p]
		s, err := schema.Parse(src, schema.ParseOptions{Filename: p})
		if err != nil {
			continue
		}
		n := per
		if p == "logical" {
			n = 200
		}
		g, err := random.New(s, *seedFlag, random.Options{})
		if err != nil {
			continue // no finite value
		}
		if _, err := h.Schema(src); err != nil {
			continue // Java rejects it: TestSchemaFormatsMatchJava's business
		}
		checked++
		for range n {
			data := g.Next(nil)
			values++
			if _, err := h.DecodeLogical(src, data); err != nil {
				t.Fatalf("%s: Java's conversions refuse a random value: %v\n% x", p, err, data)
			}
			jj, trailing, err := h.Decode(src, nil, data)
			if err != nil || trailing != 0 {
				t.Fatalf("%s: Java: %v (%d trailing bytes)", p, err, trailing)
			}
			gj, err := datum.Decode(s, data, datum.AvroJSON)
			if err != nil {
				t.Fatal(err)
			}
			if len(jj) == 0 && len(data) == 0 {
				// Java's JsonEncoder writes nothing for a value of no bytes
				// (a top-level null, a record without fields): nothing to compare.
				continue
			}
			if !sameJSONText(t, jj, gj) {
				t.Fatalf("%s: Java reads\n%s\navroctl wrote\n%s", p, jj, gj)
			}
		}
	}
	t.Logf("%d schemas, %d random values: all read by Java with logical-type conversions, same Avro JSON", checked, values)
}

// sameJSONText compares two JSON texts as values: object key order aside,
// numbers by their text (a long keeps every digit).
func sameJSONText(t *testing.T, a, b []byte) bool {
	t.Helper()
	parse := func(x []byte) any {
		d := json.NewDecoder(bytes.NewReader(x))
		d.UseNumber()
		var v any
		if err := d.Decode(&v); err != nil {
			t.Fatalf("invalid JSON %s: %v", x, err)
		}
		return v
	}
	return reflect.DeepEqual(parse(a), parse(b))
}
