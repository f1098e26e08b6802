package kafka

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

var fastRetry = Backoff{Attempts: 3, Initial: time.Millisecond, Max: 2 * time.Millisecond}

func consumerOpts(brokers []string, group string, topics ...string) ConsumerOptions {
	return ConsumerOptions{Config: Config{Brokers: brokers}, Group: group, Topics: topics,
		Retry: fastRetry, CommitInterval: 10 * time.Millisecond,
		Logger: testLogger()}
}

// TestConsumerKeyOrderAndCommits: every event is handled once, the events
// of one key in order while keys run in parallel, and at shutdown the
// group's committed offsets are the partitions' ends.
func TestConsumerKeyOrderAndCommits(t *testing.T) {
	brokers := cluster(t, 3, "orders", "orders-dlt")
	const keys, perKey = 20, 30
	var evs []*testEvent
	for s := range perKey {
		for k := range keys {
			evs = append(evs, newEvent(fmt.Sprintf("e-%d-%d", k, s), "order-"+strconv.Itoa(k), s))
		}
	}
	produce(t, brokers, "orders", evs...)

	var (
		mu          sync.Mutex
		last        = map[string]int{}
		running     atomic.Int32
		maxParallel atomic.Int32
		all         = make(chan struct{})
		n           int
	)
	h := func(ctx context.Context, m *Message[testEvent]) error {
		r := running.Add(1)
		defer running.Add(-1)
		for {
			mx := maxParallel.Load()
			if r <= mx || maxParallel.CompareAndSwap(mx, r) {
				break
			}
		}
		if m.Value.Seq%7 == 0 {
			time.Sleep(time.Millisecond) // let other keys overtake
		}
		mu.Lock()
		defer mu.Unlock()
		if prev, ok := last[m.Value.OrderID]; ok && m.Value.Seq != prev+1 || !ok && m.Value.Seq != 0 {
			t.Errorf("key %s: seq %d after %d", m.Value.OrderID, m.Value.Seq, prev)
		}
		last[m.Value.OrderID] = m.Value.Seq
		if n++; n == keys*perKey {
			close(all)
		}
		return nil
	}
	c, err := NewConsumer(Decoder[testEvent](&jsonCodec{id: 7}), h, consumerOpts(brokers, "g", "orders"))
	if err != nil {
		t.Fatal(err)
	}
	stop := runConsumer(t, c)
	receive(t, "every event handled", all)
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	var total int64
	for p, off := range committed(t, brokers, "g", "orders") {
		total += off
		_ = p
	}
	if total != keys*perKey {
		t.Errorf("committed offsets sum to %d, want %d", total, keys*perKey)
	}
	if s := c.Stats(); s.Handled != keys*perKey || s.DeadLettered != 0 {
		t.Errorf("stats %+v", s)
	}
	if maxParallel.Load() < 2 {
		t.Errorf("at most %d handlers ran at once; want parallelism across keys", maxParallel.Load())
	}
}

// TestConsumerCommitsContiguousPrefix: a record still in its handler holds
// the partition's commit point, however many later records finished.
func TestConsumerCommitsContiguousPrefix(t *testing.T) {
	brokers := cluster(t, 1, "orders", "orders-dlt")
	var evs []*testEvent
	for i := range 10 {
		evs = append(evs, newEvent("e-"+strconv.Itoa(i), "order-"+strconv.Itoa(i), i))
	}
	produce(t, brokers, "orders", evs...)
	release := make(chan struct{})
	h := func(ctx context.Context, m *Message[testEvent]) error {
		if m.Offset == 2 {
			// ctx too: if the test fails first, the shutdown still ends.
			select {
			case <-release:
			case <-ctx.Done():
			}
		}
		return nil
	}
	c, err := NewConsumer(Decoder[testEvent](&jsonCodec{id: 7}), h, consumerOpts(brokers, "g", "orders"))
	if err != nil {
		t.Fatal(err)
	}
	stop := runConsumer(t, c)
	eventually(t, "offsets 0, 1 and 3-9 finished, 2 not", func() bool {
		point, past := commitState(c, "orders", 0)
		return point == 2 && past == 7
	})
	// The commit loop's round under way may have begun before the last of
	// them finished; the one after it begins after. Counting commits would
	// not do: 2 may have been committed before, and a round with nothing
	// new commits nothing.
	rounds := c.commitRounds.Load()
	eventually(t, "a commit round begun after they finished", func() bool { return c.commitRounds.Load() >= rounds+2 })
	if got := committed(t, brokers, "g", "orders")[0]; got != 2 {
		t.Errorf("committed %d while offset 2 is in its handler, want 2", got)
	}
	close(release)
	eventually(t, "commit of all ten", func() bool { return committed(t, brokers, "g", "orders")[0] == 10 })
	if err := stop(); err != nil {
		t.Fatal(err)
	}
}

