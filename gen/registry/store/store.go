package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
)

// LogFile is the name of the log inside the data directory, and LockFile
// that of the file whose flock keeps a second registry out.
const (
	LogFile  = "registry.log"
	LockFile = "LOCK"
)

// ErrClosed is returned by operations on a closed store.
var ErrClosed = errors.New("store is closed")

// Store is the registry state plus, unless it is in memory, its log.
// It is safe for concurrent use.
type Store struct {
	mu        sync.RWMutex
	st        *State
	log       *log // nil in memory
	dir       string
	meta      meta
	maxRecord int
	unlock    func() error
	closed    bool

	// records counts the records in the log file; baseSize is the file's
	// size after the last compaction (or at open), the yardstick for the
	// next one. Both change under mu.
	records     int
	baseSize    int64
	compactMin  int64
	onCompact   func(CompactInfo, error)
	compactions int
	compactErr  error

	// Recovered describes what Open did, for the server to report.
	Recovered OpenInfo
}

// OpenInfo says what Open found on disk.
type OpenInfo struct {
	Records        int // records replayed
	TruncatedBytes int64
	// TruncatedAt is the byte offset where a torn final record was cut
	// (TruncatedBytes of it), and TruncatedReason what was wrong with it.
	TruncatedAt     int64
	TruncatedReason string
	// StartedEmpty is set when the log was missing or empty in a directory
	// that held a registry, and Options.AllowEmptyLog let it start.
	StartedEmpty bool
	// Reserved are the ids and versions marked used because records were
	// lost (a cut tail, an emptied log): they are never handed out again.
	Reserved  []Event
	Compacted *CompactInfo // set when Open compacted the log
}

// Stats are counters for tests and benchmarks.
type Stats struct {
	Records     uint64 // records appended since open
	Fsyncs      uint64 // fsyncs done since open
	LogBytes    int64  // size of the log file now
	Compactions int    // compactions done since open
	// CompactErr is the last automatic compaction's error, if it failed
	// (the old log stays in use then).
	CompactErr error
}

// Options tune a store. The zero value is the default.
type Options struct {
	// CompactMinBytes is the log size below which it is never compacted
	// (0: DefaultCompactMinBytes). Tests lower it to compact often.
	CompactMinBytes int64
	// OnCompact, when set, is told about each automatic compaction after
	// open (for the server's log). It runs under the store's write lock:
	// it must not call the store.
	OnCompact func(CompactInfo, error)
	// MaxRecordBytes bounds one transaction's log record (0, or anything
	// above the format's limit: 64 MiB). An event that would pass it fails
	// with a *RecordTooLargeError before it is applied.
	MaxRecordBytes int
	// AllowEmptyLog lets a directory that held a registry start with a
	// missing or empty log (an operator's decision, after a loss). Without
	// it Open refuses with an *EmptyLogError. Ids continue above the ones
	// the meta file says were used.
	AllowEmptyLog bool
}

// EmptyLogError is returned by Open when the log is missing or empty but
// the data directory shows that it held a registry: starting would serve
// an empty registry and hand out its ids again.
type EmptyLogError struct {
	Path      string
	Evidence  string // what shows the directory was used
	IDCeiling int    // ids up to this may be in use (0: unknown)
}

func (e *EmptyLogError) Error() string {
	ids := fmt.Sprintf("new ids continue above %d", e.IDCeiling)
	if e.IDCeiling == 0 {
		ids = "the ids used before are unknown and may be handed out again"
	}
	return fmt.Sprintf("%s is missing or empty, but %s shows this directory held a registry: refusing to start it empty. "+
		"Restore the log from a backup, or start an empty registry on purpose with --allow-empty-log (%s)", e.Path, e.Evidence, ids)
}

// Open opens the store kept in dir with default options; see OpenWith.
func Open(dir string) (*Store, error) { return OpenWith(dir, Options{}) }

