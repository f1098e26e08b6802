package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
)

// LogFile is the name of the log inside the data directory.
const LogFile = "registry.log"

// ErrClosed is returned by operations on a closed store.
var ErrClosed = errors.New("store is closed")

// Store is the registry state plus, unless it is in memory, its log.
// It is safe for concurrent use.
type Store struct {
	mu     sync.RWMutex
	st     *State
	log    *log // nil in memory
	unlock func() error
	closed bool

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
	Records        int          // records replayed
	TruncatedBytes int64        // bytes of torn tail removed
	Compacted      *CompactInfo // set when Open compacted the log
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
}

// Open opens the store kept in dir with default options; see OpenWith.
func Open(dir string) (*Store, error) { return OpenWith(dir, Options{}) }

// OpenWith opens the store kept in dir, creating dir if needed. An empty dir
// gives a store that lives only in memory (for tests and throwaway servers).
// A second Open of the same dir while the first is open fails. A log that
// has grown well past what its state needs is compacted first.
func OpenWith(dir string, opts Options) (*Store, error) {
	s := &Store{st: NewState(), compactMin: opts.CompactMinBytes, onCompact: opts.OnCompact}
	if s.compactMin <= 0 {
		s.compactMin = DefaultCompactMinBytes
	}
	if dir == "" {
		return s, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	unlock, err := lockDir(dir)
	if err != nil {
		return nil, err
	}
	s.unlock = unlock
	path := filepath.Join(dir, LogFile)
	_, statErr := os.Stat(path)
	// A compaction interrupted before its rename leaves this behind; the
	// log itself is intact.
	if err := os.Remove(path + compactSuffix); err != nil && !os.IsNotExist(err) {
		unlock()
		return nil, err
	}
	l, truncated, err := openLog(path, func(payload []byte) error {
		if err := replayRecord(s.st, payload); err != nil {
			return fmt.Errorf("record %d: %v", s.Recovered.Records+1, err)
		}
		s.Recovered.Records++
		return nil
	})
	if err != nil {
		unlock()
		return nil, err
	}
	if os.IsNotExist(statErr) {
		// The new file's directory entry must be durable too.
		if err := syncDir(dir); err != nil {
			l.close()
			unlock()
			return nil, err
		}
	}
	s.log = l
	s.records = s.Recovered.Records
	s.baseSize = l.size
	s.Recovered.TruncatedBytes = truncated
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
			s.Close()
			return nil, lerr
		} else {
			s.compactErr = err
		}
	}
	return s, nil
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
	st     *State
	events []Event
}

// State returns the state, including the transaction's own events.
func (tx *Tx) State() *State { return tx.st }

// Append applies e to the state and queues it for the log.
func (tx *Tx) Append(e Event) error {
	if err := tx.st.Apply(e); err != nil {
		return err
	}
	tx.events = append(tx.events, e)
	return nil
}

// Update runs fn under the write lock, logs the events it appended as one
// record, and returns once that record is durable. fn's error is returned
// as is; events appended before it failed are still committed, so fn should
// decide before it appends.
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
	tx := &Tx{st: s.st}
	err := fn(tx)
	var seq uint64
	if s.log != nil {
		if len(tx.events) > 0 {
			payload, merr := json.Marshal(tx.events)
			if merr == nil {
				seq, merr = s.log.append(payload)
				s.records++
			}
			if merr != nil {
				// The events are applied in memory but not logged: the
				// memory state is now ahead of the disk, so the log is
				// marked failed and every later write is refused.
				s.log.fail(merr)
				s.mu.Unlock()
				return merr
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
