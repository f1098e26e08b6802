package datum

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"strconv"
	"strings"
	"testing"

	"gitlab.com/acme/avroctl/gen/golang/runtime/avro"
	"gitlab.com/acme/avroctl/gen/schema"
)

const allTypes = `{"type":"record","name":"All","namespace":"com.acme","fields":[
 {"name":"b","type":"boolean"},
 {"name":"i","type":"int"},
 {"name":"l","type":{"type":"long","logicalType":"timestamp-millis"}},
 {"name":"f","type":"float"},
 {"name":"d","type":"double"},
 {"name":"nan","type":"double"},
 {"name":"inf","type":"double"},
 {"name":"ninf","type":"float"},
 {"name":"by","type":"bytes"},
 {"name":"s","type":"string"},
 {"name":"fx","type":{"type":"fixed","name":"Two","size":2}},
 {"name":"e","type":{"type":"enum","name":"Color","symbols":["RED","GREEN"]}},
 {"name":"a","type":{"type":"array","items":"int"}},
 {"name":"m","type":{"type":"map","values":"string"}},
 {"name":"u1","type":["null","string"]},
 {"name":"u2","type":["null","string"]},
 {"name":"u3","type":["null",{"type":"record","name":"Money","fields":[{"name":"units","type":"long"}]}]},
 {"name":"u4","type":["int",{"type":"array","items":"long"},{"type":"map","values":"int"}]}
]}`

func encodeAll() []byte {
	var b []byte
	b = avro.AppendBool(b, true)
	b = avro.AppendInt(b, -3)
	b = avro.AppendLong(b, 1700000000123)
	b = avro.AppendFloat(b, 0.1)
	b = avro.AppendDouble(b, 1e10)
	b = avro.AppendDouble(b, math.NaN())
	b = avro.AppendDouble(b, math.Inf(1))
	b = avro.AppendFloat(b, float32(math.Inf(-1)))
	b = avro.AppendBytes(b, []byte{0x00, 0xff, 'a', '"'})
	b = avro.AppendString(b, "héllo\n\x01")
	b = append(b, 0xe9, 0x7f)
	b = avro.AppendInt(b, 1)
	// An array in two blocks, the second with a byte size (negative count).
	b = avro.AppendLong(b, 2)
	b = avro.AppendInt(b, 1)
	b = avro.AppendInt(b, 2)
	b = avro.AppendLong(b, -1)
	b = avro.AppendLong(b, 1)
	b = avro.AppendInt(b, 3)
	b = avro.AppendLong(b, 0)
	// A map, entries kept in the encoded order.
	b = avro.AppendLong(b, 2)
	b = avro.AppendString(b, "z")
	b = avro.AppendString(b, "last")
	b = avro.AppendString(b, "a")
	b = avro.AppendString(b, "first")
	b = avro.AppendLong(b, 0)
	b = avro.AppendLong(b, 0) // u1 null
	b = avro.AppendLong(b, 1) // u2 string
	b = avro.AppendString(b, "x")
	b = avro.AppendLong(b, 1) // u3 Money
	b = avro.AppendLong(b, 42)
	b = avro.AppendLong(b, 1) // u4 array of long
	b = avro.AppendLong(b, 1)
	b = avro.AppendLong(b, 7)
	b = avro.AppendLong(b, 0)
	return b
}

