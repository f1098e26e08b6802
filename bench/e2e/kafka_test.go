package e2e

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	hamba "github.com/hamba/avro/v2"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sr"

	"gitlab.com/acme/avroctl/events/v2/payments"
	"gitlab.com/acme/avroctl/events/v2/serde"
	"gitlab.com/acme/avroctl/gen/kafkatest"
	"gitlab.com/acme/avroctl/gen/registry/server"
	"gitlab.com/acme/avroctl/gen/registry/store"
	"gitlab.com/acme/avroctl/kafka"
)

const (
	// partitions of every run's topic.
	partitions = 6
	// subject is where the schema is registered once; the typed codec and
	// the sr.Serde peer both look the id up under it, so every way writes
	// the same frame.
	subject = "payments-e2e-value"
	// poolSize distinct events (and keys) are cycled through: the values
	// are made and converted before the timed loop, and memory does not
	// grow with b.N.
	poolSize = 4096
	// commitEvery is the typed consumer's CommitInterval and the peers'
	// AutoCommitInterval: all three commit what they processed on the
	// same clock (and once more when they stop).
	commitEvery = time.Second
	// warmup events go through each run's clients, untimed, before the
	// b.N timed ones.
	warmup = 120
)

// producerOpts are the producer settings of all three ways: acks=all,
// idempotent (kgo's default with acks=all; the typed producer sets acks=all
// itself), kgo's default linger and batch size, spelled out so that they
// stay the same for all three.
func producerOpts() []kgo.Opt {
	return []kgo.Opt{
		kgo.RequiredAcks(kgo.AllISRAcks()),
		kgo.ProducerLinger(10 * time.Millisecond),
		kgo.ProducerBatchMaxBytes(1_000_000),
	}
}

// BenchmarkKafkaEndToEnd produces b.N PaymentValidated events to a fresh
// topic of 6 partitions and consumes them in a consumer group that commits
// what it processed, three ways against one broker. The time of an op is
// the run's wall time over b.N: from the first send until the consumer has
// handled the b.N-th record. It reports events/s and the p50/p99 latency
// from the record's timestamp (stamped by franz-go at Produce, in ms) to
// the moment the consumer has decoded it.
//
// -e2e.rotate k starts the sequence of ways at the k-th, so that a series
// of rounds (cmd/e2eratios) does not always run one way first. -e2e.split
// adds the typed producer with the raw consumer and the raw producer with
// the typed consumer.
func BenchmarkKafkaEndToEnd(b *testing.B) {
	e := getEnv(b)
	all := ways
	if *split {
		all = append(all[:len(all):len(all)], splitWays...)
	}
	k := (*rotate%len(all) + len(all)) % len(all) // a negative -e2e.rotate counts from the end
	for _, w := range append(all[k:len(all):len(all)], all[:k]...) {
		b.Run(w.name, func(b *testing.B) {
			res := runWay(b, e, w, b.N, b.ResetTimer, b.StopTimer)
			b.ReportMetric(float64(b.N)/res.elapsed.Seconds(), "events/s")
			b.ReportMetric(res.p50.Seconds()*1e3, "p50-ms")
			b.ReportMetric(res.p99.Seconds()*1e3, "p99-ms")
		})
	}
}

// TestKafkaEndToEnd runs each way of the benchmark once on a few hundred
// events: every record arrives, decodes, and the group's committed offsets
// reach the end of every partition.
func TestKafkaEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a Kafka broker")
	}
	e := getEnv(t)
	for _, w := range ways {
		t.Run(w.name, func(t *testing.T) {
			res := runWay(t, e, w, 500, func() {}, func() {})
			t.Logf("%s: 500 events in %v, p50 %v, p99 %v", w.name, res.elapsed.Round(time.Millisecond), res.p50, res.p99)
		})
	}
}

