package examples_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/binary"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	evserde "gitlab.com/acme/avroctl/events/v2/serde"
	nextpayments "gitlab.com/acme/avroctl/examples/evolution/nextevents/payments"
	nextserde "gitlab.com/acme/avroctl/examples/evolution/nextevents/serde"
	"gitlab.com/acme/avroctl/examples/internal/order"
	"gitlab.com/acme/avroctl/examples/internal/payment"
	"gitlab.com/acme/avroctl/gen/kafkatest"
	"gitlab.com/acme/avroctl/kafka"
)

var (
	proofPayments = flag.Int("proof.payments", 20000, "TestProofOnKafka: payments published (half with today's schema, half with the next)")
	proofKills    = flag.Int("proof.kills", 6, "TestProofOnKafka: SIGKILLs of an order-service process")
	proofSyncFlag = flag.String("proof.synchronous", "FULL", "TestProofOnKafka: order-service --synchronous")
	proofSkip     = flag.String("proof.skip", "", "TestProofOnKafka: comma-separated actions to leave out, to find the cause of a failure: join, evolve, restart, leave")
	proofSeed     = flag.Uint64("proof.seed", 0, "TestProofOnKafka: seed of the kill moments (0: from the clock, logged)")
)

// TestProofOnKafka is the proof of the Kafka runtime on Apache Kafka 4.4,
// with the example services as they ship: real order-service processes
// (the built binary) consume payments into one SQLite database, and the
// test does to them what production does.
//
//   - Kill -9: an order-service process is SIGKILLed at random moments
//     (-proof.kills, seeded) and restarted at once with the same static
//     instance id.
//   - Rebalance: a third, dynamic member joins and later leaves cleanly.
//   - Broker restart in the middle of the run.
//   - Live evolution: the first half of the payments is published with
//     today's PaymentValidated, the second half with the next version
//     (riskScore added, examples/evolution/next); the running order
//     services (today's type) read both through resolution, and a new
//     consumer (the next type) reads the old records with the default.
//   - Poison: CHF payments are dead-lettered, byte for byte, once each.
//     Then the handler is fixed (--currencies EUR,CHF) and the dead letters
//     are replayed: the final state is that of a run without poison.
//
// At the end the database holds exactly one order per EUR payment (and
// then per payment), none lost and none twice, whatever the kills did.
func TestProofOnKafka(t *testing.T) {
	if testing.Short() {
		t.Skip("TestProofOnKafka: skipped in -short mode (it runs 20,000 payments through a real broker)")
	}
	ctx := context.Background()
	start := time.Now()
	b := kafkatest.Start(t, kafkatest.Options{})
	exampleTopics(t, b.Bootstrap(), 6)
	_, url := startRegistry(t)
	reg, err := evserde.NewClient(evserde.ClientOptions{URL: url})
	if err != nil {
		t.Fatal(err)
	}
	cfg := kafka.Config{Brokers: []string{b.Bootstrap()}}
	seed := *proofSeed
	if seed == 0 {
		seed = uint64(time.Now().UnixNano())
	}
	rng := rand.New(rand.NewPCG(seed, 1))
	t.Logf("seed %d (rerun with -proof.seed=%d)", seed, seed)

	dir := t.TempDir()
	bins := buildBinaries(t, dir)
	bin, avroctl := bins["order-service"], bins["avroctl"]
	dbPath := filepath.Join(dir, "orders.db")
	db := openOrderDB(t, dbPath)
	procs := &processes{t: t, bin: bin, dir: dir, env: []string{
		"KAFKA_BOOTSTRAP_SERVERS=" + b.Bootstrap(), "REGISTRY_URL=" + url}, db: dbPath}
	defer procs.stopAll()

	// The run's payments: 1..half with today's schema, half+1..total
	// with the next one. Every 40th is sent twice; every 101st that is not
	// is in CHF.
	total := *proofPayments
	half := total / 2
	kinds := payment.Options{DuplicateEvery: 40, ForeignEvery: 101}
	opts1 := kinds
	opts1.Kafka, opts1.Registry, opts1.Register, opts1.First, opts1.Count = cfg, reg, true, 1, half
	payments1, err := payment.Publish(ctx, opts1)
	if err != nil {
		t.Fatal(err)
	}
	foreign := map[string]bool{}
	for n := 1; n <= total; n++ {
		if _, f := kinds.Kind(n); f {
			foreign[payment.PaymentID(n)] = true
		}
	}
	P := len(foreign)
	E := total - P // orders expected before the replay

	procs.start("member-a", "--instance-id", "member-a", "--register")
	procs.start("member-b", "--instance-id", "member-b")

	countOrders := func() int {
		n, _, _, err := order.Counts(ctx, db)
		if err != nil {
			return -1 // the database is busy or still being created
		}
		return n
	}
	type action struct {
		at   float64 // fraction of E reached
		what string
		do   func()
	}
	var payments2 payment.Stats
	kills := 0
	var actions []action
	for range *proofKills {
		actions = append(actions, action{at: 0.05 + 0.85*rng.Float64(), what: "kill", do: func() {
			name := []string{"member-a", "member-b"}[rng.IntN(2)]
			procs.kill(name)
			kills++
			procs.start(name, "--instance-id", name)
		}})
	}
	actions = append(actions,
		action{at: 0.15, what: "member-c joins", do: func() { procs.start("member-c") }},
		action{at: 0.25, what: "the producer moves to the next schema", do: func() {
			payments2 = publishNext(t, ctx, cfg, url, half+1, total-half, kinds)
		}},
		action{at: 0.5, what: "broker restart", do: func() {
			t0 := time.Now()
			before := committedSum(t, b.Bootstrap(), order.Name)
			if err := b.Restart(ctx); err != nil {
				t.Fatal(err)
			}
			t.Logf("broker restarted in %v; the group's committed offsets sum to %d before, %d after", time.Since(t0).Round(time.Millisecond), before, committedSum(t, b.Bootstrap(), order.Name))
		}},
		action{at: 0.6, what: "member-c leaves", do: func() { procs.stop("member-c") }},
	)
	actions = slices.DeleteFunc(actions, func(a action) bool {
		for _, s := range strings.Split(*proofSkip, ",") {
			if s != "" && strings.Contains(a.what, map[string]string{"join": "joins", "evolve": "next schema", "restart": "broker restart", "leave": "leaves"}[s]) {
				return true
			}
		}
		return false
	})
	sort.SliceStable(actions, func(i, j int) bool { return actions[i].at < actions[j].at })
	last := 0
	for _, a := range actions {
		// Each action waits for progress past the previous one, so that
		// two kills never hit the same moment.
		target := max(int(a.at*float64(E)), last+E/100)
		waitFor(t, fmt.Sprintf("%d orders before: %s", target, a.what), func() bool { return countOrders() >= target })
		last = countOrders()
		t.Logf("%5.1fs at %d orders: %s", time.Since(start).Seconds(), last, a.what)
		a.do()
	}
	D := payments1.Duplicates + payments2.Duplicates
	N := payments1.Sent + payments2.Sent
	if payments1.Foreign+payments2.Foreign != P {
		t.Fatalf("published %d CHF payments, want %d", payments1.Foreign+payments2.Foreign, P)
	}
	waitFor(t, fmt.Sprintf("%d orders", E), func() bool { return countOrders() >= E })
	waitForLag(t, b.Bootstrap(), order.Name, payment.Topic)
	waitFor(t, "an empty outbox", func() bool { _, _, ob, err := order.Counts(ctx, db); return err == nil && ob == 0 })

	// Exactly one order per EUR payment: none lost, none twice.
	ids := orderPaymentIDs(t, db)
	lost, twice := 0, len(ids)-len(uniq(ids))
	have := map[string]bool{}
	for _, id := range ids {
		have[id] = true
	}
	for n := 1; n <= total; n++ {
		if id := payment.PaymentID(n); !foreign[id] && !have[id] {
			lost++
		}
	}
	_, dups, _, _ := order.Counts(ctx, db)
	t.Logf("N=%d records (%d payments), D=%d duplicates, P=%d poison; kills=%d, broker restarts=1, member joins/leaves=1/1", N, total, D, P, kills)
	t.Logf("orders=%d (want %d), lost=%d, applied twice=%d, duplicates skipped=%d (of which redelivered after kills and rebalances: %d)",
		len(ids), E, lost, twice, dups, dups-D)
	if len(ids) != E || lost != 0 || twice != 0 {
		t.Fatalf("orders %d, lost %d, twice %d; want %d, 0, 0", len(ids), lost, twice, E)
	}
	if dups < D {
		t.Errorf("%d duplicates skipped, fewer than the %d duplicate sends", dups, D)
	}

	// The dead-letter topic holds exactly the P CHF payments, byte for
	// byte, with their original key and headers.
	src := readTopic(t, b.Bootstrap(), payment.Topic, N)
	byValue := map[string]*kgo.Record{}
	for _, r := range src {
		byValue[string(r.Value)] = r
	}
	dlt := readTopic(t, b.Bootstrap(), payment.Topic+"-dlt", -1)
	seen := map[string]bool{}
	for _, d := range dlt {
		orig, ok := byValue[string(d.Value)]
		if !ok || !bytes.Equal(orig.Key, d.Key) || !headersPrefix(orig.Headers, d.Headers) {
			t.Fatalf("dead letter %s/%d@%d is not an unchanged source record", d.Topic, d.Partition, d.Offset)
		}
		dl, err := kafka.ParseDeadLetter(d)
		if err != nil {
			t.Fatal(err)
		}
		if dl.OriginalOffset != orig.Offset || dl.OriginalPartition != orig.Partition || !strings.Contains(dl.Message, "currency not accepted") {
			t.Fatalf("dead letter headers %+v for %d@%d", dl, orig.Partition, orig.Offset)
		}
		seen[string(d.Value)] = true
	}
	// Every CHF payment is dead-lettered, and nothing else. A second copy
	// can appear only when a member is SIGKILLed with a dead-letter write
	// in flight: the broker appends it after the partition's next owner
	// has read the dead-letter topic (kafka/doc.go, "Dead letters once").
	// Each kill can leave at most one write in flight per worker.
	if len(seen) != P {
		t.Fatalf("%d distinct dead letters (%d in all), want exactly the %d CHF payments", len(seen), len(dlt), P)
	}
	if repeats := len(dlt) - len(seen); repeats > kills*16 {
		t.Fatalf("%d repeated dead letters after %d kills", repeats, kills)
	}
	t.Logf("dead letters: %d distinct = P, all byte-identical to their source record; %d second copies from writes in flight at a SIGKILL",
		len(seen), len(dlt)-len(seen))

	// Live evolution, the other way: a new consumer (the next schema)
	// reads every record, the old ones with riskScore's default.
	old, next := readAllWithNextSchema(t, ctx, cfg, url, N)
	t.Logf("a consumer of the next schema read %d records written with today's schema (riskScore 0, the default) and %d with the next (riskScore 42)", old, next)
	if old != payments1.Sent || next != payments2.Sent {
		t.Errorf("next-schema consumer: %d old and %d new records, want %d and %d", old, next, payments1.Sent, payments2.Sent)
	}

	// Replay: fix the handler, replay the dead letters, and reach the
	// state of a run without poison.
	procs.stopAll()
	procs.start("member-a", "--instance-id", "member-a", "--currencies", "EUR,CHF")
	replay := exec.Command(avroctl, "dlt", "replay", payment.Topic+"-dlt", "-o", "json")
	replay.Env = append(os.Environ(), "KAFKA_BOOTSTRAP_SERVERS="+b.Bootstrap())
	out, err := replay.Output()
	if err != nil {
		t.Fatalf("avroctl dlt replay: %v\n%s", err, out)
	}
	replayed := bytes.Count(out, []byte("\n"))
	waitFor(t, fmt.Sprintf("%d orders after the replay", total), func() bool { return countOrders() >= total })
	waitForLag(t, b.Bootstrap(), order.Name, payment.Topic)
	procs.stopAll()
	ids = orderPaymentIDs(t, db)
	if len(ids) != total || len(uniq(ids)) != total {
		t.Fatalf("after the replay: %d orders (%d distinct), want %d", len(ids), len(uniq(ids)), total)
	}
	if n := endOffsetsSum(t, b.Bootstrap(), payment.Topic+"-dlt"); n != len(dlt) {
		t.Errorf("the dead-letter topic grew from %d to %d records during the replay", len(dlt), n)
	}
	t.Logf("replayed %d dead letters after the fix: %d orders, one per payment, as a run without poison; total %v",
		replayed, len(ids), time.Since(start).Round(time.Second))
}

