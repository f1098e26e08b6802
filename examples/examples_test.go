package examples_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"gitlab.com/acme/avroctl/events/v2/orders"
	"gitlab.com/acme/avroctl/events/v2/payments"
	"gitlab.com/acme/avroctl/examples/internal/order"
	"gitlab.com/acme/avroctl/examples/internal/payment"
	"gitlab.com/acme/avroctl/examples/internal/topic"
	"gitlab.com/acme/avroctl/gen/golang/runtime/serde"
	"gitlab.com/acme/avroctl/gen/registry/server"
	"gitlab.com/acme/avroctl/gen/registry/store"
)

// fullNameOf returns the full name of a record schema.
func fullNameOf(t testing.TB, schema string) string {
	var top struct{ Name, Namespace string }
	if err := json.Unmarshal([]byte(schema), &top); err != nil {
		t.Fatal(err)
	}
	return top.Namespace + "." + top.Name
}

// startRegistry runs the embedded registry in process on 127.0.0.1 and
// returns a client for it and its URL.
func startRegistry(t testing.TB) (*serde.Client, string) {
	t.Helper()
	st, err := store.Open("")
	if err != nil {
		t.Fatal(err)
	}
	srv := server.New(st, server.Options{})
	if err := srv.Open("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		srv.Close()
		st.Close()
	})
	cl, err := serde.NewClient(serde.ClientOptions{URL: srv.URL()})
	if err != nil {
		t.Fatal(err)
	}
	return cl, srv.URL()
}

func readAll(t *testing.T, b []byte) []topic.Record {
	t.Helper()
	var out []topic.Record
	r := topic.NewReader(bytes.NewReader(b), "test")
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, rec)
	}
}

// TestPaymentToOrder runs the payment service and the order service against
// the embedded registry: redeliveries are dropped by event id, records that
// cannot be decoded go to the dead-letter output unchanged, and every
// validated payment becomes one OrderCreated caused by it.
func TestPaymentToOrder(t *testing.T) {
	ctx := context.Background()
	reg, _ := startRegistry(t)
	now := func() time.Time { return time.Date(2026, 11, 27, 14, 0, 0, 0, time.UTC) }

	var paymentsTopic bytes.Buffer
	err := payment.Run(ctx, payment.Options{Registry: reg, Register: true, Count: 3, Redeliver: 2, Now: now}, &paymentsTopic)
	if err != nil {
		t.Fatal(err)
	}
	published := readAll(t, paymentsTopic.Bytes())
	if len(published) != 4 {
		t.Fatalf("payment service published %d records, want 4 (3 + 1 redelivery)", len(published))
	}

	// Poison records: not a registry frame, and a frame with an id the
	// registry does not know.
	w := topic.NewWriter(&paymentsTopic)
	w.Write(topic.Record{Topic: payment.Topic, Key: "k", Value: []byte(`{"json":"not avro"}`)})
	w.Write(topic.Record{Topic: payment.Topic, Key: "k", Value: append(serde.AppendHeader(nil, 4242), 0)})

	var ordersTopic, dead, log bytes.Buffer
	st, err := order.Run(ctx, order.Options{Registry: reg, Register: true, DeadLetter: &dead, Log: &log, Now: now},
		&paymentsTopic, "payments.jsonl", &ordersTopic)
	if err != nil {
		t.Fatal(err)
	}
	want := order.Stats{Consumed: 6, Duplicates: 1, DeadLettered: 2, Created: 3}
	if st != want {
		t.Fatalf("stats = %+v, want %+v\nlog:\n%s", st, want, log.String())
	}
	if !strings.Contains(log.String(), "payments.jsonl:3:1: event ") {
		t.Errorf("log does not locate the redelivery:\n%s", log.String())
	}

	deadRecs := readAll(t, dead.Bytes())
	if len(deadRecs) != 2 || string(deadRecs[0].Value) != `{"json":"not avro"}` {
		t.Fatalf("dead letters = %+v, want the two poison records unchanged", deadRecs)
	}

	// Read both topics back as a third service would.
	sd := serde.New(reg)
	payCodec, err := serde.NewCodec[payments.PaymentValidated](sd, serde.CodecOptions{})
	if err != nil {
		t.Fatal(err)
	}
	orderCodec, err := serde.NewCodec[orders.OrderCreated](sd, serde.CodecOptions{})
	if err != nil {
		t.Fatal(err)
	}
	created := readAll(t, ordersTopic.Bytes())
	if len(created) != 3 {
		t.Fatalf("%d OrderCreated records, want 3", len(created))
	}
	for i, rec := range created {
		var p payments.PaymentValidated
		src := published[[]int{0, 1, 3}[i]] // the redelivery (index 2) made no order
		if err := payCodec.Decode(ctx, src.Value, &p); err != nil {
			t.Fatal(err)
		}
		var o orders.OrderCreated
		if err := orderCodec.Decode(ctx, rec.Value, &o); err != nil {
			t.Fatal(err)
		}
		if o.OrderID != p.OrderID || rec.Key != p.OrderID.String() {
			t.Errorf("order %d: id %s key %s, want %s", i, o.OrderID, rec.Key, p.OrderID)
		}
		if o.Metadata.CausationID == nil || *o.Metadata.CausationID != p.Metadata.EventID {
			t.Errorf("order %d: causationId %v, want the payment event %s", i, o.Metadata.CausationID, p.Metadata.EventID)
		}
		if o.Total.Amount.String() != p.Amount.Amount.String() || o.Total.Currency != "EUR" {
			t.Errorf("order %d: total %s %s, want %s EUR", i, o.Total.Amount, o.Total.Currency, p.Amount.Amount)
		}
		h, err := serde.ParseEventHeaders(rec.Headers)
		if err != nil {
			t.Fatal(err)
		}
		if h.ID != o.Metadata.EventID.String() || h.Type != "com.acme.events.orders.OrderCreated" || h.Source != order.Name || !h.Time.Equal(now()) {
			t.Errorf("order %d: headers %+v do not match the event", i, h)
		}
	}
}

