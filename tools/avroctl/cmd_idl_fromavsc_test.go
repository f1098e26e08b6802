package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestIdlFromAvsc(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	addr := write("Address.avsc", `{"type":"record","name":"Address","namespace":"com.acme","fields":[{"name":"city","type":"string"}]}`)
	order := write("Order.avsc", `{"type":"record","name":"Order","namespace":"com.acme","doc":"An order.","fields":[
		{"name":"ship","type":"Address"},{"name":"note","type":["null","string"],"default":null}]}`)

	// One schema: the `schema` form, byte-identical to Java's formatter.
	code, out, errOut := runIdlCLI(t, "idl", "--from-avsc", addr)
	want := "namespace com.acme;\n\nschema Address;\n\nrecord Address {\n    string city;\n}\n"
	if code != 0 || out != want {
		t.Fatalf("one schema: code %d\n%q\nwant %q\nstderr %s", code, out, want, errOut)
	}

	// Several: a later file uses an earlier one's type; written to --out.
	outFile := filepath.Join(dir, "orders.avdl")
	if code, _, errOut := runIdlCLI(t, "idl", "--from-avsc", addr, order, "--out", outFile); code != 0 {
		t.Fatalf("several: code %d %s", code, errOut)
	}
	got, _ := os.ReadFile(outFile)
	want = "namespace com.acme;\n\nrecord Address {\n    string city;\n}\n\n/** An order. */\nrecord Order {\n    Address ship;\n    string? note = null;\n}\n"
	if string(got) != want {
		t.Fatalf("several:\n%s\nwant\n%s", got, want)
	}
	// ... and it compiles back with `avroctl idl`.
	if code, out, errOut := runIdlCLI(t, "idl", outFile); code != 0 || !strings.Contains(out, `"name" : "Order"`) {
		t.Fatalf("compile back: %d %s %s", code, out, errOut)
	}

	// -o json: the text in a document.
	code, out, _ = runIdlCLI(t, "idl", "--from-avsc", "-o", "json", addr)
	var doc struct{ IDL string }
	if code != 0 || json.Unmarshal([]byte(out), &doc) != nil || !strings.HasPrefix(doc.IDL, "namespace com.acme;") {
		t.Fatalf("json: %d %s", code, out)
	}

	// A protocol.
	proto := write("p.avpr", `{"protocol":"P","namespace":"n","types":[{"type":"error","name":"Oops","fields":[]}],
		"messages":{"ping":{"request":[{"name":"x","type":"int"}],"response":"null","errors":["Oops"]}}}`)
	code, out, errOut = runIdlCLI(t, "idl", "--from-avsc", proto)
	want = "@namespace(\"n\")\nprotocol P {\n    error Oops {\n    }\n\n    null ping(int x) throws Oops;\n}\n"
	if code != 0 || out != want {
		t.Fatalf("protocol: %d\n%q\nwant %q\n%s", code, out, want, errOut)
	}

	// Bad inputs: exit 2, located.
	for _, c := range []struct {
		name, text, want string
	}{
		{"union.avsc", `["null","string"]`, "union.avsc:1:1: the schema is a union; only a named type"},
		{"broken.avsc", "{\"type\":\"record\",\n \"name\":\"R\",\"fields\":[{\"name\":\"a\",\"type\":\"Nope\"}]}", "broken.avsc:2:"},
	} {
		p := write(c.name, c.text)
		code, _, errOut := runIdlCLI(t, "idl", "--from-avsc", p)
		if code != 2 || !strings.Contains(errOut, c.want) {
			t.Errorf("%s: code %d, stderr %s (want %q)", c.name, code, errOut, c.want)
		}
	}
	if code, _, errOut := runIdlCLI(t, "idl", "--from-avsc", filepath.Join(dir, "missing.avsc")); code != 2 || !strings.Contains(errOut, "missing.avsc: no such file") {
		t.Errorf("missing: %d %s", code, errOut)
	}
	if code, _, errOut := runIdlCLI(t, "idl", "--out", outFile, addr); code != 2 || !strings.Contains(errOut, "--out goes with --from-avsc") {
		t.Errorf("--out without --from-avsc: %d %s", code, errOut)
	}
	if code, _, _ := runIdlCLI(t, "idl", "--help"); code != 0 {
		t.Errorf("help: %d", code)
	}
}
