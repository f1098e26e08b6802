package diff

import (
	"bytes"
	"testing"

	"gitlab.com/acme/avroctl/gen/schema"
)

// FuzzCompare: any two schemas diff and render without panicking, and a
// schema diffed with itself has no change.
func FuzzCompare(f *testing.F) {
	f.Add([]byte(rec(`{"name":"a","type":"int"}`)), []byte(rec(`{"name":"b","type":["null","long"],"default":null}`)))
	f.Add([]byte(`{"type":"enum","name":"E","symbols":["A","B"],"default":"A"}`), []byte(`{"type":"enum","name":"E","symbols":["B"]}`))
	f.Add([]byte(`{"type":"fixed","name":"F","size":4}`), []byte(`{"type":"record","name":"F","fields":[]}`))
	f.Fuzz(func(t *testing.T, a, b []byte) {
		sa, err := schema.Parse(a, schema.ParseOptions{})
		if err != nil {
			return
		}
		sb, err := schema.Parse(b, schema.ParseOptions{})
		if err != nil {
			return
		}
		A, B := Set{}, Set{}
		A.Add(sa)
		B.Add(sb)
		rep := Compare(A, B)
		var buf bytes.Buffer
		_ = WriteText(&buf, rep)
		_ = WriteMarkdown(&buf, rep)
		_ = WriteJSON(&buf, rep)
		if self := Compare(A, A); self.Changed {
			t.Fatalf("a schema differs from itself: %+v", self.Types)
		}
	})
}
