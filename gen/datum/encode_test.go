package datum

import (
	"bytes"
	"encoding/hex"
	"errors"
	"strings"
	"testing"

	"gitlab.com/acme/avroctl/gen/golang/runtime/avro"
)

// Both formats round trip: the JSON Decode writes is read back by Encode
// into data that decodes to the same JSON.
func TestEncodeRoundTrip(t *testing.T) {
	sch := parse(t, allTypes)
	for _, f := range []Format{AvroJSON, JSON} {
		js, err := Decode(sch, encodeAll(), f)
		if err != nil {
			t.Fatal(err)
		}
		bin, err := Encode(sch, js, f)
		if err != nil {
			t.Fatalf("%s: %v\n%s", f, err, js)
		}
		again, err := Decode(sch, bin, f)
		if err != nil || !bytes.Equal(again, js) {
			t.Errorf("%s: round trip:\n got %s, %v\nwant %s", f, again, err, js)
		}
	}
}

// The bytes are what Java's BinaryEncoder writes for the value read by its
// JsonDecoder: one block per array or map, then the end marker.
func TestEncodeBytes(t *testing.T) {
	for _, c := range []struct {
		schema, json string
		f            Format
		want         []byte
	}{
		{`"int"`, `-1`, AvroJSON, []byte{1}},
		{`"long"`, `9223372036854775807`, AvroJSON, avro.AppendLong(nil, 9223372036854775807)},
		{`"double"`, `"-Infinity"`, AvroJSON, hexb("000000000000f0ff")},
		{`"float"`, `1.5`, AvroJSON, avro.AppendFloat(nil, 1.5)},
		// Java's JsonDecoder reads an integral float for an int (and so do we).
		{`"int"`, `1.0`, AvroJSON, []byte{2}},
		{`"long"`, `-2e3`, AvroJSON, avro.AppendLong(nil, -2000)},
		{`["int","double"]`, `1.0`, JSON, append([]byte{2}, avro.AppendDouble(nil, 1)...)},
		{`"bytes"`, `"\u0000ÿ"`, AvroJSON, []byte{4, 0, 0xff}},
		{`{"type":"array","items":"int"}`, `[1,2]`, AvroJSON, []byte{4, 2, 4, 0}},
		{`{"type":"array","items":"int"}`, `[]`, AvroJSON, []byte{0}},
		{`{"type":"map","values":"int"}`, `{"b":1,"a":2}`, AvroJSON, []byte{4, 2, 'b', 2, 2, 'a', 4, 0}},
		{`["null","string"]`, `null`, AvroJSON, []byte{0}},
		{`["null","string"]`, `{"string":"x"}`, AvroJSON, []byte{2, 2, 'x'}},
		{`["null",{"type":"record","name":"R","namespace":"n","fields":[{"name":"a","type":"int"}]}]`, `{"n.R":{"a":1}}`, AvroJSON, []byte{2, 2}},
		// Plain JSON: the first branch the value fits.
		{`["null","int","long"]`, `5`, JSON, []byte{2, 10}},
		{`["null","int","long"]`, `5000000000`, JSON, avro.AppendLong([]byte{4}, 5000000000)},
		{`["int","double"]`, `1.5`, JSON, append([]byte{2}, avro.AppendDouble(nil, 1.5)...)},
		{`["bytes","string"]`, `"é"`, JSON, []byte{0, 2, 0xe9}},
		{`["bytes","string"]`, `"€"`, JSON, append([]byte{2, 6}, "€"...)},
		{`[{"type":"record","name":"A","fields":[{"name":"x","type":"int"}]},{"type":"record","name":"B","fields":[{"name":"x","type":"string"}]}]`, `{"x":"s"}`, JSON, []byte{2, 2, 's'}},
		// A missing field takes its default; a union default is of the first branch.
		{`{"type":"record","name":"R","fields":[{"name":"a","type":"int","default":7},{"name":"u","type":["null","int"],"default":null},{"name":"v","type":["int","null"],"default":3}]}`, `{}`, JSON, []byte{14, 0, 0, 6}},
	} {
		got, err := Encode(parse(t, c.schema), []byte(c.json), c.f)
		if err != nil || !bytes.Equal(got, c.want) {
			t.Errorf("%s %s (%s): got %x, %v; want %x", c.schema, c.json, c.f, got, err, c.want)
		}
	}
}

func hexb(s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		panic(err)
	}
	return b
}

