package datum

import (
	"bytes"
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

// FuzzEncode: any text against a schema with every kind of node, in both
// formats: an error, or bytes that decode to a value that encodes to the
// same bytes again (decode(encode(x)) is a fixed point).
func FuzzEncode(f *testing.F) {
	sch := parse(f, allTypes)
	list := parse(f, `{"type":"record","name":"Node","fields":[{"name":"v","type":["null","bytes","double"]},{"name":"next","type":["null","Node"]},{"name":"kids","type":{"type":"map","values":{"type":"array","items":"Node"}}}]}`)
	for _, fm := range []Format{AvroJSON, JSON} {
		js, _ := Decode(sch, encodeAll(), fm)
		f.Add(string(js), false, fm == JSON)
	}
	f.Add(`{"v":{"bytes":"\u00ff"},"next":{"Node":{"v":null,"next":null,"kids":{}}},"kids":{"a":[]}}`, true, false)
	f.Add(`{"v":1.5,"next":{"v":"x","next":null,"kids":{}},"kids":{}}`, true, true)
	f.Fuzz(func(t *testing.T, js string, recursive, plain bool) {
		s, fm := sch, AvroJSON
		if recursive {
			s = list
		}
		if plain {
			fm = JSON
		}
		bin, err := Encode(s, []byte(js), fm)
		if err != nil {
			return
		}
		out, err := Decode(s, bin, fm)
		if err != nil {
			t.Fatalf("encoded %q to %x, which does not decode: %v", js, bin, err)
		}
		again, err := Encode(s, out, fm)
		if err != nil || !bytes.Equal(again, bin) {
			t.Fatalf("%q -> %x -> %s -> %x, %v", js, bin, out, again, err)
		}
	})
}
