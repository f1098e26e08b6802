package config

import (
	"strings"
	"testing"
)

func TestParseGood(t *testing.T) {
	src := `version: 1
go:
  module: gitlab.com/acme/shop/events
  packages:
    com.acme.shared: shared
registry:
  strategy: topic-record
  compatibility: FULL_TRANSITIVE
  topics:
    com.acme.orders.OrderCreated: orders
`
	c, err := Parse("dir/avroctl.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if c.IDL != "idl" || c.Schemas != "schemas" || c.Go.Out != "events" || c.Release.TagPrefix != "events/" {
		t.Errorf("defaults not applied: %+v", c)
	}
	if got := c.PackageFor("com.acme.shared"); got != "shared" {
		t.Errorf("PackageFor(mapped) = %q", got)
	}
	if got := c.PackageFor("com.acme.loyalty"); got != "loyalty" {
		t.Errorf("PackageFor(default) = %q", got)
	}
	if got := c.Path("idl"); got != "dir/idl" {
		t.Errorf("Path = %q", got)
	}
}

// TestDefaultStrategy: a file without registry.strategy is valid, with the
// CLI's default; nothing points at a line the user did not write.
func TestDefaultStrategy(t *testing.T) {
	c, err := Parse("avroctl.yaml", []byte("version: 1\n"))
	if err != nil {
		t.Fatalf("a minimal file was refused: %v", err)
	}
	if c.Registry.Strategy != DefaultStrategy || Default(".").Registry.Strategy != DefaultStrategy {
		t.Errorf("strategy = %q, want %q", c.Registry.Strategy, DefaultStrategy)
	}
}

func TestLoadNamedFileMustExist(t *testing.T) {
	missing := t.TempDir() + "/nope.yaml"
	if _, err := Load(missing, true); err == nil || !strings.Contains(err.Error(), "nope.yaml: no such file (only the default avroctl.yaml may be absent)") {
		t.Errorf("named missing file: %v", err)
	}
	if c, err := Load(missing, false); err != nil || c.Schemas != "schemas" {
		t.Errorf("default missing file: %v", err)
	}
}

