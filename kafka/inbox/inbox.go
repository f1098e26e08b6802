// Package inbox is the database/sql Inbox for the kafka runtime's Dedup:
// a table of the event ids a consumer group has handled, written in the
// same transaction as the handler's effect.
//
//	CREATE TABLE avroctl_inbox (
//		consumer   TEXT   NOT NULL,  -- the consumer group
//		event_id   TEXT   NOT NULL,  -- the ce_id header
//		handled_at BIGINT NOT NULL,  -- epoch milliseconds, for Purge
//		PRIMARY KEY (consumer, event_id)
//	)
//
// Process begins a transaction, inserts (consumer, event id) with ON
// CONFLICT DO NOTHING, and:
//
//   - if no row was inserted, the event was handled before: it rolls back
//     and reports a duplicate, without running the handler;
//   - else it runs the handler with the transaction and commits: the
//     effect and the id are durable together, or (on any error, a crash,
//     a lost connection) neither is, and the redelivered event is handled
//     again.
//
// The id is never marked before the handler's effect, which is how
// deduplicators that mark first (a cache, a separate table written
// before) lose events: a handler that fails after the mark turns the
// redelivery into a "duplicate" that is skipped.
//
// Concurrent consumers: the primary key makes a second transaction
// inserting the same id wait for the first (PostgreSQL blocks on the
// uncommitted row) and then find the conflict, so exactly one effect is
// committed. SQLite serializes writers: open it with a busy timeout and
// immediate transactions, e.g. with modernc.org/sqlite
//
//	file:orders.db?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_txlock=immediate
//
// Any error (including a busy database) is returned to the consumer as
// transient and retried.
//
// Rows grow with every event. Purge deletes rows older than a horizon;
// keep it longer than any redelivery can be late (the topic's retention
// is the safe bound), or a very late redelivery is handled twice.
package inbox

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"time"
)

// DefaultTable is the table name when Options.Table is empty.
const DefaultTable = "avroctl_inbox"

// Options configure a Store.
type Options struct {
	// Consumer names the consumer whose events the store records, usually
	// the consumer group: two groups reading one topic each handle every
	// event, so their ids must not collide. Required.
	Consumer string
	// Table is the inbox table (default avroctl_inbox); a plain or
	// schema-qualified SQL identifier.
	Table string
	// TxOptions are passed to BeginTx (nil: the driver's default isolation,
	// which suffices: the primary key decides duplicates).
	TxOptions *sql.TxOptions
}

// Store is an Inbox (see the kafka package) over a database/sql database.
// It works on PostgreSQL and SQLite (3.24+), the two it is tested on, and
// any database with INSERT ... ON CONFLICT DO NOTHING and $n placeholders.
type Store struct {
	db   *sql.DB
	opts Options

	create, insert, exists, purge string
}

var identifier = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$`)

// New returns a Store on db. Call Migrate once to create the table.
func New(db *sql.DB, opts Options) (*Store, error) {
	if opts.Consumer == "" {
		return nil, errors.New("inbox: Options.Consumer is empty; use the consumer group")
	}
	if opts.Table == "" {
		opts.Table = DefaultTable
	}
	if !identifier.MatchString(opts.Table) {
		return nil, fmt.Errorf("inbox: table name %q: want letters, digits and _ (optionally schema.table)", opts.Table)
	}
	t := opts.Table
	return &Store{db: db, opts: opts,
		create: `CREATE TABLE IF NOT EXISTS ` + t + ` (consumer TEXT NOT NULL, event_id TEXT NOT NULL, ` +
			`handled_at BIGINT NOT NULL, PRIMARY KEY (consumer, event_id))`,
		insert: `INSERT INTO ` + t + ` (consumer, event_id, handled_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
		exists: `SELECT 1 FROM ` + t + ` WHERE consumer = $1 AND event_id = $2`,
		purge:  `DELETE FROM ` + t + ` WHERE consumer = $1 AND handled_at < $2`,
	}, nil
}

// Migrate creates the inbox table if it does not exist.
func (s *Store) Migrate(ctx context.Context) error {
	if _, err := s.db.ExecContext(ctx, s.create); err != nil {
		return fmt.Errorf("inbox: creating %s: %w", s.opts.Table, err)
	}
	return nil
}

// Process implements the kafka runtime's Inbox[*sql.Tx]: it runs fn and
// records id in one transaction, or reports a duplicate without running
// fn. See the package documentation.
func (s *Store) Process(ctx context.Context, id string, fn func(ctx context.Context, tx *sql.Tx) error) (duplicate bool, err error) {
	if id == "" {
		return false, errors.New("inbox: empty event id")
	}
	tx, err := s.db.BeginTx(ctx, s.opts.TxOptions)
	if err != nil {
		return false, fmt.Errorf("inbox: begin: %w", err)
	}
	committed := false
	defer func() {
		// Also on a panic in fn: the consumer recovers it, and the
		// connection must go back to the pool.
		if !committed {
			tx.Rollback()
		}
	}()
	res, err := tx.ExecContext(ctx, s.insert, s.opts.Consumer, id, time.Now().UnixMilli())
	if err != nil {
		return false, fmt.Errorf("inbox: marking event %s: %w", id, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("inbox: marking event %s: %w", id, err)
	}
	if n == 0 {
		return true, nil
	}
	if err := fn(ctx, tx); err != nil {
		return false, err
	}
	committed = true // Commit ends the transaction even when it fails
	if err := tx.Commit(); err != nil {
		return false, fmt.Errorf("inbox: commit of event %s: %w", id, err)
	}
	return false, nil
}

// Handled reports whether id is recorded.
func (s *Store) Handled(ctx context.Context, id string) (bool, error) {
	var one int
	err := s.db.QueryRowContext(ctx, s.exists, s.opts.Consumer, id).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("inbox: %w", err)
	}
	return true, nil
}

// Purge deletes the consumer's ids recorded before horizon and returns
// how many. See the package documentation for choosing horizon.
func (s *Store) Purge(ctx context.Context, horizon time.Time) (int64, error) {
	res, err := s.db.ExecContext(ctx, s.purge, s.opts.Consumer, horizon.UnixMilli())
	if err != nil {
		return 0, fmt.Errorf("inbox: purge: %w", err)
	}
	return res.RowsAffected()
}
