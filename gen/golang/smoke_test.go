package golang

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gitlab.com/acme/avroctl/gen/schema"
)

// TestGenerateConformanceSmoke generates (without compiling) every
// standalone .avsc of the conformance data, including the 295 real-world
// IDL cases: generation must succeed and produce parseable, gofmt'd Go
// (Generate checks that itself) for all of them.
func TestGenerateConformanceSmoke(t *testing.T) {
	var paths []string
	for _, dir := range []string{conformanceDir, "../../../shared/conformance/idl-realworld/outputs"} {
		filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() && strings.HasSuffix(p, ".avsc") {
				paths = append(paths, p)
			}
			return nil
		})
	}
	if len(paths) == 0 {
		t.Skip("conformance data not present (../shared/conformance)")
	}
	ok := 0
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		s, err := schema.Parse(data, schema.ParseOptions{Filename: p})
		if err != nil {
			continue // refers to types in other files
		}
		named, isNamed := s.(schema.NamedSchema)
		if !isNamed {
			continue
		}
		if _, err := Generate([]schema.NamedSchema{named}, Options{}); err != nil {
			t.Errorf("%s: %v", p, firstLine(err.Error()))
			continue
		}
		ok++
	}
	t.Logf("generated %d of %d schema files (the rest are not standalone)", ok, len(paths))
}
