// Package order is the example order service: it consumes PaymentValidated
// events from Kafka and creates one order per validated payment, published
// as OrderCreated.
//
// What makes it correct under at-least-once delivery:
//
//   - the consumer (package kafka) commits an offset only after its record,
//     and every earlier one of its partition, is finished;
//   - the payment's event id is marked in the inbox in the same database
//     transaction that stores the order (kafka.Dedup over inbox.Store), so
//     a redelivered payment is skipped, never applied twice, and a payment
//     whose handling failed is handled again;
//   - the OrderCreated event is written to an outbox table in that same
//     transaction and published by a relay after the commit (the
//     transactional outbox): an order is never stored without its event,
//     nor an event sent for an order that was rolled back;
//   - a payment that can never make an order (a currency the service does
//     not take, a second payment for an order that exists) is a permanent error: the consumer
//     writes it to payments-dlt, unchanged, with Spring Kafka's kafka_dlt-*
//     headers, for `avroctl dlt inspect` and, once the cause is fixed,
//     `avroctl dlt replay`.
package order

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"gitlab.com/acme/avroctl/events/v2/avro"
	"gitlab.com/acme/avroctl/events/v2/orders"
	"gitlab.com/acme/avroctl/events/v2/payments"
	"gitlab.com/acme/avroctl/events/v2/serde"
	"gitlab.com/acme/avroctl/events/v2/shared"
	"gitlab.com/acme/avroctl/kafka"
	"gitlab.com/acme/avroctl/kafka/inbox"
)

// Name is the service's name: metadata.producer, ce_source and the
// consumer group.
const Name = "order-service"

// Topics the service reads and writes (the desired state in avroctl.yaml
// declares them, with their dead-letter topic and ACLs).
const (
	InTopic  = "payments"
	OutTopic = "orders"
)

// ErrCurrency is the permanent error for a payment in a currency the
// service does not take: retrying cannot help, a fix (taking the currency)
// and a replay of the dead letters can.
var ErrCurrency = errors.New("currency not accepted")

// Options configure a Service.
type Options struct {
	Kafka    kafka.Config
	Registry serde.Registry
	// Register lets the service register OrderCreated's schema; off in
	// production, where avroctl registers schemas behind the gate.
	Register bool
	// DB holds the orders, the inbox and the outbox. Use one database per
	// service (SQLite here; PostgreSQL in production).
	DB *sql.DB
	// Group is the consumer group (default Name).
	Group string
	// Currencies are the currencies orders are taken in (default EUR);
	// payments in others are dead-lettered.
	Currencies []string
	// Consumer overrides consumer options (workers, retries, ...); its
	// Config, Group and Topics are set by the service.
	Consumer kafka.ConsumerOptions
	Logger   *slog.Logger
	// Now returns the current time; nil means time.Now.
	Now func() time.Time
}

// Service is a running order service.
type Service struct {
	opts     Options
	consumer *kafka.Consumer[payments.PaymentValidated]
	created  *kafka.Producer[orders.OrderCreated]
	relay    *kgo.Client
	wake     chan struct{}
}

// Schema creates the service's tables if they do not exist: its orders,
// its outbox, and the inbox (package inbox).
const schema = `
CREATE TABLE IF NOT EXISTS orders (
	order_id   TEXT PRIMARY KEY,
	payment_id TEXT NOT NULL,
	customer   TEXT NOT NULL,
	total      TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS outbox (
	id      INTEGER PRIMARY KEY,
	topic   TEXT NOT NULL,
	key     BLOB,
	value   BLOB NOT NULL,
	headers BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS duplicates (
	n INTEGER NOT NULL
);`

