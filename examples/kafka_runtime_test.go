package examples_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
	_ "modernc.org/sqlite"

	"gitlab.com/acme/avroctl/events/v2/avro"
	"gitlab.com/acme/avroctl/events/v2/payments"
	"gitlab.com/acme/avroctl/events/v2/serde"
	"gitlab.com/acme/avroctl/gen/kafkatest"
	"gitlab.com/acme/avroctl/kafka"
	"gitlab.com/acme/avroctl/kafka/inbox"
)

// The codecs of the events module are what the runtime takes.
var (
	_ kafka.Encoder[payments.PaymentValidated] = (*serde.Codec[payments.PaymentValidated, *payments.PaymentValidated])(nil)
	_ kafka.Decoder[payments.PaymentValidated] = (*serde.Codec[payments.PaymentValidated, *payments.PaymentValidated])(nil)
)

// TestRuntimeOnKafka runs the runtime on Apache Kafka 4.4 with the
// embedded registry and a SQLite inbox: N payments with D duplicate sends
// and P poison records, consumed by a group whose membership changes
// (a second member joins, the first leaves) while the broker restarts.
// At the end every payment has exactly one order, the dead-letter topic
// holds exactly the poison records, byte for byte, and the group's
// offsets are at the end of every partition.
func TestRuntimeOnKafka(t *testing.T) {
	const N, D, P = 3000, 100, 30
	ctx := context.Background()
	b := kafkatest.Start(t, kafkatest.Options{})
	cfg := kafka.Config{Brokers: []string{b.Bootstrap()}}

	admCl, err := kgo.NewClient(kgo.SeedBrokers(b.Bootstrap()))
	if err != nil {
		t.Fatal(err)
	}
	defer admCl.Close()
	adm := kadm.NewClient(admCl)
	if _, err := adm.CreateTopics(ctx, 3, 1, nil, "payments", "payments-dlt"); err != nil {
		t.Fatal(err)
	}

	_, url := startRegistry(t)
	reg, err := serde.NewClient(serde.ClientOptions{URL: url})
	if err != nil {
		t.Fatal(err)
	}
	codec, err := serde.NewCodec[payments.PaymentValidated](serde.New(reg), serde.CodecOptions{Topic: "payments", AutoRegister: true})
	if err != nil {
		t.Fatal(err)
	}
	prod, err := kafka.NewProducer(ctx, kafka.Encoder[payments.PaymentValidated](codec),
		kafka.ProducerOptions[payments.PaymentValidated]{Config: cfg, Topic: "payments", KeyField: "orderId"})
	if err != nil {
		t.Fatal(err)
	}
	defer prod.Close(ctx)

	db, err := sql.Open("sqlite", "file:"+filepath.Join(t.TempDir(), "orders.db")+
		"?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_txlock=immediate")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`CREATE TABLE orders (payment_id TEXT NOT NULL, order_id TEXT NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	store, err := inbox.New(db, inbox.Options{Consumer: "order-service"})
	if err != nil {
		t.Fatal(err)
	}
	if err := store.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	errPoison := errors.New("payment refused: customer is blocked")
	handler := kafka.Dedup(store, func(ctx context.Context, m *kafka.Message[payments.PaymentValidated], tx *sql.Tx) error {
		if m.Value.CustomerID == "poison" {
			return kafka.Permanent(errPoison)
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO orders (payment_id, order_id) VALUES ($1, $2)`, m.Value.PaymentID, m.Value.OrderID.String())
		return err
	})
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	newConsumer := func() *kafka.Consumer[payments.PaymentValidated] {
		c, err := kafka.NewConsumer(kafka.Decoder[payments.PaymentValidated](codec), handler, kafka.ConsumerOptions{
			Config: cfg, Group: "order-service", Topics: []string{"payments"}, Logger: quiet,
			Retry: kafka.Backoff{Attempts: -1, Initial: 10 * time.Millisecond, Max: 200 * time.Millisecond},
		})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	run := func(c *kafka.Consumer[payments.PaymentValidated]) func() {
		cctx, cancel := context.WithCancel(ctx)
		done := make(chan error, 1)
		go func() { done <- c.Run(cctx) }()
		return func() {
			cancel()
			if err := <-done; err != nil {
				t.Error(err)
			}
		}
	}

	var sendErrs atomic.Int64
	send := func(from, to int) {
		for i := from; i < to; i++ {
			ev := newPayment(i, i%(N/P) == 0)
			prod.SendAsync(ctx, ev, func(_ kafka.Delivery, err error) {
				if err != nil {
					sendErrs.Add(1)
					t.Error(err)
				}
			})
			if i%(N/D) == 1 { // a duplicate send of the same event
				prod.SendAsync(ctx, ev, nil)
			}
		}
		if err := prod.Flush(ctx); err != nil {
			t.Fatal(err)
		}
	}

	c1 := newConsumer()
	stop1 := run(c1)
	send(0, N/3)
	c2 := newConsumer()
	stop2 := run(c2)
	stop1() // the first member leaves: its partitions move to c2
	t0 := time.Now()
	if err := b.Restart(ctx); err != nil {
		t.Fatal(err)
	}
	t.Logf("broker restarted in %v", time.Since(t0).Round(time.Millisecond))
	send(N/3, N)
	c3 := newConsumer()
	stop3 := run(c3)

	countOrders := func() (rows, distinct int) {
		db.QueryRow(`SELECT COUNT(*), COUNT(DISTINCT payment_id) FROM orders`).Scan(&rows, &distinct)
		return
	}
	waitFor(t, fmt.Sprintf("%d orders", N-P), func() bool { rows, _ := countOrders(); return rows >= N-P })
	ends, err := adm.ListEndOffsets(ctx, "payments")
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the group's commits at the end of every partition", func() bool {
		offs, err := adm.FetchOffsets(ctx, "order-service")
		if err != nil {
			t.Fatal(err)
		}
		lag := int64(0)
		ends.Each(func(e kadm.ListedOffset) {
			o, _ := offs.Lookup(e.Topic, e.Partition)
			lag += e.Offset - o.At
		})
		return lag == 0
	})
	stop2()
	stop3()
	// Every dead letter is written by now (before the commits past it);
	// read the topic to its end, not just the first P records.
	dlt := readTopic(t, b.Bootstrap(), "payments-dlt", -1)

	rows, distinct := countOrders()
	if rows != N-P || distinct != N-P {
		t.Errorf("%d orders (%d distinct payments), want exactly %d", rows, distinct, N-P)
	}
	if len(dlt) != P {
		t.Errorf("%d dead letters, want %d", len(dlt), P)
	}
	src := readTopic(t, b.Bootstrap(), "payments", N+D)
	poison := map[string]*kgo.Record{}
	for _, r := range src {
		var v payments.PaymentValidated
		if err := codec.Decode(ctx, r.Value, &v); err != nil {
			t.Fatal(err)
		}
		if v.CustomerID == "poison" {
			poison[string(r.Value)] = r
		}
	}
	for _, d := range dlt {
		orig, ok := poison[string(d.Value)]
		if !ok || string(orig.Key) != string(d.Key) {
			t.Errorf("dead letter %q is not a poison record byte for byte", d.Key)
		}
		if class, _ := kafka.HeaderValue(d.Headers, kafka.HeaderDLTExceptionMessage); string(class) != errPoison.Error() {
			t.Errorf("dead letter message %q", class)
		}
	}
	var s kafka.Stats
	for _, c := range []*kafka.Consumer[payments.PaymentValidated]{c1, c2, c3} {
		x := c.Stats()
		s.Handled += x.Handled
		s.Duplicates += x.Duplicates
		s.DeadLettered += x.DeadLettered
		s.Abandoned += x.Abandoned
		s.DeadLetterRepeats += x.DeadLetterRepeats
	}
	t.Logf("N=%d D=%d P=%d: handled %d (duplicates skipped %d), dead-lettered %d (found already dead-lettered by a previous owner %d), left to the next owner %d",
		N, D, P, s.Handled, s.Duplicates, s.DeadLettered, s.DeadLetterRepeats, s.Abandoned)
	if s.Duplicates < D {
		t.Errorf("%d duplicates skipped, want at least the %d duplicate sends", s.Duplicates, D)
	}
}

