package compat_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"gitlab.com/acme/avroctl/gen/compat"
	"gitlab.com/acme/avroctl/gen/schema"
)

// FuzzCheck feeds two schemas as bytes. When both parse, every check must
// return without panicking, including on recursive types, and a schema must
// always be compatible with itself. The prepared checks must agree with
// the plain ones.
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
		// Prepared checks must return the very Result of plain ones.
		pa, pb := compat.Prepare(ra), compat.Prepare(rb)
		for _, p := range [][2]*compat.Prepared{{pa, pb}, {pb, pa}, {pa, pa}} {
			plain, prep := compat.Check(p[0].Schema, p[1].Schema), compat.CheckPrepared(p[0], p[1])
			if !reflect.DeepEqual(plain, prep) {
				t.Errorf("prepared check differs:\n%v\n%v", plain, prep)
			}
		}
		for _, level := range compat.AllLevels {
			plain := compat.CheckLevel(level, ra, []schema.Schema{rb, ra})
			prep := compat.CheckLevelPrepared(level, pa, []*compat.Prepared{pb, pa})
			if !reflect.DeepEqual(plain, prep) {
				t.Errorf("prepared %s check differs:\n%v\n%v", level, plain, prep)
			}
		}
		compat.ConfluentMessages(compat.Full, ra, []compat.Previous{{Schema: rb, Version: 1, Text: string(b)}})
		if res := compat.Check(ra, ra); !res.Compatible && res.Err == nil {
			t.Errorf("schema not compatible with itself: %v\n%s", res.Incompatibilities, a)
		}
	})
}
