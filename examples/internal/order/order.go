// Package order is the example order service: it consumes PaymentValidated
// events and creates one order per validated payment (OrderCreated).
package order

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"time"

	"gitlab.com/acme/avroctl/events/v2/avro"
	"gitlab.com/acme/avroctl/events/v2/orders"
	"gitlab.com/acme/avroctl/events/v2/payments"
	"gitlab.com/acme/avroctl/events/v2/shared"
	"gitlab.com/acme/avroctl/examples/internal/topic"
	"gitlab.com/acme/avroctl/gen/golang/runtime/serde"
)

// Name is the service's name: metadata.producer and the ce_source header.
const Name = "order-service"

// Topics the service reads and writes (avroctl.yaml's mapping).
const (
	InTopic  = "payments"
	OutTopic = "orders"
)

// Options configure Run.
type Options struct {
	Registry serde.Registry
	// Register registers the OrderCreated schema if the registry lacks it.
	Register bool
	// DeadLetter receives, unchanged, the records that can never be
	// decoded (wrong format, unknown or incompatible schema). Nil drops
	// them after reporting.
	DeadLetter io.Writer
	// Log receives one line per skipped or dead-lettered record.
	Log io.Writer
	// Now returns the current time; nil means time.Now.
	Now func() time.Time
}

// Stats count what Run did.
type Stats struct {
	Consumed     int // records read from the payments topic
	Duplicates   int // redeliveries dropped by event id (technical dedup)
	SameOrder    int // payments for an order already created (functional dedup by key)
	DeadLettered int
	Created      int // OrderCreated events produced
}

// Run reads records from in (named inName in messages) until EOF and
// writes OrderCreated records to out. A registry that cannot be reached
// stops it with an error: the records were not processed and must be
// read again later, not dead-lettered.
func Run(ctx context.Context, opts Options, in io.Reader, inName string, out io.Writer) (Stats, error) {
	var st Stats
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Log == nil {
		opts.Log = io.Discard
	}
	sd := serde.New(opts.Registry)
	paid, err := serde.NewCodec[payments.PaymentValidated](sd, serde.CodecOptions{})
	if err != nil {
		return st, err
	}
	created, err := serde.NewCodec[orders.OrderCreated](sd, serde.CodecOptions{
		Topic: OutTopic, Strategy: serde.TopicRecordName, AutoRegister: opts.Register,
	})
	if err != nil {
		return st, err
	}
	if _, err := created.ID(ctx); err != nil {
		return st, fmt.Errorf("%w (register it with `avroctl registry register`, or pass --register)", err)
	}
	var dlq *topic.Writer
	if opts.DeadLetter != nil {
		dlq = topic.NewWriter(opts.DeadLetter)
	}
	w := topic.NewWriter(out)

	// A real service keeps these in its database, in the same transaction
	// as the order; memory is enough for the example.
	seenEvents := map[string]bool{}    // ce_id of processed events
	orderByKey := map[avro.UUID]bool{} // orders already created

	r := topic.NewReader(in, inName)
	var frame []byte
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return st, nil
		}
		if err != nil {
			return st, err
		}
		if rec.Topic != InTopic {
			continue
		}
		st.Consumed++
		pos := fmt.Sprintf("%s:%d:1", inName, r.Line())
		h, err := serde.ParseEventHeaders(rec.Headers)
		if err == nil && h.Type != paid.FullName() {
			continue // another event type on the topic: not ours
		}
		if err == nil && seenEvents[h.ID] {
			st.Duplicates++
			fmt.Fprintf(opts.Log, "%s: event %s already processed; dropping the redelivery\n", pos, h.ID)
			continue
		}

		var p payments.PaymentValidated
		if err := paid.Decode(ctx, rec.Value, &p); err != nil {
			if errors.Is(err, serde.ErrRegistryUnavailable) {
				return st, fmt.Errorf("%s: %w", pos, err)
			}
			st.DeadLettered++
			fmt.Fprintf(opts.Log, "%s: dead-lettered: %v\n", pos, err)
			if dlq != nil {
				var de *serde.DecodeError
				if errors.As(err, &de) {
					rec.Value = de.Data // the original bytes, whatever went wrong
				}
				if err := dlq.Write(rec); err != nil {
					return st, err
				}
			}
			continue
		}
		eventID := p.Metadata.EventID.String()
		seenEvents[eventID] = true
		if orderByKey[p.OrderID] {
			st.SameOrder++
			fmt.Fprintf(opts.Log, "%s: order %s already created; ignoring payment %s\n", pos, p.OrderID, p.PaymentID)
			continue
		}

		o := newOrder(&p, opts.Now())
		if frame, err = created.AppendEncode(ctx, frame[:0], &o); err != nil {
			return st, fmt.Errorf("%s: %w", pos, err)
		}
		err = w.Write(topic.Record{
			Topic: OutTopic,
			Key:   o.OrderID.String(),
			Headers: serde.EventHeaders{
				ID: o.Metadata.EventID.String(), Type: created.FullName(),
				Source: Name, Time: o.Metadata.OccurredAt,
			}.AppendHeaders(nil),
			Value: frame,
		})
		if err != nil {
			return st, err
		}
		orderByKey[p.OrderID] = true
		st.Created++
	}
}

// newOrder creates the order a validated payment stands for. The example
// has no cart to read the lines from, so the order has one line for the
// whole amount.
func newOrder(p *payments.PaymentValidated, now time.Time) orders.OrderCreated {
	cause := p.Metadata.EventID
	return orders.OrderCreated{
		Metadata: shared.EventMetadata{
			EventID:       newUUID(),
			EventType:     "OrderCreated",
			OccurredAt:    now.UTC().Truncate(time.Millisecond),
			Producer:      Name,
			CorrelationID: p.Metadata.CorrelationID,
			CausationID:   &cause,
		},
		OrderID:    p.OrderID,
		CustomerID: p.CustomerID,
		Items: []orders.LineItem{{
			SKU: "DEMO-1", Name: "Demo item", Quantity: 1, UnitPrice: p.Amount,
		}},
		Total:           p.Amount,
		ShippingAddress: orders.Address{Line1: "1 Example Street", PostalCode: "75001", City: "Paris", Country: "FR"},
		Attributes:      map[string]string{"paymentId": p.PaymentID},
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
