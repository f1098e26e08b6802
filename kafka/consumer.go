package kafka

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"runtime/debug"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// Message is one decoded record handed to a Handler.
type Message[T any] struct {
	Value     T
	Key       []byte
	Headers   []kgo.RecordHeader
	Topic     string // the topic it was read from (a retry topic for a retried record)
	Partition int32
	Offset    int64
	Timestamp time.Time
	// EventID is the ce_id header, the key the inbox deduplicates on; ""
	// when the record has none.
	EventID string
	// Attempt counts deliveries of this record to the handler: 1 the first
	// time, more on in-place retries and from retry topics. Redeliveries
	// after a crash or a rebalance start again at 1: the inbox, not the
	// attempt count, tells a redelivered event.
	Attempt int
	// Record is the record as read, for what the fields above leave out.
	Record *kgo.Record

	duplicate bool
}

// Handler handles one event. Return nil when its effect is durable; the
// record is then committed once every earlier record of its partition is
// finished too. Return Permanent(err) for an event that can never be
// handled (it goes to the dead-letter topic), any other error to have it
// retried. ctx is canceled when the consumer stops or loses the partition
// and a grace period has passed.
type Handler[T any] func(ctx context.Context, m *Message[T]) error

// Backoff is the in-place retry policy for transient errors.
type Backoff struct {
	// Attempts is how many times a record is handled in place before it
	// moves on (to the first retry topic, or to the dead-letter topic):
	// default 10; a negative value retries for ever.
	Attempts int
	// Initial and Max bound the exponential wait between attempts
	// (defaults 100 ms and 10 s); each wait is jittered by ±20 %.
	Initial, Max time.Duration
}

// ConsumerOptions configure a Consumer.
type ConsumerOptions struct {
	Config
	// Group is the consumer group. Required.
	Group string
	// Topics are the topics to consume. Required. Each must exist, with
	// its dead-letter topic and, if RetryDelays is set, its retry topics.
	Topics []string
	// DeadLetterTopic names a topic's dead-letter topic; default topic +
	// "-dlt", Spring Kafka's default suffix.
	DeadLetterTopic func(topic string) string
	// RetryDelays, when set, adds one retry topic per delay between the
	// in-place retries and the dead-letter topic, Spring's non-blocking
	// retries: a record that exhausted its in-place attempts goes to
	// <topic>-<group>-retry-0, is handled once more after RetryDelays[0],
	// then goes to -retry-1, and so on. The group is in the name because a
	// retry topic is the group's own queue: another group must not handle
	// this group's failures. Retried records leave their key's order.
	RetryDelays []time.Duration
	// Retry is the in-place retry policy.
	Retry Backoff
	// MaxInFlight bounds the records read but not finished (default 512):
	// past it the consumer stops fetching until records finish.
	MaxInFlight int
	// Workers is the number of handler goroutines (default 16). Records
	// with one key go to one worker, in order; keys and partitions spread
	// over the workers. A record without a key goes by its partition.
	Workers int
	// CommitInterval is how often finished offsets are committed (default
	// 1 s). They are also committed on revocation and on shutdown.
	CommitInterval time.Duration
	// RevokeGrace is how long a revocation waits for running handlers
	// before canceling their context and committing what finished
	// (default 5 s). Backoff waits end at once: a retried record does not
	// hold the rebalance; its next owner handles it.
	RevokeGrace time.Duration
	// ShutdownTimeout bounds how long Run waits, once its context is done,
	// for running handlers before canceling them (default 30 s). A handler
	// that ignores its context still holds Run: returning while it runs
	// would commit around it.
	ShutdownTimeout time.Duration
	// TransientDecode says which decode errors are worth retrying (the
	// registry is unreachable) rather than dead-lettering. Default: an
	// error in the chain with a Temporary() or Timeout() method saying
	// true. With the events serde, pass
	// func(err error) bool { return errors.Is(err, serde.ErrRegistryUnavailable) }.
	TransientDecode func(error) bool
	// ClockSkew is how far the clocks of this group's members and of the
	// topics' producers may disagree (default 1 h). It widens the one read
	// of the dead-letter topic that keeps a record dead-lettered by a
	// partition's previous owner from being dead-lettered twice (see
	// DeadLetterRepeats).
	ClockSkew time.Duration
	// Logger receives errors the consumer handles itself (a failed
	// commit, a dead-lettered record). Default slog.Default().
	Logger *slog.Logger
}

