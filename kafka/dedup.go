package kafka

import (
	"container/list"
	"context"
	"errors"
	"sync"
)

// Inbox records which events a consumer has handled, keyed on the event
// id, in the same transaction as the handler's effect. Tx is the
// transaction type the effect is written with (*sql.Tx for the
// database/sql inbox in package inbox).
//
// Process must run fn and record id atomically: either both the effect
// and the id are committed, or neither. It must not record the id before
// fn succeeds (a failed handler's event must be handled again on
// redelivery) and must not run fn for an id already recorded, returning
// duplicate true instead. Concurrent calls with one id must leave exactly
// one effect.
type Inbox[Tx any] interface {
	Process(ctx context.Context, id string, fn func(ctx context.Context, tx Tx) error) (duplicate bool, err error)
}

// ErrNoEventID is the error Dedup gives a record without a ce_id header:
// it cannot be deduplicated, so it is dead-lettered rather than risked.
var ErrNoEventID = errors.New("kafka: record has no ce_id header to deduplicate on")

// Dedup makes h idempotent with inbox: h runs in the inbox's transaction
// and its effect is committed with the event id, so an event redelivered
// after a crash or a rebalance is skipped (counted in Stats.Duplicates)
// and acknowledged. Technical duplicates (the same event id, e.g. a
// producer retry or a replayed dead letter that was handled meanwhile) are
// absorbed the same way.
func Dedup[T, Tx any](inbox Inbox[Tx], h func(ctx context.Context, m *Message[T], tx Tx) error) Handler[T] {
	return func(ctx context.Context, m *Message[T]) error {
		if m.EventID == "" {
			return Permanent(ErrNoEventID)
		}
		dup, err := inbox.Process(ctx, m.EventID, func(ctx context.Context, tx Tx) error { return h(ctx, m, tx) })
		if err != nil {
			return err
		}
		m.duplicate = dup
		return nil
	}
}

// MemoryInbox is an Inbox in memory, for tests and demos. It does NOT
// survive a restart: a consumer restarted with it handles redelivered
// events again. It remembers the last Size ids (older ones are forgotten,
// so a duplicate arriving later than that is not detected) and its
// "transaction" (Tx) is nothing: fn's effect is whatever fn does, which a
// crash between the effect and the mark can duplicate. Production uses a
// database inbox.
type MemoryInbox struct {
	size int

	mu      sync.Mutex
	seen    map[string]*list.Element
	order   *list.List // oldest first
	running map[string]chan struct{}
}

// NewMemoryInbox returns a MemoryInbox remembering up to size ids
// (default 100,000 when size <= 0).
func NewMemoryInbox(size int) *MemoryInbox {
	if size <= 0 {
		size = 100_000
	}
	return &MemoryInbox{size: size, seen: map[string]*list.Element{}, order: list.New(), running: map[string]chan struct{}{}}
}

// Process implements Inbox: calls with one id run one at a time, and fn
// runs only if the id is not remembered; the id is remembered when fn
// succeeds.
func (m *MemoryInbox) Process(ctx context.Context, id string, fn func(ctx context.Context, tx struct{}) error) (bool, error) {
	for {
		m.mu.Lock()
		if _, ok := m.seen[id]; ok {
			m.mu.Unlock()
			return true, nil
		}
		wait, busy := m.running[id]
		if !busy {
			m.running[id] = make(chan struct{})
			m.mu.Unlock()
			break
		}
		m.mu.Unlock()
		select {
		case <-wait:
		case <-ctx.Done():
			return false, ctx.Err()
		}
	}
	ok := false
	defer func() {
		// Also on a panic in fn, so that waiters for id are released.
		m.mu.Lock()
		defer m.mu.Unlock()
		close(m.running[id])
		delete(m.running, id)
		if ok {
			m.remember(id)
		}
	}()
	if err := fn(ctx, struct{}{}); err != nil {
		return false, err
	}
	ok = true
	return false, nil
}

// remember records id, forgetting the oldest beyond the bound. m.mu is held.
func (m *MemoryInbox) remember(id string) {
	m.seen[id] = m.order.PushBack(id)
	for m.order.Len() > m.size {
		old := m.order.Front()
		m.order.Remove(old)
		delete(m.seen, old.Value.(string))
	}
}

// Len returns how many ids the inbox remembers.
func (m *MemoryInbox) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.order.Len()
}
