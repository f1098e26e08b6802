package avro

import (
	"fmt"
	"math"
)

// MaxZeroSizeItems bounds how many items of zero-size types (null, empty
// records, fixed(0), records of such fields) one value may hold, across
// all its arrays and maps and all their blocks, whether they are decoded
// or skipped. Such items cost no input bytes, so without a bound a 1 MiB
// frame of 3-byte block counts could claim 2^34 items and stall a
// consumer for a minute (or make a reader type whose items do take bytes
// grow without limit). For every other item type a block count larger
// than the remaining input is an error, so the item count is bounded by
// the input's size. Exceeding the limit is a *DecodeError at the offset
// of the block count that crossed it.
const MaxZeroSizeItems = 1 << 16

// Decoder reads Avro binary data from a byte slice. Its first error is
// sticky: after it, every read returns a zero value and Err reports the
// error, so generated code can decode straight-line and check once.
//
// A Decoder is a value type so that decoding needs no allocation; pass it by
// pointer. Its methods read: String reads a string value (it is not a
// description of the Decoder), so do not print a Decoder with %v.
type Decoder struct {
	buf []byte
	off int
	err error
	// depth counts nested recursive records (see Enter).
	depth int
	// str is a string copy of buf, made by the first String call on a
	// small input: every decoded string is then a substring of it, so a
	// record with many strings costs one allocation instead of one each.
	str string
	// strs is a slab that StringPtr hands out pointers from.
	strs []string
	// zeroItems counts the items of zero-size types read so far (see
	// MaxZeroSizeItems).
	zeroItems int64
}

// sharedStringLimit is the largest input whose strings share one copy of
// it. A retained string keeps that copy alive, so larger inputs (which
// might hold one short string beside a large byte array) copy each string
// on its own.
const sharedStringLimit = 8 << 10

// stringSlab is how many strings StringPtr allocates at a time.
const stringSlab = 8

// MaxRecursionDepth bounds how deeply values of recursive record types
// nest. Without it, crafted input (a long run of "next element" union
// indexes) could grow the goroutine stack past Go's limit, which is a fatal
// error rather than a panic; and a record that requires itself recurses
// without consuming input at all. Java's reader overflows its default
// stack at a smaller depth.
const MaxRecursionDepth = 1 << 14

// Enter records one more level of nesting of a recursive record; false
// means MaxRecursionDepth is reached and an error is recorded. Each Enter
// that returned true must be paired with a Leave. Generated DecodeAvro
// methods of recursive types call it.
func (d *Decoder) Enter() bool {
	if d.depth >= MaxRecursionDepth {
		d.failAt(d.off, fmt.Sprintf("recursive records nest deeper than %d levels", MaxRecursionDepth), nil)
		return false
	}
	d.depth++
	return true
}

// Leave ends a level of nesting started by Enter.
func (d *Decoder) Leave() { d.depth-- }

// NewDecoder returns a Decoder reading b.
func NewDecoder(b []byte) Decoder { return Decoder{buf: b} }

// Err returns the first error, or nil.
func (d *Decoder) Err() error { return d.err }

// Offset returns the number of bytes consumed.
func (d *Decoder) Offset() int { return d.off }

// Remaining returns the number of unread bytes.
func (d *Decoder) Remaining() int { return len(d.buf) - d.off }

// Fail records err as the decoder's error unless one is already recorded.
func (d *Decoder) Fail(err error) {
	if d.err == nil {
		d.err = err
	}
}

// Failf records a *DecodeError at the current offset.
func (d *Decoder) Failf(format string, args ...any) {
	d.failAt(d.off, fmt.Sprintf(format, args...), nil)
}

func (d *Decoder) failAt(off int, msg string, cause error) {
	if d.err == nil {
		d.err = &DecodeError{Offset: off, Msg: msg, Err: cause}
	}
	// Stop all further reads: every read checks the remaining length.
	d.off = len(d.buf)
}

func (d *Decoder) short(what string) {
	d.failAt(d.off, what+": "+ErrShortBuffer.Error(), ErrShortBuffer)
}

