package main

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/sr"

	"gitlab.com/acme/avroctl/gen/golang/runtime/avro"
)

func runWithInput(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Main(args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

// The values of dltOrderV1 used below, in Avro JSON and in plain JSON.
const (
	orderLinesAvroJSON = `{"id":"o-1","qty":2,"note":null}
{"id":"o-2","qty":-7,"note":{"string":"gift \"wrap\""}}
`
	orderLinesJSON = `{"id":"o-1","qty":2,"note":null}
{"id":"o-2","qty":-7,"note":"gift \"wrap\""}
`
)

// encode writes frames with the registry's id, decode fetches the schema
// by that id and prints the same lines back, in both formats.
func TestEncodeDecodeRoundTrip(t *testing.T) {
	url := startRegistry(t)
	id := registerOrder(t, url)
	for _, c := range []struct{ format, lines, enc string }{
		{"avro-json", orderLinesAvroJSON, "--hex"},
		{"json", orderLinesJSON, "--base64"},
	} {
		code, frames, errs := runWithInput(t, c.lines, "encode", "--url", url, "--subject", "orders-value", "--frame", c.enc, "--format", c.format)
		if code != 0 {
			t.Fatalf("encode: exit %d: %s", code, errs)
		}
		if c.enc == "--hex" {
			want := hex.EncodeToString(orderFrame(id, "o-1", 2, nil))
			if first := strings.SplitN(frames, "\n", 2)[0]; first != want {
				t.Errorf("frame: got %s, want %s", first, want)
			}
		}
		code, lines, errs := runWithInput(t, frames, "decode", "--url", url, c.enc, "--format", c.format)
		if code != 0 || lines != c.lines {
			t.Errorf("%s: exit %d, %s\n got %s\nwant %s", c.format, code, errs, lines, c.lines)
		}
	}
}

// Binary input: a file is one frame; with --raw --writer a stream of
// datums read to its end, each located by its offset.
func TestDecodeBinaryAndRaw(t *testing.T) {
	url := startRegistry(t)
	id := registerOrder(t, url)
	dir := t.TempDir()
	frame := filepath.Join(dir, "frame.bin")
	os.WriteFile(frame, orderFrame(id, "o-1", 2, nil), 0o644)
	code, out, errs := runAvroctl(t, "decode", "--url", url, frame, "-o", "json")
	want := `{"schema_id":` + strconv.Itoa(id) + `,"source":"` + frame + `","value":{"id":"o-1","qty":2,"note":null}}` + "\n"
	if code != 0 || out != want {
		t.Errorf("exit %d %s\n got %s\nwant %s", code, errs, out, want)
	}

	avsc := filepath.Join(dir, "order.avsc")
	os.WriteFile(avsc, []byte(dltOrderV1), 0o644)
	note := "n"
	stream := append(orderFrame(id, "a", 1, nil)[5:], orderFrame(id, "b", 2, &note)[5:]...)
	raw := filepath.Join(dir, "datums.bin")
	os.WriteFile(raw, stream, 0o644)
	code, out, errs = runAvroctl(t, "decode", "--raw", "--writer", avsc, "--format", "json", raw)
	if want := `{"id":"a","qty":1,"note":null}` + "\n" + `{"id":"b","qty":2,"note":"n"}` + "\n"; code != 0 || out != want {
		t.Errorf("raw: exit %d %s\n%s", code, errs, out)
	}
	// A cut stream: the datums before the cut, then the error at its offset.
	os.WriteFile(raw, stream[:len(stream)-1], 0o644)
	code, out, errs = runAvroctl(t, "decode", "--raw", "--writer", avsc, raw)
	if code != 1 || strings.Count(out, "\n") != 1 || !strings.Contains(errs, raw+"@4: UNDECODABLE: byte 8: at .note<string>: length 1 exceeds the 0 remaining bytes") {
		t.Errorf("cut raw: exit %d\n%s\n%s", code, out, errs)
	}
	// --raw needs --writer.
	if code, _, errs := runAvroctl(t, "decode", "--raw", raw); code != 2 || !strings.Contains(errs, "--raw needs --writer") {
		t.Errorf("raw without writer: exit %d %s", code, errs)
	}
}

// --reader SUBJECT@VERSION resolves the data as a consumer of that schema
// reads it; --header-id names the schema of a bare body.
func TestDecodeReaderAndHeaderID(t *testing.T) {
	url := startRegistry(t)
	id := registerOrder(t, url)
	cl, _ := sr.NewClient(sr.URLs(url))
	if _, err := cl.CreateSchema(context.Background(), "orders2-value", sr.Schema{Schema: dltOrderV2}); err != nil {
		t.Fatal(err)
	}
	in := hex.EncodeToString(orderFrame(id, "o-1", 2, nil)) + "\n"
	code, out, errs := runWithInput(t, in, "decode", "--url", url, "--hex", "--reader", "orders2-value@latest")
	if want := `{"id":"o-1","qty":2,"note":null,"currency":"EUR"}` + "\n"; code != 0 || out != want {
		t.Errorf("reader: exit %d %s\n got %s\nwant %s", code, errs, out, want)
	}
	body := hex.EncodeToString(orderFrame(id, "o-1", 2, nil)[5:])
	code, out, errs = runWithInput(t, body, "decode", "--url", url, "--hex", "--header-id", hex.EncodeToString(orderFrame(id, "", 0, nil)[:5]))
	if want := `{"id":"o-1","qty":2,"note":null}` + "\n"; code != 0 || out != want {
		t.Errorf("header id: exit %d %s\n got %s\nwant %s", code, errs, out, want)
	}
	if code, _, errs := runWithInput(t, body, "decode", "--url", url, "--hex", "--header-id", "0000"); code != 2 || !strings.Contains(errs, "byte 2: the --header-id is truncated") {
		t.Errorf("bad header id: exit %d %s", code, errs)
	}
	if code, _, errs := runWithInput(t, body, "decode", "--url", url, "--hex", "--reader", "orders2-value@x"); code != 2 || !strings.Contains(errs, `the version is a number from 1 or "latest"`) {
		t.Errorf("bad reader version: exit %d %s", code, errs)
	}
}

// Every bad frame is a finding (exit 1) naming the input line, what is
// wrong and the byte offset; decoding goes on with the next line.
func TestDecodeErrors(t *testing.T) {
	url := startRegistry(t)
	id := registerOrder(t, url)
	good := orderFrame(id, "o-1", 2, nil)
	badUnion := append(append([]byte{}, good[:len(good)-1]...), 6) // union index 3 of 2 branches
	longString := append(append([]byte{}, good[:5]...), avro.AppendLong(nil, 1<<40)...)
	for _, c := range []struct {
		name  string
		frame []byte
		want  string
	}{
		{"unknown id", orderFrame(9999, "x", 1, nil), "UNKNOWN_SCHEMA_ID: schema id 9999 is not in the registry at " + url},
		{"truncated prefix", []byte{0, 0, 1}, "TRUNCATED_FRAME: byte 3: the frame is truncated: 3 bytes, want at least 5"},
		{"truncated GUID", []byte{1, 2, 3}, "TRUNCATED_FRAME: byte 3: the frame is truncated: 3 bytes, want at least 17"},
		{"truncated body", good[:len(good)-1], "UNDECODABLE: schema id " + strconv.Itoa(id) + ": byte " + strconv.Itoa(len(good)-1) + ": at .note:"},
		{"bad union index", badUnion, "UNDECODABLE: schema id " + strconv.Itoa(id) + ": byte " + strconv.Itoa(len(good)-1) + ": at .note: union branch index 3 out of range [0,2)"},
		{"length over limit", longString, "UNDECODABLE: schema id " + strconv.Itoa(id) + ": byte 5: at .id:"},
		{"not a frame", []byte{7, 1, 2}, "NOT_FRAMED: byte 0: the frame starts with 0x07"},
		{"trailing", append(append([]byte{}, good...), 0), "UNDECODABLE: schema id " + strconv.Itoa(id) + ": byte " + strconv.Itoa(len(good)) + ": 1 trailing bytes after the value"},
	} {
		in := hex.EncodeToString(c.frame) + "\n" + hex.EncodeToString(good) + "\n"
		code, out, errs := runWithInput(t, in, "decode", "--url", url, "--hex")
		if code != 1 || !strings.Contains(errs, "<stdin>:1: "+c.want) || out != `{"id":"o-1","qty":2,"note":null}`+"\n" {
			t.Errorf("%s: exit %d\nstdout %s\nstderr %s\nwant %s", c.name, code, out, errs, c.want)
		}
	}
	// -o json: the error is a line of its own; --error-format: only the findings.
	in := hex.EncodeToString(orderFrame(9999, "x", 1, nil)) + "\n"
	code, out, _ := runWithInput(t, in, "decode", "--url", url, "--hex", "-o", "json")
	var line struct {
		Source string
		Error  struct{ Type, Message string }
	}
	if err := json.Unmarshal([]byte(out), &line); code != 1 || err != nil || line.Source != "<stdin>:1" || line.Error.Type != "UNKNOWN_SCHEMA_ID" {
		t.Errorf("-o json: exit %d %v %s", code, err, out)
	}
	code, out, _ = runWithInput(t, in, "decode", "--url", url, "--hex", "--error-format", "json")
	if code != 1 || !strings.Contains(out, "UNKNOWN_SCHEMA_ID") || !json.Valid([]byte(out)) {
		t.Errorf("--error-format json: exit %d %s", code, out)
	}
	// A registry that is down stops the command (exit 2), naming it.
	if code, _, errs := runWithInput(t, in, "decode", "--url", "http://127.0.0.1:1", "--hex", "--timeout", "1s"); code != 2 || !strings.Contains(errs, "fetching schema id 9999 from the registry at http://127.0.0.1:1") {
		t.Errorf("registry down: exit %d %s", code, errs)
	}
	// Not hex: a finding for that line.
	if code, _, errs := runWithInput(t, "zz\n", "decode", "--url", url, "--hex"); code != 1 || !strings.Contains(errs, "<stdin>:1: BAD_INPUT: the line is not hex") {
		t.Errorf("not hex: exit %d %s", code, errs)
	}
}

// encode: bad lines are findings with the JSON path and what to do; good
// ones are written; --frame with --schema needs the schema registered.
func TestEncodeErrorsAndRegister(t *testing.T) {
	url := startRegistry(t)
	dir := t.TempDir()
	avsc := filepath.Join(dir, "order.avsc")
	os.WriteFile(avsc, []byte(dltOrderV1), 0o644)
	in := `{"id":"o-1","qty":2,"note":"x"}` + "\n" + `{"id":"o-1","qty":2,"note":null}` + "\n" + `{"id":"o-1","qty":2.5,"note":null}` + "\n{\n"
	code, out, errs := runWithInput(t, in, "encode", "--schema", avsc, "--hex")
	for _, w := range []string{
		`<stdin>:1: INVALID_VALUE: at $.note: want a union value as an object with one key, got a string`,
		`fix: in avro-json a union value is {"branch": value}, with a branch of null, string; or use --format json`,
		`<stdin>:3: INVALID_VALUE: at $.qty: want an integer (int), got the number 2.5`,
		`<stdin>:4: INVALID_VALUE: JSON byte 1: invalid JSON: unexpected end of the JSON`,
	} {
		if !strings.Contains(errs, w) {
			t.Errorf("missing %q in\n%s", w, errs)
		}
	}
	if code != 1 || out != hex.EncodeToString(orderFrame(0, "o-1", 2, nil)[5:])+"\n" {
		t.Errorf("exit %d, out %q", code, out)
	}
	line := `{"id":"o-1","qty":2,"note":null}`
	if code, _, errs := runWithInput(t, line, "encode", "--url", url, "--schema", avsc, "--subject", "orders-value", "--frame"); code != 2 || !strings.Contains(errs, `not registered under subject "orders-value" at `+url+": give --register") {
		t.Errorf("unregistered: exit %d %s", code, errs)
	}
	code, out, errs = runWithInput(t, line, "encode", "--url", url, "--schema", avsc, "--subject", "orders-value", "--frame", "--register", "-o", "json")
	var got struct {
		SchemaID int `json:"schema_id"`
		Base64   string
	}
	if err := json.Unmarshal([]byte(out), &got); code != 0 || err != nil || got.SchemaID < 1 {
		t.Fatalf("register: exit %d %v %s %s", code, err, out, errs)
	}
	code, out, _ = runWithInput(t, line, "encode", "--url", url, "--subject", "orders-value", "--frame", "--hex")
	if code != 0 || out != hex.EncodeToString(orderFrame(got.SchemaID, "o-1", 2, nil))+"\n" {
		t.Errorf("by subject: exit %d %s", code, out)
	}
	code, out, _ = runWithInput(t, line, "encode", "--url", url, "--schema", "orders-value@1", "--frame", "--hex")
	if code != 0 || out != hex.EncodeToString(orderFrame(got.SchemaID, "o-1", 2, nil))+"\n" {
		t.Errorf("by SUBJECT@VERSION: exit %d %s", code, out)
	}
	// Raw binary output is the datums one after another.
	code, out, _ = runWithInput(t, line+"\n"+line+"\n", "encode", "--schema", avsc)
	body := orderFrame(0, "o-1", 2, nil)[5:]
	if code != 0 || out != string(body)+string(body) {
		t.Errorf("raw: exit %d %x", code, out)
	}
	if code, _, errs := runWithInput(t, line, "encode"); code != 2 || !strings.Contains(errs, "give --schema FILE or --subject SUBJECT") {
		t.Errorf("no schema: exit %d %s", code, errs)
	}
}

func TestDecodeFormatCompletion(t *testing.T) {
	for _, c := range []string{"decode", "encode"} {
		code, out, _ := runAvroctl(t, "__complete", c, "--format", "")
		if code != 0 || !strings.Contains(out, "avro-json\njson\n") {
			t.Errorf("%s: exit %d %q", c, code, out)
		}
	}
	code, out, _ := runAvroctl(t, "decode", "--help")
	if code != 0 || !strings.Contains(out, "avroctl decode --raw --writer order.avsc datums.bin") {
		t.Errorf("help: %d %s", code, out)
	}
}

// Magic byte 1 frames (and header ids) name the writer schema by GUID,
// fetched with GET /schemas/guids/{guid}; an unknown GUID is a finding.
func TestDecodeGUIDFrames(t *testing.T) {
	url := startRegistry(t)
	id := registerOrder(t, url)
	var ss struct{ GUID string }
	resp, err := http.Get(url + "/schemas/ids/" + strconv.Itoa(id))
	if err == nil {
		err = json.NewDecoder(resp.Body).Decode(&ss)
		resp.Body.Close()
	}
	if err != nil || ss.GUID == "" {
		t.Fatalf("no GUID for schema %d: %v", id, err)
	}
	g, err := hex.DecodeString(strings.ReplaceAll(ss.GUID, "-", ""))
	if err != nil {
		t.Fatal(err)
	}
	body := orderFrame(id, "o-1", 2, nil)[5:]
	frame := append(append([]byte{1}, g...), body...)
	code, out, errs := runWithInput(t, hex.EncodeToString(frame), "decode", "--url", url, "--hex", "-o", "json")
	if want := `{"schema_guid":"` + ss.GUID + `","source":"<stdin>:1","value":{"id":"o-1","qty":2,"note":null}}` + "\n"; code != 0 || out != want {
		t.Errorf("GUID frame: exit %d %s\n got %s\nwant %s", code, errs, out, want)
	}
	code, out, errs = runWithInput(t, hex.EncodeToString(body), "decode", "--url", url, "--hex", "--header-id", hex.EncodeToString(frame[:17]))
	if code != 0 || out != `{"id":"o-1","qty":2,"note":null}`+"\n" {
		t.Errorf("GUID header: exit %d %s %s", code, errs, out)
	}
	unknown := append(make([]byte, 17), body...)
	unknown[0] = 1
	code, _, errs = runWithInput(t, hex.EncodeToString(unknown), "decode", "--url", url, "--hex")
	if code != 1 || !strings.Contains(errs, "UNKNOWN_SCHEMA_ID: schema GUID 00000000-0000-0000-0000-000000000000 is not in the registry at "+url) {
		t.Errorf("unknown GUID: exit %d %s", code, errs)
	}
}

// An input over --max-bytes is refused before it is decoded, at the byte
// where the limit is passed.
func TestDecodeMaxBytes(t *testing.T) {
	frame := string(orderFrame(1, "o-1", 2, nil))
	if code, _, errs := runWithInput(t, frame, "decode", "--writer", orderAvsc(t), "--max-bytes", "4"); code != 2 || !strings.Contains(errs, "<stdin>: byte 4: the input is over --max-bytes 4") {
		t.Errorf("binary: exit %d %s", code, errs)
	}
	line := hex.EncodeToString([]byte(frame)) + "\n"
	if code, _, errs := runWithInput(t, line, "decode", "--writer", orderAvsc(t), "--hex", "--max-bytes", "4"); code != 2 || !strings.Contains(errs, "<stdin>:1: the line is over --max-bytes 4 (in hex)") {
		t.Errorf("hex: exit %d %s", code, errs)
	}
	if code, _, errs := runWithInput(t, "AAAAAAEG\n", "decode", "--writer", orderAvsc(t), "--base64", "--max-bytes", "4"); code != 2 || !strings.Contains(errs, "<stdin>:1: byte 4: the frame is over --max-bytes 4") {
		t.Errorf("base64: exit %d %s", code, errs)
	}
}
