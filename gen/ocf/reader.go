package ocf

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
)

// Reader reads a container file block by block.
type Reader struct {
	r      *bufio.Reader
	off    int64 // bytes consumed from the file
	lim    Limits
	meta   map[string][]byte
	order  []string // metadata keys in file order
	codec  string
	sync   [SyncSize]byte
	raw    bytes.Buffer // the compressed block, reused
	dec    decompressor
	err    error
	blocks int64

	// record state of Next
	rest      []byte
	remaining int64
	blockOff  int64
}

// Block is one block of the file.
type Block struct {
	// Offset is the file offset where the block starts (its count).
	Offset int64
	// Count is the number of datums it holds.
	Count int64
	// Data is the decompressed datums; valid until the next call.
	Data []byte
}

// NewReader reads the header of a container file from r; the codec must be
// one of the specification's (Codecs).
func NewReader(r io.Reader, lim Limits) (*Reader, error) {
	rd := &Reader{r: bufio.NewReaderSize(r, 64<<10), lim: lim.withDefaults()}
	if err := rd.header(); err != nil {
		return nil, err
	}
	return rd, nil
}

func (r *Reader) fail(off int64, fix string, err error, format string, args ...any) error {
	return &Error{Offset: off, Msg: fmt.Sprintf(format, args...), Fix: fix, Err: err}
}

func (r *Reader) readFull(b []byte) error {
	n, err := io.ReadFull(r.r, b)
	r.off += int64(n)
	return err
}

// long reads a zig-zag varint; what names it in errors.
func (r *Reader) long(what string) (int64, error) {
	start := r.off
	var u uint64
	for shift := uint(0); ; shift += 7 {
		c, err := r.r.ReadByte()
		if err != nil {
			if err == io.EOF && r.off > start {
				err = io.ErrUnexpectedEOF
			}
			return 0, err
		}
		r.off++
		if shift == 63 && c > 1 {
			return 0, r.fail(start, "the file is corrupt", nil, "%s: the varint overflows 64 bits", what)
		}
		u |= uint64(c&0x7f) << shift
		if c < 0x80 {
			break
		}
		if shift == 63 {
			return 0, r.fail(start, "the file is corrupt", nil, "%s: the varint is longer than 10 bytes", what)
		}
	}
	return int64(u>>1) ^ -int64(u&1), nil
}

func (r *Reader) truncated(start int64, what string) error {
	return r.fail(r.off, "the file is truncated (a copy cut short, or a writer still writing): copy it again; the blocks before it read fine", io.ErrUnexpectedEOF,
		"the file ends inside %s (which starts at byte %d)", what, start)
}

func (r *Reader) header() error {
	var m [4]byte
	if err := r.readFull(m[:]); err != nil || m != Magic {
		got := fmt.Sprintf("%q", m[:r.off])
		return r.fail(0, "this is not an Avro container file: for a stream of datums use 'avroctl decode --raw --writer FILE'", nil,
			"the file starts with %s, want the magic \"Obj\\x01\"", got)
	}
	r.meta = map[string][]byte{}
	budget := r.lim.MaxMetaSize
	for {
		start := r.off
		n, err := r.long("metadata block count")
		if err != nil {
			if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
				return r.truncated(start, "the metadata map")
			}
			return err
		}
		if n == 0 {
			break
		}
		if n < 0 { // a negative count is followed by the block's byte size
			n = -n
			if _, err := r.long("metadata block size"); err != nil {
				return r.truncated(start, "the metadata map")
			}
		}
		// Each entry takes at least two bytes (two lengths): the count
		// cannot exceed what the budget could hold.
		if n < 0 || n > int64(budget)/2 {
			return r.fail(start, "the file is corrupt, or raise the metadata limit", nil,
				"the metadata map claims %d entries, over the limit of %d bytes", n, r.lim.MaxMetaSize)
		}
		for i := int64(0); i < n; i++ {
			k, err := r.bytes("metadata key", &budget)
			if err != nil {
				return err
			}
			v, err := r.bytes("metadata value of "+fmt.Sprintf("%q", k), &budget)
			if err != nil {
				return err
			}
			if _, dup := r.meta[string(k)]; !dup {
				r.order = append(r.order, string(k))
			}
			r.meta[string(k)] = v
		}
	}
	start := r.off
	if err := r.readFull(r.sync[:]); err != nil {
		return r.truncated(start, "the sync marker")
	}
	codec := string(r.meta[MetaCodec])
	if codec == "" {
		codec = CodecNull // the specification: absent means null
	}
	r.codec = codec
	if _, ok := r.meta[MetaSchema]; !ok {
		return r.fail(start, "the writer did not record the schema; the data cannot be read without it", nil, "the metadata has no %q", MetaSchema)
	}
	if !readableCodec(codec) {
		return r.fail(start, unsupportedFix(codec), ErrUnsupportedCodec, "the file's codec %q is not one of the specification's (null, deflate, snappy, zstandard, bzip2, xz)", codec)
	}
	r.dec = decompressor{codec: codec, limit: r.lim.MaxBlockSize}
	return nil
}

