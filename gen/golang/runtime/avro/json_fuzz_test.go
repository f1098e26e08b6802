package avro

import (
	"errors"
	"testing"
)

// FuzzJSONDecoder drives the JSONDecoder's readers in the order ops picks
// over any input: no panic, no loop that does not end, and every error is a
// *DecodeError at an offset inside the input. Generated code is fuzzed
// against gen/datum by gen/golang's FuzzUnmarshalAvroJSON.
func FuzzJSONDecoder(f *testing.F) {
	f.Add([]byte{0, 10, 11, 1, 12, 2}, []byte(`{"a":1,"b":[true,"x"]}`))
	f.Add([]byte{3, 4, 5, 6, 7, 8, 9, 13, 14, 15}, []byte(`"NaN" 1e2 "\u00ff" "\ud83d\ude00" null`))
	f.Fuzz(func(t *testing.T, ops, in []byte) {
		d := NewJSONDecoder(in)
		var fixed [4]byte
		for i, op := range ops {
			if i == 256 {
				break
			}
			switch op % 17 {
			case 0:
				d.BeginObject("an object")
			case 1:
				d.NextKey()
			case 2:
				d.BeginArray()
			case 3:
				d.NextItem()
			case 4:
				d.Int()
			case 5:
				d.Long()
			case 6:
				d.Float()
			case 7:
				d.Double()
			case 8:
				_ = d.String()
			case 9:
				d.Bytes()
			case 10:
				d.Fixed(fixed[:])
			case 11:
				d.Bool()
			case 12:
				if !d.Null() {
					d.ReadNull()
				}
			case 13:
				if d.BeginUnion("a, b") {
					d.Symbol()
					d.EndUnion()
				}
			case 14:
				d.UUID()
			case 15:
				d.Decimal(10, 2)
			case 16:
				d.BigDecimal()
			}
		}
		if err := d.Finish(); err != nil {
			var de *DecodeError
			if !errors.As(err, &de) || de.Offset < 0 || de.Offset > len(in) {
				t.Fatalf("%v: not a *DecodeError inside the input", err)
			}
		}
	})
}