// Every bad input: an error with the JSON path (or byte offset) and what
// to do.
func TestEncodeErrors(t *testing.T) {
	rec := `{"type":"record","name":"R","namespace":"n","fields":[{"name":"a","type":"int"},{"name":"u","type":["null","string"]},{"name":"e","type":{"type":"enum","name":"E","symbols":["A","B"]}}]}`
	for _, c := range []struct {
		name, schema, json string
		f                  Format
		want               string
	}{
		{"syntax", `"int"`, `{"a":`, AvroJSON, "JSON byte 5: invalid JSON"},
		{"two values", `"int"`, `1 2`, AvroJSON, "JSON byte 2: more than one JSON value"},
		{"int range", `"int"`, `2147483648`, AvroJSON, "at $: 2147483648 is out of the range of int"},
		{"int fraction", `"int"`, `1.5`, AvroJSON, "at $: want an integer (int), got the number 1.5"},
		{"int range as float", `"int"`, `3e9`, AvroJSON, "at $: 3e9 is out of the range of int"},
		{"float range", `"float"`, `1e39`, AvroJSON, "at $: 1e39 is out of the range of float"},
		{"bytes not latin1", `"bytes"`, `"€"`, AvroJSON, "at $: character '€' (U+20AC) at character 0 is not a byte"},
		{"fixed size", `{"type":"fixed","name":"F","size":2}`, `"a"`, AvroJSON, "at $: fixed F has 2 bytes, the string has 1"},
		{"missing field", rec, `{"a":1,"e":"A"}`, AvroJSON, `at $: record n.R: field "u" is missing (give every field`},
		{"unknown field", rec, `{"a":1,"x":2}`, AvroJSON, `at $: record n.R: it has no field "x"`},
		{"twice", rec, `{"a":1,"a":2}`, AvroJSON, `at $: record n.R: field "a" is given twice`},
		{"bare union", rec, `{"a":1,"u":"x","e":"A"}`, AvroJSON, `at $.u: want a union value as an object with one key, got a string (in avro-json a union value is {"branch": value}, with a branch of null, string; or use --format json)`},
		{"unknown branch", rec, `{"a":1,"u":{"int":1},"e":"A"}`, AvroJSON, `at $.u: "int" is not a branch of the union (use one of null, string`},
		{"no branch fits", rec, `{"a":1,"u":3,"e":"A"}`, JSON, `at $.u: the number 3 fits no branch of the union`},
		{"enum symbol", rec, `{"a":1,"u":null,"e":"C"}`, JSON, `at $.e: "C" is not a symbol of enum n.E (use one of "A", "B")`},
		{"array item", `{"type":"array","items":"int"}`, `[1,"x"]`, JSON, `at $[1]: want an integer (int), got a string`},
		{"map value", `{"type":"map","values":"int"}`, `{"k":true}`, JSON, `at $["k"]: want an integer (int), got a boolean`},
		{"nested branch", `["null",{"type":"array","items":"int"}]`, `{"array":[null]}`, AvroJSON, `at $<array>[0]: want an integer`},
		{"deep", `"int"`, strings.Repeat("[", MaxDepth+1), AvroJSON, "nests deeper than 2048 levels"},
	} {
		_, err := Encode(parse(t, c.schema), []byte(c.json), c.f)
		var ee *EncodeError
		if !errors.As(err, &ee) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want %q", c.name, err, c.want)
		}
	}
}

// A recursive schema nested past MaxDepth fails instead of overflowing the
// stack; ambiguous nested unions in the JSON format stop at the budget.
func TestEncodeBounded(t *testing.T) {
	list := parse(t, `{"type":"record","name":"L","fields":[{"name":"next","type":["null","L"]}]}`)
	js := strings.Repeat(`{"next":`, 1500) + "null" + strings.Repeat("}", 1500)
	if _, err := Encode(list, []byte(js), JSON); err == nil || !strings.Contains(err.Error(), "deeper than") {
		t.Errorf("got %v", err)
	}
	if _, err := Encode(list, []byte(strings.Repeat(`{"next":`, 100)+"null"+strings.Repeat("}", 100)), JSON); err != nil {
		t.Errorf("100 levels: %v", err)
	}
}

// Java's JsonEncoder (Jackson's UTF8JsonGenerator) writes a character above
// U+FFFF as its escaped surrogate pair; plain JSON keeps it; both read back.
func TestSupplementaryCharacters(t *testing.T) {
	s := parse(t, `{"type":"map","values":"string"}`)
	bin := append(append(avro.AppendLong(nil, 1), avro.AppendString(nil, "k😀")...), avro.AppendString(nil, "b😀")...)
	bin = append(bin, 0)
	for f, want := range map[Format]string{AvroJSON: `{"k\uD83D\uDE00":"b\uD83D\uDE00"}`, JSON: `{"k😀":"b😀"}`} {
		got, err := Decode(s, bin, f)
		if err != nil || string(got) != want {
			t.Errorf("%s: got %s, %v; want %s", f, got, err, want)
		}
		back, err := Encode(s, got, f)
		if err != nil || !bytes.Equal(back, bin) {
			t.Errorf("%s: read back %x, %v; want %x", f, back, err, bin)
		}
	}
}
