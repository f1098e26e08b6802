package kafka

import (
	"context"
	"hash/fnv"
	"sync"
	"testing"

	"github.com/twmb/franz-go/pkg/kgo"
)

func TestPartitionCommitsContiguousPrefixOnly(t *testing.T) {
	p := newPartition(context.Background(), &kgo.Record{Topic: "t"})
	var es []*entry
	for off := int64(10); off < 15; off++ {
		es = append(es, p.add(&kgo.Record{Offset: off, LeaderEpoch: 3}))
	}
	if _, ok := p.toCommit(); ok {
		t.Fatal("commit point before anything finished")
	}
	p.finish(es[1])
	p.finish(es[3])
	if _, ok := p.toCommit(); ok {
		t.Fatal("commit point past the unfinished offset 10")
	}
	p.finish(es[0])
	if eo, ok := p.toCommit(); !ok || eo.Offset != 12 || eo.Epoch != 3 {
		t.Fatalf("commit point %+v %v, want offset 12 (10 and 11 finished, 12 not)", eo, ok)
	}
	p.committedTo(12)
	if _, ok := p.toCommit(); ok {
		t.Fatal("commit point unchanged since the last commit reported again")
	}
	p.finish(es[2])
	p.finish(es[4])
	if eo, _ := p.toCommit(); eo.Offset != 15 {
		t.Fatalf("commit point %d, want 15", eo.Offset)
	}
	if len(p.pending) != 0 {
		t.Errorf("%d entries kept after all finished", len(p.pending))
	}
}

func TestPartitionRevokeWaitsForRunningHandlers(t *testing.T) {
	p := newPartition(context.Background(), &kgo.Record{Topic: "t"})
	if !p.begin() {
		t.Fatal("begin refused on a live partition")
	}
	p.revoke()
	select {
	case <-p.idle:
		t.Fatal("idle while a handler runs")
	default:
	}
	if p.begin() {
		t.Fatal("begin allowed after revoke")
	}
	p.end()
	<-p.idle
	p.revoke() // idempotent
}

func TestMemoryInboxBoundAndConcurrency(t *testing.T) {
	ctx := context.Background()
	m := NewMemoryInbox(3)
	ran := 0
	for _, id := range []string{"a", "b", "c", "d", "a"} {
		m.Process(ctx, id, func(context.Context, struct{}) error { ran++; return nil })
	}
	// "a" was forgotten when "d" came: the bound is documented.
	if ran != 5 || m.Len() != 3 {
		t.Errorf("ran %d, remembered %d; want 5 and 3", ran, m.Len())
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	effects := 0
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			m.Process(ctx, "same", func(context.Context, struct{}) error {
				mu.Lock()
				effects++
				mu.Unlock()
				return nil
			})
		}()
	}
	wg.Wait()
	if effects != 1 {
		t.Errorf("%d effects for one id from 20 goroutines, want 1", effects)
	}
}

func TestMemoryInboxReleasesWaitersOnPanic(t *testing.T) {
	m := NewMemoryInbox(10)
	func() {
		defer func() { recover() }()
		m.Process(context.Background(), "a", func(context.Context, struct{}) error { panic("boom") })
	}()
	ran := false
	if dup, err := m.Process(context.Background(), "a", func(context.Context, struct{}) error { ran = true; return nil }); dup || err != nil || !ran {
		t.Errorf("after a panic: dup %v, err %v, ran %v; want the event handled", dup, err, ran)
	}
}

// TestFNV1a: the inline hash is hash/fnv's FNV-1a, so that records keep
// the workers they had (one key, one worker, in order).
func TestFNV1a(t *testing.T) {
	for _, s := range []string{"", "a", "order-42", "\x00\xff"} {
		h := fnv.New32a()
		h.Write([]byte(s))
		if got := fnv1a(fnvOffset, []byte(s)); got != h.Sum32() || fnv1aString(fnvOffset, s) != got {
			t.Errorf("%q: %d, want %d", s, got, h.Sum32())
		}
	}
}