// commitState returns the commit point of c's partition topic/id (-1 if
// nothing finished) and how many records past it are finished.
func commitState[T any](c *Consumer[T], topic string, id int32) (point int64, finishedPast int) {
	c.mu.Lock()
	p := c.parts[topicPartition{topic, id}]
	c.mu.Unlock()
	if p == nil {
		return -1, 0
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	point = -1
	if p.hasNext {
		point = p.next.Offset
	}
	for _, e := range p.pending[p.head:] {
		if e.done {
			finishedPast++
		}
	}
	return point, finishedPast
}

// TestConsumerDeadLetters: a permanent error, an undecodable frame, a
// panic and a transient error that outlasts its retries each go to the
// dead-letter topic with the original key, value and headers and
// Spring's headers; the consumer goes on and commits past them.
func TestConsumerDeadLetters(t *testing.T) {
	brokers := cluster(t, 1, "orders", "orders-dlt")
	produce(t, brokers, "orders",
		newEvent("ok-1", "a", 1), newEvent("permanent", "b", 2), newEvent("panic", "c", 3),
		newEvent("transient", "d", 4))
	// A frame with a schema id the codec does not know, and one that is
	// not a frame at all, written raw with an extra header.
	raw := client(t, brokers)
	for _, v := range [][]byte{{0, 0, 0, 0, 99, '{', '}'}, []byte("plain text")} {
		r := &kgo.Record{Topic: "orders", Key: []byte("e"), Value: v,
			Headers: []kgo.RecordHeader{{Key: "x-trace", Value: []byte("t1")}, {Key: HeaderID, Value: []byte("raw")}}}
		if err := raw.ProduceSync(context.Background(), r).FirstErr(); err != nil {
			t.Fatal(err)
		}
	}
	produce(t, brokers, "orders", newEvent("ok-2", "a", 5))

	var transientCalls atomic.Int32
	done := make(chan struct{})
	h := func(ctx context.Context, m *Message[testEvent]) error {
		switch m.EventID {
		case "permanent":
			return Permanent(fmt.Errorf("order %s: %w", m.Value.OrderID, errRefused))
		case "panic":
			panic("boom")
		case "transient":
			transientCalls.Add(1)
			return errors.New("database down")
		case "ok-2":
			close(done)
		}
		return nil
	}
	c, err := NewConsumer(Decoder[testEvent](&jsonCodec{id: 7}), h, consumerOpts(brokers, "g", "orders"))
	if err != nil {
		t.Fatal(err)
	}
	stop := runConsumer(t, c)
	receive(t, "ok-2 handled", done)
	dl := readAll(t, brokers, "orders-dlt", 5)
	eventually(t, "commit past the dead letters", func() bool { return committed(t, brokers, "g", "orders")[0] == 7 })
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if got := transientCalls.Load(); got != 3 {
		t.Errorf("transient handler called %d times, want Retry.Attempts = 3", got)
	}
	src := readAll(t, brokers, "orders", 7)
	byOffset := map[int64]*kgo.Record{}
	for _, r := range src {
		byOffset[r.Offset] = r
	}
	wantClass := map[int64]string{
		1: "gitlab.com/acme/avroctl/kafka.testRefusal",
		2: "gitlab.com/acme/avroctl/kafka.PanicError",
		3: "gitlab.com/acme/avroctl/kafka.RetriesExhaustedError",
		4: "gitlab.com/acme/avroctl/kafka.DecodeError",
		5: "gitlab.com/acme/avroctl/kafka.DecodeError",
	}
	for _, d := range dl {
		off, ok := headerInt64(d.Headers, HeaderDLTOriginalOffset)
		if !ok {
			t.Fatalf("dead letter without %s: %v", HeaderDLTOriginalOffset, d.Headers)
		}
		orig := byOffset[off]
		if string(d.Key) != string(orig.Key) || string(d.Value) != string(orig.Value) {
			t.Errorf("offset %d: dead letter key/value %q/%q, want the original %q/%q", off, d.Key, d.Value, orig.Key, orig.Value)
		}
		for i, h := range orig.Headers {
			if d.Headers[i].Key != h.Key || string(d.Headers[i].Value) != string(h.Value) {
				t.Errorf("offset %d: header %d = %s=%q, want the original %s=%q first", off, i, d.Headers[i].Key, d.Headers[i].Value, h.Key, h.Value)
			}
		}
		str := func(k string) string { v, _ := HeaderValue(d.Headers, k); return string(v) }
		if p, _ := headerInt32(d.Headers, HeaderDLTOriginalPartition); p != 0 || str(HeaderDLTOriginalTopic) != "orders" ||
			str(HeaderDLTOriginalConsumerGroup) != "g" || str(HeaderDLTOriginalTimestampType) != "CreateTime" {
			t.Errorf("offset %d: origin headers %v", off, d.Headers)
		}
		if ts, _ := headerInt64(d.Headers, HeaderDLTOriginalTimestamp); ts != orig.Timestamp.UnixMilli() {
			t.Errorf("offset %d: original timestamp %d, want %d", off, ts, orig.Timestamp.UnixMilli())
		}
		if got := str(HeaderDLTExceptionFQCN); got != wantClass[off] {
			t.Errorf("offset %d: class %q, want %q", off, got, wantClass[off])
		}
		if str(HeaderDLTExceptionMessage) == "" || str(HeaderDLTExceptionStacktrace) == "" {
			t.Errorf("offset %d: no exception message or trace", off)
		}
		wantID := "7"
		switch off {
		case 4:
			wantID = "99"
		case 5:
			wantID = ""
		}
		if got := str(HeaderDLTOriginalSchemaID); got != wantID {
			t.Errorf("offset %d: schema id header %q, want %q", off, got, wantID)
		}
		delete(wantClass, off)
	}
	if len(wantClass) != 0 {
		t.Errorf("not dead-lettered: offsets %v", wantClass)
	}
	for _, d := range dl {
		off, _ := headerInt64(d.Headers, HeaderDLTOriginalOffset)
		trace, _ := HeaderValue(d.Headers, HeaderDLTExceptionStacktrace)
		if off == 2 && !strings.Contains(string(trace), "consumer_test.go") {
			t.Errorf("panic trace does not show the handler's stack:\n%s", trace)
		}
	}
}

type testRefusal struct{ reason string }

func (e *testRefusal) Error() string { return e.reason }

var errRefused error = &testRefusal{"refused by rule R1"}

// TestConsumerRetryTopics: a record whose in-place retries fail goes
// through the group's retry topics, carrying its attempt count, and is
// handled there.
func TestConsumerRetryTopics(t *testing.T) {
	o := RetryTopic("orders", "g", 0)
	o1 := RetryTopic("orders", "g", 1)
	brokers := cluster(t, 1, "orders", "orders-dlt", o, o1)
	produce(t, brokers, "orders", newEvent("flaky", "a", 1))
	type call struct {
		topic   string
		attempt int
	}
	calls := make(chan call, 10)
	h := func(ctx context.Context, m *Message[testEvent]) error {
		calls <- call{m.Topic, m.Attempt}
		if m.Attempt < 4 {
			return Transient(errors.New("not yet"))
		}
		return nil
	}
	opts := consumerOpts(brokers, "g", "orders")
	opts.Retry.Attempts = 2
	opts.RetryDelays = []time.Duration{time.Millisecond, time.Millisecond}
	c, err := NewConsumer(Decoder[testEvent](&jsonCodec{id: 7}), h, opts)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(c.Topics(), ","); got != "orders,orders-dlt,"+o+","+o1 {
		t.Errorf("Topics() = %s", got)
	}
	stop := runConsumer(t, c)
	want := []call{{"orders", 1}, {"orders", 2}, {o, 3}, {o1, 4}}
	for _, w := range want {
		if got := receive(t, fmt.Sprintf("call %+v", w), calls); got != w {
			t.Errorf("call %+v, want %+v", got, w)
		}
	}
	eventually(t, "commit on the last retry topic", func() bool { return committed(t, brokers, "g", o1)[0] == 1 })
	stop()
	if s := c.Stats(); s.RetryTopic != 2 || s.DeadLettered != 0 || s.Handled != 1 {
		t.Errorf("stats %+v", s)
	}
}

func TestConsumerMissingTopics(t *testing.T) {
	brokers := cluster(t, 1, "orders")
	c, err := NewConsumer(Decoder[testEvent](&jsonCodec{id: 7}),
		func(context.Context, *Message[testEvent]) error { return nil }, consumerOpts(brokers, "g", "orders"))
	if err != nil {
		t.Fatal(err)
	}
	err = c.Run(context.Background())
	if err == nil || !strings.Contains(err.Error(), "orders-dlt") {
		t.Errorf("Run = %v, want an error naming the missing orders-dlt", err)
	}
}

// TestDedupSkipsRedeliveredEvents: the same event id twice (a producer
// retry, a redelivery) has one effect; both records are committed.
func TestDedupSkipsRedeliveredEvents(t *testing.T) {
	brokers := cluster(t, 2, "orders", "orders-dlt")
	produce(t, brokers, "orders", newEvent("e-1", "a", 1), newEvent("e-2", "b", 1), newEvent("e-1", "a", 1), newEvent("e-3", "c", 1))
	raw := client(t, brokers)
	if err := raw.ProduceSync(context.Background(), &kgo.Record{Topic: "orders", Key: []byte("a"),
		Value: mustEncode(t, newEvent("", "a", 2))}).FirstErr(); err != nil {
		t.Fatal(err)
	}
	inbox := NewMemoryInbox(10)
	var effects sync.Map
	var count atomic.Int32
	done := make(chan struct{})
	h := Dedup(inbox, func(ctx context.Context, m *Message[testEvent], _ struct{}) error {
		if _, loaded := effects.LoadOrStore(m.EventID, true); loaded {
			t.Errorf("second effect for %s", m.EventID)
		}
		if count.Add(1) == 3 {
			close(done)
		}
		return nil
	})
	c, err := NewConsumer(Decoder[testEvent](&jsonCodec{id: 7}), h, consumerOpts(brokers, "g", "orders"))
	if err != nil {
		t.Fatal(err)
	}
	stop := runConsumer(t, c)
	receive(t, "three effects", done)
	readAll(t, brokers, "orders-dlt", 1) // the record without ce_id
	eventually(t, "duplicate counted", func() bool { return c.Stats().Duplicates == 1 })
	stop()
	if s := c.Stats(); s.Handled != 4 || s.DeadLettered != 1 {
		t.Errorf("stats %+v, want 4 handled (one duplicate) and 1 dead letter", s)
	}
}

func mustEncode(t *testing.T, e *testEvent) []byte {
	b, err := (&jsonCodec{id: 7}).AppendEncode(context.Background(), nil, e)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestConsumerGroupHandOver: a second member joins and the first leaves
// while events flow; every event is handled at least once and, with the
// inbox shared as a database would be, has exactly one effect.
func TestConsumerGroupHandOver(t *testing.T) {
	brokers := cluster(t, 4, "orders", "orders-dlt")
	const n = 400
	inbox := NewMemoryInbox(n)
	var effects sync.Map
	var count atomic.Int32
	all := make(chan struct{})
	h := Dedup(inbox, func(ctx context.Context, m *Message[testEvent], _ struct{}) error {
		if _, loaded := effects.LoadOrStore(m.EventID, true); loaded {
			t.Errorf("second effect for %s", m.EventID)
		}
		if count.Add(1) == n {
			close(all)
		}
		return nil
	})
	newC := func() *Consumer[testEvent] {
		c, err := NewConsumer(Decoder[testEvent](&jsonCodec{id: 7}), h, consumerOpts(brokers, "g", "orders"))
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	var evs []*testEvent
	for i := range n {
		evs = append(evs, newEvent("e-"+strconv.Itoa(i), "k-"+strconv.Itoa(i%37), i))
	}
	c1 := newC()
	stop1 := runConsumer(t, c1)
	produce(t, brokers, "orders", evs[:n/2]...)
	eventually(t, "first member busy", func() bool { return count.Load() > 0 })
	c2 := newC()
	stop2 := runConsumer(t, c2)
	if err := stop1(); err != nil {
		t.Fatal(err)
	}
	produce(t, brokers, "orders", evs[n/2:]...)
	receive(t, "every event handled", all)
	eventually(t, "all committed", func() bool {
		var sum int64
		for _, o := range committed(t, brokers, "g", "orders") {
			sum += o
		}
		return sum == n
	})
	stop2()
}

// testLogger discards the consumer's log, or with KAFKA_TEST_LOG=1 prints
// it with debug lines.
func testLogger() *slog.Logger {
	if os.Getenv("KAFKA_TEST_LOG") == "1" {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}