// OpenWith opens the store kept in dir, creating dir if needed. An empty dir
// gives a store that lives only in memory (for tests and throwaway servers).
// A second Open of the same dir while the first is open fails. A torn final
// record is cut away; a damaged record that valid ones follow fails with a
// *DamageError and changes nothing. A log that has grown well past what its
// state needs is compacted.
func OpenWith(dir string, opts Options) (*Store, error) {
	s := &Store{st: NewState(), compactMin: opts.CompactMinBytes, onCompact: opts.OnCompact, maxRecord: opts.MaxRecordBytes}
	if s.compactMin <= 0 {
		s.compactMin = DefaultCompactMinBytes
	}
	if s.maxRecord <= 0 || s.maxRecord > maxRecordSize {
		s.maxRecord = maxRecordSize
	}
	if dir == "" {
		return s, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	_, err := os.Stat(filepath.Join(dir, LockFile))
	lockedBefore := err == nil
	unlock, err := lockDir(dir)
	if err != nil {
		return nil, err
	}
	s.unlock = unlock
	s.dir = dir
	if err := s.open(opts, lockedBefore); err != nil {
		if s.log != nil {
			s.log.close()
		}
		unlock()
		return nil, err
	}
	return s, nil
}

func (s *Store) open(opts Options, lockedBefore bool) error {
	m, haveMeta, err := readMeta(s.dir)
	if err != nil {
		return err
	}
	s.meta = m
	path := filepath.Join(s.dir, LogFile)
	fi, statErr := os.Stat(path)
	// A log that is missing, or holds no record, where one was used before
	// is a loss. (A log whose only record was torn is not: its tail is cut
	// like any other.) This is decided before anything is written.
	evidence := ""
	switch {
	case m.Used:
		evidence = filepath.Join(s.dir, MetaFile)
	case !haveMeta && lockedBefore && os.IsNotExist(statErr):
		evidence = filepath.Join(s.dir, LockFile) + " (left by an earlier registry)"
	}
	if evidence != "" && (os.IsNotExist(statErr) || statErr == nil && fi.Size() <= int64(len(logMagic))) {
		if !opts.AllowEmptyLog {
			return &EmptyLogError{Path: path, Evidence: evidence, IDCeiling: m.IDCeiling}
		}
		s.Recovered.StartedEmpty = true
	}
	// A compaction interrupted before its rename leaves this behind; the
	// log itself is intact.
	if err := os.Remove(path + compactSuffix); err != nil && !os.IsNotExist(err) {
		return err
	}
	l, res, err := openLog(path, func(payload []byte) error { return replayRecord(s.st, payload) })
	if err != nil {
		return err
	}
	s.log = l
	if os.IsNotExist(statErr) {
		// The new file's directory entry must be durable too.
		if err := syncDir(s.dir); err != nil {
			return err
		}
	}
	s.records = res.records
	s.baseSize = l.size
	s.Recovered.Records = res.records
	if len(res.torn) > 0 {
		s.Recovered.TruncatedBytes = int64(len(res.torn))
		s.Recovered.TruncatedAt = int64(res.good)
		s.Recovered.TruncatedReason = res.reason
	}

	if !haveMeta || m.IDCeiling < s.st.MaxID {
		// First open, or a log from before the meta file existed.
		s.meta.Used = s.meta.Used || res.records > 0
		if res.records > 0 {
			s.meta.IDCeiling = max(s.meta.IDCeiling, ceilingFor(s.st.MaxID))
		}
		if err := writeMeta(s.dir, s.meta); err != nil {
			return err
		}
	}
	if len(res.torn) > 0 || s.Recovered.StartedEmpty {
		// Records were lost. What they may have used stays used.
		reserve := reservations(s.st, m.IDCeiling, salvage(res.torn))
		if len(reserve) > 0 {
			if err := s.Update(func(tx *Tx) error {
				for _, e := range reserve {
					if err := tx.Append(e); err != nil {
						return err
					}
				}
				return nil
			}); err != nil {
				return err
			}
			s.Recovered.Reserved = reserve
		}
	}

	if l.size >= s.compactMin {
		// Compact at open when the log is at least twice what the state
		// needs; either way the minimal size is the next yardstick.
		data, records, err := encodeSnapshot(s.st.Snapshot())
		if err == nil && 2*int64(len(data)) <= l.size {
			var info CompactInfo
			info, err = s.compactLocked(data, records)
			if err == nil {
				s.Recovered.Compacted = &info
			}
		}
		if err == nil {
			s.baseSize = int64(len(data))
		} else if lerr := l.err(); lerr != nil {
			return lerr
		} else {
			s.compactErr = err
		}
	}
	return nil
}

// View calls fn with the state under a read lock. fn must not keep st or
// anything in it after returning. View returns after the state fn saw is
// durable, so nothing read here can vanish in a crash.
func (s *Store) View(fn func(st *State) error) error {
	s.mu.RLock()
	if s.closed {
		s.mu.RUnlock()
		return ErrClosed
	}
	err := fn(s.st)
	var seq uint64
	if s.log != nil {
		seq = s.log.written.Load()
	}
	s.mu.RUnlock()
	if s.log != nil {
		if serr := s.log.sync(seq); serr != nil {
			return serr
		}
	}
	return err
}

// Tx is a write transaction: it reads the state and records events.
type Tx struct {
	st    *State
	limit int
	batch batchBuf
	undo  []func()
	maxID int // the highest id an event uses
}

// State returns the state, including the transaction's own events.
func (tx *Tx) State() *State { return tx.st }

// Append applies e to the state and queues it for the log. An event that
// would make the transaction's record too large fails with a
// *RecordTooLargeError before it is applied.
func (tx *Tx) Append(e Event) error {
	enc, err := encodeEvent(e)
	if err != nil {
		return err
	}
	if n := tx.batch.sizeWith(enc); n > tx.limit {
		return &RecordTooLargeError{Event: describeEvent(e), Bytes: n, Limit: tx.limit}
	}
	undo := tx.st.undoFor(e)
	if err := tx.st.Apply(e); err != nil {
		return err
	}
	tx.undo = append(tx.undo, undo)
	tx.batch.add(enc)
	tx.maxID = max(tx.maxID, e.ID)
	return nil
}

// rollback undoes the transaction's events, newest first.
func (tx *Tx) rollback() {
	for i := len(tx.undo) - 1; i >= 0; i-- {
		tx.undo[i]()
	}
}

// Update runs fn under the write lock, logs the events it appended as one
// record, and returns once that record is durable. fn's error is returned
// as is; events appended before it failed are still committed, so fn should
// decide before it appends. If the record cannot be written (a full disk),
// its events are undone and the error returned: the state stays what the
// log holds, reads go on, and later writes are tried again.
func (s *Store) Update(fn func(tx *Tx) error) error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return ErrClosed
	}
	if s.log != nil {
		if err := s.log.err(); err != nil {
			s.mu.Unlock()
			return err
		}
	}
	tx := &Tx{st: s.st, limit: s.maxRecord}
	err := fn(tx)
	var seq uint64
	if s.log != nil {
		if tx.batch.len() > 0 {
			var werr error
			if seq, werr = s.commitLocked(tx); werr != nil {
				tx.rollback()
				s.mu.Unlock()
				return werr
			}
		} else {
			// Nothing new, but fn may have read state that is not durable
			// yet (another writer's record awaiting its fsync).
			seq = s.log.written.Load()
		}
	}
	compact := s.log != nil && s.shouldCompact()
	s.mu.Unlock()
	if s.log != nil {
		if serr := s.log.sync(seq); serr != nil {
			return serr
		}
	}
	if compact {
		s.maybeCompact()
	}
	return err
}

