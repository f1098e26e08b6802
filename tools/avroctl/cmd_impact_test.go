package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// impactProject makes a git repository of gen/impact's shop project (Money
// shared by two events on two topics, each consumed by another service),
// commits the old schemas and puts version `change` in the working tree.
func impactProject(t *testing.T, change string) string {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not on PATH")
	}
	src := filepath.Join("..", "..", "gen", "impact", "testdata", "shop")
	dir := t.TempDir()
	copyFile := func(from, to string) {
		t.Helper()
		data, err := os.ReadFile(filepath.Join(src, from))
		if err != nil {
			t.Fatal(err)
		}
		os.MkdirAll(filepath.Dir(filepath.Join(dir, to)), 0o755)
		if err := os.WriteFile(filepath.Join(dir, to), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	copyFile("avroctl.yaml", "avroctl.yaml")
	copyFile("kafka-state.yaml", "kafka-state.yaml")
	copyFile("old/shop.avdl", "schemas/shop.avdl")
	git := func(args ...string) {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-c", "user.name=t", "-c", "user.email=t@t", "-c", "commit.gpgsign=false"}, args...)...)
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	git("init", "-q")
	git("add", ".")
	git("commit", "-q", "-m", "old")
	copyFile(change+"/shop.avdl", "schemas/shop.avdl")
	return filepath.Join(dir, "avroctl.yaml")
}

func TestImpactCommand(t *testing.T) {
	t.Run("breaking", func(t *testing.T) {
		cfg := impactProject(t, "breaking")
		code, out, errs := runRegistryCLI(t, "--config", cfg, "impact")
		if code != 1 || !strings.Contains(out, "against HEAD at BACKWARD: BREAKING") ||
			!strings.Contains(out, "via OrderPlaced ← LineItem ← Money") || !strings.Contains(out, "User:mailer") {
			t.Fatalf("exit %d\n%s%s", code, out, errs)
		}
		code, out, _ = runRegistryCLI(t, "--config", cfg, "impact", "-o", "json")
		var rep struct {
			Breaking bool `json:"breaking"`
			Topics   []struct {
				Topic string `json:"topic"`
			} `json:"topics"`
		}
		if err := json.Unmarshal([]byte(out), &rep); err != nil || code != 1 || !rep.Breaking || len(rep.Topics) != 2 {
			t.Fatalf("json: exit %d, %v\n%s", code, err, out)
		}
		code, out, _ = runRegistryCLI(t, "--config", cfg, "impact", "-o", "markdown")
		if code != 1 || !strings.HasPrefix(out, "### ❌ Impact against `HEAD` at BACKWARD") || !strings.Contains(out, "| `invoices` |") {
			t.Fatalf("markdown: exit %d\n%s", code, out)
		}
		// A TYPE that did not change: what it reaches, nothing breaks.
		code, out, _ = runRegistryCLI(t, "--config", cfg, "impact", "com.shop.catalog.ProductAdded")
		if code != 0 || !strings.Contains(out, "catalog-service") || strings.Contains(out, "invoices") {
			t.Fatalf("ProductAdded: exit %d\n%s", code, out)
		}
	})
	t.Run("compatible", func(t *testing.T) {
		cfg := impactProject(t, "compatible")
		code, out, errs := runRegistryCLI(t, "--config", cfg, "impact")
		if code != 0 || !strings.Contains(out, "nothing reached breaks") || !strings.Contains(out, "orders-com.shop.orders.OrderPlaced") {
			t.Fatalf("exit %d\n%s%s", code, out, errs)
		}
		// FORWARD_TRANSITIVE... the added field has a default: every level holds.
		if code, out, _ = runRegistryCLI(t, "--config", cfg, "impact", "--level", "FULL_TRANSITIVE"); code != 0 {
			t.Fatalf("--level FULL_TRANSITIVE: exit %d\n%s", code, out)
		}
	})
	t.Run("resolver", func(t *testing.T) {
		cfg := impactProject(t, "resolver")
		// Only the BACKWARD subjects: InvoiceIssued is FULL in the state and
		// refuses the change outright, so give it the default level too.
		code, out, errs := runRegistryCLI(t, "--config", cfg, "impact", "--level", "BACKWARD")
		if code != 1 || !strings.Contains(out, "resolver rejects") || !strings.Contains(out, "RESOLVER_REJECTS") {
			t.Fatalf("exit %d\n%s%s", code, out, errs)
		}
		if code, out, _ = runRegistryCLI(t, "--config", cfg, "impact", "--level", "BACKWARD", "--resolver-check", "warn"); code != 0 || !strings.Contains(out, "RESOLVER_REJECTS") {
			t.Fatalf("--resolver-check warn: exit %d\n%s", code, out)
		}
		if code, out, _ = runRegistryCLI(t, "--config", cfg, "impact", "--level", "BACKWARD", "--resolver-check", "off"); code != 0 || strings.Contains(out, "RESOLVER_REJECTS") {
			t.Fatalf("--resolver-check off: exit %d\n%s", code, out)
		}
	})
	t.Run("errors", func(t *testing.T) {
		cfg := impactProject(t, "compatible")
		for _, tc := range []struct {
			args []string
			want string
		}{
			{[]string{"-o", "yaml"}, "-o \"yaml\""},
			{[]string{"Nope"}, "Nope: no such file, and no type of that name"},
			{[]string{"--against", "no-such-branch"}, "no-such-branch"},
			{[]string{"--level", "SIDEWAYS"}, "--level"},
			{[]string{"--resolver-check", "loud"}, "--resolver-check"},
		} {
			code, out, errs := runRegistryCLI(t, append([]string{"--config", cfg, "impact"}, tc.args...)...)
			if code != 2 || !strings.Contains(errs, tc.want) {
				t.Errorf("%v: exit %d, want 2 with %q\n%s%s", tc.args, code, tc.want, out, errs)
			}
		}
	})
}
