package main

import (
	"bytes"
	"context"
	"encoding/json"
	"sort"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"gitlab.com/acme/avroctl/gen/kafkatest"
)

// TestProduceConsumeRealBroker writes three values with produce to Apache
// Kafka 4.4 and reads them back with consume -o json: the same keys,
// headers and values (idempotent acks=all producing must work there),
// and a partition ending in a transaction marker still ends.
func TestProduceConsumeRealBroker(t *testing.T) {
	b := kafkatest.Start(t, kafkatest.Options{})
	ctx := context.Background()
	admCl, err := kgo.NewClient(kgo.SeedBrokers(b.Addrs()...))
	if err != nil {
		t.Fatal(err)
	}
	defer admCl.Close()
	if res, err := kadm.NewClient(admCl).CreateTopics(ctx, 3, 1, nil, "orders"); err != nil || res.Error() != nil {
		t.Fatalf("creating the topic: %v %v", err, res.Error())
	}
	regURL := startRegistry(t)
	id := registerOrder(t, regURL)
	// Partition 0 ends in a transaction marker, not a record: consume must
	// still end there.
	txCl, err := kgo.NewClient(kgo.SeedBrokers(b.Addrs()...), kgo.TransactionalID("consume-test"), kgo.RecordPartitioner(kgo.ManualPartitioner()))
	if err != nil {
		t.Fatal(err)
	}
	if err := txCl.BeginTransaction(); err != nil {
		t.Fatal(err)
	}
	tx := &kgo.Record{Topic: "orders", Partition: 0, Key: []byte("o-0"), Value: orderFrame(id, "o-0", 0, nil),
		Headers: []kgo.RecordHeader{{Key: "source", Value: []byte("broker-test")}}}
	if err := txCl.ProduceSync(ctx, tx).FirstErr(); err != nil {
		t.Fatal(err)
	}
	if err := txCl.EndTransaction(ctx, kgo.TryCommit); err != nil {
		t.Fatal(err)
	}
	txCl.Close()
	conn := []string{"--bootstrap-servers", b.Bootstrap(), "--url", regURL}
	run := func(stdin string, args ...string) (int, string, string) {
		var out, errb bytes.Buffer
		code := Main(append(args, conn...), strings.NewReader(stdin), &out, &errb)
		return code, out.String(), errb.String()
	}
	values := []string{`{"id":"o-1","qty":1,"note":null}`, `{"id":"o-2","qty":2,"note":"gift"}`, `{"id":"o-3","qty":3,"note":null}`}
	code, out, errs := run(strings.Join(values, "\n"), "produce", "orders", "--key-field", "id", "-H", "source=broker-test", "--format", "json")
	if code != 0 || strings.Count(out, "\n") != 3 || !strings.Contains(errs, "3 record(s) written") {
		t.Fatalf("produce: exit %d\n%s%s", code, out, errs)
	}
	code, out, errs = run("", "consume", "orders", "-o", "json", "--format", "json")
	if code != 0 || !strings.Contains(errs, "4 record(s) read, 0 finding(s)") {
		t.Fatalf("consume: exit %d\n%s%s", code, out, errs)
	}
	var got []string
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var r struct {
			Key     string
			Headers []struct{ Key, Value string }
			Value   json.RawMessage
		}
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatal(err)
		}
		if len(r.Headers) != 1 || r.Headers[0].Key != "source" || r.Headers[0].Value != "broker-test" || !strings.Contains(string(r.Value), `"id":"`+r.Key+`"`) {
			t.Fatalf("record: %s", line)
		}
		got = append(got, string(r.Value))
	}
	sort.Strings(got)
	values = append([]string{`{"id":"o-0","qty":0,"note":null}`}, values...)
	if strings.Join(got, "\n") != strings.Join(values, "\n") {
		t.Fatalf("consumed:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(values, "\n"))
	}
}
