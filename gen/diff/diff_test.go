package diff

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gitlab.com/acme/avroctl/gen/schema"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func set(t *testing.T, src string) Set {
	t.Helper()
	s, err := schema.Parse([]byte(src), schema.ParseOptions{Filename: "t.avsc"})
	if err != nil {
		t.Fatal(err)
	}
	out := Set{}
	out.Add(s)
	return out
}

func rec(fields string) string {
	return `{"type":"record","name":"R","namespace":"n","fields":[` + fields + `]}`
}

func TestCompareKinds(t *testing.T) {
	tests := []struct {
		name, a, b string
		want       Change
		typ        string // type holding the change, default n.R
	}{
		{"field added", rec(`{"name":"a","type":"int"}`), rec(`{"name":"a","type":"int"},{"name":"b","type":"string","default":"x"}`),
			Change{Kind: FieldAdded, Field: "b", New: `string = "x"`}, ""},
		{"field removed", rec(`{"name":"a","type":"int"},{"name":"b","type":"string"}`), rec(`{"name":"a","type":"int"}`),
			Change{Kind: FieldRemoved, Field: "b", Old: "string"}, ""},
		{"field renamed by alias", rec(`{"name":"a","type":"int"},{"name":"zzz","type":"string"}`), rec(`{"name":"a","type":"int"},{"name":"other","aliases":["zzz"],"type":"string"}`),
			Change{Kind: FieldRenamed, Field: "other", Old: "zzz", New: "other", How: "alias"}, ""},
		{"field renamed detected", rec(`{"name":"customer_name","type":"string"}`), rec(`{"name":"customerName","type":"string"}`),
			Change{Kind: FieldRenamed, Field: "customerName", Old: "customer_name", New: "customerName", How: "detected"}, ""},
		{"field retyped", rec(`{"name":"a","type":"int"}`), rec(`{"name":"a","type":"long"}`),
			Change{Kind: FieldRetyped, Field: "a", Old: "int", New: "long"}, ""},
		{"logical retyped", rec(`{"name":"a","type":"long"}`), rec(`{"name":"a","type":{"type":"long","logicalType":"timestamp-millis"}}`),
			Change{Kind: FieldRetyped, Field: "a", Old: "long", New: "timestamp_ms"}, ""},
		{"default changed", rec(`{"name":"a","type":"int","default":1}`), rec(`{"name":"a","type":"int","default":2}`),
			Change{Kind: FieldDefaultChanged, Field: "a", Old: "1", New: "2"}, ""},
		{"default removed", rec(`{"name":"a","type":"int","default":1}`), rec(`{"name":"a","type":"int"}`),
			Change{Kind: FieldDefaultChanged, Field: "a", Old: "1", New: "(none)"}, ""},
		{"doc changed", rec(`{"name":"a","type":"int","doc":"x"}`), rec(`{"name":"a","type":"int","doc":"y"}`),
			Change{Kind: FieldDocChanged, Field: "a", Old: "x", New: "y"}, ""},
		{"order changed", rec(`{"name":"a","type":"int"}`), rec(`{"name":"a","type":"int","order":"descending"}`),
			Change{Kind: FieldOrderChanged, Field: "a", Old: "ascending", New: "descending"}, ""},
		{"fields reordered", rec(`{"name":"a","type":"int"},{"name":"b","type":"int"}`), rec(`{"name":"b","type":"int"},{"name":"a","type":"int"}`),
			Change{Kind: FieldsReordered, Old: "a, b", New: "b, a"}, ""},
		{"union branch added", rec(`{"name":"a","type":["null","int"]}`), rec(`{"name":"a","type":["null","int","string"]}`),
			Change{Kind: UnionBranchAdded, Field: "a", New: "string"}, ""},
		{"union branch removed", rec(`{"name":"a","type":["null","int","string"]}`), rec(`{"name":"a","type":["null","int"]}`),
			Change{Kind: UnionBranchRemoved, Field: "a", Old: "string"}, ""},
		{"type doc", `{"type":"record","name":"R","namespace":"n","doc":"x","fields":[]}`, `{"type":"record","name":"R","namespace":"n","doc":"y","fields":[]}`,
			Change{Kind: TypeDocChanged, Old: "x", New: "y"}, ""},
		{"enum symbol added", rec(`{"name":"e","type":{"type":"enum","name":"E","symbols":["A"]}}`), rec(`{"name":"e","type":{"type":"enum","name":"E","symbols":["A","B"]}}`),
			Change{Kind: EnumSymbolAdded, New: "B"}, "n.E"},
		{"enum symbol removed", rec(`{"name":"e","type":{"type":"enum","name":"E","symbols":["A","B"]}}`), rec(`{"name":"e","type":{"type":"enum","name":"E","symbols":["A"]}}`),
			Change{Kind: EnumSymbolRemoved, Old: "B"}, "n.E"},
		{"enum reordered", rec(`{"name":"e","type":{"type":"enum","name":"E","symbols":["A","B"]}}`), rec(`{"name":"e","type":{"type":"enum","name":"E","symbols":["B","A"]}}`),
			Change{Kind: EnumSymbolsReorder, Old: "A, B", New: "B, A"}, "n.E"},
		{"enum default", rec(`{"name":"e","type":{"type":"enum","name":"E","symbols":["A","B"],"default":"A"}}`), rec(`{"name":"e","type":{"type":"enum","name":"E","symbols":["A","B"],"default":"B"}}`),
			Change{Kind: EnumDefaultChanged, Old: "A", New: "B"}, "n.E"},
		{"fixed size", rec(`{"name":"f","type":{"type":"fixed","name":"F","size":4}}`), rec(`{"name":"f","type":{"type":"fixed","name":"F","size":8}}`),
			Change{Kind: FixedSizeChanged, Old: "4", New: "8"}, "n.F"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rep := Compare(set(t, tc.a), set(t, tc.b))
			typ := tc.typ
			if typ == "" {
				typ = "n.R"
			}
			if !rep.Changed {
				t.Fatal("no change reported")
			}
			for _, ty := range rep.Types {
				if ty.Name != typ {
					continue
				}
				for _, c := range ty.Changes {
					if c == tc.want {
						if len(ty.Verdicts) != 3 {
							t.Errorf("verdicts = %v, want BACKWARD, FORWARD, FULL", ty.Verdicts)
						}
						return
					}
				}
				t.Fatalf("%s changes = %+v, want %+v", typ, ty.Changes, tc.want)
			}
			t.Fatalf("type %s not in %+v", typ, rep.Types)
		})
	}
}

