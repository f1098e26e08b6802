package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The namespace-change + rename family: Address moves from com.acme to
// com.acme.geo and renames street to road with an alias. The registry (and
// Java's SchemaCompatibility) accepts it at BACKWARD; the resolving reader
// applies field aliases only under the writer record's full name, so a
// consumer on the new schema cannot read old data: RESOLVER_REJECTS.
const (
	resolverOrderV1 = `{"type":"record","name":"Order","namespace":"com.acme","fields":[{"name":"id","type":"string"},
  {"name":"address","type":{"type":"record","name":"Address","fields":[{"name":"street","type":"string"}]}}]}`
	resolverOrderV2 = `{"type":"record","name":"Order","namespace":"com.acme","fields":[{"name":"id","type":"string"},
  {"name":"address","type":{"type":"record","name":"Address","namespace":"com.acme.geo","fields":[{"name":"road","type":"string","aliases":["street"]}]}}]}`
)

func TestRegistryTestResolverCheck(t *testing.T) {
	u := startRegistry(t) // the embedded registry's default level is BACKWARD
	schemas := filepath.Join(t.TempDir(), "schemas")
	os.MkdirAll(schemas, 0o755)
	file := filepath.Join(schemas, "com.acme.Order.avsc")
	os.WriteFile(file, []byte(resolverOrderV1), 0o644)
	set := []string{"--url", u, "--schemas", schemas, "--strategy", "topic", "--topic", "orders=com.acme.Order"}
	if code, out, errs := runRegistryCLI(t, append([]string{"registry", "register"}, set...)...); code != 0 {
		t.Fatalf("register: %d\n%s%s", code, out, errs)
	}
	os.WriteFile(file, []byte(resolverOrderV2), 0o644)
	warnConfig := filepath.Join(t.TempDir(), "avroctl.yaml")
	os.WriteFile(warnConfig, []byte("version: 1\nbreaking:\n  resolver: warn\n"), 0o644)

	for _, tc := range []struct {
		args []string
		code int
		want []string
	}{
		{nil, 1, []string{"orders-value: INCOMPATIBLE", "error: " + file + ":2:", "RESOLVER_REJECTS", `add "aliases": ["com.acme.Address"]`}},
		{[]string{"--resolver-check", "error"}, 1, []string{"orders-value: INCOMPATIBLE", "RESOLVER_REJECTS"}},
		{[]string{"--resolver-check", "warn"}, 0, []string{"orders-value: compatible", "warning: " + file + ":2:", "RESOLVER_REJECTS"}},
		{[]string{"--resolver-check", "off"}, 0, []string{"orders-value: compatible"}},
		{[]string{"--resolver-check", "warn", "-o", "json"}, 0, []string{`"resolver": [`, `"type": "RESOLVER_REJECTS"`, `"compatible": true`}},
		// breaking.resolver in avroctl.yaml is the default; the flag wins.
		{[]string{"--config", warnConfig}, 0, []string{"orders-value: compatible", "warning: " + file + ":2:", "RESOLVER_REJECTS"}},
		{[]string{"--config", warnConfig, "--resolver-check", "error"}, 1, []string{"orders-value: INCOMPATIBLE", "RESOLVER_REJECTS"}},
	} {
		code, out, errs := runRegistryCLI(t, append(append([]string{"registry", "test"}, set...), tc.args...)...)
		if code != tc.code {
			t.Errorf("registry test %v: exit %d, want %d\n%s%s", tc.args, code, tc.code, out, errs)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(out, w) {
				t.Errorf("registry test %v: no %q in\n%s", tc.args, w, out)
			}
		}
		if len(tc.args) > 0 && tc.args[1] == "off" && strings.Contains(out, "RESOLVER_REJECTS") {
			t.Errorf("registry test --resolver-check off reports RESOLVER_REJECTS:\n%s", out)
		}
	}
	if code, _, errs := runRegistryCLI(t, append(append([]string{"registry", "test"}, set...), "--resolver-check", "loud")...); code != 2 || !strings.Contains(errs, "--resolver-check") {
		t.Errorf("bad --resolver-check: exit %d\n%s", code, errs)
	}
}

func TestKafkaPlanResolverCheck(t *testing.T) {
	cfg, conn := kafkaProject(t)
	dir := filepath.Dir(cfg)
	write := func(name, text string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// BACKWARD for the subject: at FULL the rename needs defaults, and then
	// the reader falls back to them instead of failing.
	write("kafka/state.yaml", `topics:
  orders:
    partitions: 3
    replication: 1
    events: [com.acme.Order]
subjects:
  orders-com.acme.Order:
    compatibility: BACKWARD
`)
	write("schemas/com.acme.Order.avsc", resolverOrderV1)
	run := func(args ...string) (int, string, string) {
		t.Helper()
		return runRegistryCLI(t, append(append([]string{"--config", cfg}, args...), conn...)...)
	}
	if code, out, errs := run("kafka", "apply"); code != 0 {
		t.Fatalf("apply v1: exit %d\n%s%s", code, out, errs)
	}
	write("schemas/com.acme.Order.avsc", resolverOrderV2)
	code, out, errs := run("kafka", "plan")
	if code != 2 || !strings.Contains(out, "BACKWARD compatible") || !strings.Contains(out, "error: ") ||
		!strings.Contains(out, "RESOLVER_REJECTS") || !strings.Contains(out, "Problems: 1") {
		t.Fatalf("plan (default error): exit %d, want 2 with a RESOLVER_REJECTS problem\n%s%s", code, out, errs)
	}
	code, out, errs = run("kafka", "plan", "--resolver-check", "warn")
	if code != 1 || !strings.Contains(out, "warning: ") || !strings.Contains(out, "RESOLVER_REJECTS") || strings.Contains(out, "Problems:") {
		t.Fatalf("plan --resolver-check warn: exit %d, want 1 (changes) with a warning\n%s%s", code, out, errs)
	}
	code, out, errs = run("kafka", "plan", "--resolver-check", "off")
	if code != 1 || strings.Contains(out, "RESOLVER_REJECTS") {
		t.Fatalf("plan --resolver-check off: exit %d\n%s%s", code, out, errs)
	}
	if code, _, errs = run("kafka", "plan", "--resolver-check", "loud"); code != 2 || !strings.Contains(errs, "--resolver-check") {
		t.Errorf("bad --resolver-check: exit %d\n%s", code, errs)
	}
	// breaking.resolver: warn in avroctl.yaml is the default; the flag wins.
	text, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(cfg, append(text, "breaking:\n  resolver: warn\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, out, errs = run("kafka", "plan"); code != 1 || !strings.Contains(out, "warning: ") || strings.Contains(out, "Problems:") {
		t.Fatalf("plan with breaking.resolver: warn: exit %d, want 1 with a warning\n%s%s", code, out, errs)
	}
	if code, out, errs = run("kafka", "plan", "--resolver-check", "error"); code != 2 || !strings.Contains(out, "Problems: 1") {
		t.Fatalf("plan --resolver-check error over breaking.resolver: warn: exit %d, want 2\n%s%s", code, out, errs)
	}
}
