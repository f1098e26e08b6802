// Package random generates seeded, deterministic, valid random values of an
// Avro schema, in the Avro binary encoding (gen/datum renders them as JSON).
// It backs `avroctl random`, the counterpart of avro-tools `random`.
//
// Values are valid for the schema's logical types too: a decimal fits its
// precision, a uuid string is a UUID, a time of day is within a day, a
// timestamp is in years 1900-2199, a duration's three parts are small, so
// that generated Go code (which decodes logical types into richer Go types)
// and Java's conversions can hold every value.
//
// Output is finite for any schema that has a finite value: past
// Options.MaxDepth (or Options.MaxElements) unions take their shallowest
// branch and arrays and maps are empty, and a record reached there only leads to strictly shallower
// records (see rank). A schema without any finite value (a record with a
// required field of its own type) is refused by New.
//
// The same seed gives the same bytes on every platform: the generator uses
// math/rand/v2's PCG with an explicit seed and only integer arithmetic and
// exact float conversions.
package random

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"strconv"
	"strings"
	"unicode/utf8"

	"gitlab.com/acme/avroctl/gen/golang/runtime/avro"
	"gitlab.com/acme/avroctl/gen/schema"
)

// Options bound the size of generated values; zero fields take the
// defaults.
type Options struct {
	// MaxDepth bounds nesting: past it unions take their shallowest branch
	// and arrays and maps are empty. Default 8.
	MaxDepth int
	// MaxItems bounds array and map lengths. Default 5.
	MaxItems int
	// MaxString bounds string lengths in characters. Default 16.
	MaxString int
	// MaxBytes bounds bytes lengths. Default 16.
	MaxBytes int
	// MaxElements bounds the array and map elements of one value, all
	// levels together: a recursive schema with collections at every level
	// would otherwise grow as MaxItems^MaxDepth. Once it is spent, the
	// value finishes as if past MaxDepth. Default 256.
	MaxElements int
}

// Defaults of Options.
const (
	DefaultMaxDepth  = 8
	DefaultMaxItems  = 5
	DefaultMaxString = 16
	DefaultMaxBytes  = 16
	// DefaultMaxElements is Options.MaxElements' default.
	DefaultMaxElements = 256
)

func (o Options) withDefaults() Options {
	if o.MaxDepth <= 0 {
		o.MaxDepth = DefaultMaxDepth
	}
	if o.MaxItems <= 0 {
		o.MaxItems = DefaultMaxItems
	}
	if o.MaxString <= 0 {
		o.MaxString = DefaultMaxString
	}
	if o.MaxBytes <= 0 {
		o.MaxBytes = DefaultMaxBytes
	}
	if o.MaxElements <= 0 {
		o.MaxElements = DefaultMaxElements
	}
	return o
}

// Generator produces random values of one schema.
type Generator struct {
	s    schema.Schema
	r    *rand.Rand
	opts Options
	// rank[r] is the height of the shallowest finite value of record r:
	// 1 + the largest minRank of its fields. A record without a finite
	// value has no entry.
	rank map[*schema.Record]int
	// budget is what is left of MaxElements for the value being made.
	budget int
	// scratch is reused for strings on their way into the output.
	scratch []byte
}

// seedStream is PCG's second seed word: fixed, so that one user-facing
// seed names one stream.
const seedStream = 0x9e3779b97f4a7c15

// New returns a generator of values of s seeded with seed. It fails when
// s has no finite value.
func New(s schema.Schema, seed uint64, opts Options) (*Generator, error) {
	g := &Generator{s: s, r: rand.New(rand.NewPCG(seed, seedStream)), opts: opts.withDefaults(), rank: ranks(s)}
	if _, ok := g.minRank(s); !ok {
		var names []string
		walkRecords(s, func(r *schema.Record) {
			if _, ok := g.rank[r]; !ok {
				names = append(names, r.FullName())
			}
		})
		if len(names) == 0 {
			return nil, fmt.Errorf("the schema has no value: it is an enum without symbols, or a union of such")
		}
		return nil, fmt.Errorf("the schema has no finite value: record %s cannot be given one: a required field needs a value of its own record again (make it optional, an array or a map), or is an enum without symbols", strings.Join(names, ", "))
	}
	return g, nil
}

