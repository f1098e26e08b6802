package kafka

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestRetryingRecordDoesNotHoldTheGroup: a record in a long backoff (a
// minute) neither holds a rebalance nor a shutdown: its partition moves to
// the new member, which handles it, and nothing is committed past it by
// the member that gave up.
func TestRetryingRecordDoesNotHoldTheGroup(t *testing.T) {
	brokers := cluster(t, 2, "orders", "orders-dlt")
	// Keys chosen to land on both partitions.
	var evs []*testEvent
	for i := range 8 {
		evs = append(evs, newEvent("e-"+strconv.Itoa(i), "k-"+strconv.Itoa(i), i))
	}
	produce(t, brokers, "orders", evs...)

	var firstCalls atomic.Int32
	first := func(ctx context.Context, m *Message[testEvent]) error {
		firstCalls.Add(1)
		return errors.New("downstream unavailable")
	}
	handledBySecond := make(chan string, 16)
	second := func(ctx context.Context, m *Message[testEvent]) error {
		handledBySecond <- m.EventID
		return nil
	}
	opts := consumerOpts(brokers, "g", "orders")
	opts.Retry = Backoff{Attempts: -1, Initial: time.Hour, Max: time.Hour}
	c1, err := NewConsumer(Decoder[testEvent](&jsonCodec{id: 7}), first, opts)
	if err != nil {
		t.Fatal(err)
	}
	stop1 := runConsumer(t, c1)
	eventually(t, "the first member stuck on both partitions", func() bool { return firstCalls.Load() >= 2 })

	opts.Retry = fastRetry
	c2, err := NewConsumer(Decoder[testEvent](&jsonCodec{id: 7}), second, opts)
	if err != nil {
		t.Fatal(err)
	}
	stop2 := runConsumer(t, c2)
	// The rebalance completes and the second member handles records of the
	// partition it got, the stuck one included, while the first member is
	// still in its one-minute backoff on the other.
	// (The bound tells a revocation that waits out the hour-long backoff
	// from one that does not; it asserts no speed.)
	var firstID string
	select {
	case firstID = <-handledBySecond:
	case <-time.After(2 * time.Minute):
		t.Fatal("the second member got nothing: the rebalance waits for the first member's backoff")
	}
	got := map[string]bool{firstID: true}
	if err := stop1(); err != nil {
		t.Fatal(err)
	}
	for len(got) < len(evs) {
		got[receive(t, "the second member's next record", handledBySecond)] = true
	}
	stop2()
	if s := c1.Stats(); s.Handled != 0 || s.Abandoned == 0 {
		t.Errorf("first member stats %+v: want nothing handled and the stuck records abandoned", s)
	}
	var sum int64
	for _, o := range committed(t, brokers, "g", "orders") {
		sum += o
	}
	if sum != int64(len(evs)) {
		t.Errorf("committed %d, want %d", sum, len(evs))
	}
}

// TestTransientDecodeErrorIsRetried: a decode error the codec calls
// temporary (the registry is down) is retried in place, not dead-lettered.
func TestTransientDecodeErrorIsRetried(t *testing.T) {
	brokers := cluster(t, 1, "orders", "orders-dlt")
	produce(t, brokers, "orders", newEvent("e-1", "a", 1))
	var fails atomic.Int32
	fails.Store(2)
	dec := &flakyDecoder{jsonCodec: jsonCodec{id: 7}, fails: &fails}
	done := make(chan *Message[testEvent], 1)
	c, err := NewConsumer(Decoder[testEvent](dec), func(ctx context.Context, m *Message[testEvent]) error {
		select {
		case done <- m:
		default:
			t.Errorf("event %s handled again (attempt %d)", m.EventID, m.Attempt)
		}
		return nil
	}, consumerOpts(brokers, "g", "orders"))
	if err != nil {
		t.Fatal(err)
	}
	stop := runConsumer(t, c)
	m := receive(t, "the record handled", done)
	stop()
	if m.Attempt != 3 || c.Stats().DeadLettered != 0 || c.Stats().Retries != 2 {
		t.Errorf("attempt %d, stats %+v; want the third attempt, two retries, no dead letter", m.Attempt, c.Stats())
	}
}

type flakyDecoder struct {
	jsonCodec
	fails *atomic.Int32
}

type registryDown struct{}

func (registryDown) Error() string   { return "schema registry unavailable" }
func (registryDown) Temporary() bool { return true }

func (d *flakyDecoder) Decode(ctx context.Context, frame []byte, v *testEvent) error {
	if d.fails.Add(-1) >= 0 {
		return registryDown{}
	}
	return d.jsonCodec.Decode(ctx, frame, v)
}

// TestShutdownLetsRunningHandlerFinish: Run's context ends while a handler
// runs; the handler finishes, its record is committed, the group is left.
func TestShutdownLetsRunningHandlerFinish(t *testing.T) {
	brokers := cluster(t, 1, "orders", "orders-dlt")
	produce(t, brokers, "orders", newEvent("e-1", "a", 1))
	started, release := make(chan struct{}), make(chan struct{})
	var ctxErr error
	c, err := NewConsumer(Decoder[testEvent](&jsonCodec{id: 7}), func(ctx context.Context, m *Message[testEvent]) error {
		close(started)
		// ctx too: a shutdown that ended the handler's context early is
		// reported below, not a test that never ends.
		select {
		case <-release:
		case <-ctx.Done():
		}
		ctxErr = ctx.Err()
		return nil
	}, consumerOpts(brokers, "g", "orders"))
	if err != nil {
		t.Fatal(err)
	}
	stop := runConsumer(t, c)
	receive(t, "the handler started", started)
	stopped := make(chan error)
	go func() { stopped <- stop() }()
	close(release)
	if err := <-stopped; err != nil {
		t.Fatal(err)
	}
	if ctxErr != nil {
		t.Errorf("handler context ended during a graceful shutdown: %v", ctxErr)
	}
	if got := committed(t, brokers, "g", "orders")[0]; got != 1 {
		t.Errorf("committed %d after shutdown, want 1", got)
	}
}

// TestShutdownNamesAStuckHandler: a handler that ignores its context holds
// Run past ShutdownTimeout (returning would commit around it), and the log
// says why the shutdown waits; once the handler returns, Run does too.
func TestShutdownNamesAStuckHandler(t *testing.T) {
	brokers := cluster(t, 1, "orders", "orders-dlt")
	produce(t, brokers, "orders", newEvent("e-1", "a", 1))
	started, release := make(chan struct{}), make(chan struct{})
	releaseOnce := sync.OnceFunc(func() { close(release) })
	defer releaseOnce() // a failing test still lets Run end
	opts := consumerOpts(brokers, "g", "orders")
	opts.ShutdownTimeout = 20 * time.Millisecond
	var log lockedBuffer
	opts.Logger = slog.New(slog.NewTextHandler(&log, nil))
	c, err := NewConsumer(Decoder[testEvent](&jsonCodec{id: 7}), func(ctx context.Context, m *Message[testEvent]) error {
		close(started)
		<-release // blind to ctx, on purpose
		return nil
	}, opts)
	if err != nil {
		t.Fatal(err)
	}
	stop := runConsumer(t, c)
	receive(t, "the handler started", started)
	stopped := make(chan error, 1)
	go func() { stopped <- stop() }()
	eventually(t, "the log naming the stuck handler", func() bool {
		return strings.Contains(log.String(), "a handler is still running after ShutdownTimeout")
	})
	select {
	case err := <-stopped:
		t.Fatalf("Run returned (%v) while a handler still ran", err)
	default:
	}
	releaseOnce()
	if err := receive(t, "Run to return", stopped); err != nil {
		t.Fatal(err)
	}
}

// lockedBuffer is a log destination safe for the consumer's goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
