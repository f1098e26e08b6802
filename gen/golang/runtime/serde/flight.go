package serde

import (
	"context"
	"errors"
	"sync"
)

var errFetchPanicked = errors.New("serde: registry fetch panicked")

// flight makes concurrent cache misses for the same key share one registry
// request: the first caller runs the fetch, later callers wait for its
// result. Results are not kept; the caller caches successes. (A hand-written
// golang.org/x/sync/singleflight, because this package may only import the
// standard library.)
type flight[K comparable, V any] struct {
	mu    sync.Mutex
	calls map[K]*call[V]
}

type call[V any] struct {
	done chan struct{}
	val  V
	err  error
}

// do runs fn once for all concurrent callers with the same key. A waiting
// caller whose ctx ends stops waiting; the fetch goes on for the others.
func (f *flight[K, V]) do(ctx context.Context, key K, fn func() (V, error)) (V, error) {
	f.mu.Lock()
	if c, ok := f.calls[key]; ok {
		f.mu.Unlock()
		select {
		case <-c.done:
			return c.val, c.err
		case <-ctx.Done():
			var zero V
			return zero, ctx.Err()
		}
	}
	if f.calls == nil {
		f.calls = map[K]*call[V]{}
	}
	c := &call[V]{done: make(chan struct{})}
	f.calls[key] = c
	f.mu.Unlock()

	// Release the waiters even if fn panics, so they never hang.
	returned := false
	defer func() {
		if !returned {
			c.err = errFetchPanicked
		}
		f.mu.Lock()
		delete(f.calls, key)
		f.mu.Unlock()
		close(c.done)
	}()
	c.val, c.err = fn()
	returned = true
	return c.val, c.err
}