// TestPeersWriteTheSameBytes: the sr.Serde peer writes the frame the typed
// codec writes (so raw's precomputed frames are both), with the same key,
// and each side reads the other's bytes back to the same value.
func TestPeersWriteTheSameBytes(t *testing.T) {
	hs, err := hamba.Parse(payments.PaymentValidated{}.AvroSchema())
	if err != nil {
		t.Fatal(err)
	}
	const id = 7
	sd := sr.NewSerde()
	registerHamba(sd, id, hs)
	for i := range 50 {
		v := newPayment(i)
		h := toHamba(&v)
		want, err := v.AppendAvro(serde.AppendHeader(nil, id))
		if err != nil {
			t.Fatal(err)
		}
		got, err := sd.Encode(&h)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(want) {
			t.Fatalf("event %d: sr.Serde+hamba wrote\n%x\nthe typed codec writes\n%x", i, got, want)
		}
		key, _ := v.OrderID.MarshalText()
		if string(key) != h.OrderID {
			t.Fatalf("event %d: key %q, the typed producer's is %q", i, h.OrderID, key)
		}
		var back hambaPayment
		if err := sd.Decode(want, &back); err != nil {
			t.Fatal(err)
		}
		if d := sameHamba(&back, &h); d != "" {
			t.Fatalf("event %d: hamba reads the typed frame as another value: %s", i, d)
		}
		var typed payments.PaymentValidated
		if err := typed.UnmarshalAvro(got[5:]); err != nil {
			t.Fatal(err)
		}
		if th := toHamba(&typed); sameHamba(&th, &h) != "" {
			t.Fatalf("event %d: the typed decoder reads hamba's frame as another value: %s", i, sameHamba(&th, &h))
		}
	}
}

func registerHamba(sd *sr.Serde, id int, hs hamba.Schema) {
	// As franz-go's sr documentation shows for hamba (and as
	// bench/serde.go does): hamba has no append API, so EncodeFn.
	sd.Register(id, &hambaPayment{},
		sr.EncodeFn(func(v any) ([]byte, error) { return hambaAPI.Marshal(hs, v) }),
		sr.DecodeFn(func(b []byte, v any) error { return hambaAPI.Unmarshal(hs, b, v) }),
	)
}

// env is what every run shares: one broker and one registry for the whole
// process, the schema registered once, the events precomputed.
type env struct {
	broker   *kafkatest.Broker
	admCl    *kgo.Client
	adm      *kadm.Client
	regURL   string
	reg      *serde.Client
	schemaID int
	hschema  hamba.Schema
	seq      atomic.Int64

	typed   []payments.PaymentValidated
	hambas  []hambaPayment
	records []kgo.Record // key, value and headers exactly as the typed producer builds them
}

var (
	envOnce sync.Once
	envVal  *env
	envErr  error
	closers []func()
)

// TestMain stops the broker and the registry once every benchmark and test
// of the process is done: they are started once, on first use, so that
// -count 3 and the sub-benchmarks all run against the same broker.
func TestMain(m *testing.M) {
	code := m.Run()
	for _, f := range slices.Backward(closers) {
		f()
	}
	os.Exit(code)
}

// getEnv starts the environment on first use; without Java it skips tb
// with one line (a failure when AVROCTL_REQUIRE_KAFKA=1), as kafkatest.Start
// does.
func getEnv(tb testing.TB) *env {
	tb.Helper()
	envOnce.Do(func() { envVal, envErr = startEnv() })
	var missing *kafkatest.MissingToolError
	if errors.As(envErr, &missing) && os.Getenv(kafkatest.EnvRequire) != "1" {
		tb.Skip(envErr.Error() + " (" + kafkatest.EnvRequire + "=1 makes this a failure)")
	}
	if envErr != nil {
		tb.Fatal(envErr)
	}
	return envVal
}

func startEnv() (*env, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	e := &env{}
	br, err := kafkatest.StartBroker(ctx, kafkatest.Options{})
	if err != nil {
		return nil, err
	}
	closers = append(closers, func() { br.Close() })
	e.broker = br
	if e.admCl, err = kgo.NewClient(kgo.SeedBrokers(br.Bootstrap())); err != nil {
		return nil, err
	}
	closers = append(closers, e.admCl.Close)
	e.adm = kadm.NewClient(e.admCl)

	if err := e.startRegistryAndPool(ctx, e.admCl); err != nil {
		return nil, err
	}
	if err := warmBroker(ctx, br.Bootstrap(), e.adm); err != nil {
		return nil, fmt.Errorf("warming the broker up: %w", err)
	}
	return e, nil
}

