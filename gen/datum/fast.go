package datum

import (
	"math"
	"strconv"

	"gitlab.com/acme/avroctl/gen/golang/runtime/avro"
)

// The fast path. Decoding a long stream (ocf tojson) spent most of its time
// in the interpreter's bookkeeping rather than in the bytes: a switch on the
// node kind, an error check after every read, depth tracking, the path of
// an error. The fast path is the same tree compiled once into closures
// (fop) that read the bytes themselves and check nothing but what keeps
// them in bounds: any anomaly only marks the decoding bad and stops
// further reads, and the caller then decodes the datum again with the
// interpreter (decoder.run), which writes the exact error, path and
// offset. So errors cost two decodings, and the fast path must only ever
// succeed where the interpreter succeeds with the same JSON: it checks
// every condition the interpreter (and the runtime Decoder it calls)
// checks, or a stricter one. FuzzFastAgrees holds it to that.
//
// Only schemas that are not recursive and nest at most maxFastDepth levels
// get a fast path: then no depth check is needed (MaxDepth cannot be
// reached) and the Go stack is bounded by the schema.

// maxFastDepth bounds the nesting of a schema that gets a fast path; far
// below MaxDepth.
const maxFastDepth = 64

// maxFastNodes bounds the closures made for one schema: a named type used
// in several places is compiled once per use, so a schema that shares
// types at every level could otherwise grow exponentially.
const maxFastNodes = 1 << 12

// fdec is the fast path's state.
type fdec struct {
	buf []byte
	off int
	out []byte
	// base is where this datum's JSON starts in out.
	base int
	// bad is set at the first anomaly; reads then return zero values
	// (off is at the end of buf) and the JSON is thrown away.
	bad bool
	// zeroItems counts items of zero-size types, as avro.Decoder does.
	zeroItems int64
}

// fop decodes one value, first appending its prefix (a field's
// `,"name":`, a union branch's `{"name":`, or nothing).
type fop func(d *fdec)

func (d *fdec) fail() {
	d.bad = true
	d.off = len(d.buf)
}

// long reads a zig-zag varint exactly as avro.Decoder.Long does; a
// one-byte varint (small lengths, counts, indexes) is read inline.
func (d *fdec) long() int64 {
	if d.off < len(d.buf) {
		if c := d.buf[d.off]; c < 0x80 {
			d.off++
			return int64(c>>1) ^ -int64(c&1)
		}
	}
	return d.longSlow()
}

func (d *fdec) longSlow() int64 {
	var u uint64
	for shift := uint(0); ; shift += 7 {
		if d.off >= len(d.buf) {
			d.fail()
			return 0
		}
		c := d.buf[d.off]
		d.off++
		if shift == 63 && c > 1 {
			d.fail()
			return 0
		}
		u |= uint64(c&0x7f) << shift
		if c < 0x80 {
			break
		}
	}
	return int64(u>>1) ^ -int64(u&1)
}

// bytes reads a length-prefixed byte sequence (avro.Decoder.BytesNoCopy).
func (d *fdec) bytes() []byte {
	n := d.long()
	if n < 0 || n > int64(len(d.buf)-d.off) {
		d.fail()
		return nil
	}
	b := d.buf[d.off : d.off+int(n)]
	d.off += int(n)
	return b
}

// index reads a union branch or enum symbol index below n, or fails and
// returns -1.
func (d *fdec) index(n int) int {
	i := d.long()
	if i < 0 || i >= int64(n) {
		d.fail()
		return -1
	}
	return int(i)
}

// blockCount is avro.Decoder.BlockCount's checks without its messages.
func (d *fdec) blockCount(minItemSize int) int {
	n := d.long()
	if n < 0 {
		if n == math.MinInt64 {
			d.fail()
			return 0
		}
		n = -n
		size := d.long()
		if size < 0 || size > int64(len(d.buf)-d.off) {
			d.fail()
			return 0
		}
	}
	if d.bad {
		return 0
	}
	rem := int64(len(d.buf) - d.off)
	if minItemSize > 0 {
		if n > rem/int64(minItemSize) {
			d.fail()
			return 0
		}
	} else if n > avro.MaxZeroSizeItems-d.zeroItems {
		d.fail()
		return 0
	} else {
		d.zeroItems += n
	}
	return int(n)
}

