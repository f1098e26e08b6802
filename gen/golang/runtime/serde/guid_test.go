package serde

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"gitlab.com/acme/avroctl/gen/registry/server"
	"gitlab.com/acme/avroctl/gen/registry/store"
)

// headersOf is the header lookup a Kafka consumer passes: the last header
// with the key wins.
func headersOf(hs ...Header) func(string) ([]byte, bool) {
	return func(k string) ([]byte, bool) { return HeaderValue(hs, k) }
}

// TestGUIDBytes pins the wire form to bytes from Confluent's own SchemaId
// test: magic byte 1, then the GUID most significant byte first.
func TestGUIDBytes(t *testing.T) {
	wire := []byte{0x01, 0x89, 0x79, 0x17, 0x62, 0x23, 0x36, 0x41, 0x86, 0x96, 0x74, 0x29, 0x9b, 0x90, 0xa8, 0x02, 0xe2}
	k, body, err := parseFrame(wire)
	if err != nil || !k.byGUID || len(body) != 0 || k.guid.String() != "89791762-2336-4186-9674-299b90a802e2" {
		t.Fatalf("parseFrame = %+v, % x, %v", k, body, err)
	}
	g, err := ParseGUID("89791762-2336-4186-9674-299B90A802E2")
	if err != nil || !bytes.Equal(AppendGUIDHeader(nil, g), wire) {
		t.Errorf("AppendGUIDHeader(ParseGUID) = % x, %v", AppendGUIDHeader(nil, g), err)
	}
	for _, bad := range []string{"", "89791762233641869674299b90a802e2", "89791762-2336-4186-9674-299b90a802ez"} {
		if _, err := ParseGUID(bad); err == nil {
			t.Errorf("ParseGUID(%q) accepted", bad)
		}
	}
}

