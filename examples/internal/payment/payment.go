// Package payment is the example payment service: it validates payments
// (here: makes them up) and publishes PaymentValidated events.
package payment

import (
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"time"

	"gitlab.com/acme/avroctl/events/v2/avro"
	"gitlab.com/acme/avroctl/events/v2/payments"
	"gitlab.com/acme/avroctl/events/v2/shared"
	"gitlab.com/acme/avroctl/examples/internal/topic"
	"gitlab.com/acme/avroctl/gen/golang/runtime/serde"
)

// Name is the service's name: metadata.producer and the ce_source header.
const Name = "payment-service"

// Topic is where PaymentValidated events go (avroctl.yaml's mapping).
const Topic = "payments"

// Options configure Run.
type Options struct {
	// Registry is the schema registry to frame events with.
	Registry serde.Registry
	// Register registers the schema if the registry lacks it. Production
	// producers leave it off: avroctl registers schemas behind the
	// compatibility gate.
	Register bool
	// Count is the number of payments to validate.
	Count int
	// Redeliver, when n > 0, publishes every n-th event a second time, as
	// an at-least-once producer does after a lost acknowledgement.
	Redeliver int
	// Now returns the current time; nil means time.Now.
	Now func() time.Time
}

// Run publishes opts.Count PaymentValidated events to out.
func Run(ctx context.Context, opts Options, out io.Writer) error {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	codec, err := serde.NewCodec[payments.PaymentValidated](serde.New(opts.Registry), serde.CodecOptions{
		Topic: Topic, Strategy: serde.TopicRecordName, AutoRegister: opts.Register,
	})
	if err != nil {
		return err
	}
	// Fail before doing any work if the schema is not registered.
	if _, err := codec.ID(ctx); err != nil {
		return fmt.Errorf("%w (register it with `avroctl registry register`, or pass --register)", err)
	}
	w := topic.NewWriter(out)
	var frame []byte
	for i := 1; i <= opts.Count; i++ {
		ev := newPayment(i, opts.Now())
		if frame, err = codec.AppendEncode(ctx, frame[:0], &ev); err != nil {
			return err
		}
		rec := topic.Record{
			Topic: Topic,
			// The business key: one order's events stay in one partition.
			Key: ev.OrderID.String(),
			Headers: serde.EventHeaders{
				ID:     ev.Metadata.EventID.String(),
				Type:   codec.FullName(),
				Source: Name,
				Time:   ev.Metadata.OccurredAt,
			}.AppendHeaders(nil),
			Value: frame,
		}
		if err := w.Write(rec); err != nil {
			return err
		}
		if opts.Redeliver > 0 && i%opts.Redeliver == 0 {
			if err := w.Write(rec); err != nil {
				return err
			}
		}
	}
	return nil
}

// newPayment makes up the n-th validated payment.
func newPayment(n int, now time.Time) payments.PaymentValidated {
	orderID := newUUID()
	correlation := orderID.String()
	return payments.PaymentValidated{
		Metadata: shared.EventMetadata{
			EventID:       newUUID(),
			EventType:     "PaymentValidated",
			OccurredAt:    now.UTC().Truncate(time.Millisecond),
			Producer:      Name,
			CorrelationID: &correlation,
		},
		PaymentID:         fmt.Sprintf("pay-%06d", n),
		OrderID:           orderID,
		CustomerID:        fmt.Sprintf("cust-%04d", n%7),
		Amount:            shared.Money{Amount: avro.NewDecimal(int64(1000+n*199), 2), Currency: "EUR"},
		Method:            payments.PaymentMethodCard,
		ProviderReference: fmt.Sprintf("psp-auth-%08x", n*2654435761),
	}
}

// newUUID returns a random (version 4) UUID.
func newUUID() avro.UUID {
	var u avro.UUID
	rand.Read(u[:])
	u[6] = u[6]&0x0f | 0x40
	u[8] = u[8]&0x3f | 0x80
	return u
}
