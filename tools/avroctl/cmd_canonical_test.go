package main

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/sr"
)

// rAvsc and its forms, fingerprints as avro-tools 1.12.0 printed them
// (canonical, fingerprint --fingerprint CRC-64-AVRO|MD5|SHA-256).
const (
	rAvsc      = `{"type":"record","name":"R","namespace":"a.b","fields":[{"name":"x","type":"int","doc":"d"}]}`
	rCanonical = `{"name":"a.b.R","type":"record","fields":[{"name":"x","type":"int"}]}`
)

func TestCanonicalCmd(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "r.avsc")
	os.WriteFile(p, []byte(rAvsc), 0o644)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{p}, rCanonical + "\n"},
		{[]string{"--format", "json/inline", p}, rAvsc + "\n"},
		{[]string{"--format", "JSON", p}, "{\n  \"type\" : \"record\",\n  \"name\" : \"R\",\n  \"namespace\" : \"a.b\",\n  \"fields\" : [ {\n    \"name\" : \"x\",\n    \"type\" : \"int\",\n    \"doc\" : \"d\"\n  } ]\n}\n"},
	} {
		code, out, errs := runAvroctl(t, append([]string{"canonical"}, c.args...)...)
		if code != 0 || out != c.want {
			t.Errorf("%v: exit %d %q %s, want %q", c.args, code, out, errs, c.want)
		}
	}
	code, out, _ := runWithInput(t, rAvsc, "canonical", "-")
	if code != 0 || out != rCanonical+"\n" {
		t.Errorf("stdin: %d %q", code, out)
	}
}

func TestFingerprintCmd(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "r.avsc")
	os.WriteFile(p, []byte(rAvsc), 0o644)
	code, out, _ := runAvroctl(t, "fingerprint", p)
	if code != 0 || out != p+": crc64 c96df2f15aa739f2 (Java long -992578233810391607, 0xf239a75af1f26dc9)\n" {
		t.Errorf("crc64: %d %q", code, out)
	}
	code, out, _ = runAvroctl(t, "fingerprint", "--algo", "SHA-256", p, p)
	want := p + ": sha256 78c91397e1ae79424fe6d8758747be24cac0b95881ec56a4c83a2f537d181099\n"
	if code != 0 || out != want+want {
		t.Errorf("sha256 of two files: %d %q", code, out)
	}
	code, out, _ = runWithInput(t, rAvsc, "fingerprint", "--algo", "all", "-o", "json", "-")
	var doc struct {
		File         string
		Canonical    string
		Fingerprints []struct {
			Algorithm, Hex string
			Long           *int64
		}
	}
	if err := json.Unmarshal([]byte(out), &doc); code != 0 || err != nil {
		t.Fatalf("json: %d %v %s", code, err, out)
	}
	if doc.File != "-" || doc.Canonical != rCanonical || len(doc.Fingerprints) != 3 ||
		doc.Fingerprints[0].Long == nil || *doc.Fingerprints[0].Long != -992578233810391607 ||
		doc.Fingerprints[1].Hex != "f1d3daa3aff37a3fdd31cbad6afcf001" || doc.Fingerprints[2].Long != nil {
		t.Errorf("json: %+v", doc)
	}
}