func TestCompareTypes(t *testing.T) {
	a := set(t, rec(`{"name":"x","type":{"type":"record","name":"Old","fields":[{"name":"v","type":"int"}]}},{"name":"g","type":{"type":"enum","name":"Gone","symbols":["A"]}}`))
	b := set(t, rec(`{"name":"x","type":{"type":"record","name":"New","aliases":["Old"],"fields":[{"name":"v","type":"int"}]}},{"name":"h","type":{"type":"fixed","name":"Added","size":2}}`))
	rep := Compare(a, b)
	got := map[string]string{}
	for _, ty := range rep.Types {
		got[ty.Name] = ty.Status + " " + ty.From + " " + ty.How
	}
	want := map[string]string{
		"n.New":   "moved n.Old alias",
		"n.Gone":  "removed  ",
		"n.Added": "added  ",
		"n.R":     "changed  ",
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: got %q, want %q (all: %v)", k, got[k], v, got)
		}
	}
}

func TestCompareDetectedMove(t *testing.T) {
	a := set(t, rec(`{"name":"x","type":{"type":"record","name":"Address","namespace":"old","fields":[{"name":"v","type":"int"}]}}`))
	b := set(t, rec(`{"name":"x","type":{"type":"record","name":"Address","namespace":"nu","fields":[{"name":"v","type":"int"}]}}`))
	rep := Compare(a, b)
	for _, ty := range rep.Types {
		if ty.Name == "nu.Address" {
			if ty.Status != "moved" || ty.From != "old.Address" || ty.How != "detected" {
				t.Fatalf("got %+v", ty)
			}
			return
		}
	}
	t.Fatalf("nu.Address not found: %+v", rep.Types)
}

func TestNoChange(t *testing.T) {
	src := rec(`{"name":"a","type":"int"}`)
	rep := Compare(set(t, src), set(t, src))
	if rep.Changed || len(rep.Types) != 0 {
		t.Fatalf("got %+v", rep)
	}
	for _, v := range rep.Verdicts {
		if !v.Compatible {
			t.Errorf("%+v", v)
		}
	}
}

