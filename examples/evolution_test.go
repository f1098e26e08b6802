package examples_test

import (
	"context"
	"encoding/json"
	"testing"

	"gitlab.com/acme/avroctl/events/v2/avro"
	"gitlab.com/acme/avroctl/events/v2/payments"
	"gitlab.com/acme/avroctl/gen/golang/runtime/serde"
)

// TestOldConsumerReadsNewProducer: a newer payment service adds an enum
// symbol and a field; an order service built against today's events module
// still reads its events, with the enum's default for the unknown symbol.
func TestOldConsumerReadsNewProducer(t *testing.T) {
	ctx := context.Background()
	reg, _ := startRegistry(t)
	c, err := serde.NewCodec[payments.PaymentValidated](serde.New(reg), serde.CodecOptions{Topic: "payments", AutoRegister: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.ID(ctx); err != nil { // today's schema is version 1
		t.Fatal(err)
	}

	// The next version: method gains a symbol today's consumers do not
	// know, appended after today's symbols, and riskScore is added.
	var v2 map[string]any
	if err := json.Unmarshal([]byte((&payments.PaymentValidated{}).AvroSchema()), &v2); err != nil {
		t.Fatal(err)
	}
	fields := v2["fields"].([]any)
	newSymbol := -1
	for _, f := range fields {
		f := f.(map[string]any)
		if f["name"] == "method" {
			enum := f["type"].(map[string]any)
			symbols := enum["symbols"].([]any)
			newSymbol = len(symbols)
			enum["symbols"] = append(symbols, "NEW_METHOD_FROM_THE_FUTURE")
		}
	}
	if newSymbol < 0 {
		t.Fatal("PaymentValidated has no method field")
	}
	v2["fields"] = append(fields, map[string]any{"name": "riskScore", "type": "int", "default": 0})
	v2JSON, _ := json.Marshal(v2)
	id2, err := reg.RegisterSchema(ctx, c.Subject(), serde.Schema{Schema: string(v2JSON)})
	if err != nil {
		t.Fatal(err)
	}

	// What the new producer writes: the same fields, the new method symbol
	// and riskScore 42 at the end.
	ev := samplePayment()
	ev.Method = payments.PaymentMethodPaypal // index 3, patched to 4 below
	body, err := ev.AppendAvro(nil)
	if err != nil {
		t.Fatal(err)
	}
	enumAt := len(body) - len(avro.AppendString(nil, ev.ProviderReference)) - 1
	if body[enumAt] != 6 { // zig-zag 3
		t.Fatalf("enum byte at %d is %d, want 6", enumAt, body[enumAt])
	}
	body[enumAt] = byte(newSymbol << 1) // zig-zag of the new symbol's index (< 64)
	body = avro.AppendInt(body, 42)
	frame := append(serde.AppendHeader(nil, id2), body...)

	var got payments.PaymentValidated
	if err := c.Decode(ctx, frame, &got); err != nil {
		t.Fatal(err)
	}
	if got.Method != payments.PaymentMethodAvroDefault {
		t.Errorf("method = %q, want the enum default %q", got.Method, payments.PaymentMethodAvroDefault)
	}
	if got.PaymentID != ev.PaymentID || got.OrderID != ev.OrderID || got.Amount.Amount.String() != "19.99" ||
		!got.Metadata.OccurredAt.Equal(ev.Metadata.OccurredAt) || got.ProviderReference != ev.ProviderReference {
		t.Errorf("decoded %+v, want the fields of %+v", got, ev)
	}
}
