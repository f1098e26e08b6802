package golang

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gitlab.com/acme/avroctl/gen/schema"
)

// FuzzGenerate: any schema the reader accepts generates without a panic,
// and whatever is generated is valid, gofmt'd Go (Generate itself fails
// loudly otherwise, which this target reports).
func FuzzGenerate(f *testing.F) {
	paths, _ := filepath.Glob("testdata/schemas/*.avsc")
	for _, p := range paths {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(`{"type":"record","name":"type","namespace":"a.b.avro","fields":[{"name":"_","type":["null","int","string",{"type":"array","items":"type"}]},{"name":"X_","type":{"type":"enum","name":"E","symbols":["a","A","_a"]}}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := schema.Parse(data, schema.ParseOptions{Filename: "fuzz.avsc"})
		if err != nil {
			return
		}
		named, ok := s.(schema.NamedSchema)
		if !ok {
			return
		}
		if _, err := Generate([]schema.NamedSchema{named}, Options{}); err != nil {
			// Only the documented, user-fixable errors are acceptable.
			if msg := err.Error(); !containsAny(msg, "cycle", "reserved", "both map to", "defined differently") {
				t.Fatalf("Generate: %v", err)
			}
		}
	})
}

func containsAny(s string, subs ...string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}
