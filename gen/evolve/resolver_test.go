package evolve

import (
	"strings"
	"testing"

	"gitlab.com/acme/avroctl/gen/compat"
	"gitlab.com/acme/avroctl/gen/schema"
)

func parse(t *testing.T, src string) schema.Schema {
	t.Helper()
	s, err := schema.Parse([]byte(src), schema.ParseOptions{})
	if err != nil {
		t.Fatalf("parse %s: %v", src, err)
	}
	return s
}

// The 4/671 disagreement: the record moved namespace and the field was
// renamed with an alias. Java's SchemaCompatibility matches the alias
// whatever the record name (and compares record simple names only), so it
// accepts; Java's ResolvingDecoder (Schema.applyAliases) looks field
// aliases up under the writer record's full name "a.R", finds none for
// "old", skips the writer field, and has no default for "new".
const (
	writerA    = `{"type":"record","name":"R","namespace":"a","fields":[{"name":"old","type":"int"}]}`
	readerB    = `{"type":"record","name":"R","namespace":"b","fields":[{"name":"new","type":"int","aliases":["old"]}]}`
	readerBFix = `{"type":"record","name":"R","namespace":"b","aliases":["a.R"],"fields":[{"name":"new","type":"int","aliases":["old"]}]}`
	readerA    = `{"type":"record","name":"R","namespace":"a","fields":[{"name":"new","type":"int","aliases":["old"]}]}`
)

func TestResolve(t *testing.T) {
	for _, tc := range []struct {
		name           string
		reader, writer string
		compatible     bool   // the compat engine's (Java's) verdict
		reject         string // substring of the resolver's error; "" = reads
	}{
		{"namespace moved + renamed field with alias", readerB, writerA, true, "new: reader field is missing from the writer and has no default"},
		{"same namespace, renamed field with alias", readerA, writerA, true, ""},
		{"namespace moved, record keeps old name as alias", readerBFix, writerA, true, ""},
		{"namespace moved, no rename", `{"type":"record","name":"R","namespace":"b","fields":[{"name":"old","type":"int"}]}`, writerA, true, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, w := parse(t, tc.reader), parse(t, tc.writer)
			if got := compat.Check(r, w).Compatible; got != tc.compatible {
				t.Fatalf("compat verdict %v, want %v", got, tc.compatible)
			}
			err := Resolve(r, w)
			switch {
			case tc.reject == "" && err != nil:
				t.Fatalf("resolver rejects: %v", err)
			case tc.reject != "" && (err == nil || !strings.Contains(err.Error(), tc.reject)):
				t.Fatalf("resolver error %v, want %q", err, tc.reject)
			}
		})
	}
}

func TestFindingsByLevel(t *testing.T) {
	old, moved := parse(t, writerA), parse(t, readerB)
	for _, tc := range []struct {
		level    compat.Level
		rejects  int // RESOLVER_REJECTS findings
		previous []schema.Schema
	}{
		{compat.Backward, 1, []schema.Schema{old}},
		{compat.Forward, 0, []schema.Schema{old}}, // old reader: Java's checker already rejects (no default)
		{compat.BackwardTransitive, 2, []schema.Schema{old, old}},
		{compat.Backward, 0, []schema.Schema{parse(t, readerBFix)}},
		{compat.None, 0, []schema.Schema{old}},
	} {
		n := 0
		for _, f := range Findings(tc.level, moved, tc.previous, "s", "s.avsc") {
			if f.Type == ResolverRejects {
				n++
				if !strings.Contains(f.Message, "the registry (and Java's SchemaCompatibility) accept this change, but a consumer's resolving reader cannot read new") ||
					!strings.Contains(f.Fix, `"aliases": ["a.R"]`) || f.Severity != "critical" {
					t.Errorf("%v: finding %+v", tc.level, f)
				}
			}
		}
		if n != tc.rejects {
			t.Errorf("%v: %d RESOLVER_REJECTS, want %d", tc.level, n, tc.rejects)
		}
	}
}
