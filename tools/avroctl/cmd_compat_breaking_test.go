package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gitlab.com/acme/avroctl/gen/config"
)

// resolverV1 is v1 of resolverRepo's IDL; v2 moves Address to another
// namespace and renames its field with an alias: Java's checker accepts
// it, the resolving reader does not.
const resolverV1 = "namespace com.acme;\nschema Shipment;\n\nrecord Address {\n  string street_name;\n}\n\nrecord Shipment {\n  Address to;\n}\n"

func resolverRepo(t *testing.T, config string) *gitRepo {
	t.Helper()
	setGitEnv(t)
	r := newGitRepo(t)
	r.write("idl/shipment.avdl", resolverV1)
	t.Chdir(r.dir)
	if code, _, errOut := runAvroctl(t, "compile"); code != 0 {
		t.Fatalf("compile: %s", errOut)
	}
	r.commit("v1")
	r.write("idl/geo.avdl", "namespace com.acme.geo;\n\nrecord Address {\n  string @aliases([\"street_name\"]) streetName;\n}\n")
	r.write("idl/shipment.avdl", "namespace com.acme;\nschema Shipment;\nimport idl \"geo.avdl\";\n\nrecord Shipment {\n  com.acme.geo.Address to;\n}\n")
	if code, _, errOut := runAvroctl(t, "compile"); code != 0 {
		t.Fatalf("compile: %s", errOut)
	}
	if config != "" {
		r.write("avroctl.yaml", config)
	}
	return r
}

