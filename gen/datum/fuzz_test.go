package datum

import (
	"encoding/json"
	"testing"
	"unicode/utf8"
)

// FuzzDecode: any bytes against a schema with every kind of node, in both
// formats: an error or valid JSON, never a panic or a hang.
func FuzzDecode(f *testing.F) {
	sch := parse(f, allTypes)
	list := parse(f, `{"type":"record","name":"Node","fields":[{"name":"v","type":["null","bytes","double"]},{"name":"next","type":["null","Node"]},{"name":"kids","type":{"type":"map","values":{"type":"array","items":"Node"}}}]}`)
	f.Add(encodeAll(), false)
	f.Add([]byte{2, 2, 0, 0, 0, 0}, true)
	f.Add([]byte{0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01}, false)
	f.Fuzz(func(t *testing.T, data []byte, recursive bool) {
		s := sch
		if recursive {
			s = list
		}
		for _, format := range []Format{AvroJSON, JSON} {
			out, err := Decode(s, data, format)
			if err == nil && (!json.Valid(out) || !utf8.Valid(out)) {
				t.Fatalf("invalid JSON or UTF-8: %q", out)
			}
		}
	})
}
