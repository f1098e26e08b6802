package server

import (
	"errors"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// Defaults of the server's deadlines and limits (see Options).
const (
	DefaultReadHeaderTimeout    = 10 * time.Second
	DefaultReadTimeout          = time.Minute
	DefaultWriteTimeout         = 2 * time.Minute
	DefaultIdleTimeout          = 2 * time.Minute
	DefaultMaxConns             = 1024
	DefaultMaxBodyBytesInFlight = 4 * DefaultMaxBodyBytes
)

// errBusy is what a request body's Read returns when the bodies being read
// already hold the server's whole budget.
var errBusy = errors.New("too many request bodies in flight")

// byteBudget is a non-blocking counting semaphore over bytes. Waiting for
// budget would let slow clients queue up the others; refusing at once
// (503, which clients retry with backoff) keeps the server answering.
type byteBudget struct {
	mu    sync.Mutex
	limit int64
	used  int64
}

func (b *byteBudget) tryAcquire(n int64) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.used+n > b.limit {
		return false
	}
	b.used += n
	return true
}

func (b *byteBudget) release(n int64) {
	b.mu.Lock()
	b.used -= n
	b.mu.Unlock()
}

func (b *byteBudget) inUse() int64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.used
}

// budgetedBody charges a request body's bytes to the server's budget as
// they are read: the declared Content-Length (capped at the body limit) at
// the first read, then whatever a chunked body adds beyond it. A handler
// that never reads the body never charges it. close gives it all back when
// the request ends.
type budgetedBody struct {
	io.ReadCloser
	budget   *byteBudget
	declared int64 // Content-Length, capped; -1 when unknown
	charged  int64
	read     int64
	failed   bool
}

func (b *budgetedBody) Read(p []byte) (int, error) {
	if b.failed {
		return 0, errBusy
	}
	if b.charged == 0 && b.declared > 0 {
		if !b.budget.tryAcquire(b.declared) {
			b.failed = true
			return 0, errBusy
		}
		b.charged = b.declared
	}
	n, err := b.ReadCloser.Read(p)
	b.read += int64(n)
	if extra := b.read - b.charged; extra > 0 {
		if !b.budget.tryAcquire(extra) {
			b.failed = true
			return 0, errBusy
		}
		b.charged += extra
	}
	return n, err
}

// done returns the body's charge to the budget.
func (b *budgetedBody) done() {
	b.budget.release(b.charged)
	b.charged = 0
}

// limitListener accepts at most a fixed number of connections at a time; the
// others wait in the kernel's backlog. Together with the deadlines it keeps
// slow or idle clients from using up the process's file descriptors.
type limitListener struct {
	net.Listener
	slots  chan struct{}
	closed chan struct{}
	once   sync.Once
	active atomic.Int64
}

func newLimitListener(ln net.Listener, n int) *limitListener {
	return &limitListener{Listener: ln, slots: make(chan struct{}, n), closed: make(chan struct{})}
}

func (l *limitListener) Accept() (net.Conn, error) {
	select {
	case l.slots <- struct{}{}:
	case <-l.closed:
		return nil, net.ErrClosed
	}
	c, err := l.Listener.Accept()
	if err != nil {
		<-l.slots
		return nil, err
	}
	l.active.Add(1)
	return &limitConn{Conn: c, l: l}, nil
}

func (l *limitListener) Close() error {
	l.once.Do(func() { close(l.closed) })
	return l.Listener.Close()
}

type limitConn struct {
	net.Conn
	l    *limitListener
	once sync.Once
}

func (c *limitConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(func() {
		c.l.active.Add(-1)
		<-c.l.slots
	})
	return err
}
