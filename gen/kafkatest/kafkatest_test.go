package kafkatest

import (
	"context"
	"testing"
	"time"
)

// TestBroker starts a real Kafka 4.4.0, checks it serves the protocol,
// and restarts it (cleanly, then after a SIGKILL) on the same address.
func TestBroker(t *testing.T) {
	b := Start(t, Options{})
	ctx := context.Background()
	if err := apiVersions(ctx, b.Bootstrap()); err != nil {
		t.Fatal(err)
	}
	t0 := time.Now()
	if err := b.Restart(ctx); err != nil {
		t.Fatal(err)
	}
	t.Logf("clean restart took %v", time.Since(t0).Round(time.Millisecond))
	if err := b.Kill(); err != nil {
		t.Fatal(err)
	}
	if b.Running() {
		t.Fatal("Running after Kill")
	}
	if err := apiVersions(ctx, b.Bootstrap()); err == nil {
		t.Fatal("ApiVersions answered after Kill")
	}
	if err := b.Restart(ctx); err != nil {
		t.Fatal(err)
	}
	if err := apiVersions(ctx, b.Bootstrap()); err != nil {
		t.Fatal(err)
	}
}
