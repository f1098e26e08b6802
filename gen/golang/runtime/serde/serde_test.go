package serde

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"

	"gitlab.com/acme/avroctl/gen/registry/server"
	"gitlab.com/acme/avroctl/gen/registry/store"
)

// testRegistry is the embedded registry on 127.0.0.1, with a count of the
// requests it served.
type testRegistry struct {
	URL      string
	requests atomic.Int64
}

func startRegistry(t testing.TB, opts server.Options) *testRegistry {
	t.Helper()
	st, err := store.Open("") // in memory
	if err != nil {
		t.Fatal(err)
	}
	tr := &testRegistry{}
	srv := server.New(st, opts)
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tr.requests.Add(1)
		srv.ServeHTTP(w, r)
	}))
	t.Cleanup(func() {
		ts.Close()
		st.Close()
	})
	tr.URL = ts.URL
	return tr
}

func newClient(t testing.TB, url string) *Client {
	t.Helper()
	c, err := NewClient(ClientOptions{URL: url})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func mustCodec[T any, P Record[T]](t testing.TB, s *Serde, opts CodecOptions) *Codec[T, P] {
	t.Helper()
	c, err := NewCodec[T, P](s, opts)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestRoundTripEmbeddedRegistry(t *testing.T) {
	ctx := context.Background()
	reg := startRegistry(t, server.Options{})
	sd := New(newClient(t, reg.URL))
	c := mustCodec[paymentV1](t, sd, CodecOptions{Topic: "payments", Strategy: TopicRecordName, AutoRegister: true})
	if got, want := c.Subject(), "payments-com.acme.test.Payment"; got != want {
		t.Fatalf("Subject() = %q, want %q", got, want)
	}
	in := paymentV1{ID: "p-1", Amount: 1999}
	frame, err := c.Encode(ctx, &in)
	if err != nil {
		t.Fatal(err)
	}
	id, err := c.ID(ctx)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := in.AppendAvro(nil)
	if want := append(AppendHeader(nil, id), body...); !bytes.Equal(frame, want) {
		t.Fatalf("frame = % x, want % x", frame, want)
	}

	// A second Serde (another process) decodes by id alone.
	consumer := mustCodec[paymentV1](t, New(newClient(t, reg.URL)), CodecOptions{})
	var out paymentV1
	if err := consumer.Decode(ctx, frame, &out); err != nil {
		t.Fatal(err)
	}
	if out != in {
		t.Fatalf("decoded %+v, want %+v", out, in)
	}

	// Warm: neither side talks to the registry again.
	before := reg.requests.Load()
	for i := 0; i < 10; i++ {
		if frame, err = c.Encode(ctx, &in); err != nil {
			t.Fatal(err)
		}
		if err := consumer.Decode(ctx, frame, &out); err != nil {
			t.Fatal(err)
		}
	}
	if n := reg.requests.Load() - before; n != 0 {
		t.Fatalf("warm encode/decode made %d registry requests, want 0", n)
	}
}

func TestLookupOnlyNeedsRegisteredSchema(t *testing.T) {
	ctx := context.Background()
	reg := startRegistry(t, server.Options{})
	cl := newClient(t, reg.URL)
	c := mustCodec[paymentV1](t, New(cl), CodecOptions{Topic: "payments"})
	if c.Subject() != "payments-value" {
		t.Fatalf("Subject() = %q, want payments-value", c.Subject())
	}
	_, err := c.Encode(ctx, &paymentV1{ID: "x"})
	var ee *EncodeError
	if !errors.As(err, &ee) || !errors.Is(err, ErrUnknownSchema) {
		t.Fatalf("Encode before registration: got %v, want *EncodeError wrapping ErrUnknownSchema", err)
	}
	id, err := cl.RegisterSchema(ctx, "payments-value", Schema{Schema: paymentV1Schema})
	if err != nil {
		t.Fatal(err)
	}
	// The failure was not cached: the next Encode finds the schema.
	frame, err := c.Encode(ctx, &paymentV1{ID: "x"})
	if err != nil {
		t.Fatal(err)
	}
	if got, _, _ := ParseHeader(frame); got != id {
		t.Fatalf("framed id %d, want %d", got, id)
	}
}

// TestSchemaEvolution: an old consumer reads a new producer's events and a
// new consumer reads old events, through the registry.
func TestSchemaEvolution(t *testing.T) {
	ctx := context.Background()
	reg := startRegistry(t, server.Options{})
	opts := CodecOptions{Topic: "payments", AutoRegister: true}
	producerV1 := mustCodec[paymentV1](t, New(newClient(t, reg.URL)), opts)
	producerV2 := mustCodec[paymentV2](t, New(newClient(t, reg.URL)), opts)
	sd := New(newClient(t, reg.URL))
	consumerV1 := mustCodec[paymentV1](t, sd, opts)
	consumerV2 := mustCodec[paymentV2](t, sd, opts)

	oldFrame, err := producerV1.Encode(ctx, &paymentV1{ID: "old", Amount: 5})
	if err != nil {
		t.Fatal(err)
	}
	note := "gift"
	newFrame, err := producerV2.Encode(ctx, &paymentV2{ID: "new", Amount: 7, Currency: "CHF", Note: &note})
	if err != nil {
		t.Fatal(err)
	}
	idOld, _, _ := ParseHeader(oldFrame)
	idNew, _, _ := ParseHeader(newFrame)
	if idOld == idNew {
		t.Fatalf("both versions framed with id %d", idOld)
	}

	var v1 paymentV1
	if err := consumerV1.Decode(ctx, newFrame, &v1); err != nil {
		t.Fatalf("old consumer, new event: %v", err)
	}
	if want := (paymentV1{ID: "new", Amount: 7}); v1 != want {
		t.Errorf("old consumer read %+v, want %+v", v1, want)
	}
	var v2 paymentV2
	if err := consumerV2.Decode(ctx, oldFrame, &v2); err != nil {
		t.Fatalf("new consumer, old event: %v", err)
	}
	if v2.ID != "old" || v2.Amount != 5 || v2.Currency != "EUR" || v2.Note != nil {
		t.Errorf("new consumer read %+v, want defaults currency=EUR note=nil", v2)
	}
	// Same-schema reads take the fast path (no transcoding).
	if err := consumerV2.Decode(ctx, newFrame, &v2); err != nil || *v2.Note != "gift" {
		t.Fatalf("new consumer, new event: %+v, %v", v2, err)
	}
	if p, _ := consumerV2.plans.load(schemaKey{id: idNew}); p == nil || p.transcode != nil {
		t.Errorf("same-schema plan = %+v, want the direct path", p)
	}
	if p, _ := consumerV2.plans.load(schemaKey{id: idOld}); p == nil || p.transcode == nil {
		t.Errorf("old-schema plan = %+v, want a transcoding plan", p)
	}
}

// TestReferences: the writer schema was registered with a reference to a
// shared type under its own subject; decoding fetches it and recognises
// the result as the reader's own schema.
func TestReferences(t *testing.T) {
	ctx := context.Background()
	reg := startRegistry(t, server.Options{})
	cl := newClient(t, reg.URL)
	if _, err := cl.RegisterSchema(ctx, moneyFullName, Schema{Schema: moneySchema}); err != nil {
		t.Fatal(err)
	}
	id, err := cl.RegisterSchema(ctx, "orders-value", Schema{Schema: orderRefSchema,
		References: []Reference{{Name: moneyFullName, Subject: moneyFullName, Version: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	in := order{ID: "o-1", Total: money{Units: 1250, Currency: "EUR"}, Refund: &money{Units: 250, Currency: "EUR"}}
	body, _ := in.AppendAvro(nil)
	frame := append(AppendHeader(nil, id), body...)

	c := mustCodec[order](t, New(cl), CodecOptions{Topic: "orders"})
	var out order
	if err := c.Decode(ctx, frame, &out); err != nil {
		t.Fatal(err)
	}
	if out.ID != in.ID || out.Total != in.Total || out.Refund == nil || *out.Refund != *in.Refund {
		t.Fatalf("decoded %+v, want %+v", out, in)
	}
	if p, _ := c.plans.load(schemaKey{id: id}); p == nil || p.transcode != nil {
		t.Errorf("plan for the referencing schema = %+v, want the direct path (same canonical form)", p)
	}
	_, name, err := c.s.TypeOf(ctx, frame)
	if err != nil || name != "com.acme.test.Order" {
		t.Errorf("TypeOf = %q, %v; want com.acme.test.Order", name, err)
	}

	// A producer of the Go type (schema written out in full) finds the
	// version registered with references, even where the registry's lookup
	// compares text only.
	producer := mustCodec[order](t, New(newClient(t, reg.URL)), CodecOptions{Topic: "orders"})
	got, err := producer.Encode(ctx, &in)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, frame) {
		t.Fatalf("producer framed % x, want % x (the referencing version's id)", got, frame)
	}
	// But not a latest version that differs.
	other := mustCodec[paymentV1](t, New(cl), CodecOptions{Subject: "orders-value"})
	if _, err := other.Encode(ctx, &paymentV1{}); !errors.Is(err, ErrUnknownSchema) {
		t.Fatalf("lookup of a schema the subject lacks: %v, want ErrUnknownSchema", err)
	}
}

// TestConcurrentMissesShareOneFetch: many goroutines decoding a frame with
// an unseen id make one registry request between them.
func TestConcurrentMissesShareOneFetch(t *testing.T) {
	ctx := context.Background()
	mem := newMemRegistry()
	id, _ := mem.RegisterSchema(ctx, "p-value", Schema{Schema: paymentV1Schema})
	mem.calls.Store(0)
	mem.gate = make(chan struct{})
	c := mustCodec[paymentV1](t, New(mem), CodecOptions{Topic: "p"})
	body, _ := (&paymentV1{ID: "a", Amount: 1}).AppendAvro(nil)
	frame := append(AppendHeader(nil, id), body...)

	const n = 32
	var wg sync.WaitGroup
	errs := make(chan error, n)
	var started sync.WaitGroup
	started.Add(n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			started.Done()
			var v paymentV1
			errs <- c.Decode(ctx, frame, &v)
		}()
	}
	started.Wait()
	// Hold the fetch until one goroutine is inside it; the others queue
	// behind it or, arriving late, find the cache filled.
	for mem.calls.Load() == 0 {
		runtime.Gosched()
	}
	close(mem.gate)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if got := mem.calls.Load(); got != 1 {
		t.Fatalf("registry calls = %d, want 1", got)
	}
}

func TestConcurrentEncodeDecode(t *testing.T) {
	ctx := context.Background()
	mem := newMemRegistry()
	sd := New(mem)
	c := mustCodec[paymentV2](t, sd, CodecOptions{Topic: "p", AutoRegister: true})
	old := mustCodec[paymentV1](t, New(mem), CodecOptions{Topic: "p", AutoRegister: true})
	oldFrame, err := old.Encode(ctx, &paymentV1{ID: "o", Amount: 1})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			buf := make([]byte, 0, 64)
			for i := 0; i < 200; i++ {
				v := paymentV2{ID: "n", Amount: int64(i), Currency: "EUR"}
				frame, err := c.AppendEncode(ctx, buf[:0], &v)
				if err != nil {
					t.Error(err)
					return
				}
				var got paymentV2
				if err := c.Decode(ctx, frame, &got); err != nil || got.Amount != int64(i) {
					t.Errorf("decode: %+v, %v", got, err)
					return
				}
				if err := c.Decode(ctx, oldFrame, &got); err != nil || got.Currency != "EUR" {
					t.Errorf("decode old: %+v, %v", got, err)
					return
				}
			}
		}()
	}
	wg.Wait()
}