// Stats are a consumer's counters since it started.
type Stats struct {
	Handled      int64 // handler returned nil (includes duplicates)
	Duplicates   int64 // skipped by Dedup: the inbox had the event id
	Retries      int64 // in-place retries after a transient error
	RetryTopic   int64 // records moved to a retry topic
	DeadLettered int64 // records written to a dead-letter topic
	Abandoned    int64 // records left unfinished for the next owner (revoked, shut down)
	Commits      int64 // successful offset commits
	// DeadLetterRepeats counts records found already dead-lettered by a
	// previous owner of their partition (it wrote the dead letter, then
	// died or lost the partition before committing): finished without
	// writing a second copy.
	DeadLetterRepeats int64
}

// Consumer consumes events of T with at-least-once delivery:
//
//   - auto-commit is off; an offset is committed only when its record and
//     every earlier record of its partition are finished (handled or
//     dead-lettered), so nothing is skipped on a crash and a crash
//     redelivers at most what was in flight;
//   - commits happen every CommitInterval, when partitions are revoked,
//     and at shutdown;
//   - at most MaxInFlight records are read ahead;
//   - records of one key are handled in order, one at a time; different
//     keys and partitions in parallel;
//   - a transient error is retried in place with backoff (Retry), then
//     through the retry topics (RetryDelays), then dead-lettered; a
//     Permanent error, an undecodable frame, an incompatible writer schema
//     and a panicking handler are dead-lettered at once. A dead letter is
//     the original key, value and headers plus Spring Kafka's
//     kafka_dlt-* headers (see HeaderDLTOriginalTopic). It is written
//     (acks=all) before the offset is committed, so it is never lost.
//
// Redelivery is normal (a crash, a rebalance): make handlers idempotent
// with Dedup and an inbox that marks the event id in the transaction of
// the handler's effect.
type Consumer[T any] struct {
	dec  Decoder[T]
	hdec HeaderDecoder[T] // dec, when it reads header-framed records too
	h    Handler[T]
	opts ConsumerOptions
	log  *slog.Logger

	retryTopics  map[string]int // retry topic -> its index
	sourceOf     map[string]string
	partitionsOf map[string]int32 // partition counts of the topics, read at start

	cl *kgo.Client

	mu       sync.Mutex
	parts    map[topicPartition]*partition
	assigned map[topicPartition]bool // what the group gave us, per the callbacks

	slots    chan struct{} // one token per record in flight
	queues   []chan job
	stopping chan struct{} // closed when Run's context is done
	runCtx   context.Context

	handled, dups, retries, retryTopic, dead, abandoned, commits, repeats atomic.Int64
	// commitRounds counts the commit loop's finished rounds, including
	// those with nothing to commit: a test that must know a round saw
	// some state waits for a round that started after it.
	commitRounds atomic.Int64
}

type topicPartition struct {
	topic string
	id    int32
}

type job struct {
	rec *kgo.Record
	p   *partition
	e   *entry
}

// NewConsumer returns a consumer that decodes records with dec and hands
// them to h. Run starts it.
func NewConsumer[T any](dec Decoder[T], h Handler[T], opts ConsumerOptions) (*Consumer[T], error) {
	if opts.Group == "" {
		return nil, errors.New("kafka: ConsumerOptions.Group is empty")
	}
	if len(opts.Topics) == 0 {
		return nil, errors.New("kafka: ConsumerOptions.Topics is empty")
	}
	if _, err := opts.Config.options(); err != nil {
		return nil, err
	}
	if opts.DeadLetterTopic == nil {
		opts.DeadLetterTopic = func(t string) string { return t + "-dlt" }
	}
	if opts.Retry.Attempts == 0 {
		opts.Retry.Attempts = 10
	}
	if opts.Retry.Initial <= 0 {
		opts.Retry.Initial = 100 * time.Millisecond
	}
	if opts.Retry.Max <= 0 {
		opts.Retry.Max = 10 * time.Second
	}
	if opts.MaxInFlight <= 0 {
		opts.MaxInFlight = 512
	}
	if opts.Workers <= 0 {
		opts.Workers = 16
	}
	if opts.CommitInterval <= 0 {
		opts.CommitInterval = time.Second
	}
	if opts.RevokeGrace <= 0 {
		opts.RevokeGrace = 5 * time.Second
	}
	if opts.ShutdownTimeout <= 0 {
		opts.ShutdownTimeout = 30 * time.Second
	}
	if opts.ClockSkew <= 0 {
		opts.ClockSkew = time.Hour
	}
	if opts.TransientDecode == nil {
		opts.TransientDecode = isTemporary
	}
	c := &Consumer[T]{dec: dec, h: h, opts: opts, log: opts.Logger,
		retryTopics: map[string]int{}, sourceOf: map[string]string{}, partitionsOf: map[string]int32{}, parts: map[topicPartition]*partition{},
		assigned: map[topicPartition]bool{}}
	c.hdec, _ = dec.(HeaderDecoder[T])
	if c.log == nil {
		c.log = slog.Default()
	}
	for _, t := range opts.Topics {
		for i := range opts.RetryDelays {
			rt := RetryTopic(t, opts.Group, i)
			c.retryTopics[rt] = i
			c.sourceOf[rt] = t
		}
	}
	return c, nil
}

