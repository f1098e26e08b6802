package ocf

import (
	"bytes"
	"compress/bzip2"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"

	dbzip2 "github.com/dsnet/compress/bzip2"
	"github.com/klauspost/compress/flate"
	"github.com/klauspost/compress/snappy"
	"github.com/klauspost/compress/zstd"
	"github.com/ulikunitz/xz"
	"github.com/ulikunitz/xz/lzma"
)

// Codecs lists every codec of the specification, all read and written.
var Codecs = []string{CodecNull, CodecDeflate, CodecSnappy, CodecZstandard, CodecBzip2, CodecXZ}

// ErrBlockTooLarge is wrapped by the error for a block that declares or
// decompresses to more than Limits.MaxBlockSize: a corrupt file or a
// decompression bomb (a few KB of zstandard can claim gigabytes).
var ErrBlockTooLarge = errors.New("block over the size limit")

// ErrChecksum is wrapped by the error for a snappy block whose CRC32
// differs from its data's.
var ErrChecksum = errors.New("checksum mismatch")

// Level ranges and Java's defaults (CodecFactory): the level flag of a
// codec is checked against these, 0 meaning the default.
var levels = map[string]struct{ min, max, def int }{
	CodecDeflate:   {1, 9, 6},  // zlib levels; Java's -1 is zlib's 6
	CodecZstandard: {1, 22, 3}, // CodecFactory.DEFAULT_ZSTANDARD_LEVEL
	CodecBzip2:     {1, 9, 9},  // BZip2CompressorOutputStream's block size 900k
	CodecXZ:        {0, 9, 6},  // CodecFactory.DEFAULT_XZ_LEVEL
	CodecSnappy:    {0, 0, 0},  // snappy has no level
	CodecNull:      {0, 0, 0},
}

// LevelRange returns the levels a codec accepts and its default (Java's);
// ok is false for a codec without levels (null, snappy) or an unknown one.
func LevelRange(codec string) (lo, hi, def int, ok bool) {
	l, found := levels[codec]
	if !found || l.max == 0 {
		return 0, 0, 0, false
	}
	return l.min, l.max, l.def, true
}

// compressor compresses one block into a buffer it reuses.
type compressor struct {
	codec string
	level int
	out   bytes.Buffer
	fw    *flate.Writer
	zenc  *zstd.Encoder
}

func newCompressor(codec string, level int) (*compressor, error) {
	l, ok := levels[codec]
	if !ok {
		return nil, fmt.Errorf("%w %q: the codecs are null, deflate, snappy, zstandard, bzip2, xz", ErrUnsupportedCodec, codec)
	}
	if level == 0 {
		level = l.def
	} else if l.max == 0 {
		return nil, fmt.Errorf("codec %s has no levels", codec)
	} else if level < l.min || level > l.max {
		return nil, fmt.Errorf("%s level %d: want %d to %d", codec, level, l.min, l.max)
	}
	c := &compressor{codec: codec, level: level}
	switch codec {
	case CodecDeflate:
		fw, err := flate.NewWriter(&c.out, level)
		if err != nil {
			return nil, err
		}
		c.fw = fw
	case CodecZstandard:
		// One encoder for the file, EncodeAll per block: each block is
		// one frame, as Java's ZstdOutputStream writes it per block.
		enc, err := zstd.NewWriter(nil, zstd.WithEncoderConcurrency(1), zstd.WithEncoderLevel(zstd.EncoderLevelFromZstd(level)))
		if err != nil {
			return nil, err
		}
		c.zenc = enc
	}
	return c, nil
}

// xzDict is XZ Utils' (and xz-java's) dictionary size of each preset.
var xzDict = [10]int{256 << 10, 1 << 20, 2 << 20, 4 << 20, 4 << 20, 8 << 20, 8 << 20, 16 << 20, 32 << 20, 64 << 20}

