package datum

import (
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"gitlab.com/acme/avroctl/gen/golang/runtime/avro"
	"gitlab.com/acme/avroctl/gen/schema"
)

// randomSchema writes a random non-recursive schema of at most depth
// levels: every kind of node, and unions of distinct primitives with
// maybe one named type. (Named types are not reused by name: the fast
// path compiles each use on its own, as it would an inline definition.)
func randomSchema(r *rand.Rand, depth int, names *int) string {
	prims := []string{`"null"`, `"boolean"`, `"int"`, `"long"`, `"float"`, `"double"`, `"bytes"`, `"string"`}
	k := r.IntN(13)
	if depth <= 0 && k >= 8 {
		k = r.IntN(8)
	}
	name := func() string { *names++; return fmt.Sprintf("N%d", *names) }
	switch k {
	case 8:
		n := r.IntN(4)
		var fs []string
		for i := range n {
			fs = append(fs, fmt.Sprintf(`{"name":"f%d%s","type":%s}`, i, strings.Repeat("x", r.IntN(3)), randomSchema(r, depth-1, names)))
		}
		return fmt.Sprintf(`{"type":"record","name":"%s","fields":[%s]}`, name(), strings.Join(fs, ","))
	case 9:
		syms := []string{`"A"`, `"B_b"`, `"C"`}[:1+r.IntN(3)]
		return fmt.Sprintf(`{"type":"enum","name":"%s","symbols":[%s]}`, name(), strings.Join(syms, ","))
	case 10:
		return fmt.Sprintf(`{"type":"fixed","name":"%s","size":%d}`, name(), r.IntN(4))
	case 11:
		if r.IntN(2) == 0 {
			return fmt.Sprintf(`{"type":"array","items":%s}`, randomSchema(r, depth-1, names))
		}
		return fmt.Sprintf(`{"type":"map","values":%s}`, randomSchema(r, depth-1, names))
	case 12:
		// Distinct primitives, and maybe one record: always a valid union.
		perm := r.Perm(len(prims))[:1+r.IntN(3)]
		var bs []string
		for _, i := range perm {
			bs = append(bs, prims[i])
		}
		if r.IntN(2) == 0 {
			bs = append(bs, randomSchema(r, 0, names))
			if !strings.HasPrefix(bs[len(bs)-1], "{") {
				bs = bs[:len(bs)-1]
			}
		}
		return "[" + strings.Join(bs, ",") + "]"
	}
	return prims[k]
}

// randomValue appends a random value of n in the binary encoding, with
// arrays and maps sometimes in blocks with byte sizes, and varints
// sometimes not in their shortest form.
func randomValue(r *rand.Rand, b []byte, n *pnode, depth int) []byte {
	long := func(b []byte, v int64) []byte {
		if r.IntN(8) == 0 { // a padded varint: valid, not minimal
			if u := uint64(v<<1) ^ uint64(v>>63); u < 1<<56 {
				b = avro.AppendLong(b, v)
				b[len(b)-1] |= 0x80
				return append(b, 0)
			}
		}
		return avro.AppendLong(b, v)
	}
	str := func(b []byte) []byte {
		alphabet := []string{"a", "Z", " ", "\"", "\\", "\n", "\x01", "é", "×", "😀", "\xff", "\xe2\x82", "\x7f", "0123456789abcdefghij"}
		var s string
		for range r.IntN(6) {
			s += alphabet[r.IntN(len(alphabet))]
		}
		return append(long(b, int64(len(s))), s...)
	}
	switch n.kind {
	case kNull:
	case kBoolean:
		b = append(b, byte(r.IntN(2)))
	case kInt:
		b = long(b, int64(int32(r.Uint32()))>>r.IntN(32))
	case kLong:
		b = long(b, int64(r.Uint64())>>r.IntN(64))
	case kFloat:
		b = avro.AppendFloat(b, []float32{0, 1.5, -0.1, float32(math.Inf(1)), float32(math.NaN()), 3e38}[r.IntN(6)])
	case kDouble:
		b = avro.AppendDouble(b, []float64{0, 1e21, -0.1, math.Inf(-1), math.NaN(), 5e-324}[r.IntN(6)])
	case kBytes, kString:
		b = str(b)
	case kEnum:
		b = long(b, int64(r.IntN(len(n.symbols))))
	case kFixed:
		for range n.size {
			b = append(b, byte(r.Uint32()))
		}
	case kRecord:
		for _, f := range n.fields {
			b = randomValue(r, b, f.n, depth+1)
		}
	case kArray, kMap:
		if depth < 6 {
			for range r.IntN(3) {
				c := 1 + r.IntN(3)
				var items []byte
				for range c {
					if n.kind == kMap {
						items = str(items)
					}
					items = randomValue(r, items, n.items, depth+1)
				}
				if r.IntN(2) == 0 {
					b = long(long(b, -int64(c)), int64(len(items)))
				} else {
					b = long(b, int64(c))
				}
				b = append(b, items...)
			}
		}
		b = long(b, 0)
	case kUnion:
		i := r.IntN(len(n.branches))
		b = randomValue(r, long(b, int64(i)), n.branches[i].n, depth+1)
	}
	return b
}

