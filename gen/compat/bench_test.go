package compat_test

import (
	"fmt"
	"strings"
	"testing"

	"gitlab.com/acme/avroctl/gen/compat"
	"gitlab.com/acme/avroctl/gen/schema"
)

// benchFields returns n field declarations of varied types, each with a
// default so that adding or removing them is FULL compatible.
func benchFields(n int) []string {
	kinds := []string{
		`{"name":"f%d","type":"int","default":0}`,
		`{"name":"f%d","type":"long","default":0}`,
		`{"name":"f%d","type":"string","default":""}`,
		`{"name":"f%d","type":["null","string"],"default":null}`,
		`{"name":"f%d","type":{"type":"array","items":"string"},"default":[]}`,
		`{"name":"f%d","type":{"type":"map","values":"double"},"default":{}}`,
		`{"name":"f%d","type":{"type":"enum","name":"E%d","symbols":["A","B","C"],"default":"A"},"default":"A"}`,
		`{"name":"f%d","type":{"type":"record","name":"R%d","fields":[{"name":"x","type":"int","default":0},{"name":"y","type":["null","long"],"default":null}]},"default":{"x":0,"y":null}}`,
	}
	out := make([]string, n)
	for i := range out {
		k := kinds[i%len(kinds)]
		if strings.Count(k, "%d") == 2 {
			out[i] = fmt.Sprintf(k, i, i)
		} else {
			out[i] = fmt.Sprintf(k, i)
		}
	}
	return out
}

func benchRecord(b *testing.B, fields []string) schema.Schema {
	src := `{"type":"record","name":"Order","namespace":"com.acme","fields":[` + strings.Join(fields, ",") + `]}`
	s, err := schema.Parse([]byte(src), schema.ParseOptions{})
	if err != nil {
		b.Fatal(err)
	}
	return s
}

// BenchmarkFullTransitive1000 checks a 40-field record against 1,000
// previous versions at FULL_TRANSITIVE. Every version is compatible, so all
// 2,000 reader/writer comparisons run.
func BenchmarkFullTransitive1000(b *testing.B) {
	all := benchFields(40)
	newSchema := benchRecord(b, all)
	previous := make([]schema.Schema, 1000)
	for i := range previous {
		previous[i] = benchRecord(b, all[:20+i%21])
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if res := compat.CheckLevel(compat.FullTransitive, newSchema, previous); !res.Compatible {
			b.Fatalf("unexpected incompatibility: %v", res.Incompatibilities)
		}
	}
}

// BenchmarkCheckWide checks a record of 1,000 and of 10,000 fields against
// itself; ns/op per field should stay about the same (a field lookup by
// linear scan once made it quadratic).
func BenchmarkCheckWide(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		s := benchRecord(b, benchFields(n))
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if r := compat.Check(s, s); !r.Compatible {
					b.Fatal(r)
				}
			}
		})
	}
}
