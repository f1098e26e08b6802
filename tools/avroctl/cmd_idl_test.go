package main

import (
	"bytes"
	"encoding/json"
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
	if code != 0 || !strings.Contains(out, `"protocol" : "P"`) || !strings.HasSuffix(out, "}") {
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

// TestIdlOutputByteExact: avro-tools idl prints the JSON without a final
// newline, to OUT and to stdout; avroctl wrote one more byte.
func TestIdlOutputByteExact(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "s.avdl")
	os.WriteFile(in, []byte("namespace n;\nschema R;\nrecord R { int x; }\n"), 0o644)
	want := "{\n  \"type\" : \"record\",\n  \"name\" : \"R\",\n  \"namespace\" : \"n\",\n  \"fields\" : [ {\n    \"name\" : \"x\",\n    \"type\" : \"int\"\n  } ]\n}"
	code, out, errOut := runIdlCLI(t, "idl", in)
	if code != 0 || out != want {
		t.Fatalf("stdout: code %d, got %q, want %q (%s)", code, out, want, errOut)
	}
	outFile := filepath.Join(dir, "s.avsc")
	if code, _, errOut := runIdlCLI(t, "idl", in, outFile); code != 0 {
		t.Fatalf("idl to file: %d %s", code, errOut)
	}
	if data, _ := os.ReadFile(outFile); string(data) != want {
		t.Errorf("file: got %q, want %q", data, want)
	}
	// Without a main schema (an error for avro-tools 1.12), avroctl's
	// extension: the array of the named schemas, ended the same way.
	os.WriteFile(in, []byte("namespace n;\nrecord R { int x; }\n"), 0o644)
	code, out, errOut = runIdlCLI(t, "idl", in)
	if code != 0 || !strings.HasPrefix(out, "[ {") || !strings.HasSuffix(out, "} ]") {
		t.Errorf("no main schema: code %d, got %q (%s)", code, out, errOut)
	}
}

// TestIdlJSONErrors: with -o json, errors are a JSON list on stdout, each
// with file, line, column and message, for idl, idl2schemata and compile.
func TestIdlJSONErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.avdl")
	os.WriteFile(bad, []byte("protocol P {\n  record R { Missing m; }\n  record S { Other o; }\n}\n"), 0o644)
	idlDir := filepath.Join(dir, "idl")
	os.MkdirAll(idlDir, 0o755)
	os.WriteFile(filepath.Join(idlDir, "bad.avdl"), []byte("protocol P {\n  record R { Missing m; }\n  record S { Other o; }\n}\n"), 0o644)
	for _, args := range [][]string{
		{"idl", "-o", "json", bad},
		{"idl2schemata", "-o", "json", bad, filepath.Join(dir, "out")},
		{"compile", "-o", "json", "--idl", idlDir, "--out", filepath.Join(dir, "schemas")},
	} {
		code, out, errOut := runIdlCLI(t, args...)
		if code != 2 {
			t.Errorf("%s: exit %d, want 2", args[0], code)
		}
		var doc jsonError
		if err := json.Unmarshal([]byte(out), &doc); err != nil {
			t.Fatalf("%s: stdout is not one JSON document: %v\n%s", args[0], err, out)
		}
		got := doc.Error
		if len(got.Errors) != 2 || got.Errors[0].Line != 2 || got.Errors[0].Column != 14 || got.Errors[1].Line != 3 ||
			!strings.HasSuffix(got.Errors[0].File, "bad.avdl") || !strings.HasPrefix(got.Errors[0].Message, "Undefined schema: Missing") {
			t.Errorf("%s: errors %+v", args[0], got.Errors)
		}
		if strings.Contains(errOut, "Undefined schema") {
			t.Errorf("%s: errors also on stderr as text: %s", args[0], errOut)
		}
	}
}

// TestIdlRefusesDevices: a device or a too large input is refused with a
// clear error, not read until memory runs out.
func TestIdlRefusesDevices(t *testing.T) {
	if _, err := os.Stat("/dev/zero"); err != nil {
		t.Skip("no /dev/zero")
	}
	code, _, errOut := runIdlCLI(t, "idl", "/dev/zero")
	if code != 2 || !strings.Contains(errOut, "/dev/zero: cannot read file: it is a character device, not a regular file") {
		t.Errorf("code %d, stderr %s", code, errOut)
	}
	var out, errb bytes.Buffer
	code = Main([]string{"idl", "--max-file-size", "1000", "-"}, strings.NewReader(strings.Repeat(" ", 1001)), &out, &errb)
	if code != 2 || !strings.Contains(errb.String(), "<stdin>: input is over the limit of 1000 bytes; raise it with --max-file-size") {
		t.Errorf("stdin: code %d, stderr %s", code, errb.String())
	}
	dir := t.TempDir()
	in := filepath.Join(dir, "s.avdl")
	os.WriteFile(in, []byte("namespace n;\nschema R;\nrecord R { int x; }\n"), 0o644)
	if code, _, errOut := runIdlCLI(t, "idl", "--max-file-size", "10", in); code != 2 || !strings.Contains(errOut, "over the limit of 10 bytes") {
		t.Errorf("--max-file-size: code %d, stderr %s", code, errOut)
	}
	if code, _, errOut := runIdlCLI(t, "compile", "--max-file-size", "0", "--idl", dir); code != 2 || !strings.Contains(errOut, "--max-file-size 0: want a positive number of bytes") {
		t.Errorf("--max-file-size 0: code %d, stderr %s", code, errOut)
	}
}
