package serde

import (
	"context"
	"errors"
	"testing"

	"gitlab.com/acme/avroctl/gen/golang/runtime/avro"
)

// benchEvent has the shape and size of the example domain's
// PaymentValidated (metadata, ids, money, enum): about 190 bytes encoded.
const benchEventSchema = `{"type":"record","name":"PaymentValidated","namespace":"com.acme.bench","fields":[` +
	`{"name":"eventId","type":{"type":"string","logicalType":"uuid"}},` +
	`{"name":"eventType","type":"string"},` +
	`{"name":"occurredAt","type":{"type":"long","logicalType":"timestamp-millis"}},` +
	`{"name":"producer","type":"string"},` +
	`{"name":"paymentId","type":"string"},` +
	`{"name":"orderId","type":{"type":"string","logicalType":"uuid"}},` +
	`{"name":"customerId","type":"string"},` +
	`{"name":"amount","type":{"type":"bytes","logicalType":"decimal","precision":18,"scale":2}},` +
	`{"name":"currency","type":"string"},` +
	`{"name":"method","type":{"type":"enum","name":"PaymentMethod","symbols":["UNKNOWN","CARD","SEPA_DEBIT","PAYPAL"]}},` +
	`{"name":"providerReference","type":"string"}]}`

type benchEvent struct {
	EventID, EventType  string
	OccurredAt          int64
	Producer, PaymentID string
	OrderID, CustomerID string
	Amount              []byte
	Currency            string
	Method              int
	ProviderReference   string
}

func (*benchEvent) AvroSchema() string { return benchEventSchema }

func (x *benchEvent) AppendAvro(dst []byte) ([]byte, error) {
	dst = avro.AppendString(dst, x.EventID)
	dst = avro.AppendString(dst, x.EventType)
	dst = avro.AppendLong(dst, x.OccurredAt)
	dst = avro.AppendString(dst, x.Producer)
	dst = avro.AppendString(dst, x.PaymentID)
	dst = avro.AppendString(dst, x.OrderID)
	dst = avro.AppendString(dst, x.CustomerID)
	dst = avro.AppendBytes(dst, x.Amount)
	dst = avro.AppendString(dst, x.Currency)
	dst = avro.AppendLong(dst, int64(x.Method))
	return avro.AppendString(dst, x.ProviderReference), nil
}

func (x *benchEvent) UnmarshalAvro(b []byte) error {
	d := avro.NewDecoder(b)
	x.EventID = d.String()
	x.EventType = d.String()
	x.OccurredAt = d.Long()
	x.Producer = d.String()
	x.PaymentID = d.String()
	x.OrderID = d.String()
	x.CustomerID = d.String()
	x.Amount = d.Bytes()
	x.Currency = d.String()
	x.Method = d.EnumIndex(4)
	x.ProviderReference = d.String()
	return d.Finish()
}

func newBenchEvent() *benchEvent {
	return &benchEvent{
		EventID: "0b9a1f0e-7c1d-4f3e-9a55-3b2b8f1d2c10", EventType: "PaymentValidated",
		OccurredAt: 1795788916789, Producer: "payment-service", PaymentID: "pay_4f1c2b9d",
		OrderID: "5d0c7e3a-2f4b-4a8e-b1c6-9e7f0a3d2b14", CustomerID: "cust-000123",
		Amount: []byte{0x07, 0xcf}, Currency: "EUR", Method: 1,
		ProviderReference: "psp-auth-7781-aa09-44e1",
	}
}

// warmCodec returns a codec whose schema id and writer plan are cached,
// and a frame to decode.
func warmCodec(tb testing.TB) (*Codec[benchEvent, *benchEvent], []byte) {
	tb.Helper()
	ctx := context.Background()
	c := mustCodec[benchEvent](tb, New(newMemRegistry()), CodecOptions{Topic: "payments", AutoRegister: true})
	frame, err := c.Encode(ctx, newBenchEvent())
	if err != nil {
		tb.Fatal(err)
	}
	var v benchEvent
	if err := c.Decode(ctx, frame, &v); err != nil {
		tb.Fatal(err)
	}
	return c, frame
}