// startRegistryAndPool starts the embedded registry, registers the schema
// and precomputes the events. cl is the client of the producer that builds
// the raw records; it sends nothing.
func (e *env) startRegistryAndPool(ctx context.Context, cl *kgo.Client) error {
	st, err := store.Open("")
	if err != nil {
		return err
	}
	srv := server.New(st, server.Options{})
	if err := srv.Open("127.0.0.1:0"); err != nil {
		st.Close()
		return err
	}
	closers = append(closers, func() { srv.Close(); st.Close() })
	e.regURL = srv.URL()
	if e.reg, err = serde.NewClient(serde.ClientOptions{URL: e.regURL}); err != nil {
		return err
	}
	schema := payments.PaymentValidated{}.AvroSchema()
	if e.schemaID, err = e.reg.RegisterSchema(ctx, subject, serde.Schema{Schema: schema}); err != nil {
		return fmt.Errorf("registering %s: %w", subject, err)
	}
	if e.hschema, err = hamba.Parse(schema); err != nil {
		return err
	}

	// The raw way sends what the typed producer would: build its records
	// once with a producer of the typed codec (Record sends nothing).
	codec, err := e.typedCodec()
	if err != nil {
		return err
	}
	prod, err := kafka.NewProducer(ctx, kafka.Encoder[payments.PaymentValidated](codec),
		kafka.ProducerOptions[payments.PaymentValidated]{Client: cl, Topic: "unused", KeyField: "orderId"})
	if err != nil {
		return err
	}
	e.typed = make([]payments.PaymentValidated, poolSize)
	e.hambas = make([]hambaPayment, poolSize)
	e.records = make([]kgo.Record, poolSize)
	for i := range poolSize {
		e.typed[i] = newPayment(i)
		e.hambas[i] = toHamba(&e.typed[i])
		r, err := prod.Record(ctx, &e.typed[i])
		if err != nil {
			return err
		}
		e.records[i] = kgo.Record{Key: r.Key, Value: r.Value, Headers: r.Headers}
	}
	return nil
}

// warmBroker sends and reads back 20000 records of 300 bytes through a
// topic of its own, so that whichever way runs first does not pay for the
// broker JVM's warm-up (JIT of the produce and fetch paths).
func warmBroker(ctx context.Context, bootstrap string, adm *kadm.Client) error {
	const topic, n = "e2e-broker-warm-up", 20000
	if _, err := adm.CreateTopic(ctx, partitions, 1, nil, topic); err != nil {
		return err
	}
	defer adm.DeleteTopics(ctx, topic)
	cl, err := kgo.NewClient(append([]kgo.Opt{kgo.SeedBrokers(bootstrap), kgo.DefaultProduceTopic(topic),
		kgo.ConsumeTopics(topic), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart())}, producerOpts()...)...)
	if err != nil {
		return err
	}
	defer cl.Close()
	value := make([]byte, 300)
	var failed atomic.Pointer[error]
	for i := range n {
		cl.Produce(ctx, &kgo.Record{Key: []byte(strconv.Itoa(i)), Value: value}, func(_ *kgo.Record, err error) {
			if err != nil {
				failed.CompareAndSwap(nil, &err)
			}
		})
	}
	if err := cl.Flush(ctx); err != nil {
		return err
	}
	if err := failed.Load(); err != nil {
		return *err
	}
	for got := 0; got < n; {
		fs := cl.PollFetches(ctx)
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("read %d of %d records: %w", got, n, err)
		}
		got += fs.NumRecords()
	}
	return nil
}

// typedCodec is a fresh codec over the registry that looks the schema up
// (no auto-registration, as in production).
func (e *env) typedCodec() (*serde.Codec[payments.PaymentValidated, *payments.PaymentValidated], error) {
	return serde.NewCodec[payments.PaymentValidated](serde.New(e.reg), serde.CodecOptions{Subject: subject})
}

