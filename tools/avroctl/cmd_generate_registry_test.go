package main

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/sr"

	"gitlab.com/acme/avroctl/gen/lockfile"
	"gitlab.com/acme/avroctl/gen/registry/server"
	"gitlab.com/acme/avroctl/gen/registry/store"
	"gitlab.com/acme/avroctl/gen/schema"
)

const (
	lockCurrency = `{"type":"enum","name":"Currency","namespace":"com.acme","symbols":["EUR","USD"]}`
	lockMoney    = `{"type":"record","name":"Money","namespace":"com.acme","fields":[{"name":"units","type":"long"},{"name":"currency","type":"Currency"}]}`
	lockOrder    = `{"type":"record","name":"Order","namespace":"com.acme.orders","fields":[{"name":"id","type":"string"},{"name":"total","type":"com.acme.Money"}]}`
	lockPayment  = `{"type":"record","name":"Payment","namespace":"com.acme.payments","fields":[{"name":"amount","type":"com.acme.Money"}]}`
	lockOrderV2  = `{"type":"record","name":"Order","namespace":"com.acme.orders","fields":[{"name":"id","type":"string"},{"name":"total","type":"com.acme.Money"},{"name":"note","type":"string","default":""}]}`
)

// registerGraph registers Currency <- Money <- {Order, Payment}: two
// levels of references, one of them shared. moneyDoc changes Money's
// content (for a second registry that disagrees with the first).
func registerGraph(t *testing.T, url string, money string) *sr.Client {
	t.Helper()
	cl, err := sr.NewClient(sr.URLs(url))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	reg := func(subject, text string, refs ...sr.SchemaReference) {
		if _, err := cl.CreateSchema(ctx, subject, sr.Schema{Schema: text, Type: sr.TypeAvro, References: refs}); err != nil {
			t.Fatalf("register %s: %v", subject, err)
		}
	}
	reg("com.acme.Currency", lockCurrency)
	reg("com.acme.Money", money, sr.SchemaReference{Name: "com.acme.Currency", Subject: "com.acme.Currency", Version: 1})
	moneyRef := sr.SchemaReference{Name: "com.acme.Money", Subject: "com.acme.Money", Version: 1}
	reg("orders-value", lockOrder, moneyRef)
	reg("payments-value", lockPayment, moneyRef)
	return cl
}

func startRegistryWithAuth(t *testing.T, basicAuth string) string {
	t.Helper()
	st, err := store.Open("")
	if err != nil {
		t.Fatal(err)
	}
	srv := server.New(st, server.Options{BasicAuth: basicAuth})
	if err := srv.Open("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		http.DefaultClient.CloseIdleConnections()
		srv.Close()
		st.Close()
	})
	return srv.URL()
}

