// Package payment is the example payment service: it validates payments
// (here: makes them up) and publishes PaymentValidated events to Kafka.
package payment

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"time"

	"gitlab.com/acme/avroctl/events/v2/avro"
	"gitlab.com/acme/avroctl/events/v2/payments"
	"gitlab.com/acme/avroctl/events/v2/serde"
	"gitlab.com/acme/avroctl/events/v2/shared"
	"gitlab.com/acme/avroctl/kafka"
)

// Name is the service's name: metadata.producer and the ce_source header.
const Name = "payment-service"

// Topic is where PaymentValidated events go (the desired state's mapping).
const Topic = "payments"

// Options configure Publish.
type Options struct {
	Kafka kafka.Config
	// Registry is the schema registry to frame events with.
	Registry serde.Registry
	// Register registers the schema if the registry lacks it. Production
	// producers leave it off: avroctl registers schemas behind the
	// compatibility gate.
	Register bool
	// First and Count: the payments First, First+1, ... are published.
	// A payment's ids are derived from its number, so a run repeated with
	// the same numbers republishes the same events (technical duplicates).
	First, Count int
	// DuplicateEvery, when n > 0, sends every n-th event twice, as a
	// producer does after a lost acknowledgement (the same event id).
	DuplicateEvery int
	// ForeignEvery, when n > 0, makes every n-th payment (and never a
	// duplicated one) a CHF payment, which the order service refuses until
	// it is told to take CHF: the example's poison records.
	ForeignEvery int
	// Now returns the current time; nil means time.Now.
	Now func() time.Time
}

// Kind says whether payment n is sent twice, and whether it is a CHF
// payment (never both: a poison record is sent once, so that the
// dead-letter topic holds each exactly once).
func (o Options) Kind(n int) (dup, foreign bool) {
	dup = o.DuplicateEvery > 0 && n%o.DuplicateEvery == 0
	foreign = !dup && o.ForeignEvery > 0 && n%o.ForeignEvery == 0
	return dup, foreign
}

// Stats say what Publish sent.
type Stats struct {
	Sent       int // records acknowledged, duplicates included
	Duplicates int // second sends of an event
	Foreign    int // CHF payments
}

// Publish sends the payments and waits until every record is acknowledged.
func Publish(ctx context.Context, o Options) (Stats, error) {
	var st Stats
	if o.Now == nil {
		o.Now = time.Now
	}
	codec, err := serde.NewCodec[payments.PaymentValidated](serde.New(o.Registry), serde.CodecOptions{
		Topic: Topic, Strategy: serde.TopicRecordName, AutoRegister: o.Register,
	})
	if err != nil {
		return st, err
	}
	// NewProducer resolves the schema id: a schema the registry lacks fails
	// here, before anything is sent.
	prod, err := kafka.NewProducer(ctx, kafka.Encoder[payments.PaymentValidated](codec), kafka.ProducerOptions[payments.PaymentValidated]{
		Config: o.Kafka, Topic: Topic,
		// The business key: one order's events stay in one partition.
		KeyField: "orderId",
	})
	if err != nil {
		if errors.Is(err, serde.ErrUnknownSchema) {
			err = fmt.Errorf("%w (register it with `avroctl registry register`, or pass --register)", err)
		}
		return st, err
	}
	defer prod.Close(context.WithoutCancel(ctx))
	errs := make(chan error, 1)
	done := func(_ kafka.Delivery, err error) {
		if err != nil {
			select {
			case errs <- err:
			default:
			}
		}
	}
	for n := o.First; n < o.First+o.Count; n++ {
		dup, foreign := o.Kind(n)
		ev := NewPayment(n, foreign, o.Now())
		prod.SendAsync(ctx, &ev, done)
		st.Sent++
		if foreign {
			st.Foreign++
		}
		if dup {
			prod.SendAsync(ctx, &ev, done)
			st.Sent++
			st.Duplicates++
		}
	}
	if err := prod.Flush(ctx); err != nil {
		return st, err
	}
	select {
	case err := <-errs:
		return st, err
	default:
	}
	return st, nil
}

// NewPayment makes up the n-th validated payment, in CHF when foreign.
// Its ids are derived from n.
func NewPayment(n int, foreign bool, now time.Time) payments.PaymentValidated {
	orderID := derivedUUID("order", n)
	correlation := orderID.String()
	currency := "EUR"
	if foreign {
		currency = "CHF"
	}
	return payments.PaymentValidated{
		Metadata: shared.EventMetadata{
			EventID:       derivedUUID("payment-event", n),
			EventType:     "PaymentValidated",
			OccurredAt:    now.UTC().Truncate(time.Millisecond),
			Producer:      Name,
			CorrelationID: &correlation,
		},
		PaymentID:         PaymentID(n),
		OrderID:           orderID,
		CustomerID:        fmt.Sprintf("cust-%04d", n%97),
		Amount:            shared.Money{Amount: avro.NewDecimal(int64(1000+n*199), 2), Currency: currency},
		Method:            payments.PaymentMethodCard,
		ProviderReference: fmt.Sprintf("psp-auth-%08x", uint32(n)*2654435761),
	}
}

// PaymentID is the id of the n-th payment.
func PaymentID(n int) string { return fmt.Sprintf("pay-%07d", n) }

// derivedUUID is a name-based UUID (version 8, SHA-256) of kind and n.
func derivedUUID(kind string, n int) avro.UUID {
	sum := sha256.Sum256(fmt.Appendf(nil, "%s:%d", kind, n))
	var u avro.UUID
	copy(u[:], sum[:16])
	u[6] = u[6]&0x0f | 0x80
	u[8] = u[8]&0x3f | 0x80
	return u
}