// compress returns the compressed block, valid until the next call.
func (c *compressor) compress(data []byte) ([]byte, error) {
	c.out.Reset()
	switch c.codec {
	case CodecNull:
		return data, nil
	case CodecDeflate:
		// Java's DeflateCodec writes raw DEFLATE (nowrap), no zlib header.
		c.fw.Reset(&c.out)
		c.fw.Write(data)
		if err := c.fw.Close(); err != nil {
			return nil, err
		}
	case CodecSnappy:
		// Java's SnappyCodec: the raw snappy block, then the CRC32 (IEEE)
		// of the uncompressed data, big-endian.
		buf := c.out.AvailableBuffer()
		if n := snappy.MaxEncodedLen(len(data)) + 4; cap(buf) < n {
			c.out.Grow(n)
			buf = c.out.AvailableBuffer()
		}
		buf = snappy.Encode(buf[:cap(buf)], data)
		buf = binary.BigEndian.AppendUint32(buf, crc32.ChecksumIEEE(data))
		return buf, nil
	case CodecZstandard:
		return c.zenc.EncodeAll(data, c.out.AvailableBuffer()), nil
	case CodecBzip2:
		bw, err := dbzip2.NewWriter(&c.out, &dbzip2.WriterConfig{Level: c.level})
		if err != nil {
			return nil, err
		}
		bw.Write(data)
		if err := bw.Close(); err != nil {
			return nil, err
		}
	case CodecXZ:
		// The preset's dictionary, but no larger than the block: the level
		// only sets the dictionary here (ulikunitz/xz has no other preset
		// knob), so for Java's 64 KB blocks every level writes alike. A reader
		// allocates the dictionary the header declares, and a 64 KB block
		// needs no 8 MiB of it (the output is the same .xz format Java's
		// XZCompressorOutputStream writes: one stream, one block, CRC64).
		dict := min(xzDict[c.level], max(lzma.MinDictCap, len(data)))
		xw, err := xz.WriterConfig{DictCap: dict, CheckSum: xz.CRC64}.NewWriter(&c.out)
		if err != nil {
			return nil, err
		}
		xw.Write(data)
		if err := xw.Close(); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("%w %q", ErrUnsupportedCodec, c.codec)
	}
	return c.out.Bytes(), nil
}

func (c *compressor) close() {
	if c.zenc != nil {
		c.zenc.Close()
	}
}

// decompressor decompresses blocks into a buffer it reuses; no block
// yields more than limit bytes, whatever its headers claim.
type decompressor struct {
	codec string
	limit int
	out   bytes.Buffer
	fr    io.ReadCloser
	zdec  *zstd.Decoder
}

func readableCodec(codec string) bool {
	_, ok := levels[codec]
	return ok
}

func (d *decompressor) tooLarge() error {
	return fmt.Errorf("%w: it decompresses to over %d bytes", ErrBlockTooLarge, d.limit)
}

