package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestBreakingShowsRenameWithFix: a renamed field in the IDL is reported as
// a rename at the .avdl line with the alias edit; applying the offered edit
// makes the BACKWARD check pass.
func TestBreakingShowsRenameWithFix(t *testing.T) {
	setGitEnv(t)
	r := newGitRepo(t)
	r.write("idl/order.avdl", "namespace com.acme;\nschema Order;\n\nrecord Order {\n  string id;\n  string customer_name;\n}\n")
	t.Chdir(r.dir)
	if code, _, errOut := runAvroctl(t, "compile"); code != 0 {
		t.Fatalf("compile: %s", errOut)
	}
	r.commit("v1")
	r.write("idl/order.avdl", "namespace com.acme;\nschema Order;\n\nrecord Order {\n  string id;\n  string customerName;\n}\n")
	if code, _, errOut := runAvroctl(t, "compile"); code != 0 {
		t.Fatalf("compile: %s", errOut)
	}
	code, out, errOut := runAvroctl(t, "breaking", "--against", "main")
	for _, want := range []string{
		"idl/order.avdl:6:10: FIELD_RENAMED /com.acme.Order/fields/customerName: this looks like a rename of `customer_name` to `customerName`",
		`BACKWARD (new readers, old data) holds with @aliases(["customer_name"])`,
		"FORWARD (old readers, new data) still breaks",
		"fix: write `@aliases([\"customer_name\"]) customerName` in place of the field name `customerName` (idl/order.avdl:6:10)",
		"READER_FIELD_MISSING_DEFAULT_VALUE",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in:\n%s%s", want, out, errOut)
		}
	}
	if code != 1 {
		t.Errorf("exit %d, want 1", code)
	}

	code, out, _ = runAvroctl(t, "breaking", "--against", "main", "-o", "json")
	var rep struct {
		Incompatibilities []struct{ Type, Source, Message, Fix string }
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("json: %v\n%s", err, out)
	}
	found := false
	for _, f := range rep.Incompatibilities {
		if f.Type == "FIELD_RENAMED" && f.Source == "idl/order.avdl:6:10" && strings.Contains(f.Fix, `@aliases(["customer_name"])`) {
			found = true
		}
	}
	if !found || code != 1 {
		t.Errorf("json: exit %d, no FIELD_RENAMED with the fix:\n%s", code, out)
	}

	// The offered edit, applied: BACKWARD holds and the rename is declared.
	r.write("idl/order.avdl", "namespace com.acme;\nschema Order;\n\nrecord Order {\n  string id;\n  string @aliases([\"customer_name\"]) customerName;\n}\n")
	if code, _, errOut := runAvroctl(t, "compile"); code != 0 {
		t.Fatalf("compile: %s", errOut)
	}
	code, out, errOut = runAvroctl(t, "breaking", "--against", "main")
	if code != 0 || strings.Contains(out, "FIELD_RENAMED") {
		t.Errorf("after the fix: exit %d\n%s%s", code, out, errOut)
	}
}

// TestCompatCheckResolverRejects: a namespace move plus an aliased field
// rename passes Java's checker (the verdict printed stays "compatible") but
// the resolving reader cannot read it: RESOLVER_REJECTS, exit 1, and the
// fix names the record alias.
func TestCompatCheckResolverRejects(t *testing.T) {
	dir := t.TempDir()
	old := writeFile(t, dir, "old.avdl", "namespace shop;\nschema Order;\nrecord Order {\n  string id;\n  string customer_name;\n}\n")
	moved := writeFile(t, dir, "new.avdl", "namespace shop.v2;\nschema Order;\nrecord Order {\n  string id;\n  string @aliases([\"customer_name\"]) customerName;\n}\n")
	code, out, errOut := runAvroctl(t, "compat", "check", "--level", "BACKWARD", moved, "--previous", old)
	for _, want := range []string{
		"RESOLVER_REJECTS /customerName: BACKWARD (new readers, old data): the registry (and Java's SchemaCompatibility) accept this change, but a consumer's resolving reader cannot read customerName",
		`add @aliases(["shop.Order"]) before record Order`,
		"\ncompatible\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in:\n%s%s", want, out, errOut)
		}
	}
	if code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	fixed := writeFile(t, dir, "fixed.avdl", "namespace shop.v2;\nschema Order;\n@aliases([\"shop.Order\"])\nrecord Order {\n  string id;\n  string @aliases([\"customer_name\"]) customerName;\n}\n")
	code, out, errOut = runAvroctl(t, "compat", "check", "--level", "BACKWARD", fixed, "--previous", old)
	if code != 0 || strings.Contains(out, "RESOLVER_REJECTS") {
		t.Errorf("with the record alias: exit %d\n%s%s", code, out, errOut)
	}
}

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}
