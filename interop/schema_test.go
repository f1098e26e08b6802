package interop

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"unicode/utf8"

	"gitlab.com/acme/avroctl/gen/schema"
	"gitlab.com/acme/avroctl/interop/evolve"
	"gitlab.com/acme/avroctl/interop/javaharness"
)

// compareSchema parses src with avroctl and with Java and returns "" when
// they agree: both reject it, or both accept it and print the same compact
// and pretty JSON (Schema.toString), Parsing Canonical Form and
// fingerprints.
func compareSchema(h *javaharness.Harness, src []byte) (diff string) {
	text, jerr := h.Schema(src)
	var rejected *javaharness.Error
	if jerr != nil && !errors.As(jerr, &rejected) {
		return "harness: " + jerr.Error()
	}
	var (
		s    schema.Schema
		gerr error
	)
	func() {
		defer func() {
			if p := recover(); p != nil {
				gerr = fmt.Errorf("PANIC: %v", p)
			}
		}()
		s, gerr = schema.Parse(src, schema.ParseOptions{Filename: "input.avsc"})
	}()
	switch {
	case rejected != nil && gerr != nil:
		return ""
	case rejected != nil:
		return fmt.Sprintf("Java rejects (%s) but avroctl accepts", rejected.Msg)
	case gerr != nil:
		return fmt.Sprintf("avroctl rejects (%v) but Java accepts", gerr)
	}
	if got := string(schema.Marshal(s)); got != text.Compact {
		return "Schema.toString() differs: " + lineDiff(text.Compact, got)
	}
	if got := string(schema.MarshalPretty(s)); got != text.Pretty {
		return "Schema.toString(true) differs: " + lineDiff(text.Pretty, got)
	}
	c, err := h.Canonical(src)
	if err != nil {
		return "Java canonical form: " + err.Error()
	}
	if got := string(schema.CanonicalForm(s)); got != c.Form {
		return "Parsing Canonical Form differs: " + lineDiff(c.Form, got)
	}
	if got := schema.Fingerprint64(s); got != c.Fingerprint64 {
		return fmt.Sprintf("CRC-64-AVRO fingerprint: Java %d, avroctl %d", c.Fingerprint64, got)
	}
	if got := fmt.Sprintf("%x", schema.FingerprintSHA256(s)); got != c.SHA256 {
		return fmt.Sprintf("SHA-256 fingerprint: Java %s, avroctl %s", c.SHA256, got)
	}
	return ""
}

// TestSchemaJSONMatchesJava parses the random schemas of the compatibility
// test with both implementations and compares everything that is printed
// or hashed from them: what the registry stores, dedupes and fingerprints.
func TestSchemaJSONMatchesJava(t *testing.T) {
	h := javaharness.Shared(t)
	n := *pairsFlag / 2
	if testing.Short() {
		n = 150
	}
	g := evolve.New(*seedFlag + 1000)
	bad := 0
	for i := 0; i < n; i++ {
		p := g.Pair()
		for _, src := range [][]byte{evolve.Marshal(p.Reader), evolve.Marshal(p.Writer)} {
			if d := compareSchema(h, src); d != "" && !excuse(t, d) {
				bad++
				if bad <= 5 {
					t.Errorf("case %d: %s\nschema: %s", i, d, src)
				}
			}
		}
	}
	t.Logf("%d schemas compared, %d disagree (known issues not counted)", 2*n, bad)
}

// FuzzSchemaVsJava is a differential fuzz target: any input, valid or not,
// must get the same verdict from both parsers, and a valid one the same
// printed forms and fingerprints. Seeds are generated schemas.
//
//	go test -run '^$' -fuzz FuzzSchemaVsJava -fuzztime 10s
func FuzzSchemaVsJava(f *testing.F) {
	g := evolve.New(7)
	for i := 0; i < 20; i++ {
		f.Add(evolve.Marshal(g.Schema(4, 2)))
	}
	f.Add([]byte(`"int"`))
	f.Add([]byte(`["null",{"type":"enum","name":"E","symbols":["A"],"default":"A"}]`))
	f.Add([]byte(`{"type":"fixed","name":"d","size":4,"logicalType":"decimal","precision":9,"scale":2}`))
	// The project's own schemas: docs, logical types, defaults, properties.
	files, _ := filepath.Glob(filepath.Join("..", "schemas", "*.avsc"))
	for _, name := range files {
		if b, err := os.ReadFile(name); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		if !utf8.Valid(src) {
			// The harness carries schema text inside JSON strings, which
			// turn invalid UTF-8 into U+FFFD before Java sees it, so the two
			// sides would not read the same bytes.
			t.Skip("invalid UTF-8 cannot reach the Java harness unchanged")
		}
		h := javaharness.Shared(t)
		if d := compareSchema(h, src); d != "" && !excuse(t, d) {
			t.Fatalf("%s\nschema: %s", d, src)
		}
	})
}

// FuzzCompatVsJava feeds generator seeds to the compatibility comparison,
// so that the fuzzer explores evolutions TestCompatRandomPairs did not.
//
//	go test -run '^$' -fuzz FuzzCompatVsJava -fuzztime 10s
func FuzzCompatVsJava(f *testing.F) {
	for seed := uint64(0); seed < 8; seed++ {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, seed uint64) {
		h := javaharness.Shared(t)
		p := evolve.New(seed).Pair()
		r, w := evolve.Marshal(p.Reader), evolve.Marshal(p.Writer)
		if out := compareCompat(h, r, w); out.diff != "" && !excuse(t, out.diff) {
			t.Fatalf("%s\nreader: %s\nwriter: %s\nsteps: %q", out.diff, r, w, p.Steps)
		}
	})
}
