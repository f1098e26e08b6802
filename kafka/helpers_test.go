package kafka

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
)

// testEvent has the shape of a generated event: an EventMetadata record
// and a business key.
type testEvent struct {
	Metadata struct {
		EventID    string    `avro:"eventId"`
		Producer   string    `avro:"producer"`
		OccurredAt time.Time `avro:"occurredAt"`
	} `avro:"metadata"`
	OrderID string `avro:"orderId"`
	Seq     int    `avro:"seq"`
}

func newEvent(id, order string, seq int) *testEvent {
	e := &testEvent{OrderID: order, Seq: seq}
	e.Metadata.EventID = id
	e.Metadata.Producer = "test-service"
	e.Metadata.OccurredAt = time.UnixMilli(1795788916789)
	return e
}

// jsonCodec stands in for the events serde: the Confluent header (magic
// byte 0, schema id) over JSON.
type jsonCodec struct {
	id    int
	idErr error
}

var errUnknownSchema = errors.New("unknown schema")

func (c *jsonCodec) ID(context.Context) (int, error) { return c.id, c.idErr }
func (c *jsonCodec) FullName() string                { return "com.acme.test.TestEvent" }
func (c *jsonCodec) AppendEncode(_ context.Context, dst []byte, v *testEvent) ([]byte, error) {
	dst = append(dst, 0)
	dst = binary.BigEndian.AppendUint32(dst, uint32(c.id))
	b, err := json.Marshal(v)
	return append(dst, b...), err
}
func (c *jsonCodec) Decode(_ context.Context, frame []byte, v *testEvent) error {
	id, ok := SchemaID(frame)
	if !ok {
		return fmt.Errorf("not a frame: %q", frame)
	}
	if id != c.id {
		return fmt.Errorf("schema id %d: %w", id, errUnknownSchema)
	}
	return json.Unmarshal(frame[5:], v)
}

// cluster starts an in-memory kfake cluster with the topics.
func cluster(t *testing.T, partitions int32, topics ...string) []string {
	t.Helper()
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(partitions, topics...))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c.ListenAddrs()
}

func client(t *testing.T, brokers []string, opts ...kgo.Opt) *kgo.Client {
	t.Helper()
	cl, err := kgo.NewClient(append([]kgo.Opt{kgo.SeedBrokers(brokers...)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cl.Close)
	return cl
}

// produce writes events with the producer under test.
func produce(t *testing.T, brokers []string, topic string, evs ...*testEvent) {
	t.Helper()
	ctx := context.Background()
	p, err := NewProducer(ctx, Encoder[testEvent](&jsonCodec{id: 7}), ProducerOptions[testEvent]{
		Config: Config{Brokers: brokers}, Topic: topic, KeyField: "orderId"})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close(ctx)
	for _, e := range evs {
		p.SendAsync(ctx, e, func(_ Delivery, err error) {
			if err != nil {
				t.Error(err)
			}
		})
	}
	if err := p.Flush(ctx); err != nil {
		t.Fatal(err)
	}
}

// readAll reads every record of topic from the start until n are read.
func readAll(t *testing.T, brokers []string, topic string, n int) []*kgo.Record {
	t.Helper()
	cl := client(t, brokers, kgo.ConsumeTopics(topic), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var out []*kgo.Record
	for len(out) < n {
		fs := cl.PollFetches(ctx)
		if err := ctx.Err(); err != nil {
			t.Fatalf("read %d of %d records from %s: %v", len(out), n, topic, err)
		}
		out = append(out, fs.Records()...)
	}
	return out
}

// committed returns the group's committed offsets of topic by partition.
func committed(t *testing.T, brokers []string, group, topic string) map[int32]int64 {
	t.Helper()
	adm := kadm.NewClient(client(t, brokers))
	os, err := adm.FetchOffsets(context.Background(), group)
	if err != nil {
		t.Fatal(err)
	}
	out := map[int32]int64{}
	os.Each(func(o kadm.OffsetResponse) {
		if o.Topic == topic {
			out[o.Partition] = o.At
		}
	})
	return out
}

// runConsumer runs c in the background; stop cancels it and waits for Run.
func runConsumer[T any](t *testing.T, c *Consumer[T]) (stop func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- c.Run(ctx) }()
	var once bool
	var err error
	stop = func() error {
		if !once {
			once = true
			cancel()
			err = <-done
		}
		return err
	}
	t.Cleanup(func() { stop() })
	return stop
}

// receive waits for a value on ch; it fails the test after a generous
// bound, so that a consumer that never delivers fails instead of holding
// the test binary until its timeout.
func receive[V any](t *testing.T, what string, ch <-chan V) V {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(60 * time.Second):
		t.Fatalf("timed out waiting for %s", what)
		panic("unreachable")
	}
}

// eventually waits for cond, observing it after each step of the system
// under test; it fails the test after a generous bound.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
