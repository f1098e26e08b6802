package serde

import (
	"bytes"
	"context"
	"testing"

	"github.com/twmb/franz-go/pkg/sr"

	"gitlab.com/acme/avroctl/gen/registry/server"
)

// TestInteropFranzGo: frames written by franz-go's sr.Serde decode with
// ours and the other way round, with schema ids franz-go's registry client
// obtained from the same registry.
func TestInteropFranzGo(t *testing.T) {
	ctx := context.Background()
	reg := startRegistry(t, server.Options{})
	frz, err := sr.NewClient(sr.URLs(reg.URL))
	if err != nil {
		t.Fatal(err)
	}
	created, err := frz.CreateSchema(ctx, "payments-value", sr.Schema{Schema: paymentV1Schema, Type: sr.TypeAvro})
	if err != nil {
		t.Fatal(err)
	}
	var theirs sr.Serde
	theirs.Register(created.ID, &paymentV1{},
		sr.AppendEncodeFn(func(b []byte, v any) ([]byte, error) { return v.(*paymentV1).AppendAvro(b) }),
		sr.DecodeFn(func(b []byte, v any) error { return v.(*paymentV1).UnmarshalAvro(b) }),
	)
	ours := mustCodec[paymentV1](t, New(newClient(t, reg.URL)), CodecOptions{Topic: "payments"})

	in := paymentV1{ID: "pay-1", Amount: -42}
	fromThem, err := theirs.Encode(&in)
	if err != nil {
		t.Fatal(err)
	}
	fromUs, err := ours.Encode(ctx, &in)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(fromUs, fromThem) {
		t.Fatalf("frames differ:\n ours   % x\n theirs % x", fromUs, fromThem)
	}

	var a paymentV1
	if err := ours.Decode(ctx, fromThem, &a); err != nil || a != in {
		t.Fatalf("ours decoding franz-go's frame: %+v, %v", a, err)
	}
	var b paymentV1
	if err := theirs.Decode(fromUs, &b); err != nil || b != in {
		t.Fatalf("franz-go decoding our frame: %+v, %v", b, err)
	}
	var h sr.ConfluentHeader
	id, body, err := h.DecodeID(fromUs)
	if err != nil || id != created.ID || !bytes.Equal(body, fromUs[HeaderSize:]) {
		t.Fatalf("franz-go's header parse: id %d, %v", id, err)
	}

	// Ids beyond one byte, and the edge of the signed 32-bit range.
	for _, id := range []int{1, 256, 65537, 1<<31 - 1} {
		want, err := h.AppendEncode(nil, id, nil)
		if err != nil {
			t.Fatal(err)
		}
		if got := AppendHeader(nil, id); !bytes.Equal(got, want) {
			t.Errorf("AppendHeader(%d) = % x, franz-go % x", id, got, want)
		}
		if back, _, err := ParseHeader(want); err != nil || back != id {
			t.Errorf("ParseHeader(franz-go's %d) = %d, %v", id, back, err)
		}
	}
}
