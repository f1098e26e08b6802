package interop

import (
	"testing"

	"gitlab.com/acme/avroctl/gen/evolve"
	"gitlab.com/acme/avroctl/gen/schema"
	"gitlab.com/acme/avroctl/interop/javaharness"
)

// TestResolverRejectsMatchesJava pins the checker/reader disagreement that
// RESOLVER_REJECTS reports: for each hand-written pair, Java's
// SchemaCompatibility calls it compatible, and Java's resolving reader
// (GenericDatumReader over ResolvingDecoder) reads a datum exactly when
// avroctl's resolver (gen/evolve.Resolve) builds a plan.
func TestResolverRejectsMatchesJava(t *testing.T) {
	h := javaharness.Shared(t)
	const writer = `{"type":"record","name":"R","namespace":"a","fields":[{"name":"old","type":"int"}]}`
	for _, tc := range []struct {
		name, reader string
		reads        bool
	}{
		{"namespace moved + field renamed with alias", `{"type":"record","name":"R","namespace":"b","fields":[{"name":"new","type":"int","aliases":["old"]}]}`, false},
		{"same namespace, field renamed with alias", `{"type":"record","name":"R","namespace":"a","fields":[{"name":"new","type":"int","aliases":["old"]}]}`, true},
		{"namespace moved, record aliased, field renamed with alias", `{"type":"record","name":"R","namespace":"b","aliases":["a.R"],"fields":[{"name":"new","type":"int","aliases":["old"]}]}`, true},
		{"namespace moved, no rename", `{"type":"record","name":"R","namespace":"b","fields":[{"name":"old","type":"int"}]}`, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			jc, err := h.Compat([]byte(tc.reader), []byte(writer))
			if err != nil {
				t.Fatal(err)
			}
			if !jc.Compatible() {
				t.Fatalf("Java's SchemaCompatibility: %+v, want compatible", jc)
			}
			data, err := h.Encode([]byte(writer), []byte(`{"old":7}`))
			if err != nil {
				t.Fatal(err)
			}
			datum, _, javaErr := h.Decode([]byte(writer), []byte(tc.reader), data)
			if (javaErr == nil) != tc.reads {
				t.Fatalf("Java reads: %s, err %v; want reads=%v", datum, javaErr, tc.reads)
			}
			r, _ := schema.Parse([]byte(tc.reader), schema.ParseOptions{})
			w, _ := schema.Parse([]byte(writer), schema.ParseOptions{})
			ourErr := evolve.Resolve(r, w)
			if (ourErr == nil) != tc.reads {
				t.Fatalf("avroctl's resolver: %v; Java: %v", ourErr, javaErr)
			}
			t.Logf("Java: %s %v; avroctl: %v", datum, javaErr, ourErr)
		})
	}
}