// agree checks that the fast path and the interpreter give the same JSON,
// length and error (message, path, offset) for data, in AppendNext (after
// some JSON already in the buffer) and in Decode.
func agree(t *testing.T, p *Program, data []byte) {
	t.Helper()
	prefix := []byte("[previous]")
	fastOut, fastN, fastErr := p.AppendNext(bytes.Clone(prefix), data)
	slowOut, slowN, slowErr := p.appendNextSlow(bytes.Clone(prefix), data)
	if !bytes.Equal(fastOut, slowOut) || fastN != slowN || !reflect.DeepEqual(fastErr, slowErr) {
		t.Fatalf("AppendNext of %x:\nfast %s, %d, %v\nslow %s, %d, %v", data, fastOut, fastN, fastErr, slowOut, slowN, slowErr)
	}
	fastJS, fastErr := p.Decode(data)
	slowJS, slowErr := p.decodeSlow(data)
	if !bytes.Equal(fastJS, slowJS) || !reflect.DeepEqual(fastErr, slowErr) {
		t.Fatalf("Decode of %x:\nfast %s, %v\nslow %s, %v", data, fastJS, fastErr, slowJS, slowErr)
	}
}

// seededSchema is the random schema of seed, as text and parsed.
func seededSchema(t *testing.T, seed uint64) (string, schema.Schema) {
	t.Helper()
	names := 0
	src := randomSchema(rand.New(rand.NewPCG(seed, 1)), 4, &names)
	s, err := schema.Parse([]byte(src), schema.ParseOptions{})
	if err != nil {
		t.Fatalf("%s: %v", src, err)
	}
	return src, s
}

// FuzzFastAgrees: on a random schema (from seed) and a random value of it,
// valid or mutated, or the fuzzer's bytes, the fast path and the
// interpreter agree exactly, in both formats.
func FuzzFastAgrees(f *testing.F) {
	f.Add(uint64(1), uint64(2), []byte{})
	f.Add(uint64(7), uint64(0), []byte{2, 2, 0})
	f.Fuzz(func(t *testing.T, seed, vseed uint64, raw []byte) {
		_, s := seededSchema(t, seed)
		for _, fm := range []Format{AvroJSON, JSON} {
			p := Compile(s, fm)
			agree(t, p, raw)
			vr := rand.New(rand.NewPCG(vseed, 2))
			for range 4 {
				data := randomValue(vr, nil, p.root, 0)
				agree(t, p, data)
				if len(data) > 0 {
					agree(t, p, data[:vr.IntN(len(data))])
					m := bytes.Clone(data)
					m[vr.IntN(len(m))] ^= byte(1 + vr.IntN(255))
					agree(t, p, m)
				}
				agree(t, p, append(data, raw...))
			}
		}
	})
}

// The random values and schemas reach every fast-path node, valid and
// broken, many times over: the fuzz target's seed corpus run as a test.
func TestFastAgreesRandom(t *testing.T) {
	fast := 0
	defer func() {
		if fast < 3000*2*8/2 {
			t.Errorf("only %d values had a fast path", fast)
		}
	}()
	for seed := range uint64(3000) {
		src, s := seededSchema(t, seed)
		for _, fm := range []Format{AvroJSON, JSON} {
			p := Compile(s, fm)
			vr := rand.New(rand.NewPCG(seed, 2))
			for range 8 {
				data := randomValue(vr, nil, p.root, 0)
				agree(t, p, data)
				if p.fast == nil {
					break // collections of zero-size items: the interpreter alone
				}
				fast++
				if off, _ := p.fast(data, 0, nil); off != len(data) {
					t.Fatalf("%s: the fast path does not decode a valid value %x", src, data)
				}
				for range 4 {
					if len(data) > 0 {
						agree(t, p, data[:vr.IntN(len(data))])
						m := bytes.Clone(data)
						m[vr.IntN(len(m))] ^= byte(1 + vr.IntN(255))
						agree(t, p, m)
					}
				}
			}
		}
	}
}

