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
		Ignores:            cfg.BreakingIgnores(),
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
