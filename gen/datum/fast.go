package datum

import (
	"encoding/binary"
	"math"
	"strconv"

	"gitlab.com/acme/avroctl/gen/golang/runtime/avro"
)

// The fast path. Decoding a long stream (ocf tojson) spent most of its time
// in the interpreter's bookkeeping rather than in the bytes: a switch on the
// node kind, an error check after every read, depth tracking, the path of
// an error. The fast path is the same tree compiled once into closures
// (fop) that read the bytes themselves and check nothing but what keeps
// them in bounds: any anomaly only ends the decoding (see below), and the
// caller then decodes the datum again with the
// interpreter (decoder.run), which writes the exact error, path and
// offset. So errors cost two decodings, and the fast path must only ever
// succeed where the interpreter succeeds with the same JSON: it checks
// every condition the interpreter (and the runtime Decoder it calls)
// checks, or a stricter one. FuzzFastAgrees holds it to that. The reads
// below repeat avro.Decoder's (Long, Int, Bool, BytesNoCopy, BlockCount,
// UnionIndex, EnumIndex): a check added there must be added here too.
//
// Only schemas that are not recursive and nest at most maxFastDepth levels
// get a fast path: then no depth check is needed (MaxDepth cannot be
// reached) and the Go stack is bounded by the schema. Nor do schemas with
// collections of zero-size items: their count cap (avro.MaxZeroSizeItems)
// is state across the whole datum, and such schemas are rare.
//
// The state travels in arguments and results, not in a struct behind a
// pointer: a pointer handed to a closure escapes, and then every append to
// the output stored a slice into the heap, under the GC's write barrier,
// and each datum cost an allocation (measured: slower than the
// interpreter). A failed read returns the offset len(buf)+1, which every
// later read also treats as a failure.

// maxFastDepth bounds the nesting of a schema that gets a fast path; far
// below MaxDepth.
const maxFastDepth = 64

// maxFastNodes bounds the closures made for one schema: a named type used
// in several places is compiled once per use, so a schema that shares
// types at every level could otherwise grow exponentially.
const maxFastNodes = 1 << 12

// fop decodes one value at buf[off:], appends its JSON to out, first its
// prefix (a field's `,"name":`, a union branch's `{"name":`, or nothing),
// and returns the offset after it, or len(buf)+1 on any anomaly. out
// holds only this datum's JSON, so len(out) is what MaxOutput bounds.
type fop func(buf []byte, off int, out []byte) (int, []byte)

// readLong reads a zig-zag varint exactly as avro.Decoder.Long does; a
// one-byte varint (small lengths, counts, indexes) is read inline.
func readLong(buf []byte, off int) (int64, int) {
	if uint(off) < uint(len(buf)) {
		if c := buf[off]; c < 0x80 {
			return int64(c>>1) ^ -int64(c&1), off + 1
		}
	}
	return readLongSlow(buf, off)
}

func readLongSlow(buf []byte, off int) (int64, int) {
	var u uint64
	for shift := uint(0); ; shift += 7 {
		if off >= len(buf) {
			return 0, len(buf) + 1
		}
		c := buf[off]
		off++
		if shift == 63 && c > 1 {
			return 0, len(buf) + 1
		}
		u |= uint64(c&0x7f) << shift
		if c < 0x80 {
			break
		}
	}
	return int64(u>>1) ^ -int64(u&1), off
}

// readBytes reads a length-prefixed byte sequence (avro.Decoder.BytesNoCopy).
func readBytes(buf []byte, off int) ([]byte, int) {
	n, off := readLong(buf, off)
	if n < 0 || n > int64(len(buf)-off) {
		return nil, len(buf) + 1
	}
	return buf[off : off+int(n)], off + int(n)
}

// readIndex reads a union branch or enum symbol index below n, or fails
// and returns -1.
func readIndex(buf []byte, off, n int) (int, int) {
	i, off := readLong(buf, off)
	if i < 0 || i >= int64(n) {
		return -1, len(buf) + 1
	}
	return int(i), off
}

