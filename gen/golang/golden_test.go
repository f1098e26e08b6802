package golang

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gitlab.com/acme/avroctl/gen/schema"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// fixtureSchemas parses testdata/schemas/*.avsc with one name registry.
// fixtureTopics is a topic carrying two of the fixture types, so the
// golden files and internal/fixtures have a topic interface and codec.
var fixtureTopics = map[string][]string{"orders": {"com.acme.orders.Shipment", "com.acme.orders.Order"}}

func fixtureSchemas(t testing.TB) []schema.NamedSchema {
	t.Helper()
	paths, err := filepath.Glob("testdata/schemas/*.avsc")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	schemas, err := ParseFiles(paths)
	if err != nil {
		t.Fatal(err)
	}
	return schemas
}

// TestGolden compares the generated code for the fixtures with
// testdata/golden (the runtime copy is checked by TestRuntimeCopied).
func TestGolden(t *testing.T) {
	files, err := Generate(fixtureSchemas(t), Options{Topics: fixtureTopics})
	if err != nil {
		t.Fatal(err)
	}
	goldenDir := filepath.Join("testdata", "golden")
	seen := map[string]bool{}
	for _, f := range files {
		if isRuntimeDir(f.Path) {
			continue
		}
		golden := filepath.Join(goldenDir, filepath.FromSlash(f.Path)+".golden")
		seen[golden] = true
		if *update {
			if err := writeFileAtomic(golden, f.Content); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Errorf("%s: %v (run go test -update)", f.Path, err)
			continue
		}
		if !bytes.Equal(want, f.Content) {
			t.Errorf("%s differs from %s; run go test ./gen/golang -run TestGolden -update and review the diff", f.Path, golden)
		}
	}
	filepath.WalkDir(goldenDir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && !seen[p] {
			if *update {
				os.Remove(p)
			} else {
				t.Errorf("stale golden file %s", p)
			}
		}
		return nil
	})
}

func TestDeterministic(t *testing.T) {
	s := fixtureSchemas(t)
	a, err := Generate(s, Options{Topics: fixtureTopics})
	if err != nil {
		t.Fatal(err)
	}
	b, err := Generate(fixtureSchemas(t), Options{Topics: fixtureTopics})
	if err != nil {
		t.Fatal(err)
	}
	if len(a) != len(b) {
		t.Fatalf("file count %d vs %d", len(a), len(b))
	}
	for i := range a {
		if a[i].Path != b[i].Path || !bytes.Equal(a[i].Content, b[i].Content) {
			t.Errorf("%s: output differs between runs", a[i].Path)
		}
	}
}

func TestRuntimeCopied(t *testing.T) {
	files, err := Generate(fixtureSchemas(t), Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"avro/decode.go", "avro/encode.go", "avro/resolve.go", "go.mod", "doc.go"} {
		f := files.Get(name)
		if f == nil {
			t.Errorf("missing %s", name)
			continue
		}
		if !bytes.HasPrefix(f.Content, []byte(Header+"\n")) {
			t.Errorf("%s does not start with the generated-code header", name)
		}
	}
	for _, f := range files {
		if strings.HasSuffix(f.Path, "_test.go") {
			t.Errorf("test file %s copied into the module", f.Path)
		}
	}
}