// RetryTopic is the name of a group's i-th retry topic for topic:
// <topic>-<group>-retry-<i>.
func RetryTopic(topic, group string, i int) string {
	return topic + "-" + group + "-retry-" + strconv.Itoa(i)
}

// Topics returns every topic the consumer needs: the source topics, their
// retry topics and their dead-letter topics, sorted. A deployment declares
// them (avroctl kafka apply); Run checks they exist.
func (c *Consumer[T]) Topics() []string {
	set := map[string]bool{}
	for _, t := range c.opts.Topics {
		set[t] = true
		set[c.opts.DeadLetterTopic(t)] = true
	}
	for rt := range c.retryTopics {
		set[rt] = true
	}
	out := make([]string, 0, len(set))
	for t := range set {
		out = append(out, t)
	}
	sort.Strings(out)
	return out
}

// Stats returns the consumer's counters.
func (c *Consumer[T]) Stats() Stats {
	return Stats{Handled: c.handled.Load(), Duplicates: c.dups.Load(), Retries: c.retries.Load(),
		RetryTopic: c.retryTopic.Load(), DeadLettered: c.dead.Load(), Abandoned: c.abandoned.Load(),
		Commits: c.commits.Load(), DeadLetterRepeats: c.repeats.Load()}
}

// Run consumes until ctx is done, then shuts down gracefully: it stops
// fetching, lets running handlers finish (up to ShutdownTimeout), commits
// what finished and leaves the group, so that the partitions move to the
// other members at once. It returns nil after a shutdown asked by ctx, or
// the error that stopped it (a missing topic, an unreachable cluster at
// start). A Consumer runs once.
func (c *Consumer[T]) Run(ctx context.Context) error {
	kopts, err := c.opts.Config.options()
	if err != nil {
		return err
	}
	consume := append([]string{}, c.opts.Topics...)
	for rt := range c.retryTopics {
		consume = append(consume, rt)
	}
	sort.Strings(consume[len(c.opts.Topics):])
	c.runCtx = context.WithoutCancel(ctx)
	c.stopping = make(chan struct{})
	kopts = append(kopts,
		kgo.ConsumerGroup(c.opts.Group),
		kgo.ConsumeTopics(consume...),
		kgo.DisableAutoCommit(),
		kgo.RequiredAcks(kgo.AllISRAcks()), // dead letters and retries
		// Dead letters and retries name their partition: the source
		// partition's, modulo the target's count (dltledger.go).
		kgo.RecordPartitioner(kgo.ManualPartitioner()),
		kgo.OnPartitionsAssigned(c.onAssigned),
		kgo.OnPartitionsRevoked(c.onRevoked),
		kgo.OnPartitionsLost(c.onLost),
	)
	cl, err := kgo.NewClient(append(kopts, c.opts.Config.Opts...)...)
	if err != nil {
		return fmt.Errorf("kafka: %w", err)
	}
	c.cl = cl
	if err := c.opts.Config.connect(ctx, cl); err != nil {
		cl.Close()
		return err
	}
	if err := c.checkTopics(ctx); err != nil {
		cl.Close()
		return err
	}

	c.slots = make(chan struct{}, c.opts.MaxInFlight)
	c.queues = make([]chan job, c.opts.Workers)
	var workers sync.WaitGroup
	for i := range c.queues {
		c.queues[i] = make(chan job, c.opts.MaxInFlight)
		workers.Add(1)
		go func(q chan job) {
			defer workers.Done()
			for j := range q {
				c.process(j)
				<-c.slots
			}
		}(c.queues[i])
	}
	commitDone := make(chan struct{})
	go c.commitLoop(commitDone)

	c.poll(ctx)

	close(c.stopping)
	for _, q := range c.queues {
		close(q)
	}
	// Running handlers get ShutdownTimeout; then their contexts end.
	finished := make(chan struct{})
	go func() { workers.Wait(); close(finished) }()
	select {
	case <-finished:
	case <-time.After(c.opts.ShutdownTimeout):
		c.mu.Lock()
		for _, p := range c.parts {
			p.cancel()
		}
		c.mu.Unlock()
		select {
		case <-finished:
		case <-time.After(c.opts.ShutdownTimeout):
			// Said once, so that a stuck shutdown has a cause in the log.
			c.log.Error("kafka: a handler is still running after ShutdownTimeout and the end of its context; Run waits for it",
				"group", c.opts.Group, "shutdown_timeout", c.opts.ShutdownTimeout)
			<-finished
		}
	}
	<-commitDone
	c.commit(c.runCtx, c.all())
	// Close leaves the group; kgo calls onRevoked first, which commits
	// again (a no-op: nothing moved) and drops the partitions.
	cl.Close()
	return nil
}

