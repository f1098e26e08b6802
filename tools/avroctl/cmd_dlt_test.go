package main

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sasl"
	"github.com/twmb/franz-go/pkg/sasl/scram"
	"github.com/twmb/franz-go/pkg/sr"

	"gitlab.com/acme/avroctl/gen/golang/runtime/avro"
)

const (
	dltOrderV1 = `{"type":"record","name":"Order","namespace":"com.acme","fields":[{"name":"id","type":"string"},{"name":"qty","type":"int"},{"name":"note","type":["null","string"]}]}`
	dltOrderV2 = `{"type":"record","name":"Order","namespace":"com.acme","fields":[{"name":"id","type":"string"},{"name":"qty","type":"long"},{"name":"note","type":["null","string"]},{"name":"currency","type":"string","default":"EUR"}]}`
)

// registerOrder registers dltOrderV1 and returns its id.
func registerOrder(t *testing.T, url string) int {
	t.Helper()
	cl, err := sr.NewClient(sr.URLs(url))
	if err != nil {
		t.Fatal(err)
	}
	ss, err := cl.CreateSchema(context.Background(), "orders-value", sr.Schema{Schema: dltOrderV1})
	if err != nil {
		t.Fatal(err)
	}
	return ss.ID
}

// orderFrame is a Confluent frame of an Order written with schema id.
func orderFrame(id int, orderID string, qty int32, note *string) []byte {
	b := []byte{0}
	b = binary.BigEndian.AppendUint32(b, uint32(id))
	b = avro.AppendString(b, orderID)
	b = avro.AppendInt(b, qty)
	if note == nil {
		return avro.AppendLong(b, 0)
	}
	return avro.AppendString(avro.AppendLong(b, 1), *note)
}

// runtimeDeadLetter is a dead letter with the headers the runtime writes
// (kafka/deadletter.go), their encodings spelled out.
func runtimeDeadLetter(topic string, partition int32, origPart int32, origOffset int64, key string, value []byte, class string, schemaID int) *kgo.Record {
	ts := time.Date(2026, 12, 4, 5, 0, 0, 0, time.UTC).UnixMilli() + origOffset
	hs := []kgo.RecordHeader{
		{Key: "ce_specversion", Value: []byte("1.0")},
		{Key: "ce_id", Value: []byte("evt-" + key)},
		{Key: "ce_type", Value: []byte("com.acme.Order")},
		{Key: "content-type", Value: []byte("application/avro")},
		{Key: "kafka_dlt-original-topic", Value: []byte("orders")},
		{Key: "kafka_dlt-original-partition", Value: binary.BigEndian.AppendUint32(nil, uint32(origPart))},
		{Key: "kafka_dlt-original-offset", Value: binary.BigEndian.AppendUint64(nil, uint64(origOffset))},
		{Key: "kafka_dlt-original-timestamp", Value: binary.BigEndian.AppendUint64(nil, uint64(ts))},
		{Key: "kafka_dlt-original-timestamp-type", Value: []byte("CreateTime")},
		{Key: "kafka_dlt-original-consumer-group", Value: []byte("billing")},
		{Key: "kafka_dlt-exception-fqcn", Value: []byte(class)},
		{Key: "kafka_dlt-exception-cause-fqcn", Value: []byte(class)},
		{Key: "kafka_dlt-exception-message", Value: []byte("handler failed for " + key)},
		{Key: "kafka_dlt-exception-stacktrace", Value: []byte("handler failed for " + key)},
	}
	if schemaID >= 0 {
		hs = append(hs, kgo.RecordHeader{Key: "kafka_dlt-original-schema-id", Value: []byte(strconv.Itoa(schemaID))})
	}
	return &kgo.Record{Topic: topic, Partition: partition, Key: []byte(key), Value: value, Headers: hs}
}

type dltEnv struct {
	conn    []string
	produce func(recs ...*kgo.Record)
	read    func(topic string) []*kgo.Record
	id      int
	regURL  string
}