// publishNext publishes payments first..first+count-1 with the next
// version of PaymentValidated (riskScore 42), registering it, as a payment
// service built against the next events module would.
func publishNext(t *testing.T, ctx context.Context, cfg kafka.Config, url string, first, count int, kinds payment.Options) payment.Stats {
	t.Helper()
	reg, err := nextserde.NewClient(nextserde.ClientOptions{URL: url})
	if err != nil {
		t.Fatal(err)
	}
	codec, err := nextserde.NewCodec[nextpayments.PaymentValidated](nextserde.New(reg), nextserde.CodecOptions{
		Topic: payment.Topic, Strategy: nextserde.TopicRecordName, AutoRegister: true})
	if err != nil {
		t.Fatal(err)
	}
	prod, err := kafka.NewProducer(ctx, kafka.Encoder[nextpayments.PaymentValidated](codec),
		kafka.ProducerOptions[nextpayments.PaymentValidated]{Config: cfg, Topic: payment.Topic, KeyField: "orderId"})
	if err != nil {
		t.Fatal(err)
	}
	defer prod.Close(ctx)
	var st payment.Stats
	var mu sync.Mutex
	var sendErr error
	done := func(_ kafka.Delivery, err error) {
		if err != nil {
			mu.Lock()
			sendErr = err
			mu.Unlock()
		}
	}
	for n := first; n < first+count; n++ {
		dup, foreign := kinds.Kind(n)
		v1 := payment.NewPayment(n, foreign, time.Now())
		// The same payment in the next schema: today's encoding followed
		// by riskScore, the field the next version appends.
		body, err := v1.AppendAvro(nil)
		if err != nil {
			t.Fatal(err)
		}
		var v2 nextpayments.PaymentValidated
		if err := v2.UnmarshalAvro(binary.AppendVarint(body, 42)); err != nil {
			t.Fatal(err)
		}
		prod.SendAsync(ctx, &v2, done)
		st.Sent++
		if foreign {
			st.Foreign++
		}
		if dup {
			prod.SendAsync(ctx, &v2, done)
			st.Sent++
			st.Duplicates++
		}
	}
	if err := prod.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if sendErr != nil {
		t.Fatal(sendErr)
	}
	return st
}

