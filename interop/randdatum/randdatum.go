// Package randdatum generates random values of an Avro schema in the Avro
// JSON encoding, the form the Java reference's JsonDecoder reads. Values are
// valid for the schema's logical types too (a uuid string is a UUID, a
// decimal's bytes fit its precision), because generated Go code decodes
// logical types into richer Go types and must be able to hold them.
package randdatum

import (
	"bytes"
	"math"
	"math/big"
	"math/rand/v2"
	"strconv"
	"unicode/utf8"

	"gitlab.com/acme/avroctl/gen/schema"
)

// Options bound the size of generated values.
type Options struct {
	// MaxDepth bounds nesting; past it unions prefer null and arrays and
	// maps are empty, so recursive schemas terminate. 0 means 4.
	MaxDepth int
	// MaxItems bounds array and map lengths. 0 means 3.
	MaxItems int
}

// Generate returns a random value of s as Avro JSON, or nil when s has no
// finite value (a record that requires itself). hasMultiKeyMap reports
// whether the value contains a map with two or more entries: Java writes
// those in hash order and avroctl in sorted order, so their bytes may
// legitimately differ.
func Generate(r *rand.Rand, s schema.Schema, opts Options) (value []byte, hasMultiKeyMap bool) {
	if opts.MaxDepth == 0 {
		opts.MaxDepth = 4
	}
	if opts.MaxItems == 0 {
		opts.MaxItems = 3
	}
	fin := finiteRecords(s)
	if !finite(s, fin) {
		return nil, false // e.g. a record with a required field of its own type
	}
	g := &gen{r: r, opts: opts, finite: fin}
	g.value(s, 0)
	return g.buf.Bytes(), g.multiKeyMap
}

// AllFinite reports whether every record reachable from s has a finite
// value.
func AllFinite(s schema.Schema) bool {
	fin := finiteRecords(s)
	all := true
	walkRecords(s, func(r *schema.Record) { all = all && fin[r] })
	return all
}

// finiteRecords works out, as a fixpoint, which records have a finite
// value: all their fields do. A record that requires itself has none.
func finiteRecords(root schema.Schema) map[*schema.Record]bool {
	var records []*schema.Record
	walkRecords(root, func(r *schema.Record) { records = append(records, r) })
	fin := map[*schema.Record]bool{}
	for changed := true; changed; {
		changed = false
		for _, r := range records {
			if fin[r] {
				continue
			}
			ok := true
			for _, f := range r.Fields {
				ok = ok && finite(f.Type, fin)
			}
			if ok {
				fin[r], changed = true, true
			}
		}
	}
	return fin
}

// finite reports whether s has a finite value, given the finite records.
// Arrays and maps always do: they can be empty.
func finite(s schema.Schema, fin map[*schema.Record]bool) bool {
	switch s := s.(type) {
	case *schema.Record:
		return fin[s]
	case *schema.Union:
		for _, b := range s.Branches {
			if finite(b, fin) {
				return true
			}
		}
		return false
	}
	return true
}

type gen struct {
	r           *rand.Rand
	opts        Options
	buf         bytes.Buffer
	multiKeyMap bool
	finite      map[*schema.Record]bool
}

func (g *gen) str(s string) { g.buf.WriteString(strconv.Quote(s)) }

// bytesStr writes raw bytes the way Avro JSON does: one char per byte.
func (g *gen) bytesStr(b []byte) {
	const hex = "0123456789abcdef"
	g.buf.WriteByte('"')
	for _, c := range b {
		if c < 0x20 || c == '"' || c == '\\' || c >= 0x7f {
			g.buf.WriteString(`\u00`)
			g.buf.WriteByte(hex[c>>4])
			g.buf.WriteByte(hex[c&15])
			continue
		}
		g.buf.WriteByte(c)
	}
	g.buf.WriteByte('"')
}