// Next appends the binary encoding of the next random value to dst.
func (g *Generator) Next(dst []byte) []byte {
	g.budget = g.opts.MaxElements
	return g.value(dst, g.s, 0)
}

// deep reports whether the value must now finish as soon as it can.
func (g *Generator) deep(depth int) bool { return depth >= g.opts.MaxDepth || g.budget <= 0 }

// ranks works out, as a fixpoint, the rank of every record that has a
// finite value. Ranks only decrease from "unknown" towards their least
// value, so the loop ends after at most as many rounds as records, times
// the largest rank.
func ranks(root schema.Schema) map[*schema.Record]int {
	var records []*schema.Record
	walkRecords(root, func(r *schema.Record) { records = append(records, r) })
	g := &Generator{rank: map[*schema.Record]int{}}
	for changed := true; changed; {
		changed = false
		for _, r := range records {
			height, ok := 0, true
			for _, f := range r.Fields {
				h, fok := g.minRank(f.Type)
				if !fok {
					ok = false
					break
				}
				height = max(height, h)
			}
			if !ok {
				continue
			}
			if old, known := g.rank[r]; !known || height+1 < old {
				g.rank[r] = height + 1
				changed = true
			}
		}
	}
	return g.rank
}

// minRank is the height of the shallowest value of s, if it has one.
// Arrays and maps can be empty; a union takes its shallowest branch; an
// enum without symbols has none.
func (g *Generator) minRank(s schema.Schema) (int, bool) {
	switch s := s.(type) {
	case *schema.Record:
		h, ok := g.rank[s]
		return h, ok
	case *schema.Union:
		best, found := 0, false
		for _, b := range s.Branches {
			if h, ok := g.minRank(b); ok && (!found || h < best) {
				best, found = h, true
			}
		}
		return best, found
	case *schema.Enum:
		return 0, len(s.Symbols) > 0 // an enum without symbols has no value
	}
	return 0, true
}

func walkRecords(root schema.Schema, fn func(*schema.Record)) {
	schema.Walk(root, func(n schema.NamedSchema) {
		if r, ok := n.(*schema.Record); ok {
			fn(r)
		}
	})
}

func (g *Generator) value(dst []byte, s schema.Schema, depth int) []byte {
	switch s := s.(type) {
	case *schema.Primitive:
		return g.primitive(dst, s)
	case *schema.Record:
		for _, f := range s.Fields {
			dst = g.value(dst, f.Type, depth+1)
		}
		return dst
	case *schema.Enum:
		return avro.AppendLong(dst, int64(g.r.IntN(len(s.Symbols))))
	case *schema.Fixed:
		return g.fixed(dst, s)
	case *schema.Array:
		n := g.count(depth)
		if n > 0 {
			dst = avro.AppendLong(dst, int64(n))
			for range n {
				dst = g.value(dst, s.Items, depth+1)
			}
		}
		return avro.AppendLong(dst, 0)
	case *schema.Map:
		n := g.count(depth)
		if n > 0 {
			dst = avro.AppendLong(dst, int64(n))
			for i := range n {
				// The index keeps keys distinct; the rest makes them vary.
				g.scratch = strconv.AppendInt(append(g.scratch[:0], 'k'), int64(i), 10)
				g.scratch = g.word(g.scratch, g.r.IntN(4))
				dst = avro.AppendBytes(dst, g.scratch)
				dst = g.value(dst, s.Values, depth+1)
			}
		}
		return avro.AppendLong(dst, 0)
	case *schema.Union:
		i := g.branch(s, depth)
		dst = avro.AppendLong(dst, int64(i))
		return g.value(dst, s.Branches[i], depth+1)
	}
	panic(fmt.Sprintf("random: unexpected schema node %T", s))
}

// branch picks a union branch: any finite one before MaxDepth, the
// shallowest (the first of equals, so null where null is shallowest) from
// there on.
func (g *Generator) branch(u *schema.Union, depth int) int {
	if !g.deep(depth) {
		var finite []int
		for i, b := range u.Branches {
			if _, ok := g.minRank(b); ok {
				finite = append(finite, i)
			}
		}
		return finite[g.r.IntN(len(finite))]
	}
	return g.shallowest(u)
}

