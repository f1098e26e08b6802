package main

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// A container file of `avroctl random` is read by avro-tools tojson
// (Java's DataFileReader), which prints the values avroctl prints for the
// same seed (compared as JSON values: Java keeps maps in hash order).
func TestRandomOCFReadByAvroTools(t *testing.T) {
	jar := avroTools(t)
	t.Chdir("../..")
	const name = "com.acme.events.orders.OrderCreated"
	path := filepath.Join(t.TempDir(), "orders.avro")
	code, _, errs := runAvroctl(t, "random", "--schema-name", name, "--count", "50", "--seed", "11", "--ocf", path)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	_, want, _ := runAvroctl(t, "random", "--schema-name", name, "--count", "50", "--seed", "11")
	got := string(runAvroTools(t, jar, "tojson", path))
	gl, wl := strings.Split(strings.TrimSpace(got), "\n"), strings.Split(strings.TrimSpace(want), "\n")
	if len(gl) != 50 || len(wl) != 50 {
		t.Fatalf("avro-tools printed %d values, avroctl %d", len(gl), len(wl))
	}
	for i := range gl {
		if !sameJSONValue(t, gl[i], wl[i]) {
			t.Fatalf("value %d: avro-tools\n%s\navroctl\n%s", i, gl[i], wl[i])
		}
	}
}

func sameJSONValue(t *testing.T, a, b string) bool {
	t.Helper()
	parse := func(s string) any {
		d := json.NewDecoder(bytes.NewReader([]byte(s)))
		d.UseNumber()
		var v any
		if err := d.Decode(&v); err != nil {
			t.Fatalf("invalid JSON %s: %v", s, err)
		}
		return v
	}
	return reflect.DeepEqual(parse(a), parse(b))
}