// commitLocked appends tx's record. The meta file is updated first when
// the record is the log's first or uses an id above the reserved ceiling,
// so the meta file always covers what the log holds.
func (s *Store) commitLocked(tx *Tx) (uint64, error) {
	if !s.meta.Used || tx.maxID > s.meta.IDCeiling {
		m := s.meta
		m.Used = true
		m.IDCeiling = max(m.IDCeiling, ceilingFor(tx.maxID))
		if err := writeMeta(s.dir, m); err != nil {
			return 0, fmt.Errorf("registry meta file: write failed, the record was not added: %w", err)
		}
		s.meta = m
	}
	seq, err := s.log.append(tx.batch.payload())
	if err != nil {
		return 0, err
	}
	s.records++
	return seq, nil
}

// Stats returns the log counters (zero in memory).
func (s *Store) Stats() Stats {
	if s.log == nil {
		return Stats{}
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return Stats{Records: s.log.written.Load(), Fsyncs: s.log.fsyncs.Load(),
		LogBytes: s.log.size, Compactions: s.compactions, CompactErr: s.compactErr}
}

// Close closes the log and releases the directory lock.
func (s *Store) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	var err error
	if s.log != nil {
		err = s.log.close()
	}
	if s.unlock != nil {
		if uerr := s.unlock(); err == nil {
			err = uerr
		}
	}
	return err
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
