package kafka

import (
	"context"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// partition is the consumer's state for one partition it owns, for one
// assignment: a partition revoked and assigned again gets a new one, and
// work still queued for the old one is dropped, never committed.
//
// It tracks the records handed out in offset order and which of them are
// finished (handled, deduplicated or dead-lettered). The commit point is
// the end of the contiguous finished prefix: a record finished early, past
// one still being retried, is not committed until the earlier one is, so
// a crash redelivers from the first unfinished record and loses nothing.
type partition struct {
	topic string
	id    int32

	ctx    context.Context // handlers' context; canceled when the partition is gone
	cancel context.CancelFunc

	mu        sync.Mutex
	pending   []*entry // unfinished prefix and everything after it, in offset order, from head
	head      int      // pending[:head] are finished and committed-over, kept until compacted
	next      kgo.EpochOffset
	hasNext   bool  // next is set: something finished since the assignment
	committed int64 // offset last committed (-1: none by us)
	revoked   bool
	gone      chan struct{} // closed when revoked or lost
	running   int           // handler calls in progress
	idle      chan struct{} // closed when revoked and running is 0

	// publishing counts dead-letter and retry writes in flight.
	// Revocation and loss wait for them (awaitPublishing): a partition
	// that moved while its write was in flight let the next owner read the
	// dead-letter topic before the write landed, and write a second copy.
	publishing sync.WaitGroup

	// The first record of the assignment: where a previous owner's
	// uncommitted work, and so its dead letters, can start (dltledger.go).
	startOffset int64
	startTime   time.Time
	ledgerMu    sync.Mutex
	ledger      map[int64]bool // offsets already dead-lettered; nil until scanned
}

// entry is one record of a partition.
type entry struct {
	offset int64
	epoch  int32
	done   bool
}

// newPartition starts the state of an assignment whose first record is
// first.
func newPartition(parent context.Context, first *kgo.Record) *partition {
	ctx, cancel := context.WithCancel(parent)
	return &partition{topic: first.Topic, id: first.Partition, ctx: ctx, cancel: cancel, committed: -1,
		gone: make(chan struct{}), idle: make(chan struct{}),
		startOffset: first.Offset, startTime: first.Timestamp}
}

// add registers the next record handed out. Records arrive in offset order.
func (p *partition) add(r *kgo.Record) *entry {
	e := &entry{offset: r.Offset, epoch: r.LeaderEpoch}
	p.mu.Lock()
	p.pending = append(p.pending, e)
	p.mu.Unlock()
	return e
}

// finish marks e finished and moves the commit point over the finished
// prefix.
func (p *partition) finish(e *entry) {
	p.mu.Lock()
	defer p.mu.Unlock()
	e.done = true
	i := p.head
	for i < len(p.pending) && p.pending[i].done {
		last := p.pending[i]
		p.next = kgo.EpochOffset{Epoch: last.epoch, Offset: last.offset + 1}
		p.hasNext = true
		i++
	}
	p.head = i
	// Compact once the finished part is half the slice: amortised O(1)
	// per record (shifting at every step cost O(pending) per record), and
	// the backing array does not grow forever under a steady stream.
	if p.head > 0 && p.head*2 >= len(p.pending) {
		n := copy(p.pending, p.pending[p.head:])
		clear(p.pending[n:])
		p.pending = p.pending[:n]
		p.head = 0
	}
}

// toCommit returns the commit point if it moved since the last commit.
func (p *partition) toCommit() (kgo.EpochOffset, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.hasNext || p.next.Offset == p.committed {
		return kgo.EpochOffset{}, false
	}
	return p.next, true
}

func (p *partition) committedTo(off int64) {
	p.mu.Lock()
	if off > p.committed {
		p.committed = off
	}
	p.mu.Unlock()
}

// begin is called before a handler call; false means the partition is
// gone and the record must be left for its next owner.
func (p *partition) begin() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.revoked {
		return false
	}
	p.running++
	return true
}

func (p *partition) end() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.running--
	if p.revoked && p.running == 0 {
		close(p.idle)
	}
}

// revoke stops new handler calls and backoff waits on the partition.
func (p *partition) revoke() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.revoked {
		return
	}
	p.revoked = true
	close(p.gone)
	if p.running == 0 {
		close(p.idle)
	}
}

func (p *partition) isGone() bool {
	select {
	case <-p.gone:
		return true
	default:
		return false
	}
}