func parse(t testing.TB, s string) schema.Schema {
	t.Helper()
	sch, err := schema.Parse([]byte(s), schema.ParseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return sch
}

// The expected texts are what Java's JsonEncoder (Avro 1.12, Jackson 2)
// writes for the same datum: Float/Double.toString numbers, non-finite
// numbers as strings, bytes and fixed as ISO-8859-1 characters, unions as
// {"branch": value} with null bare, maps in encoded order.
func TestDecodeFormats(t *testing.T) {
	sch := parse(t, allTypes)
	data := encodeAll()
	want := map[Format]string{
		AvroJSON: `{"b":true,"i":-3,"l":1700000000123,"f":0.1,"d":1.0E10,"nan":"NaN","inf":"Infinity","ninf":"-Infinity",` +
			`"by":"\u0000ÿa\"","s":"héllo\n\u0001","fx":"é` + "\x7f" + `","e":"GREEN","a":[1,2,3],"m":{"z":"last","a":"first"},` +
			`"u1":null,"u2":{"string":"x"},"u3":{"com.acme.Money":{"units":42}},"u4":{"array":[7]}}`,
		JSON: `{"b":true,"i":-3,"l":1700000000123,"f":0.1,"d":1.0E10,"nan":"NaN","inf":"Infinity","ninf":"-Infinity",` +
			`"by":"\u0000ÿa\"","s":"héllo\n\u0001","fx":"é` + "\x7f" + `","e":"GREEN","a":[1,2,3],"m":{"z":"last","a":"first"},` +
			`"u1":null,"u2":"x","u3":{"units":42},"u4":[7]}`,
	}
	for f, w := range want {
		got, err := Decode(sch, data, f)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if string(got) != w {
			t.Errorf("%s:\n got %s\nwant %s", f, got, w)
		}
		if !json.Valid(got) {
			t.Errorf("%s: not valid JSON: %s", f, got)
		}
	}
}

func TestJavaNumbers(t *testing.T) {
	for _, c := range []struct {
		schema string
		data   []byte
		want   string
	}{
		{`"double"`, avro.AppendDouble(nil, 1), "1.0"},
		{`"double"`, avro.AppendDouble(nil, 1e-5), "1.0E-5"},
		{`"double"`, avro.AppendDouble(nil, 123.456), "123.456"},
		{`"double"`, avro.AppendDouble(nil, math.Copysign(0, -1)), "-0.0"},
		{`"float"`, avro.AppendFloat(nil, 3.4028235e38), "3.4028235E38"},
		{`"float"`, avro.AppendFloat(nil, float32(math.NaN())), `"NaN"`},
		{`"long"`, avro.AppendLong(nil, math.MinInt64), "-9223372036854775808"},
		{`"null"`, nil, "null"},
		{`["null","int"]`, avro.AppendLong(nil, 0), "null"},
	} {
		got, err := Decode(parse(t, c.schema), c.data, AvroJSON)
		if err != nil || string(got) != c.want {
			t.Errorf("%s %x: got %s, %v; want %s", c.schema, c.data, got, err, c.want)
		}
	}
}

// Bad data: each error names the byte offset where the bad value starts
// and where in the value it is.
func TestDecodeErrors(t *testing.T) {
	rec := `{"type":"record","name":"R","fields":[{"name":"id","type":"string"},{"name":"n","type":["null","long"]},{"name":"tags","type":{"type":"array","items":"string"}}]}`
	good := avro.AppendString(nil, "ab") // bytes 0..2
	good = avro.AppendLong(good, 1)      // 3
	good = avro.AppendLong(good, 5)      // 4
	good = avro.AppendLong(good, 0)      // 5
	bigCount := append(append([]byte{}, good[:5]...), avro.AppendLong(nil, 1<<40)...)
	for _, c := range []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, "byte 0: at .id: "},
		{"string longer than the input", avro.AppendLong(nil, 1000), "byte 0: at .id: length 1000 exceeds the 0 remaining bytes"},
		{"negative length", avro.AppendLong(nil, -2), "byte 0: at .id: negative length -2"},
		{"union index", append(append([]byte{}, good[:3]...), avro.AppendLong(nil, 2)...), "byte 3: at .n: union branch index 2 out of range [0,2)"},
		{"truncated long", good[:4], "byte 4: at .n<long>: "},
		{"block count", bigCount, "byte 5: at .tags: block count 1099511627776 exceeds what the 0 remaining bytes can hold"},
		{"trailing", append(append([]byte{}, good...), 9), "byte 6: 1 trailing bytes after the value"},
	} {
		_, err := Decode(parse(t, rec), c.data, AvroJSON)
		var de *Error
		if !errors.As(err, &de) || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("%s: got %v, want %q...", c.name, err, c.want)
		}
	}
}

// A recursive schema and data that nests without end: a clear error, no
// stack overflow.
func TestDepthLimit(t *testing.T) {
	list := parse(t, `{"type":"record","name":"Node","fields":[{"name":"next","type":["null","Node"]}]}`)
	data := make([]byte, 10*MaxDepth)
	for i := range data {
		data[i] = 2 // union branch 1, again and again
	}
	_, err := Decode(list, data, JSON)
	if err == nil || !strings.Contains(err.Error(), "nest deeper than") {
		t.Fatalf("got %v", err)
	}
	// A record that requires itself reads no input: the same error.
	self := parse(t, `{"type":"record","name":"Loop","fields":[{"name":"again","type":"Loop"}]}`)
	if _, err := Decode(self, nil, JSON); err == nil || !strings.Contains(err.Error(), "nest deeper than") {
		t.Fatalf("got %v", err)
	}
}

// An array of nulls takes no bytes per item: the count is capped rather
// than trusted.
func TestZeroSizeItemsBounded(t *testing.T) {
	s := parse(t, `{"type":"array","items":"null"}`)
	data := avro.AppendLong(nil, 1<<40)
	if _, err := Decode(s, data, JSON); err == nil || !strings.Contains(err.Error(), "limit") {
		t.Fatalf("got %v", err)
	}
}