// decompress returns the block's datums, valid until the next call.
func (d *decompressor) decompress(raw []byte) ([]byte, error) {
	var src io.Reader
	switch d.codec {
	case CodecNull:
		return raw, nil
	case CodecDeflate:
		if d.fr == nil {
			d.fr = flate.NewReader(bytes.NewReader(raw))
		} else {
			d.fr.(flate.Resetter).Reset(bytes.NewReader(raw), nil)
		}
		src = d.fr
	case CodecBzip2:
		// bzip2's own blocks are at most 900 kB: the decoder's memory is
		// bounded whatever the input.
		src = bzip2.NewReader(bytes.NewReader(raw))
	case CodecSnappy:
		return d.snappy(raw)
	case CodecZstandard:
		return d.zstd(raw)
	case CodecXZ:
		patched, err := xzBoundDict(raw, d.limit)
		if err != nil {
			return nil, err
		}
		xr, err := xz.ReaderConfig{DictCap: lzma.MinDictCap, SingleStream: true}.NewReader(bytes.NewReader(patched))
		if err != nil {
			return nil, err
		}
		src = xr
	default:
		return nil, fmt.Errorf("%w %q", ErrUnsupportedCodec, d.codec)
	}
	out := &d.out
	out.Reset()
	n, err := io.Copy(out, io.LimitReader(src, int64(d.limit)+1))
	if n > int64(d.limit) {
		return nil, d.tooLarge()
	}
	if err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

func (d *decompressor) snappy(raw []byte) ([]byte, error) {
	if len(raw) < 4 {
		return nil, fmt.Errorf("%d bytes: a snappy block ends with a 4-byte CRC32", len(raw))
	}
	body := raw[:len(raw)-4]
	// The block's header declares its decompressed length: check it
	// before allocating.
	n, err := snappy.DecodedLen(body)
	if err != nil {
		return nil, err
	}
	if n > d.limit {
		return nil, d.tooLarge()
	}
	d.out.Reset()
	d.out.Grow(n)
	dst, err := snappy.Decode(d.out.AvailableBuffer()[:n], body)
	if err != nil {
		return nil, err
	}
	if want, got := binary.BigEndian.Uint32(raw[len(raw)-4:]), crc32.ChecksumIEEE(dst); want != got {
		return nil, fmt.Errorf("%w: the block's CRC32 is %08x, its data's %08x", ErrChecksum, want, got)
	}
	return dst, nil
}

func (d *decompressor) zstd(raw []byte) ([]byte, error) {
	if d.zdec == nil {
		// MaxMemory bounds DecodeAll's output whatever the frame header
		// claims; the window bounds the decoder's history buffer. Both are
		// at least zstd's minimum window: below it the decoder refuses
		// even a 1-byte frame ("window size exceeded"), so a limit under
		// 1 KiB is enforced exactly by the length check after decoding.
		win := max(uint64(zstd.MinWindowSize), uint64(d.limit))
		dec, err := zstd.NewReader(nil, zstd.WithDecoderConcurrency(1),
			zstd.WithDecoderMaxMemory(win), zstd.WithDecoderMaxWindow(min(win, 1<<30)))
		if err != nil {
			return nil, err
		}
		d.zdec = dec
	}
	d.out.Reset()
	dst, err := d.zdec.DecodeAll(raw, d.out.AvailableBuffer())
	if errors.Is(err, zstd.ErrDecoderSizeExceeded) || errors.Is(err, zstd.ErrWindowSizeExceeded) || len(dst) > d.limit {
		return nil, d.tooLarge()
	}
	if err != nil {
		return nil, err
	}
	if cap(dst) > d.out.Cap() && cap(dst) <= d.limit {
		// Keep the grown buffer for the next block.
		d.out = *bytes.NewBuffer(dst[:0])
	}
	return dst, nil
}

// xzBoundDict returns raw with each block's LZMA2 dictionary size lowered
// to what the block decompresses to (from the stream's index), and checks
// the total against limit. Why: the decoder allocates the dictionary the
// block header declares, up to 4 GiB, before reading any data, so a
// 40-byte block could claim it; and xz-java writes its preset's 8 MiB for
// a 64 KB block. LZMA2 never refers further back than the data decoded so
// far, so a dictionary as large as the output decodes the same; the header
// CRC32 is recomputed. A stream that does not parse is refused here, as the
// decoder would refuse it.
func xzBoundDict(raw []byte, limit int) ([]byte, error) {
	bad := func(what string) error { return fmt.Errorf("not an xz stream as Avro writes it: %s", what) }
	if len(raw) < 24 || !bytes.Equal(raw[:6], []byte{0xfd, '7', 'z', 'X', 'Z', 0}) {
		return nil, bad("no xz header")
	}
	foot := raw[len(raw)-12:]
	if foot[10] != 'Y' || foot[11] != 'Z' {
		return nil, bad("no xz footer at the end of the block (one stream, no padding)")
	}
	indexSize := (int64(binary.LittleEndian.Uint32(foot[4:8])) + 1) * 4
	indexAt := int64(len(raw)) - 12 - indexSize
	if indexAt < 12 {
		return nil, bad("the index size is past the start")
	}
	idx := raw[indexAt : len(raw)-12]
	if idx[0] != 0 {
		return nil, bad("no index indicator")
	}
	p := 1
	uvarint := func(b []byte, p *int) (uint64, bool) {
		v, n := binary.Uvarint(b[*p:])
		if n <= 0 || n > 9 {
			return 0, false
		}
		*p += n
		return v, true
	}
	records, ok := uvarint(idx, &p)
	if !ok || records > uint64(len(idx))/2 {
		return nil, bad("bad index record count")
	}
	out := append([]byte(nil), raw...)
	pos := int64(12)
	var total uint64
	for range records {
		unpadded, ok1 := uvarint(idx, &p)
		size, ok2 := uvarint(idx, &p)
		if !ok1 || !ok2 {
			return nil, bad("bad index record")
		}
		total += size
		if size > uint64(limit) || total > uint64(limit) {
			return nil, fmt.Errorf("%w: its xz index declares over %d bytes", ErrBlockTooLarge, limit)
		}
		if pos >= indexAt || out[pos] == 0 {
			return nil, bad("a block header is missing")
		}
		hsize := (int64(out[pos]) + 1) * 4
		if pos+hsize > indexAt || unpadded > uint64(indexAt-pos) {
			return nil, bad("a block overruns the index")
		}
		h := out[pos : pos+hsize]
		flags := h[1]
		q := 2
		if flags&0x40 != 0 {
			if _, ok := uvarint(h[:hsize-4], &q); !ok {
				return nil, bad("bad block header")
			}
		}
		if flags&0x80 != 0 {
			if _, ok := uvarint(h[:hsize-4], &q); !ok {
				return nil, bad("bad block header")
			}
		}
		for range int(flags&3) + 1 {
			id, ok1 := uvarint(h[:hsize-4], &q)
			psize, ok2 := uvarint(h[:hsize-4], &q)
			if !ok1 || !ok2 || psize > uint64(hsize-4-int64(q)) {
				return nil, bad("bad filter flags")
			}
			if id == 0x21 && psize == 1 { // LZMA2: one byte of dictionary size
				want := lzma.EncodeDictCap(int64(max(lzma.MinDictCap, int(size))))
				if h[q] > want && h[q] <= 40 {
					h[q] = want
					binary.LittleEndian.PutUint32(h[hsize-4:], crc32.ChecksumIEEE(h[:hsize-4]))
				}
			}
			q += int(psize)
		}
		pos += (int64(unpadded) + 3) &^ 3
	}
	return out, nil
}
