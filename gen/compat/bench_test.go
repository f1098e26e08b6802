package compat_test

import (
	"fmt"
	"strings"
	"testing"

	"gitlab.com/acme/avroctl/gen/compat"
	"gitlab.com/acme/avroctl/gen/compat/benchhistory"
	"gitlab.com/acme/avroctl/gen/schema"
)

// cpuLoop runs fn b.N times and reports the process CPU time per run
// ("cpu-ns/op") next to the wall time.
func cpuLoop(b *testing.B, fn func()) {
	b.ReportAllocs()
	b.ResetTimer()
	cpu0, ok := processCPU()
	for i := 0; i < b.N; i++ {
		fn()
	}
	b.StopTimer()
	if cpu1, _ := processCPU(); ok {
		b.ReportMetric(float64(cpu1-cpu0)/float64(b.N), "cpu-ns/op")
	}
}

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
	cpuLoop(b, func() {
		if res := compat.CheckLevel(compat.FullTransitive, newSchema, previous); !res.Compatible {
			b.Fatalf("unexpected incompatibility: %v", res.Incompatibilities)
		}
	})
}

// BenchmarkFullTransitive1000Prepared is BenchmarkFullTransitive1000 the
// way the registry runs it: the previous versions are prepared once (as
// they are parsed once), the new schema on every check. The history has
// 21 distinct versions among its 1,000, and every version shares most of
// its fields with the new one.
func BenchmarkFullTransitive1000Prepared(b *testing.B) {
	all := benchFields(40)
	newSchema := benchRecord(b, all)
	previous := make([]*compat.Prepared, 1000)
	for i := range previous {
		previous[i] = compat.Prepare(benchRecord(b, all[:20+i%21]))
	}
	cpuLoop(b, func() {
		if res := compat.CheckLevelPrepared(compat.FullTransitive, compat.Prepare(newSchema), previous); !res.Compatible {
			b.Fatalf("unexpected incompatibility: %v", res.Incompatibilities)
		}
	})
}

// BenchmarkPrepare is the one-time cost per version: fingerprinting a
// 40-field record.
func BenchmarkPrepare(b *testing.B) {
	s := benchRecord(b, benchFields(40))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		compat.Prepare(s)
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

// rotatingVersion is version v of the benchmarks' shared history
// (benchhistory): 30 fixed fields of assorted types, named types among
// them, and 10 optional fields rotating through a pool, so that all 1,000
// versions differ.
func rotatingVersion(b *testing.B, v int) schema.Schema {
	s, err := schema.Parse([]byte(benchhistory.Version(v)), schema.ParseOptions{})
	if err != nil {
		b.Fatal(err)
	}
	return s
}

// BenchmarkRotating1000 checks version 1,000 of the rotating history
// FULL_TRANSITIVE against the 1,000 before it, all distinct: plain, and
// prepared (previous versions prepared once, the new one per check).
func BenchmarkRotating1000(b *testing.B) {
	next := rotatingVersion(b, 1000)
	previous := make([]schema.Schema, 1000)
	prepared := make([]*compat.Prepared, 1000)
	for i := range previous {
		previous[i] = rotatingVersion(b, i)
		prepared[i] = compat.Prepare(previous[i])
	}
	b.Run("plain", func(b *testing.B) {
		cpuLoop(b, func() {
			if res := compat.CheckLevel(compat.FullTransitive, next, previous); !res.Compatible {
				b.Fatal(res.Incompatibilities)
			}
		})
	})
	b.Run("prepared", func(b *testing.B) {
		cpuLoop(b, func() {
			if res := compat.CheckLevelPrepared(compat.FullTransitive, compat.Prepare(next), prepared); !res.Compatible {
				b.Fatal(res.Incompatibilities)
			}
		})
	})
}