// TestDecodeGUID: with avroctl's registry, frames and headers that name
// the writer schema by GUID (built by hand, byte by byte) decode into the
// same and into a newer type; ids in headers work too.
func TestDecodeGUID(t *testing.T) {
	ctx := context.Background()
	reg := startRegistry(t, server.Options{})
	cl := newClient(t, reg.URL)
	id, err := cl.RegisterSchema(ctx, "p-value", Schema{Schema: paymentV1Schema})
	if err != nil {
		t.Fatal(err)
	}
	ss, err := cl.SchemaByID(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if want := store.SchemaGUID(paymentV1Schema, nil); ss.GUID != want {
		t.Fatalf("GET /schemas/ids/%d guid = %q, want %q", id, ss.GUID, want)
	}
	guid, err := ParseGUID(ss.GUID)
	if err != nil {
		t.Fatal(err)
	}
	byGUID, err := cl.SchemaByGUID(ctx, guid)
	if err != nil || byGUID.Schema != ss.Schema || byGUID.GUID != ss.GUID {
		t.Fatalf("SchemaByGUID = %+v, %v", byGUID, err)
	}

	sd := New(cl)
	c1 := mustCodec[paymentV1](t, sd, CodecOptions{Topic: "p"})
	c2 := mustCodec[paymentV2](t, sd, CodecOptions{Topic: "p"})
	in := paymentV1{ID: "pay-7", Amount: 700}
	body, _ := in.AppendAvro(nil)
	frame := append([]byte{1}, guid[:]...)
	frame = append(frame, body...)

	var a paymentV1
	if err := c1.Decode(ctx, frame, &a); err != nil || a != in {
		t.Fatalf("Decode(GUID frame) = %+v, %v", a, err)
	}
	var b paymentV2
	if err := c2.Decode(ctx, frame, &b); err != nil || b.ID != in.ID || b.Amount != in.Amount || b.Currency != "EUR" {
		t.Fatalf("Decode(GUID frame) into the newer type = %+v, %v", b, err)
	}
	if gotID, name, err := sd.TypeOf(ctx, frame); err != nil || gotID != -1 || name != "com.acme.test.Payment" {
		t.Errorf("TypeOf(GUID frame) = %d, %q, %v", gotID, name, err)
	}

	for _, h := range [][]byte{AppendGUIDHeader(nil, guid), AppendHeader(nil, id)} {
		wantID := -1
		if h[0] == 0 {
			wantID = id
		}
		if gotID, name, err := sd.TypeOfWithHeaders(ctx, headersOf(Header{ValueSchemaIDHeader, h}), body); err != nil || gotID != wantID || name != "com.acme.test.Payment" {
			t.Errorf("TypeOfWithHeaders(% x) = %d, %q, %v", h[:1], gotID, name, err)
		}
	}
	if _, _, err := sd.TypeOfWithHeaders(ctx, headersOf(Header{ValueSchemaIDHeader, []byte{1, 2}}), body); !errors.Is(err, ErrTruncated) || !strings.Contains(err.Error(), ValueSchemaIDHeader) {
		t.Errorf("TypeOfWithHeaders with a short header: %v", err)
	}

	// Headers: the GUID form HeaderSchemaIdSerializer writes, and the id
	// form SchemaId.fromBytes also reads; the payload is plain Avro.
	for _, h := range [][]byte{AppendGUIDHeader(nil, guid), AppendHeader(nil, id)} {
		var v paymentV1
		if err := c1.DecodeWithHeaders(ctx, headersOf(Header{ValueSchemaIDHeader, h}), body, &v); err != nil || v != in {
			t.Errorf("DecodeWithHeaders(% x) = %+v, %v", h[:1], v, err)
		}
	}
	// No header, a null one, or only the key's: the payload has the prefix.
	idFrame := append(AppendHeader(nil, id), body...)
	for name, hs := range map[string]func(string) ([]byte, bool){
		"nil func":   nil,
		"no headers": headersOf(),
		"null value": headersOf(Header{ValueSchemaIDHeader, nil}),
		"key header": headersOf(Header{KeySchemaIDHeader, AppendGUIDHeader(nil, GUID{})}),
	} {
		for _, payload := range [][]byte{idFrame, frame} {
			var v paymentV1
			if err := c1.DecodeWithHeaders(ctx, hs, payload, &v); err != nil || v != in {
				t.Errorf("%s, prefix 0x%02x: %+v, %v", name, payload[0], v, err)
			}
		}
	}
	// The last header with the key wins, as Kafka's lastHeader.
	var v paymentV1
	hs := headersOf(Header{ValueSchemaIDHeader, AppendGUIDHeader(nil, GUID{})}, Header{ValueSchemaIDHeader, AppendGUIDHeader(nil, guid)})
	if err := c1.DecodeWithHeaders(ctx, hs, body, &v); err != nil || v != in {
		t.Errorf("two headers: %+v, %v", v, err)
	}
	// A key codec reads __key_schema_id and ignores the value's header.
	ck := mustCodec[paymentV1](t, sd, CodecOptions{Topic: "p", Key: true})
	hs = headersOf(Header{KeySchemaIDHeader, AppendGUIDHeader(nil, guid)}, Header{ValueSchemaIDHeader, []byte{9}})
	if err := ck.DecodeWithHeaders(ctx, hs, body, &v); err != nil || v != in {
		t.Errorf("key codec: %+v, %v", v, err)
	}

	// An unknown GUID is ErrUnknownSchema from the registry's 404.
	unknown := GUID{0xde, 0xad}
	err = c1.Decode(ctx, append(AppendGUIDHeader(nil, unknown), body...), &v)
	var de *DecodeError
	if !errors.As(err, &de) || !errors.Is(err, ErrUnknownSchema) || de.GUID != unknown.String() || de.ID != -1 {
		t.Errorf("unknown GUID: %v", err)
	}
}

// TestDecodeWithHeadersErrors: a bad schema id header fails with a
// *DecodeError that keeps the payload and names the header and the byte.
func TestDecodeWithHeadersErrors(t *testing.T) {
	ctx := context.Background()
	mem := newMemRegistry()
	id, _ := mem.RegisterSchema(ctx, "p-value", Schema{Schema: paymentV1Schema})
	c := mustCodec[paymentV1](t, New(mem), CodecOptions{Topic: "p"})
	body, _ := (&paymentV1{ID: "x", Amount: 1}).AppendAvro(nil)
	guid := memGUID(SubjectSchema{Schema: paymentV1Schema})
	cases := []struct {
		name   string
		header []byte
		want   error
		msg    string
	}{
		{"empty", []byte{}, ErrTruncated, "header __value_schema_id is empty"},
		{"short id", []byte{0, 0, 1}, ErrTruncated, "bytes 1-4"},
		{"short GUID", AppendGUIDHeader(nil, guid)[:10], ErrTruncated, "bytes 1-16"},
		{"magic", []byte{7, 0, 0, 0, 1}, ErrMagicByte, "byte 0 is 0x07"},
		{"id trailing", append(AppendHeader(nil, id), 0), ErrMagicByte, "offset 5"},
		{"GUID trailing", append(AppendGUIDHeader(nil, guid), 0), ErrMagicByte, "offset 17"},
		{"unknown id", AppendHeader(nil, 99), ErrUnknownSchema, "schema id 99"},
		{"unknown GUID", AppendGUIDHeader(nil, GUID{1}), ErrUnknownSchema, "GUID 01000000-"},
		{"body", AppendGUIDHeader(nil, guid), ErrTruncated, "GUID " + guid.String()},
	}
	for _, tc := range cases {
		payload := body
		if tc.name == "body" {
			payload = body[:2]
		}
		var v paymentV1
		err := c.DecodeWithHeaders(ctx, headersOf(Header{ValueSchemaIDHeader, tc.header}), payload, &v)
		var de *DecodeError
		if !errors.As(err, &de) || !errors.Is(err, tc.want) {
			t.Errorf("%s: %v, want a *DecodeError matching %v", tc.name, err, tc.want)
			continue
		}
		if de.Header != ValueSchemaIDHeader || !bytes.Equal(de.Data, payload) {
			t.Errorf("%s: Header %q, Data % x; want the header named and the payload kept", tc.name, de.Header, de.Data)
		}
		if !strings.Contains(err.Error(), tc.msg) || !strings.Contains(err.Error(), ValueSchemaIDHeader) {
			t.Errorf("%s: %q does not say %q and name the header", tc.name, err, tc.msg)
		}
	}
}

// TestGUIDCache: a known GUID is fetched once; an unknown one is
// remembered for NotFoundTTL, in a bounded cache, so a run of frames with
// it costs one request; a registry client without GUID support reports
// ErrUnknownSchema without a request.
func TestGUIDCache(t *testing.T) {
	ctx := context.Background()
	mem := newMemRegistry()
	mem.RegisterSchema(ctx, "p-value", Schema{Schema: paymentV1Schema})
	sd := New(mem)
	c := mustCodec[paymentV1](t, sd, CodecOptions{Topic: "p"})
	body, _ := (&paymentV1{ID: "x", Amount: 1}).AppendAvro(nil)
	known := append(AppendGUIDHeader(nil, memGUID(SubjectSchema{Schema: paymentV1Schema})), body...)
	unknown := append(AppendGUIDHeader(nil, GUID{0xff}), body...)
	var v paymentV1
	for range 3 {
		if err := c.Decode(ctx, known, &v); err != nil {
			t.Fatal(err)
		}
		if err := c.Decode(ctx, unknown, &v); !errors.Is(err, ErrUnknownSchema) {
			t.Fatalf("unknown GUID: %v", err)
		}
	}
	before := mem.calls.Load()
	for range 100 {
		c.Decode(ctx, known, &v)
		c.Decode(ctx, unknown, &v)
	}
	if n := mem.calls.Load() - before; n != 0 {
		t.Errorf("%d registry calls for cached GUIDs, want 0", n)
	}
	// The not-found cache is bounded: GUIDs come from frames.
	for i := range maxNotFound + 50 {
		g := GUID{0xee, byte(i), byte(i >> 8)}
		c.Decode(ctx, append(AppendGUIDHeader(nil, g), body...), &v)
	}
	if n := sd.unknownGUIDs.len(); n > maxNotFound {
		t.Errorf("unknown-GUID cache holds %d entries, bound %d", n, maxNotFound)
	}

	idOnly := New(struct{ Registry }{mem})
	c2 := mustCodec[paymentV1](t, idOnly, CodecOptions{Topic: "p"})
	before = mem.calls.Load()
	if err := c2.Decode(ctx, known, &v); !errors.Is(err, ErrUnknownSchema) || !strings.Contains(err.Error(), "cannot resolve GUIDs") {
		t.Errorf("registry without GUIDs: %v", err)
	}
	if n := mem.calls.Load() - before; n != 0 {
		t.Errorf("%d registry calls without GUID support, want 0", n)
	}
}

// TestGUIDAllocations: once warm, a GUID frame and a header-named schema
// decode with exactly the allocations of the generated decoder.
func TestGUIDAllocations(t *testing.T) {
	ctx := context.Background()
	mem := newMemRegistry()
	mem.RegisterSchema(ctx, "p-value", Schema{Schema: paymentV1Schema})
	c := mustCodec[paymentV1](t, New(mem), CodecOptions{Topic: "p"})
	body, _ := (&paymentV1{ID: "pay", Amount: 3}).AppendAvro(nil)
	g := memGUID(SubjectSchema{Schema: paymentV1Schema})
	frame := append(AppendGUIDHeader(nil, g), body...)
	hs := headersOf(Header{ValueSchemaIDHeader, AppendGUIDHeader(nil, g)})
	var v paymentV1
	if err := c.Decode(ctx, frame, &v); err != nil {
		t.Fatal(err)
	}
	raw := testing.AllocsPerRun(200, func() { v.UnmarshalAvro(body) })
	framed := testing.AllocsPerRun(200, func() { c.Decode(ctx, frame, &v) })
	headed := testing.AllocsPerRun(200, func() { c.DecodeWithHeaders(ctx, hs, body, &v) })
	if framed != raw || headed != raw {
		t.Errorf("allocations per decode: GUID frame %v, GUID header %v, raw %v; want equal", framed, headed, raw)
	}
}
