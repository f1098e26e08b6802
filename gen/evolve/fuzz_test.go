package evolve

import (
	"testing"

	"gitlab.com/acme/avroctl/gen/compat"
	"gitlab.com/acme/avroctl/gen/schema"
)

// FuzzFindings: any two schemas the parser accepts give findings without
// panicking or hanging (recursive types, deep nesting, huge fixeds).
func FuzzFindings(f *testing.F) {
	f.Add(writerA, readerB)
	f.Add(readerB, readerBFix)
	f.Add(`{"type":"record","name":"L","fields":[{"name":"next","type":["null","L"]},{"name":"v","type":{"type":"map","values":"L"}}]}`,
		`{"type":"record","name":"L","namespace":"x","fields":[{"name":"nxt","type":["null","L"]},{"name":"v","type":{"type":"map","values":"L"}}]}`)
	f.Add(`{"type":"record","name":"R","fields":[{"name":"f","type":{"type":"fixed","name":"F","size":2000000000}}]}`,
		`{"type":"record","name":"R","fields":[{"name":"f","type":["null",{"type":"fixed","name":"F","namespace":"n","size":2000000000}]}]}`)
	f.Fuzz(func(t *testing.T, oldJSON, newJSON string) {
		o, err := schema.Parse([]byte(oldJSON), schema.ParseOptions{})
		if err != nil {
			return
		}
		n, err := schema.Parse([]byte(newJSON), schema.ParseOptions{})
		if err != nil {
			return
		}
		_ = Findings(compat.FullTransitive, n, []schema.Schema{o, o}, "s", "s.avsc")
	})
}
