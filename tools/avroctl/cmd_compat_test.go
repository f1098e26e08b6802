package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const compatFixtures = "../../gen/compat/testdata/pairs"

func runAvroctl(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = Main(args, strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

func TestCompatCheckExitCodes(t *testing.T) {
	fx := func(c, f string) string { return filepath.Join(compatFixtures, c, f) }
	tests := []struct {
		name string
		args []string
		code int
	}{
		{"compatible", []string{"compat", "check", "--reader", fx("compatible", "reader.avsc"), "--writer", fx("compatible", "writer.avsc")}, 0},
		{"incompatible", []string{"compat", "check", "--reader", fx("coupon", "reader.avsc"), "--writer", fx("coupon", "writer.avsc")}, 1},
		{"level", []string{"compat", "check", "--level", "FULL_TRANSITIVE", fx("coupon", "reader.avsc"), "--previous", fx("coupon", "writer.avsc")}, 1},
		{"level forward ok", []string{"compat", "check", "--level", "forward", fx("coupon", "reader.avsc"), "--previous", fx("coupon", "writer.avsc")}, 0},
		{"missing writer", []string{"compat", "check", "--reader", fx("coupon", "reader.avsc")}, 2},
		{"bad level", []string{"compat", "check", "--level", "SIDEWAYS", fx("coupon", "reader.avsc")}, 2},
		{"no such file", []string{"compat", "check", "--reader", "nope.avsc", "--writer", "nope.avsc"}, 2},
		{"bad format", []string{"compat", "check", "--reader", fx("coupon", "reader.avsc"), "--writer", fx("coupon", "writer.avsc"), "--error-format", "xml"}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runAvroctl(t, tt.args...)
			if code != tt.code {
				t.Errorf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tt.code, out, errOut)
			}
		})
	}
}

