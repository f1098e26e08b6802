//go:build !unix

package kafkatest

import "context"

// lockFile is a no-op where flock is unavailable: concurrent first fetches
// then both download, and the rename of a complete directory still makes
// exactly one of them the cache.
func lockFile(ctx context.Context, path string) (unlock func(), err error) { return func() {}, nil }
