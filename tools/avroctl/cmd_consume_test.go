package main

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sr"

	"gitlab.com/acme/avroctl/gen/golang/runtime/avro"
)

// kcatEnv is the dead-letter tests' kfake cluster (SASL/SCRAM) and
// registry; its topic orders-dlt serves as an empty topic here.
type kcatEnv struct{ *dltEnv }

func startKcatEnv(t *testing.T) kcatEnv { return kcatEnv{startDLTEnv(t)} }

// run runs avroctl with stdin and the connection flags.
func (e kcatEnv) run(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Main(append(args, e.conn...), strings.NewReader(stdin), &out, &errb)
	if strings.Contains(out.String()+errb.String(), "kafka-s3cret") {
		t.Fatalf("a secret was printed:\n%s%s", out.String(), errb.String())
	}
	return code, out.String(), errb.String()
}

func TestConsume(t *testing.T) {
	e := startKcatEnv(t)
	note := "gift"
	body := orderFrame(e.id, "o-4", 4, nil)[5:]
	e.produce(
		&kgo.Record{Topic: "orders", Partition: 0, Key: []byte("o-1"), Value: orderFrame(e.id, "o-1", 3, nil),
			Headers: []kgo.RecordHeader{{Key: "ce_id", Value: []byte("evt-1")}}},
		&kgo.Record{Topic: "orders", Partition: 0, Key: []byte("o-2"), Value: orderFrame(e.id, "o-2", 5, &note)},
		&kgo.Record{Topic: "orders", Partition: 0, Key: []byte{0xff, 0x01}, Value: []byte("not avro")},
		&kgo.Record{Topic: "orders", Partition: 1, Key: []byte("o-3"), Value: orderFrame(9999, "o-3", 1, nil)},
		&kgo.Record{Topic: "orders", Partition: 1, Key: []byte("o-4"), Value: body,
			Headers: []kgo.RecordHeader{{Key: headerValueSchemaID, Value: binary.BigEndian.AppendUint32([]byte{0}, uint32(e.id))}}},
		&kgo.Record{Topic: "orders", Partition: 1, Value: orderFrame(e.id, "o-5", 5, nil)[:8]},
	)

	code, out, errs := e.run(t, "", "consume", "orders")
	for _, want := range []string{
		`orders/0@0 `, `key="o-1" ce_id="evt-1" {"id":"o-1","qty":3,"note":null}`,
		`key="o-2" {"id":"o-2","qty":5,"note":{"string":"gift"}}`,
		`orders/0@2 `, `key=0xff01 ERROR NOT_FRAMED: value: byte 0: the frame starts with 0x6e, want magic byte 0x00 (schema id) or 0x01 (schema GUID)
`,
		`orders/1@0 `, `ERROR UNKNOWN_SCHEMA_ID: value: schema id 9999 is not in the registry at ` + e.regURL,
		fmt.Sprintf(`key="o-4" __value_schema_id=0x00%08x {"id"`, e.id) + `:"o-4","qty":4,"note":null}`,
		`orders/1@2 `, `key=null ERROR UNDECODABLE: value: schema id ` + fmt.Sprint(e.id) + `: byte 5: at .id: length 3 exceeds the 2 remaining bytes`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("consume: missing %q", want)
		}
	}
	if code != 1 || !strings.Contains(errs, "6 record(s) read, 3 finding(s)") || t.Failed() {
		t.Fatalf("consume: exit %d\n%s%s", code, out, errs)
	}

	// -o json, plain values, one partition from offset 1, one record.
	code, out, errs = e.run(t, "", "consume", "orders", "-o", "json", "--format", "json", "--partition", "0", "--from", "1", "-c", "1")
	var rec struct {
		Topic     string
		Partition int32
		Offset    int64
		Key       string
		Headers   []struct{ Key, Value string }
		SchemaID  int `json:"schema_id"`
		Value     json.RawMessage
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != 0 || len(lines) != 1 {
		t.Fatalf("consume -o json: exit %d\n%s%s", code, out, errs)
	}
	if err := json.Unmarshal([]byte(lines[0]), &rec); err != nil {
		t.Fatal(err)
	}
	if rec.Topic != "orders" || rec.Partition != 0 || rec.Offset != 1 || rec.Key != "o-2" || rec.SchemaID != e.id ||
		string(rec.Value) != `{"id":"o-2","qty":5,"note":"gift"}` {
		t.Fatalf("record: %+v\n%s", rec, lines[0])
	}

	// -N: the last record of partition 1 only, with its finding as JSON.
	code, out, _ = e.run(t, "", "consume", "orders", "-o", "json", "--partition", "1", "--from", "-1")
	if code != 1 || strings.Count(out, "\n") != 1 || !strings.Contains(out, `"error":{"type":"UNDECODABLE"`) || !strings.Contains(out, `"value_base64":`) {
		t.Fatalf("consume --from -1: exit %d\n%s", code, out)
	}

	// --from end and an empty topic end at once with nothing.
	for _, args := range [][]string{{"orders", "--from", "end"}, {"orders-dlt"}} {
		code, out, errs = e.run(t, "", append([]string{"consume"}, args...)...)
		if code != 0 || out != "" || !strings.Contains(errs, "0 record(s) read") {
			t.Fatalf("consume %v: exit %d\n%s%s", args, code, out, errs)
		}
	}

	// --from a time before everything reads all; a time to come, nothing.
	code, out, _ = e.run(t, "", "consume", "orders", "--from", "2000-01-01T00:00:00Z", "--partition", "0", "--error-format", "text")
	if code != 1 || !strings.Contains(out, "orders/0@2: NOT_FRAMED") || !strings.Contains(out, "1 finding(s) in 3 value(s)") {
		t.Fatalf("consume --from time: exit %d\n%s", code, out)
	}
	code, out, _ = e.run(t, "", "consume", "orders", "--from", "2999-01-01T00:00:00Z")
	if code != 0 || out != "" {
		t.Fatalf("consume --from future: exit %d\n%s", code, out)
	}

	// -f: waits for records written after it started.
	done := make(chan struct{})
	var fcode int
	var fout string
	go func() {
		defer close(done)
		fcode, fout, _ = e.run(t, "", "consume", "orders-dlt", "-f", "-c", "2", "--format", "json")
	}()
	e.produce(&kgo.Record{Topic: "orders-dlt", Partition: 1, Key: []byte("k"), Value: orderFrame(e.id, "f-1", 1, nil)},
		&kgo.Record{Topic: "orders-dlt", Partition: 1, Key: []byte("k"), Value: orderFrame(e.id, "f-2", 2, nil)})
	<-done
	if fcode != 0 || !strings.Contains(fout, `{"id":"f-1","qty":1,"note":null}`) || !strings.Contains(fout, `{"id":"f-2","qty":2,"note":null}`) {
		t.Fatalf("consume -f: exit %d\n%s", fcode, fout)
	}

	// --key-format avro: a framed string key, and one that is not framed.
	cl, err := sr.NewClient(sr.URLs(e.regURL))
	if err != nil {
		t.Fatal(err)
	}
	ks, err := cl.CreateSchema(context.Background(), "orders-dlt-key", sr.Schema{Schema: `"string"`})
	if err != nil {
		t.Fatal(err)
	}
	keyFrame := appendFrame(ks.ID, avro.AppendString(nil, "k-1"))
	e.produce(&kgo.Record{Topic: "orders-dlt", Partition: 0, Key: keyFrame, Value: orderFrame(e.id, "o-9", 9, nil)},
		&kgo.Record{Topic: "orders-dlt", Partition: 0, Key: []byte("plain"), Value: orderFrame(e.id, "o-10", 10, nil)})
	code, out, errs = e.run(t, "", "consume", "orders-dlt", "--partition", "0", "--key-format", "avro", "-o", "json")
	if code != 1 || !strings.Contains(out, `"key":"k-1"`) || !strings.Contains(out, `"key":"plain"`) ||
		!strings.Contains(out, `"error":{"type":"NOT_FRAMED","message":"key: byte 0: the frame starts with 0x70`) || !strings.Contains(out, `"value":{"id":"o-10"`) {
		t.Fatalf("consume --key-format avro: exit %d\n%s%s", code, out, errs)
	}

	// Usage errors.
	for _, args := range [][]string{
		{"orders", "--from", "yesterday-ish"},
		{"orders", "--partition", "7"},
		{"orders", "--key-format", "xml"},
		{"orders", "--format", "xml"},
		{"orders", "-c", "-1"},
		{"no-such-topic"},
	} {
		code, out, errs = e.run(t, "", append([]string{"consume"}, args...)...)
		if code != 2 {
			t.Errorf("consume %v: exit %d, want 2\n%s%s", args, code, out, errs)
		}
	}
}
