package inbox

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite"

	"gitlab.com/acme/avroctl/kafka"
	"gitlab.com/acme/avroctl/kafka/internal/pgtest"
)

var _ kafka.Inbox[*sql.Tx] = (*Store)(nil)

// forEachBackend runs f in a subtest per database the store is tested
// on, each with an orders table standing for a handler's effect.
// PostgreSQL skips (or fails, with AVROCTL_REQUIRE_POSTGRES=1) where it is
// not installed; SQLite always runs.
func forEachBackend(t *testing.T, f func(t *testing.T, db *sql.DB)) {
	open := map[string]func(t *testing.T) (driver, dsn string){
		"sqlite": func(t *testing.T) (string, string) {
			return "sqlite", "file:" + filepath.Join(t.TempDir(), "inbox.db") +
				"?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_txlock=immediate"
		},
		"postgres": func(t *testing.T) (string, string) { return "pgx", pgtest.Start(t) },
	}
	for _, name := range []string{"sqlite", "postgres"} {
		t.Run(name, func(t *testing.T) {
			db, err := sql.Open(open[name](t))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { db.Close() })
			if _, err := db.Exec(`CREATE TABLE orders (event_id TEXT NOT NULL, n INTEGER NOT NULL)`); err != nil {
				t.Fatal(err)
			}
			f(t, db)
		})
	}
}

func newStore(t *testing.T, db *sql.DB, consumer string) *Store {
	t.Helper()
	s, err := New(db, Options{Consumer: consumer})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := s.Migrate(context.Background()); err != nil { // idempotent
		t.Fatal(err)
	}
	return s
}

