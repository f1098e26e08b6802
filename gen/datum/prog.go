package datum

import (
	"fmt"
	"strconv"

	"gitlab.com/acme/avroctl/gen/golang/runtime/avro"
	"gitlab.com/acme/avroctl/gen/schema"
)

// A Program is a schema compiled for decoding into one JSON format: the
// JSON text every field name, enum symbol and union wrapper writes is made
// once, as is the minimum size of a collection's items, so that decoding a
// long stream (a container file, a topic) only walks a tree of plain
// structs instead of switching on schema interfaces and quoting the same
// names for every record. A Program is read-only and may be shared by
// concurrent decoders.
type Program struct {
	root   *pnode
	format Format
	// fast is the fast path (see fast.go); nil when the schema has none.
	fast fop
}

// Node kinds: the primitive types, then the complex ones.
type pkind uint8

const (
	kNull pkind = iota
	kBoolean
	kInt
	kLong
	kFloat
	kDouble
	kBytes
	kString
	kRecord
	kEnum
	kFixed
	kArray
	kMap
	kUnion
	kUnsupported
)

type pnode struct {
	kind pkind
	// record
	fields []pfield
	// enum: the symbols, quoted
	symbols [][]byte
	// fixed
	size int
	// array, map: the item's node and minimum encoded size (a map entry's
	// includes its key's length byte)
	items *pnode
	min   int
	// union
	branches []pbranch
	// unsupported: the schema node's Go type, for the error
	what string
}

type pfield struct {
	// prefix is `{"name":` for the first field and `,"name":` after it.
	prefix []byte
	seg    string // ".name", the error path segment
	n      *pnode
}

type pbranch struct {
	// open is `{"full name":` when the value is wrapped (Avro JSON, not
	// null), else nil.
	open []byte
	seg  string // "<full name>"
	n    *pnode
}

// Compile readies s for decoding into format f. It costs time and memory
// proportional to the size of s; recursive types become cycles.
func Compile(s schema.Schema, f Format) *Program {
	c := compiler{f: f, named: map[schema.Schema]*pnode{}}
	root := c.node(s)
	return &Program{root: root, format: f, fast: compileFast(root, f)}
}

type compiler struct {
	f     Format
	named map[schema.Schema]*pnode
}

func (c *compiler) node(s schema.Schema) *pnode {
	if n, ok := c.named[s]; ok {
		return n
	}
	switch s := s.(type) {
	case *schema.Primitive:
		switch s.T {
		case schema.Null:
			return &pnode{kind: kNull}
		case schema.Boolean:
			return &pnode{kind: kBoolean}
		case schema.Int:
			return &pnode{kind: kInt}
		case schema.Long:
			return &pnode{kind: kLong}
		case schema.Float:
			return &pnode{kind: kFloat}
		case schema.Double:
			return &pnode{kind: kDouble}
		case schema.Bytes:
			return &pnode{kind: kBytes}
		case schema.String:
			return &pnode{kind: kString}
		}
		return &pnode{kind: kUnsupported, what: "primitive type " + s.T.String()}
	case *schema.Record:
		n := &pnode{kind: kRecord}
		c.named[s] = n // before the fields: they may refer back
		n.fields = make([]pfield, len(s.Fields))
		for i, f := range s.Fields {
			sep := byte(',')
			if i == 0 {
				sep = '{'
			}
			p := appendQuoted([]byte{sep}, f.Name)
			n.fields[i] = pfield{prefix: append(p, ':'), seg: "." + f.Name, n: c.node(f.Type)}
		}
		return n
	case *schema.Enum:
		n := &pnode{kind: kEnum, symbols: make([][]byte, len(s.Symbols))}
		for i, sym := range s.Symbols {
			n.symbols[i] = appendQuoted(nil, sym)
		}
		c.named[s] = n
		return n
	case *schema.Fixed:
		n := &pnode{kind: kFixed, size: s.Size}
		c.named[s] = n
		return n
	case *schema.Array:
		return &pnode{kind: kArray, items: c.node(s.Items), min: schema.MinSize(s.Items)}
	case *schema.Map:
		// A map entry is at least its key's length byte.
		return &pnode{kind: kMap, items: c.node(s.Values), min: 1 + schema.MinSize(s.Values)}
	case *schema.Union:
		n := &pnode{kind: kUnion, branches: make([]pbranch, len(s.Branches))}
		for i, b := range s.Branches {
			name := BranchName(b)
			br := pbranch{seg: "<" + name + ">", n: c.node(b)}
			if c.f == AvroJSON && b.Type() != schema.Null {
				br.open = append(appendQuoted([]byte{'{'}, name), ':')
			}
			n.branches[i] = br
		}
		return n
	}
	return &pnode{kind: kUnsupported, what: "schema node " + typeName(s)}
}

func typeName(s schema.Schema) string { return fmt.Sprintf("%T", s) }

// Decode decodes data, one datum that must be consumed exactly, and
// returns its JSON (compact, no trailing newline).
func (p *Program) Decode(data []byte) ([]byte, error) {
	if p.fast != nil {
		if off, out := p.fast(data, 0, nil); off == len(data) && len(out) <= MaxOutput {
			return out, nil
		}
		// An error: the interpreter finds and locates it.
	}
	return p.decodeSlow(data)
}

// decodeSlow is Decode by the interpreter alone.
func (p *Program) decodeSlow(data []byte) ([]byte, error) {
	d := &decoder{d: avro.NewDecoder(data), format: p.format}
	d.run(p.root)
	if err := d.d.Finish(); err != nil {
		return nil, d.located(err)
	}
	return d.out, nil
}

