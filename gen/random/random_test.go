package random

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"math/big"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"gitlab.com/acme/avroctl/gen/datum"
	"gitlab.com/acme/avroctl/gen/golang/runtime/avro"
	"gitlab.com/acme/avroctl/gen/schema"
)

// everything has every kind of node and every logical type.
const everything = `{"type":"record","name":"All","namespace":"t","fields":[
 {"name":"n","type":"null"},{"name":"b","type":"boolean"},{"name":"i","type":"int"},
 {"name":"l","type":"long"},{"name":"f","type":"float"},{"name":"d","type":"double"},
 {"name":"by","type":"bytes"},{"name":"s","type":"string"},
 {"name":"e","type":{"type":"enum","name":"E","symbols":["A","B","C"]}},
 {"name":"fx","type":{"type":"fixed","name":"F","size":3}},
 {"name":"a","type":{"type":"array","items":"int"}},
 {"name":"m","type":{"type":"map","values":"string"}},
 {"name":"u","type":["null","string","E",{"type":"record","name":"In","fields":[{"name":"x","type":"long"}]}]},
 {"name":"dec","type":{"type":"bytes","logicalType":"decimal","precision":9,"scale":2}},
 {"name":"decf","type":{"type":"fixed","name":"DF","size":8,"logicalType":"decimal","precision":18,"scale":4}},
 {"name":"bigdec","type":{"type":"bytes","logicalType":"big-decimal"}},
 {"name":"uuid","type":{"type":"string","logicalType":"uuid"}},
 {"name":"uuidf","type":{"type":"fixed","name":"UF","size":16,"logicalType":"uuid"}},
 {"name":"date","type":{"type":"int","logicalType":"date"}},
 {"name":"tms","type":{"type":"int","logicalType":"time-millis"}},
 {"name":"tus","type":{"type":"long","logicalType":"time-micros"}},
 {"name":"tsms","type":{"type":"long","logicalType":"timestamp-millis"}},
 {"name":"tsus","type":{"type":"long","logicalType":"timestamp-micros"}},
 {"name":"tsns","type":{"type":"long","logicalType":"timestamp-nanos"}},
 {"name":"ltsms","type":{"type":"long","logicalType":"local-timestamp-millis"}},
 {"name":"ltsus","type":{"type":"long","logicalType":"local-timestamp-micros"}},
 {"name":"ltsns","type":{"type":"long","logicalType":"local-timestamp-nanos"}},
 {"name":"dur","type":{"type":"fixed","name":"Dur","size":12,"logicalType":"duration"}}
]}`

// tree is recursive through a union, an array and a map.
const tree = `{"type":"record","name":"Node","fields":[
 {"name":"v","type":"int"},{"name":"next","type":["Node","null"]},
 {"name":"kids","type":{"type":"array","items":"Node"}},
 {"name":"byName","type":{"type":"map","values":"Node"}}]}`

func parse(t testing.TB, src string) schema.Schema {
	t.Helper()
	s, err := schema.Parse([]byte(src), schema.ParseOptions{Filename: "test.avsc"})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// roundTrip checks that data is exactly one value of s, and that its Avro
// JSON encodes back to the same bytes.
func roundTrip(t *testing.T, s schema.Schema, data []byte) {
	t.Helper()
	js, err := datum.Decode(s, data, datum.AvroJSON)
	if err != nil {
		t.Fatalf("generated value does not decode: %v\n% x", err, data)
	}
	back, err := datum.Encode(s, js, datum.AvroJSON)
	if err != nil {
		t.Fatalf("Avro JSON of a generated value does not encode: %v\n%s", err, js)
	}
	if !bytes.Equal(back, data) {
		t.Fatalf("round trip changed the bytes:\n% x\n% x\n%s", data, back, js)
	}
}

func TestValuesAreValid(t *testing.T) {
	for _, src := range []string{everything, tree, `"int"`, `["null","string"]`, `{"type":"map","values":{"type":"array","items":"double"}}`} {
		s := parse(t, src)
		g, err := New(s, 1, Options{})
		if err != nil {
			t.Fatal(err)
		}
		for range 300 {
			roundTrip(t, s, g.Next(nil))
		}
	}
}

// The project's schemas and the conformance suite's: every one that has a
// finite value gets valid values.
func TestValuesOfRealSchemas(t *testing.T) {
	files, _ := filepath.Glob("../../schemas/*.avsc")
	var conf []string
	filepath.WalkDir("../../../shared/conformance", func(p string, d os.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(p, ".avsc") {
			conf = append(conf, p)
		}
		return nil
	})
	if len(conf) == 0 {
		t.Log("skipped the conformance schemas: ../shared/conformance is missing")
	}
	files = append(files, conf...)
	n := 0
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		s, err := schema.Parse(src, schema.ParseOptions{Filename: f})
		if err != nil {
			continue
		}
		g, err := New(s, 7, Options{})
		if err != nil {
			t.Logf("%s: %v", f, err)
			continue
		}
		for range 20 {
			roundTrip(t, s, g.Next(nil))
		}
		n++
	}
	t.Logf("%d schemas, 20 values each", n)
}