func unsupportedFix(codec string) string {
	return "the writer used a codec of its own (" + codec + "): recompress the file with that writer's tools, e.g. to deflate"
}

// bytes reads a length-prefixed value, charging it to budget before
// allocating: a length the budget cannot hold is an error, not an
// allocation.
func (r *Reader) bytes(what string, budget *int) ([]byte, error) {
	start := r.off
	n, err := r.long(what + " length")
	if err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, r.truncated(start, "the "+what)
		}
		return nil, err
	}
	if n < 0 {
		return nil, r.fail(start, "the file is corrupt", nil, "the %s has negative length %d", what, n)
	}
	if n > int64(*budget) {
		return nil, r.fail(start, "the file is corrupt, or raise the metadata limit", nil, "the %s claims %d bytes, over the remaining metadata limit of %d", what, n, *budget)
	}
	*budget -= int(n)
	b, err := r.readN(int(n))
	if err != nil {
		return nil, r.truncated(start, "the "+what)
	}
	return b, nil
}

// readN reads n bytes, growing the buffer as bytes arrive, so a length
// field larger than the file allocates only what the file holds.
func (r *Reader) readN(n int) ([]byte, error) {
	var buf bytes.Buffer
	buf.Grow(min(n, 64<<10))
	m, err := io.CopyN(&buf, r.r, int64(n))
	r.off += m
	if err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Schema is the writer schema (avro.schema) as written.
func (r *Reader) Schema() string { return string(r.meta[MetaSchema]) }

// Codec is the file's codec name.
func (r *Reader) Codec() string { return r.codec }

// Sync is the file's sync marker.
func (r *Reader) Sync() [SyncSize]byte { return r.sync }

// Meta returns the value of a metadata key.
func (r *Reader) Meta(key string) ([]byte, bool) {
	v, ok := r.meta[key]
	return v, ok
}

// MetaKeys returns the metadata keys in file order (as avro-tools getmeta
// prints them); a repeated key counts once, its last value wins.
func (r *Reader) MetaKeys() []string { return append([]string(nil), r.order...) }

// Offset is the number of bytes read from the file so far.
func (r *Reader) Offset() int64 { return r.off }

// NextBlock reads the next block; io.EOF at the clean end of the file.
func (r *Reader) NextBlock() (Block, error) {
	if r.err != nil {
		return Block{}, r.err
	}
	b, err := r.nextBlock()
	if err != nil {
		r.err = err
	}
	return b, err
}

func (r *Reader) nextBlock() (Block, error) {
	rb, err := r.readRaw(&r.raw)
	if err != nil {
		return Block{}, err
	}
	return r.decompressBlock(&r.dec, r.raw.Bytes(), rb)
}

// rawBlock is where a block read by readRaw starts and what it claims.
type rawBlock struct {
	start, count, size, index int64
}

// readRaw reads the next block, still compressed, into buf and checks its
// sync marker.
func (r *Reader) readRaw(buf *bytes.Buffer) (rawBlock, error) {
	start := r.off
	count, err := r.long("block count")
	if err == io.EOF {
		return rawBlock{}, io.EOF
	}
	if err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) {
			return rawBlock{}, r.truncated(start, fmt.Sprintf("block %d", r.blocks))
		}
		return rawBlock{}, err
	}
	size, err := r.long("block size")
	if err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return rawBlock{}, r.truncated(start, fmt.Sprintf("block %d", r.blocks))
		}
		return rawBlock{}, err
	}
	if count < 0 || size < 0 {
		return rawBlock{}, r.fail(start, "the file is corrupt", nil, "block %d has a negative count (%d) or size (%d)", r.blocks, count, size)
	}
	if size > int64(r.lim.MaxBlockSize) {
		return rawBlock{}, r.fail(start, "the file is corrupt; if it is genuine, raise the block size limit (avroctl ocf --max-block-mib)", ErrBlockTooLarge,
			"block %d claims %d bytes, over the limit of %d", r.blocks, size, r.lim.MaxBlockSize)
	}
	// Every datum of a non-empty block takes at least... nothing (a null
	// datum is zero bytes), so the count is bounded only by the decoder,
	// which caps zero-size items; a count with a zero size is allowed.
	// The buffer grows as bytes arrive: a size larger than the file costs
	// only what the file holds.
	buf.Reset()
	n, err := io.CopyN(buf, r.r, size)
	r.off += n
	if err != nil {
		return rawBlock{}, r.truncated(start, fmt.Sprintf("block %d (%d bytes of data)", r.blocks, size))
	}
	syncAt := r.off
	var sync [SyncSize]byte
	if err := r.readFull(sync[:]); err != nil {
		return rawBlock{}, r.truncated(syncAt, fmt.Sprintf("the sync marker of block %d", r.blocks))
	}
	if sync != r.sync {
		return rawBlock{}, r.fail(syncAt, "the file is corrupt or two files were concatenated byte-wise: use 'avroctl ocf concat'; the blocks before it read fine", ErrSyncMismatch,
			"the sync marker after block %d (which starts at byte %d) is %x, the header's is %x", r.blocks, start, sync, r.sync)
	}
	rb := rawBlock{start: start, count: count, size: size, index: r.blocks}
	r.blocks++
	return rb, nil
}

