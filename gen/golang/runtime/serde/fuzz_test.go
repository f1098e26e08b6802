package serde

import (
	"bytes"
	"context"
	"errors"
	"testing"
)

// fuzzCodecs returns codecs over an in-memory registry that knows ids 1
// (paymentV1), 2 (paymentV2), 3 (unrelated) and 4 (a Protobuf schema).
func fuzzCodecs(tb testing.TB) (*Codec[paymentV1, *paymentV1], *Codec[paymentV2, *paymentV2]) {
	ctx := context.Background()
	mem := newMemRegistry()
	mem.RegisterSchema(ctx, "a", Schema{Schema: paymentV1Schema})
	mem.RegisterSchema(ctx, "a", Schema{Schema: paymentV2Schema})
	mem.RegisterSchema(ctx, "b", Schema{Schema: unrelatedSchema})
	mem.RegisterSchema(ctx, "c", Schema{Schema: "message X {}", SchemaType: "PROTOBUF"})
	sd := New(mem)
	return mustCodec[paymentV1](tb, sd, CodecOptions{}), mustCodec[paymentV2](tb, sd, CodecOptions{})
}

// FuzzDecode: arbitrary bytes give a value or a *DecodeError that keeps
// them; never a panic.
func FuzzDecode(f *testing.F) {
	v1, _ := (&paymentV1{ID: "p", Amount: 3}).AppendAvro(nil)
	note := "n"
	v2, _ := (&paymentV2{ID: "p", Amount: 3, Currency: "EUR", Note: &note}).AppendAvro(nil)
	f.Add(append(AppendHeader(nil, 1), v1...))
	f.Add(append(AppendHeader(nil, 2), v2...))
	f.Add(append(AppendHeader(nil, 3), 6))
	f.Add(append(AppendHeader(nil, 4), 0))
	f.Add(append(AppendHeader(nil, 99), v1...))
	f.Add([]byte{1, 0, 0, 0, 1})
	f.Add([]byte{0, 0})
	f.Add([]byte{})
	c1, c2 := fuzzCodecs(f)
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, frame []byte) {
		orig := bytes.Clone(frame)
		var a paymentV1
		checkDecodeResult(t, c1.Decode(ctx, frame, &a), frame)
		var b paymentV2
		checkDecodeResult(t, c2.Decode(ctx, frame, &b), frame)
		if !bytes.Equal(frame, orig) {
			t.Fatal("Decode modified its input")
		}
	})
}

func checkDecodeResult(t *testing.T, err error, frame []byte) {
	if err == nil {
		return
	}
	var de *DecodeError
	if !errors.As(err, &de) {
		t.Fatalf("error %v is %T, want *DecodeError", err, err)
	}
	if !bytes.Equal(de.Data, frame) {
		t.Fatal("DecodeError lost the frame")
	}
	if errors.Is(err, ErrRegistryUnavailable) {
		t.Fatalf("in-memory registry reported unavailable: %v", err)
	}
}

// FuzzInlineReferences: arbitrary schema texts never make reference
// inlining panic.
func FuzzInlineReferences(f *testing.F) {
	f.Add(orderRefSchema, moneySchema)
	f.Add(`{"type":"record","name":"A","fields":[{"name":"x","type":"B"}]}`, `{"type":"enum","name":"B","symbols":["Y"]}`)
	f.Add(`["null",{"type":"map","values":"B"}]`, `{"type":"fixed","name":"B","size":3}`)
	f.Add(`{"type":"record","name":"A","fields":[{"name":"x","type":{"type":"array","items":"A"}}]}`, `[]`)
	f.Fuzz(func(t *testing.T, main, ref string) {
		inlineReferences(main, []string{ref})
	})
}
