package random

import (
	"os"
	"testing"

	"gitlab.com/acme/avroctl/gen/datum"
	"gitlab.com/acme/avroctl/gen/schema"
)

// The project's OrderCreated: binary values (what --ocf and -o binary
// write) against the same values rendered as Avro JSON (the default
// output), so the ratio says what the JSON costs.
//
//	go test -run '^$' -bench . -benchmem ./gen/random
func benchSchema(b *testing.B) schema.Schema {
	src, err := os.ReadFile("../../schemas/com.acme.events.orders.OrderCreated.avsc")
	if err != nil {
		b.Skip("the project's schemas are missing")
	}
	s, err := schema.Parse(src, schema.ParseOptions{})
	if err != nil {
		b.Fatal(err)
	}
	return s
}

func BenchmarkBinary(b *testing.B) {
	s := benchSchema(b)
	g, _ := New(s, 1, Options{})
	var buf []byte
	n := 0
	for b.Loop() {
		buf = g.Next(buf[:0])
		n += len(buf)
	}
	b.SetBytes(int64(n / max(b.N, 1)))
}

func BenchmarkAvroJSON(b *testing.B) {
	s := benchSchema(b)
	g, _ := New(s, 1, Options{})
	var buf []byte
	n := 0
	for b.Loop() {
		buf = g.Next(buf[:0])
		js, err := datum.Decode(s, buf, datum.AvroJSON)
		if err != nil {
			b.Fatal(err)
		}
		n += len(buf)
		_ = js
	}
	b.SetBytes(int64(n / max(b.N, 1)))
}