// shallowest is the union branch with the least rank, the first of
// equals (so null where null is among them).
func (g *Generator) shallowest(u *schema.Union) int {
	best, bestRank := -1, 0
	for i, b := range u.Branches {
		if h, ok := g.minRank(b); ok && (best < 0 || h < bestRank) {
			best, bestRank = i, h
		}
	}
	return best
}

func (g *Generator) count(depth int) int {
	if g.deep(depth) {
		return 0
	}
	n := min(g.r.IntN(g.opts.MaxItems+1), g.budget)
	g.budget -= n
	return n
}

// Time ranges: years 1900 to 2199 in seconds since the Unix epoch.
const (
	minUnixSeconds = -2208988800 // 1900-01-01T00:00:00Z
	unixSpan       = 9467107200  // to 2200-01-01T00:00:00Z
	daySeconds     = 86400
)

func (g *Generator) primitive(dst []byte, p *schema.Primitive) []byte {
	lt := schema.LogicalOf(p)
	switch p.T {
	case schema.Null:
		return dst
	case schema.Boolean:
		return avro.AppendBool(dst, g.r.IntN(2) == 1)
	case schema.Int:
		var v int32
		switch lt.Name {
		case "date":
			v = int32((minUnixSeconds + g.r.Int64N(unixSpan)) / daySeconds)
		case "time-millis":
			v = int32(g.r.Int64N(daySeconds * 1000))
		default:
			v = int32(g.integer(math.MaxInt32))
		}
		return avro.AppendInt(dst, v)
	case schema.Long:
		var v int64
		seconds := minUnixSeconds + g.r.Int64N(unixSpan)
		switch lt.Name {
		case "time-micros":
			v = g.r.Int64N(daySeconds * 1_000_000)
		case "timestamp-millis", "local-timestamp-millis":
			v = seconds*1000 + g.r.Int64N(1000)
		case "timestamp-micros", "local-timestamp-micros":
			v = seconds*1_000_000 + g.r.Int64N(1_000_000)
		case "timestamp-nanos", "local-timestamp-nanos":
			v = seconds*1_000_000_000 + g.r.Int64N(1_000_000_000)
		default:
			v = g.integer(math.MaxInt64)
		}
		return avro.AppendLong(dst, v)
	case schema.Float:
		return avro.AppendFloat(dst, float32(g.real()))
	case schema.Double:
		return avro.AppendDouble(dst, g.real())
	case schema.Bytes:
		switch lt.Name {
		case "decimal":
			return avro.AppendBytes(dst, twosComplement(g.unscaled(lt.Precision), 0))
		case "big-decimal":
			return avro.AppendBytes(dst, g.bigDecimal())
		}
		b := make([]byte, g.r.IntN(g.opts.MaxBytes+1))
		for i := range b {
			b[i] = byte(g.r.Uint32())
		}
		return avro.AppendBytes(dst, b)
	case schema.String:
		if lt.Name == "uuid" {
			return avro.AppendString(dst, formatUUID(g.uuid()))
		}
		g.scratch = g.appendText(g.scratch[:0], g.r.IntN(g.opts.MaxString+1))
		return avro.AppendBytes(dst, g.scratch)
	}
	panic(fmt.Sprintf("random: unexpected primitive %v", p.T))
}

// integer returns a random integer in [-limit-1, limit]: mostly small and
// readable, sometimes an edge value or anything in the range.
func (g *Generator) integer(limit int64) int64 {
	switch g.r.IntN(8) {
	case 0:
		return []int64{0, -1, 1, limit, -limit - 1}[g.r.IntN(5)]
	case 1:
		v := int64(g.r.Uint64())
		if limit == math.MaxInt32 {
			v = int64(int32(v))
		}
		return v
	}
	return g.r.Int64N(2_000_001) - 1_000_000
}