func (g *gen) value(s schema.Schema, depth int) {
	switch s := s.(type) {
	case *schema.Primitive:
		g.primitive(s)
	case *schema.Record:
		g.buf.WriteByte('{')
		for i, f := range s.Fields {
			if i > 0 {
				g.buf.WriteByte(',')
			}
			g.str(f.Name)
			g.buf.WriteByte(':')
			g.value(f.Type, depth+1)
		}
		g.buf.WriteByte('}')
	case *schema.Enum:
		g.str(s.Symbols[g.r.IntN(len(s.Symbols))])
	case *schema.Fixed:
		g.bytesStr(g.fixedBytes(s))
	case *schema.Array:
		n := g.count(depth)
		g.buf.WriteByte('[')
		for i := 0; i < n; i++ {
			if i > 0 {
				g.buf.WriteByte(',')
			}
			g.value(s.Items, depth+1)
		}
		g.buf.WriteByte(']')
	case *schema.Map:
		n := g.count(depth)
		if n >= 2 {
			g.multiKeyMap = true
		}
		g.buf.WriteByte('{')
		for i := 0; i < n; i++ {
			if i > 0 {
				g.buf.WriteByte(',')
			}
			g.str("k" + strconv.Itoa(i) + g.randString(3))
			g.buf.WriteByte(':')
			g.value(s.Values, depth+1)
		}
		g.buf.WriteByte('}')
	case *schema.Union:
		b := s.Branches[g.r.IntN(len(s.Branches))]
		if !finite(b, g.finite) || depth >= g.opts.MaxDepth {
			// Past the depth limit, or on a branch that never ends: prefer
			// null, then a branch that cannot recurse, then any finite one.
			b = nil
			for _, x := range s.Branches {
				if _, isRec := x.(*schema.Record); x.Type() == schema.Null || (b == nil && !isRec && finite(x, g.finite)) {
					b = x
				}
			}
			for _, x := range s.Branches {
				if b == nil && finite(x, g.finite) {
					b = x
				}
			}
		}
		if b.Type() == schema.Null {
			g.buf.WriteString("null")
			return
		}
		g.buf.WriteByte('{')
		g.str(branchLabel(b))
		g.buf.WriteByte(':')
		g.value(b, depth+1)
		g.buf.WriteByte('}')
	default:
		panic("unreachable")
	}
}

// branchLabel is the union branch key of the Avro JSON encoding: the full
// name of a named type, the type name otherwise (a logical type's base).
func branchLabel(s schema.Schema) string {
	if n, ok := s.(schema.NamedSchema); ok {
		return n.Names().FullName()
	}
	return s.Type().String()
}

func (g *gen) count(depth int) int {
	if depth >= g.opts.MaxDepth {
		return 0
	}
	return g.r.IntN(g.opts.MaxItems + 1)
}

func (g *gen) primitive(p *schema.Primitive) {
	lt := schema.LogicalOf(p)
	switch p.T {
	case schema.Null:
		g.buf.WriteString("null")
	case schema.Boolean:
		g.buf.WriteString(strconv.FormatBool(g.r.IntN(2) == 0))
	case schema.Int:
		var v int64
		switch lt.Name {
		case "date":
			v = g.r.Int64N(200000) - 100000
		case "time-millis":
			v = g.r.Int64N(86_400_000)
		default:
			v = g.intish(32)
		}
		g.buf.WriteString(strconv.FormatInt(v, 10))
	case schema.Long:
		var v int64
		switch lt.Name {
		case "time-micros":
			v = g.r.Int64N(86_400_000_000)
		case "timestamp-millis", "local-timestamp-millis":
			v = g.r.Int64N(8e12) - 4e12
		case "timestamp-micros", "local-timestamp-micros":
			v = g.r.Int64N(8e15) - 4e15
		case "":
			v = g.intish(64)
		default: // nanosecond timestamps: the whole int64 range is valid
			v = g.intish(64)
		}
		g.buf.WriteString(strconv.FormatInt(v, 10))
	case schema.Float:
		f := float32(g.r.NormFloat64() * 1000)
		if g.r.IntN(8) == 0 {
			f = []float32{0, -0.5, math.MaxFloat32, math.SmallestNonzeroFloat32}[g.r.IntN(4)]
		}
		g.buf.WriteString(strconv.FormatFloat(float64(f), 'g', -1, 32))
	case schema.Double:
		f := g.r.NormFloat64() * 1e6
		if g.r.IntN(8) == 0 {
			f = []float64{0, 1.5, math.MaxFloat64, math.SmallestNonzeroFloat64}[g.r.IntN(4)]
		}
		g.buf.WriteString(strconv.FormatFloat(f, 'g', -1, 64))
	case schema.Bytes:
		if lt.Name == "decimal" {
			g.bytesStr(decimalBytes(g.unscaled(lt.Precision), 0))
			return
		}
		b := make([]byte, g.r.IntN(6))
		for i := range b {
			b[i] = byte(g.r.IntN(256))
		}
		g.bytesStr(b)
	case schema.String:
		if lt.Name == "uuid" {
			g.str(g.uuid())
			return
		}
		g.str(g.randString(g.r.IntN(8)))
	default:
		panic("unreachable")
	}
}

