package compat_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"gitlab.com/acme/avroctl/gen/compat"
	"gitlab.com/acme/avroctl/gen/schema"
)

// FuzzCheck feeds two schemas as bytes. When both parse, every check must
// return without panicking, including on recursive types, and a schema must
// always be compatible with itself.
func FuzzCheck(f *testing.F) {
	dirs, _ := filepath.Glob(filepath.Join("testdata", "pairs", "*"))
	for _, dir := range dirs {
		r, err1 := os.ReadFile(filepath.Join(dir, "reader.avsc"))
		w, err2 := os.ReadFile(filepath.Join(dir, "writer.avsc"))
		if err1 == nil && err2 == nil {
			f.Add(r, w)
		}
	}
	// The reference pairs, when the conformance data is beside the project.
	if data, err := os.ReadFile(filepath.Join("..", "..", "..", "shared", "conformance", "compat", "pairs.json")); err == nil {
		var pairs []struct{ Reader, Writer json.RawMessage }
		if json.Unmarshal(data, &pairs) == nil {
			for _, p := range pairs {
				f.Add([]byte(p.Reader), []byte(p.Writer))
			}
		}
	}
	f.Add([]byte(`"int"`), []byte(`["null","long"]`))
	f.Add([]byte(`{"type":"record","name":"L","fields":[{"name":"next","type":["null","L"]}]}`),
		[]byte(`{"type":"record","name":"L","fields":[{"name":"next","type":["null","L"]},{"name":"v","type":"int"}]}`))
	f.Add([]byte(`{"type":"enum","name":"E","symbols":["A","B"],"default":"A"}`), []byte(`{"type":"enum","name":"E","symbols":["C"]}`))
	f.Fuzz(func(t *testing.T, a, b []byte) {
		ra, err := schema.Parse(a, schema.ParseOptions{Filename: "a.avsc"})
		if err != nil {
			return
		}
		rb, err := schema.Parse(b, schema.ParseOptions{Filename: "b.avsc"})
		if err != nil {
			return
		}
		compat.Check(ra, rb)
		compat.Check(rb, ra)
		compat.CheckLevel(compat.FullTransitive, ra, []schema.Schema{rb, ra})
		compat.ConfluentMessages(compat.Full, ra, []compat.Previous{{Schema: rb, Version: 1, Text: string(b)}})
		if res := compat.Check(ra, ra); !res.Compatible && res.Err == nil {
			t.Errorf("schema not compatible with itself: %v\n%s", res.Incompatibilities, a)
		}
	})
}
