package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sasl/plain"

	"gitlab.com/acme/avroctl/gen/kafkatest"
)

// TestDLTRealBroker runs inspect and replay against Apache Kafka 4.4 with
// SASL/PLAIN, connected through the environment only: dead letters with
// the runtime's exact header set, one partition ending in a transaction
// marker (a read must still end), a record that is not a dead letter.
// The source topic must receive the chosen records byte for byte, headers
// minus the dead-letter ones.
func TestDLTRealBroker(t *testing.T) {
	const password = "dlt-s3cret-pw"
	b := kafkatest.Start(t, kafkatest.Options{Users: map[string]string{"admin": password}})
	ctx := context.Background()
	opts := func(extra ...kgo.Opt) []kgo.Opt {
		return append([]kgo.Opt{kgo.SeedBrokers(b.Addrs()...), kgo.SASL(plain.Auth{User: "admin", Pass: password}.AsMechanism())}, extra...)
	}
	admCl, err := kgo.NewClient(opts()...)
	if err != nil {
		t.Fatal(err)
	}
	defer admCl.Close()
	adm := kadm.NewClient(admCl)
	if res, err := adm.CreateTopics(ctx, 3, 1, nil, "orders", "orders-dlt"); err != nil || res.Error() != nil {
		t.Fatalf("creating topics: %v %v", err, res.Error())
	}
	regURL := startRegistry(t)
	id := registerOrder(t, regURL)

	produce := func(extra []kgo.Opt, recs ...*kgo.Record) {
		t.Helper()
		cl, err := kgo.NewClient(opts(append([]kgo.Opt{kgo.RecordPartitioner(kgo.ManualPartitioner())}, extra...)...)...)
		if err != nil {
			t.Fatal(err)
		}
		defer cl.Close()
		if err := cl.ProduceSync(ctx, recs...).FirstErr(); err != nil {
			t.Fatal(err)
		}
	}
	// The originals, then their dead letters in the partition of the same
	// number (as the runtime writes them).
	var originals, dead []*kgo.Record
	for i, key := range []string{"o-1", "o-2", "o-3", "o-4"} {
		p := int32(i % 2)
		orig := &kgo.Record{Topic: "orders", Partition: p, Key: []byte(key), Value: orderFrame(id, key, int32(i), nil)}
		originals = append(originals, orig)
	}
	produce(nil, originals...)
	for i, o := range originals {
		class := "kafka.HandlerError"
		if i%2 == 1 {
			class = "kafka.TimeoutError"
		}
		dead = append(dead, runtimeDeadLetter("orders-dlt", o.Partition, o.Partition, o.Offset, string(o.Key), o.Value, class, id))
	}
	produce(nil, dead...)
	produce(nil, &kgo.Record{Topic: "orders-dlt", Partition: 1, Key: []byte("stray"), Value: []byte("x")})

	// Partition 2: two dead letters written in a committed transaction, so
	// the partition ends with a transaction marker, not a record.
	txCl, err := kgo.NewClient(opts(kgo.TransactionalID("dlt-test"), kgo.RecordPartitioner(kgo.ManualPartitioner()))...)
	if err != nil {
		t.Fatal(err)
	}
	if err := txCl.BeginTransaction(); err != nil {
		t.Fatal(err)
	}
	for i, key := range []string{"o-5", "o-6"} {
		rec := runtimeDeadLetter("orders-dlt", 2, 2, int64(100+i), key, orderFrame(id, key, 9, nil), "kafka.TimeoutError", id)
		if err := txCl.ProduceSync(ctx, rec).FirstErr(); err != nil {
			t.Fatal(err)
		}
	}
	if err := txCl.EndTransaction(ctx, kgo.TryCommit); err != nil {
		t.Fatal(err)
	}
	txCl.Close()

	// The connection comes from the environment only.
	t.Setenv("KAFKA_BOOTSTRAP_SERVERS", b.Bootstrap())
	t.Setenv("KAFKA_SASL_MECHANISM", "PLAIN")
	t.Setenv("KAFKA_SASL_USERNAME", "admin")
	t.Setenv("KAFKA_SASL_PASSWORD", password)
	t.Setenv("REGISTRY_URL", regURL)
	run := func(args ...string) (int, string, string) {
		t.Helper()
		code, out, errs := runRegistryCLI(t, args...)
		if strings.Contains(out+errs, password) {
			t.Fatalf("the password was printed:\n%s%s", out, errs)
		}
		return code, out, errs
	}

	code, out, errs := run("dlt", "inspect", "orders-dlt")
	if code != 1 || !strings.Contains(out, "7 record(s) read, 7 shown, 2 finding(s)") ||
		!strings.Contains(out, `value     schema 1: {"id":"o-6","qty":9,"note":null}`) ||
		!strings.Contains(out, "orders-dlt/1@2  ") || !strings.Contains(out, "not a dead letter: no kafka_dlt-original-topic header") {
		t.Fatalf("inspect: exit %d\n%s%s", code, out, errs)
	}

	// Replay the time-outs of partitions 0 and 1 (o-2, o-4).
	code, out, errs = run("dlt", "replay", "orders-dlt", "--error-class", "kafka.TimeoutError", "--partition", "0", "--partition", "1")
	if code != 0 || !strings.Contains(out, "replayed 2 of 2 chosen record(s) (5 read); 0 skipped") {
		t.Fatalf("replay: exit %d\n%s%s", code, out, errs)
	}
	back := readTopic(t, opts, "orders")
	if len(back) != 6 {
		t.Fatalf("orders has %d records, want 4 originals and 2 replays", len(back))
	}
	isOriginal := map[[2]int64]bool{}
	for _, o := range originals {
		isOriginal[[2]int64{int64(o.Partition), o.Offset}] = true
	}
	var replays []*kgo.Record
	for _, r := range back {
		if !isOriginal[[2]int64{int64(r.Partition), r.Offset}] {
			replays = append(replays, r)
		}
	}
	if len(replays) != 2 {
		t.Fatalf("%d replays", len(replays))
	}
	for _, r := range replays {
		var src *kgo.Record
		for _, d := range dead {
			if bytes.Equal(d.Key, r.Key) {
				src = d
			}
		}
		if src == nil || (string(r.Key) != "o-2" && string(r.Key) != "o-4") || !bytes.Equal(src.Value, r.Value) {
			t.Fatalf("replayed %q: not a chosen dead letter", r.Key)
		}
		var want []kgo.RecordHeader
		for _, h := range src.Headers {
			if !strings.HasPrefix(h.Key, "kafka_dlt-") {
				want = append(want, h)
			}
		}
		if len(r.Headers) != len(want) {
			t.Fatalf("replayed %q: headers %v, want %v", r.Key, r.Headers, want)
		}
		for i := range want {
			if r.Headers[i].Key != want[i].Key || !bytes.Equal(r.Headers[i].Value, want[i].Value) {
				t.Fatalf("replayed %q: header %d is %s=%q, want %s=%q", r.Key, i, r.Headers[i].Key, r.Headers[i].Value, want[i].Key, want[i].Value)
			}
		}
	}
	// The dead-letter topic is unchanged, and a replay into it is refused.
	if code, out, _ = run("dlt", "inspect", "orders-dlt", "--no-decode"); !strings.Contains(out, "7 record(s) read") {
		t.Fatalf("after the replay: exit %d\n%s", code, out)
	}
	if code, _, errs = run("dlt", "replay", "orders-dlt", "--to", "orders-dlt"); code != 2 || !strings.Contains(errs, "would loop") {
		t.Fatalf("loop: exit %d\n%s", code, errs)
	}
}
