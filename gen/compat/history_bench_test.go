package compat_test

import (
	"fmt"
	"strings"
	"testing"

	"gitlab.com/acme/avroctl/gen/compat"
	"gitlab.com/acme/avroctl/gen/schema"
)

// historyVersion is version v of the registry's benchmark history
// (gen/registry/server's BenchmarkRegisterHistory): 30 fixed fields of
// assorted types, named ones among them, and 10 optional fields that
// rotate, one in and one out per version; FULL_TRANSITIVE compatible.
func historyVersion(b *testing.B, v int) *compat.Prepared {
	fixed := []string{
		`"string"`, `"long"`, `"int"`, `"double"`, `"boolean"`, `"bytes"`,
		`["null","string"]`, `{"type":"array","items":"string"}`, `{"type":"map","values":"long"}`,
		`{"type":"long","logicalType":"timestamp-millis"}`,
	}
	var sb strings.Builder
	sb.WriteString(`{"type":"record","name":"Order","namespace":"com.acme.bench","fields":[`)
	for i := 0; i < 30; i++ {
		t := fixed[i%len(fixed)]
		switch i {
		case 10:
			t = `{"type":"enum","name":"Status","symbols":["UNKNOWN","NEW","PAID","SHIPPED"],"default":"UNKNOWN"}`
		case 11:
			t = `{"type":"record","name":"Money","fields":[{"name":"units","type":"long"},{"name":"currency","type":"string"}]}`
		case 12:
			t = `{"type":"fixed","name":"Id","size":16}`
		case 13:
			t = `{"type":"array","items":{"type":"record","name":"Line","fields":[{"name":"sku","type":"string"},{"name":"qty","type":"int"},{"name":"price","type":"Money"}]}}`
		}
		fmt.Fprintf(&sb, `{"name":"f%d","type":%s},`, i, t)
	}
	for i := 0; i < 10; i++ {
		if i > 0 {
			sb.WriteByte(',')
		}
		fmt.Fprintf(&sb, `{"name":"opt%d","type":["null","string"],"default":null}`, v+i)
	}
	sb.WriteString(`]}`)
	s, err := schema.Parse([]byte(sb.String()), schema.ParseOptions{})
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