// appendString quotes a decoded string. Most strings of real records are
// short and plain ASCII: they are checked with the table and copied in one
// append; anything else goes through appendQuotedBytes.
func appendString(dst, b []byte, surrogates bool) []byte {
	if len(b) <= 32 {
		plain := true
		for _, c := range b {
			plain = plain && plainASCII[c]
		}
		if plain {
			dst = append(dst, '"')
			dst = append(dst, b...)
			return append(dst, '"')
		}
	}
	return appendQuotedBytes(dst, b, surrogates)
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
// none (recursive, too deep, too large, or an unsupported node).
func compileFast(root *pnode, f Format) fop {
	c := fastCompiler{f: f, open: map[*pnode]bool{}, ok: true}
	op := c.node(root, nil, 0)
	if !c.ok {
		return nil
	}
	return op
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
		text := append(append([]byte(nil), pre...), "null"...)
		return func(d *fdec) { d.out = append(d.out, text...) }
	case kBoolean:
		return func(d *fdec) {
			d.out = append(d.out, pre...)
			if d.off >= len(d.buf) || d.buf[d.off] > 1 {
				d.fail()
				return
			}
			d.out = strconv.AppendBool(d.out, d.buf[d.off] == 1)
			d.off++
		}
	case kInt:
		return func(d *fdec) {
			d.out = append(d.out, pre...)
			v := d.long()
			if v < math.MinInt32 || v > math.MaxInt32 {
				d.fail()
			}
			d.out = strconv.AppendInt(d.out, v, 10)
		}
	case kLong:
		return func(d *fdec) {
			d.out = append(d.out, pre...)
			d.out = strconv.AppendInt(d.out, d.long(), 10)
		}
	case kFloat:
		return func(d *fdec) {
			d.out = append(d.out, pre...)
			if len(d.buf)-d.off < 4 {
				d.fail()
				return
			}
			b := d.buf[d.off : d.off+4]
			d.off += 4
			d.out = avro.AppendJSONFloat(d.out, math.Float32frombits(uint32(b[0])|uint32(b[1])<<8|uint32(b[2])<<16|uint32(b[3])<<24))
		}
	case kDouble:
		return func(d *fdec) {
			d.out = append(d.out, pre...)
			if len(d.buf)-d.off < 8 {
				d.fail()
				return
			}
			b := d.buf[d.off : d.off+8]
			d.off += 8
			d.out = avro.AppendJSONDouble(d.out, math.Float64frombits(uint64(b[0])|uint64(b[1])<<8|uint64(b[2])<<16|uint64(b[3])<<24|
				uint64(b[4])<<32|uint64(b[5])<<40|uint64(b[6])<<48|uint64(b[7])<<56))
		}
	case kBytes:
		return func(d *fdec) {
			d.out = append(d.out, pre...)
			d.out = avro.AppendJSONBytes(d.out, d.bytes())
		}
	case kString:
		return func(d *fdec) {
			d.out = append(d.out, pre...)
			d.out = appendString(d.out, d.bytes(), surrogates)
		}
	case kEnum:
		symbols := make([][]byte, len(n.symbols))
		for i, s := range n.symbols {
			symbols[i] = append(append([]byte(nil), pre...), s...)
		}
		return func(d *fdec) {
			// EnumIndex reads an int: an index past the int range fails
			// there, as it fails here.
			if i := d.index(len(symbols)); i >= 0 {
				d.out = append(d.out, symbols[i]...)
			}
		}
	case kFixed:
		size := n.size
		return func(d *fdec) {
			d.out = append(d.out, pre...)
			if len(d.buf)-d.off < size {
				d.fail()
				return
			}
			d.out = avro.AppendJSONBytes(d.out, d.buf[d.off:d.off+size])
			d.off += size
		}
	case kRecord:
		if c.open[n] {
			c.ok = false
			return nil
		}
		c.open[n] = true
		defer delete(c.open, n)
		if len(n.fields) == 0 {
			text := append(append([]byte(nil), pre...), "{}"...)
			return func(d *fdec) { d.out = append(d.out, text...) }
		}
		// The record's own prefix joins its first field's.
		fields := make([]fop, len(n.fields))
		for i := range n.fields {
			p := n.fields[i].prefix
			if i == 0 {
				p = append(append([]byte(nil), pre...), p...)
			}
			fields[i] = c.node(n.fields[i].n, p, depth+1)
		}
		return func(d *fdec) {
			for _, f := range fields {
				f(d)
			}
			d.out = append(d.out, '}')
		}
	case kArray:
		open := append(append([]byte(nil), pre...), '[')
		item := c.node(n.items, nil, depth+1)
		return c.collection(open, ']', n.min, func(d *fdec, k int) {
			if k > 0 {
				d.out = append(d.out, ',')
			}
			item(d)
		})
	case kMap:
		open := append(append([]byte(nil), pre...), '{')
		value := c.node(n.items, []byte{':'}, depth+1)
		return c.collection(open, '}', n.min, func(d *fdec, k int) {
			if k > 0 {
				d.out = append(d.out, ',')
			}
			d.out = appendQuotedBytes(d.out, d.bytes(), surrogates)
			value(d)
		})
	case kUnion:
		branches := make([]fop, len(n.branches))
		wrapped := make([]bool, len(n.branches))
		for i, b := range n.branches {
			p := append(append([]byte(nil), pre...), b.open...)
			branches[i] = c.node(b.n, p, depth+1)
			wrapped[i] = b.open != nil
		}
		return func(d *fdec) {
			i := d.index(len(branches))
			if i < 0 {
				return
			}
			branches[i](d)
			if wrapped[i] {
				d.out = append(d.out, '}')
			}
		}
	}
	c.ok = false
	return nil
}

// collection decodes an array's or a map's blocks. Its JSON is checked
// against MaxOutput before every item, as the interpreter checks it before
// every nested value, so that zero-size items cannot make it grow far past
// the limit before the interpreter reruns and reports it.
func (c *fastCompiler) collection(open []byte, close byte, min int, item func(d *fdec, k int)) fop {
	return func(d *fdec) {
		d.out = append(d.out, open...)
		k := 0
		for {
			n := d.blockCount(min)
			if n == 0 {
				break
			}
			for range n {
				if d.bad || len(d.out)-d.base > MaxOutput {
					d.fail()
					return
				}
				item(d, k)
				k++
			}
		}
		d.out = append(d.out, close)
	}
}