// readAllWithNextSchema consumes the payments topic from the start in a
// new group with the next schema's type and counts the records by the
// riskScore they decode to.
func readAllWithNextSchema(t *testing.T, ctx context.Context, cfg kafka.Config, url string, n int) (old, next int) {
	t.Helper()
	reg, err := nextserde.NewClient(nextserde.ClientOptions{URL: url})
	if err != nil {
		t.Fatal(err)
	}
	codec, err := nextserde.NewCodec[nextpayments.PaymentValidated](nextserde.New(reg), nextserde.CodecOptions{Topic: payment.Topic, Strategy: nextserde.TopicRecordName})
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	seen := map[[2]int64]int32{}
	c, err := kafka.NewConsumer(kafka.Decoder[nextpayments.PaymentValidated](codec),
		func(_ context.Context, m *kafka.Message[nextpayments.PaymentValidated]) error {
			mu.Lock()
			seen[[2]int64{int64(m.Partition), m.Offset}] = m.Value.RiskScore
			mu.Unlock()
			return nil
		}, kafka.ConsumerOptions{Config: cfg, Group: "next-schema-reader", Topics: []string{payment.Topic},
			Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- c.Run(runCtx) }()
	waitFor(t, fmt.Sprintf("the next-schema reader to read %d records", n), func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(seen) >= n
	})
	stop()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if s := c.Stats(); s.DeadLettered != 0 {
		t.Fatalf("the next-schema reader dead-lettered %d records", s.DeadLettered)
	}
	for _, score := range seen {
		switch score {
		case 0:
			old++
		case 42:
			next++
		default:
			t.Fatalf("riskScore %d", score)
		}
	}
	return old, next
}