// TestHotPathAllocations: once warm, Encode into a buffer with room
// allocates nothing, and Decode allocates exactly what the generated
// decoder allocates for the value's own strings and bytes.
func TestHotPathAllocations(t *testing.T) {
	ctx := context.Background()
	c, frame := warmCodec(t)
	ev := newBenchEvent()
	buf := make([]byte, 0, 512)
	if n := testing.AllocsPerRun(200, func() {
		if _, err := c.AppendEncode(ctx, buf[:0], ev); err != nil {
			t.Fatal(err)
		}
	}); n != 0 {
		t.Errorf("AppendEncode: %v allocations per run, want 0", n)
	}
	var v benchEvent
	raw := testing.AllocsPerRun(200, func() { v.UnmarshalAvro(frame[HeaderSize:]) })
	framed := testing.AllocsPerRun(200, func() {
		if err := c.Decode(ctx, frame, &v); err != nil {
			t.Fatal(err)
		}
	})
	if framed != raw {
		t.Errorf("Decode: %v allocations per run, raw UnmarshalAvro: %v; want equal", framed, raw)
	}
	t.Logf("allocations per decode: raw %v, serde %v", raw, framed)

	// Reading an older writer schema (transcoding) adds none either.
	mem := newMemRegistry()
	old := mustCodec[paymentV1](t, New(mem), CodecOptions{Topic: "p", AutoRegister: true})
	oldFrame, err := old.Encode(ctx, &paymentV1{ID: "pay", Amount: 1999})
	if err != nil {
		t.Fatal(err)
	}
	c2 := mustCodec[paymentV2](t, New(mem), CodecOptions{Topic: "p"})
	var v2 paymentV2
	if err := c2.Decode(ctx, oldFrame, &v2); err != nil {
		t.Fatal(err)
	}
	own, _ := v2.AppendAvro(nil)
	raw = testing.AllocsPerRun(200, func() { v2.UnmarshalAvro(own) })
	resolved := testing.AllocsPerRun(200, func() { c2.Decode(ctx, oldFrame, &v2) })
	if resolved != raw {
		t.Errorf("resolved Decode: %v allocations per run, same-schema UnmarshalAvro: %v; want equal", resolved, raw)
	}
}

func BenchmarkSerdeEncode(b *testing.B) {
	ctx := context.Background()
	c, _ := warmCodec(b)
	ev := newBenchEvent()
	buf := make([]byte, 0, 512)
	b.Run("raw", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			out, _ := ev.AppendAvro(buf[:0])
			b.SetBytes(int64(len(out)))
		}
	})
	b.Run("serde", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			out, err := c.AppendEncode(ctx, buf[:0], ev)
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(len(out)))
		}
	})
}

func BenchmarkSerdeDecode(b *testing.B) {
	ctx := context.Background()
	c, frame := warmCodec(b)
	var v benchEvent
	b.Run("raw", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(frame) - HeaderSize))
		for i := 0; i < b.N; i++ {
			if err := v.UnmarshalAvro(frame[HeaderSize:]); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("serde", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(frame)))
		for i := 0; i < b.N; i++ {
			if err := c.Decode(ctx, frame, &v); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkSerdeDecodeResolved reads a v1 frame as v2: the cost of
// schema resolution (transcoding) on top of the framing.
func BenchmarkSerdeDecodeResolved(b *testing.B) {
	ctx := context.Background()
	mem := newMemRegistry()
	old := mustCodec[paymentV1](b, New(mem), CodecOptions{Topic: "p", AutoRegister: true})
	frame, err := old.Encode(ctx, &paymentV1{ID: "pay_4f1c2b9d", Amount: 1999})
	if err != nil {
		b.Fatal(err)
	}
	c := mustCodec[paymentV2](b, New(mem), CodecOptions{Topic: "p"})
	var v paymentV2
	b.Run("same", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if err := old.Decode(ctx, frame, &paymentV1{}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("resolved", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if err := c.Decode(ctx, frame, &v); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// empty is a record with no fields: encoding it costs nothing, so a Codec
// over it measures the framing alone.
type empty struct{}

func (*empty) AvroSchema() string                    { return `{"type":"record","name":"Empty","fields":[]}` }
func (*empty) AppendAvro(dst []byte) ([]byte, error) { return dst, nil }
func (*empty) UnmarshalAvro(b []byte) error {
	if len(b) != 0 {
		return errors.New("trailing bytes")
	}
	return nil
}

// BenchmarkSerdeFraming is the serde's own cost per message: header,
// cached id or plan lookup, and the call into the generated code.
func BenchmarkSerdeFraming(b *testing.B) {
	ctx := context.Background()
	c := mustCodec[empty](b, New(newMemRegistry()), CodecOptions{Topic: "e", AutoRegister: true})
	buf := make([]byte, 0, 64)
	frame, err := c.AppendEncode(ctx, nil, &empty{})
	if err != nil {
		b.Fatal(err)
	}
	var v empty
	if err := c.Decode(ctx, frame, &v); err != nil {
		b.Fatal(err)
	}
	b.Run("encode", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			c.AppendEncode(ctx, buf[:0], &v)
		}
	})
	b.Run("decode", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			c.Decode(ctx, frame, &v)
		}
	})
	// The same value named by GUID: in the frame, and in a header.
	g := memGUID(SubjectSchema{Schema: (&empty{}).AvroSchema()})
	guidFrame := AppendGUIDHeader(nil, g)
	hs := headersOf(Header{ValueSchemaIDHeader, AppendGUIDHeader(nil, g)})
	if err := c.Decode(ctx, guidFrame, &v); err != nil {
		b.Fatal(err)
	}
	b.Run("decode-guid", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			c.Decode(ctx, guidFrame, &v)
		}
	})
	b.Run("decode-guid-header", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			c.DecodeWithHeaders(ctx, hs, nil, &v)
		}
	})
}