// poll fetches records while ctx lives, never more than the free slots.
func (c *Consumer[T]) poll(ctx context.Context) {
	for {
		// Wait for one free slot, then take as many as are free.
		select {
		case c.slots <- struct{}{}:
		case <-ctx.Done():
			return
		}
		free := 1
		for free < c.opts.MaxInFlight {
			select {
			case c.slots <- struct{}{}:
				free++
				continue
			default:
			}
			break
		}
		fs := c.cl.PollRecords(ctx, free)
		if fs.IsClientClosed() || ctx.Err() != nil {
			return
		}
		fs.EachError(func(t string, p int32, err error) {
			if !errors.Is(err, context.Canceled) {
				c.log.Warn("kafka: fetch", "topic", t, "partition", p, "err", err)
			}
		})
		n := 0
		fs.EachRecord(func(r *kgo.Record) {
			n++
			if n > free { // cannot happen: PollRecords honours the bound
				c.slots <- struct{}{}
			}
			c.dispatch(r)
		})
		for ; n < free; n++ {
			<-c.slots // give back the unused slots
		}
	}
}

// dispatch queues r on its key's worker.
func (c *Consumer[T]) dispatch(r *kgo.Record) {
	k := topicPartition{r.Topic, r.Partition}
	c.mu.Lock()
	if !c.assigned[k] {
		// Fetched by a poll that raced the partition's revocation: its
		// next owner reads it.
		c.mu.Unlock()
		<-c.slots
		c.abandoned.Add(1)
		return
	}
	p := c.parts[k]
	if p == nil {
		p = newPartition(c.runCtx, r)
		c.parts[k] = p
	}
	e := p.add(r)
	c.mu.Unlock()
	var h uint32
	if r.Key != nil {
		h = fnv1a(fnvOffset, r.Key)
	} else {
		h = fnv1a(fnv1aString(fnvOffset, r.Topic), []byte{byte(r.Partition >> 24), byte(r.Partition >> 16), byte(r.Partition >> 8), byte(r.Partition)})
	}
	c.queues[h%uint32(len(c.queues))] <- job{rec: r, p: p, e: e}
}

// FNV-1a, 32 bits, inline: hash/fnv's Hash32 escapes to the heap, one
// allocation per record on the hot path.
const (
	fnvOffset = 2166136261
	fnvPrime  = 16777619
)

func fnv1a(h uint32, b []byte) uint32 {
	for _, c := range b {
		h = (h ^ uint32(c)) * fnvPrime
	}
	return h
}

func fnv1aString(h uint32, s string) uint32 {
	for i := 0; i < len(s); i++ {
		h = (h ^ uint32(s[i])) * fnvPrime
	}
	return h
}

