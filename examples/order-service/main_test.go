package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"gitlab.com/acme/avroctl/examples/internal/payment"
	"gitlab.com/acme/avroctl/gen/golang/runtime/serde"
	"gitlab.com/acme/avroctl/gen/registry/server"
	"gitlab.com/acme/avroctl/gen/registry/store"
)

func TestRun(t *testing.T) {
	st, _ := store.Open("")
	srv := server.New(st, server.Options{})
	if err := srv.Open("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close(); st.Close() })
	cl, err := serde.NewClient(serde.ClientOptions{URL: srv.URL()})
	if err != nil {
		t.Fatal(err)
	}
	var in bytes.Buffer
	if err := payment.Run(context.Background(), payment.Options{Registry: cl, Register: true, Count: 2, Redeliver: 1}, &in); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	if code := run([]string{"--registry", srv.URL(), "--register"}, &in, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	if n := strings.Count(stdout.String(), "\n"); n != 2 {
		t.Fatalf("%d OrderCreated records, want 2", n)
	}
	if !strings.Contains(stderr.String(), "consumed 4, created 2, duplicates 2") {
		t.Errorf("summary missing from stderr:\n%s", stderr.String())
	}
	if code := run([]string{"--in", "/nonexistent/x.jsonl"}, &in, &stdout, &stderr); code != 1 {
		t.Errorf("missing input: exit %d, want 1", code)
	}
}
