package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
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

// DamageError is returned by Open for a damaged record that valid records
// follow. That is not a torn final write (which is cut away): cutting it
// would drop acknowledged records after it, and their ids would be handed
// out again. The file is left exactly as it was; `avroctl registry repair`
// shows what a repair would drop and writes a repaired copy.
type DamageError struct {
	Path   string
	Offset int64  // byte offset of the damaged record
	Record int    // its number, counting from 1
	Reason string // what is wrong with its framing
	// NextValid is the byte offset of the first valid record after it, or
	// -1 when the search for one gave up (see nextFrame).
	NextValid int64
}

func (e *DamageError) Error() string {
	follows := fmt.Sprintf("a valid record follows at byte offset %d", e.NextValid)
	if e.NextValid < 0 {
		follows = "the bytes after it could not be ruled out as valid records"
	}
	return fmt.Sprintf("%s: byte offset %d: record %d is damaged (%s) and %s, "+
		"so this is not a torn final write: nothing was cut, the file is unchanged; "+
		"run `avroctl registry repair --data %s` to see what a repair would drop and write a repaired copy",
		e.Path, e.Offset, e.Record, e.Reason, follows, filepath.Dir(e.Path))
}

// log is an append-only file of framed records with group commit.
type log struct {
	f    *os.File
	path string
	// size is the file's length in bytes, the offset just past the last
	// good record. Appends and compaction change it under the store's
	// write lock.
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
	// failed is sticky, and set only when an fsync failed: the kernel may
	// have dropped dirty pages, so what is on disk is unknown and only a
	// restart (which replays the file) can tell. A failed write is not
	// sticky: append cuts the file back to its last good record.
	failed atomic.Pointer[error]
}

// scanResult is what a scan of a log file found.
type scanResult struct {
	good    int    // offset just past the last intact record
	records int    // intact records
	torn    []byte // a damaged final record that nothing valid follows
	reason  string // what is wrong with torn
}

// openLog opens (or creates) the log at path and calls fn for each intact
// record's payload in order. A damaged final record is a torn write and is
// cut away; a damaged record that valid ones follow fails with a
// *DamageError and leaves the file untouched.
func openLog(path string, fn func(payload []byte) error) (*log, scanResult, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, scanResult{}, err
	}
	l, res, err := openFile(f, path, fn)
	if err != nil {
		f.Close()
	}
	return l, res, err
}

func openFile(f *os.File, path string, fn func(payload []byte) error) (*log, scanResult, error) {
	data, err := io.ReadAll(f)
	if err != nil {
		return nil, scanResult{}, err
	}
	if len(data) < len(logMagic) {
		// A new file, or one cut short while writing the magic itself.
		if len(data) > 0 && string(data) != logMagic[:len(data)] {
			return nil, scanResult{}, fmt.Errorf("%s: %w", path, ErrNotALog)
		}
		if err := rewrite(f, []byte(logMagic)); err != nil {
			return nil, scanResult{}, err
		}
		return &log{f: f, path: path, size: int64(len(logMagic))}, scanResult{good: len(logMagic)}, nil
	}
	if string(data[:len(logMagic)]) != logMagic {
		return nil, scanResult{}, fmt.Errorf("%s: %w", path, ErrNotALog)
	}
	res, err := scanLog(data, fn)
	if err != nil {
		var d *DamageError
		if errors.As(err, &d) {
			d.Path = path
			return nil, res, d
		}
		return nil, res, fmt.Errorf("%s: %w (nothing was changed; `avroctl registry repair --data %s` shows what a repair would drop)", path, err, filepath.Dir(path))
	}
	if res.good < len(data) {
		if err := f.Truncate(int64(res.good)); err != nil {
			return nil, res, err
		}
		if err := f.Sync(); err != nil {
			return nil, res, err
		}
	}
	return &log{f: f, path: path, size: int64(res.good)}, res, nil
}