// Which schemas get a fast path: not recursive ones, and the errors of the
// existing tests come from the interpreter either way.
func TestFastPathChosen(t *testing.T) {
	if Compile(parse(t, allTypes), AvroJSON).fast == nil {
		t.Error("allTypes has no fast path")
	}
	list := parse(t, `{"type":"record","name":"Node","fields":[{"name":"next","type":["null","Node"]}]}`)
	if Compile(list, JSON).fast != nil {
		t.Error("a recursive schema has a fast path")
	}
	deep := `"int"`
	for range maxFastDepth + 1 {
		deep = `{"type":"array","items":` + deep + `}`
	}
	if Compile(parse(t, deep), JSON).fast != nil {
		t.Error("a schema deeper than maxFastDepth has a fast path")
	}
	if Compile(parse(t, `{"type":"array","items":{"type":"record","name":"R","fields":[{"name":"n","type":"null"}]}}`), JSON).fast != nil {
		t.Error("an array of zero-size items has a fast path")
	}
	agree(t, Compile(parse(t, allTypes), AvroJSON), encodeAll())
	agree(t, Compile(parse(t, allTypes), JSON), encodeAll())
}

// The limits and the rare encodings, one by one: the fast path fails over
// to the interpreter, or decodes, exactly where the interpreter does.
func TestFastEdgeCases(t *testing.T) {
	long := Compile(parse(t, `"long"`), JSON)
	for _, data := range [][]byte{
		{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}, // the largest 10-byte varint
		{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02}, // overflows
		{0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00},
		{0x80}, {},
	} {
		agree(t, long, data)
	}
	agree(t, Compile(parse(t, `"int"`), JSON), avro.AppendLong(nil, math.MaxInt32+1))
	agree(t, Compile(parse(t, `"int"`), JSON), avro.AppendLong(nil, math.MinInt32))
	agree(t, Compile(parse(t, `{"type":"enum","name":"E","symbols":["A"]}`), JSON), avro.AppendLong(nil, 1<<40))
	agree(t, Compile(parse(t, `"string"`), JSON), avro.AppendLong(nil, -1))
	agree(t, Compile(parse(t, `"string"`), JSON), avro.AppendLong(nil, 1<<62))
	ints := Compile(parse(t, `{"type":"array","items":"int"}`), JSON)
	agree(t, ints, avro.AppendLong(nil, math.MinInt64))
	agree(t, ints, avro.AppendLong(avro.AppendLong(nil, -1), -1))
	agree(t, ints, avro.AppendLong(avro.AppendLong(nil, -1), 5))
	agree(t, ints, []byte{2, 2, 0})
	agree(t, ints, []byte{4, 2})
}

// The output cap: the fast path hands over to the interpreter, which
// reports it exactly (see TestOutputBounded). Each item takes one byte
// and writes 9 KB of JSON.
func TestFastOutputBounded(t *testing.T) {
	fields := []string{`{"name":"b","type":"boolean"}`}
	for i := range 200 {
		fields = append(fields, `{"name":"f`+strings.Repeat("x", 40)+fmt.Sprint(i)+`","type":"null"}`)
	}
	p := Compile(parse(t, `{"type":"array","items":{"type":"record","name":"Nulls","fields":[`+strings.Join(fields, ",")+`]}}`), JSON)
	if p.fast == nil {
		t.Fatal("no fast path")
	}
	for _, n := range []int{6000, 8000} {
		data := avro.AppendLong(nil, int64(n))
		data = append(data, make([]byte, n)...)
		agree(t, p, avro.AppendLong(data, 0))
	}
	data := avro.AppendLong(nil, 8000)
	data = append(data, make([]byte, 8000)...)
	if _, err := p.Decode(avro.AppendLong(data, 0)); err == nil || !strings.Contains(err.Error(), "JSON exceeds") {
		t.Fatalf("got %v", err)
	}
}