func TestGoldenMarkdown(t *testing.T) {
	a, err := Load(filepath.Join("testdata", "golden", "a"), "")
	if err != nil {
		t.Fatal(err)
	}
	b, err := Load(filepath.Join("testdata", "golden", "b", "o.avdl"), "")
	if err != nil {
		t.Fatal(err)
	}
	rep := Compare(a, b)
	rep.A, rep.B = "a", "b"
	for _, g := range []struct {
		file  string
		write func(*bytes.Buffer) error
	}{
		{"diff.md", func(w *bytes.Buffer) error { return WriteMarkdown(w, rep) }},
		{"diff.txt", func(w *bytes.Buffer) error { return WriteText(w, rep) }},
		{"diff.json", func(w *bytes.Buffer) error { return WriteJSON(w, rep) }},
	} {
		var buf bytes.Buffer
		if err := g.write(&buf); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join("testdata", "golden", g.file)
		if *update {
			if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run go test -run TestGoldenMarkdown -update)", err)
		}
		if buf.String() != string(want) {
			t.Errorf("%s differs; got:\n%s", path, buf.String())
		}
	}
}

func TestLoadErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.avsc")
	if err := os.WriteFile(bad, []byte(`{"type":"record","name":"R","fields":[{"name":"a","type":"nope"}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(bad, dir); err == nil || !strings.Contains(err.Error(), "bad.avsc:1:") {
		t.Fatalf("err = %v, want a located error", err)
	}
	if _, err := Load("no-such-rev-xyz", dir); err == nil {
		t.Fatal("want an error for an unknown source")
	}
}

// TestCompareSubjectMoved: a top-level type that changed namespace only,
// with a field renamed through an alias inside it.
func TestCompareSubjectMoved(t *testing.T) {
	a := set(t, `{"type":"record","name":"Order","namespace":"old","fields":[{"name":"qty","type":"int"}]}`)
	b := set(t, `{"type":"record","name":"Order","namespace":"nu","aliases":["old.Order"],"fields":[{"name":"count","aliases":["qty"],"type":"int"}]}`)
	rep := Compare(a, b)
	if len(rep.Types) != 1 || rep.Types[0].Status != "moved" || rep.Types[0].How != "alias" {
		t.Fatalf("got %+v", rep.Types)
	}
	want := Change{Kind: FieldRenamed, Field: "count", Old: "qty", New: "count", How: "alias"}
	if ch := rep.Types[0].Changes; len(ch) != 2 || ch[0].Kind != TypeAliasesChanged || ch[0].New != "old.Order" || ch[1] != want {
		t.Fatalf("changes %+v, want %+v", rep.Types[0].Changes, want)
	}
	b = set(t, `{"type":"record","name":"Order","namespace":"nu","fields":[{"name":"qty","type":"int"}]}`)
	rep = Compare(a, b)
	if len(rep.Types) != 1 || rep.Types[0].Status != "moved" || rep.Types[0].How != "detected" || rep.Types[0].From != "old.Order" {
		t.Fatalf("got %+v", rep.Types)
	}
	// Java's checker compares record names without the namespace, so
	// BACKWARD holds even without the alias.
	if !rep.Verdicts[0].Compatible {
		t.Errorf("BACKWARD: %+v", rep.Verdicts[0])
	}
}

// TestCompareResolverRejects: a record that moved namespace and renamed a
// field through an alias passes the registry's check, and the resolving
// reader rejects it (gen/evolve's RESOLVER_REJECTS).
func TestCompareResolverRejects(t *testing.T) {
	a := set(t, `{"type":"record","name":"Order","namespace":"old","fields":[{"name":"qty","type":"int"}]}`)
	b := set(t, `{"type":"record","name":"Order","namespace":"nu","fields":[{"name":"count","aliases":["qty"],"type":"int"}]}`)
	rep := Compare(a, b)
	v := rep.Verdicts[0]
	if v.Level != "BACKWARD" || !v.Compatible || v.Resolver == "" {
		t.Fatalf("BACKWARD verdict %+v, want compatible with a resolver reason", v)
	}
	var buf bytes.Buffer
	if err := WriteText(&buf, rep); err != nil || !strings.Contains(buf.String(), "resolving reader REJECTS") {
		t.Errorf("text: %v\n%s", err, buf.String())
	}
}

// TestLoadIDLImportOutsideFolder: a folder's .avdl may import a file next
// to the folder, as the compiler allows.
func TestLoadIDLImportOutsideFolder(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "x"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "common.avdl"), []byte(`@namespace("c") protocol Q { record M { int v; } }`), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "x", "r.avdl"), []byte(`@namespace("c") protocol P { import idl "../common.avdl"; record R { M m; } }`), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := Load(filepath.Join(dir, "x"), "")
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := s["c.M"]; !ok || len(s) != 2 {
		t.Fatalf("types %v", sortedNames(s))
	}
}