// way is one of the three clients under test.
type way struct {
	name string
	// consume starts a group member on r.topic that calls r.seen for each
	// record once it is decoded, and returns a stop that commits and
	// leaves the group.
	consume func(ctx context.Context, e *env, r *run) (stop func() error, err error)
	// produce returns send (event i of the pool, asynchronously) and
	// finish (flush and close).
	produce func(ctx context.Context, e *env, r *run) (send func(i int), finish func() error, err error)
}

var (
	rotate = flag.Int("e2e.rotate", 0, "start BenchmarkKafkaEndToEnd's sequence of ways at this one (typed, raw, srserde; mod 3)")
	split  = flag.Bool("e2e.split", false, "also run typed-producer (typed producer, raw consumer) and typed-consumer (raw producer, typed consumer), to tell which side of the typed runtime costs what")
)

var ways = []way{
	{name: "typed", consume: typedConsume, produce: typedProduce},
	{name: "raw", consume: rawConsume, produce: rawProduce},
	{name: "srserde", consume: srConsume, produce: srProduce},
}

// splitWays are the diagnostic halves of typed (-e2e.split).
var splitWays = []way{
	{name: "typed-producer", consume: rawConsume, produce: typedProduce},
	{name: "typed-consumer", consume: typedConsume, produce: rawProduce},
}

// run is one run of a way: its topic, group and observations. The
// consumer sees warm warm-up records, then the n timed ones.
type run struct {
	topic, group string
	warm, n      int
	count        atomic.Int64
	lat          []time.Duration // per timed record, in arrival order
	warmed       chan struct{}   // closed at the warm-th record
	done         chan struct{}   // closed at the (warm+n)-th record
	failOnce     sync.Once
	failed       chan struct{}
	failErr      error
}

// seen records the arrival of a record stamped ts (after decoding).
func (r *run) seen(ts time.Time) {
	i := int(r.count.Add(1) - 1)
	if i >= r.warm && i < r.warm+r.n {
		r.lat[i-r.warm] = time.Since(ts)
	}
	if i == r.warm-1 {
		close(r.warmed)
	}
	if i == r.warm+r.n-1 {
		close(r.done)
	}
}

// await waits for ch, failing tb on a failure of the run or after limit.
func (r *run) await(tb testing.TB, ch chan struct{}, limit time.Duration, what string) {
	tb.Helper()
	t := time.NewTimer(limit)
	defer t.Stop()
	select {
	case <-ch:
	case <-r.failed:
		tb.Fatalf("%s: %v", r.topic, r.failErr)
	case <-t.C:
		tb.Fatalf("%s: the consumer saw %d records (of %d warm-up + %d) before the timeout of %v for %s",
			r.topic, r.count.Load(), r.warm, r.n, limit, what)
	}
}

// fail stops the run with err (a send, fetch or decode error).
func (r *run) fail(err error) {
	r.failOnce.Do(func() { r.failErr = err; close(r.failed) })
}

type result struct {
	elapsed  time.Duration
	p50, p99 time.Duration
}