// New connects the service: it creates its tables, resolves its schemas
// and checks its topics. It consumes nothing until Run.
func New(ctx context.Context, o Options) (*Service, error) {
	if o.Group == "" {
		o.Group = Name
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if len(o.Currencies) == 0 {
		o.Currencies = []string{"EUR"}
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	for _, stmt := range strings.Split(schema, ";") {
		if strings.TrimSpace(stmt) == "" {
			continue
		}
		if _, err := o.DB.ExecContext(ctx, stmt); err != nil {
			return nil, fmt.Errorf("order-service: creating tables: %w", err)
		}
	}
	store, err := inbox.New(o.DB, inbox.Options{Consumer: o.Group})
	if err != nil {
		return nil, err
	}
	if err := store.Migrate(ctx); err != nil {
		return nil, err
	}
	sd := serde.New(o.Registry)
	paid, err := serde.NewCodec[payments.PaymentValidated](sd, serde.CodecOptions{Topic: InTopic, Strategy: serde.TopicRecordName})
	if err != nil {
		return nil, err
	}
	createdCodec, err := serde.NewCodec[orders.OrderCreated](sd, serde.CodecOptions{
		Topic: OutTopic, Strategy: serde.TopicRecordName, AutoRegister: o.Register,
	})
	if err != nil {
		return nil, err
	}
	s := &Service{opts: o, wake: make(chan struct{}, 1)}
	opts, err := kafkaOpts(o.Kafka)
	if err != nil {
		return nil, err
	}
	// The relay's client: acks=all and idempotent, kgo's defaults.
	if s.relay, err = kgo.NewClient(opts...); err != nil {
		return nil, err
	}
	// The producer only builds records (Record) for the outbox; the relay
	// sends them. It shares the relay's client.
	s.created, err = kafka.NewProducer(ctx, kafka.Encoder[orders.OrderCreated](createdCodec), kafka.ProducerOptions[orders.OrderCreated]{
		Client: s.relay, Topic: OutTopic, KeyField: "orderId",
	})
	if err != nil {
		if errors.Is(err, serde.ErrUnknownSchema) {
			err = fmt.Errorf("%w (register it with `avroctl registry register`, or pass --register)", err)
		}
		s.relay.Close()
		return nil, err
	}
	co := o.Consumer
	co.Config, co.Group, co.Topics = o.Kafka, o.Group, []string{InTopic}
	if co.Logger == nil {
		co.Logger = o.Logger
	}
	if co.TransientDecode == nil {
		// An unreachable registry is a reason to wait, not to dead-letter.
		co.TransientDecode = func(err error) bool { return errors.Is(err, serde.ErrRegistryUnavailable) }
	}
	counting := &countingInbox{Store: store, db: o.DB}
	s.consumer, err = kafka.NewConsumer(kafka.Decoder[payments.PaymentValidated](paid), kafka.Dedup[payments.PaymentValidated, *sql.Tx](counting, s.handle), co)
	if err != nil {
		s.relay.Close()
		return nil, err
	}
	return s, nil
}

func kafkaOpts(c kafka.Config) ([]kgo.Opt, error) {
	if len(c.Brokers) == 0 {
		return nil, errors.New("order-service: no Kafka brokers: set --bootstrap-servers or KAFKA_BOOTSTRAP_SERVERS")
	}
	return append([]kgo.Opt{kgo.SeedBrokers(c.Brokers...), kgo.ClientID(Name)}, c.Opts...), nil
}

// handle stores the order for one payment and its OrderCreated event in the
// outbox, in the inbox's transaction tx.
func (s *Service) handle(ctx context.Context, m *kafka.Message[payments.PaymentValidated], tx *sql.Tx) error {
	p := &m.Value
	if !slices.Contains(s.opts.Currencies, p.Amount.Currency) {
		return kafka.Permanent(fmt.Errorf("payment %s: %w: %s (this service takes %s)", p.PaymentID, ErrCurrency, p.Amount.Currency, strings.Join(s.opts.Currencies, ", ")))
	}
	var other string
	err := tx.QueryRowContext(ctx, `SELECT payment_id FROM orders WHERE order_id = $1`, p.OrderID.String()).Scan(&other)
	if err == nil {
		// A functional duplicate: another payment (another event id) for
		// an order that exists. Someone must look at it.
		return kafka.Permanent(fmt.Errorf("payment %s: order %s was already created by payment %s", p.PaymentID, p.OrderID, other))
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	o := newOrder(p, s.opts.Now())
	rec, err := s.created.Record(ctx, &o)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO orders (order_id, payment_id, customer, total) VALUES ($1, $2, $3, $4)`,
		o.OrderID.String(), p.PaymentID, p.CustomerID, o.Total.Amount.String()+" "+o.Total.Currency); err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO outbox (topic, key, value, headers) VALUES ($1, $2, $3, $4)`,
		rec.Topic, rec.Key, rec.Value, encodeHeaders(rec.Headers))
	return err
}

// Run consumes until ctx is done, and publishes the outbox meanwhile. It
// returns nil on a clean stop, after committing what was handled and
// publishing what the outbox holds.
func (s *Service) Run(ctx context.Context) error {
	var wg sync.WaitGroup
	relayCtx, stopRelay := context.WithCancel(context.WithoutCancel(ctx))
	consumed := make(chan struct{})
	var relayErr error
	wg.Add(1)
	go func() {
		defer wg.Done()
		relayErr = s.runRelay(relayCtx, consumed)
	}()
	err := s.consumer.Run(ctx)
	// The consumer has stopped (asked to, or failed): one last pass
	// empties the outbox. Bounded, so that an unreachable cluster does
	// not keep the process.
	close(consumed)
	last := time.AfterFunc(30*time.Second, stopRelay)
	wg.Wait()
	last.Stop()
	stopRelay()
	s.relay.Close()
	return errors.Join(err, relayErr)
}

// Stats are the consumer's counters since this process started.
func (s *Service) Stats() kafka.Stats { return s.consumer.Stats() }

// runRelay publishes the outbox in id order: a batch is sent, acknowledged
// by all in-sync replicas, and only then deleted. A crash between the two
// sends the batch again on restart, with the same ce_id headers, which
// consumers of OrderCreated deduplicate. It stops after the pass that
// follows stop.
func (s *Service) runRelay(ctx context.Context, stop <-chan struct{}) error {
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	stopping := false
	for {
		for {
			n, err := s.publishBatch(ctx)
			if err != nil {
				if stopping || ctx.Err() != nil {
					return fmt.Errorf("order-service: outbox: %w", err)
				}
				s.opts.Logger.Warn("outbox: will retry", "err", err)
				break
			}
			if n == 0 {
				break
			}
		}
		if stopping {
			return nil
		}
		select {
		case <-stop:
			stopping = true
		case <-s.wake:
		case <-tick.C:
		}
	}
}

func (s *Service) publishBatch(ctx context.Context) (int, error) {
	rows, err := s.opts.DB.QueryContext(ctx, `SELECT id, topic, key, value, headers FROM outbox ORDER BY id LIMIT 500`)
	if err != nil {
		return 0, err
	}
	var recs []*kgo.Record
	var last int64
	for rows.Next() {
		var r kgo.Record
		var hs []byte
		if err := rows.Scan(&last, &r.Topic, &r.Key, &r.Value, &hs); err != nil {
			rows.Close()
			return 0, err
		}
		if r.Headers, err = decodeHeaders(hs); err != nil {
			rows.Close()
			return 0, fmt.Errorf("outbox row %d: %w", last, err)
		}
		recs = append(recs, &r)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(recs) == 0 {
		return 0, err
	}
	if err := s.relay.ProduceSync(ctx, recs...).FirstErr(); err != nil {
		return 0, err
	}
	if _, err := s.opts.DB.ExecContext(ctx, `DELETE FROM outbox WHERE id <= $1`, last); err != nil {
		return 0, err
	}
	return len(recs), nil
}

// countingInbox is the inbox that also counts, durably, the duplicates it
// skipped: redeliveries after a crash or a rebalance, and technical
// duplicates (the same event sent twice). The count is the service's
// evidence that at-least-once delivery redelivered and nothing was applied
// twice.
type countingInbox struct {
	*inbox.Store
	db *sql.DB
}

func (c *countingInbox) Process(ctx context.Context, id string, fn func(ctx context.Context, tx *sql.Tx) error) (bool, error) {
	dup, err := c.Store.Process(ctx, id, fn)
	if err == nil && dup {
		_, err = c.db.ExecContext(ctx, `INSERT INTO duplicates (n) VALUES (1)`)
	}
	return dup, err
}

// Counts reads what a service's database holds: orders, duplicates skipped
// (over every run), and events waiting in the outbox.
func Counts(ctx context.Context, db *sql.DB) (orders, duplicates, outbox int, err error) {
	err = db.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM orders), (SELECT COUNT(*) FROM duplicates), (SELECT COUNT(*) FROM outbox)`).
		Scan(&orders, &duplicates, &outbox)
	return
}

// newOrder creates the order a validated payment stands for. The example
// has no cart to read the lines from, so the order has one line for the
// whole amount. Its event id is derived from the payment's, so that the
// same payment always yields the same OrderCreated id.
func newOrder(p *payments.PaymentValidated, now time.Time) orders.OrderCreated {
	cause := p.Metadata.EventID
	return orders.OrderCreated{
		Metadata: shared.EventMetadata{
			EventID:       derivedUUID("OrderCreated", cause),
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

// derivedUUID is a name-based UUID (version 8, SHA-256) of kind and id.
func derivedUUID(kind string, id avro.UUID) avro.UUID {
	sum := sha256.Sum256(append([]byte(kind+":"), id[:]...))
	var u avro.UUID
	copy(u[:], sum[:16])
	u[6] = u[6]&0x0f | 0x80
	u[8] = u[8]&0x3f | 0x80
	return u
}
