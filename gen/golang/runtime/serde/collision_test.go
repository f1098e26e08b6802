package serde

import (
	"context"
	"errors"
	"testing"

	"gitlab.com/acme/avroctl/gen/golang/internal/crcforge"
	"gitlab.com/acme/avroctl/gen/golang/runtime/avro"
	"gitlab.com/acme/avroctl/gen/registry/server"
)

// pair is a record of two strings: a writer schema with them the other way
// round, read as pair's own, swaps them silently.
type pair struct{ A, B string }

const pairSchema = `{"type":"record","name":"Pair","namespace":"com.acme.test","fields":[{"name":"a","type":"string"},{"name":"b","type":"string"}]}`

func (*pair) AvroSchema() string { return pairSchema }

func (x *pair) AppendAvro(dst []byte) ([]byte, error) {
	return avro.AppendString(avro.AppendString(dst, x.A), x.B), nil
}

func (x *pair) UnmarshalAvro(b []byte) error {
	d := avro.NewDecoder(b)
	x.A, x.B = d.String(), d.String()
	return d.Finish()
}

// forgedPair returns a Pair schema in Parsing Canonical Form with fields b,
// a, then a field of padType named so that the CRC-64-AVRO fingerprint of
// the form is Pair's own. padJSON is padType as the form writes it.
func forgedPair(t *testing.T, padJSON string) string {
	t.Helper()
	own, err := avro.ParseWriterSchema(pairSchema)
	if err != nil {
		t.Fatal(err)
	}
	before := `{"name":"com.acme.test.Pair","type":"record","fields":[{"name":"b","type":"string"},{"name":"a","type":"string"},{"name":"`
	after := `","type":` + padJSON + `}]}`
	name, err := crcforge.Name(before, after, 80, own.Fingerprint())
	if err != nil {
		t.Fatal(err)
	}
	return before + name + after
}

// TestForgedWriterSchemaIsResolved: someone who can register a schema
// registers one forged to the CRC-64 of the consumer's type, with the
// fields swapped, and frames data with it. The consumer must resolve it by
// field name, not take it for its own schema.
func TestForgedWriterSchemaIsResolved(t *testing.T) {
	ctx := context.Background()
	reg := startRegistry(t, server.Options{})
	cl := newClient(t, reg.URL)
	forged := forgedPair(t, `"null"`)
	w, err := avro.ParseWriterSchema(forged)
	if err != nil {
		t.Fatal(err)
	}
	if own, _ := avro.ParseWriterSchema(pairSchema); w.Fingerprint() != own.Fingerprint() {
		t.Fatal("the forged schema does not collide")
	}
	id, err := cl.RegisterSchema(ctx, "forged-value", Schema{Schema: forged})
	if err != nil {
		t.Fatal(err)
	}
	body := avro.AppendString(avro.AppendString(nil, "B"), "A") // b, then a
	frame := append(AppendHeader(nil, id), body...)

	c := mustCodec[pair](t, New(cl), CodecOptions{Topic: "pairs"})
	var got pair
	if err := c.Decode(ctx, frame, &got); err != nil {
		t.Fatal(err)
	}
	if got != (pair{A: "A", B: "B"}) {
		t.Fatalf("decoded %+v, want {A:A B:B}: a forged CRC-64 passed for the reader's schema", got)
	}
}

// TestForgedLatestVersionIsNotMatched: the latest-version fallback of a
// lookup-only producer must not adopt a version forged to the CRC-64 of
// the producer's type: every consumer would then read its frames with the
// fields swapped.
func TestForgedLatestVersionIsNotMatched(t *testing.T) {
	ctx := context.Background()
	reg := startRegistry(t, server.Options{})
	cl := newClient(t, reg.URL)
	const unit = `{"type":"record","name":"Unit","namespace":"com.acme.test","fields":[]}`
	if _, err := cl.RegisterSchema(ctx, "com.acme.test.Unit", Schema{Schema: unit}); err != nil {
		t.Fatal(err)
	}
	forged := forgedPair(t, `{"name":"com.acme.test.Unit","type":"record","fields":[]}`)
	// Registered with the pad's type as a reference, as avroctl registers
	// shared types; inlined, its canonical form is forged.
	withRef := forged[:len(forged)-len(`{"name":"com.acme.test.Unit","type":"record","fields":[]}}]}`)] + `"com.acme.test.Unit"}]}`
	if _, err := cl.RegisterSchema(ctx, "pairs-value", Schema{Schema: withRef,
		References: []Reference{{Name: "com.acme.test.Unit", Subject: "com.acme.test.Unit", Version: 1}}}); err != nil {
		t.Fatal(err)
	}
	c := mustCodec[pair](t, New(cl), CodecOptions{Topic: "pairs"})
	id, err := c.ID(ctx)
	if !errors.Is(err, ErrUnknownSchema) {
		t.Fatalf("ID = %d, %v; want ErrUnknownSchema: the forged latest version was taken for the type's schema", id, err)
	}
}
