package ocf

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"io"
	"runtime"
	"strings"
	"testing"

	dbzip2 "github.com/dsnet/compress/bzip2"
	"github.com/klauspost/compress/snappy"
	"github.com/klauspost/compress/zstd"
	"github.com/ulikunitz/xz"
)

// bomb is a file of one block of a single bytes datum of n zero bytes,
// compressed with codec by the libraries directly (not our writer): a few
// KB that decompress to n.
func bomb(t testing.TB, codec string, n int) []byte {
	t.Helper()
	data := append(appendLong(nil, int64(n)), make([]byte, n)...)
	var comp bytes.Buffer
	switch codec {
	case CodecNull:
		comp.Write(data)
	case CodecDeflate:
		fw, _ := flate.NewWriter(&comp, 9)
		fw.Write(data)
		fw.Close()
	case CodecSnappy:
		comp.Write(snappy.Encode(nil, data))
		binary.Write(&comp, binary.BigEndian, crc32.ChecksumIEEE(data))
	case CodecZstandard:
		enc, _ := zstd.NewWriter(nil)
		comp.Write(enc.EncodeAll(data, nil))
	case CodecBzip2:
		bw, _ := dbzip2.NewWriter(&comp, nil)
		bw.Write(data)
		bw.Close()
	case CodecXZ:
		xw, _ := xz.WriterConfig{DictCap: 1 << 20}.NewWriter(&comp)
		xw.Write(data)
		xw.Close()
	}
	var buf bytes.Buffer
	w, err := NewWriter(&buf, `"bytes"`, WriterOptions{Codec: codec, Sync: [16]byte{9}})
	if err != nil {
		t.Fatal(err)
	}
	w.Close()
	b := appendLong(appendLong(buf.Bytes(), 1), int64(comp.Len()))
	b = append(b, comp.Bytes()...)
	return append(b, 9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
}

// Every codec refuses a block that decompresses past the limit, with the
// block's offset and what to do, having allocated about the limit at
// most; under the limit the same file reads.
func TestOCFDecompressionBombs(t *testing.T) {
	const n = 32 << 20 // 32 MiB of zeros
	for _, codec := range Codecs {
		t.Run(codec, func(t *testing.T) {
			file := bomb(t, codec, n)
			// snappy's best ratio is about 21:1 (a 64-byte copy in 3 bytes)
			if codec != CodecNull && len(file) > n/16 {
				t.Fatalf("the %s bomb is %d bytes", codec, len(file))
			}
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			r, err := NewReader(bytes.NewReader(file), Limits{MaxBlockSize: 1 << 20})
			if err != nil {
				t.Fatal(err)
			}
			hdr := r.Offset()
			_, err = r.NextBlock()
			runtime.ReadMemStats(&after)
			var oe *Error
			if !errors.Is(err, ErrBlockTooLarge) || !errors.As(err, &oe) || oe.Offset != hdr || !strings.Contains(err.Error(), "--max-block-mib") {
				t.Fatalf("got %v, want ErrBlockTooLarge at byte %d", err, hdr)
			}
			if alloc := after.TotalAlloc - before.TotalAlloc; codec != CodecNull && alloc > 12<<20 {
				t.Errorf("refusing the bomb allocated %d MiB", alloc>>20)
			}
			r, _ = NewReader(bytes.NewReader(file), Limits{MaxBlockSize: n + 16})
			if b, err := r.NextBlock(); err != nil || len(b.Data) != n+4 {
				t.Errorf("under the limit: %d bytes, %v", len(b.Data), err)
			}
		})
	}
}

// An xz block whose header claims a 4 GiB dictionary for a few bytes of
// data reads with a small dictionary (the decoder would allocate the
// claim before reading a byte).
func TestOCFXZHugeDictionary(t *testing.T) {
	var comp bytes.Buffer
	xw, _ := xz.WriterConfig{DictCap: 4096}.NewWriter(&comp)
	payload := []byte("\x0ahello") // a bytes datum
	xw.Write(payload)
	xw.Close()
	raw := comp.Bytes()
	// The block header follows the 12-byte stream header: size, flags,
	// filter id 0x21 (LZMA2), props size 1, the dictionary code, padding,
	// CRC32.
	h := raw[12 : 12+(int(raw[12])+1)*4]
	if h[2] != 0x21 || h[3] != 1 {
		t.Fatalf("block header %x", h)
	}
	h[4] = 40 // 4 GiB - 1
	binary.LittleEndian.PutUint32(h[len(h)-4:], crc32.ChecksumIEEE(h[:len(h)-4]))
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	d := decompressor{codec: CodecXZ, limit: 1 << 20}
	got, err := d.decompress(raw)
	runtime.ReadMemStats(&after)
	if err != nil || !bytes.Equal(got, payload) {
		t.Fatalf("%q %v", got, err)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 8<<20 {
		t.Errorf("allocated %d MiB", alloc>>20)
	}
}

// Snappy blocks carry the CRC32 of their data, as Java checks it.
func TestOCFSnappyChecksum(t *testing.T) {
	data := writeFile(t, CodecSnappy, 10, 1<<20)
	r, _ := NewReader(bytes.NewReader(data), Limits{})
	hdr := r.Offset()
	// the block: count, size (one byte each here), data, CRC, sync
	crcAt := len(data) - SyncSize - 4
	if got, want := binary.BigEndian.Uint32(data[crcAt:]), crc32.ChecksumIEEE(bytes.Join(func() [][]byte {
		var rs [][]byte
		for i := range 10 {
			rs = append(rs, record(i))
		}
		return rs
	}(), nil)); got != want {
		t.Fatalf("CRC %08x, want %08x", got, want)
	}
	data[crcAt] ^= 1
	r, _ = NewReader(bytes.NewReader(data), Limits{})
	_, err := r.NextBlock()
	var oe *Error
	if !errors.Is(err, ErrChecksum) || !errors.As(err, &oe) || oe.Offset != hdr {
		t.Errorf("got %v", err)
	}
}

// Levels are checked against each codec's range; snappy and null have none.
func TestOCFLevels(t *testing.T) {
	for _, c := range []struct {
		codec string
		level int
		ok    bool
	}{
		{CodecDeflate, 9, true}, {CodecDeflate, 10, false}, {CodecZstandard, 22, true}, {CodecZstandard, 23, false},
		{CodecXZ, 9, true}, {CodecXZ, -1, false}, {CodecBzip2, 1, true}, {CodecSnappy, 1, false}, {CodecNull, 0, true},
		{"lz4", 0, false},
	} {
		_, err := NewWriter(io.Discard, testSchema, WriterOptions{Codec: c.codec, Level: c.level})
		if (err == nil) != c.ok {
			t.Errorf("%s level %d: %v", c.codec, c.level, err)
		}
	}
}

// FuzzDecompress feeds arbitrary bytes to every codec's decompressor:
// no panic, and never more than the limit out.
func FuzzDecompress(f *testing.F) {
	for i, codec := range Codecs {
		c, _ := newCompressor(codec, 0)
		comp, _ := c.compress([]byte("hello hello hello hello, avro"))
		f.Add(uint8(i), append([]byte(nil), comp...))
	}
	f.Fuzz(func(t *testing.T, ci uint8, raw []byte) {
		d := decompressor{codec: Codecs[int(ci)%len(Codecs)], limit: 1 << 16}
		out, err := d.decompress(raw)
		if err == nil && len(out) > d.limit {
			t.Fatalf("%s: %d bytes out, limit %d", d.codec, len(out), d.limit)
		}
	})
}

// FuzzCodecRoundTrip compresses arbitrary data with every codec at every
// level and decompresses it back.
func FuzzCodecRoundTrip(f *testing.F) {
	f.Add(uint8(0), uint8(0), []byte("hello"))
	f.Add(uint8(5), uint8(3), bytes.Repeat([]byte("abc"), 1000))
	f.Fuzz(func(t *testing.T, ci, lvl uint8, data []byte) {
		codec := Codecs[int(ci)%len(Codecs)]
		level := 0
		if lo, hi, _, ok := LevelRange(codec); ok {
			hi = min(hi, 9) // zstd 10-22 only cost time here
			level = lo + int(lvl)%(hi-lo+1)
			if codec == CodecXZ {
				level = min(level, 3) // larger presets allocate more than a fuzz run should
			}
		}
		c, err := newCompressor(codec, level)
		if err != nil {
			t.Fatal(err)
		}
		defer c.close()
		comp, err := c.compress(data)
		if err != nil {
			t.Fatalf("%s level %d: %v", codec, level, err)
		}
		d := decompressor{codec: codec, limit: max(len(data), 1)}
		got, err := d.decompress(append([]byte(nil), comp...))
		if err != nil || !bytes.Equal(got, data) {
			t.Fatalf("%s level %d: %d bytes back (%v), want %d", codec, level, len(got), err, len(data))
		}
	})
}
