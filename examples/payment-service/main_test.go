package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gitlab.com/acme/avroctl/gen/registry/server"
	"gitlab.com/acme/avroctl/gen/registry/store"
)

// startRegistry runs a fresh in-memory embedded registry on 127.0.0.1.
func startRegistry(t *testing.T) *server.Server {
	st, _ := store.Open("")
	srv := server.New(st, server.Options{})
	if err := srv.Open("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close(); st.Close() })
	return srv
}

func TestRun(t *testing.T) {
	srv := startRegistry(t)

	out := filepath.Join(t.TempDir(), "payments.jsonl")
	var stdout, stderr bytes.Buffer
	if code := run([]string{"--registry", srv.URL(), "--register", "--count", "2", "--out", out}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(b), "\n"); n != 2 {
		t.Fatalf("%d records, want 2", n)
	}
	if stdout.Len() != 0 {
		t.Errorf("wrote to stdout with --out set")
	}

	if code := run([]string{"--count=x"}, &stdout, &stderr); code != 2 {
		t.Errorf("bad flag: exit %d, want 2", code)
	}
	stderr.Reset()
	missing := filepath.Join(t.TempDir(), "none.jsonl")
	if code := run([]string{"--registry", startRegistry(t).URL(), "--out", missing}, &stdout, &stderr); code != 1 {
		t.Errorf("unregistered subject without --register: exit %d, want 1", code)
	}
	if _, err := os.Stat(missing); !os.IsNotExist(err) {
		t.Errorf("a failed run left %s behind", missing)
	}
}
