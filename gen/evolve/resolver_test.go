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

// Errors the reader raises only when a value reaches them are found by
// probing with synthetic values (the same pairs are checked against Java's
// reader in interop/evolve_resolver_test.go).
func TestResolverProbesLazyErrors(t *testing.T) {
	const arrayWriter = `{"type":"record","name":"R","namespace":"a","fields":[{"name":"xs","type":{"type":"array","items":{"type":"fixed","name":"F","size":2}}}]}`
	const unionWriter = `{"type":"record","name":"R","namespace":"a","fields":[{"name":"e","type":["null",{"type":"enum","name":"E","namespace":"m","symbols":["X"]}]}]}`
	for _, tc := range []struct {
		name, writer, reader string
		reject, fix          string
	}{
		{"array item: fixed moved, read through a union", arrayWriter,
			`{"type":"record","name":"R","namespace":"a","fields":[{"name":"xs","type":{"type":"array","items":["null",{"type":"fixed","name":"F","namespace":"b","size":2}]}}]}`,
			"xs[]: writer type fixed a.F matches no branch of the reader union", `add "aliases": ["a.F"] to type F`},
		{"array item: fixed moved, aliased", arrayWriter,
			`{"type":"record","name":"R","namespace":"a","fields":[{"name":"xs","type":{"type":"array","items":["null",{"type":"fixed","name":"F","namespace":"b","aliases":["a.F"],"size":2}]}}]}`,
			"", ""},
		{"writer union branch: enum moved", unionWriter,
			`{"type":"record","name":"R","namespace":"a","fields":[{"name":"e","type":["null",{"type":"enum","name":"E","symbols":["X"]},"string"]}]}`,
			"e: writer type enum m.E matches no branch of the reader union", `add "aliases": ["m.E"] to type E`},
		{"writer union, equivalent unions compare simple names", unionWriter,
			`{"type":"record","name":"R","namespace":"a","fields":[{"name":"e","type":["null",{"type":"enum","name":"E","symbols":["X"]}]}]}`,
			"", ""},
		{"recursive writer terminates", `{"type":"record","name":"L","fields":[{"name":"next","type":["null","L"]},{"name":"v","type":{"type":"array","items":"L"}}]}`,
			`{"type":"record","name":"L","fields":[{"name":"next","type":["null","L"]},{"name":"v","type":{"type":"array","items":"L"}}]}`, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, w := parse(t, tc.reader), parse(t, tc.writer)
			if !compat.Check(r, w).Compatible {
				t.Fatal("want a pair the checker accepts")
			}
			fs := CheckResolver([]Pair{{Reader: r, Writer: w, Direction: compat.ReaderWriter}})
			if tc.reject == "" {
				if len(fs) != 0 {
					t.Fatalf("rejected: %v", fs[0].Err)
				}
				return
			}
			if len(fs) != 1 || fs[0].Err.Error() != tc.reject || !strings.Contains(fs[0].Fix, tc.fix) {
				t.Fatalf("findings %+v, want %q with fix %q", fs, tc.reject, tc.fix)
			}
		})
	}
}
