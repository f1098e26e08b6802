package main

import (
	"strings"
	"testing"
)

// FuzzKeyFromField: any JSON line and path give a key or an error.
func FuzzKeyFromField(f *testing.F) {
	f.Add(`{"id":"o-1"}`, "id")
	f.Add(`{"customer":{"id":{"long":7}}}`, "customer.id")
	f.Add(`{"a":[1]}`, "a")
	f.Add(`nope`, "")
	f.Fuzz(func(t *testing.T, js, path string) {
		k, err := keyFromField([]byte(js), path)
		if err == nil && k == nil {
			t.Fatalf("%q %q: no key and no error", js, path)
		}
	})
}

func TestConsumeProduceHelpAndCompletion(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"consume", "orders", "--from", ""}, "beginning\nend\n"},
		{[]string{"consume", "orders", "--format", ""}, "avro-json\njson\n"},
		{[]string{"consume", "orders", "--key-format", ""}, "text\navro\n"},
		{[]string{"produce", "orders", "--format", ""}, "avro-json\njson\n"},
		{[]string{"produce", "orders", "--subject-strategy", ""}, "topic\nrecord\ntopic-record\n"},
	} {
		if got := complete(t, tc.args...); !strings.Contains(got, tc.want) {
			t.Errorf("complete %q = %q, want it to contain %q", tc.args, got, tc.want)
		}
	}
	for _, c := range []string{"consume", "produce"} {
		code, out, _ := runAvroctl(t, c, "--help")
		if code != 0 || !strings.Contains(out, "Examples:\n") || !strings.Contains(out, "avroctl "+c+" orders") || !strings.Contains(out, "--bootstrap-servers") {
			t.Errorf("%s --help: exit %d\n%s", c, code, out)
		}
	}
}