// newPayment is the i-th payment of the run; poison ones are refused by the
// handler.
func newPayment(i int, poison bool) *payments.PaymentValidated {
	var id, order avro.UUID
	copy(id[:], fmt.Sprintf("evt-%012d", i))
	copy(order[:], fmt.Sprintf("ord-%012d", i))
	customer := "cust-" + strconv.Itoa(i%97)
	if poison {
		customer = "poison"
	}
	ev := &payments.PaymentValidated{PaymentID: "pay-" + strconv.Itoa(i), OrderID: order, CustomerID: customer,
		Method: payments.PaymentMethodCard, ProviderReference: "psp-" + strconv.Itoa(i)}
	ev.Metadata.EventID = id
	ev.Metadata.EventType = "PaymentValidated"
	ev.Metadata.OccurredAt = time.UnixMilli(1795788916789 + int64(i))
	ev.Metadata.Producer = "payment-service"
	ev.Amount.Amount = avro.NewDecimal(int64(1999+i), 2)
	ev.Amount.Currency = "EUR"
	return ev
}

// readTopic reads n records of topic from the start; n < 0 reads up to
// the end offsets of its partitions as they are now.
func readTopic(t *testing.T, bootstrap, topic string, n int) []*kgo.Record {
	t.Helper()
	if n < 0 {
		n = endOffsetsSum(t, bootstrap, topic)
	}
	cl, err := kgo.NewClient(kgo.SeedBrokers(bootstrap), kgo.ConsumeTopics(topic), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var out []*kgo.Record
	for len(out) < n {
		fs := cl.PollFetches(ctx)
		if ctx.Err() != nil {
			t.Fatalf("read %d of %d records of %s", len(out), n, topic)
		}
		out = append(out, fs.Records()...)
	}
	return out
}

// endOffsetsSum is the number of records in topic (no compaction, no
// deletion, no transactions in these tests).
func endOffsetsSum(t *testing.T, bootstrap, topic string) int {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(bootstrap))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ends, err := kadm.NewClient(cl).ListEndOffsets(context.Background(), topic)
	if err == nil {
		err = ends.Error()
	}
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	ends.Each(func(o kadm.ListedOffset) { n += int(o.Offset) })
	return n
}

// waitFor checks cond, a state observed in the broker or the database,
// every 20 ms until it holds, failing after 3 minutes.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	limit := time.After(3 * time.Minute)
	for !cond() {
		select {
		case <-tick.C:
		case <-limit:
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}
