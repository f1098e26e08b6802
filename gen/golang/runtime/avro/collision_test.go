package avro_test

import (
	"testing"

	"gitlab.com/acme/avroctl/gen/golang/internal/crcforge"
	"gitlab.com/acme/avroctl/gen/golang/runtime/avro"
)

// pair is a reader type {a, b: string}.
type pair struct{ A, B string }

const pairSchema = `{"name":"R","type":"record","fields":[{"name":"a","type":"string"},{"name":"b","type":"string"}]}`

func (p *pair) UnmarshalAvro(b []byte) error {
	d := avro.NewDecoder(b)
	p.A, p.B = d.String(), d.String()
	return d.Finish()
}

// forge returns a writer schema in Parsing Canonical Form whose fields are
// fields plus a last field of type padType, named so that the schema's
// CRC-64-AVRO fingerprint is target.
func forge(t *testing.T, fields string, padType string, target uint64) *avro.WriterSchema {
	t.Helper()
	before := `{"name":"R","type":"record","fields":[` + fields + `,{"name":"`
	after := `","type":"` + padType + `"}]}`
	name, err := crcforge.Name(before, after, 80, target)
	if err != nil {
		t.Fatal(err)
	}
	w, err := avro.ParseWriterSchema(before + name + after)
	if err != nil {
		t.Fatal(err)
	}
	if w.Fingerprint() != target {
		t.Fatalf("forged schema has fingerprint %#x, want %#x: the test's schema is not in canonical form", w.Fingerprint(), target)
	}
	return w
}

func parse(t *testing.T, s string) *avro.WriterSchema {
	t.Helper()
	w, err := avro.ParseWriterSchema(s)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

const swapped = `{"name":"b","type":"string"},{"name":"a","type":"string"}`

// A writer schema forged to the reader's CRC-64 must still be resolved:
// its fields are in the other order, so reading its bytes as the reader's
// own encoding would swap them.
func TestForgedCollisionWithReader(t *testing.T) {
	reader := parse(t, pairSchema)
	w := forge(t, swapped, "null", reader.Fingerprint())
	data := avro.AppendString(avro.AppendString(nil, "B"), "A") // b, a
	var got pair
	if err := avro.NewResolver(pairSchema).Unmarshal(w, data, &got); err != nil {
		t.Fatal(err)
	}
	if got != (pair{A: "A", B: "B"}) {
		t.Fatalf("decoded %+v, want {A:A B:B}: the forged writer schema was taken for the reader's own", got)
	}
}

// Two writer schemas with one CRC-64 must not share a resolution plan,
// whichever is resolved first.
func TestForgedCollisionBetweenWriters(t *testing.T) {
	const legit = `{"name":"R","type":"record","fields":[{"name":"a","type":"string"},{"name":"b","type":"string"},{"name":"c","type":"long"}]}`
	legitData := avro.AppendLong(avro.AppendString(avro.AppendString(nil, "A"), "B"), 7)
	forgedData := avro.AppendLong(avro.AppendString(avro.AppendString(nil, "B"), "A"), 7)
	for _, forgedFirst := range []bool{true, false} {
		r := avro.NewResolver(pairSchema)
		v := parse(t, legit)
		w := forge(t, swapped, "long", v.Fingerprint())
		order := []*avro.WriterSchema{v, w}
		if forgedFirst {
			order = []*avro.WriterSchema{w, v}
		}
		for _, ws := range order {
			data := legitData
			if ws == w {
				data = forgedData
			}
			var got pair
			if err := r.Unmarshal(ws, data, &got); err != nil {
				t.Fatal(err)
			}
			if got != (pair{A: "A", B: "B"}) {
				which := "legitimate"
				if ws == w {
					which = "forged"
				}
				t.Fatalf("forged first %v: %s frame decoded as %+v, want {A:A B:B}: the writers shared a plan", forgedFirst, which, got)
			}
		}
	}
}