// Logical values are in range and well formed, read back through the
// runtime's own conversions.
func TestLogicalValues(t *testing.T) {
	s := parse(t, everything).(*schema.Record)
	g, _ := New(s, 3, Options{})
	uuidRE := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	lo, hi := time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC)
	for range 500 {
		js, err := datum.Decode(s, g.Next(nil), datum.JSON)
		if err != nil {
			t.Fatal(err)
		}
		v, err := datum.ParseJSON(js)
		if err != nil {
			t.Fatal(err)
		}
		obj := v.(*schema.Object)
		get := func(k string) schema.Value { x, _ := obj.Get(k); return x }
		num := func(k string) int64 {
			n := get(k).(schema.Number)
			var x int64
			for i, c := range n.Text {
				if i == 0 && c == '-' {
					continue
				}
				x = x*10 + int64(c-'0')
			}
			if strings.HasPrefix(n.Text, "-") {
				x = -x
			}
			return x
		}
		if u := get("uuid").(string); !uuidRE.MatchString(u) {
			t.Fatalf("uuid %q", u)
		}
		if d := num("date"); d < lo.Unix()/86400 || d >= hi.Unix()/86400 {
			t.Fatalf("date %d", d)
		}
		if x := num("tms"); x < 0 || x >= 86_400_000 {
			t.Fatalf("time-millis %d", x)
		}
		if x := num("tus"); x < 0 || x >= 86_400_000_000 {
			t.Fatalf("time-micros %d", x)
		}
		for k, unit := range map[string]time.Duration{"tsms": time.Millisecond, "tsus": time.Microsecond, "tsns": 1, "ltsms": time.Millisecond, "ltsus": time.Microsecond, "ltsns": 1} {
			at := time.Unix(0, 0).Add(time.Duration(num(k)) * unit)
			if unit == time.Millisecond {
				at = time.UnixMilli(num(k))
			}
			if at.Before(lo) || !at.Before(hi) {
				t.Fatalf("%s %d is %v", k, num(k), at)
			}
		}
		// Decimals fit their precision: the runtime's Decimal reads them.
		for _, k := range []string{"dec", "decf"} {
			raw := make([]byte, 0, 16)
			for _, r := range get(k).(string) {
				raw = append(raw, byte(r))
			}
			prec := 9
			if k == "decf" {
				prec = 18
				if len(raw) != 8 {
					t.Fatalf("decimal fixed of %d bytes", len(raw))
				}
			}
			d := avro.DecimalFromBytes(raw, 2)
			digits := strings.TrimLeft(strings.Replace(strings.TrimPrefix(d.String(), "-"), ".", "", 1), "0")
			if len(digits) > prec {
				t.Fatalf("%s %v has more than %d digits", k, d, prec)
			}
		}
		var dur []byte
		for _, r := range get("dur").(string) {
			dur = append(dur, byte(r))
		}
		if m := binary.LittleEndian.Uint32(dur); m >= 1200 {
			t.Fatalf("duration months %d", m)
		}
	}
}

// Same seed, same bytes, on every platform: pinned by a digest.
func TestDeterministic(t *testing.T) {
	s := parse(t, everything)
	digest := func(seed uint64) string {
		g, _ := New(s, seed, Options{})
		h := sha256.New()
		for range 100 {
			h.Write(g.Next(nil))
		}
		return hex.EncodeToString(h.Sum(nil))
	}
	if a, b := digest(42), digest(42); a != b {
		t.Fatalf("seed 42 gave %s then %s", a, b)
	}
	if digest(42) == digest(43) {
		t.Fatal("seeds 42 and 43 gave the same values")
	}
	const want = "a9fcbff067f3f4cae284c2f51e7cf737d123de3a77f964edc3f084587b6810a7"
	if got := digest(42); got != want {
		t.Fatalf("seed 42 digest %s, want %s: the generator changed (or is not portable); update want only on purpose", got, want)
	}
}

// Deep recursion ends: past MaxDepth the shallowest branches are taken.
func TestRecursionBounded(t *testing.T) {
	s := parse(t, `{"type":"record","name":"A","fields":[{"name":"b","type":{"type":"record","name":"B","fields":[{"name":"a","type":["A","B","null"]}]}}]}`)
	g, err := New(s, 5, Options{MaxDepth: 3})
	if err != nil {
		t.Fatal(err)
	}
	for range 200 {
		data := g.Next(nil)
		roundTrip(t, s, data)
		if len(data) > 64 {
			t.Fatalf("value of %d bytes: depth not bounded", len(data))
		}
	}
}