// runWay makes a fresh topic, starts the consumer and waits for its group
// to be assigned every partition (untimed), then times sending n events
// until the consumer has seen all n. After the clock it stops both and
// checks that the group committed every offset.
func runWay(tb testing.TB, e *env, w way, n int, start, stop func()) result {
	tb.Helper()
	ctx := context.Background()
	r := &run{warm: warmup, n: n, lat: make([]time.Duration, n),
		warmed: make(chan struct{}), done: make(chan struct{}), failed: make(chan struct{})}
	r.topic = fmt.Sprintf("e2e-%s-%d", w.name, e.seq.Add(1))
	r.group = r.topic + "-group"
	// The typed consumer wants the topic's dead-letter topic to exist.
	if _, err := e.adm.CreateTopic(ctx, partitions, 1, nil, r.topic); err != nil {
		tb.Fatal(err)
	}
	if _, err := e.adm.CreateTopic(ctx, 1, 1, nil, r.topic+"-dlt"); err != nil {
		tb.Fatal(err)
	}
	defer e.adm.DeleteTopics(ctx, r.topic, r.topic+"-dlt")
	// CreateTopics returns before the broker serves the topics: wait for
	// every partition's leader, or the clients start with a retry backoff.
	waitFor(tb, "topic "+r.topic+" to have leaders", func() bool {
		md, err := e.adm.Metadata(ctx, r.topic, r.topic+"-dlt")
		if err != nil {
			return false
		}
		for _, t := range []string{r.topic, r.topic + "-dlt"} {
			td, ok := md.Topics[t]
			if !ok || td.Err != nil || len(td.Partitions) == 0 {
				return false
			}
			for _, p := range td.Partitions {
				if p.Err != nil || p.Leader < 0 {
					return false
				}
			}
		}
		return true
	})

	stopConsumer, err := w.consume(ctx, e, r)
	if err != nil {
		tb.Fatal(err)
	}
	stopped := false
	defer func() {
		if !stopped {
			stopConsumer()
		}
	}()
	waitAssigned(tb, e, r)
	send, finish, err := w.produce(ctx, e, r)
	if err != nil {
		tb.Fatal(err)
	}

	// Warm-up through the way's own producer and consumer: the clients
	// connect, the producer gets its producer id, every partition's
	// fetch starts. A long-running service is past this point.
	for i := range r.warm {
		send(i % poolSize)
	}
	r.await(tb, r.warmed, 2*time.Minute, "the warm-up")

	start()
	t0 := time.Now()
	for i := range n {
		send((r.warm + i) % poolSize)
	}
	r.await(tb, r.done, 2*time.Minute+time.Duration(n)*time.Millisecond, "the timed records")
	elapsed := time.Since(t0)
	stop()

	if err := finish(); err != nil {
		tb.Fatal(err)
	}
	stopped = true
	if err := stopConsumer(); err != nil {
		tb.Fatal(err)
	}
	select {
	case <-r.failed:
		tb.Fatalf("%s: %v", w.name, r.failErr)
	default:
	}
	if got := r.count.Load(); got != int64(r.warm+n) {
		tb.Fatalf("%s: the consumer saw %d records, want %d (a redelivery?)", w.name, got, r.warm+n)
	}
	checkCommitted(tb, e, r)

	lat := slices.Clone(r.lat)
	slices.Sort(lat)
	return result{elapsed: elapsed, p50: lat[(len(lat)-1)*50/100], p99: lat[(len(lat)-1)*99/100]}
}

// waitAssigned waits until the group is Stable with all of the topic's
// partitions assigned: the join is not part of what is measured.
func waitAssigned(tb testing.TB, e *env, r *run) {
	tb.Helper()
	waitFor(tb, "group "+r.group+" to own all partitions", func() bool {
		select {
		case <-r.failed:
			tb.Fatal(r.failErr)
		default:
		}
		gs, err := e.adm.DescribeGroups(context.Background(), r.group)
		if err != nil {
			return false
		}
		g, ok := gs[r.group]
		if !ok || g.Err != nil || g.State != "Stable" {
			return false
		}
		n := 0
		for _, m := range g.Members {
			if a, ok := m.Assigned.AsConsumer(); ok {
				for _, t := range a.Topics {
					if t.Topic == r.topic {
						n += len(t.Partitions)
					}
				}
			}
		}
		return n == partitions
	})
}

// checkCommitted: after the consumer stopped, its group's commits are at
// the end of every partition, and the partitions hold exactly n records.
func checkCommitted(tb testing.TB, e *env, r *run) {
	tb.Helper()
	ctx := context.Background()
	ends, err := e.adm.ListEndOffsets(ctx, r.topic)
	if err == nil {
		err = ends.Error()
	}
	if err != nil {
		tb.Fatal(err)
	}
	offs, err := e.adm.FetchOffsets(ctx, r.group)
	if err == nil {
		err = offs.Error()
	}
	if err != nil {
		tb.Fatal(err)
	}
	var records, lag int64
	ends.Each(func(o kadm.ListedOffset) {
		records += o.Offset
		c, _ := offs.Lookup(o.Topic, o.Partition)
		lag += o.Offset - c.At
	})
	if records != int64(r.warm+r.n) || lag != 0 {
		tb.Fatalf("%s: %d records in the topic (want %d), %d not committed by the group", r.topic, records, r.warm+r.n, lag)
	}
}