func TestCompatCheckBadSchemaIsLocated(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.avsc")
	if err := os.WriteFile(bad, []byte("{\"type\":\"record\",\n \"name\":\"R\",\"fields\":[{\"name\":\"a\",\"type\":\"strng\"}]}"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errOut := runAvroctl(t, "compat", "check", "--reader", bad, "--writer", bad)
	if code != 2 || !strings.Contains(errOut, bad+":2:") {
		t.Errorf("exit %d, stderr %q: want exit 2 and a file:line:col error", code, errOut)
	}
}

func TestCompatCheckJSON(t *testing.T) {
	code, out, _ := runAvroctl(t, "compat", "check", "-o", "json",
		"--reader", filepath.Join(compatFixtures, "coupon", "reader.avsc"),
		"--writer", filepath.Join(compatFixtures, "coupon", "writer.avsc"))
	if code != 1 {
		t.Fatalf("exit %d", code)
	}
	var doc struct {
		Compatible        bool                `json:"compatible"`
		Incompatibilities []map[string]string `json:"incompatibilities"`
	}
	dec := json.NewDecoder(strings.NewReader(out))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&doc); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if doc.Compatible || len(doc.Incompatibilities) != 3 {
		t.Fatalf("got %+v", doc)
	}
	for _, in := range doc.Incompatibilities {
		keys := []string{}
		for k := range in {
			keys = append(keys, k)
		}
		if len(in) != 6 || in["type"] == "" || in["source"] == "" || in["fix"] == "" {
			t.Errorf("finding keys %v: want type, location, source, message, explanation, fix", keys)
		}
	}
}

func TestCompatHelpHasExamples(t *testing.T) {
	for _, args := range [][]string{{"compat", "check", "--help"}, {"breaking", "--help"}, {"compat", "--help"}} {
		code, out, _ := runAvroctl(t, args...)
		if code != 0 || !strings.Contains(out, "Examples:") {
			t.Errorf("%v: exit %d, help without examples:\n%s", args, code, out)
		}
	}
}

func TestBreakingCommand(t *testing.T) {
	setGitEnv(t)
	r := newGitRepo(t)
	dir := r.dir
	git := func(args ...string) { r.git(args...) }
	write := func(content string) { r.write("schemas/com.acme.Order.avsc", content) }
	write(`{"type":"record","name":"Order","namespace":"com.acme","fields":[{"name":"id","type":"string"}]}`)
	git("add", "-A")
	git("commit", "-q", "-m", "v1")
	t.Chdir(dir)

	if code, out, errOut := runAvroctl(t, "breaking", "--against", "main"); code != 0 {
		t.Errorf("unchanged: exit %d\n%s%s", code, out, errOut)
	}
	write(`{"type":"record","name":"Order","namespace":"com.acme","fields":[{"name":"id","type":"long"}]}`)
	code, out, _ := runAvroctl(t, "breaking", "--against", "main", "--error-format", "gitlab-code-quality")
	if code != 1 || !strings.Contains(out, `"check_name": "TYPE_MISMATCH"`) || !strings.Contains(out, `"path": "schemas/com.acme.Order.avsc"`) {
		t.Errorf("breaking change: exit %d\n%s", code, out)
	}
	code, _, errOut := runAvroctl(t, "breaking", "--against", "origin/main")
	if code != 2 || !strings.Contains(errOut, "no such commit, branch or tag") || strings.Contains(errOut, "git fetch") {
		t.Errorf("missing revision: exit %d, stderr %q", code, errOut)
	}
	if code, _, _ := runAvroctl(t, "breaking"); code != 2 {
		t.Errorf("no --against: exit %d, want 2", code)
	}
}

// TestBreakingPointsAtIDL: when schemas/ is compiled from idl/, a finding
// is located at the .avdl line the user edits, not in the .avsc.
func TestBreakingPointsAtIDL(t *testing.T) {
	setGitEnv(t)
	r := newGitRepo(t)
	r.write("idl/order.avdl", "namespace com.acme;\nschema Order;\n\nrecord Order {\n  string id;\n}\n")
	t.Chdir(r.dir)
	if code, _, errOut := runAvroctl(t, "compile"); code != 0 {
		t.Fatalf("compile: %s", errOut)
	}
	r.commit("v1")
	r.write("idl/order.avdl", "namespace com.acme;\nschema Order;\n\nrecord Order {\n  string id;\n  int qty;\n}\n")
	if code, _, errOut := runAvroctl(t, "compile"); code != 0 {
		t.Fatalf("compile: %s", errOut)
	}
	code, out, errOut := runAvroctl(t, "breaking", "--against", "main")
	if code != 1 || !strings.Contains(out, "idl/order.avdl:6:") {
		t.Errorf("want a finding at idl/order.avdl:6, exit %d:\n%s%s", code, out, errOut)
	}

	// schemas/ no longer compiled from idl/: the .avsc is blamed.
	r.write("idl/order.avdl", "namespace com.acme;\nschema Order;\n\nrecord Order {\n  string id;\n  long qty;\n}\n")
	code, out, _ = runAvroctl(t, "breaking", "--against", "main")
	if code != 1 || strings.Contains(out, "order.avdl") || !strings.Contains(out, "schemas/com.acme.Order.avsc") {
		t.Errorf("stale schemas must not point at the IDL, exit %d:\n%s", code, out)
	}
}

// A change Java's reader fails on for some valid data only (its
// collection-size guard: array items read as a wider type) is a
// RESOLVER_MAY_REJECT warning: listed, exit 0.
func TestCompatCheckResolverMayReject(t *testing.T) {
	dir := t.TempDir()
	w := filepath.Join(dir, "w.avsc")
	r := filepath.Join(dir, "r.avsc")
	os.WriteFile(w, []byte(`{"type":"record","name":"R","namespace":"a","fields":[{"name":"xs","type":{"type":"array","items":"long"}}]}`), 0o644)
	os.WriteFile(r, []byte(`{"type":"record","name":"R","namespace":"a","fields":[{"name":"xs","type":{"type":"array","items":"float"}}]}`), 0o644)
	code, out, errs := runAvroctl(t, "compat", "check", "--reader", r, "--writer", w)
	if code != 0 || !strings.Contains(out, "RESOLVER_MAY_REJECT") || !strings.Contains(out, "Java consumers fail on some") {
		t.Errorf("exit %d\n%s%s", code, out, errs)
	}
}