func TestNoFiniteValue(t *testing.T) {
	empty := parse(t, `{"type":"record","name":"R","fields":[{"name":"e","type":{"type":"enum","name":"E","symbols":[]}}]}`)
	if _, err := New(empty, 1, Options{}); err == nil {
		t.Error("an enum without symbols has no value")
	}
	opt := parse(t, `{"type":"record","name":"R","fields":[{"name":"e","type":["null",{"type":"enum","name":"E","symbols":[]}]}]}`)
	g, err := New(opt, 1, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for range 50 {
		roundTrip(t, opt, g.Next(nil))
	}
	s := parse(t, `{"type":"record","name":"Loop","fields":[{"name":"self","type":"Loop"}]}`)
	_, err = New(s, 1, Options{})
	if err == nil || !strings.Contains(err.Error(), "Loop") {
		t.Fatalf("got %v, want an error naming Loop", err)
	}
}

func TestSizesBounded(t *testing.T) {
	s := parse(t, `{"type":"record","name":"R","fields":[{"name":"s","type":"string"},{"name":"b","type":"bytes"},{"name":"a","type":{"type":"array","items":"null"}}]}`)
	g, _ := New(s, 9, Options{MaxString: 2, MaxBytes: 1, MaxItems: 1})
	for range 200 {
		d := avro.NewDecoder(g.Next(nil))
		if str := d.String(); len([]rune(str)) > 2 {
			t.Fatalf("string %q", str)
		}
		if b := d.Bytes(); len(b) > 1 {
			t.Fatalf("bytes %x", b)
		}
	}
}

func TestTwosComplement(t *testing.T) {
	for _, c := range []struct {
		v    int64
		size int
		want string
	}{{0, 0, "00"}, {127, 0, "7f"}, {128, 0, "0080"}, {-1, 0, "ff"}, {-128, 0, "80"}, {-129, 0, "ff7f"}, {-1, 4, "ffffffff"}, {1, 3, "000001"}} {
		got := hex.EncodeToString(twosComplement(bigInt(c.v), c.size))
		if got != c.want {
			t.Errorf("%d size %d: %s, want %s", c.v, c.size, got, c.want)
		}
	}
}

// FuzzGenerate: for any schema that parses, values are valid and finite.
func FuzzGenerate(f *testing.F) {
	f.Add(everything, uint64(1))
	f.Add(tree, uint64(2))
	f.Add(`{"type":"record","name":"Loop","fields":[{"name":"self","type":"Loop"}]}`, uint64(3))
	f.Add(`{"type":"record","name":"R","fields":[{"name":"e","type":["null",{"type":"enum","name":"E","symbols":[]}]}]}`, uint64(4))
	f.Fuzz(func(t *testing.T, src string, seed uint64) {
		s, err := schema.Parse([]byte(src), schema.ParseOptions{})
		if err != nil || len(src) > 4096 {
			return
		}
		big := false
		schema.Walk(s, func(n schema.NamedSchema) {
			if fx, ok := n.(*schema.Fixed); ok && fx.Size > 1<<12 {
				big = true
			}
		})
		if big {
			return // a fixed's size is its value's size, whatever the options
		}
		g, err := New(s, seed, Options{MaxDepth: 3, MaxItems: 2})
		if err != nil {
			return
		}
		for range 3 {
			roundTrip(t, s, g.Next(nil))
		}
	})
}

func bigInt(v int64) *big.Int { return big.NewInt(v) }

// Examples are valid, stable, and readable: defaults and field names.
func TestExample(t *testing.T) {
	for _, src := range []string{everything, tree} {
		s := parse(t, src)
		a, err := Example(s)
		if err != nil {
			t.Fatal(err)
		}
		roundTrip(t, s, a)
		if b, _ := Example(s); !bytes.Equal(a, b) {
			t.Fatal("two examples of one schema differ")
		}
	}
	s := parse(t, `{"type":"record","name":"R","fields":[{"name":"city","type":"string"},{"name":"n","type":"int","default":7},
	 {"name":"at","type":{"type":"long","logicalType":"timestamp-millis"}},{"name":"opt","type":["null","string"]},
	 {"name":"amount","type":{"type":"bytes","logicalType":"decimal","precision":7,"scale":2}}]}`)
	b, _ := Example(s)
	js, err := datum.Decode(s, b, datum.JSON)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"city":"city","n":7,"at":1705314600000,"opt":"opt","amount":`; !strings.HasPrefix(string(js), want) {
		t.Errorf("example %s, want it to start %s", js, want)
	}
	d := avro.NewDecoder(b)
	_ = d.String()
	d.Int()
	d.Long()
	d.Long()
	_ = d.String()
	if got := avro.DecimalFromBytes(d.Bytes(), 2).String(); got != "12345.67" {
		t.Errorf("decimal(7,2) example %s, want 12345.67", got)
	}
	if _, err := Example(parse(t, `{"type":"record","name":"Loop","fields":[{"name":"self","type":"Loop"}]}`)); err != ErrNoFiniteValue {
		t.Errorf("a record that requires itself: %v", err)
	}
}
