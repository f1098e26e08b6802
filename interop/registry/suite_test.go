package registry

import (
	"testing"

	"gitlab.com/acme/avroctl/gen/registry/registrytest"
)

// The same client suite against both registries: the embedded server must
// behave as real clients expect, and the suite itself is checked against
// a registry avroctl did not write. AxonOps tests the API here; it is not
// the judge of compatibility verdicts (it diverges from Confluent on some
// edge cases), gen/compat's conformance data is.

func TestSuiteEmbedded(t *testing.T) {
	registrytest.RunSuite(t, startEmbedded(t))
}

func TestSuiteAxonOps(t *testing.T) {
	registrytest.RunSuite(t, startAxonOps(t))
}

// Load: registrations/s and lookups/s over loopback, for both registries in
// the same run. -cpu sets the number of concurrent clients (x4).
func BenchmarkRegister(b *testing.B) {
	b.Run("embedded-durable", func(b *testing.B) {
		b.SetParallelism(4)
		registrytest.BenchRegister(b, startEmbeddedWith(b, b.TempDir()))
	})
	b.Run("embedded-memory", func(b *testing.B) {
		b.SetParallelism(4)
		registrytest.BenchRegister(b, startEmbedded(b))
	})
	b.Run("axonops-memory", func(b *testing.B) {
		b.SetParallelism(4)
		registrytest.BenchRegister(b, startAxonOps(b))
	})
}

func BenchmarkLookup(b *testing.B) {
	b.Run("embedded-durable", func(b *testing.B) {
		b.SetParallelism(4)
		registrytest.BenchLookup(b, startEmbeddedWith(b, b.TempDir()))
	})
	b.Run("axonops-memory", func(b *testing.B) {
		b.SetParallelism(4)
		registrytest.BenchLookup(b, startAxonOps(b))
	})
}