// scanLog walks the records after the magic. A record whose framing is
// damaged ends the scan: if no valid record framing follows it anywhere, it
// is the torn tail of an interrupted write (res.torn); if one does, the log
// is damaged in the middle and a *DamageError is returned. An error from fn
// on an intact record is a real inconsistency and is returned.
func scanLog(data []byte, fn func(payload []byte) error) (scanResult, error) {
	res := scanResult{good: len(logMagic)}
	for res.good < len(data) {
		n, reason := frameAt(data, res.good)
		if reason != "" {
			if next, complete := nextFrame(data, res.good); next >= 0 || !complete {
				return res, &DamageError{Offset: int64(res.good), Record: res.records + 1, Reason: reason, NextValid: int64(next)}
			}
			res.torn, res.reason = data[res.good:], reason
			return res, nil
		}
		payload := data[res.good+headerSize : res.good+headerSize+n]
		if err := fn(payload); err != nil {
			return res, fmt.Errorf("byte offset %d: record %d: %w", res.good, res.records+1, err)
		}
		res.good += headerSize + n
		res.records++
	}
	return res, nil
}

// frameAt checks the record framing at off and returns the payload length,
// or what is wrong. Beyond the CRC, a payload must be a JSON array (every
// record is a batch of events), which also refuses an all-zero header: a
// zero length has CRC 0, and some filesystems leave zeros after a power
// loss.
func frameAt(data []byte, off int) (n int, reason string) {
	if len(data)-off < headerSize {
		return 0, fmt.Sprintf("a header cut short after %d bytes", len(data)-off)
	}
	n32 := binary.LittleEndian.Uint32(data[off:])
	sum := binary.LittleEndian.Uint32(data[off+4:])
	switch {
	case n32 < 2:
		return 0, fmt.Sprintf("length %d, too short for a record", n32)
	case n32 > maxRecordSize:
		return 0, fmt.Sprintf("length %d over the %d byte limit", n32, maxRecordSize)
	case uint64(len(data)-off-headerSize) < uint64(n32):
		return 0, fmt.Sprintf("length %d past the end of the file", n32)
	}
	payload := data[off+headerSize : off+headerSize+int(n32)]
	if payload[0] != '[' || payload[len(payload)-1] != ']' {
		return 0, "the payload is not an event batch"
	}
	if crc32.Checksum(payload, crcTable) != sum {
		return 0, "CRC mismatch"
	}
	return int(n32), ""
}

// nextFrame returns the offset of the first valid record framing after off,
// or -1. Record payloads are JSON, which never holds the raw control bytes
// a header's length has (its top byte is at most maxRecordSize>>24), so a
// frame found here is a real record, not bytes inside one. The CRCs it
// computes are bounded by twice the file's size: bytes crafted to look
// like many records could otherwise make it quadratic. Past that bound it
// gives up and returns complete = false: nothing is known about what
// follows.
func nextFrame(data []byte, off int) (next int, complete bool) {
	budget := 2*len(data) + 1<<20
	for p := off + 1; p+headerSize < len(data); p++ {
		// Cheap tests first: the length's top byte and the payload's '['.
		if data[p+3] > maxRecordSize>>24 || data[p+headerSize] != '[' {
			continue
		}
		if budget <= 0 {
			return -1, false
		}
		if _, reason := frameAt(data, p); reason == "" {
			return p, true
		}
		budget -= int(binary.LittleEndian.Uint32(data[p:])) + 1
	}
	return -1, true
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

// append writes one framed record at the end of the last good record and
// returns its sequence number. Callers serialize appends (the store's write
// lock). A failed write (a full disk) cuts the file back to the last good
// record and changes nothing else: the log stays usable, and the next
// append succeeds once there is space again.
func (l *log) append(payload []byte) (uint64, error) {
	if err := l.err(); err != nil {
		return 0, err
	}
	if len(payload) > maxRecordSize {
		return 0, fmt.Errorf("record of %d bytes exceeds the %d byte limit", len(payload), maxRecordSize)
	}
	b := frame(payload)
	if _, err := l.f.WriteAt(b, l.size); err != nil {
		// Best effort: if the cut fails too, the partial bytes lie past
		// l.size, where the next record overwrites them or the next open
		// finds a torn tail. They are never followed by a valid record
		// written before them.
		if terr := l.f.Truncate(l.size); terr != nil {
			err = errors.Join(err, terr)
		}
		return 0, fmt.Errorf("registry log: write failed, the record was not added: %w", err)
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