// waitFor polls cond, a state observed in the broker, every 20 ms until it
// holds, failing after 2 minutes.
func waitFor(tb testing.TB, what string, cond func() bool) {
	tb.Helper()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	limit := time.After(2 * time.Minute)
	for !cond() {
		select {
		case <-tick.C:
		case <-limit:
			tb.Fatalf("timed out waiting for %s", what)
		}
	}
}

// --- typed: the avroctl runtime over the events module's codec ---

func typedConfig(e *env) kafka.Config {
	return kafka.Config{Brokers: []string{e.broker.Bootstrap()}, Opts: producerOpts()}
}

func typedConsume(ctx context.Context, e *env, r *run) (func() error, error) {
	codec, err := e.typedCodec()
	if err != nil {
		return nil, err
	}
	// A running service's codec has the writer schema's plan cached after
	// its first record; load it now so no run pays the registry fetch.
	var warm payments.PaymentValidated
	if err := codec.Decode(ctx, e.records[0].Value, &warm); err != nil {
		return nil, err
	}
	h := func(_ context.Context, m *kafka.Message[payments.PaymentValidated]) error {
		if m.Value.PaymentID == "" {
			r.fail(fmt.Errorf("offset %d/%d decoded to an empty payment", m.Partition, m.Offset))
		}
		r.seen(m.Timestamp)
		return nil
	}
	c, err := kafka.NewConsumer(kafka.Decoder[payments.PaymentValidated](codec), h, kafka.ConsumerOptions{
		Config: typedConfig(e), Group: r.group, Topics: []string{r.topic}, CommitInterval: commitEvery,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		return nil, err
	}
	cctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() {
		err := c.Run(cctx)
		if cctx.Err() == nil {
			r.fail(fmt.Errorf("typed consumer stopped by itself: %v", err))
		}
		done <- err
	}()
	return func() error {
		cancel()
		err := <-done
		if s := c.Stats(); s.DeadLettered != 0 || s.Retries != 0 {
			err = errors.Join(err, fmt.Errorf("typed consumer: %+v", s))
		}
		return err
	}, nil
}

func typedProduce(ctx context.Context, e *env, r *run) (func(int), func() error, error) {
	codec, err := e.typedCodec()
	if err != nil {
		return nil, nil, err
	}
	p, err := kafka.NewProducer(ctx, kafka.Encoder[payments.PaymentValidated](codec),
		kafka.ProducerOptions[payments.PaymentValidated]{Config: typedConfig(e), Topic: r.topic, KeyField: "orderId"})
	if err != nil {
		return nil, nil, err
	}
	done := func(_ kafka.Delivery, err error) {
		if err != nil {
			r.fail(err)
		}
	}
	send := func(i int) { p.SendAsync(ctx, &e.typed[i], done) }
	return send, func() error { return p.Close(ctx) }, nil
}

// --- raw and srserde: franz-go as its users write it ---

// peerConsume is the consumer loop a franz-go user writes for the same
// guarantee as the runtime's: poll, decode, mark the record, and commit
// the marks every commitEvery and once more at the end.
func peerConsume(ctx context.Context, e *env, r *run, decode func(*kgo.Record) error) (func() error, error) {
	cl, err := kgo.NewClient(
		kgo.SeedBrokers(e.broker.Bootstrap()),
		kgo.ConsumerGroup(r.group),
		kgo.ConsumeTopics(r.topic),
		kgo.AutoCommitMarks(),
		kgo.AutoCommitInterval(commitEvery),
	)
	if err != nil {
		return nil, err
	}
	cctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			fs := cl.PollFetches(cctx)
			if fs.IsClientClosed() || cctx.Err() != nil {
				return
			}
			fs.EachError(func(t string, p int32, err error) { r.fail(fmt.Errorf("fetch %s/%d: %w", t, p, err)) })
			fs.EachRecord(func(rec *kgo.Record) {
				if err := decode(rec); err != nil {
					r.fail(fmt.Errorf("decode %s/%d@%d: %w", rec.Topic, rec.Partition, rec.Offset, err))
					return
				}
				r.seen(rec.Timestamp)
				cl.MarkCommitRecords(rec)
			})
		}
	}()
	return func() error {
		cancel()
		<-done
		cctx, ccancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer ccancel()
		err := cl.CommitMarkedOffsets(cctx)
		cl.Close()
		return err
	}, nil
}