// intish returns a random integer of the given width, often an edge value.
func (g *gen) intish(bits int) int64 {
	max := int64(math.MaxInt32)
	if bits == 64 {
		max = math.MaxInt64
	}
	switch g.r.IntN(6) {
	case 0:
		return []int64{0, -1, 1, max, -max - 1, 63, -64, 64}[g.r.IntN(8)]
	case 1:
		return int64(g.r.Uint64()) >> (64 - bits) // full range, sign included
	}
	return g.r.Int64N(2001) - 1000
}

// unscaled returns a random unscaled decimal value with at most precision
// digits.
func (g *gen) unscaled(precision int) *big.Int {
	digits := make([]byte, 1+g.r.IntN(precision))
	for i := range digits {
		digits[i] = byte('0' + g.r.IntN(10))
	}
	v, _ := new(big.Int).SetString(string(digits), 10)
	if g.r.IntN(2) == 0 {
		v.Neg(v)
	}
	return v
}

// decimalBytes is Java's BigInteger.toByteArray: minimal big-endian two's
// complement, sign-extended to size when size > 0 (decimal fixed).
func decimalBytes(v *big.Int, size int) []byte {
	var b []byte
	if v.Sign() >= 0 {
		b = v.Bytes()
		if len(b) == 0 || b[0]&0x80 != 0 {
			b = append([]byte{0}, b...)
		}
	} else {
		// Two's complement of a negative number: 2^(8n) + v.
		n := (v.BitLen() + 8) / 8
		mod := new(big.Int).Lsh(big.NewInt(1), uint(8*n))
		b = new(big.Int).Add(mod, v).Bytes()
		for len(b) < n {
			b = append([]byte{0xff}, b...)
		}
		// Trim redundant leading 0xff bytes, as toByteArray does.
		for len(b) > 1 && b[0] == 0xff && b[1]&0x80 != 0 {
			b = b[1:]
		}
	}
	for size > 0 && len(b) < size {
		pad := byte(0)
		if v.Sign() < 0 {
			pad = 0xff
		}
		b = append([]byte{pad}, b...)
	}
	return b
}

func (g *gen) fixedBytes(f *schema.Fixed) []byte {
	if lt := schema.LogicalOf(f); lt.Name == "decimal" {
		return decimalBytes(g.unscaled(lt.Precision), f.Size)
	}
	b := make([]byte, f.Size)
	for i := range b {
		b[i] = byte(g.r.IntN(256))
	}
	return b
}

func (g *gen) uuid() string {
	const hex = "0123456789abcdef"
	var b []byte
	for i := 0; i < 32; i++ {
		if i == 8 || i == 12 || i == 16 || i == 20 {
			b = append(b, '-')
		}
		b = append(b, hex[g.r.IntN(16)])
	}
	return string(b)
}

var alphabet = []rune("abcXYZ09 _-é€😀\"\\\n")

func (g *gen) randString(n int) string {
	rs := make([]rune, n)
	for i := range rs {
		rs[i] = alphabet[g.r.IntN(len(alphabet))]
	}
	s := string(rs)
	if !utf8.ValidString(s) {
		panic("unreachable")
	}
	return s
}

// walkRecords calls fn once for each record reachable from root.
func walkRecords(root schema.Schema, fn func(*schema.Record)) {
	schema.Walk(root, func(n schema.NamedSchema) {
		if r, ok := n.(*schema.Record); ok {
			fn(r)
		}
	})
}