// AppendNext decodes the datum at the start of data, which may be followed
// by more, appends its JSON to dst and returns it with the number of bytes
// the datum took. On an error dst is returned as it was given.
func (p *Program) AppendNext(dst, data []byte) ([]byte, int, error) {
	if p.fast != nil {
		// The datum's JSON is appended in dst's spare capacity, as a
		// slice of its own: len(out) is then the datum's length.
		off, out := p.fast(data, 0, dst[len(dst):])
		if off <= len(data) && len(out) <= MaxOutput {
			if len(out) <= cap(dst)-len(dst) && (len(out) == 0 || &dst[:len(dst)+1][len(dst)] == &out[0]) {
				return dst[:len(dst)+len(out)], off, nil // written in place
			}
			return append(dst, out...), off, nil // out grew into a new array
		}
		// An error: the interpreter finds and locates it.
	}
	return p.appendNextSlow(dst, data)
}

// appendNextSlow is AppendNext by the interpreter alone.
func (p *Program) appendNextSlow(dst, data []byte) ([]byte, int, error) {
	d := &decoder{d: avro.NewDecoder(data), format: p.format, out: dst, base: len(dst)}
	d.run(p.root)
	if err := d.d.Err(); err != nil {
		return dst, 0, d.located(err)
	}
	return d.out, d.d.Offset(), nil
}

func (d *decoder) run(n *pnode) {
	if d.d.Err() != nil {
		return
	}
	switch n.kind {
	case kNull:
		d.out = append(d.out, "null"...)
	case kBoolean:
		v := d.d.Bool()
		if d.failed() {
			return
		}
		d.out = strconv.AppendBool(d.out, v)
	case kInt:
		v := d.d.Int()
		if d.failed() {
			return
		}
		d.out = strconv.AppendInt(d.out, int64(v), 10)
	case kLong:
		v := d.d.Long()
		if d.failed() {
			return
		}
		d.out = strconv.AppendInt(d.out, v, 10)
	case kFloat:
		v := d.d.Float()
		if d.failed() {
			return
		}
		d.out = avro.AppendJSONFloat(d.out, v)
	case kDouble:
		v := d.d.Double()
		if d.failed() {
			return
		}
		d.out = avro.AppendJSONDouble(d.out, v)
	case kBytes:
		b := d.d.BytesNoCopy()
		if d.failed() {
			return
		}
		d.out = avro.AppendJSONBytes(d.out, b)
	case kString:
		b := d.d.BytesNoCopy()
		if d.failed() {
			return
		}
		d.out = appendQuotedBytes(d.out, b, d.format == AvroJSON)
	case kRecord:
		if !d.enter() {
			return
		}
		if len(n.fields) == 0 {
			d.out = append(d.out, '{')
		}
		for i := range n.fields {
			f := &n.fields[i]
			d.out = append(d.out, f.prefix...)
			d.run(f.n)
			if d.d.Err() != nil {
				d.segs = append(d.segs, f.seg)
				break
			}
		}
		d.out = append(d.out, '}')
		d.depth--
	case kEnum:
		i := d.d.EnumIndex(len(n.symbols))
		if d.failed() {
			return
		}
		d.out = append(d.out, n.symbols[i]...)
	case kFixed:
		b := d.d.FixedNoCopy(n.size)
		if d.failed() {
			return
		}
		d.out = avro.AppendJSONBytes(d.out, b)
	case kArray:
		if !d.enter() {
			return
		}
		d.out = append(d.out, '[')
		k := 0
		for {
			c := d.d.BlockCount(n.min)
			if d.failed() || c == 0 {
				break
			}
			for j := 0; j < c && d.d.Err() == nil; j++ {
				if k > 0 {
					d.out = append(d.out, ',')
				}
				d.run(n.items)
				if d.d.Err() != nil {
					d.segs = append(d.segs, "["+strconv.Itoa(k)+"]")
				}
				k++
			}
		}
		d.out = append(d.out, ']')
		d.depth--
	case kMap:
		if !d.enter() {
			return
		}
		d.out = append(d.out, '{')
		k := 0
		for {
			c := d.d.BlockCount(n.min)
			if d.failed() || c == 0 {
				break
			}
			for j := 0; j < c && d.d.Err() == nil; j++ {
				key := d.d.BytesNoCopy()
				if d.failed() {
					break
				}
				if k > 0 {
					d.out = append(d.out, ',')
				}
				d.out = appendQuotedBytes(d.out, key, d.format == AvroJSON)
				d.out = append(d.out, ':')
				d.run(n.items)
				if d.d.Err() != nil {
					d.segs = append(d.segs, "["+strconv.Quote(string(key))+"]")
				}
				k++
			}
		}
		d.out = append(d.out, '}')
		d.depth--
	case kUnion:
		if !d.enter() {
			return
		}
		i := d.d.UnionIndex(len(n.branches))
		if d.failed() {
			d.depth--
			return
		}
		b := &n.branches[i]
		if b.open != nil {
			d.out = append(d.out, b.open...)
			d.run(b.n)
			if d.d.Err() != nil {
				d.segs = append(d.segs, b.seg)
			}
			d.out = append(d.out, '}')
		} else {
			d.run(b.n)
		}
		d.depth--
	default:
		d.fail("unsupported %s", n.what)
	}
}