// process takes one record to a finished state: handled, duplicate, moved
// to a retry topic or dead-lettered. It returns without finishing it when
// the partition is gone or the consumer stops; the record is then
// redelivered to the partition's next owner.
func (c *Consumer[T]) process(j job) {
	if !j.p.begin() {
		c.abandoned.Add(1)
		return
	}
	defer j.p.end()
	select {
	case <-c.stopping:
		c.abandoned.Add(1)
		return
	default:
	}
	r := j.rec
	retryIdx, fromRetry := c.retryTopics[r.Topic]
	attempt := 1
	if fromRetry {
		if n, ok := headerInt32(r.Headers, HeaderRetryAttempts); ok && n > 0 {
			attempt = int(n) + 1
		}
		if due, ok := headerInt64(r.Headers, HeaderRetryBackoffTimestamp); ok {
			if !c.wait(j.p, time.Until(time.UnixMilli(due))) {
				c.abandoned.Add(1)
				return
			}
		}
	}
	inPlace := 0
	for {
		inPlace++
		err := c.attempt(j.p, r, attempt)
		if err == nil {
			j.p.finish(j.e)
			return
		}
		var de *DecodeError
		permanent := IsPermanent(err) || errors.As(err, &de) && !c.opts.TransientDecode(de.Err)
		var pe *PanicError
		if errors.As(err, &pe) {
			permanent = true
		}
		if !permanent && !fromRetry && (c.opts.Retry.Attempts < 0 || inPlace < c.opts.Retry.Attempts) {
			c.retries.Add(1)
			if !c.wait(j.p, c.backoff(inPlace)) {
				c.abandoned.Add(1)
				return
			}
			attempt++
			continue
		}
		next := 0
		if fromRetry {
			next = retryIdx + 1
		}
		var out *kgo.Record
		if !permanent && next < len(c.opts.RetryDelays) {
			out = c.retryRecord(r, next, attempt, err)
		} else {
			if !permanent {
				err = &RetriesExhaustedError{Attempts: attempt, Err: err}
			}
			out = c.deadLetter(r, err)
			if !fromRetry {
				done, lerr := c.alreadyDeadLettered(j.p, r)
				if lerr != nil {
					c.log.Warn("kafka: cannot read the dead-letter topic to check for an earlier copy; writing the dead letter",
						"topic", r.Topic, "partition", r.Partition, "offset", r.Offset, "err", lerr)
				}
				if done {
					c.repeats.Add(1)
					c.log.Info("kafka: already dead-lettered by the partition's previous owner", "topic", r.Topic,
						"partition", r.Partition, "offset", r.Offset)
					j.p.finish(j.e)
					return
				}
			}
		}
		if !c.publish(j.p, out) {
			c.abandoned.Add(1)
			return
		}
		if out.Topic == c.deadLetterTopicOf(r) {
			c.dead.Add(1)
			c.log.Warn("kafka: dead-lettered", "topic", r.Topic, "partition", r.Partition, "offset", r.Offset,
				"dlt", out.Topic, "class", ErrorClass(err), "err", err)
		} else {
			c.retryTopic.Add(1)
		}
		j.p.finish(j.e)
		return
	}
}

// attempt decodes r and calls the handler once.
func (c *Consumer[T]) attempt(p *partition, r *kgo.Record, attempt int) (err error) {
	m := &Message[T]{Key: r.Key, Headers: r.Headers, Topic: r.Topic, Partition: r.Partition,
		Offset: r.Offset, Timestamp: r.Timestamp, Attempt: attempt, Record: r}
	if id, ok := HeaderValue(r.Headers, HeaderID); ok {
		m.EventID = string(id)
	}
	var derr error
	if _, ok := HeaderValue(r.Headers, HeaderValueSchemaID); ok && c.hdec != nil {
		// The schema id is in the header and the value is plain Avro.
		derr = c.hdec.DecodeWithHeaders(p.ctx, func(k string) ([]byte, bool) { return HeaderValue(r.Headers, k) }, r.Value, &m.Value)
	} else {
		derr = c.dec.Decode(p.ctx, r.Value, &m.Value)
	}
	if derr != nil {
		return &DecodeError{Err: derr}
	}
	defer func() {
		if v := recover(); v != nil {
			err = &PanicError{Value: v, Stack: debug.Stack()}
		}
	}()
	if err := c.h(p.ctx, m); err != nil {
		return err
	}
	c.handled.Add(1)
	if m.duplicate {
		c.dups.Add(1)
	}
	return nil
}

