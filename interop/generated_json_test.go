package interop

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"testing"

	"gitlab.com/acme/avroctl/events/v2/loyalty"
	"gitlab.com/acme/avroctl/events/v2/orders"
	"gitlab.com/acme/avroctl/events/v2/payments"
	"gitlab.com/acme/avroctl/events/v2/shared"
	"gitlab.com/acme/avroctl/gen/datum"
	"gitlab.com/acme/avroctl/gen/schema"
	"gitlab.com/acme/avroctl/interop/javaharness"
	"gitlab.com/acme/avroctl/interop/randdatum"
)

// generatedJSON is a generated record type of the events module (the
// project's idl/), with its Avro JSON methods.
type generatedJSON interface {
	AvroSchema() string
	AppendAvro(dst []byte) ([]byte, error)
	UnmarshalAvro(b []byte) error
	MarshalAvroJSON() ([]byte, error)
	UnmarshalAvroJSON(b []byte) error
}

// TestGeneratedAvroJSONMatchesJava checks the generated MarshalAvroJSON and
// UnmarshalAvroJSON of every record type of the events module against
// Java's JsonEncoder and JsonDecoder, on random values:
//
//   - the value's binary encoding (AppendAvro) decoded by Java's
//     JsonEncoder is MarshalAvroJSON's text, byte for byte;
//   - Java's JsonDecoder reads that text to the same binary, and
//     UnmarshalAvroJSON reads Java's text back to the same binary.
//
// A value with a map of two or more entries is compared through Java's
// reading only: Java writes maps in hash order, the generated code sorted.
func TestGeneratedAvroJSONMatchesJava(t *testing.T) {
	h := javaharness.Shared(t)
	per := 60
	if testing.Short() {
		per = 10
	}
	types := []func() generatedJSON{
		func() generatedJSON { return new(orders.OrderCreated) },
		func() generatedJSON { return new(orders.OrderUpdated) },
		func() generatedJSON { return new(orders.OrderCancelled) },
		func() generatedJSON { return new(orders.LineItem) },
		func() generatedJSON { return new(orders.Address) },
		func() generatedJSON { return new(payments.PaymentValidated) },
		func() generatedJSON { return new(loyalty.LoyaltyPointsAdded) },
		func() generatedJSON { return new(shared.EventMetadata) },
		func() generatedJSON { return new(shared.Money) },
	}
	r := rand.New(rand.NewPCG(*seedFlag, 4000))
	values, exact := 0, 0
	for _, newT := range types {
		text := []byte(newT().AvroSchema())
		name := fmt.Sprintf("%T", newT())
		s, err := schema.Parse(text, schema.ParseOptions{Filename: name})
		if err != nil {
			t.Fatal(err)
		}
		for k := 0; k < per; k++ {
			value, multiKeyMap := randdatum.Generate(r, s, randdatum.Options{})
			bin, err := datum.Encode(s, value, datum.AvroJSON)
			if err != nil {
				t.Fatalf("%s: datum.Encode of a random value: %v\n%s", name, err, value)
			}
			v := newT()
			if err := v.UnmarshalAvro(bin); err != nil {
				t.Fatalf("%s: UnmarshalAvro of a random value: %v\n%s", name, err, value)
			}
			ours, err := v.AppendAvro(nil)
			if err != nil {
				t.Fatal(err)
			}
			ourText, err := v.MarshalAvroJSON()
			if err != nil {
				t.Fatalf("%s: MarshalAvroJSON: %v", name, err)
			}
			javaBytes, err := h.Encode(text, ourText)
			if err != nil {
				t.Fatalf("%s: Java's JsonDecoder rejects MarshalAvroJSON's text: %v\n%s", name, err, ourText)
			}
			javaText, _, err := h.Decode(text, nil, ours)
			if err != nil {
				t.Fatalf("%s: Java cannot decode %x: %v", name, ours, err)
			}
			w := newT()
			if err := w.UnmarshalAvroJSON(javaText); err != nil {
				t.Fatalf("%s: UnmarshalAvroJSON rejects Java's JsonEncoder text: %v\n%s", name, err, javaText)
			}
			back, err := w.AppendAvro(nil)
			if err != nil {
				t.Fatal(err)
			}
			values++
			if !bytes.Equal(back, ours) {
				t.Fatalf("%s: Java's text reads back to another value\nJava %s\nwant %x\ngot  %x", name, javaText, ours, back)
			}
			if multiKeyMap {
				continue
			}
			if !bytes.Equal(ourText, javaText) {
				t.Fatalf("%s: Avro JSON differs from Java's JsonEncoder\nJava %s\nours %s", name, javaText, ourText)
			}
			if !bytes.Equal(javaBytes, ours) {
				t.Fatalf("%s: Java reads MarshalAvroJSON's text to other bytes\nJava %x\nours %x", name, javaBytes, ours)
			}
			exact++
		}
	}
	t.Logf("%d values of %d generated types: Java reads ours and we read Java's; %d byte-identical text (the rest hold maps of 2+ entries)", values, len(types), exact)
}
