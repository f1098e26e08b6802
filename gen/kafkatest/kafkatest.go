package kafkatest

import (
	"context"
	"errors"
	"os"
	"testing"
	"time"
)

// EnvRequire, when "1", turns a skip for a missing Java or Maven into a
// test failure. CI sets it, so that the Kafka tests cannot silently stop
// running there.
const EnvRequire = "AVROCTL_REQUIRE_KAFKA"

// Start starts a broker for tb and stops it when tb ends (t.Cleanup; the
// broker is killed, its directory removed, and on failure its output's
// tail logged and its directory kept). Without Java (or without Maven
// while the jars are not cached) it skips tb, or fails it when
// AVROCTL_REQUIRE_KAFKA=1.
func Start(tb testing.TB, opts Options) *Broker {
	tb.Helper()
	if opts.Logf == nil {
		opts.Logf = tb.Logf
	}
	ctx := context.Background()
	if d, ok := tb.(interface{ Deadline() (time.Time, bool) }); ok {
		if dl, ok := d.Deadline(); ok {
			var cancel context.CancelFunc
			ctx, cancel = context.WithDeadline(ctx, dl)
			defer cancel()
		}
	}
	t0 := time.Now()
	b, err := StartBroker(ctx, opts)
	if err != nil {
		var missing *MissingToolError
		if errors.As(err, &missing) && os.Getenv(EnvRequire) != "1" {
			tb.Skip(err.Error() + " (" + EnvRequire + "=1 makes this a failure)")
		}
		tb.Fatal(err)
	}
	tb.Logf("kafkatest: Apache Kafka %s on %s, ready in %v", Version, b.Bootstrap(), time.Since(t0).Round(time.Millisecond))
	tb.Cleanup(func() {
		if tb.Failed() {
			tb.Logf("kafkatest: broker output (tail; full log and data kept in %s):\n%s", b.Dir(), b.LogTail(8000))
			b.Kill()
			return
		}
		if err := b.Close(); err != nil {
			tb.Errorf("kafkatest: stopping the broker: %v", err)
		}
	})
	return b
}
