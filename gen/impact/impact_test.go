package impact

import (
	"bytes"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"gitlab.com/acme/avroctl/gen/config"
	"gitlab.com/acme/avroctl/gen/diff"
	"gitlab.com/acme/avroctl/gen/schema"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// shopInput loads the shop project (testdata/shop: Money shared by
// OrderPlaced, through LineItem, and by InvoiceIssued, on two topics, each
// consumed by another service) with the schemas of case dir against old/.
func shopInput(t *testing.T, dir string, args ...string) Input {
	t.Helper()
	cfg, err := config.Load(filepath.Join("testdata", "shop", config.FileName), true)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Schemas = dir
	in, err := Load(Options{Config: cfg, Against: filepath.Join("testdata", "shop", "old"), Args: args})
	if err != nil {
		t.Fatal(err)
	}
	in.Against = "old" // the golden files do not depend on the checkout's path
	return in
}

func TestGolden(t *testing.T) {
	for _, tc := range []struct {
		name, dir string
		args      []string
		breaking  bool
	}{
		{"compatible", "compatible", nil, false},
		{"breaking", "breaking", nil, true},
		{"resolver", "resolver", nil, true},
		// A TYPE argument that did not change: what it reaches, unchanged.
		{"unchanged-target", "old", []string{"LineItem"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rep := Analyze(shopInput(t, tc.dir, tc.args...))
			if rep.Breaking != tc.breaking {
				t.Errorf("Breaking = %v, want %v", rep.Breaking, tc.breaking)
			}
			for ext, write := range map[string]func(*bytes.Buffer, Report) error{
				"txt":  func(b *bytes.Buffer, r Report) error { return WriteText(b, r) },
				"json": func(b *bytes.Buffer, r Report) error { return WriteJSON(b, r) },
				"md":   func(b *bytes.Buffer, r Report) error { return WriteMarkdown(b, r) },
			} {
				var b bytes.Buffer
				if err := write(&b, rep); err != nil {
					t.Fatal(err)
				}
				golden := filepath.Join("testdata", "golden", tc.name+"."+ext)
				if *update {
					os.MkdirAll(filepath.Dir(golden), 0o755)
					if err := os.WriteFile(golden, b.Bytes(), 0o644); err != nil {
						t.Fatal(err)
					}
					continue
				}
				want, err := os.ReadFile(golden)
				if err != nil {
					t.Fatalf("%v (run go test -update to create it)", err)
				}
				if !bytes.Equal(b.Bytes(), want) {
					t.Errorf("%s differs (go test -update rewrites it); got:\n%s", golden, b.String())
				}
			}
		})
	}
}

// TestSharedTypeReachesBothTopics pins the graph walk of the breaking case
// without the golden files: Money reaches both events through different
// paths, both topics, the producer and consumer of each, and three
// packages; ProductAdded, catalog and catalog-service are not reached.
func TestSharedTypeReachesBothTopics(t *testing.T) {
	rep := Analyze(shopInput(t, "breaking"))
	var events, topics, principals, packages, subjects []string
	for _, e := range rep.Events {
		events = append(events, e.Type+" via "+strings.Join(e.Via, "<"))
	}
	for _, tp := range rep.Topics {
		topics = append(topics, tp.Topic+"="+tp.Verdict.Status)
	}
	for _, p := range rep.Principals {
		principals = append(principals, p.Principal+" "+p.Role)
	}
	for _, p := range rep.Packages {
		packages = append(packages, p.Import)
	}
	for _, s := range rep.Subjects {
		subjects = append(subjects, s.Subject+" "+s.Role+" "+s.Verdict.Level+" "+s.Verdict.Status)
	}
	want := map[string][]string{
		"events": {"com.shop.billing.InvoiceIssued via com.shop.billing.InvoiceIssued<com.shop.common.Money",
			"com.shop.orders.OrderPlaced via com.shop.orders.OrderPlaced<com.shop.orders.LineItem<com.shop.common.Money"},
		"topics": {"invoices=incompatible", "orders=incompatible"},
		"principals": {"User:billing-service consumer", "User:billing-service producer", "User:mailer consumer",
			"User:order-service producer"},
		"packages": {"example.com/shop/events/billing", "example.com/shop/events/common", "example.com/shop/events/orders"},
		"subjects": {"com.shop.common.Money reference BACKWARD incompatible", "com.shop.orders.LineItem reference BACKWARD incompatible",
			"invoices-com.shop.billing.InvoiceIssued event FULL incompatible", "orders-com.shop.orders.OrderPlaced event BACKWARD incompatible"},
	}
	got := map[string][]string{"events": events, "topics": topics, "principals": principals, "packages": packages, "subjects": subjects}
	for k, w := range want {
		if !slices.Equal(got[k], w) {
			t.Errorf("%s:\n got %q\nwant %q", k, got[k], w)
		}
	}
}

// TestResolverRejectsPerSubjectLevel: Money moves namespace and renames a
// field with an alias. At BACKWARD the registry accepts it and the reader
// fails (resolver_rejects); the FULL subject refuses it (FORWARD breaks).
// NoResolver turns the BACKWARD ones into plain compatible.
func TestResolverRejectsPerSubjectLevel(t *testing.T) {
	in := shopInput(t, "resolver")
	status := func(rep Report) map[string]string {
		m := map[string]string{}
		for _, s := range rep.Subjects {
			m[s.Subject] = s.Verdict.Status
		}
		return m
	}
	got := status(Analyze(in))
	if got["orders-com.shop.orders.OrderPlaced"] != ResolverRejects || got["invoices-com.shop.billing.InvoiceIssued"] != Incompatible {
		t.Errorf("subjects: %v", got)
	}
	in.NoResolver = true
	got = status(Analyze(in))
	if got["orders-com.shop.orders.OrderPlaced"] != Compatible {
		t.Errorf("NoResolver: %v", got)
	}
}

func TestTargets(t *testing.T) {
	// A FILE argument: the types it defines.
	in := shopInput(t, "compatible", filepath.Join("testdata", "shop", "compatible", "shop.avdl"))
	if len(in.Targets) != 5 {
		t.Errorf("targets of the .avdl file: %v", in.Targets)
	}
	// A full name, a simple name.
	in = shopInput(t, "compatible", "com.shop.common.Money", "ProductAdded")
	rep := Analyze(in)
	if len(rep.Changed) != 2 || rep.Changed[0].Status != "changed" || rep.Changed[1].Status != "unchanged" {
		t.Errorf("changed: %+v", rep.Changed)
	}
	if len(rep.Topics) != 3 {
		t.Errorf("topics: %+v", rep.Topics)
	}
	cfg, _ := config.Load(filepath.Join("testdata", "shop", config.FileName), true)
	cfg.Schemas = "compatible"
	for _, bad := range []string{"Nope", "com.shop.Nope"} {
		if _, err := Load(Options{Config: cfg, Against: filepath.Join("testdata", "shop", "old"), Args: []string{bad}}); err == nil || !strings.Contains(err.Error(), bad+": no such file") {
			t.Errorf("%s: %v", bad, err)
		}
	}
}

// TestRepoDomain runs impact on the repository's own idl/ in a scratch git
// repository: Money gains a required field, and every event whose schema
// holds Money (found independently, by its schema text) is reached, with
// its topic, and the result is breaking at the project's level.
func TestRepoDomain(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not on PATH")
	}
	root, _ := filepath.Abs(filepath.Join("..", ".."))
	dir := t.TempDir()
	for _, f := range []string{config.FileName, "kafka-state.yaml"} {
		data, err := os.ReadFile(filepath.Join(root, f))
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(dir, f), data, 0o644)
	}
	if err := os.CopyFS(filepath.Join(dir, "idl"), os.DirFS(filepath.Join(root, "idl"))); err != nil {
		t.Fatal(err)
	}
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
	git("commit", "-q", "-m", "domain")
	money := filepath.Join(dir, "idl", "shared", "money.avdl")
	src, _ := os.ReadFile(money)
	edited := strings.Replace(string(src), "string currency;", "string currency;\n  long cents;", 1)
	if edited == string(src) {
		t.Fatal("money.avdl no longer has `string currency;`: update the test")
	}
	os.WriteFile(money, []byte(edited), 0o644)

	cfg, err := config.Load(filepath.Join(dir, config.FileName), true)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Schemas = "idl" // the IDL itself: no compile step in the scratch repository
	in, err := Load(Options{Config: cfg})
	if err != nil {
		t.Fatal(err)
	}
	rep := Analyze(in)
	if !rep.Breaking || len(rep.Changed) != 1 || rep.Changed[0].Name != "com.acme.events.shared.Money" {
		t.Fatalf("breaking %v, changed %+v", rep.Breaking, rep.Changed)
	}
	// Expected, independently: the configured events whose schema text
	// names Money.
	set, err := diff.Load(filepath.Join(dir, "idl"), "")
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for typ := range cfg.Registry.Topics {
		if strings.Contains(string(schema.Marshal(set[typ])), `"name":"Money"`) {
			want = append(want, typ)
		}
	}
	slices.Sort(want)
	var got []string
	for _, e := range rep.Events {
		got = append(got, e.Type)
		if e.Verdict.Status != Incompatible || e.Via[len(e.Via)-1] != "com.acme.events.shared.Money" {
			t.Errorf("%s: %+v", e.Type, e)
		}
	}
	if len(want) < 2 || !slices.Equal(got, want) {
		t.Errorf("events reached: %v, want %v", got, want)
	}
	if len(rep.Topics) == 0 || len(rep.Principals) == 0 || len(rep.Packages) < 2 {
		t.Errorf("topics %+v, principals %+v, packages %+v", rep.Topics, rep.Principals, rep.Packages)
	}
	var b bytes.Buffer
	WriteText(&b, rep)
	t.Log("\n" + b.String())
}
