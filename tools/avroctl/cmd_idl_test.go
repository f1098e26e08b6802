package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func runIdlCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = Main(args, strings.NewReader(""), &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestIdlCommands(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.avdl")
	bad := filepath.Join(dir, "bad.avdl")
	os.WriteFile(good, []byte("@namespace(\"n\")\nprotocol P {\n  /** A record. */\n  record R { int x = 1; }\n}\n"), 0o644)
	os.WriteFile(bad, []byte("protocol P {\n  record R { Missing m; }\n}\n"), 0o644)

	code, out, errOut := runIdlCLI(t, "idl", good)
	if code != 0 || !strings.Contains(out, `"protocol" : "P"`) || !strings.HasSuffix(out, "}\n") {
		t.Fatalf("idl: code %d\nstdout %s\nstderr %s", code, out, errOut)
	}
	outFile := filepath.Join(dir, "p.avpr")
	if code, _, errOut := runIdlCLI(t, "idl", good, outFile); code != 0 {
		t.Fatalf("idl to file: %d %s", code, errOut)
	}
	if data, _ := os.ReadFile(outFile); string(data) != out {
		t.Errorf("file output differs from stdout output")
	}

	code, _, errOut = runIdlCLI(t, "idl", bad)
	if code != 2 || !strings.Contains(errOut, bad+":2:14: Undefined schema: Missing") {
		t.Fatalf("idl bad: code %d stderr %s", code, errOut)
	}

	schemata := filepath.Join(dir, "out")
	code, out, errOut = runIdlCLI(t, "idl2schemata", "-o", "json", good, schemata)
	if code != 0 || !strings.Contains(out, "R.avsc") {
		t.Fatalf("idl2schemata: %d %s %s", code, out, errOut)
	}
	if _, err := os.Stat(filepath.Join(schemata, "R.avsc")); err != nil {
		t.Fatal(err)
	}

	root := filepath.Join(dir, "proj")
	os.MkdirAll(filepath.Join(root, "idl"), 0o755)
	os.WriteFile(filepath.Join(root, "idl", "good.avdl"), []byte("namespace n;\nrecord R { int x; }\n"), 0o644)
	code, out, errOut = runIdlCLI(t, "compile", "--idl", filepath.Join(root, "idl"), "--out", filepath.Join(root, "schemas"))
	if code != 0 || !strings.Contains(out, "1 written") {
		t.Fatalf("compile: %d %s %s", code, out, errOut)
	}
	if _, err := os.Stat(filepath.Join(root, "schemas", "n.R.avsc")); err != nil {
		t.Fatal(err)
	}

	if code, _, _ := runIdlCLI(t, "idl"); code != 2 {
		t.Errorf("missing argument: exit %d, want 2", code)
	}
	for _, c := range []string{"idl", "idl2schemata", "compile"} {
		_, out, _ := runIdlCLI(t, c, "--help")
		if !strings.Contains(out, "Examples:") {
			t.Errorf("%s --help has no examples", c)
		}
	}
}