// readBlockCount is avro.Decoder.BlockCount's checks, without its messages,
// for items of at least one byte (minItemSize > 0).
func readBlockCount(buf []byte, off, minItemSize int) (int, int) {
	n, off := readLong(buf, off)
	if n < 0 {
		if n == math.MinInt64 {
			return 0, len(buf) + 1
		}
		n = -n
		var size int64
		size, off = readLong(buf, off)
		if size < 0 || size > int64(len(buf)-off) {
			return 0, len(buf) + 1
		}
	}
	if off > len(buf) || n > int64(len(buf)-off)/int64(minItemSize) {
		return 0, len(buf) + 1
	}
	return int(n), off
}

// plainString reports whether b is all plain ASCII (plainASCII), a JSON
// string as it is: most strings of real records are (ids, codes, names),
// and then they are copied with their quotes in one go. It tests eight
// bytes at a time as plainPrefix does, the last word overlapping the one
// before; the word test may say no to a plain word, and then
// appendQuotedBytes, which is exact, writes the string.
func plainString(b []byte) bool {
	if len(b) < 8 {
		for _, c := range b {
			if !plainASCII[c] {
				return false
			}
		}
		return true
	}
	for i := 0; i+8 <= len(b); i += 8 {
		if !plainWord(binary.LittleEndian.Uint64(b[i:])) {
			return false
		}
	}
	return plainWord(binary.LittleEndian.Uint64(b[len(b)-8:]))
}

// plainWord is plainPrefix's test of eight bytes.
func plainWord(x uint64) bool {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	q := x ^ (ones * '"')
	bs := x ^ (ones * '\\')
	special := (x-ones*0x20)&^x | (q-ones)&^q | (bs-ones)&^bs | x
	return special&highs == 0
}

// collection decodes an array or a map: blocks of items, comma-separated
// between open and close. A map's items (close '}') are entries: a key,
// then the item, whose prefix is the ':'. The key is read here, not in a
// closure of its own: a call more per entry measured 5% on tojson.
func collection(open []byte, close byte, min int, surrogates bool, item fop) fop {
	keyed := close == '}'
	return func(buf []byte, off int, out []byte) (int, []byte) {
		out = append(out, open...)
		k := 0
		for {
			var c int
			if c, off = readBlockCount(buf, off, min); c == 0 {
				break
			}
			for range c {
				// MaxOutput, as the interpreter checks it before every
				// nested value: a small input must not grow the JSON far
				// past it before the interpreter reports it.
				if len(out) > MaxOutput {
					return len(buf) + 1, out
				}
				if k > 0 {
					out = append(out, ',')
				}
				k++
				if keyed {
					var key []byte
					key, off = readBytes(buf, off)
					out = appendQuotedBytes(out, key, surrogates)
				}
				off, out = item(buf, off, out)
			}
		}
		return off, append(out, close)
	}
}

// fastCompiler makes the closures of a Program's fast path.
type fastCompiler struct {
	f Format
	// open holds the records being compiled: meeting one again means the
	// schema is recursive.
	open  map[*pnode]bool
	nodes int
	ok    bool
}

// compileFast returns the fast path of root, or nil when the schema has
// none (recursive, too deep, too large, zero-size items, or an unsupported
// node).
func compileFast(root *pnode, f Format) fop {
	c := fastCompiler{f: f, open: map[*pnode]bool{}, ok: true}
	op := c.node(root, nil, 0)
	if !c.ok {
		return nil
	}
	return op
}

// with returns pre followed by more, in a new slice.
func with(pre []byte, more ...byte) []byte {
	return append(append([]byte(nil), pre...), more...)
}