// backoff is the wait before in-place attempt n+1.
func (c *Consumer[T]) backoff(n int) time.Duration {
	d := c.opts.Retry.Initial
	for i := 1; i < n && d < c.opts.Retry.Max; i++ {
		d *= 2
	}
	d = min(d, c.opts.Retry.Max)
	return time.Duration(float64(d) * (0.8 + 0.4*rand.Float64()))
}

// wait waits d unless the partition goes or the consumer stops first.
func (c *Consumer[T]) wait(p *partition, d time.Duration) bool {
	if d <= 0 {
		return !p.isGone()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-p.gone:
	case <-c.stopping:
	}
	return false
}

// publish writes r (a dead letter or a retry) and waits for all in-sync
// replicas, retrying with backoff until it succeeds or the partition goes:
// the source offset is committed only after this returns true.
func (c *Consumer[T]) publish(p *partition, r *kgo.Record) bool {
	for n := 1; ; n++ {
		if p.isGone() {
			return false // never start a write for a partition we no longer own
		}
		p.publishing.Add(1)
		// Not p.ctx: the handlers' context ends after RevokeGrace, and the
		// write must still finish before the partition moves (an aborted
		// write is retried by the next owner, a landed one is found by
		// it). Bounded by publishTimeout.
		ctx, cancel := context.WithTimeout(c.runCtx, publishTimeout)
		err := c.cl.ProduceSync(ctx, r).FirstErr()
		cancel()
		p.publishing.Done()
		if err == nil {
			return true
		}
		c.log.Error("kafka: writing to "+r.Topic+" failed; the source record stays uncommitted and is retried", "err", err)
		if !c.wait(p, c.backoff(n)) {
			return false
		}
	}
}

// deadLetterTopicOf is the dead-letter topic for r, which may come from a
// retry topic.
func (c *Consumer[T]) deadLetterTopicOf(r *kgo.Record) string {
	src := r.Topic
	if s, ok := c.sourceOf[r.Topic]; ok {
		src = s
	}
	return c.opts.DeadLetterTopic(src)
}

func (c *Consumer[T]) onAssigned(_ context.Context, _ *kgo.Client, tps map[string][]int32) {
	c.log.Debug("kafka: partitions assigned", "group", c.opts.Group, "partitions", tps)
	c.mu.Lock()
	defer c.mu.Unlock()
	for t, ids := range tps {
		for _, id := range ids {
			c.assigned[topicPartition{t, id}] = true
		}
	}
}

// onRevoked runs in kgo's group goroutine: stop the partitions' work,
// give running handlers RevokeGrace, commit what finished.
func (c *Consumer[T]) onRevoked(ctx context.Context, cl *kgo.Client, revoked map[string][]int32) {
	c.log.Debug("kafka: partitions revoked", "group", c.opts.Group, "partitions", revoked)
	ps := c.take(revoked)
	if len(ps) == 0 {
		return
	}
	for _, p := range ps {
		p.revoke()
	}
	deadline := time.NewTimer(c.opts.RevokeGrace)
	defer deadline.Stop()
	for _, p := range ps {
		select {
		case <-p.idle:
		case <-deadline.C:
			deadline.Reset(0)
		}
	}
	for _, p := range ps {
		p.cancel()
	}
	c.awaitPublishing(ps)
	c.commit(ctx, ps)
}

// publishTimeout bounds one dead-letter or retry write; publishWait, how
// long a revocation or a loss waits for the writes in flight (within kgo's
// default rebalance timeout of 60 s).
const (
	publishTimeout = 30 * time.Second
	publishWait    = 40 * time.Second
)

// awaitPublishing waits until the dead-letter and retry writes of ps have
// landed or failed, so that the partitions' next owner (this consumer
// again, or another) finds them when it reads the dead-letter topic, and
// does not write them a second time.
func (c *Consumer[T]) awaitPublishing(ps []*partition) {
	done := make(chan struct{})
	go func() {
		for _, p := range ps {
			p.publishing.Wait()
		}
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(publishWait):
		c.log.Warn("kafka: dead-letter writes still in flight after the partitions left; their next owner may write them again",
			"group", c.opts.Group)
	}
}