func startDLTEnv(t *testing.T) *dltEnv {
	t.Helper()
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.Ports(0), kfake.SeedTopics(2, "orders-dlt", "orders"),
		kfake.EnableSASL(), kfake.Superuser("SCRAM-SHA-512", "admin", "kafka-s3cret"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	t.Setenv("KAFKA_SASL_PASSWORD", "kafka-s3cret")
	regURL := startRegistry(t)
	e := &dltEnv{regURL: regURL, id: registerOrder(t, regURL),
		conn: []string{"--bootstrap-servers", c.ListenAddrs()[0], "--sasl-mechanism", "SCRAM-SHA-512", "--sasl-username", "admin", "--url", regURL}}
	opts := func(extra ...kgo.Opt) []kgo.Opt {
		return append([]kgo.Opt{kgo.SeedBrokers(c.ListenAddrs()...), kgo.SASL(scramAuth())}, extra...)
	}
	e.produce = func(recs ...*kgo.Record) {
		t.Helper()
		cl, err := kgo.NewClient(opts(kgo.RecordPartitioner(kgo.ManualPartitioner()))...)
		if err != nil {
			t.Fatal(err)
		}
		defer cl.Close()
		if err := cl.ProduceSync(context.Background(), recs...).FirstErr(); err != nil {
			t.Fatal(err)
		}
	}
	e.read = func(topic string) []*kgo.Record { return readTopic(t, opts, topic) }
	return e
}

func (e *dltEnv) run(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	code, out, errs := runRegistryCLI(t, append(args, e.conn...)...)
	if strings.Contains(out+errs, "kafka-s3cret") {
		t.Fatalf("a secret was printed:\n%s%s", out, errs)
	}
	return code, out, errs
}

func TestDLTInspectAndReplay(t *testing.T) {
	e := startDLTEnv(t)
	note := "gift"
	e.produce(
		runtimeDeadLetter("orders-dlt", 0, 2, 10, "o-1", orderFrame(e.id, "o-1", 3, nil), "kafka.HandlerError", e.id),
		runtimeDeadLetter("orders-dlt", 0, 2, 11, "o-2", orderFrame(e.id, "o-2", 5, &note), "kafka.TimeoutError", e.id),
		runtimeDeadLetter("orders-dlt", 1, 1, 7, "o-3", orderFrame(9999, "o-3", 1, nil), "kafka.DecodeError", 9999),
		runtimeDeadLetter("orders-dlt", 1, 1, 8, "o-4", []byte("not avro"), "kafka.DecodeError", -1),
		&kgo.Record{Topic: "orders-dlt", Partition: 1, Key: []byte("stray"), Value: orderFrame(e.id, "s", 1, nil)},
	)

	// Everything: four findings (unknown id, not framed, not a dead
	// letter), the good records decoded.
	code, out, errs := e.run(t, "dlt", "inspect", "orders-dlt")
	for _, want := range []string{
		"orders-dlt/0@0  ", `key "o-1"`,
		"  original  orders/2@10  2026-12-04T05:00:00.01Z CreateTime  group billing",
		"  error     kafka.HandlerError: handler failed for o-1",
		"  headers   ce_specversion=\"1.0\" ce_id=\"evt-o-1\"",
		fmt.Sprintf(`  value     schema %d: {"id":"o-1","qty":3,"note":null}`, e.id),
		fmt.Sprintf(`  value     schema %d: {"id":"o-2","qty":5,"note":{"string":"gift"}}`, e.id),
		"  value     UNKNOWN_SCHEMA_ID: schema id 9999 is not in the registry at " + e.regURL,
		"  value     NOT_FRAMED: the value is not a Confluent frame (magic byte 0, 4-byte schema id): 8 bytes starting 6e6f74206176726f",
		"orders-dlt/1@2  ", "  note      not a dead letter: no kafka_dlt-original-topic header",
		"5 record(s) read, 5 shown, 3 finding(s)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("inspect: missing %q", want)
		}
	}
	if code != 1 || t.Failed() {
		t.Fatalf("inspect: exit %d\n%s%s", code, out, errs)
	}

	// -o json, plain values, resolved into v2: one object per line.
	reader := filepath.Join(t.TempDir(), "com.acme.Order.avsc")
	os.WriteFile(reader, []byte(dltOrderV2), 0o644)
	code, out, errs = e.run(t, "dlt", "inspect", "orders-dlt", "-o", "json", "--format", "json", "--reader", reader, "--partition", "0")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != 0 || len(lines) != 2 || !strings.Contains(errs, "2 record(s) read, 2 shown, 0 finding(s)") {
		t.Fatalf("inspect -o json: exit %d\n%s%s", code, out, errs)
	}
	var rec struct {
		Topic      string
		Partition  int32
		Offset     int64
		Key        string
		Headers    []struct{ Key, Value, Value_base64 string }
		DeadLetter struct {
			OriginalTopic     string `json:"original_topic"`
			OriginalPartition int32  `json:"original_partition"`
			OriginalOffset    int64  `json:"original_offset"`
			ErrorClass        string `json:"error_class"`
			SchemaID          int    `json:"schema_id"`
		} `json:"dead_letter"`
		SchemaID int `json:"schema_id"`
		Value    json.RawMessage
	}
	if err := json.Unmarshal([]byte(lines[1]), &rec); err != nil {
		t.Fatal(err)
	}
	if rec.Offset != 1 || rec.Key != "o-2" || rec.DeadLetter.OriginalTopic != "orders" || rec.DeadLetter.OriginalOffset != 11 ||
		rec.DeadLetter.ErrorClass != "kafka.TimeoutError" || rec.SchemaID != e.id || rec.DeadLetter.SchemaID != e.id ||
		string(rec.Value) != `{"id":"o-2","qty":5,"note":"gift","currency":"EUR"}` {
		t.Fatalf("record: %+v\n%s", rec, lines[1])
	}
	if h := rec.Headers[5]; h.Key != "kafka_dlt-original-partition" || h.Value_base64 != "AAAAAg==" {
		t.Fatalf("binary header: %+v", h)
	}

	// Filters: only the time-outs; exit 0.
	if code, out, errs = e.run(t, "dlt", "inspect", "orders-dlt", "--error-class", "*Timeout*"); code != 0 || !strings.Contains(out, "5 record(s) read, 1 shown, 0 finding(s)") {
		t.Fatalf("--error-class: exit %d\n%s%s", code, out, errs)
	}
	if code, out, errs = e.run(t, "dlt", "inspect", "orders-dlt", "--record-key", "o-3", "--error-format", "junit"); code != 1 ||
		!strings.Contains(out, `failures="1"`) || !strings.Contains(out, "UNKNOWN_SCHEMA_ID orders-dlt/1@0") {
		t.Fatalf("--error-format junit: exit %d\n%s%s", code, out, errs)
	}
	if code, out, errs = e.run(t, "dlt", "inspect", "orders-dlt", "--since", "2026-12-04T05:00:00.011Z", "--until", "2026-12-04T05:00:00.012Z", "--no-decode"); code != 0 ||
		!strings.Contains(out, "1 shown") || !strings.Contains(out, fmt.Sprintf("schema %d, 16 bytes (not decoded)", e.id)) {
		t.Fatalf("--since/--until: exit %d\n%s%s", code, out, errs)
	}

	// Usage errors: exit 2, nothing read.
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"dlt", "inspect", "orders-dlt", "--since", "yesterday"}, "--since \"yesterday\": want an RFC 3339 time"},
		{[]string{"dlt", "inspect", "orders-dlt", "--format", "xml"}, "--format: unknown value format"},
		{[]string{"dlt", "inspect", "orders-dlt", "--offset", "9-3"}, "--offset \"9-3\""},
		{[]string{"dlt", "inspect", "nope"}, "topic nope does not exist"},
		{[]string{"dlt", "inspect"}, "accepts 1 arg(s)"},
		{[]string{"dlt", "replay", "orders-dlt", "--to", "orders-dlt"}, "--to orders-dlt: refusing to replay into it: it is the dead-letter topic being read"},
		{[]string{"dlt", "replay", "orders-dlt", "--to", "orders-billing-retry-0"}, "it is a retry topic"},
	} {
		code, out, errs := e.run(t, c.args...)
		if code != 2 || !strings.Contains(errs, c.want) {
			t.Errorf("%v: exit %d, want 2 and %q\n%s%s", c.args, code, c.want, out, errs)
		}
	}

	// A dry run writes nothing; the stray record is skipped (exit 1).
	code, out, errs = e.run(t, "dlt", "replay", "orders-dlt", "--dry-run")
	if code != 1 || !strings.Contains(out, "would replay orders-dlt/0@0 -> orders  key \"o-1\", 11 value bytes, headers [ce_specversion ce_id ce_type content-type]") ||
		!strings.Contains(out, "skipped   orders-dlt/1@2: not replayed: not a dead letter: no kafka_dlt-original-topic header") ||
		!strings.Contains(out, "would replay 4 of 5 chosen record(s) (5 read); 1 skipped") {
		t.Fatalf("dry run: exit %d\n%s%s", code, out, errs)
	}
	if got := e.read("orders"); len(got) != 0 {
		t.Fatalf("the dry run wrote %d records", len(got))
	}

	// Replay partition 0: the source topic gets the records byte for byte,
	// headers without the dead-letter ones.
	code, out, errs = e.run(t, "dlt", "replay", "orders-dlt", "--partition", "0", "-o", "json")
	if code != 0 || strings.Count(out, "\n") != 2 || !strings.Contains(errs, "replayed 2 of 2 chosen record(s) (2 read); 0 skipped") {
		t.Fatalf("replay: exit %d\n%s%s", code, out, errs)
	}
	dls := e.read("orders-dlt")
	back := e.read("orders")
	if len(back) != 2 || len(dls) != 5 {
		t.Fatalf("%d records in orders, %d in orders-dlt", len(back), len(dls))
	}
	for _, b := range back {
		var src *kgo.Record
		for _, d := range dls {
			if bytes.Equal(d.Key, b.Key) {
				src = d
			}
		}
		if src == nil || !bytes.Equal(src.Value, b.Value) || len(b.Headers) != 4 {
			t.Fatalf("replayed %q: %+v", b.Key, b.Headers)
		}
		for i, h := range b.Headers {
			if h.Key != src.Headers[i].Key || !bytes.Equal(h.Value, src.Headers[i].Value) || strings.HasPrefix(h.Key, "kafka_dlt-") {
				t.Fatalf("replayed %q: header %d is %s=%q", b.Key, i, h.Key, h.Value)
			}
		}
	}
}