func (c *fastCompiler) node(n *pnode, pre []byte, depth int) fop {
	c.nodes++
	if c.nodes > maxFastNodes || depth > maxFastDepth {
		c.ok = false
		return nil
	}
	surrogates := c.f == AvroJSON
	switch n.kind {
	case kNull:
		text := with(pre, []byte("null")...)
		return func(buf []byte, off int, out []byte) (int, []byte) {
			return off, append(out, text...)
		}
	case kBoolean:
		return func(buf []byte, off int, out []byte) (int, []byte) {
			if off >= len(buf) || buf[off] > 1 {
				return len(buf) + 1, out
			}
			out = append(out, pre...)
			return off + 1, strconv.AppendBool(out, buf[off] == 1)
		}
	case kInt:
		return func(buf []byte, off int, out []byte) (int, []byte) {
			v, off := readLong(buf, off)
			if v < math.MinInt32 || v > math.MaxInt32 {
				return len(buf) + 1, out
			}
			out = append(out, pre...)
			return off, strconv.AppendInt(out, v, 10)
		}
	case kLong:
		return func(buf []byte, off int, out []byte) (int, []byte) {
			v, off := readLong(buf, off)
			out = append(out, pre...)
			return off, strconv.AppendInt(out, v, 10)
		}
	case kFloat:
		return func(buf []byte, off int, out []byte) (int, []byte) {
			if off > len(buf)-4 {
				return len(buf) + 1, out
			}
			b := buf[off : off+4]
			out = append(out, pre...)
			return off + 4, avro.AppendJSONFloat(out, math.Float32frombits(binary.LittleEndian.Uint32(b)))
		}
	case kDouble:
		return func(buf []byte, off int, out []byte) (int, []byte) {
			if off > len(buf)-8 {
				return len(buf) + 1, out
			}
			b := buf[off : off+8]
			out = append(out, pre...)
			return off + 8, avro.AppendJSONDouble(out, math.Float64frombits(binary.LittleEndian.Uint64(b)))
		}
	case kBytes:
		return func(buf []byte, off int, out []byte) (int, []byte) {
			b, off := readBytes(buf, off)
			out = append(out, pre...)
			return off, avro.AppendJSONBytes(out, b)
		}
	case kString:
		// The opening quote joins the prefix.
		preq := with(pre, '"')
		return func(buf []byte, off int, out []byte) (int, []byte) {
			b, off := readBytes(buf, off)
			if plainString(b) {
				out = append(out, preq...)
				out = append(out, b...)
				return off, append(out, '"')
			}
			out = append(out, pre...)
			return off, appendQuotedBytes(out, b, surrogates)
		}
	case kEnum:
		symbols := make([][]byte, len(n.symbols))
		for i, s := range n.symbols {
			symbols[i] = with(pre, s...)
		}
		return func(buf []byte, off int, out []byte) (int, []byte) {
			// EnumIndex reads an int: an index past the int range fails
			// there as it fails here.
			i, off := readIndex(buf, off, len(symbols))
			if i < 0 {
				return off, out
			}
			return off, append(out, symbols[i]...)
		}
	case kFixed:
		size := n.size
		return func(buf []byte, off int, out []byte) (int, []byte) {
			if off > len(buf)-size {
				return len(buf) + 1, out
			}
			out = append(out, pre...)
			return off + size, avro.AppendJSONBytes(out, buf[off:off+size])
		}
	case kRecord:
		if c.open[n] {
			c.ok = false
			return nil
		}
		c.open[n] = true
		defer delete(c.open, n)
		if len(n.fields) == 0 {
			text := with(pre, []byte("{}")...)
			return func(buf []byte, off int, out []byte) (int, []byte) {
				return off, append(out, text...)
			}
		}
		// The record's own prefix joins its first field's.
		fields := make([]fop, len(n.fields))
		for i := range n.fields {
			p := n.fields[i].prefix
			if i == 0 {
				p = with(pre, p...)
			}
			fields[i] = c.node(n.fields[i].n, p, depth+1)
		}
		return func(buf []byte, off int, out []byte) (int, []byte) {
			for _, f := range fields {
				off, out = f(buf, off, out)
			}
			return off, append(out, '}')
		}
	case kArray:
		if n.min == 0 {
			c.ok = false
			return nil
		}
		return collection(with(pre, '['), ']', n.min, false, c.node(n.items, nil, depth+1))
	case kMap:
		return collection(with(pre, '{'), '}', n.min, surrogates, c.node(n.items, []byte{':'}, depth+1))
	case kUnion:
		branches := make([]fop, len(n.branches))
		closes := make([]bool, len(n.branches))
		for i, b := range n.branches {
			branches[i] = c.node(b.n, with(pre, b.open...), depth+1)
			closes[i] = b.open != nil
		}
		return func(buf []byte, off int, out []byte) (int, []byte) {
			i, off := readIndex(buf, off, len(branches))
			if i < 0 {
				return off, out
			}
			off, out = branches[i](buf, off, out)
			if closes[i] {
				out = append(out, '}')
			}
			return off, out
		}
	}
	c.ok = false
	return nil
}