// Bad input: a located schema error and what to do, exit 2; -o json gets
// a JSON error document.
func TestCanonicalFingerprintErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.avsc")
	os.WriteFile(bad, []byte("{\"type\":\"record\",\"name\":\"R\",\n  \"fields\":[{\"name\":\"a\",\"type\":\"Missing\"}]}"), 0o644)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"canonical", bad}, bad + ":2:"},
		{[]string{"canonical", "--format", "xml", bad}, "unknown schema format"},
		{[]string{"canonical", filepath.Join(dir, "nope.avsc")}, "nope.avsc"},
		{[]string{"canonical"}, "accepts 1 arg"},
		{[]string{"fingerprint", bad}, bad + ":2:"},
		{[]string{"fingerprint", "--algo", "sha1", bad}, "unknown fingerprint algorithm \"sha1\""},
		{[]string{"fingerprint", "-o", "yaml", bad}, "want text or json"},
		{[]string{"fingerprint"}, "requires at least 1 arg"},
	} {
		code, _, errs := runAvroctl(t, c.args...)
		if code != 2 || !strings.Contains(errs, c.want) {
			t.Errorf("%v: exit %d %q, want 2 and %q", c.args, code, errs, c.want)
		}
	}
	code, out, _ := runAvroctl(t, "fingerprint", "-o", "json", bad)
	if code != 2 || !strings.Contains(out, `"line": 2`) {
		t.Errorf("-o json error: %d %s", code, out)
	}
	code, _, errs := runWithInput(t, "{\"type\":", "canonical", "-")
	if code != 2 || !strings.Contains(errs, "<stdin>:1:") {
		t.Errorf("stdin error: %d %s", code, errs)
	}
}

func TestCanonicalCompletionAndHelp(t *testing.T) {
	_, out, _ := runAvroctl(t, "__complete", "canonical", "--format", "json")
	if out != "json\njson/pretty\njson/inline\n:4\n" && !strings.Contains(out, "json/inline\n") {
		t.Errorf("--format completion: %q", out)
	}
	_, out, _ = runAvroctl(t, "__complete", "fingerprint", "--algo", "")
	if !strings.Contains(out, "crc64\nmd5\nsha256\nall\n") {
		t.Errorf("--algo completion: %q", out)
	}
	for _, c := range []string{"canonical", "fingerprint"} {
		code, out, _ := runAvroctl(t, c, "--help")
		if code != 0 || !strings.Contains(out, "Examples:") || !strings.Contains(out, "avroctl "+c) {
			t.Errorf("%s --help: %d %s", c, code, out)
		}
	}
}

// FuzzCanonicalCmd: any stdin gives exit 0 or 2, never a panic; on 0 the
// canonical form is itself a schema whose canonical form it is, and its
// fingerprint is the fingerprint of the input.
func FuzzCanonicalCmd(f *testing.F) {
	f.Add(rAvsc)
	f.Add(`["null",{"type":"enum","name":"E","symbols":["A"]}]`)
	f.Add(`{"type":"fixed","name":"f","size":16,"logicalType":"uuid"}`)
	f.Add(`{"type":"record","name":"L","fields":[{"name":"n","type":["null","L"]}]}`)
	f.Fuzz(func(t *testing.T, src string) {
		code, out, _ := runWithInput(t, src, "canonical", "-")
		if code == 2 {
			return
		}
		if code != 0 {
			t.Fatalf("exit %d", code)
		}
		code2, out2, errs := runWithInput(t, out, "canonical", "-")
		if code2 != 0 || out2 != out {
			t.Fatalf("canonical form not a fixed point: %d %s\n%q\n%q", code2, errs, out, out2)
		}
		_, fp1, _ := runWithInput(t, src, "fingerprint", "--algo", "all", "-")
		_, fp2, _ := runWithInput(t, out, "fingerprint", "--algo", "all", "-")
		if fp1 != fp2 {
			t.Fatalf("fingerprints differ:\n%s\n%s", fp1, fp2)
		}
	})
}

// rIDL declares R (as rAvsc) and an enum E, without "schema T;".
const rIDL = `@namespace("a.b") protocol P {
  enum E { ONE, TWO }
  record R { /** d */ int x; }
}
`

