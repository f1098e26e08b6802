package server

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"gitlab.com/acme/avroctl/gen/registry/registrytest"
	"gitlab.com/acme/avroctl/gen/registry/store"
)

// Loopback load benchmarks of the embedded server with a durable store
// (every registration is fsync'd; concurrent ones share fsyncs). Vary the
// number of concurrent clients with -cpu, e.g.
//
//	go test ./gen/registry/server -run '^$' -bench . -cpu 1,8,32
func BenchmarkRegister(b *testing.B) {
	st, err := store.Open(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	u := startServer(b, st, Options{})
	b.SetParallelism(4)
	registrytest.BenchRegister(b, u)
	s := st.Stats()
	if s.Records > 0 {
		b.ReportMetric(float64(s.Records)/float64(s.Fsyncs), "records/fsync")
	}
}

func BenchmarkLookup(b *testing.B) {
	st, err := store.Open(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	u := startServer(b, st, Options{})
	b.SetParallelism(4)
	registrytest.BenchLookup(b, u)
}

// wideRecord is a record of n long fields plus extra optional ones.
func wideRecord(n, extra int) string {
	var b strings.Builder
	b.WriteString(`{"type":"record","name":"Wide","namespace":"com.acme","fields":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"name":"f%d","type":"long"}`, i)
	}
	for i := range extra {
		fmt.Fprintf(&b, `,{"name":"x%d","type":["null","long"],"default":null}`, i)
	}
	b.WriteString("]}")
	return b.String()
}

// BenchmarkReadDuringTransitiveRegister registers versions of a
// 100,000-field record under FULL_TRANSITIVE while a client reads another
// subject in a loop, and reports the slowest read next to the mean
// registration: with the check under the global write lock the slowest read
// was about as long as a registration (about 6 s); outside it, reads stay
// at loopback latency. Run with
//
//	go test ./gen/registry/server -run '^$' -bench ReadDuringTransitive -benchtime 2x
func BenchmarkReadDuringTransitiveRegister(b *testing.B) {
	const fields = 100_000
	st, err := store.Open(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	u := startServer(b, st, Options{})
	call(b, u, "PUT", "/config/wide", `{"compatibility":"FULL_TRANSITIVE"}`)
	call(b, u, "POST", "/subjects/other/versions", body(`"int"`))
	for v := range 2 {
		if code, got := call(b, u, "POST", "/subjects/wide/versions", body(wideRecord(fields, v))); code != 200 {
			b.Fatalf("setup version %d: %d %.200s", v+1, code, got)
		}
	}
	stop := make(chan struct{})
	var maxRead time.Duration
	var reads int
	readerDone := make(chan struct{})
	go func() {
		defer close(readerDone)
		for {
			select {
			case <-stop:
				return
			default:
			}
			start := time.Now()
			code, _, err := tryCall(u, "GET", "/subjects/other/versions", "")
			if err != nil || code != 200 {
				b.Errorf("read: %d %v", code, err)
				return
			}
			maxRead = max(maxRead, time.Since(start))
			reads++
		}
	}()
	b.ResetTimer()
	for i := range b.N {
		if code, got := call(b, u, "POST", "/subjects/wide/versions", body(wideRecord(fields, 2+i))); code != 200 {
			b.Fatalf("register: %d %.200s", code, got)
		}
	}
	b.StopTimer()
	close(stop)
	<-readerDone
	perRegister := b.Elapsed() / time.Duration(b.N)
	b.ReportMetric(float64(maxRead.Microseconds())/1000, "max-read-ms")
	b.ReportMetric(float64(perRegister.Microseconds())/1000, "register-ms")
	b.ReportMetric(float64(maxRead)/float64(perRegister), "max-read/register")
	b.ReportMetric(float64(reads), "reads")
}
