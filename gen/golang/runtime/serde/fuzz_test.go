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
	// Magic byte 1: a GUID the registry knows, one it does not, and short.
	f.Add(append(AppendGUIDHeader(nil, memGUID(SubjectSchema{Schema: paymentV1Schema})), v1...))
	f.Add(append(AppendGUIDHeader(nil, memGUID(SubjectSchema{Schema: paymentV2Schema})), v2...))
	f.Add(append(AppendGUIDHeader(nil, GUID{7}), v1...))
	f.Add(AppendGUIDHeader(nil, GUID{})[:9])
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

// FuzzDecodeWithHeaders: arbitrary schema id header values (present or
// not, null or not) and payloads give a value or a *DecodeError that keeps
// the payload and, when the header was used, names it; never a panic.
func FuzzDecodeWithHeaders(f *testing.F) {
	v1, _ := (&paymentV1{ID: "p", Amount: 3}).AppendAvro(nil)
	g1 := memGUID(SubjectSchema{Schema: paymentV1Schema})
	f.Add(AppendGUIDHeader(nil, g1), v1, true, false)
	f.Add(AppendHeader(nil, 2), v1, true, false)
	f.Add(AppendHeader(nil, 1), v1, true, true)
	f.Add([]byte{}, append(AppendHeader(nil, 1), v1...), false, false)
	f.Add([]byte{}, append(AppendGUIDHeader(nil, g1), v1...), true, true)
	f.Add(append(AppendGUIDHeader(nil, g1), 0), v1, true, false)
	f.Add([]byte{1, 2, 3}, v1, true, false)
	c1, c2 := fuzzCodecs(f)
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, value, payload []byte, present, null bool) {
		if null {
			value = nil
		}
		headers := func(key string) ([]byte, bool) {
			if present && key == ValueSchemaIDHeader {
				return value, true
			}
			return nil, false
		}
		orig, origValue := bytes.Clone(payload), bytes.Clone(value)
		var a paymentV1
		err := c1.DecodeWithHeaders(ctx, headers, payload, &a)
		checkDecodeResult(t, err, payload)
		var de *DecodeError
		if errors.As(err, &de) && de.Header != "" && (!present || value == nil) {
			t.Fatalf("error names header %q that was not used: %v", de.Header, err)
		}
		var b paymentV2
		checkDecodeResult(t, c2.DecodeWithHeaders(ctx, headers, payload, &b), payload)
		if !bytes.Equal(payload, orig) || !bytes.Equal(value, origValue) {
			t.Fatal("DecodeWithHeaders modified its input")
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