func effect(ctx context.Context, tx *sql.Tx, id string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO orders (event_id, n) VALUES ($1, 1)`, id)
	return err
}

func countOrders(t *testing.T, db *sql.DB, id string) int {
	t.Helper()
	var n int
	if err := db.QueryRow(`SELECT COUNT(*) FROM orders WHERE event_id = $1`, id).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestStore(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *sql.DB) {
		{
			ctx := context.Background()
			s := newStore(t, db, "order-service")

			// First delivery: effect and mark together.
			dup, err := s.Process(ctx, "e-1", func(ctx context.Context, tx *sql.Tx) error { return effect(ctx, tx, "e-1") })
			if err != nil || dup {
				t.Fatalf("first Process: dup %v, err %v", dup, err)
			}
			// Redelivery: a duplicate, the handler is not run.
			dup, err = s.Process(ctx, "e-1", func(context.Context, *sql.Tx) error {
				t.Error("handler ran for a duplicate")
				return nil
			})
			if err != nil || !dup {
				t.Fatalf("second Process: dup %v, err %v", dup, err)
			}
			if n := countOrders(t, db, "e-1"); n != 1 {
				t.Errorf("%d effects for e-1, want 1", n)
			}

			// A failing handler: neither its effect nor the mark is kept,
			// so the redelivery is handled.
			boom := errors.New("boom")
			_, err = s.Process(ctx, "e-2", func(ctx context.Context, tx *sql.Tx) error {
				if err := effect(ctx, tx, "e-2"); err != nil {
					return err
				}
				return boom
			})
			if !errors.Is(err, boom) {
				t.Fatalf("err = %v, want the handler's", err)
			}
			if ok, _ := s.Handled(ctx, "e-2"); ok || countOrders(t, db, "e-2") != 0 {
				t.Fatal("a failed handler's event is marked or its effect kept")
			}
			if dup, err := s.Process(ctx, "e-2", func(ctx context.Context, tx *sql.Tx) error { return effect(ctx, tx, "e-2") }); dup || err != nil {
				t.Fatalf("redelivery after failure: dup %v, err %v", dup, err)
			}

			// Another consumer group handles the same event on its own.
			other := newStore(t, db, "audit-service")
			if dup, err := other.Process(ctx, "e-1", func(context.Context, *sql.Tx) error { return nil }); dup || err != nil {
				t.Fatalf("other consumer: dup %v, err %v", dup, err)
			}

			// Purge forgets what was handled before the horizon, for this
			// consumer only.
			n, err := s.Purge(ctx, time.Now().Add(time.Minute))
			if err != nil || n != 2 {
				t.Fatalf("Purge = %d, %v; want 2", n, err)
			}
			if ok, _ := other.Handled(ctx, "e-1"); !ok {
				t.Error("Purge of one consumer removed another's ids")
			}
		}
	})
}

// TestStoreConcurrentConsumers: several consumers deliver the same events
// at once (a rebalance, a replay racing a redelivery); each event has
// exactly one effect.
func TestStoreConcurrentConsumers(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *sql.DB) {
		{
			ctx := context.Background()
			const events, consumers = 200, 6
			db.SetMaxOpenConns(consumers + 2)
			stores := make([]*Store, consumers)
			for i := range stores {
				stores[i] = newStore(t, db, "order-service")
			}
			var dups, handled atomic.Int64
			var wg sync.WaitGroup
			errs := make(chan error, consumers)
			for i := range consumers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for e := range events {
						id := fmt.Sprintf("e-%d", (e+i*37)%events) // different orders
						for {
							dup, err := stores[i].Process(ctx, id, func(ctx context.Context, tx *sql.Tx) error { return effect(ctx, tx, id) })
							if err != nil && isBusy(err) {
								continue // the consumer's in-place retry
							}
							if err != nil {
								errs <- err
								return
							}
							if dup {
								dups.Add(1)
							} else {
								handled.Add(1)
							}
							break
						}
					}
				}()
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Fatal(err)
			}
			if handled.Load() != events || dups.Load() != events*(consumers-1) {
				t.Errorf("handled %d, duplicates %d; want %d and %d", handled.Load(), dups.Load(), events, events*(consumers-1))
			}
			var total, distinct int
			db.QueryRow(`SELECT COUNT(*), COUNT(DISTINCT event_id) FROM orders`).Scan(&total, &distinct)
			if total != events || distinct != events {
				t.Errorf("%d effects for %d events, want one each", total, distinct)
			}
		}
	})
}

// isBusy: SQLite's "database is locked" past the busy timeout; the
// consumer treats it as transient.
func isBusy(err error) bool {
	return err != nil && (contains(err.Error(), "SQLITE_BUSY") || contains(err.Error(), "database is locked"))
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}

func TestNewRejectsBadOptions(t *testing.T) {
	for _, o := range []Options{{}, {Consumer: "c", Table: "inbox; DROP TABLE x"}, {Consumer: "c", Table: "1x"}} {
		if _, err := New(nil, o); err == nil {
			t.Errorf("New(%+v) accepted", o)
		}
	}
	if _, err := New(nil, Options{Consumer: "c", Table: "app.inbox"}); err != nil {
		t.Errorf("schema-qualified table: %v", err)
	}
}

// TestStorePanicRollsBack: a handler that panics (the consumer recovers
// it) leaves neither its effect nor the mark, and returns its connection.
func TestStorePanicRollsBack(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *sql.DB) {
		ctx := context.Background()
		db.SetMaxOpenConns(1)
		s := newStore(t, db, "c")
		func() {
			defer func() { recover() }()
			s.Process(ctx, "p", func(ctx context.Context, tx *sql.Tx) error {
				effect(ctx, tx, "p")
				panic("boom")
			})
		}()
		// With one connection, a leaked transaction would block here.
		cctx, cancel := context.WithTimeout(ctx, time.Minute)
		defer cancel()
		if ok, err := s.Handled(cctx, "p"); ok || err != nil {
			t.Fatalf("after a panic: handled %v, err %v", ok, err)
		}
		if n := countOrders(t, db, "p"); n != 0 {
			t.Errorf("%d effects kept after a panic", n)
		}
	})
}
