package server

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"gitlab.com/acme/avroctl/gen/registry/store"
)

// historyVersion is version v of a 40-field record whose history is
// FULL_TRANSITIVE compatible and whose versions all differ: 30 fixed fields
// of assorted types (named types among them) and 10 optional fields that
// rotate through a pool, one in and one out per version. It is the history
// of interop's BenchmarkCompatVsJava.
func historyVersion(v int) string {
	fixed := []string{
		`"string"`, `"long"`, `"int"`, `"double"`, `"boolean"`, `"bytes"`,
		`["null","string"]`, `{"type":"array","items":"string"}`, `{"type":"map","values":"long"}`,
		`{"type":"long","logicalType":"timestamp-millis"}`,
	}
	var b strings.Builder
	b.WriteString(`{"type":"record","name":"Order","namespace":"com.acme.bench","fields":[`)
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
		fmt.Fprintf(&b, `{"name":"f%d","type":%s},`, i, t)
	}
	for i := 0; i < 10; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"name":"opt%d","type":["null","string"],"default":null}`, v+i)
	}
	b.WriteString(`]}`)
	return b.String()
}

// BenchmarkRegisterHistory is the cost of registering one more version
// under FULL_TRANSITIVE, over HTTP into a durable store in a temp dir, as a
// subject's history grows: 10, 100, 1,000 and 10,000 distinct 40-field
// versions, each of which the check reads against the new one in both
// directions. The history is written in one transaction (no check) to set
// up; one registration then warms the server's caches of parsed and
// prepared schemas and builds the subject's cross-version index (reported
// as first-ms: what the first registration after a restart pays); the
// timed registrations follow, each proven compatible by the index (which
// it then extends by one version), so their cost should not grow with the
// history: on a shared 2-core machine, about 0.7 ms at 10 versions and
// 0.9-1.0 ms at 10,000 (it was 46 ms there before the index). Each one adds a
// version, so run it with a small fixed count. cpu-ns/op is the process's
// CPU time per registration (server, client and garbage collector), which
// the machine's load and the disk's fsync latency disturb less than
// ns/op:
//
//	go test ./gen/registry/server -run '^$' -bench RegisterHistory -benchtime 20x
func BenchmarkRegisterHistory(b *testing.B) {
	for _, n := range []int{10, 100, 1000, 10000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			st, err := store.Open(b.TempDir())
			if err != nil {
				b.Fatal(err)
			}
			srv := New(st, Options{})
			if err := srv.Open("127.0.0.1:0"); err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() {
				closeIdle()
				srv.Close()
				st.Close()
			})
			u := srv.URL()
			const subject = "orders-value"
			err = st.Update(func(tx *store.Tx) error {
				for v := 0; v < n; v++ {
					req := &registerRequest{Schema: historyVersion(v)}
					ps, err := srv.parseRequest(nil, req)
					if err != nil {
						return err
					}
					if _, err := srv.registerSchema(tx, subject, req, ps); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				b.Fatal(err)
			}
			if code, got := call(b, u, "PUT", "/config/"+subject, `{"compatibility":"FULL_TRANSITIVE"}`); code != 200 {
				b.Fatalf("config: %d %s", code, got)
			}
			register := func(v int) {
				if code, got := call(b, u, "POST", "/subjects/"+subject+"/versions", body(historyVersion(v))); code != 200 {
					b.Fatalf("register version %d: %d %.300s", v+1, code, got)
				}
			}
			start := time.Now()
			register(n)
			first := time.Since(start)
			b.ResetTimer()
			cpu0, cpuOK := processCPU()
			for i := range b.N {
				register(n + 1 + i)
			}
			b.StopTimer()
			if cpu1, _ := processCPU(); cpuOK {
				b.ReportMetric(float64(cpu1-cpu0)/float64(b.N), "cpu-ns/op")
			}
			b.ReportMetric(float64(first.Microseconds())/1000, "first-ms")
		})
	}
}