// TestBreakingResolverSetting: RESOLVER_REJECTS fails `breaking` by
// default and is a warning with breaking.resolver: warn.
func TestBreakingResolverSetting(t *testing.T) {
	resolverRepo(t, "")
	code, out, errOut := runAvroctl(t, "breaking", "--against", "main", "--allow-removed")
	if code != 1 || !strings.Contains(out, "RESOLVER_REJECTS") {
		t.Errorf("default: exit %d\n%s%s", code, out, errOut)
	}
	writeFile(t, ".", "avroctl.yaml", "version: 1\nbreaking:\n  resolver: warn\n")
	code, out, errOut = runAvroctl(t, "breaking", "--against", "main", "--allow-removed", "-o", "json")
	var rep struct {
		Compatible        bool
		Resolver          string
		Incompatibilities []struct{ Type, Category, Level string }
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	found := false
	for _, f := range rep.Incompatibilities {
		found = found || (f.Type == "RESOLVER_REJECTS" && f.Category == "WIRE" && f.Level == "warn")
	}
	if code != 0 || !rep.Compatible || rep.Resolver != "warn" || !found {
		t.Errorf("resolver: warn: exit %d\n%s%s", code, out, errOut)
	}
}

// TestCompatCheckResolverSetting: compat check follows breaking.resolver
// from avroctl.yaml too.
func TestCompatCheckResolverSetting(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	old := writeFile(t, dir, "old.avdl", "namespace shop;\nschema Order;\nrecord Order {\n  string id;\n  string customer_name;\n}\n")
	moved := writeFile(t, dir, "new.avdl", "namespace shop.v2;\nschema Order;\nrecord Order {\n  string id;\n  string @aliases([\"customer_name\"]) customerName;\n}\n")
	if code, _, _ := runAvroctl(t, "compat", "check", "--level", "BACKWARD", moved, "--previous", old); code != 1 {
		t.Errorf("default: exit %d, want 1", code)
	}
	writeFile(t, dir, "avroctl.yaml", "version: 1\nbreaking:\n  resolver: warn\n")
	code, out, errOut := runAvroctl(t, "compat", "check", "--level", "BACKWARD", moved, "--previous", old)
	if code != 0 || !strings.Contains(out, "RESOLVER_REJECTS") || !strings.Contains(out, "warning (breaking.resolver: warn)") {
		t.Errorf("resolver: warn: exit %d\n%s%s", code, out, errOut)
	}
	writeFile(t, dir, "avroctl.yaml", "version: 1\nbreaking:\n  resolver: sometimes\n")
	code, _, errOut = runAvroctl(t, "compat", "check", "--level", "BACKWARD", moved, "--previous", old)
	if code != 2 || !strings.Contains(errOut, "avroctl.yaml:3:13: breaking.resolver") {
		t.Errorf("bad resolver: exit %d\n%s", code, errOut)
	}
}

// TestBreakingIgnores: a marker without a reason is exit 2 at its line; an
// ignore in avroctl.yaml silences its finding and shows in the audit trail;
// an expired one is a finding again.
func TestBreakingIgnores(t *testing.T) {
	r := resolverRepo(t, "")
	r.write("idl/geo.avdl", "namespace com.acme.geo;\n\nrecord Address {\n  // avroctl:breaking:ignore JSON_FIELD_RENAMED\n  string @aliases([\"street_name\"]) streetName;\n}\n")
	code, out, errOut := runAvroctl(t, "breaking", "--against", "main", "--allow-removed")
	if code != 2 || !strings.Contains(errOut, "idl/geo.avdl:4:6: avroctl:breaking:ignore JSON_FIELD_RENAMED has no reason") {
		t.Errorf("marker without reason: exit %d\n%s%s", code, out, errOut)
	}
	r.write("idl/geo.avdl", "namespace com.acme.geo;\n\nrecord Address {\n  string @aliases([\"street_name\"]) streetName;\n}\n")
	r.write("avroctl.yaml", `version: 1
breaking:
  use: [WIRE]
  ignore:
    - rule: RESOLVER_REJECTS
      type: com.acme.Shipment
      reason: "Shipment has no consumers yet"
      until: 2027-03-01
`)
	code, out, errOut = runAvroctl(t, "breaking", "--against", "main", "--allow-removed", "--today", "2026-12-04")
	if code != 0 || strings.Contains(out, "RESOLVER_REJECTS /") ||
		!strings.Contains(out, `avroctl.yaml:5:7: RESOLVER_REJECTS type=com.acme.Shipment until 2027-03-01: silenced 1 finding(s); reason: "Shipment has no consumers yet"`) {
		t.Errorf("config ignore: exit %d\n%s%s", code, out, errOut)
	}
	code, out, _ = runAvroctl(t, "breaking", "--against", "main", "--allow-removed", "--today", "2027-03-02")
	if code != 1 || !strings.Contains(out, "avroctl.yaml:5:7: IGNORE_EXPIRED") || !strings.Contains(out, "RESOLVER_REJECTS /") {
		t.Errorf("expired ignore: exit %d\n%s", code, out)
	}
	r.write("avroctl.yaml", "version: 1\nbreaking:\n  use: [WIRE, FILE]\n")
	code, _, errOut = runAvroctl(t, "breaking", "--against", "main")
	if code != 2 || !strings.Contains(errOut, `avroctl.yaml:3:15: breaking.use.1: unknown breaking rule or category "FILE"`) {
		t.Errorf("unknown category: exit %d\n%s", code, errOut)
	}
}

func TestBreakingListRules(t *testing.T) {
	code, out, _ := runAvroctl(t, "breaking", "--list-rules")
	if code != 0 || !strings.Contains(out, "WIRE ⊂ WIRE_JSON ⊂ GO_API") || !strings.Contains(out, "JSON_UNION_BRANCH_RENAMED") {
		t.Errorf("text: exit %d\n%s", code, out)
	}
	code, out, _ = runAvroctl(t, "breaking", "--list-rules", "-o", "json")
	var list struct {
		Nesting string
		Rules   []struct {
			ID         string
			Categories []string
		}
	}
	if err := json.Unmarshal([]byte(out), &list); code != 0 || err != nil || len(list.Rules) < 20 {
		t.Fatalf("json: exit %d, %v\n%s", code, err, out)
	}
	code, out, _ = runAvroctl(t, "breaking", "--help")
	if code != 0 || !strings.Contains(out, "WIRE ⊂ WIRE_JSON ⊂ GO_API") || !strings.Contains(out, "avroctl:breaking:ignore") {
		t.Errorf("help: exit %d\n%s", code, out)
	}
}

// TestRegistrySubjectsOf: breaking's REGISTRY findings name the subjects
// `registry register` uses, from avroctl.yaml's strategy and topics.
func TestRegistrySubjectsOf(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "a.b.R.avsc"), []byte(rAvsc), 0o644)
	cfg := &config.Config{}
	cfg.Registry.Strategy = "topic-record"
	cfg.Registry.Topics = map[string]string{"a.b.R": "orders"}
	got, err := registrySubjectsOf(cfg, dir)
	if err != nil || len(got) != 1 || strings.Join(got["a.b.R"], ",") != "orders-a.b.R" {
		t.Errorf("topic-record: %v, %v; want a.b.R under orders-a.b.R", got, err)
	}
	cfg.Registry.Strategy = "record"
	if got, err := registrySubjectsOf(cfg, dir); got != nil || err != nil {
		t.Errorf("record: %v, %v; want nil (each type's subject is its name)", got, err)
	}
}
