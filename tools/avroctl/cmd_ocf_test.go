package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gitlab.com/acme/avroctl/gen/ocf"
)

// fromjson writes a container file that tojson reads back line for line,
// with every codec and both JSON shapes; count, getmeta and getschema
// read its header and blocks.
func TestOCFRoundTrip(t *testing.T) {
	dir := t.TempDir()
	avsc := filepath.Join(dir, "order.avsc")
	os.WriteFile(avsc, []byte(dltOrderV1), 0o644)
	in := filepath.Join(dir, "in.jsonl")
	os.WriteFile(in, []byte(orderLinesAvroJSON), 0o644)
	for _, codec := range ocf.Codecs {
		out := filepath.Join(dir, codec+".avro")
		// a sync interval of 1 byte writes one block per record
		if code, _, errs := runAvroctl(t, "ocf", "fromjson", "--schema", avsc, "--codec", codec, "--sync-interval", "1", in, out); code != 0 {
			t.Fatalf("fromjson: exit %d: %s", code, errs)
		}
		if code, got, errs := runAvroctl(t, "ocf", "tojson", out); code != 0 || got != orderLinesAvroJSON {
			t.Errorf("%s tojson: exit %d %s\n got %s\nwant %s", codec, code, errs, got, orderLinesAvroJSON)
		}
		if code, got, _ := runAvroctl(t, "ocf", "tojson", "--format", "json", out); code != 0 || got != orderLinesJSON {
			t.Errorf("%s tojson --format json: %d %s", codec, code, got)
		}
		if code, got, _ := runAvroctl(t, "ocf", "count", out); code != 0 || got != "2\n" {
			t.Errorf("count: %d %q", code, got)
		}
		if code, got, _ := runAvroctl(t, "ocf", "count", "-o", "json", out); code != 0 || got != `{"blocks":2,"count":2}`+"\n" {
			t.Errorf("count -o json: %d %q", code, got)
		}
		if code, got, _ := runAvroctl(t, "ocf", "getmeta", "--key", "avro.codec", out); code != 0 || got != codec+"\n" {
			t.Errorf("getmeta --key: %d %q", code, got)
		}
		code, got, _ := runAvroctl(t, "ocf", "getmeta", out)
		if lines := strings.Split(got, "\n"); code != 0 || !strings.HasPrefix(lines[0], "avro.schema\t{") || lines[1] != "avro.codec\t"+codec {
			t.Errorf("getmeta: %d %q", code, got)
		}
		code, got, _ = runAvroctl(t, "ocf", "getschema", out)
		var v map[string]any
		if code != 0 || json.Unmarshal([]byte(got), &v) != nil || v["name"] != "Order" {
			t.Errorf("getschema: %d %q", code, got)
		}
	}
	// stdin to stdout, plain JSON in
	code, bin, errs := runWithInput(t, orderLinesJSON, "ocf", "fromjson", "--schema", avsc, "--format", "json", "-", "-")
	if code != 0 || !strings.HasPrefix(bin, "Obj\x01") {
		t.Fatalf("fromjson - -: %d %s", code, errs)
	}
	if code, got, _ := runWithInput(t, bin, "ocf", "tojson", "-"); code != 0 || got != orderLinesAvroJSON {
		t.Errorf("tojson -: %d %q", code, got)
	}
}

// A bad line is reported with its line and path, and the output file is
// not written at all.
func TestOCFFromJSONBadLine(t *testing.T) {
	dir := t.TempDir()
	avsc := filepath.Join(dir, "order.avsc")
	os.WriteFile(avsc, []byte(dltOrderV1), 0o644)
	out := filepath.Join(dir, "out.avro")
	code, _, errs := runWithInput(t, orderLinesAvroJSON+`{"id":1,"qty":1,"note":null}`+"\n", "ocf", "fromjson", "--schema", avsc, "-", out)
	if code != 1 || !strings.Contains(errs, "<stdin>:3: INVALID_VALUE: at $.id") {
		t.Errorf("exit %d: %s", code, errs)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Errorf("files left: %v", ents)
	}
	if code, _, errs := runAvroctl(t, "ocf", "fromjson", "--schema", avsc, "--codec", "lz4", "-", out); code != 2 || !strings.Contains(errs, `--codec "lz4": want null|deflate|snappy|zstandard|bzip2|xz`) {
		t.Errorf("lz4: exit %d: %s", code, errs)
	}
	if code, _, errs := runAvroctl(t, "ocf", "fromjson", "--schema", avsc, "--codec", "zstandard", "--level", "23", "-", out); code != 2 || !strings.Contains(errs, `--level 23: zstandard levels are 1 to 22`) {
		t.Errorf("level 23: exit %d: %s", code, errs)
	}
	if code, _, errs := runAvroctl(t, "ocf", "fromjson", "--schema", avsc, "--codec", "snappy", "--level", "1", "-", out); code != 2 || !strings.Contains(errs, `codec snappy has no levels`) {
		t.Errorf("snappy level: exit %d: %s", code, errs)
	}
}

