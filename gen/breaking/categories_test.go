package breaking_test

import (
	"bytes"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gitlab.com/acme/avroctl/gen/breaking"
	"gitlab.com/acme/avroctl/gen/compat"
	"gitlab.com/acme/avroctl/gen/compat/report"
	"gitlab.com/acme/avroctl/gen/config"
	"gitlab.com/acme/avroctl/gen/idl"
	"gitlab.com/acme/avroctl/gen/schema"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// The fixture: one commit of idl/ (compiled to schemas/ as avroctl compile
// does), then a working tree that makes every new kind of finding.
const shopV1 = `namespace com.acme;

enum Status { NEW, PAID, LEGACY } = NEW;

record Money {
  long cents;
}

record Customer {
  string name;
}

record Address {
  string street_name;
}

record Order {
  string id;
  string note;
  Status status;
  union { null, Money } total = null;
  int qty;
  Customer customer;
  string legacy_code = "";
}

record Shipment {
  Address to;
}
`

// shopV2: Status loses LEGACY (binary readers use the default NEW);
// Money becomes Amount with an alias (a union branch); Customer gains an
// optional field (it is its own subject, referenced by Order); note is
// renamed with an alias (the marker accepts it in JSON); qty widens to
// long; legacy_code is removed (the config accepts it in Go); Address moves
// to another namespace with an aliased field, which the checker accepts and
// the resolving reader rejects (resolver: warn).
const shopV2 = `namespace com.acme;
import idl "geo.avdl";

enum Status { NEW, PAID } = NEW;

@aliases(["com.acme.Money"])
record Amount {
  long cents;
}

record Customer {
  string name;
  union { null, string } email = null;
}

record Order {
  string id;
  // avroctl:breaking:ignore JSON_FIELD_RENAMED reason="no JSON consumers of Order yet (ADR-12)" until=2027-03-01
  string @aliases(["note"]) remark;
  Status status;
  union { null, Amount } total = null;
  long qty;
  Customer customer;
}

record Shipment {
  com.acme.geo.Address to;
}
`

const geoV2 = `namespace com.acme.geo;

record Address {
  string @aliases(["street_name"]) streetName;
}
`

// A namespace matched by ignore_unstable_namespaces: its breaking change
// is skipped.
const draftV1 = "namespace com.acme.v1alpha1;\n\nrecord Draft {\n  string id;\n}\n"
const draftV2 = "namespace com.acme.v1alpha1;\n\nrecord Draft {\n  long id;\n}\n"

// A hand-written subject whose file is reformatted only.
const paymentV1 = `{"type":"record","name":"Payment","namespace":"com.acme","fields":[{"name":"amount","type":"long"}]}`
const paymentV2 = `{
  "type": "record", "namespace": "com.acme", "name": "Payment",
  "fields": [ {"name": "amount", "type": "long"} ]
}
`

const shopConfig = `version: 1
breaking:
  use: [GO_API, REGISTRY]
  resolver: warn
  ignore_unstable_namespaces: ["*.v1alpha*"]
  ignore:
    - rule: GO_FIELD_REMOVED
      type: com.acme.Order
      field: legacy_code
      reason: "legacy_code was never read by any service (INC-42)"
    - rule: GO_TYPE_REMOVED
      type: com.acme.Money
      reason: "Money became Amount"
      until: 2026-01-31
    - rule: MISSING_ENUM_SYMBOLS
      type: com.acme.Status
      reason: "left over from the 2025 migration"
`

// today is the date the fixture's ignores are judged by.
var today = time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC)

type fixture struct {
	t   *testing.T
	dir string
}

