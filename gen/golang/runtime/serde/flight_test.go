package serde

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
)

func TestFlightSharesOneCall(t *testing.T) {
	var f flight[int, int]
	release := make(chan struct{})
	started := make(chan struct{})
	var wg sync.WaitGroup
	results := make([]int, 8)
	wg.Add(1)
	go func() {
		defer wg.Done()
		results[0], _ = f.do(context.Background(), 1, func() (int, error) {
			close(started)
			<-release
			return 42, nil
		})
	}()
	<-started
	for i := 1; i < len(results); i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], _ = f.do(context.Background(), 1, func() (int, error) { return -1, nil })
		}()
	}
	// Waiters that arrive after the call ends start a new one, which is
	// correct, so check only that every caller got the result of a call.
	// (TestConcurrentMissesShareOneFetch counts registry requests.)
	close(release)
	wg.Wait()
	if results[0] != 42 {
		t.Fatalf("leader got %d", results[0])
	}
	for _, r := range results {
		if r != 42 && r != -1 {
			t.Fatalf("result %d from neither call", r)
		}
	}
}

func TestFlightWaiterContext(t *testing.T) {
	var f flight[int, int]
	release := make(chan struct{})
	started := make(chan struct{})
	go f.do(context.Background(), 1, func() (int, error) {
		close(started)
		<-release
		return 1, nil
	})
	<-started
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := f.do(ctx, 1, func() (int, error) { return 2, nil }); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled waiter: %v", err)
	}
	close(release)
}

func TestFlightPanicReleasesWaiters(t *testing.T) {
	var f flight[int, int]
	started := make(chan struct{})
	release := make(chan struct{})
	done := make(chan error)
	go func() {
		defer func() { recover() }()
		f.do(context.Background(), 1, func() (int, error) {
			close(started)
			<-release
			panic("boom")
		})
	}()
	<-started
	go func() {
		_, err := f.do(context.Background(), 1, func() (int, error) { return 0, nil })
		done <- err
	}()
	// The waiter may join the panicking call or, if it arrives after,
	// run its own; either way it must return.
	close(release)
	if err := <-done; err != nil && !errors.Is(err, errFetchPanicked) {
		t.Fatalf("waiter error %v", err)
	}
}

func TestWriterSchemaText(t *testing.T) {
	ctx := context.Background()
	mem := newMemRegistry()
	mem.RegisterSchema(ctx, moneyFullName, Schema{Schema: moneySchema})
	id, _ := mem.RegisterSchema(ctx, "o", Schema{Schema: orderRefSchema, References: []Reference{{Name: moneyFullName, Subject: moneyFullName, Version: 1}}})
	sd := New(mem)
	text, err := sd.WriterSchema(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if topLevelName(text) != "com.acme.test.Order" || !strings.Contains(text, `"units"`) || !strings.Contains(text, `"com.acme.test.shared.Money"`) {
		t.Fatalf("standalone writer schema %s", text)
	}
	if sd.Registry() != Registry(mem) {
		t.Fatal("Registry() is not the registry New got")
	}
	if _, err := sd.WriterSchema(ctx, 999); !errors.Is(err, ErrUnknownSchema) {
		t.Fatalf("unknown id: %v", err)
	}
}