// Corrupt files: not a container file and an unsupported codec are input
// errors (exit 2); a truncated block or a wrong sync marker is a finding
// (exit 1) after the records before it, located by byte offset.
func TestOCFCorrupt(t *testing.T) {
	dir := t.TempDir()
	var buf bytes.Buffer
	w, _ := ocf.NewWriter(&buf, dltOrderV1, ocf.WriterOptions{SyncInterval: 1, Codec: "deflate"})
	w.Append([]byte{6, 'o', '-', '1', 4, 0})
	w.Append([]byte{6, 'o', '-', '2', 4, 0})
	w.Close()
	good := buf.Bytes()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, b, 0o644)
		return p
	}
	sync := w.Sync()
	bad := append([]byte(nil), good...)
	last := bytes.LastIndex(bad, sync[:])
	bad[last] ^= 1
	for _, c := range []struct {
		name string
		data []byte
		code int
		out  string
		err  string
	}{
		{"notavro", []byte("PAR1...."), 2, "", `byte 0: the file starts with "PAR1", want the magic "Obj\x01"`},
		{"truncated", good[:len(good)-3], 1, `{"id":"o-1","qty":2,"note":null}` + "\n", "CORRUPT_FILE: byte "},
		{"badsync", bad, 1, `{"id":"o-1","qty":2,"note":null}` + "\n", "CORRUPT_FILE: byte " + itoa(last) + ": the sync marker after block 1"},
	} {
		code, out, errs := runAvroctl(t, "ocf", "tojson", write(c.name, c.data))
		if code != c.code || out != c.out || !strings.Contains(errs, c.err) {
			t.Errorf("%s: exit %d out %q err %s", c.name, code, out, errs)
		}
	}
	// -o json: the error is a JSON line too
	code, out, _ := runAvroctl(t, "ocf", "tojson", "-o", "json", filepath.Join(dir, "badsync"))
	if lines := strings.Split(strings.TrimSpace(out), "\n"); code != 1 || len(lines) != 2 || !strings.Contains(lines[1], `"type":"CORRUPT_FILE"`) {
		t.Errorf("-o json: %d %s", code, out)
	}
}

func itoa(i int) string { b, _ := json.Marshal(i); return string(b) }

// cat copies a window and a sample of the records, datums unchanged.
func TestOCFCat(t *testing.T) {
	dir := t.TempDir()
	avsc := filepath.Join(dir, "order.avsc")
	os.WriteFile(avsc, []byte(dltOrderV1), 0o644)
	var lines []string
	for i := range 100 {
		lines = append(lines, `{"id":"o-`+itoa(i)+`","qty":`+itoa(i)+`,"note":null}`)
	}
	in := filepath.Join(dir, "in.avro")
	if code, _, errs := runWithInput(t, strings.Join(lines, "\n"), "ocf", "fromjson", "--schema", avsc, "--sync-interval", "50", "-", in); code != 0 {
		t.Fatal(errs)
	}
	out := filepath.Join(dir, "out.avro")
	for _, c := range []struct {
		args []string
		want []string
	}{
		{[]string{"--offset", "10", "--limit", "5"}, lines[10:15]},
		{[]string{"--offset", "95"}, lines[95:]},
		{[]string{"--samplerate", "0.1", "--codec", "deflate"}, []string{lines[9], lines[19], lines[29], lines[39], lines[49], lines[59], lines[69], lines[79], lines[89], lines[99]}},
	} {
		if code, _, errs := runAvroctl(t, append(append([]string{"ocf", "cat"}, c.args...), in, out)...); code != 0 {
			t.Fatalf("%v: %s", c.args, errs)
		}
		code, got, errs := runAvroctl(t, "ocf", "tojson", out)
		if want := strings.Join(c.want, "\n") + "\n"; code != 0 || got != want {
			t.Errorf("%v: exit %d %s\n got %s\nwant %s", c.args, code, errs, got, want)
		}
	}
	if code, _, errs := runAvroctl(t, "ocf", "cat", "--samplerate", "0", in, out); code != 2 || !strings.Contains(errs, "--samplerate 0: want a fraction") {
		t.Errorf("samplerate 0: %d %s", code, errs)
	}
}

