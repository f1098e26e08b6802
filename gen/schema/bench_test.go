package schema

import (
	"fmt"
	"strings"
	"testing"
)

// benchSchema builds a record with n nested record fields of 8 fields each
// (every kind of type, defaults, docs and properties): about 1.5 KiB per n.
func benchSchema(n int) []byte {
	var b strings.Builder
	b.WriteString(`{"type":"record","name":"Root","namespace":"bench.v1","doc":"root","fields":[`)
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"name":"f%d","type":{"type":"record","name":"R%d","doc":"record %d","fields":[
{"name":"id","type":{"type":"string","logicalType":"uuid"}},
{"name":"n","type":"long","default":%d},
{"name":"x","type":"double","default":1.5e-3},
{"name":"tags","type":{"type":"array","items":"string"},"default":[]},
{"name":"attrs","type":{"type":"map","values":["null","int"]},"default":{}},
{"name":"kind","type":{"type":"enum","name":"K%d","symbols":["A","B","C"],"default":"A"}},
{"name":"hash","type":{"type":"fixed","name":"H%d","size":16},"aliases":["h"]},
{"name":"next","type":["null","R%d"],"default":null,"custom":{"k":[1,2]}}]}}`, i, i, i, i, i, i, i)
	}
	b.WriteString(`]}`)
	return []byte(b.String())
}

func BenchmarkParse(b *testing.B) {
	data := benchSchema(100)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := Parse(data, ParseOptions{Filename: "bench.avsc"}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkMarshal(b *testing.B) {
	s, err := Parse(benchSchema(100), ParseOptions{})
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(Marshal(s))))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		_ = Marshal(s)
	}
}

func BenchmarkMarshalPretty(b *testing.B) {
	s, err := Parse(benchSchema(100), ParseOptions{})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		_ = MarshalPretty(s)
	}
}

func BenchmarkFingerprint64(b *testing.B) {
	s, err := Parse(benchSchema(100), ParseOptions{})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		_ = Fingerprint64(s)
	}
}

func TestBenchSchemaParses(t *testing.T) {
	if _, err := Parse(benchSchema(3), ParseOptions{}); err != nil {
		t.Fatal(err)
	}
}

// wideRecord is a one-line record with n fields, the shape of a registered
// schema for a very wide table. Its cost must grow linearly with n: field
// lookups by linear scan and columns counted from the line start each made
// it quadratic once (50,000 fields took 2.9 s to parse, now about 70 ms).
func wideRecord(n int) []byte {
	var b strings.Builder
	b.WriteString(`{"type":"record","name":"Wide","fields":[`)
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"name":"f%d","type":"string","doc":"é"}`, i)
	}
	b.WriteString(`]}`)
	return []byte(b.String())
}

// BenchmarkParseWide parses one-line records of 1,000 and 10,000 fields;
// ns/op per field should stay about the same between the two.
func BenchmarkParseWide(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		src := wideRecord(n)
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			b.SetBytes(int64(len(src)))
			for i := 0; i < b.N; i++ {
				if _, err := Parse(src, ParseOptions{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
