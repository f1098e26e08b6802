package lint_test

import (
	"os"
	"path/filepath"
	"testing"

	"gitlab.com/acme/avroctl/gen/idl"
	"gitlab.com/acme/avroctl/gen/lint"
)

// FuzzLint: whatever IDL compiles, every rule runs on it without panicking
// and reports positions inside the source.
func FuzzLint(f *testing.F) {
	files, _ := filepath.Glob("testdata/golden/*.avdl")
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b))
	}
	f.Fuzz(func(t *testing.T, src string) {
		file, err := idl.CompileSource("fuzz.avdl", []byte(src), idl.Options{
			ReadFile: func(string) ([]byte, error) { return nil, os.ErrNotExist },
		})
		if err != nil {
			return
		}
		res, err := lint.Run(file.Schemata(), lint.Config{Use: []string{lint.Default, lint.Comments}})
		if err != nil {
			t.Fatal(err)
		}
		for _, fd := range res.Findings {
			if fd.Pos.Filename != "fuzz.avdl" || fd.Pos.Offset < 0 || fd.Pos.Offset > len(src) {
				t.Fatalf("finding outside the source: %+v", fd)
			}
		}
		res.Report()
	})
}
