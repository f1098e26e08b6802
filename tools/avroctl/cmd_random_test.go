package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gitlab.com/acme/avroctl/gen/datum"
	"gitlab.com/acme/avroctl/gen/ocf"
	"gitlab.com/acme/avroctl/gen/schema"
)

// Values of a project schema by name: Avro JSON lines that avroctl encode
// reads back, the same for the same seed, different for another seed.
func TestRandomSchemaName(t *testing.T) {
	t.Chdir("../..")
	const name = "com.acme.events.orders.OrderCreated"
	code, out, errs := runAvroctl(t, "random", "--schema-name", name, "--count", "5", "--seed", "3")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != 5 {
		t.Fatalf("%d lines:\n%s", len(lines), out)
	}
	sch, err := schema.Parse(mustRead(t, "schemas/"+name+".avsc"), schema.ParseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range lines {
		if _, err := datum.Encode(sch, []byte(l), datum.AvroJSON); err != nil {
			t.Fatalf("line does not encode: %v\n%s", err, l)
		}
	}
	_, again, _ := runAvroctl(t, "random", "--schema-name", name, "--count", "5", "--seed", "3")
	_, other, _ := runAvroctl(t, "random", "--schema-name", name, "--count", "5", "--seed", "4")
	if again != out || other == out {
		t.Fatal("the seed does not decide the values")
	}
	// The first value of a longer run is the same value.
	_, one, _ := runAvroctl(t, "random", "--schema-name", name, "--seed", "3")
	if one != lines[0]+"\n" {
		t.Fatalf("count 1 gave %q, want the first of 5", one)
	}
}

func mustRead(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// -o json and -o binary show the same values as -o avro-json; --schema
// takes a file or the JSON text; --schema-file a file.
func TestRandomOutputs(t *testing.T) {
	dir := t.TempDir()
	src := `{"type":"record","name":"R","fields":[{"name":"u","type":["null","long"]},{"name":"d","type":{"type":"long","logicalType":"timestamp-micros"}}]}`
	avsc := filepath.Join(dir, "r.avsc")
	os.WriteFile(avsc, []byte(src), 0o644)
	sch, _ := schema.Parse([]byte(src), schema.ParseOptions{})
	_, aj, _ := runAvroctl(t, "random", "--schema", avsc, "--count", "20")
	_, inline, _ := runAvroctl(t, "random", "--schema", src, "--count", "20")
	_, file, _ := runAvroctl(t, "random", "--schema-file", avsc, "--count", "20")
	if aj != inline || aj != file || aj == "" {
		t.Fatalf("the three ways to give the schema differ:\n%s\n%s\n%s", aj, inline, file)
	}
	_, pj, _ := runAvroctl(t, "random", "--schema", avsc, "--count", "20", "-o", "json")
	code, bin, _ := runAvroctl(t, "random", "--schema", avsc, "--count", "20", "-o", "binary")
	if code != 0 {
		t.Fatal(code)
	}
	var wantAJ, wantJ strings.Builder
	data := []byte(bin)
	codec, _ := datum.NewCodec(src, "")
	for range 20 {
		js, n, err := codec.DecodeNext(data, datum.AvroJSON)
		if err != nil {
			t.Fatal(err)
		}
		plain, _ := datum.Decode(sch, data[:n], datum.JSON)
		wantAJ.Write(append(js, '\n'))
		wantJ.Write(append(plain, '\n'))
		data = data[n:]
	}
	if len(data) != 0 || wantAJ.String() != aj || wantJ.String() != pj {
		t.Fatalf("binary and JSON outputs disagree:\n%s\n%s\n%s", wantAJ.String(), aj, pj)
	}
}

// --ocf (and the avro-tools style positional file) writes a container file
// with the compact schema and every value.
func TestRandomOCF(t *testing.T) {
	dir := t.TempDir()
	avsc := filepath.Join(dir, "r.avsc")
	src := `{"type":"record","name":"R","namespace":"n","fields":[{"name":"s","type":"string"},{"name":"m","type":{"type":"map","values":"int"}}]}`
	os.WriteFile(avsc, []byte(src), 0o644)
	for _, args := range [][]string{
		{"--ocf", filepath.Join(dir, "a.avro"), "--codec", "deflate"},
		{filepath.Join(dir, "b.avro"), "--codec", "null"},
	} {
		path := args[0]
		if path == "--ocf" {
			path = args[1]
		}
		code, _, errs := runAvroctl(t, append([]string{"random", "--schema-file", avsc, "--count", "300", "--seed", "9"}, args...)...)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errs)
		}
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		rd, err := ocf.NewReader(f, ocf.Limits{})
		if err != nil {
			t.Fatal(err)
		}
		sch, _ := schema.Parse([]byte(src), schema.ParseOptions{})
		if rd.Schema() != string(schema.Marshal(sch)) {
			t.Fatalf("schema %s", rd.Schema())
		}
		codec, _ := datum.NewCodec(rd.Schema(), "")
		n := 0
		for {
			b, err := rd.NextBlock()
			if err != nil {
				break
			}
			data := b.Data
			for i := int64(0); i < b.Count; i++ {
				_, used, err := codec.DecodeNext(data, datum.AvroJSON)
				if err != nil {
					t.Fatal(err)
				}
				data = data[used:]
				n++
			}
		}
		f.Close()
		if n != 300 {
			t.Fatalf("%s: %d values", path, n)
		}
	}
}

