package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestProduce(t *testing.T) {
	e := startKcatEnv(t)
	in := `{"id":"o-1","qty":1,"note":null}

{"id":"o-2","qty":"two","note":null}
{"id":"o-3","qty":3,"note":{"string":"gift"}}
`
	code, out, errs := e.run(t, in, "produce", "orders", "--key-field", "id", "-H", "source=test", "-H", "k=a=b")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != 1 || len(lines) != 2 || !strings.HasSuffix(lines[0], " <stdin>:1") || !strings.HasSuffix(lines[1], " <stdin>:4") ||
		!strings.Contains(errs, "<stdin>:3: INVALID_VALUE: ") || !strings.Contains(errs, fmt.Sprintf("2 record(s) written to orders with schema id %d, 1 finding(s)", e.id)) {
		t.Fatalf("produce: exit %d\n%s%s", code, out, errs)
	}
	recs := e.read("orders")
	if len(recs) != 2 {
		t.Fatalf("%d records written, want 2", len(recs))
	}
	for _, r := range recs {
		if len(r.Headers) != 2 || r.Headers[0].Key != "source" || string(r.Headers[0].Value) != "test" || string(r.Headers[1].Value) != "a=b" {
			t.Fatalf("headers: %+v", r.Headers)
		}
	}

	// What produce wrote, consume reads back: same keys, same values.
	code, out, errs = e.run(t, "", "consume", "orders", "--format", "json", "-o", "json")
	if code != 0 || !strings.Contains(out, `"key":"o-1"`) || !strings.Contains(out, `"value":{"id":"o-3","qty":3,"note":"gift"}`) {
		t.Fatalf("consume: exit %d\n%s%s", code, out, errs)
	}

	// --record-key, --format json, -o json.
	code, out, errs = e.run(t, `{"id":"o-4","qty":4,"note":"n"}`+"\n", "produce", "orders", "--record-key", "fixed", "--format", "json", "-o", "json")
	var res struct {
		Source, Topic string
		Partition     int32
		Offset        int64
		SchemaID      int `json:"schema_id"`
	}
	if err := json.Unmarshal([]byte(out), &res); code != 0 || err != nil || res.Source != "<stdin>:1" || res.Topic != "orders" || res.SchemaID != e.id {
		t.Fatalf("produce -o json: exit %d %v\n%s%s", code, err, out, errs)
	}
	if recs := e.read("orders"); len(recs) != 3 || string(recs[2].Key) != "fixed" && string(recs[0].Key) != "fixed" && string(recs[1].Key) != "fixed" {
		t.Fatalf("--record-key not written: %d records", len(recs))
	}

	// --schema FILE under the topic-record strategy, registered there;
	// a line without the key field is a finding and is not sent.
	dir := t.TempDir()
	file := filepath.Join(dir, "com.acme.Order.avsc")
	os.WriteFile(file, []byte(dltOrderV2), 0o644)
	data := filepath.Join(dir, "orders.jsonl")
	os.WriteFile(data, []byte(`{"id":"o-5","qty":5,"note":null,"currency":"USD"}`+"\n"+`{"qty":6,"note":null,"currency":"USD"}`+"\n"), 0o644)
	code, out, errs = e.run(t, "", "produce", "orders", data, "--schema", file, "--subject-strategy", "topic-record", "--register", "--key-field", "id", "--error-format", "text")
	if code != 1 || !strings.Contains(out, data+":2: INVALID_VALUE: ") || !strings.Contains(errs, "1 record(s) written") {
		t.Fatalf("produce --schema FILE: exit %d\n%s%s", code, out, errs)
	}
	code, out, errs = e.run(t, "", "consume", "orders", "--from", "-1", "--partition", "0", "--partition", "1", "-o", "json")
	if !strings.Contains(out, `"key":"o-5"`) || !strings.Contains(out, `"currency":"USD"`) {
		t.Fatalf("consume after --register: exit %d\n%s%s", code, out, errs)
	}
	// Without --register an unregistered schema is refused, nothing sent.
	os.WriteFile(file, []byte(strings.Replace(dltOrderV2, `"EUR"`, `"GBP"`, 1)), 0o644)
	code, _, errs = e.run(t, "", "produce", "orders", data, "--schema", file)
	if code != 2 || !strings.Contains(errs, `not registered under subject "orders-value"`) {
		t.Fatalf("produce unregistered: exit %d\n%s", code, errs)
	}

	// Usage errors.
	for _, args := range [][]string{
		{"orders", "-H", "novalue"},
		{"orders", "--record-key", "k", "--key-field", "id"},
		{"orders", "--subject-strategy", "record"},
		{"orders", "--subject-strategy", "weird"},
		{"orders", "--subject", "no-such-value"},
		{"orders", "--format", "xml"},
		{"orders", "/no/such/file"},
	} {
		code, out, errs = e.run(t, `{"id":"x","qty":1,"note":null}`, append([]string{"produce"}, args...)...)
		if code != 2 {
			t.Errorf("produce %v: exit %d, want 2\n%s%s", args, code, out, errs)
		}
	}
	if recs := e.read("orders"); len(recs) != 4 {
		t.Fatalf("%d records in orders, want 4 (nothing sent by the refused runs)", len(recs))
	}
}