// Finish returns the first error, or an error if input is left over: a
// datum must be consumed exactly.
func (d *Decoder) Finish() error {
	if d.err == nil && d.off != len(d.buf) {
		return &DecodeError{Offset: d.off, Msg: fmt.Sprintf("%d trailing bytes after the value", len(d.buf)-d.off)}
	}
	return d.err
}

// Long reads a zig-zag varint long (at most 10 bytes).
func (d *Decoder) Long() int64 {
	var u uint64
	start := d.off
	for shift := uint(0); ; shift += 7 {
		if d.off >= len(d.buf) {
			if d.err == nil {
				d.off = start
				d.short("long")
			}
			return 0
		}
		c := d.buf[d.off]
		d.off++
		if shift == 63 && c > 1 {
			d.failAt(start, "varint overflows a long", nil)
			return 0
		}
		u |= uint64(c&0x7f) << shift
		if c < 0x80 {
			break
		}
	}
	return int64(u>>1) ^ -int64(u&1)
}

// Int reads a zig-zag varint int; a value outside the int range is an error.
func (d *Decoder) Int() int32 {
	start := d.off
	v := d.Long()
	if v < math.MinInt32 || v > math.MaxInt32 {
		d.failAt(start, fmt.Sprintf("int value %d out of range", v), nil)
		return 0
	}
	return int32(v)
}

// Bool reads a boolean; bytes other than 0 and 1 are an error.
func (d *Decoder) Bool() bool {
	if d.off >= len(d.buf) {
		if d.err == nil {
			d.short("boolean")
		}
		return false
	}
	c := d.buf[d.off]
	if c > 1 {
		d.failAt(d.off, fmt.Sprintf("invalid boolean byte 0x%02x", c), nil)
		return false
	}
	d.off++
	return c == 1
}

// Float reads a 4-byte little-endian float.
func (d *Decoder) Float() float32 {
	if len(d.buf)-d.off < 4 {
		if d.err == nil {
			d.short("float")
		}
		return 0
	}
	b := d.buf[d.off : d.off+4]
	d.off += 4
	return math.Float32frombits(uint32(b[0]) | uint32(b[1])<<8 | uint32(b[2])<<16 | uint32(b[3])<<24)
}

// Double reads an 8-byte little-endian double.
func (d *Decoder) Double() float64 {
	if len(d.buf)-d.off < 8 {
		if d.err == nil {
			d.short("double")
		}
		return 0
	}
	b := d.buf[d.off : d.off+8]
	d.off += 8
	return math.Float64frombits(uint64(b[0]) | uint64(b[1])<<8 | uint64(b[2])<<16 | uint64(b[3])<<24 |
		uint64(b[4])<<32 | uint64(b[5])<<40 | uint64(b[6])<<48 | uint64(b[7])<<56)
}

// BytesNoCopy reads a length-prefixed byte sequence and returns a slice of
// the input. A length larger than the remaining input is an error, checked
// before anything is allocated.
func (d *Decoder) BytesNoCopy() []byte {
	start := d.off
	n := d.Long()
	if d.err != nil {
		return nil
	}
	if n < 0 {
		d.failAt(start, fmt.Sprintf("negative length %d", n), nil)
		return nil
	}
	if n > int64(len(d.buf)-d.off) {
		d.failAt(start, fmt.Sprintf("length %d exceeds the %d remaining bytes", n, len(d.buf)-d.off), ErrShortBuffer)
		return nil
	}
	b := d.buf[d.off : d.off+int(n) : d.off+int(n)]
	d.off += int(n)
	return b
}

// Bytes reads a length-prefixed byte sequence into a new slice. An empty
// value is a non-nil empty slice.
func (d *Decoder) Bytes() []byte {
	b := d.BytesNoCopy()
	if d.err != nil {
		return nil
	}
	return append([]byte{}, b...)
}

// String reads a length-prefixed string. Strings decoded from an input of
// up to 8 KiB share one copy of the input (see sharedStringLimit).
func (d *Decoder) String() string {
	b := d.BytesNoCopy()
	if len(b) == 0 {
		return ""
	}
	if len(d.buf) > sharedStringLimit {
		return string(b)
	}
	if d.str == "" {
		d.str = string(d.buf)
	}
	return d.str[d.off-len(b) : d.off]
}