// decompressBlock decompresses a block readRaw read, with dec. It reads
// only r's codec and limits, so blocks may be decompressed concurrently,
// each goroutine with its own decompressor.
func (r *Reader) decompressBlock(dec *decompressor, raw []byte, rb rawBlock) (Block, error) {
	data, err := dec.decompress(raw)
	if errors.Is(err, ErrBlockTooLarge) {
		return Block{}, r.fail(rb.start, "the file is corrupt or a decompression bomb; if it is genuine, raise the block size limit (avroctl ocf --max-block-mib)", err,
			"block %d (%d bytes of %s): %v", rb.index, rb.size, r.codec, err)
	}
	if err != nil {
		return Block{}, r.fail(rb.start, "the block is corrupt: the blocks before it read fine", err, "block %d: %s: %v", rb.index, r.codec, err)
	}
	return Block{Offset: rb.start, Count: rb.count, Data: data}, nil
}

// MaxZeroSizeDatums bounds the count of a block whose datums take no
// bytes (a "null" schema): such a count costs nothing to write, so it is
// bounded like the runtime decoder's zero-size items.
const MaxZeroSizeDatums = 1 << 16

// Next returns the next datum's bytes; split says how many bytes the datum
// at the start of b takes (a schema-driven decoder, such as gen/datum's
// Codec.DecodeNext). io.EOF at the end. A block whose datums do not use up
// its bytes exactly is an error.
func (r *Reader) Next(split func(b []byte) (int, error)) ([]byte, error) {
	for r.remaining == 0 {
		if len(r.rest) != 0 {
			return nil, r.fail(r.blockOff, "the data does not match the file's schema", nil, "%d bytes are left in the block after its datums", len(r.rest))
		}
		b, err := r.NextBlock()
		if err != nil {
			return nil, err
		}
		r.rest, r.remaining, r.blockOff = b.Data, b.Count, b.Offset
	}
	n, err := split(r.rest)
	if err != nil {
		return nil, r.fail(r.blockOff, "the data does not match the file's schema", err, "in the block: %v", err)
	}
	if n <= 0 && r.remaining > MaxZeroSizeDatums {
		// Zero-size datums cost no input: bound how many a block may claim.
		return nil, r.fail(r.blockOff, "the file is corrupt", nil, "the block claims %d datums of zero bytes, over the limit of %d", r.remaining, MaxZeroSizeDatums)
	}
	d := r.rest[:n]
	r.rest = r.rest[n:]
	r.remaining--
	return d, nil
}

// BlockOffset is the file offset of the block of the last datum Next gave.
func (r *Reader) BlockOffset() int64 { return r.blockOff }