// TestProducerNeedsRegisteredSchema: without --register a producer fails
// fast, before producing anything, when the schema is not registered.
func TestProducerNeedsRegisteredSchema(t *testing.T) {
	reg, _ := startRegistry(t)
	var out bytes.Buffer
	err := payment.Run(context.Background(), payment.Options{Registry: reg, Count: 1}, &out)
	if !errors.Is(err, serde.ErrUnknownSchema) {
		t.Fatalf("err = %v, want ErrUnknownSchema", err)
	}
	if out.Len() != 0 {
		t.Fatalf("produced %d bytes before failing", out.Len())
	}
}

// TestConsumerStopsWhenRegistryIsDown: an unreachable registry is not a
// reason to dead-letter: the consumer stops and the records stay unread.
func TestConsumerStopsWhenRegistryIsDown(t *testing.T) {
	ctx := context.Background()
	reg, _ := startRegistry(t)
	var paymentsTopic bytes.Buffer
	if err := payment.Run(ctx, payment.Options{Registry: reg, Register: true, Count: 1}, &paymentsTopic); err != nil {
		t.Fatal(err)
	}
	// The order service's own schema is registered, then the registry
	// goes away before it fetches the payment's writer schema.
	down := &flaky{Registry: reg}
	var dead bytes.Buffer
	_, err := order.Run(ctx, order.Options{Registry: down, Register: true, DeadLetter: &dead}, &paymentsTopic, "p", io.Discard)
	if !errors.Is(err, serde.ErrRegistryUnavailable) {
		t.Fatalf("err = %v, want ErrRegistryUnavailable", err)
	}
	if dead.Len() != 0 {
		t.Fatal("records were dead-lettered because the registry was down")
	}
}

// flaky answers registrations but fails every schema fetch as if the
// registry were unreachable.
type flaky struct{ serde.Registry }

func (f *flaky) SchemaByID(ctx context.Context, id int) (serde.SubjectSchema, error) {
	return serde.SubjectSchema{}, &serde.RegistryError{Method: "GET", URL: "/schemas/ids", Err: errors.New("connection refused")}
}