// readTopic reads every record of topic (to its end offsets).
func readTopic(t *testing.T, opts func(...kgo.Opt) []kgo.Opt, topic string) []*kgo.Record {
	t.Helper()
	var out []*kgo.Record
	ctx := context.Background()
	adm, err := kgo.NewClient(opts()...)
	if err != nil {
		t.Fatal(err)
	}
	ends, err := kadm.NewClient(adm).ListEndOffsets(ctx, topic)
	adm.Close()
	if err != nil {
		t.Fatal(err)
	}
	left := 0
	ends.Each(func(o kadm.ListedOffset) { left += int(o.Offset) })
	if left == 0 {
		return nil
	}
	cl, err := kgo.NewClient(opts(kgo.ConsumeTopics(topic), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))...)
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	for len(out) < left {
		fs := cl.PollFetches(ctx)
		if err := fs.Err(); err != nil {
			t.Fatal(err)
		}
		out = append(out, fs.Records()...)
	}
	return out
}

func scramAuth() sasl.Mechanism {
	return scram.Auth{User: "admin", Pass: "kafka-s3cret"}.AsSha512Mechanism()
}

// A registry that refuses the credentials stops inspect with exit 2 and
// says which registry; it is not a finding about the record.
func TestDLTRegistryRefuses(t *testing.T) {
	e := startDLTEnv(t)
	e.produce(runtimeDeadLetter("orders-dlt", 0, 0, 1, "o-1", orderFrame(e.id, "o-1", 1, nil), "kafka.HandlerError", e.id))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/vnd.schemaregistry.v1+json")
		w.WriteHeader(http.StatusUnauthorized)
		io.WriteString(w, `{"error_code":40101,"message":"Unauthorized"}`)
	}))
	defer srv.Close()
	args := append([]string{"dlt", "inspect", "orders-dlt"}, e.conn[:len(e.conn)-2]...)
	args = append(args, "--url", "http://user:regpass@"+strings.TrimPrefix(srv.URL, "http://"))
	code, out, errs := runRegistryCLI(t, args...)
	if code != 2 || !strings.Contains(errs, "fetching schema id 1 from the registry at http://user:xxxxx@127.0.0.1:") ||
		!strings.Contains(errs, "or give --no-decode") || strings.Contains(out+errs, "regpass") {
		t.Fatalf("exit %d\n%s%s", code, out, errs)
	}
}

