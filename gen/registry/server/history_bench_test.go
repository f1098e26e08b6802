package server

import (
	"fmt"
	"testing"
	"time"

	"gitlab.com/acme/avroctl/gen/compat/benchhistory"
	"gitlab.com/acme/avroctl/gen/registry/store"
)

// historyVersion is version v of the benchmarks' shared history
// (benchhistory), also interop's BenchmarkCompatVsJava's.
func historyVersion(v int) string { return benchhistory.Version(v) }

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