// onLost: the partitions already belong to someone else (the session
// expired); committing would fail, so only stop the work.
func (c *Consumer[T]) onLost(_ context.Context, _ *kgo.Client, lost map[string][]int32) {
	c.log.Debug("kafka: partitions lost", "group", c.opts.Group, "partitions", lost)
	ps := c.take(lost)
	for _, p := range ps {
		p.revoke()
		p.cancel()
	}
	// Before rejoining: if this consumer gets them back, its new
	// assignment must see the dead letters the old one wrote.
	c.awaitPublishing(ps)
}

// take removes and returns the states of the given partitions.
func (c *Consumer[T]) take(tps map[string][]int32) []*partition {
	c.mu.Lock()
	defer c.mu.Unlock()
	var ps []*partition
	for t, ids := range tps {
		for _, id := range ids {
			k := topicPartition{t, id}
			delete(c.assigned, k)
			if p := c.parts[k]; p != nil {
				ps = append(ps, p)
				delete(c.parts, k)
			}
		}
	}
	return ps
}

func (c *Consumer[T]) all() []*partition {
	c.mu.Lock()
	defer c.mu.Unlock()
	ps := make([]*partition, 0, len(c.parts))
	for _, p := range c.parts {
		ps = append(ps, p)
	}
	return ps
}

func (c *Consumer[T]) commitLoop(done chan struct{}) {
	defer close(done)
	t := time.NewTicker(c.opts.CommitInterval)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			c.commit(c.runCtx, c.all())
			c.commitRounds.Add(1)
		case <-c.stopping:
			return
		}
	}
}

// commit commits the finished prefix of each partition in ps.
func (c *Consumer[T]) commit(ctx context.Context, ps []*partition) {
	offsets := map[string]map[int32]kgo.EpochOffset{}
	for _, p := range ps {
		if eo, ok := p.toCommit(); ok {
			if offsets[p.topic] == nil {
				offsets[p.topic] = map[int32]kgo.EpochOffset{}
			}
			offsets[p.topic][p.id] = eo
		}
	}
	if len(offsets) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	var failed error
	c.cl.CommitOffsetsSync(ctx, offsets, func(_ *kgo.Client, _ *kmsg.OffsetCommitRequest, resp *kmsg.OffsetCommitResponse, err error) {
		if err != nil {
			failed = err
			return
		}
		for _, t := range resp.Topics {
			for _, pr := range t.Partitions {
				if pr.ErrorCode != 0 {
					failed = fmt.Errorf("partition %s/%d: error code %d", t.Topic, pr.Partition, pr.ErrorCode)
				}
			}
		}
	})
	if failed != nil {
		// A commit refused during a rebalance is retried by the next
		// tick or the revocation; what it covered is redelivered at worst.
		c.log.Warn("kafka: commit", "group", c.opts.Group, "err", failed)
		return
	}
	c.commits.Add(1)
	for _, p := range ps {
		if eo, ok := offsets[p.topic][p.id]; ok {
			p.committedTo(eo.Offset)
		}
	}
}

// checkTopics fails fast, naming them, when topics the consumer reads or
// writes do not exist; it also proves the cluster is reachable.
func (c *Consumer[T]) checkTopics(ctx context.Context) error {
	adm := kadm.NewClient(c.cl)
	want := c.Topics()
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	md, err := adm.Metadata(ctx, want...)
	if err != nil {
		return fmt.Errorf("kafka: cannot read cluster metadata from %v: %w", c.opts.Brokers, err)
	}
	var missing []string
	for _, t := range want {
		td, ok := md.Topics[t]
		if !ok || td.Err != nil {
			missing = append(missing, t)
			continue
		}
		c.partitionsOf[t] = int32(len(td.Partitions))
	}
	if len(missing) > 0 {
		return fmt.Errorf("kafka: consumer group %q needs topics that do not exist: %v (the dead-letter and retry topics too); create them, e.g. with avroctl kafka apply", c.opts.Group, missing)
	}
	return nil
}

// isTemporary is the default TransientDecode: an error in the chain says
// it is temporary or a timeout, as net.Error does.
func isTemporary(err error) bool {
	for e := err; e != nil; e = errors.Unwrap(e) {
		if t, ok := e.(interface{ Temporary() bool }); ok && t.Temporary() {
			return true
		}
		if t, ok := e.(interface{ Timeout() bool }); ok && t.Timeout() {
			return true
		}
	}
	return errors.Is(err, context.DeadlineExceeded)
}