// real returns a finite number with at most 6 decimals: readable, and the
// same on every platform (an integer divided by a power of ten is exact
// IEEE arithmetic).
func (g *Generator) real() float64 {
	return float64(g.r.Int64N(2_000_000_001)-1_000_000_000) / 1000
}

// unscaled returns a random unscaled decimal value of at most precision
// digits.
func (g *Generator) unscaled(precision int) *big.Int {
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

// bigDecimal is Java's BigDecimalConversion encoding: the unscaled value
// as Avro bytes (two's complement) followed by the scale as an Avro int.
func (g *Generator) bigDecimal() []byte {
	b := avro.AppendBytes(nil, twosComplement(g.unscaled(1+g.r.IntN(20)), 0))
	return avro.AppendInt(b, int32(g.r.IntN(10)))
}

// twosComplement is Java's BigInteger.toByteArray: minimal big-endian
// two's complement, sign-extended to size when size > 0 (decimal fixed).
func twosComplement(v *big.Int, size int) []byte {
	n := v.BitLen()/8 + 1 // room for the sign bit
	if size > n {
		n = size
	}
	b := make([]byte, n)
	if v.Sign() >= 0 {
		v.FillBytes(b)
	} else {
		// 2^(8n) + v, which is positive and fits in n bytes.
		new(big.Int).Add(new(big.Int).Lsh(big.NewInt(1), uint(8*n)), v).FillBytes(b)
	}
	if size > 0 {
		return b
	}
	// Drop redundant sign bytes, as toByteArray does.
	for len(b) > 1 && ((b[0] == 0 && b[1]&0x80 == 0) || (b[0] == 0xff && b[1]&0x80 != 0)) {
		b = b[1:]
	}
	return b
}

func (g *Generator) fixed(dst []byte, f *schema.Fixed) []byte {
	switch lt := schema.LogicalOf(f); lt.Name {
	case "decimal":
		return append(dst, twosComplement(g.unscaled(lt.Precision), f.Size)...)
	case "uuid":
		u := g.uuid()
		return append(dst, u[:]...)
	case "duration":
		var b [12]byte
		binary.LittleEndian.PutUint32(b[0:], uint32(g.r.IntN(1200)))
		binary.LittleEndian.PutUint32(b[4:], uint32(g.r.IntN(31)))
		binary.LittleEndian.PutUint32(b[8:], uint32(g.r.IntN(daySeconds*1000)))
		return append(dst, b[:]...)
	}
	for range f.Size {
		dst = append(dst, byte(g.r.Uint32()))
	}
	return dst
}

// uuid returns a random (version 4, RFC 9562 variant) UUID.
func (g *Generator) uuid() [16]byte {
	var u [16]byte
	binary.BigEndian.PutUint64(u[:8], g.r.Uint64())
	binary.BigEndian.PutUint64(u[8:], g.r.Uint64())
	u[6] = u[6]&0x0f | 0x40
	u[8] = u[8]&0x3f | 0x80
	return u
}

func formatUUID(u [16]byte) string {
	const hex = "0123456789abcdef"
	b := make([]byte, 0, 36)
	for i, c := range u {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			b = append(b, '-')
		}
		b = append(b, hex[c>>4], hex[c&15])
	}
	return string(b)
}

// Strings are mostly lower-case words, sometimes with characters that
// exercise escaping and multi-byte UTF-8.
var (
	letters = []rune("abcdefghijklmnopqrstuvwxyz")
	special = []rune("ABC XYZ 0123456789_-.\"\\\n\té€😀")
)

// word appends n random lower-case letters to dst.
func (g *Generator) word(dst []byte, n int) []byte {
	for range n {
		dst = append(dst, byte(letters[g.r.IntN(len(letters))]))
	}
	return dst
}

// appendText appends n random characters to dst, as UTF-8.
func (g *Generator) appendText(dst []byte, n int) []byte {
	odd := g.r.IntN(4) == 0
	for range n {
		if odd && g.r.IntN(3) == 0 {
			dst = utf8.AppendRune(dst, special[g.r.IntN(len(special))])
		} else {
			dst = append(dst, byte(letters[g.r.IntN(len(letters))]))
		}
	}
	return dst
}
