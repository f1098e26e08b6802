package golang

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// The fixtures are also generated into internal/fixtures as real packages
// of this module (using the runtime package in place, not a copy), so that
// the fuzz targets, allocation tests and benchmarks there run with a plain
// go test. This test keeps them in sync with the generator.
const fixturesDir = "internal/fixtures"

func TestFixturesUpToDate(t *testing.T) {
	files, err := Generate(fixtureSchemas(t), Options{
		ModulePath:    "gitlab.com/acme/avroctl/gen/golang/internal/fixtures",
		runtimeImport: "gitlab.com/acme/avroctl/gen/golang/runtime/avro",
		Topics:        fixtureTopics,
	})
	if err != nil {
		t.Fatal(err)
	}
	var pkgFiles Files
	for _, f := range files {
		if f.Path == "go.mod" || isRuntimeDir(f.Path) {
			continue
		}
		pkgFiles = append(pkgFiles, f)
	}
	if *update {
		if _, err := WriteTree(fixturesDir, pkgFiles); err != nil {
			t.Fatal(err)
		}
		return
	}
	for _, f := range pkgFiles {
		got, err := os.ReadFile(filepath.Join(fixturesDir, f.Path))
		if err != nil || !bytes.Equal(got, f.Content) {
			t.Errorf("%s/%s is stale; run go test ./gen/golang -run TestFixturesUpToDate -update", fixturesDir, f.Path)
		}
	}
}
