package ocf

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"gitlab.com/acme/avroctl/gen/datum"
)

const testSchema = `{"type":"record","name":"R","fields":[{"name":"id","type":"long"},{"name":"s","type":"string"}]}`

func splitter(t testing.TB) func([]byte) (int, error) {
	c, err := datum.NewCodec(testSchema, "")
	if err != nil {
		t.Fatal(err)
	}
	return func(b []byte) (int, error) {
		_, n, err := c.DecodeNext(b, datum.AvroJSON)
		return n, err
	}
}

func record(i int) []byte {
	s := fmt.Sprintf("value %d", i)
	return append(appendLong(appendLong(nil, int64(i)), int64(len(s))), s...)
}

func writeFile(t testing.TB, codec string, n, interval int) []byte {
	var buf bytes.Buffer
	w, err := NewWriter(&buf, testSchema, WriterOptions{Codec: codec, SyncInterval: interval, Meta: map[string][]byte{"user.k": []byte("v")}})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < n; i++ {
		if err := w.Append(record(i)); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func readAll(t testing.TB, data []byte) ([][]byte, error) {
	r, err := NewReader(bytes.NewReader(data), Limits{})
	if err != nil {
		return nil, err
	}
	split := splitter(t)
	var out [][]byte
	for {
		d, err := r.Next(split)
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		out = append(out, append([]byte(nil), d...))
	}
}

func TestOCFRoundTrip(t *testing.T) {
	for _, codec := range Codecs {
		for _, n := range []int{0, 1, 1000} {
			data := writeFile(t, codec, n, 100) // many blocks
			r, err := NewReader(bytes.NewReader(data), Limits{})
			if err != nil {
				t.Fatal(err)
			}
			if r.Codec() != codec || r.Schema() != testSchema {
				t.Errorf("codec %q schema %q", r.Codec(), r.Schema())
			}
			if v, _ := r.Meta("user.k"); string(v) != "v" {
				t.Errorf("user.k = %q", v)
			}
			got, err := readAll(t, data)
			if err != nil {
				t.Fatalf("%s %d: %v", codec, n, err)
			}
			if len(got) != n {
				t.Fatalf("%s: %d records, want %d", codec, len(got), n)
			}
			for i, d := range got {
				if !bytes.Equal(d, record(i)) {
					t.Fatalf("%s: record %d = %x", codec, i, d)
				}
			}
		}
	}
	plain := writeFile(t, CodecNull, 1000, 10000)
	for _, codec := range Codecs[1:] {
		if a := writeFile(t, codec, 1000, 10000); len(a) >= len(plain) {
			t.Errorf("%s %d bytes, null %d", codec, len(a), len(plain))
		}
	}
}

// The blocks are raw DEFLATE as Java's DeflateCodec writes (no zlib
// header: 0x78 would start a zlib stream).
func TestOCFDeflateIsRaw(t *testing.T) {
	data := writeFile(t, CodecDeflate, 10, 1<<20)
	r, _ := NewReader(bytes.NewReader(data), Limits{})
	off := r.Offset()
	rest := data[off:]
	// count, size varints are one byte each here
	if rest[2] == 0x78 {
		t.Errorf("the block starts with a zlib header")
	}
}

func TestOCFCreateRenames(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.avro")
	w, err := Create(path, testSchema, WriterOptions{Codec: CodecDeflate})
	if err != nil {
		t.Fatal(err)
	}
	w.Append(record(1))
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("the file exists before Close: %v", err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	if got, err := readAll(t, data); err != nil || len(got) != 1 {
		t.Errorf("%d records, %v", len(got), err)
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 1 {
		t.Errorf("left behind: %v", ents)
	}
	// A new file is 0644 as avro-tools' are (not CreateTemp's 0600); a
	// replaced file keeps its mode.
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o644 {
		t.Errorf("new file mode %v, want 0644", fi.Mode().Perm())
	}
	os.Chmod(path, 0o640)
	w, err = Create(path, testSchema, WriterOptions{Codec: CodecNull})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o640 {
		t.Errorf("replaced file mode %v, want 0640 kept", fi.Mode().Perm())
	}
}

func TestOCFCorrupt(t *testing.T) {
	good := writeFile(t, CodecNull, 50, 100)
	r, _ := NewReader(bytes.NewReader(good), Limits{})
	hdr := int(r.Offset())
	sync := r.Sync()
	huge := append([]byte(nil), good[:hdr]...)
	huge = appendLong(appendLong(huge, 1), 1<<60)
	hugeMeta := append(append([]byte(nil), Magic[:]...), appendLong(appendLong(nil, 1), 1<<40)...)
	wrongSync := append([]byte(nil), good...)
	i := bytes.Index(wrongSync[hdr:], sync[:]) + hdr
	wrongSync[i] ^= 0xff
	for _, c := range []struct {
		name string
		data []byte
		want string
		is   error
	}{
		{"empty", nil, "byte 0: the file starts with \"\", want the magic", nil},
		{"bad magic", []byte("Obj\x02rest"), "byte 0: the file starts with \"Obj\\x02\"", nil},
		{"truncated header", good[:hdr-5], "the file ends inside the sync marker", io.ErrUnexpectedEOF},
		{"truncated block", good[:len(good)-20], "the file ends inside", io.ErrUnexpectedEOF},
		{"huge block size", huge, fmt.Sprintf("byte %d: block 0 claims 1152921504606846976 bytes, over the limit", hdr), nil},
		{"huge meta length", hugeMeta, "byte 5: the metadata key claims 1099511627776 bytes", nil},
		{"wrong sync", wrongSync, fmt.Sprintf("byte %d: the sync marker after block 0", i), ErrSyncMismatch},
		{"unknown codec", mustHeader(t, "lz4"), `the file's codec "lz4" is not one of the specification's`, ErrUnsupportedCodec},
	} {
		_, err := readAll(t, c.data)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want %q", c.name, err, c.want)
		}
		if c.is != nil && !errors.Is(err, c.is) {
			t.Errorf("%s: %v is not %v", c.name, err, c.is)
		}
		var oe *Error
		if err != nil && !errors.As(err, &oe) {
			t.Errorf("%s: %T is not *ocf.Error", c.name, err)
		}
	}
}

func mustHeader(t *testing.T, codec string) []byte {
	h := append([]byte(nil), Magic[:]...)
	h = appendLong(h, 2)
	for _, kv := range [][2]string{{MetaSchema, testSchema}, {MetaCodec, codec}} {
		h = appendLong(h, int64(len(kv[0])))
		h = append(h, kv[0]...)
		h = appendLong(h, int64(len(kv[1])))
		h = append(h, kv[1]...)
	}
	h = appendLong(h, 0)
	return append(h, make([]byte, 16)...)
}

func FuzzReader(f *testing.F) {
	for _, codec := range Codecs {
		f.Add(writeFile(f, codec, 3, 10))
		f.Add(writeFile(f, codec, 30, 50))
		f.Add(bomb(f, codec, 2<<20))
	}
	split := splitter(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := NewReader(bytes.NewReader(data), Limits{MaxMetaSize: 1 << 16, MaxBlockSize: 1 << 20})
		if err != nil {
			return
		}
		for i := 0; i < 1<<16; i++ {
			if _, err := r.Next(split); err != nil {
				return
			}
		}
	})
}

// blockStream is a file of n blocks of size bytes each, made as it is
// read: larger than what the test lets the reader allocate.
type blockStream struct {
	hdr, block []byte
	n          int
	cur        []byte
}

func (b *blockStream) Read(p []byte) (int, error) {
	for len(b.cur) == 0 {
		switch {
		case b.hdr != nil:
			b.cur, b.hdr = b.hdr, nil
		case b.n > 0:
			b.cur = b.block
			b.n--
		default:
			return 0, io.EOF
		}
	}
	n := copy(p, b.cur)
	b.cur = b.cur[n:]
	return n, nil
}

// Reading streams: 512 MiB of blocks read with a few MiB allocated in
// all, so a file larger than memory reads fine.
func TestOCFReaderMemoryBounded(t *testing.T) {
	var hdr bytes.Buffer
	w, _ := NewWriter(&hdr, `"bytes"`, WriterOptions{Sync: [16]byte{1, 2, 3}})
	w.Close()
	const size = 1 << 20
	blk := appendLong(appendLong(nil, 1), size)
	datum := appendLong(nil, size-3) // one bytes datum filling the block
	blk = append(append(blk, datum...), make([]byte, size-len(datum))...)
	blk = append(blk, 1, 2, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
	src := &blockStream{hdr: hdr.Bytes(), block: blk, n: 512}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	r, err := NewReader(src, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	var count int64
	for {
		b, err := r.NextBlock()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		count += b.Count
	}
	runtime.ReadMemStats(&after)
	if count != 512 {
		t.Fatalf("%d datums", count)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 16<<20 {
		t.Errorf("reading 512 MiB allocated %d MiB", alloc>>20)
	}
}

// A block of a "null" schema claiming 2^40 datums in 0 bytes is refused,
// not iterated.
func TestOCFZeroSizeDatumsBounded(t *testing.T) {
	var buf bytes.Buffer
	w, _ := NewWriter(&buf, `"null"`, WriterOptions{})
	w.AppendBlock(1<<40, nil) // count 0 bytes: AppendBlock writes it as is
	w.Close()
	c, _ := datum.NewCodec(`"null"`, "")
	r, err := NewReader(bytes.NewReader(buf.Bytes()), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = r.Next(func(b []byte) (int, error) { _, n, err := c.DecodeNext(b, datum.JSON); return n, err })
	if err == nil || !strings.Contains(err.Error(), "claims 1099511627776 datums of zero bytes") {
		t.Errorf("got %v", err)
	}
}
