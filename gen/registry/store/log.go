package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"sync"
	"sync/atomic"
)

// Record framing: an 8-byte header (payload length, CRC-32C of the payload,
// both little-endian) followed by the payload. The file starts with a magic
// line so that a wrong --data directory is refused rather than "repaired".
const (
	logMagic      = "avroctl-registry-log v1\n"
	headerSize    = 8
	maxRecordSize = 64 << 20 // a sanity bound: a larger length is a torn header
)

var crcTable = crc32.MakeTable(crc32.Castagnoli)

// ErrNotALog is returned when the data file exists but is not a registry log.
var ErrNotALog = errors.New("not an avroctl registry log (bad magic)")

// log is an append-only file of framed records with group commit.
type log struct {
	f    *os.File
	path string
	// size is the file's length in bytes. Appends and compaction change it
	// under the store's write lock.
	size int64

	// written counts records handed to the OS; synced counts records covered
	// by a completed fsync. Both only grow.
	written atomic.Uint64
	synced  atomic.Uint64
	fsyncs  atomic.Uint64

	// syncMu serializes fsyncs. A waiter that gets it after another fsync
	// finished usually finds its record already covered and returns at once:
	// that is the group commit.
	syncMu sync.Mutex
	// failed is sticky: after a failed write or fsync the file's state is
	// unknown (a failed fsync may have dropped dirty pages), so every later
	// write fails too and the operator must restart, which replays the log.
	failed atomic.Pointer[error]
}

// openLog opens (or creates) the log at path and calls fn for each intact
// record's payload in order. A torn or corrupt tail is truncated away.
func openLog(path string, fn func(payload []byte) error) (*log, int64, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, 0, err
	}
	data, err := io.ReadAll(f)
	if err != nil {
		f.Close()
		return nil, 0, err
	}
	var truncated int64
	if len(data) < len(logMagic) {
		// A new file, or one cut short while writing the magic itself.
		if len(data) > 0 && string(data) != logMagic[:len(data)] {
			f.Close()
			return nil, 0, fmt.Errorf("%s: %w", path, ErrNotALog)
		}
		if err := rewrite(f, []byte(logMagic)); err != nil {
			f.Close()
			return nil, 0, err
		}
		return &log{f: f, path: path, size: int64(len(logMagic))}, int64(len(data)), nil
	}
	if string(data[:len(logMagic)]) != logMagic {
		f.Close()
		return nil, 0, fmt.Errorf("%s: %w", path, ErrNotALog)
	}
	good, err := scanRecords(data, fn)
	if err != nil {
		f.Close()
		return nil, 0, fmt.Errorf("%s: offset %d: %w", path, good, err)
	}
	if good < len(data) {
		truncated = int64(len(data) - good)
		if err := f.Truncate(int64(good)); err != nil {
			f.Close()
			return nil, 0, err
		}
		if err := f.Sync(); err != nil {
			f.Close()
			return nil, 0, err
		}
	}
	if _, err := f.Seek(int64(good), io.SeekStart); err != nil {
		f.Close()
		return nil, 0, err
	}
	return &log{f: f, path: path, size: int64(good)}, truncated, nil
}

// scanRecords walks the records after the magic and returns the offset just
// past the last intact one. A record that fails its length or CRC check ends
// the scan: it is the torn tail of an interrupted write. An error from fn on
// an intact record is a real inconsistency and is returned.
func scanRecords(data []byte, fn func(payload []byte) error) (good int, err error) {
	off := len(logMagic)
	for {
		if len(data)-off < headerSize {
			return off, nil
		}
		n := binary.LittleEndian.Uint32(data[off:])
		sum := binary.LittleEndian.Uint32(data[off+4:])
		if n > maxRecordSize || uint64(len(data)-off-headerSize) < uint64(n) {
			return off, nil
		}
		payload := data[off+headerSize : off+headerSize+int(n)]
		if crc32.Checksum(payload, crcTable) != sum {
			return off, nil
		}
		if err := fn(payload); err != nil {
			return off, err
		}
		off += headerSize + int(n)
	}
}

// rewrite replaces the content of f with b and syncs it.
func rewrite(f *os.File, b []byte) error {
	if err := f.Truncate(0); err != nil {
		return err
	}
	if _, err := f.WriteAt(b, 0); err != nil {
		return err
	}
	if _, err := f.Seek(int64(len(b)), io.SeekStart); err != nil {
		return err
	}
	return f.Sync()
}

// frame returns payload with its header.
func frame(payload []byte) []byte {
	b := make([]byte, headerSize+len(payload))
	binary.LittleEndian.PutUint32(b, uint32(len(payload)))
	binary.LittleEndian.PutUint32(b[4:], crc32.Checksum(payload, crcTable))
	copy(b[headerSize:], payload)
	return b
}

// append writes one record and returns its sequence number. Callers
// serialize appends (the store's write lock).
func (l *log) append(payload []byte) (uint64, error) {
	if err := l.err(); err != nil {
		return 0, err
	}
	if len(payload) > maxRecordSize {
		return 0, fmt.Errorf("record of %d bytes exceeds the %d byte limit", len(payload), maxRecordSize)
	}
	b := frame(payload)
	if _, err := l.f.Write(b); err != nil {
		l.fail(err)
		return 0, err
	}
	l.size += int64(len(b))
	return l.written.Add(1), nil
}

// sync returns once record seq is on stable storage.
func (l *log) sync(seq uint64) error {
	if l.synced.Load() >= seq {
		return l.err()
	}
	l.syncMu.Lock()
	defer l.syncMu.Unlock()
	if l.synced.Load() >= seq {
		return l.err()
	}
	if err := l.err(); err != nil {
		return err
	}
	// Everything written so far is covered by this fsync, including
	// records appended by writers now queued on syncMu.
	target := l.written.Load()
	if err := l.f.Sync(); err != nil {
		l.fail(err)
		return err
	}
	l.fsyncs.Add(1)
	l.synced.Store(target)
	return nil
}

func (l *log) fail(err error) {
	e := fmt.Errorf("registry log failed, restart to recover: %w", err)
	l.failed.CompareAndSwap(nil, &e)
}

func (l *log) err() error {
	if p := l.failed.Load(); p != nil {
		return *p
	}
	return nil
}

func (l *log) close() error { return l.f.Close() }