func peerProducer(e *env, r *run) (*kgo.Client, func(*kgo.Record, error), error) {
	cl, err := kgo.NewClient(append([]kgo.Opt{kgo.SeedBrokers(e.broker.Bootstrap()), kgo.DefaultProduceTopic(r.topic)},
		producerOpts()...)...)
	if err != nil {
		return nil, nil, err
	}
	return cl, func(_ *kgo.Record, err error) {
		if err != nil {
			r.fail(err)
		}
	}, nil
}

func finishPeer(ctx context.Context, cl *kgo.Client) func() error {
	return func() error {
		err := cl.Flush(ctx)
		cl.Close()
		return err
	}
}

// rawConsume does no Avro work: it checks the frame's magic byte, which is
// what "[]byte payloads" leaves a consumer to do.
func rawConsume(ctx context.Context, e *env, r *run) (func() error, error) {
	return peerConsume(ctx, e, r, func(rec *kgo.Record) error {
		if len(rec.Value) < 5 || rec.Value[0] != 0 {
			return fmt.Errorf("not a Confluent frame: %x", rec.Value)
		}
		return nil
	})
}

// rawProduce sends the typed producer's precomputed key, value and headers.
func rawProduce(ctx context.Context, e *env, r *run) (func(int), func() error, error) {
	cl, done, err := peerProducer(e, r)
	if err != nil {
		return nil, nil, err
	}
	send := func(i int) {
		pr := &e.records[i]
		cl.Produce(ctx, &kgo.Record{Key: pr.Key, Value: pr.Value, Headers: pr.Headers}, done)
	}
	return send, finishPeer(ctx, cl), nil
}

// srSerde is franz-go's sr.Serde over hamba with the id the registry gives
// for the subject, looked up with franz-go's own registry client.
func srSerde(ctx context.Context, e *env) (*sr.Serde, error) {
	rcl, err := sr.NewClient(sr.URLs(e.regURL))
	if err != nil {
		return nil, err
	}
	ss, err := rcl.LookupSchema(ctx, subject, sr.Schema{Schema: payments.PaymentValidated{}.AvroSchema(), Type: sr.TypeAvro})
	if err != nil {
		return nil, fmt.Errorf("sr: lookup %s: %w", subject, err)
	}
	if ss.ID != e.schemaID {
		return nil, fmt.Errorf("sr: %s has id %d, the typed codec's is %d", subject, ss.ID, e.schemaID)
	}
	sd := sr.NewSerde()
	registerHamba(sd, ss.ID, e.hschema)
	return sd, nil
}

func srConsume(ctx context.Context, e *env, r *run) (func() error, error) {
	sd, err := srSerde(ctx, e)
	if err != nil {
		return nil, err
	}
	return peerConsume(ctx, e, r, func(rec *kgo.Record) error {
		var v hambaPayment // fresh per record, as a consumer hands each one on
		if err := sd.Decode(rec.Value, &v); err != nil {
			return err
		}
		if v.PaymentID == "" {
			return errors.New("decoded to an empty payment")
		}
		return nil
	})
}

// srProduce encodes each event with sr.Serde and keys it by its order id as
// the typed producer does; the CloudEvents headers are the typed producer's,
// precomputed (the typed way builds them per record, the peer gets them
// free).
func srProduce(ctx context.Context, e *env, r *run) (func(int), func() error, error) {
	sd, err := srSerde(ctx, e)
	if err != nil {
		return nil, nil, err
	}
	cl, done, err := peerProducer(e, r)
	if err != nil {
		return nil, nil, err
	}
	send := func(i int) {
		v := &e.hambas[i]
		value, err := sd.Encode(v)
		if err != nil {
			r.fail(err)
			return
		}
		cl.Produce(ctx, &kgo.Record{Key: []byte(v.OrderID), Value: value, Headers: e.records[i].Headers}, done)
	}
	return send, finishPeer(ctx, cl), nil
}
