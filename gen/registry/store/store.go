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

	// Recovered describes what Open did, for the server to report.
	Recovered OpenInfo
}

// OpenInfo says what Open found on disk.
type OpenInfo struct {
	Records        int   // records replayed
	TruncatedBytes int64 // bytes of torn tail removed
}

// Stats are counters for tests and benchmarks.
type Stats struct {
	Records uint64 // records appended since open
	Fsyncs  uint64 // fsyncs done since open
}

// Open opens the store kept in dir, creating dir if needed. An empty dir
// gives a store that lives only in memory (for tests and throwaway servers).
// A second Open of the same dir while the first is open fails.
func Open(dir string) (*Store, error) {
	s := &Store{st: NewState()}
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
	l, truncated, err := openLog(path, func(payload []byte) error {
		var batch []Event
		if err := json.Unmarshal(payload, &batch); err != nil {
			return fmt.Errorf("record %d: %v", s.Recovered.Records+1, err)
		}
		for _, e := range batch {
			if err := s.st.Apply(e); err != nil {
				return fmt.Errorf("record %d: %v", s.Recovered.Records+1, err)
			}
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
	s.Recovered.TruncatedBytes = truncated
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
	s.mu.Unlock()
	if s.log != nil {
		if serr := s.log.sync(seq); serr != nil {
			return serr
		}
	}
	return err
}

// Stats returns the log counters (zero in memory).
func (s *Store) Stats() Stats {
	if s.log == nil {
		return Stats{}
	}
	return Stats{Records: s.log.written.Load(), Fsyncs: s.log.fsyncs.Load()}
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
