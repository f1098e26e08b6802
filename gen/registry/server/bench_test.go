package server

import (
	"testing"

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
