//go:build race

package server

// raceEnabled: the race detector allocates for its own bookkeeping, so
// tests that measure the server's allocations skip under it.
const raceEnabled = true
