package golang

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSourceNamesTheTypesOwnFile: a shared type written out inline in an
// event's file, and in a file of its own, comes from its own file, whatever
// the order the files are read in (it used to come from the first event
// that used it: EventMetadata from LoyaltyPointsAdded.avsc).
func TestSourceNamesTheTypesOwnFile(t *testing.T) {
	dir := t.TempDir()
	meta := `{"type":"record","name":"Meta","namespace":"com.acme.shared","fields":[{"name":"id","type":"string"}]}`
	files := map[string]string{
		"com.acme.a.Event.avsc":     `{"type":"record","name":"Event","namespace":"com.acme.a","fields":[{"name":"meta","type":` + meta + `}]}`,
		"com.acme.shared.Meta.avsc": meta,
	}
	var paths []string
	for name, text := range files {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	for _, order := range [][]string{paths, {paths[1], paths[0]}} {
		schemas, err := ParseFiles(order)
		if err != nil {
			t.Fatal(err)
		}
		out, err := Generate(schemas, Options{ModulePath: "example.com/x"})
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range out {
			if strings.HasSuffix(f.Path, "meta.avro.go") {
				if want := "// source: com.acme.shared.Meta (com.acme.shared.Meta.avsc)\n"; !strings.Contains(string(f.Content), want) {
					t.Errorf("%s header:\n%s\nwant %q", f.Path, strings.SplitN(string(f.Content), "\n\n", 2)[0], want)
				}
			}
		}
	}
}