// StringPtr reads a string and returns a pointer to it, as a nullable
// string field holds it. The pointers come from slabs of stringSlab
// strings, so several optional strings cost one allocation.
func (d *Decoder) StringPtr() *string {
	s := d.String()
	if len(d.strs) == cap(d.strs) {
		d.strs = make([]string, 0, stringSlab)
	}
	d.strs = append(d.strs, s)
	return &d.strs[len(d.strs)-1]
}

// Fixed fills dst with the next len(dst) bytes.
func (d *Decoder) Fixed(dst []byte) {
	if len(d.buf)-d.off < len(dst) {
		if d.err == nil {
			d.short("fixed")
		}
		return
	}
	d.off += copy(dst, d.buf[d.off:])
}

// FixedNoCopy returns the next n bytes as a slice of the input.
func (d *Decoder) FixedNoCopy(n int) []byte {
	if len(d.buf)-d.off < n {
		if d.err == nil {
			d.short("fixed")
		}
		return nil
	}
	b := d.buf[d.off : d.off+n : d.off+n]
	d.off += n
	return b
}

// Skip advances over n bytes.
func (d *Decoder) Skip(n int) {
	if n < 0 || len(d.buf)-d.off < n {
		if d.err == nil {
			d.short("skip")
		}
		return
	}
	d.off += n
}

// UnionIndex reads a union branch index and checks it against the number of
// branches n.
func (d *Decoder) UnionIndex(n int) int {
	start := d.off
	i := d.Long()
	if d.err != nil {
		return -1
	}
	if i < 0 || i >= int64(n) {
		d.failAt(start, fmt.Sprintf("union branch index %d out of range [0,%d)", i, n), nil)
		return -1
	}
	return int(i)
}

// EnumIndex reads an enum symbol index and checks it against the number of
// symbols n.
func (d *Decoder) EnumIndex(n int) int {
	start := d.off
	i := d.Int()
	if d.err != nil {
		return 0
	}
	if i < 0 || int(i) >= n {
		d.failAt(start, fmt.Sprintf("enum symbol index %d out of range [0,%d)", i, n), nil)
		return 0
	}
	return int(i)
}

// BlockCount reads the item count of the next array or map block; 0 means
// the collection has ended (or an error occurred). A negative count is
// followed by the block's byte size, which is read and ignored.
//
// minItemSize is the fewest bytes one item can encode to. The count is
// checked against the remaining input before the caller allocates: each
// item needs at least minItemSize bytes, and the items of zero-size types
// (minItemSize 0) of the whole value are capped at MaxZeroSizeItems.
func (d *Decoder) BlockCount(minItemSize int) int {
	if d.err != nil {
		return 0
	}
	start := d.off
	n := d.Long()
	if d.err != nil {
		return 0
	}
	if n < 0 {
		if n == math.MinInt64 {
			d.failAt(start, "invalid block count", nil)
			return 0
		}
		n = -n
		size := d.Long()
		if d.err != nil {
			return 0
		}
		if size < 0 || size > int64(len(d.buf)-d.off) {
			d.failAt(start, fmt.Sprintf("block size %d exceeds the %d remaining bytes", size, len(d.buf)-d.off), ErrShortBuffer)
			return 0
		}
	}
	rem := int64(len(d.buf) - d.off)
	if minItemSize > 0 {
		if n > rem/int64(minItemSize) {
			d.failAt(start, fmt.Sprintf("block count %d exceeds what the %d remaining bytes can hold", n, rem), ErrShortBuffer)
			return 0
		}
	} else if n > MaxZeroSizeItems-d.zeroItems {
		d.failAt(start, fmt.Sprintf("block count %d takes the value's items of zero-size type (null or empty records) past the limit of %d (%d so far)",
			n, MaxZeroSizeItems, d.zeroItems), nil)
		return 0
	} else {
		d.zeroItems += n
	}
	return int(n)
}
