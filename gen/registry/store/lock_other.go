//go:build !unix

package store

// lockDir is a no-op where flock is unavailable; run one server per
// directory.
func lockDir(dir string) (func() error, error) { return func() error { return nil }, nil }