// buildBinaries builds order-service, payment-service and avroctl from
// this checkout into dir.
func buildBinaries(t *testing.T, dir string) map[string]string {
	t.Helper()
	bins := map[string]string{}
	for name, src := range map[string][2]string{
		"order-service": {".", "./order-service"}, "payment-service": {".", "./payment-service"}, "avroctl": {"..", "./tools/avroctl"},
	} {
		bins[name] = filepath.Join(dir, name)
		build := exec.Command("go", "build", "-o", bins[name], src[1])
		build.Dir = src[0]
		if out, err := build.CombinedOutput(); err != nil {
			t.Fatalf("go build %s: %v\n%s", src[1], err, out)
		}
	}
	return bins
}

// waitForLag waits until group has committed the end of every partition
// of topic.
func waitForLag(t *testing.T, bootstrap, group, topic string) {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(bootstrap))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	adm := kadm.NewClient(cl)
	waitFor(t, "group "+group+" committed at the end of "+topic, func() bool {
		ends, err := adm.ListEndOffsets(context.Background(), topic)
		if err != nil || ends.Error() != nil {
			return false
		}
		offs, err := adm.FetchOffsets(context.Background(), group)
		if err != nil {
			return false
		}
		lag := int64(0)
		ends.Each(func(e kadm.ListedOffset) {
			o, _ := offs.Lookup(e.Topic, e.Partition)
			lag += e.Offset - o.At
		})
		return lag == 0
	})
}

