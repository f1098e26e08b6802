package examples_test

import (
	"context"
	"testing"
	"time"

	"gitlab.com/acme/avroctl/events/v2/avro"
	"gitlab.com/acme/avroctl/events/v2/payments"
	"gitlab.com/acme/avroctl/events/v2/shared"
	"gitlab.com/acme/avroctl/gen/golang/runtime/serde"
)

// The serde's cost on the real generated PaymentValidated, against the
// generated encoder and decoder alone.

func samplePayment() *payments.PaymentValidated {
	corr := "c0a80101-0000-4000-8000-000000000001"
	id, _ := avro.ParseUUID("0b9a1f0e-7c1d-4f3e-9a55-3b2b8f1d2c10")
	order, _ := avro.ParseUUID("5d0c7e3a-2f4b-4a8e-b1c6-9e7f0a3d2b14")
	return &payments.PaymentValidated{
		Metadata: shared.EventMetadata{EventID: id, EventType: "PaymentValidated",
			OccurredAt: time.Date(2026, 11, 27, 14, 0, 0, 0, time.UTC), Producer: "payment-service", CorrelationID: &corr},
		PaymentID: "pay-000001", OrderID: order, CustomerID: "cust-0001",
		Amount: shared.Money{Amount: avro.NewDecimal(1999, 2), Currency: "EUR"},
		Method: payments.PaymentMethodCard, ProviderReference: "psp-auth-9e3779b1",
	}
}

func warmPaymentCodec(tb testing.TB) (*serde.Codec[payments.PaymentValidated, *payments.PaymentValidated], []byte) {
	tb.Helper()
	reg, _ := startRegistry(tb)
	c, err := serde.NewCodec[payments.PaymentValidated](serde.New(reg), serde.CodecOptions{Topic: "payments", AutoRegister: true})
	if err != nil {
		tb.Fatal(err)
	}
	ctx := context.Background()
	frame, err := c.Encode(ctx, samplePayment())
	if err != nil {
		tb.Fatal(err)
	}
	var v payments.PaymentValidated
	if err := c.Decode(ctx, frame, &v); err != nil {
		tb.Fatal(err)
	}
	return c, frame
}

func TestPaymentHotPathAllocations(t *testing.T) {
	ctx := context.Background()
	c, frame := warmPaymentCodec(t)
	ev := samplePayment()
	buf := make([]byte, 0, 512)
	rawEnc := testing.AllocsPerRun(100, func() { ev.AppendAvro(buf[:0]) })
	enc := testing.AllocsPerRun(100, func() { c.AppendEncode(ctx, buf[:0], ev) })
	var v payments.PaymentValidated
	rawDec := testing.AllocsPerRun(100, func() { v.UnmarshalAvro(frame[serde.HeaderSize:]) })
	dec := testing.AllocsPerRun(100, func() { c.Decode(ctx, frame, &v) })
	t.Logf("allocations: encode raw %v serde %v; decode raw %v serde %v", rawEnc, enc, rawDec, dec)
	if enc != rawEnc || dec != rawDec {
		t.Errorf("serde allocates beyond the generated code: encode %v vs %v, decode %v vs %v", enc, rawEnc, dec, rawDec)
	}
}

func BenchmarkPaymentEncode(b *testing.B) {
	ctx := context.Background()
	c, _ := warmPaymentCodec(b)
	ev := samplePayment()
	buf := make([]byte, 0, 512)
	b.Run("raw", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			ev.AppendAvro(buf[:0])
		}
	})
	b.Run("serde", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if _, err := c.AppendEncode(ctx, buf[:0], ev); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkPaymentDecode(b *testing.B) {
	ctx := context.Background()
	c, frame := warmPaymentCodec(b)
	var v payments.PaymentValidated
	b.Run("raw", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if err := v.UnmarshalAvro(frame[serde.HeaderSize:]); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("serde", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if err := c.Decode(ctx, frame, &v); err != nil {
				b.Fatal(err)
			}
		}
	})
}