func (f *fixture) git(args ...string) {
	f.t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = f.dir
	cmd.Env = append(os.Environ(), "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_SYSTEM=/dev/null")
	if out, err := cmd.CombinedOutput(); err != nil {
		f.t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

func (f *fixture) write(name, content string) {
	f.t.Helper()
	p := filepath.Join(f.dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		f.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		f.t.Fatal(err)
	}
}

func (f *fixture) remove(name string) {
	f.t.Helper()
	if err := os.Remove(filepath.Join(f.dir, name)); err != nil {
		f.t.Fatal(err)
	}
}

// compile writes schemas/ from idl/ and returns the sources (types by
// full name, positions in the .avdl files), as avroctl breaking does.
func (f *fixture) compile() map[string]schema.Schema {
	f.t.Helper()
	if _, err := idl.CompileTree("idl", "schemas", idl.Options{}); err != nil {
		f.t.Fatal(err)
	}
	out := map[string]schema.Schema{}
	files, _ := filepath.Glob("idl/*.avdl")
	for _, p := range files {
		c, err := idl.Compile(p, idl.Options{})
		if err != nil {
			f.t.Fatal(err)
		}
		for _, n := range c.NamedSchemas {
			out[n.Names().FullName()] = n
		}
	}
	return out
}

// newFixture commits v1 and leaves v2 in the working tree; the test runs
// in the fixture's folder so positions are relative, as in the CLI.
func newFixture(t *testing.T) (*fixture, map[string]schema.Schema) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	f := &fixture{t, t.TempDir()}
	f.git("init", "-q", "-b", "main")
	f.git("config", "user.email", "test@example.com")
	f.git("config", "user.name", "test")
	f.git("config", "commit.gpgsign", "false")
	t.Chdir(f.dir)
	f.write("idl/shop.avdl", shopV1)
	f.write("idl/draft.avdl", draftV1)
	f.compile()
	f.write("schemas/com.acme.Payment.avsc", paymentV1)
	f.git("add", "-A")
	f.git("commit", "-q", "-m", "v1")

	f.write("idl/shop.avdl", shopV2)
	f.write("idl/geo.avdl", geoV2)
	f.write("idl/draft.avdl", draftV2)
	sources := f.compile()
	f.write("schemas/com.acme.Payment.avsc", paymentV2)
	f.write(config.FileName, shopConfig)
	return f, sources
}

func checkFixture(t *testing.T, sources map[string]schema.Schema) breaking.Result {
	t.Helper()
	cfg, err := config.Load(config.FileName, true)
	if err != nil {
		t.Fatal(err)
	}
	res, err := breaking.Check(breaking.Options{
		Against:            "main",
		Level:              compat.Backward,
		AllowRemoved:       true,
		Sources:            sources,
		Use:                cfg.Breaking.Use,
		Except:             cfg.Breaking.Except,
		Ignores:            breaking.ConfigIgnores(cfg),
		UnstableNamespaces: cfg.Breaking.IgnoreUnstableNamespaces,
		Resolver:           cfg.Breaking.Resolver,
		Today:              today,
	})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// TestCategoriesGolden: every new kind of finding, the audit trail, and
// each output format, against reviewed golden files.
func TestCategoriesGolden(t *testing.T) {
	_, sources := newFixture(t)
	res := checkFixture(t, sources)
	for _, tc := range []struct {
		file   string
		format report.Format
	}{
		{"categories.txt", report.Text},
		{"categories.json", report.JSON},
		{"categories.junit.xml", report.JUnit},
		{"categories.codequality.json", report.GitLabCodeQuality},
	} {
		var b bytes.Buffer
		if err := breaking.Print(&b, tc.format, res); err != nil {
			t.Fatal(err)
		}
		golden(t, tc.file, b.Bytes())
	}
	var rules bytes.Buffer
	if err := breaking.PrintRules(&rules, false); err != nil {
		t.Fatal(err)
	}
	golden(t, "rules.txt", rules.Bytes())
	rules.Reset()
	if err := breaking.PrintRules(&rules, true); err != nil {
		t.Fatal(err)
	}
	golden(t, "rules.json", rules.Bytes())
}

// golden compares got with testdata/golden/name (rewritten with -update).
// The test runs in the fixture's folder, so the path is made absolute from
// the package folder recorded at init.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join(pkgDir, "testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs (go test -update rewrites it):\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

var pkgDir = func() string {
	d, err := os.Getwd()
	if err != nil {
		panic(err)
	}
	return d
}()

// TestDefaultIsWire: without a breaking section the check is today's:
// WIRE only, and RESOLVER_REJECTS fails it. The IDL's JSON_FIELD_RENAMED
// marker cannot match (its rule is not in use), so it is not "unused".
func TestDefaultIsWire(t *testing.T) {
	_, sources := newFixture(t)
	res, err := breaking.Check(breaking.Options{Against: "main", Level: compat.Backward, AllowRemoved: true, Sources: sources, Today: today})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range res.Report.Findings {
		got = append(got, f.Type+" "+res.Category(f)+" "+res.Level(f))
	}
	want := []string{
		"TYPE_MOVED WIRE info",
		"RESOLVER_REJECTS WIRE error",
		"TYPE_MISMATCH WIRE error", // Draft's change: no unstable pattern here
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("findings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if res.Report.Compatible {
		t.Error("RESOLVER_REJECTS at level error must fail the check")
	}
}

// TestResolverWarn: breaking.resolver: warn keeps RESOLVER_REJECTS in the
// report but lets the check pass.
func TestResolverWarn(t *testing.T) {
	_, sources := newFixture(t)
	res, err := breaking.Check(breaking.Options{Against: "main", Level: compat.Backward, AllowRemoved: true, Sources: sources,
		UnstableNamespaces: []string{"*.v1alpha*"}, Resolver: "warn", Today: today})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, f := range res.Report.Findings {
		if f.Type == "RESOLVER_REJECTS" {
			found = res.Level(f) == "warn" && f.Severity == "minor" && strings.HasPrefix(f.Explanation, "category WIRE (warning, does not fail the check): ")
		}
	}
	if !found || !res.Report.Compatible {
		t.Errorf("want RESOLVER_REJECTS as a warning and a passing check: compatible=%v\n%+v", res.Report.Compatible, res.Report.Findings)
	}
	if _, err := breaking.Check(breaking.Options{Against: "main", Resolver: "maybe"}); err == nil || !strings.Contains(err.Error(), "want warn or error") {
		t.Errorf("bad resolver: %v", err)
	}
}

// TestMarkerErrors: a marker without a reason (or with a bad date or an
// unknown rule) stops the check with the marker's position.
func TestMarkerErrors(t *testing.T) {
	f, _ := newFixture(t)
	for _, tc := range []struct{ marker, want string }{
		{`// avroctl:breaking:ignore JSON_FIELD_RENAMED`, `idl/shop.avdl:18:6: avroctl:breaking:ignore JSON_FIELD_RENAMED has no reason: every ignore says why, add reason="..."`},
		{`// avroctl:breaking:ignore JSON_FIELD_RENAMED reason=""`, `has no reason`},
		{`// avroctl:breaking:ignore JSON_FIELD_RENAMED reason="x" until=2027-13-01`, `until=2027-13-01 is not a date: write until=YYYY-MM-DD`},
		{`// avroctl:breaking:ignore JSON_FIELD_RENAMD reason="x"`, `unknown breaking rule or category "JSON_FIELD_RENAMD"`},
		{`// avroctl:breaking:ignore reason="x"`, `names no rule`},
		{`// avroctl:breaking:ignore JSON_FIELD_RENAMED reason=x`, `reason must be quoted`},
	} {
		f.write("idl/shop.avdl", strings.Replace(shopV2,
			`// avroctl:breaking:ignore JSON_FIELD_RENAMED reason="no JSON consumers of Order yet (ADR-12)" until=2027-03-01`, tc.marker, 1))
		sources := f.compile()
		_, err := breaking.Check(breaking.Options{Against: "main", AllowRemoved: true, Sources: sources, Today: today})
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "idl/shop.avdl:18:") {
			t.Errorf("%s: got %v, want %q at idl/shop.avdl:18", tc.marker, err, tc.want)
		}
	}
}

// TestMarkerCategoryAndTrailing: a marker may name a category, and may
// trail the element on its own line.
func TestMarkerCategoryAndTrailing(t *testing.T) {
	f, _ := newFixture(t)
	v2 := strings.Replace(shopV2, `// avroctl:breaking:ignore JSON_FIELD_RENAMED reason="no JSON consumers of Order yet (ADR-12)" until=2027-03-01
  string @aliases(["note"]) remark;`, `string @aliases(["note"]) remark; // avroctl:breaking:ignore WIRE_JSON reason="JSON consumers migrated"`, 1)
	f.write("idl/shop.avdl", v2)
	sources := f.compile()
	res, err := breaking.Check(breaking.Options{Against: "main", AllowRemoved: true, Sources: sources, Use: []string{"WIRE_JSON"},
		UnstableNamespaces: []string{"*.v1alpha*"}, Resolver: "warn", Today: today})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range res.Report.Findings {
		if f.Type == "JSON_FIELD_RENAMED" || f.Type == "IGNORE_UNUSED" {
			t.Errorf("the trailing marker should silence the rename: %s %s", f.Type, f.Message)
		}
	}
	if len(res.Applied) != 1 || res.Applied[0].Matched != 1 || res.Applied[0].Ignore.Source.Line != 18 {
		t.Errorf("audit: %+v", res.Applied)
	}
}

// TestNesting: WIRE ⊂ WIRE_JSON ⊂ GO_API; REGISTRY has the checker's rules
// but not RESOLVER_REJECTS; the ignore rules come with every category.
func TestNesting(t *testing.T) {
	in := func(id, cat string) bool {
		r, ok := breaking.RuleByID(id)
		if !ok {
			t.Fatalf("no rule %s", id)
		}
		return breaking.InCategory(r, cat)
	}
	for _, r := range breaking.Rules() {
		if in(r.ID, breaking.Wire) && !in(r.ID, breaking.WireJSON) {
			t.Errorf("%s is in WIRE but not WIRE_JSON", r.ID)
		}
		if in(r.ID, breaking.WireJSON) && !in(r.ID, breaking.GoAPI) {
			t.Errorf("%s is in WIRE_JSON but not GO_API", r.ID)
		}
	}
	for _, tc := range []struct {
		id, cat string
		want    bool
	}{
		{"TYPE_MISMATCH", breaking.Registry, true},
		{"RESOLVER_REJECTS", breaking.Registry, false},
		{"SUBJECT_REMOVED", breaking.Registry, false},
		{"JSON_FIELD_RENAMED", breaking.Wire, false},
		{"GO_FIELD_REMOVED", breaking.WireJSON, false},
		{"REGISTRY_SAME_VERSION", breaking.GoAPI, false},
		{"IGNORE_EXPIRED", breaking.Registry, true},
	} {
		if got := in(tc.id, tc.cat); got != tc.want {
			t.Errorf("%s in %s = %v, want %v", tc.id, tc.cat, got, tc.want)
		}
	}
	if _, err := breaking.Check(breaking.Options{Against: "main", Use: []string{"WIRE_XML"}}); err == nil || !strings.Contains(err.Error(), `unknown breaking rule or category "WIRE_XML"`) {
		t.Errorf("unknown category: %v", err)
	}
}