// committedSum is the sum of group's committed offsets.
func committedSum(t *testing.T, bootstrap, group string) int64 {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(bootstrap))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	var offs kadm.OffsetResponses
	waitFor(t, "the committed offsets of "+group, func() bool {
		offs, err = kadm.NewClient(cl).FetchOffsets(context.Background(), group)
		return err == nil && offs.Error() == nil
	})
	var sum int64
	offs.Each(func(o kadm.OffsetResponse) { sum += o.At })
	return sum
}

func orderPaymentIDs(t *testing.T, db *sql.DB) []string {
	t.Helper()
	rows, err := db.Query(`SELECT payment_id FROM orders`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	return ids
}

func uniq(s []string) []string {
	c := slices.Clone(s)
	slices.Sort(c)
	return slices.Compact(c)
}

// headersPrefix: a dead letter's headers are the original ones, in order,
// followed by the kafka_dlt-* ones.
func headersPrefix(orig, dl []kgo.RecordHeader) bool {
	if len(dl) < len(orig) {
		return false
	}
	for i, h := range orig {
		if dl[i].Key != h.Key || !bytes.Equal(dl[i].Value, h.Value) {
			return false
		}
	}
	for _, h := range dl[len(orig):] {
		if !kafka.IsRuntimeHeader(h.Key) {
			return false
		}
	}
	return true
}

// processes runs order-service processes by name; each writes its output
// to NAME.log in dir, shown when the test fails.
type processes struct {
	t        *testing.T
	bin, dir string
	env      []string
	db       string
	mu       sync.Mutex
	running  map[string]*exec.Cmd
}

func (p *processes) start(name string, args ...string) {
	p.t.Helper()
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.running == nil {
		p.running = map[string]*exec.Cmd{}
	}
	logf, err := os.OpenFile(filepath.Join(p.dir, name+".log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		p.t.Fatal(err)
	}
	cmd := exec.Command(p.bin, append([]string{"--db", p.db, "--synchronous", *proofSyncFlag}, args...)...)
	cmd.Env = append(os.Environ(), p.env...)
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		p.t.Fatal(err)
	}
	logf.Close()
	p.running[name] = cmd
}

// kill SIGKILLs name and reaps it.
func (p *processes) kill(name string) {
	p.t.Helper()
	p.mu.Lock()
	cmd := p.running[name]
	delete(p.running, name)
	p.mu.Unlock()
	if cmd == nil {
		p.t.Fatalf("%s is not running", name)
	}
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
}

// stop asks name to stop (SIGTERM) and requires a clean exit.
func (p *processes) stop(name string) {
	p.t.Helper()
	p.mu.Lock()
	cmd := p.running[name]
	delete(p.running, name)
	p.mu.Unlock()
	if cmd == nil {
		return
	}
	cmd.Process.Signal(syscall.SIGTERM)
	if err := cmd.Wait(); err != nil {
		log, _ := os.ReadFile(filepath.Join(p.dir, name+".log"))
		p.t.Errorf("%s did not stop cleanly: %v\n%s", name, err, tail(log, 4000))
	}
}

func (p *processes) stopAll() {
	p.mu.Lock()
	var names []string
	for n := range p.running {
		names = append(names, n)
	}
	p.mu.Unlock()
	sort.Strings(names)
	for _, n := range names {
		p.stop(n)
	}
	if keep := os.Getenv("PROOF_KEEP_LOGS"); keep != "" {
		for _, f := range []string{"member-a", "member-b", "member-c"} {
			if log, err := os.ReadFile(filepath.Join(p.dir, f+".log")); err == nil {
				os.WriteFile(filepath.Join(keep, f+".log"), log, 0o644)
			}
		}
	}
	if p.t.Failed() {
		for _, f := range []string{"member-a", "member-b", "member-c"} {
			if log, err := os.ReadFile(filepath.Join(p.dir, f+".log")); err == nil {
				p.t.Logf("%s.log:\n%s", f, tail(log, 4000))
			}
		}
	}
}

func tail(b []byte, n int) []byte {
	if len(b) > n {
		return b[len(b)-n:]
	}
	return b
}
