package main

import (
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
