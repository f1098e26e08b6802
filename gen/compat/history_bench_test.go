package compat_test

import (
	"fmt"
	"testing"

	"gitlab.com/acme/avroctl/gen/compat"
	"gitlab.com/acme/avroctl/gen/compat/benchhistory"
	"gitlab.com/acme/avroctl/gen/schema"
)

// historyVersion is version v of the benchmarks' shared history
// (benchhistory), prepared.
func historyVersion(b *testing.B, v int) *compat.Prepared {
	s, err := schema.Parse([]byte(benchhistory.Version(v)), schema.ParseOptions{})
	if err != nil {
		b.Fatal(err)
	}
	return compat.Prepare(s)
}

// BenchmarkHistoryCheck is one FULL_TRANSITIVE check of a new version
// against 10, 1,000 and 10,000 previous ones: "index" proves it from a
// History (its time should not grow with the history), "per-version" is
// CheckLevelPrepared visiting every version. Both give the same Result
// (TestHistoryMatchesPlain); the figures to compare are the ratios across
// sizes and between the two:
//
//	go test ./gen/compat -run '^$' -bench HistoryCheck
func BenchmarkHistoryCheck(b *testing.B) {
	for _, n := range []int{10, 1000, 10000} {
		prev := make([]*compat.Prepared, n)
		h := compat.NewHistory()
		for v := range prev {
			prev[v] = historyVersion(b, v)
			h.Add(prev[v])
		}
		next := historyVersion(b, n)
		b.Run(fmt.Sprintf("index/%d", n), func(b *testing.B) {
			cpuLoop(b, func() {
				res := compat.CheckLevelHistory(compat.FullTransitive, next, h, func() []*compat.Prepared {
					b.Fatal("the index did not prove the check")
					return nil
				})
				if !res.Compatible {
					b.Fatal("incompatible")
				}
			})
		})
		b.Run(fmt.Sprintf("per-version/%d", n), func(b *testing.B) {
			cpuLoop(b, func() {
				if res := compat.CheckLevelPrepared(compat.FullTransitive, next, prev); !res.Compatible {
					b.Fatal("incompatible")
				}
			})
		})
	}
}