func TestParseBad(t *testing.T) {
	for _, tc := range []struct{ name, src, want string }{
		{"no version", "idl: x\n", "avroctl.yaml:1:1: missing `version: 1`"},
		{"future version", "version: 2\n", "avroctl.yaml:1:10: version: unknown version \"2\""},
		{"unknown key", "version: 1\nschemaz: x\n", "avroctl.yaml:2:1: unknown key \"schemaz\" at the top level; valid keys: version, idl, import_dirs, schemas, go, registry, release, lint"},
		{"unknown nested key", "version: 1\ngo:\n  out: events\n  modul: x.io/m\n", "avroctl.yaml:4:3: unknown key \"modul\" in go; valid keys: out, module, packages"},
		{"two unknown keys", "version: 1\nregistry:\n    topis: {}\nrelease:\n  tag: x\n", "avroctl.yaml:3:5: unknown key \"topis\" in registry; valid keys: url, strategy, compatibility, topics\navroctl.yaml:5:3: unknown key \"tag\" in release; valid keys: tag_prefix, changelog"},
		{"bad strategy", "version: 1\nregistry:\n  strategy: topical\n", "avroctl.yaml:3:13: registry.strategy: \"topical\" is not a subject name strategy"},
		{"bad level", "version: 1\nregistry:\n  strategy: record\n  compatibility: SIDEWAYS\n", "avroctl.yaml:4:18: registry.compatibility: \"SIDEWAYS\" is not a compatibility level"},
		{"bad module", "version: 1\ngo:\n  module: Not A Path\nregistry:\n  strategy: record\n", "avroctl.yaml:3:11: go.module:"},
		{"topics needed", "version: 1\nregistry:\n  strategy: topic\n", "avroctl.yaml:3:13: registry.strategy: the topic strategy needs registry.topics"},
		{"bad yaml", "version: 1\n  x: [\n", "avroctl.yaml:2:1:"},
		{"unknown lint rule", "version: 1\nregistry:\n  strategy: record\nlint:\n  use: [DEFAULT, ENUM_DEFALT]\n", "avroctl.yaml:5:18: lint.use.1: unknown lint rule or category \"ENUM_DEFALT\""},
		{"unknown ignore_only rule", "version: 1\nregistry:\n  strategy: record\nlint:\n  ignore_only:\n    NOPE: [idl]\n", "avroctl.yaml:6:11: lint.ignore_only.NOPE: unknown lint rule"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("avroctl.yaml", []byte(tc.src))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error = %v\nwant it to contain %q", err, tc.want)
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte("version: 1\nregistry:\n  strategy: record\n"))
	f.Add([]byte("version: 1\ngo:\n  packages:\n    a.b: c\n"))
	f.Add([]byte("version: [\n"))
	f.Add([]byte("version: 1\nbreaking:\n  use: [GO_API]\n  ignore:\n    - {rule: WIRE, reason: x, until: 2027-01-01}\n"))
	f.Add([]byte("version: 1\nregistry:\n  strategy: record\nlint:\n  use: [MINIMAL]\n  ignore_only:\n    ENUM_DEFAULT: [idl/a.avdl]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse("f.yaml", data)
		if err == nil && c.Version != 1 {
			t.Fatalf("accepted version %d", c.Version)
		}
	})
}

func TestBreakingSection(t *testing.T) {
	src := `version: 1
breaking:
  use: [WIRE_JSON, REGISTRY]
  except: [REGISTRY_SAME_VERSION]
  resolver: warn
  ignore_unstable_namespaces: ["*.v1alpha*"]
  ignore:
    - rule: JSON_FIELD_RENAMED
      path: idl/orders
      type: com.acme.Order
      field: note
      reason: "no JSON consumers"
      until: 2027-03-01
`
	c, err := Parse("dir/avroctl.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	ig := c.Breaking.Ignore[0]
	if ig.Rule != "JSON_FIELD_RENAMED" || ig.Path != "idl/orders" || ig.Type != "com.acme.Order" || ig.Field != "note" ||
		ig.Reason != "no JSON consumers" || ig.Until != "2027-03-01" || ig.Line != 8 || ig.Col != 7 || c.File != "dir/avroctl.yaml" {
		t.Errorf("ignore: %+v", ig)
	}
	if c.Breaking.Resolver != "warn" || c.Breaking.IgnoreUnstableNamespaces[0] != "*.v1alpha*" {
		t.Errorf("breaking: %+v", c.Breaking)
	}
}

func TestBreakingSectionBad(t *testing.T) {
	for _, tc := range []struct{ name, src, want string }{
		{"unknown category", "version: 1\nbreaking:\n  use: [WIRE, FILE]\n", "avroctl.yaml:3:15: breaking.use.1: unknown breaking rule or category \"FILE\" (see avroctl breaking --list-rules)"},
		{"unknown except", "version: 1\nbreaking:\n  except: [NOPE]\n", "avroctl.yaml:3:12: breaking.except.0: unknown breaking rule or category \"NOPE\""},
		{"bad resolver", "version: 1\nbreaking:\n  resolver: maybe\n", "avroctl.yaml:3:13: breaking.resolver: \"maybe\": want warn"},
		{"bad pattern", "version: 1\nbreaking:\n  ignore_unstable_namespaces: [\"[a\"]\n", "avroctl.yaml:3:32: breaking.ignore_unstable_namespaces.0: \"[a\" is not a glob pattern"},
		{"no reason", "version: 1\nbreaking:\n  ignore:\n    - rule: GO_FIELD_REMOVED\n      type: com.acme.Order\n", "avroctl.yaml:4:7: breaking.ignore.0: an ignore needs reason"},
		{"no rule", "version: 1\nbreaking:\n  ignore:\n    - reason: x\n", "avroctl.yaml:4:7: breaking.ignore.0: an ignore needs rule"},
		{"unknown rule", "version: 1\nbreaking:\n  ignore:\n    - rule: GO_FIELD_GONE\n      reason: x\n", "avroctl.yaml:4:13: breaking.ignore.0.rule: unknown breaking rule or category \"GO_FIELD_GONE\""},
		{"bad until", "version: 1\nbreaking:\n  ignore:\n    - rule: WIRE\n      reason: x\n      until: 2027-02-30\n", "avroctl.yaml:6:14: breaking.ignore.0.until: \"2027-02-30\" is not a date: write YYYY-MM-DD"},
		{"unknown ignore key", "version: 1\nbreaking:\n  ignore:\n    - rule: WIRE\n      reason: x\n      file: a.avdl\n", "avroctl.yaml:6:7: unknown key \"file\" in breaking.ignore[0]; valid keys: rule, path, type, field, reason, until"},
		{"unknown breaking key", "version: 1\nbreaking:\n  ignore_unstable_packages: []\n", "avroctl.yaml:3:3: unknown key \"ignore_unstable_packages\" in breaking; valid keys: use, except, ignore, ignore_unstable_namespaces, resolver"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("avroctl.yaml", []byte(tc.src))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error = %v\nwant it to contain %q", err, tc.want)
			}
		})
	}
}
