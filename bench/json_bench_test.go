package bench

import (
	"encoding/json"
	"reflect"
	"testing"

	twmb "github.com/twmb/avro"

	"gitlab.com/acme/avroctl/bench/internal/avroctlgen/orders"
)

// The Avro JSON benchmarks: SampleOrder written and read as text. avroctl
// is the generated AppendAvroJSON/UnmarshalAvroJSON (Java's JsonEncoder
// text); encoding-json is encoding/json's reflection on the same generated
// struct (not Avro JSON: no union wrappers, time and decimals as Go writes
// them; the yardstick for "as fast as plain JSON"); goavro is
// TextualFromNative/NativeFromTextual on its native maps; twmb is
// twmb/avro's EncodeJSON/DecodeJSON with tagged unions (Avro JSON) on the
// tagged struct. hamba/avro has no Avro JSON encoding.
//
//	go run ./cmd/ratios -bench 'JSON' -count 5

type jsonCodec struct {
	name   string
	encode func(dst []byte) ([]byte, error)
	decode func(src []byte) error
}

func jsonCodecs(b *testing.B) []jsonCodec {
	b.Helper()
	o := SampleOrder()
	ac := &avroctlCodec{}
	if err := ac.Load(o); err != nil {
		b.Fatal(err)
	}
	ga, err := newGoavroCodec()
	if err != nil {
		b.Fatal(err)
	}
	if err := ga.Load(o); err != nil {
		b.Fatal(err)
	}
	g := ga.(*goavroCodec)
	ts, err := twmb.Parse(OrderSchema)
	if err != nil {
		b.Fatal(err)
	}
	tv := *newTaggedOrder(o)
	return []jsonCodec{
		{"avroctl",
			func(dst []byte) ([]byte, error) { return ac.v.AppendAvroJSON(dst) },
			func(src []byte) error { var v orders.Order; return v.UnmarshalAvroJSON(src) }},
		{"encoding-json",
			func(dst []byte) ([]byte, error) { return json.Marshal(&ac.v) },
			func(src []byte) error { var v orders.Order; return json.Unmarshal(src, &v) }},
		{"goavro",
			func(dst []byte) ([]byte, error) { return g.codec.TextualFromNative(dst, g.v) },
			func(src []byte) error { _, _, err := g.codec.NativeFromTextual(src); return err }},
		{"twmb",
			func(dst []byte) ([]byte, error) { return ts.AppendEncodeJSON(dst, &tv, twmb.TaggedUnions()) },
			func(src []byte) error { var v TaggedOrder; return ts.DecodeJSON(src, &v) }},
	}
}

// BenchmarkJSONEncode appends one order's JSON to a reused buffer.
func BenchmarkJSONEncode(b *testing.B) {
	for _, c := range jsonCodecs(b) {
		b.Run(c.name, func(b *testing.B) {
			buf, err := c.encode(nil)
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(len(buf)))
			b.ReportAllocs()
			for b.Loop() {
				if buf, err = c.encode(buf[:0]); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkJSONDecode reads one order's JSON (each codec its own text)
// into a fresh value.
func BenchmarkJSONDecode(b *testing.B) {
	for _, c := range jsonCodecs(b) {
		b.Run(c.name, func(b *testing.B) {
			data, err := c.encode(nil)
			if err != nil {
				b.Fatal(err)
			}
			if err := c.decode(data); err != nil {
				b.Fatalf("%s reads its own text: %v\n%s", c.name, err, data)
			}
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				if err := c.decode(data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestAvroJSONSameAsPeers: the avroctl text is Avro JSON that the peers
// that read Avro JSON read to the same order.
func TestAvroJSONSameAsPeers(t *testing.T) {
	o := SampleOrder()
	ac := &avroctlCodec{}
	if err := ac.Load(o); err != nil {
		t.Fatal(err)
	}
	text, err := ac.v.MarshalAvroJSON()
	if err != nil {
		t.Fatal(err)
	}
	ts, err := twmb.Parse(OrderSchema)
	if err != nil {
		t.Fatal(err)
	}
	var tv TaggedOrder
	if err := ts.DecodeJSON(text, &tv); err != nil {
		t.Fatalf("twmb/avro cannot read avroctl's Avro JSON: %v\n%s", err, text)
	}
	got, err := tv.order()
	if err != nil {
		t.Fatal(err)
	}
	want, err := ac.Order()
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(normalize(got), normalize(want)) {
		t.Fatalf("twmb/avro reads another order:\n got %s\nwant %s\n%s", describe(got), describe(want), text)
	}
}
