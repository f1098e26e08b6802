package serde

import (
	"context"
	"errors"
	"testing"
	"time"

	"gitlab.com/acme/avroctl/gen/registry/server"
)

// TestUnknownIDsAreRemembered: 1,000 frames with an id the registry does
// not know make one registry request, not 1,000; after NotFoundTTL the id
// is asked again (it may have been registered since), and is then known.
func TestUnknownIDsAreRemembered(t *testing.T) {
	ctx := context.Background()
	reg := startRegistry(t, server.Options{})
	cl := newClient(t, reg.URL)
	sd := New(cl)
	now := time.Unix(1_700_000_000, 0)
	sd.unknownIDs.now = func() time.Time { return now }
	c := mustCodec[paymentV1](t, sd, CodecOptions{Topic: "payments"})
	body, _ := (&paymentV1{ID: "p", Amount: 1}).AppendAvro(nil)
	frame := append(AppendHeader(nil, 1), body...) // id 1: nothing registered yet

	for i := 0; i < 1000; i++ {
		var v paymentV1
		if err := c.Decode(ctx, frame, &v); !errors.Is(err, ErrUnknownSchema) {
			t.Fatalf("frame %d: %v, want ErrUnknownSchema", i, err)
		}
	}
	if n := reg.requests.Load(); n != 1 {
		t.Fatalf("1,000 frames with an unknown id made %d registry requests, want 1", n)
	}

	if _, err := cl.RegisterSchema(ctx, "payments-value", Schema{Schema: paymentV1Schema}); err != nil {
		t.Fatal(err)
	}
	now = now.Add(NotFoundTTL - time.Millisecond)
	var v paymentV1
	if err := c.Decode(ctx, frame, &v); !errors.Is(err, ErrUnknownSchema) {
		t.Fatalf("within the TTL: %v, want the remembered ErrUnknownSchema", err)
	}
	now = now.Add(time.Millisecond)
	if err := c.Decode(ctx, frame, &v); err != nil || v.ID != "p" {
		t.Fatalf("after the TTL: %+v, %v; want the frame decoded", v, err)
	}
}

// TestUnknownIDsCacheIsBounded: frames with ever new unknown ids cannot
// grow the cache past maxNotFound; the entries that expire soonest go.
func TestUnknownIDsCacheIsBounded(t *testing.T) {
	ctx := context.Background()
	mem := newMemRegistry()
	sd := New(mem)
	now := time.Unix(1_700_000_000, 0)
	sd.unknownIDs.now = func() time.Time { return now }
	for id := 1; id <= 3*maxNotFound; id++ {
		now = now.Add(time.Microsecond)
		if _, _, err := sd.TypeOf(ctx, AppendHeader(nil, id)); !errors.Is(err, ErrUnknownSchema) {
			t.Fatalf("id %d: %v", id, err)
		}
	}
	if n := sd.unknownIDs.len(); n != maxNotFound {
		t.Fatalf("cache holds %d ids, want %d", n, maxNotFound)
	}
	// The newest are kept: asking for the last id again costs nothing.
	before := mem.calls.Load()
	sd.TypeOf(ctx, AppendHeader(nil, 3*maxNotFound))
	if mem.calls.Load() != before {
		t.Fatal("the newest unknown id was evicted")
	}
	// Registry failures other than 404 are not remembered.
	mem.fail = &RegistryError{StatusCode: 503}
	sd.TypeOf(ctx, AppendHeader(nil, 5*maxNotFound))
	mem.fail = nil
	before = mem.calls.Load()
	sd.TypeOf(ctx, AppendHeader(nil, 5*maxNotFound))
	if mem.calls.Load() != before+1 {
		t.Fatal("a 503 was remembered as not found")
	}
}