func TestGenerateFromRegistry(t *testing.T) {
	url := startRegistry(t)
	cl := registerGraph(t, url, lockMoney)
	dir := t.TempDir()
	out := filepath.Join(dir, "events")
	lock := filepath.Join(dir, "avroctl.lock")
	gen := func(extra ...string) (int, string, string) {
		args := append([]string{"generate", "--from-registry", "--registry-url", url, "--out", out, "--lock", lock}, extra...)
		return runGenerate(t, args...)
	}

	// First run: resolves latest, pins 4 subject versions, generates.
	code, stdout, stderr := gen("orders-value", "payments-value")
	if code != 0 {
		t.Fatalf("first run: exit %d\n%s%s", code, stdout, stderr)
	}
	l, err := lockfile.Read(lock)
	if err != nil || l == nil {
		t.Fatalf("lock: %v", err)
	}
	subjects := []string{}
	for _, e := range l.Subjects {
		subjects = append(subjects, e.Subject+"@"+e.Requested)
	}
	if got := strings.Join(subjects, " "); got != "com.acme.Currency@ com.acme.Money@ orders-value@latest payments-value@latest" {
		t.Fatalf("lock subjects: %s", got)
	}
	// The fingerprint is SHA-256 of the canonical form with references resolved.
	names := schema.NewNames()
	for _, text := range []string{lockCurrency, lockMoney} {
		if _, err := schema.Parse([]byte(text), schema.ParseOptions{Names: names}); err != nil {
			t.Fatal(err)
		}
	}
	order, err := schema.Parse([]byte(lockOrder), schema.ParseOptions{Names: names})
	if err != nil {
		t.Fatal(err)
	}
	if e := l.Find("orders-value", 1); e == nil || e.Fingerprint != lockfile.Fingerprint(order) || e.ID <= 0 ||
		len(e.References) != 1 || e.References[0].Subject != "com.acme.Money" {
		t.Fatalf("orders-value entry: %+v", e)
	}
	for _, f := range []string{"orders/order.avro.go", "payments/payment.avro.go", "acme/money.avro.go", "acme/currency.avro.go"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Errorf("not generated: %s (%v)", f, err)
		}
	}
	first, _ := os.ReadFile(lock)

	// Again: same lock bytes, nothing to write; --check agrees.
	if code, stdout, stderr := gen("orders-value", "payments-value"); code != 0 || !strings.Contains(stdout, "up to date") {
		t.Fatalf("second run: %d\n%s%s", code, stdout, stderr)
	}
	if code, _, stderr := gen("orders-value", "payments-value", "--check"); code != 0 {
		t.Fatalf("check: %d %s", code, stderr)
	}

	// A new version: the lock keeps the build on version 1 ...
	if _, err := cl.CreateSchema(context.Background(), "orders-value", sr.Schema{Schema: lockOrderV2, Type: sr.TypeAvro,
		References: []sr.SchemaReference{{Name: "com.acme.Money", Subject: "com.acme.Money", Version: 1}}}); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := gen("orders-value", "payments-value"); code != 0 {
		t.Fatalf("locked run: %d %s", code, stderr)
	}
	if now, _ := os.ReadFile(lock); string(now) != string(first) {
		t.Fatalf("the lock moved without --update-lock:\n%s", now)
	}
	if b, _ := os.ReadFile(filepath.Join(out, "orders", "order.avro.go")); strings.Contains(string(b), "Note") {
		t.Fatal("generated from version 2 although the lock pins 1")
	}
	// ... --check says the code is current, and --update-lock moves it.
	if code, stdout, stderr := gen("orders-value", "payments-value", "--update-lock"); code != 0 || !strings.Contains(stderr, "wrote "+lock) {
		t.Fatalf("update: %d\n%s%s", code, stdout, stderr)
	}
	l, _ = lockfile.Read(lock)
	if e := l.FindRequested("orders-value", "latest"); e == nil || e.Version != 2 {
		t.Fatalf("after --update-lock: %+v", l.Subjects)
	}
	if b, _ := os.ReadFile(filepath.Join(out, "orders", "order.avro.go")); !strings.Contains(string(b), "Note") {
		t.Fatal("version 2 not generated after --update-lock")
	}
	// An explicit version is honoured and pinned as asked.
	if code, _, stderr := gen("orders-value@1"); code != 0 {
		t.Fatalf("@1: %d %s", code, stderr)
	}
	l, _ = lockfile.Read(lock)
	if e := l.FindRequested("orders-value", "1"); e == nil || e.Version != 1 {
		t.Fatalf("@1 lock: %+v", l.Subjects)
	}

	// An unknown subject: exit 2, says which and what to do.
	code, _, stderr = gen("nope-value")
	if code != 2 || !strings.Contains(stderr, `subject "nope-value" is not in the registry`) || !strings.Contains(stderr, "avroctl registry subjects") {
		t.Fatalf("unknown subject: %d %s", code, stderr)
	}
	code, _, stderr = gen("orders-value@7")
	if code != 2 || !strings.Contains(stderr, `subject "orders-value" version 7 is not in the registry`) {
		t.Fatalf("unknown version: %d %s", code, stderr)
	}

	// A fingerprint mismatch: another registry whose Money differs under
	// the same subject versions. Exit 1, nothing generated, lock kept.
	if code, _, stderr := gen("orders-value@1", "payments-value", "--update-lock"); code != 0 {
		t.Fatalf("pin @1: %d %s", code, stderr)
	}
	pinned, _ := os.ReadFile(lock)
	other := startRegistry(t)
	registerGraph(t, other, strings.Replace(lockMoney, `"long"`, `"int"`, 1))
	before, _ := os.ReadFile(filepath.Join(out, "acme", "money.avro.go"))
	code, _, stderr = runGenerate(t, "generate", "--from-registry", "--registry-url", other, "--out", out, "--lock", lock, "orders-value@1", "payments-value")
	if code != 1 || !strings.Contains(stderr, "com.acme.Money version 1: the registry's schema has fingerprint sha256:") ||
		!strings.Contains(stderr, "--update-lock") {
		t.Fatalf("mismatch: %d %s", code, stderr)
	}
	if now, _ := os.ReadFile(lock); string(now) != string(pinned) {
		t.Error("the lock changed on a mismatch")
	}
	if now, _ := os.ReadFile(filepath.Join(out, "acme", "money.avro.go")); string(now) != string(before) {
		t.Error("code generated despite the mismatch")
	}

	// A damaged lock: exit 2, located.
	os.WriteFile(lock, []byte("{\n  \"lockVersion\": 1,\n  \"subjects\": [ oops ]\n}\n"), 0o644)
	code, _, stderr = gen("orders-value")
	if code != 2 || !strings.Contains(stderr, lock+":3:17:") {
		t.Fatalf("bad lock: %d %s", code, stderr)
	}

	// Registry flags without --from-registry are refused.
	if code, _, stderr := runGenerate(t, "generate", "--update-lock"); code != 2 || !strings.Contains(stderr, "--update-lock goes with --from-registry") {
		t.Fatalf("--update-lock alone: %d %s", code, stderr)
	}
	if code, _, stderr := runGenerate(t, "generate", "--from-registry"); code != 2 {
		t.Fatalf("no subject: %d %s", code, stderr)
	}
}

// TestGenerateFromRegistryAuth: basic auth with the password from a file
// (never argv), and a clear failure without it.
func TestGenerateFromRegistryAuth(t *testing.T) {
	url := startRegistryWithAuth(t, "reader:s3cret")
	cl, err := sr.NewClient(sr.URLs(url), sr.BasicAuth("reader", "s3cret"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cl.CreateSchema(context.Background(), "c-value", sr.Schema{Schema: lockCurrency, Type: sr.TypeAvro}); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	pass := filepath.Join(dir, "pass")
	os.WriteFile(pass, []byte("s3cret\n"), 0o600)
	t.Setenv("REGISTRY_URL", url)
	args := []string{"generate", "--from-registry", "--out", filepath.Join(dir, "events"), "--lock", filepath.Join(dir, "avroctl.lock")}
	code, stdout, stderr := runGenerate(t, append(args, "--registry-username", "reader", "--registry-password-file", pass, "-o", "json", "c-value")...)
	var res generateResult
	if code != 0 || json.Unmarshal([]byte(stdout), &res) != nil || res.Files == 0 {
		t.Fatalf("with auth: %d\n%s%s", code, stdout, stderr)
	}
	if strings.Contains(stdout+stderr, "s3cret") {
		t.Fatal("password printed")
	}
	code, _, stderr = runGenerate(t, append(args, "--registry-username", "reader", "c-value")...)
	if code != 2 || !strings.Contains(stderr, "has no password") {
		t.Fatalf("without password: %d %s", code, stderr)
	}
}