// A writer schema registered with references decodes: the referenced
// types are fetched and written into the schema.
func TestDLTSchemaReferences(t *testing.T) {
	e := startDLTEnv(t)
	cl, err := sr.NewClient(sr.URLs(e.regURL))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := cl.CreateSchema(ctx, "com.acme.Money", sr.Schema{Schema: regMoney}); err != nil {
		t.Fatal(err)
	}
	ss, err := cl.CreateSchema(ctx, "payments-value", sr.Schema{
		Schema:     `{"type":"record","name":"Payment","namespace":"com.acme","fields":[{"name":"total","type":"com.acme.Money"}]}`,
		References: []sr.SchemaReference{{Name: "com.acme.Money", Subject: "com.acme.Money", Version: 1}},
	})
	if err != nil {
		t.Fatal(err)
	}
	frame := binary.BigEndian.AppendUint32([]byte{0}, uint32(ss.ID))
	frame = avro.AppendLong(frame, 1250)
	e.produce(runtimeDeadLetter("orders-dlt", 0, 0, 1, "p-1", frame, "kafka.HandlerError", ss.ID))
	code, out, errs := e.run(t, "dlt", "inspect", "orders-dlt")
	if code != 0 || !strings.Contains(out, fmt.Sprintf(`value     schema %d: {"total":{"units":1250}}`, ss.ID)) {
		t.Fatalf("exit %d\n%s%s", code, out, errs)
	}
}

// A replay into a topic that does not exist fails with the record named,
// exit 2, and the dead-letter topic unchanged.
func TestDLTReplayMissingTopic(t *testing.T) {
	e := startDLTEnv(t)
	e.produce(runtimeDeadLetter("orders-dlt", 0, 0, 1, "o-1", orderFrame(e.id, "o-1", 1, nil), "kafka.HandlerError", e.id))
	code, out, errs := e.run(t, "dlt", "replay", "orders-dlt", "--to", "no-such-topic")
	if code != 2 || !strings.Contains(errs, "orders-dlt/0@0: replaying into no-such-topic: ") || !strings.Contains(errs, "0 of 1 replayed") {
		t.Fatalf("exit %d\n%s%s", code, out, errs)
	}
	if got := e.read("orders-dlt"); len(got) != 1 {
		t.Fatalf("orders-dlt has %d records", len(got))
	}
}
