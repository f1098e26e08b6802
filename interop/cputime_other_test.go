//go:build !unix

package interop

// processCPU is unknown on this platform; benchmarks then report wall time only.
func processCPU() (int64, bool) { return 0, false }
