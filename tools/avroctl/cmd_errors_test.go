package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestWriteErrorsNameTheTarget: a file that cannot be written is named as
// the user knows it, not as the temporary file it was written through.
func TestWriteErrorsNameTheTarget(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "idl"), 0o755)
	os.WriteFile(filepath.Join(dir, "idl", "order.avdl"), []byte("namespace com.acme;\nschema Order;\nrecord Order { string id; }\n"), 0o644)
	blocked := filepath.Join(dir, "schemas", "com.acme.Order.avsc")
	os.MkdirAll(blocked, 0o755) // a folder where the file goes
	code, _, errOut := runAvroctl(t, "compile", "--idl", filepath.Join(dir, "idl"), "--out", filepath.Join(dir, "schemas"))
	if code == 0 || !strings.Contains(errOut, "write "+blocked+": ") || strings.Contains(errOut, ".tmp") {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
}

// TestMissingSchemasSaysWhatToRun: before the first compile there is no
// schemas/; every command that reads it says what makes it.
func TestMissingSchemasSaysWhatToRun(t *testing.T) {
	setGitEnv(t)
	r := newGitRepo(t)
	r.write("avroctl.yaml", "version: 1\n")
	r.write("idl/order.avdl", "namespace com.acme;\nschema Order;\nrecord Order { string id; }\n")
	r.commit("idl only")
	t.Chdir(r.dir)
	for _, args := range [][]string{{"generate"}, {"release"}, {"breaking", "--against", "HEAD"}, {"registry", "test", "--url", "http://127.0.0.1:1"}, {"registry", "register", "--url", "http://127.0.0.1:1"}} {
		code, _, errOut := runAvroctl(t, args...)
		if code != 2 || !strings.Contains(errOut, "schemas: no such folder: compile the IDL into it first (avroctl compile") {
			t.Errorf("%v: exit %d, %q", args, code, errOut)
		}
	}
	os.MkdirAll(filepath.Join(r.dir, "schemas"), 0o755)
	if code, _, errOut := runAvroctl(t, "generate"); code != 2 || !strings.Contains(errOut, "schemas: no .avsc files: compile the IDL") {
		t.Errorf("empty schemas/: exit %d, %q", code, errOut)
	}
	// generate takes -I like idl.
	if code, _, errOut := runAvroctl(t, "generate", "--idl", "idl", "-I", "idl", "--out", filepath.Join(t.TempDir(), "events")); code != 0 {
		t.Errorf("generate -I: exit %d, %s", code, errOut)
	}
}

// TestJSONErrors: with -o json a failure is a JSON document on stdout,
// located where the error is; stderr keeps the one text line.
func TestJSONErrors(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "avroctl.yaml")
	os.WriteFile(cfg, []byte("version: 1\ngo:\n  modul: x\nlint:\n  usee: []\n"), 0o644)
	code, out, errOut := runAvroctl(t, "--config", cfg, "lint", "-o", "json")
	var doc jsonError
	if code != 2 || json.Unmarshal([]byte(out), &doc) != nil || !strings.HasPrefix(errOut, "avroctl: ") {
		t.Fatalf("exit %d\nstdout %s\nstderr %s", code, out, errOut)
	}
	want := []jsonDiagnostic{
		{cfg, 3, 3, `unknown key "modul" in go; valid keys: out, module, packages`},
		{cfg, 5, 3, `unknown key "usee" in lint; valid keys: use, except, ignore, ignore_only`},
	}
	if doc.Error.ExitCode != 2 || len(doc.Error.Errors) != 2 || doc.Error.Errors[0] != want[0] || doc.Error.Errors[1] != want[1] {
		t.Errorf("errors = %+v", doc.Error)
	}
	code, out, _ = runAvroctl(t, "compat", "check", "--reader", "nope.avsc", "--writer", "nope.avsc", "--error-format", "json")
	if code != 2 || json.Unmarshal([]byte(out), &doc) != nil || !strings.Contains(doc.Error.Message, "nope.avsc") {
		t.Errorf("compat check: exit %d, stdout %s", code, out)
	}
	// Text output keeps stdout empty.
	if code, out, _ := runAvroctl(t, "compat", "check", "--reader", "nope.avsc", "--writer", "nope.avsc"); code != 2 || out != "" {
		t.Errorf("text: exit %d, stdout %q", code, out)
	}
}

// TestErrorPrefix: every error is "avroctl: ..." once, naming the
// subcommand when the arguments are wrong.
func TestErrorPrefix(t *testing.T) {
	for _, args := range [][]string{{"idl"}, {"registry", "versions"}, {"nope"}, {"lint", "--nope"}} {
		_, _, errOut := runAvroctl(t, args...)
		if !strings.HasPrefix(errOut, "avroctl: ") || strings.Count(errOut, "avroctl: ") != 1 {
			t.Errorf("%v: %q", args, errOut)
		}
	}
	if _, _, errOut := runAvroctl(t, "registry", "versions"); !strings.HasPrefix(errOut, "avroctl: registry versions: accepts 1 arg(s), received 0\nRun 'avroctl registry versions --help' for usage.") {
		t.Errorf("args error: %q", errOut)
	}
}