// TestCanonicalFingerprintSources: an .avdl file (its main schema, each
// of its types, or one picked by #NAME), a nested type of an .avsc file,
// and a subject's version in the registry, each give the forms of the
// schema they name.
func TestCanonicalFingerprintSources(t *testing.T) {
	dir := t.TempDir()
	avdl := filepath.Join(dir, "r.avdl")
	os.WriteFile(avdl, []byte(rIDL), 0o644)
	main := filepath.Join(dir, "main.avdl")
	os.WriteFile(main, []byte("namespace a.b;\nschema R;\nrecord R { /** d */ int x; }\n"), 0o644)
	nested := filepath.Join(dir, "outer.avsc")
	os.WriteFile(nested, []byte(`{"type":"record","name":"Outer","namespace":"z","fields":[{"name":"r","type":`+rAvsc+`}]}`), 0o644)
	url := startRegistry(t)
	cl, err := sr.NewClient(sr.URLs(url))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cl.CreateSchema(context.Background(), "r-value", sr.Schema{Schema: rAvsc, Type: sr.TypeAvro}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"canonical", main}, rCanonical + "\n"},
		{[]string{"canonical", avdl + "#R"}, rCanonical + "\n"},
		{[]string{"canonical", avdl + "#a.b.E"}, `{"name":"a.b.E","type":"enum","symbols":["ONE","TWO"]}` + "\n"},
		{[]string{"canonical", nested + "#R"}, rCanonical + "\n"},
		{[]string{"canonical", "--format", "json/inline", "registry:r-value@latest", "--url", url}, rAvsc + "\n"},
		{[]string{"canonical", "registry:r-value@1#a.b.R", "--url", url}, rCanonical + "\n"},
		{[]string{"fingerprint", "--algo", "md5", avdl},
			avdl + "#a.b.E: md5 " + md5Of(t, `{"name":"a.b.E","type":"enum","symbols":["ONE","TWO"]}`) + "\n" +
				avdl + "#a.b.R: md5 f1d3daa3aff37a3fdd31cbad6afcf001\n"},
		{[]string{"fingerprint", "--algo", "md5", "registry:r-value@1", "--url", url}, "registry:r-value@1: md5 f1d3daa3aff37a3fdd31cbad6afcf001\n"},
	} {
		code, out, errs := runAvroctl(t, c.args...)
		if code != 0 || out != c.want {
			t.Errorf("%v: exit %d %q %s, want %q", c.args, code, out, errs, c.want)
		}
	}
	code, out, _ := runAvroctl(t, "canonical", "-o", "json", avdl+"#E")
	var doc struct{ Source, Format, Schema string }
	if err := json.Unmarshal([]byte(out), &doc); code != 0 || err != nil || doc.Source != avdl+"#a.b.E" || doc.Format != "canonical" ||
		doc.Schema != `{"name":"a.b.E","type":"enum","symbols":["ONE","TWO"]}` {
		t.Errorf("-o json: %d %v %s", code, err, out)
	}
	// What cannot be told apart, or is not there, is an input error that
	// says what to write.
	badIDL := filepath.Join(dir, "bad.avdl")
	os.WriteFile(badIDL, []byte("protocol P {\n  record R { Missing x; }\n}\n"), 0o644)
	twoR := filepath.Join(dir, "two.avsc")
	os.WriteFile(twoR, []byte(`{"type":"record","name":"R","namespace":"x","fields":[{"name":"r","type":`+rAvsc+`}]}`), 0o644)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"canonical", avdl}, "defines 2 types and no \"schema T;\": name one, for example " + avdl + "#a.b.E"},
		{[]string{"canonical", avdl + "#Nope"}, "no type Nope in it; it defines a.b.E, a.b.R"},
		{[]string{"canonical", twoR + "#R"}, "more than one type is named R: write one of a.b.R, x.R"},
		{[]string{"canonical", avdl + "#"}, "write a type name after '#'"},
		{[]string{"canonical", badIDL}, badIDL + ":2:"},
		{[]string{"fingerprint", "registry:r-value", "--url", url}, "write registry:SUBJECT@VERSION"},
		{[]string{"fingerprint", "registry:nope@1", "--url", url}, "subject \"nope\""},
	} {
		code, _, errs := runAvroctl(t, c.args...)
		if code != 2 || !strings.Contains(errs, c.want) {
			t.Errorf("%v: exit %d %q, want 2 and %q", c.args, code, errs, c.want)
		}
	}
}

func md5Of(t *testing.T, canonical string) string {
	t.Helper()
	sum := md5.Sum([]byte(canonical))
	return hex.EncodeToString(sum[:])
}