// Bad input: located schema errors, conflicting flags, a recursive schema
// without a finite value: exit 2 with what to do.
func TestRandomErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.avsc")
	os.WriteFile(bad, []byte("{\"type\":\"record\",\"name\":\"R\",\n \"fields\":[{\"name\":\"a\",\"type\":\"nope\"}]}"), 0o644)
	loop := filepath.Join(dir, "loop.avsc")
	os.WriteFile(loop, []byte(`{"type":"record","name":"Loop","fields":[{"name":"self","type":"Loop"}]}`), 0o644)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--schema", bad}, bad + ":2:"},
		{[]string{"--schema", loop}, "(make it optional, an array or a map)"},
		{[]string{}, "give the schema once"},
		{[]string{"--schema", loop, "--schema-file", loop}, "give the schema once"},
		{[]string{"--schema", filepath.Join(dir, "missing.avsc")}, "missing.avsc"},
		{[]string{"--schema", `"int"`, "-o", "xml"}, "-o xml: want avro-json, json, binary"},
		{[]string{"--schema", `"int"`, "--count", "-1"}, "give 0 or more"},
		{[]string{"--schema", `"int"`, "--ocf", filepath.Join(dir, "x.avro"), "--codec", "zstd"}, "zstd"},
		{[]string{"--schema", `"int"`, "--level", "12"}, "deflate levels are 1 to 9"},
		{[]string{"--schema", `"int"`, "--max-items", "0"}, "give 1 or more"},
		{[]string{"--schema", `{"type":"enum"`}, "--schema:1:"},
		{[]string{"--schema", `"int"`, "a.avro", "b.avro"}, "accepts at most 1 arg"},
	} {
		code, _, errs := runAvroctl(t, append([]string{"random"}, c.args...)...)
		if code != 2 || !strings.Contains(errs, c.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", c.args, code, errs, c.want)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "x.avro")); err == nil {
		t.Error("a failed run left a container file")
	}
	t.Chdir("../..")
	code, _, errs := runAvroctl(t, "random", "--schema-name", "OrderCreated")
	if code != 2 || !strings.Contains(errs, "com.acme.events.orders.OrderCreated") {
		t.Errorf("a simple name: exit %d %s", code, errs)
	}
}

func TestRandomHelpAndCompletion(t *testing.T) {
	code, out, _ := runAvroctl(t, "random", "--help")
	if code != 0 || !strings.Contains(out, "avroctl random --schema-name com.acme.events.orders.OrderCreated --count 3") {
		t.Errorf("help: %d %s", code, out)
	}
	_, out, _ = runAvroctl(t, "__complete", "random", "-o", "")
	if !strings.Contains(out, "avro-json\njson\nbinary\n") {
		t.Errorf("-o completion: %q", out)
	}
	_, out, _ = runAvroctl(t, "__complete", "random", "--codec", "")
	if !strings.Contains(out, "null\ndeflate\n") {
		t.Errorf("--codec completion: %q", out)
	}
	t.Chdir("../..")
	_, out, _ = runAvroctl(t, "__complete", "random", "--schema-name", "com.acme.events.orders.Order")
	if !strings.Contains(out, "com.acme.events.orders.OrderCreated\n") || strings.Contains(out, "loyalty") {
		t.Errorf("--schema-name completion: %q", out)
	}
}
