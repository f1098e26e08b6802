package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"gitlab.com/acme/avroctl/gen/ocf"
)

// tojson prints the same lines and the same finding whether blocks are
// decoded in this goroutine (one CPU) or in parallel, and whether a
// block's JSON fits one chunk or is continued: with a bad datum in the
// middle of a block, the records before it are printed, then the finding.
func TestOCFToJSONParallelMatchesSequential(t *testing.T) {
	dir := t.TempDir()
	var buf bytes.Buffer
	w, err := ocf.NewWriter(&buf, dltOrderV1, ocf.WriterOptions{SyncInterval: 400, Codec: ocf.CodecDeflate})
	if err != nil {
		t.Fatal(err)
	}
	var want strings.Builder
	for i := range 500 {
		id := fmt.Sprintf("o-%d", i)
		w.Append(append(append([]byte{byte(2 * len(id))}, id...), byte(2*(i%60)), 0))
		fmt.Fprintf(&want, `{"id":%q,"qty":%d,"note":null}`+"\n", id, i%60)
	}
	w.Close()
	good := filepath.Join(dir, "good.avro")
	os.WriteFile(good, buf.Bytes(), 0o644)

	// bad.avro: datum 7 of block 4 has a union index of 5.
	var bad bytes.Buffer
	w, _ = ocf.NewWriter(&bad, dltOrderV1, ocf.WriterOptions{SyncInterval: 400, Codec: ocf.CodecDeflate})
	var wantBad strings.Builder
	n := 0
	for blk := range 6 {
		for k := range 20 {
			id := fmt.Sprintf("b%d-%d", blk, k)
			union := byte(0)
			if blk == 4 && k == 7 {
				union = 10 // zigzag 5
			}
			w.Append(append(append([]byte{byte(2 * len(id))}, id...), 2, union))
			if blk < 4 || blk == 4 && k < 7 {
				fmt.Fprintf(&wantBad, `{"id":%q,"qty":1,"note":null}`+"\n", id)
			}
			n++
		}
		w.Flush()
	}
	w.Close()
	badPath := filepath.Join(dir, "bad.avro")
	os.WriteFile(badPath, bad.Bytes(), 0o644)

	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	defer func(v int) { maxChunkJSON = v }(maxChunkJSON)
	for _, procs := range []int{1, 2, 4} {
		for _, chunk := range []int{1, 100, 4 << 20} {
			runtime.GOMAXPROCS(procs)
			maxChunkJSON = chunk
			code, got, errs := runAvroctl(t, "ocf", "tojson", good)
			if code != 0 || got != want.String() {
				t.Errorf("%d CPUs, chunks of %d: exit %d, %d bytes (want %d): %s", procs, chunk, code, len(got), want.Len(), errs)
			}
			code, got, errs = runAvroctl(t, "ocf", "tojson", badPath)
			if code != 1 || got != wantBad.String() || !strings.Contains(errs, "datum 7 of 20") || !strings.Contains(errs, "union branch index 5 out of range") {
				t.Errorf("%d CPUs, chunks of %d, bad datum: exit %d\n got %q\nwant %q\n%s", procs, chunk, code, got, wantBad.String(), errs)
			}
		}
	}
}