// Resolution: data written with v1 is shown as the v2 reader sees it
// (a new field with its default, a promoted int, a removed field skipped).
func TestCodecResolution(t *testing.T) {
	v1 := `{"type":"record","name":"Order","namespace":"com.acme","fields":[{"name":"id","type":"string"},{"name":"qty","type":"int"},{"name":"old","type":"string"}]}`
	v2 := `{"type":"record","name":"Order","namespace":"com.acme","fields":[{"name":"id","type":"string"},{"name":"qty","type":"long"},{"name":"note","type":["null","string"],"default":null},{"name":"cur","type":"string","default":"EUR"}]}`
	data := avro.AppendString(nil, "o-1")
	data = avro.AppendInt(data, 3)
	data = avro.AppendString(data, "gone")
	c, err := NewCodec(v1, v2)
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.Decode(data, AvroJSON)
	if err != nil || string(got) != `{"id":"o-1","qty":3,"note":null,"cur":"EUR"}` {
		t.Fatalf("got %s, %v", got, err)
	}
	plain, err := NewCodec(v1, "")
	if err != nil {
		t.Fatal(err)
	}
	if got, err := plain.Decode(data, JSON); err != nil || string(got) != `{"id":"o-1","qty":3,"old":"gone"}` {
		t.Fatalf("got %s, %v", got, err)
	}
	// Truncated data: located in the writer's bytes.
	if _, err := c.Decode(data[:5], JSON); err == nil || !strings.HasPrefix(err.Error(), "byte 5: resolving into the reader schema") {
		t.Fatalf("got %v", err)
	}
	// A reader that cannot read the writer's data.
	if _, err := NewCodec(v1, `{"type":"record","name":"Order","namespace":"com.acme","fields":[{"name":"must","type":"string"}]}`); err == nil ||
		!strings.Contains(err.Error(), "cannot read data of the writer schema") {
		t.Fatalf("got %v", err)
	}
}

func TestParseFormat(t *testing.T) {
	for _, n := range FormatNames() {
		f, err := ParseFormat(n)
		if err != nil || f.String() != n {
			t.Errorf("%s: %v %v", n, f, err)
		}
	}
	if _, err := ParseFormat("xml"); err == nil {
		t.Error("xml accepted")
	}
}

// Invalid UTF-8 in a string: one U+FFFD per maximal ill-formed subpart,
// as Java's new String(bytes, UTF_8) writes it.
func TestInvalidUTF8(t *testing.T) {
	for in, want := range map[string]string{
		"a\xe2\x82A":          "a\uFFFDA",
		"\xff\xfe":            "\uFFFD\uFFFD",
		"\xf0\x9f\x98":        "\uFFFD",
		"\xed\xa0\x80":        "\uFFFD\uFFFD\uFFFD", // a surrogate: E0..9F only after ED
		"\xc0\xaf":            "\uFFFD\uFFFD",
		"ok \xf0\x9f\x98\x80": "ok \U0001F600",
	} {
		got, err := Decode(parse(t, `"string"`), avro.AppendString(nil, in), JSON)
		if err != nil || string(got) != `"`+want+`"` {
			t.Errorf("%q: got %s, %v; want %q", in, got, err, want)
		}
	}
}

// Zero-size values cost no input: their JSON is capped.
func TestOutputBounded(t *testing.T) {
	var fields []string
	for i := range 200 {
		fields = append(fields, `{"name":"f`+strings.Repeat("x", 40)+strconv.Itoa(i)+`","type":"null"}`)
	}
	s := parse(t, `{"type":"array","items":{"type":"array","items":{"type":"record","name":"Nulls","fields":[`+strings.Join(fields, ",")+`]}}}`)
	// 65536 arrays of 1 record would need 65536 * ~9 KB; the count cap of
	// zero-size items and the output cap stop it first.
	data := avro.AppendLong(nil, 60000)
	for range 60000 {
		data = avro.AppendLong(data, 1)
		data = avro.AppendLong(data, 0)
	}
	data = avro.AppendLong(data, 0)
	_, err := Decode(s, data, JSON)
	if err == nil || !strings.Contains(err.Error(), "JSON exceeds") {
		t.Fatalf("got %v", err)
	}
}

// plainPrefix agrees with a byte-by-byte scan on every position of a
// special byte in strings of every length up to 40.
func TestPlainPrefix(t *testing.T) {
	special := []byte{0, 0x1f, '"', '\\', 0x7f, 0x80, 0xc3, 0xff}
	slow := func(b []byte) int {
		i := 0
		for i < len(b) && b[i] >= 0x20 && b[i] < 0x80 && b[i] != '"' && b[i] != '\\' {
			i++
		}
		return i
	}
	for n := 0; n <= 40; n++ {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(0x20 + (i*7)%0x60) // printable, some '"' and '\\' among them
		}
		if got, want := plainPrefix(b), slow(b); got != want {
			t.Fatalf("%q: %d, want %d", b, got, want)
		}
		for at := 0; at < n; at++ {
			for _, c := range special {
				c2 := bytes.Clone(b)
				c2[at] = c
				if got, want := plainPrefix(c2), slow(c2); got != want {
					t.Fatalf("%q: %d, want %d", c2, got, want)
				}
			}
		}
	}
}
