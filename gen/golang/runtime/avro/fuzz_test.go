package avro

import (
	"bytes"
	"math"
	"strings"
	"testing"
)

type discard struct{}

func (discard) UnmarshalAvro([]byte) error { return nil }

const fuzzReader = `{"type":"record","name":"R","fields":[
	{"name":"a","type":"long","default":1},
	{"name":"b","type":["null","string"],"default":null},
	{"name":"c","type":{"type":"array","items":"R"},"default":[]},
	{"name":"d","type":{"type":"enum","name":"E","symbols":["X","Y"],"default":"X"},"default":"Y"},
	{"name":"e","type":{"type":"map","values":"double"},"default":{"k":1.5}}]}`

// FuzzParseWriterSchema: arbitrary JSON is an error or a schema, never a
// panic, and every schema it accepts can be planned against a reader.
func FuzzParseWriterSchema(f *testing.F) {
	for _, s := range []string{fuzzReader, `"int"`, `["null","string"]`,
		`{"type":"record","name":"R","fields":[{"name":"a","type":"int"},{"name":"z","type":"string"}]}`,
		`{"type":"record","name":"R","fields":[{"name":"c","type":{"type":"array","items":"R"}},{"name":"a","type":"int"}]}`,
		`{"type":"fixed","name":"F","size":4}`, `{"type":"map","values":{"type":"array","items":"bytes"}}`} {
		f.Add(s)
	}
	r := NewResolver(fuzzReader)
	f.Fuzz(func(t *testing.T, js string) {
		w, err := ParseWriterSchema(js)
		if err != nil {
			return
		}
		_, _ = r.Plan(w)
	})
}

// FuzzResolve: arbitrary bytes read through resolution plans are an error
// or a value, never a panic or an allocation beyond the input's size.
func FuzzResolve(f *testing.F) {
	writers := []string{
		`{"type":"record","name":"R","fields":[{"name":"a","type":"int"},{"name":"z","type":{"type":"map","values":["null","bytes"]}}]}`,
		`{"type":"record","name":"R","fields":[{"name":"c","type":{"type":"array","items":"R"}},{"name":"a","type":"int"},{"name":"b","type":"string"}]}`,
		`{"type":"record","name":"R","fields":[{"name":"d","type":{"type":"enum","name":"E","symbols":["Z","Y","X"]}},{"name":"e","type":{"type":"map","values":"float"}}]}`,
	}
	var ws []*WriterSchema
	for _, js := range writers {
		w, err := ParseWriterSchema(js)
		if err != nil {
			f.Fatal(err)
		}
		ws = append(ws, w)
	}
	f.Add(uint8(0), []byte{2, 2, 2, 'k', 2, 0, 0})
	f.Add(uint8(1), []byte{1, 2, 0, 4, 0, 0})
	f.Add(uint8(2), []byte{4, 2, 2, 'k', 0, 0, 0xc0, 0x3f, 0})
	f.Add(uint8(1), []byte{0x80, 0x80, 0x80, 0x80, 0x10})
	r := NewResolver(fuzzReader)
	f.Fuzz(func(t *testing.T, which uint8, data []byte) {
		_ = r.Unmarshal(ws[int(which)%len(ws)], data, discard{})
	})
}

// FuzzDecimal checks that any decimal bytes decode, print, parse back to
// the same value, and re-encode to the minimal form of the same number.
func FuzzDecimal(f *testing.F) {
	for _, b := range [][]byte{{}, {0}, {0xff}, {0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, {0x80, 0, 0, 0, 0, 0, 0, 0, 0}, {0, 0x80}} {
		f.Add(b, int8(2))
	}
	f.Fuzz(func(t *testing.T, b []byte, scale int8) {
		d := DecimalFromBytes(b, int32(scale))
		back, err := ParseDecimal(d.String())
		if err != nil {
			t.Fatalf("%s does not parse: %v", d, err)
		}
		if back.Cmp(d) != 0 {
			t.Fatalf("%s parsed back as %s", d, back)
		}
		enc, err := AppendDecimalBytes(nil, d, math.MaxInt32, int32(scale))
		if err != nil {
			t.Fatal(err)
		}
		// The int64 fast paths agree with the general encoding.
		var buf [8]byte
		general, err := decimalBytes(&buf, d, math.MaxInt32, int32(scale))
		if err != nil || !bytes.Equal(enc, AppendBytes(nil, general)) {
			t.Fatalf("%s: bytes %x, general %x (%v)", d, enc, general, err)
		}
		if len(general) <= 16 {
			fixed, err := AppendDecimalFixed(nil, d, math.MaxInt32, int32(scale), 16)
			pad := byte(0)
			if general[0]&0x80 != 0 {
				pad = 0xff
			}
			want := append(bytes.Repeat([]byte{pad}, 16-len(general)), general...)
			if err != nil || !bytes.Equal(fixed, want) {
				t.Fatalf("%s: fixed %x, want %x (%v)", d, fixed, want, err)
			}
		}
		dec := NewDecoder(enc)
		if again := DecimalFromBytes(dec.BytesNoCopy(), int32(scale)); again.Cmp(d) != 0 || again.Scale() != int32(scale) {
			t.Fatalf("%s re-encoded as %x, decoded %s", d, enc, again)
		}
		// The precision check on decode agrees with the digits counted
		// in print, and what it accepts encodes at that precision.
		digits := len(strings.TrimLeft(strings.NewReplacer("-", "", ".", "").Replace(DecimalFromBytes(b, 0).String()), "0"))
		for _, precision := range []int32{1, 2, 9, 18, 19, 20, 38} {
			dec := NewDecoder(AppendBytes(nil, b))
			got := dec.Decimal(precision, int32(scale))
			if err := dec.Finish(); (err == nil) != (digits <= int(precision)) {
				t.Fatalf("% x has %d digits; precision %d: %v", b, digits, precision, err)
			} else if err == nil {
				if _, err := AppendDecimalBytes(nil, got, precision, int32(scale)); err != nil {
					t.Fatalf("% x decoded at precision %d but does not encode: %v", b, precision, err)
				}
			}
		}
	})
}
