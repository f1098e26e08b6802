package inbox

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"gitlab.com/acme/avroctl/kafka"
)

// event and jsonCodec stand in for a generated type and its serde codec.
type event struct {
	Metadata struct {
		EventID string `avro:"eventId"`
	} `avro:"metadata"`
	OrderID string `avro:"orderId"`
}

type jsonCodec struct{}

func (jsonCodec) ID(context.Context) (int, error) { return 1, nil }
func (jsonCodec) FullName() string                { return "com.acme.test.Event" }
func (jsonCodec) AppendEncode(_ context.Context, dst []byte, v *event) ([]byte, error) {
	b, err := json.Marshal(v)
	return append(append(dst, 0, 0, 0, 0, 1), b...), err
}
func (jsonCodec) Decode(_ context.Context, frame []byte, v *event) error {
	if id, ok := kafka.SchemaID(frame); !ok || id != 1 {
		return errors.New("bad frame")
	}
	return json.Unmarshal(frame[5:], v)
}

// TestRedeliveryAfterLostCommits: a consumer handles every event with the
// SQLite inbox; then the group's offsets go back to the start, as after a
// crash before any commit, and a new consumer gets everything again. The
// inbox skips every redelivered event: no second order, all committed.
func TestRedeliveryAfterLostCommits(t *testing.T) {
	const n = 300
	ctx := context.Background()
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(3, "payments", "payments-dlt"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	cfg := kafka.Config{Brokers: c.ListenAddrs()}
	p, err := kafka.NewProducer(ctx, kafka.Encoder[event](jsonCodec{}), kafka.ProducerOptions[event]{Config: cfg, Topic: "payments", KeyField: "orderId"})
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		e := &event{OrderID: "o-" + strconv.Itoa(i%17)}
		e.Metadata.EventID = "e-" + strconv.Itoa(i)
		p.SendAsync(ctx, e, func(_ kafka.Delivery, err error) {
			if err != nil {
				t.Error(err)
			}
		})
	}
	if err := p.Close(ctx); err != nil {
		t.Fatal(err)
	}

	db, err := sql.Open("sqlite", "file:"+filepath.Join(t.TempDir(), "orders.db")+
		"?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_txlock=immediate")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`CREATE TABLE orders (event_id TEXT NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	store := newStore(t, db, "order-service")
	handled := make(chan struct{}, 2*n)
	h := kafka.Dedup(store, func(ctx context.Context, m *kafka.Message[event], tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO orders (event_id) VALUES ($1)`, m.EventID)
		return err
	})
	counted := func(ctx context.Context, m *kafka.Message[event]) error {
		err := h(ctx, m)
		if err == nil {
			handled <- struct{}{}
		}
		return err
	}
	run := func() *kafka.Consumer[event] {
		cons, err := kafka.NewConsumer(kafka.Decoder[event](jsonCodec{}), counted, kafka.ConsumerOptions{
			Config: cfg, Group: "order-service", Topics: []string{"payments"},
			CommitInterval: 10 * time.Millisecond, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
			Retry: kafka.Backoff{Attempts: -1, Initial: time.Millisecond, Max: 10 * time.Millisecond},
		})
		if err != nil {
			t.Fatal(err)
		}
		cctx, cancel := context.WithCancel(ctx)
		done := make(chan error)
		go func() { done <- cons.Run(cctx) }()
		for range n {
			<-handled
		}
		cancel()
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		return cons
	}
	first := run()

	// Lose the commits.
	admCl, err := kgo.NewClient(kgo.SeedBrokers(c.ListenAddrs()...))
	if err != nil {
		t.Fatal(err)
	}
	defer admCl.Close()
	adm := kadm.NewClient(admCl)
	start := kadm.Offsets{}
	for p := range int32(3) {
		start.Add(kadm.Offset{Topic: "payments", Partition: p, At: 0, LeaderEpoch: -1})
	}
	if _, err := adm.CommitOffsets(ctx, "order-service", start); err != nil {
		t.Fatal(err)
	}
	second := run()

	var rows, distinct int
	db.QueryRow(`SELECT COUNT(*), COUNT(DISTINCT event_id) FROM orders`).Scan(&rows, &distinct)
	if rows != n || distinct != n {
		t.Errorf("%d orders for %d distinct events, want %d each", rows, distinct, n)
	}
	s1, s2 := first.Stats(), second.Stats()
	if s1.Duplicates != 0 || s2.Duplicates != n {
		t.Errorf("duplicates skipped: first run %d, second %d; want 0 and %d", s1.Duplicates, s2.Duplicates, n)
	}
}