// recodec and concat copy blocks: the records read back unchanged, the
// codec is the one asked for, and concat refuses a second schema.
func TestOCFRecodecConcat(t *testing.T) {
	dir := t.TempDir()
	avsc := filepath.Join(dir, "order.avsc")
	os.WriteFile(avsc, []byte(dltOrderV1), 0o644)
	a, b := filepath.Join(dir, "a.avro"), filepath.Join(dir, "b.avro")
	runWithInput(t, orderLinesAvroJSON, "ocf", "fromjson", "--schema", avsc, "-", a)
	runWithInput(t, orderLinesJSON, "ocf", "fromjson", "--format", "json", "--schema", avsc, "--codec", "deflate", "-", b)

	d := filepath.Join(dir, "d.avro")
	if code, _, errs := runAvroctl(t, "ocf", "recodec", "--codec", "deflate", a, d); code != 0 {
		t.Fatal(errs)
	}
	if _, codec, _ := runAvroctl(t, "ocf", "getmeta", "--key", "avro.codec", d); codec != "deflate\n" {
		t.Errorf("recodec: codec %q", codec)
	}
	if code, got, _ := runAvroctl(t, "ocf", "tojson", d); code != 0 || got != orderLinesAvroJSON {
		t.Errorf("recodec: %d %q", code, got)
	}

	all := filepath.Join(dir, "all.avro")
	if code, _, errs := runAvroctl(t, "ocf", "concat", a, b, d, all); code != 0 {
		t.Fatal(errs)
	}
	if code, got, _ := runAvroctl(t, "ocf", "tojson", all); code != 0 || got != strings.Repeat(orderLinesAvroJSON, 3) {
		t.Errorf("concat: %d %q", code, got)
	}
	if _, codec, _ := runAvroctl(t, "ocf", "getmeta", "--key", "avro.codec", all); codec != "null\n" {
		t.Errorf("concat: codec %q, want the first input's", codec)
	}

	other := filepath.Join(dir, "other.avsc")
	os.WriteFile(other, []byte(`{"type":"record","name":"X","fields":[{"name":"n","type":"long"}]}`), 0o644)
	x := filepath.Join(dir, "x.avro")
	runWithInput(t, `{"n":1}`, "ocf", "fromjson", "--schema", other, "-", x)
	if code, _, errs := runAvroctl(t, "ocf", "concat", a, x, filepath.Join(dir, "bad.avro")); code != 2 || !strings.Contains(errs, "its schema differs from") {
		t.Errorf("concat of two schemas: %d %s", code, errs)
	}
	if _, err := os.Stat(filepath.Join(dir, "bad.avro")); !os.IsNotExist(err) {
		t.Errorf("concat wrote its output: %v", err)
	}
	if tmp, _ := filepath.Glob(filepath.Join(dir, ".*tmp*")); len(tmp) != 0 {
		t.Errorf("temp files left: %v", tmp)
	}
}

// --reader resolves the file's records into a newer schema (the added
// field takes its default), as a consumer generated from it reads them.
func TestOCFToJSONReader(t *testing.T) {
	dir := t.TempDir()
	v1, v2 := filepath.Join(dir, "v1.avsc"), filepath.Join(dir, "v2.avsc")
	os.WriteFile(v1, []byte(dltOrderV1), 0o644)
	os.WriteFile(v2, []byte(dltOrderV2), 0o644)
	f := filepath.Join(dir, "v1.avro")
	if code, _, errs := runWithInput(t, orderLinesAvroJSON, "ocf", "fromjson", "--schema", v1, "-", f); code != 0 {
		t.Fatal(errs)
	}
	want := `{"id":"o-1","qty":2,"note":null,"currency":"EUR"}` + "\n" + `{"id":"o-2","qty":-7,"note":"gift \"wrap\"","currency":"EUR"}` + "\n"
	if code, got, errs := runAvroctl(t, "ocf", "tojson", "--reader", v2, "--format", "json", f); code != 0 || got != want {
		t.Errorf("exit %d %s\n got %s\nwant %s", code, errs, got, want)
	}
}

// --codec completes every codec of the specification; --level completes the
// levels of the --codec given, with Java's default marked.
func TestOCFCodecCompletion(t *testing.T) {
	for _, c := range []string{"fromjson", "cat", "recodec", "concat"} {
		_, out, _ := runAvroctl(t, "__complete", "ocf", c, "--codec", "")
		for _, codec := range ocf.Codecs {
			if !strings.Contains(out, codec+"\n") {
				t.Errorf("%s --codec: %q lacks %s", c, out, codec)
			}
		}
	}
	_, out, _ := runAvroctl(t, "__complete", "ocf", "recodec", "--codec", "xz", "--level", "")
	if !strings.HasPrefix(out, "0\txz\n") || !strings.Contains(out, "6\txz (default)\n") || strings.Contains(out, "zstandard") {
		t.Errorf("--codec xz --level: %q", out)
	}
}

// A block that decompresses past --max-block-mib (a zstandard bomb: 2 MiB
// of zeros in a few hundred bytes) is a finding naming its offset and the
// flag; with a larger limit the file reads.
func TestOCFMaxBlockSize(t *testing.T) {
	dir := t.TempDir()
	f := filepath.Join(dir, "big.avro")
	w, err := ocf.Create(f, `"bytes"`, ocf.WriterOptions{Codec: ocf.CodecZstandard})
	if err != nil {
		t.Fatal(err)
	}
	w.Append(append([]byte{0x80, 0x80, 0x80, 0x02}, make([]byte, 2<<20)...)) // bytes of length 2 MiB
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Stat(f); st.Size() > 4096 {
		t.Fatalf("%d bytes", st.Size())
	}
	code, _, errs := runAvroctl(t, "ocf", "count", "--max-block-mib", "1", f)
	if code != 1 || !strings.Contains(errs, "decompresses to over 1048576 bytes") || !strings.Contains(errs, "--max-block-mib") {
		t.Errorf("exit %d: %s", code, errs)
	}
	if code, got, errs := runAvroctl(t, "ocf", "count", "--max-block-mib", "3", f); code != 0 || got != "1\n" {
		t.Errorf("exit %d %q: %s", code, got, errs)
	}
}
