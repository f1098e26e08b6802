package store

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
)

// Compaction rewrites the log as the shortest event list that rebuilds the
// current state, so a registry that has seen years of config flips, soft
// deletes and re-registrations replays in time proportional to what it holds,
// not to what happened. (Confluent gets the same from Kafka's compacted
// _schemas topic.)
//
// The new log is written beside the old one, fsync'd, checked by replaying it
// into a fresh State that must equal the live one, and renamed over the old
// log; the directory is fsync'd after the rename. A crash at any point leaves
// either the old log or the new one, both complete: the half-written
// temporary file is ignored and removed by the next Open.

// compactSuffix names the temporary file a compaction writes.
const compactSuffix = ".compact"

// Compaction triggers: the log must have reached Options.CompactMinBytes
// (DefaultCompactMinBytes) and be at least compactRatio times the size it
// had after the last compaction (or at open). Below that, replay is already
// fast and a rewrite is wasted I/O.
const (
	DefaultCompactMinBytes = 4 << 20
	compactRatio           = 4
)

// snapshotRecordBytes is the size a record of a compacted log grows to
// before the next one starts: records are batched by bytes, not by count,
// so that a batch of large schemas never exceeds the record limit. A single
// event larger than this gets a record of its own.
const snapshotRecordBytes = 1 << 20

// CompactInfo says what a compaction did.
type CompactInfo struct {
	BytesBefore, BytesAfter     int64
	RecordsBefore, RecordsAfter int
}

// Snapshot returns events that rebuild st when applied to an empty State:
// every schema under its ID, every subject's versions (soft-deleted ones
// deleted again), and the settings. The order is deterministic.
func (st *State) Snapshot() []Event {
	var events []Event
	ids := make([]int, 0, len(st.Schemas))
	for id := range st.Schemas {
		ids = append(ids, id)
	}
	sort.Ints(ids)
	// IMPORT can give two IDs the same identity; byKey keeps the first one
	// seen, so the winners are replayed before the others.
	var rest []int
	for _, id := range ids {
		sc := st.Schemas[id]
		if st.byKey[sc.Key()] != id {
			rest = append(rest, id)
			continue
		}
		events = append(events, Event{Op: OpSchema, ID: id, Schema: sc})
	}
	for _, id := range rest {
		events = append(events, Event{Op: OpSchema, ID: id, Schema: st.Schemas[id]})
	}
	// Ids reserved past the last schema (records lost to damage) stay used.
	if len(ids) == 0 || st.MaxID > ids[len(ids)-1] {
		if st.MaxID > 0 {
			events = append(events, Event{Op: OpReserve, ID: st.MaxID})
		}
	}
	for _, name := range st.SubjectNames() {
		sub := st.Subjects[name]
		for _, v := range sub.Versions {
			events = append(events, Event{Op: OpRegister, Subject: name, Version: v.Version, ID: v.ID})
			if v.Deleted {
				events = append(events, Event{Op: OpDeleteVersion, Subject: name, Version: v.Version})
			}
		}
		if sub.VersionFloor > 0 {
			events = append(events, Event{Op: OpReserve, Subject: name, Version: sub.VersionFloor})
		}
		if sub.Level != "" {
			events = append(events, Event{Op: OpSetLevel, Subject: name, Level: sub.Level})
		}
		if sub.Mode != "" {
			events = append(events, Event{Op: OpSetMode, Subject: name, Mode: sub.Mode})
		}
	}
	if st.Level != "" {
		events = append(events, Event{Op: OpSetLevel, Level: st.Level})
	}
	if st.Mode != "" {
		events = append(events, Event{Op: OpSetMode, Mode: st.Mode})
	}
	return events
}

// Compact rewrites the log now, whatever its size. It blocks writers while
// it runs. An in-memory store has nothing to compact.
func (s *Store) Compact() (CompactInfo, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return CompactInfo{}, ErrClosed
	}
	if s.log == nil {
		return CompactInfo{}, nil
	}
	data, records, err := encodeSnapshot(s.st.Snapshot())
	if err != nil {
		return CompactInfo{}, err
	}
	return s.compactLocked(data, records)
}

// maybeCompact compacts when the log has outgrown its last compacted size.
// A failed compaction leaves the old log in place (the write that triggered
// it is already durable), so the error is only reported: in Stats and to
// Options.OnCompact.
func (s *Store) maybeCompact() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed || s.log == nil || !s.shouldCompact() {
		return
	}
	var info CompactInfo
	data, records, err := encodeSnapshot(s.st.Snapshot())
	if err == nil {
		info, err = s.compactLocked(data, records)
	}
	s.compactErr = err
	if s.onCompact != nil {
		s.onCompact(info, err)
	}
	if err != nil {
		// Do not retry on every write: wait until the log grows again.
		s.baseSize = s.log.size
	}
}

func (s *Store) shouldCompact() bool {
	return s.log.size >= s.compactMin && s.log.size >= compactRatio*s.baseSize
}

// compactLocked rewrites the log as data, the encoded snapshot of the
// current state (records records). The caller holds s.mu for writing, so no
// record is appended meanwhile.
func (s *Store) compactLocked(data []byte, records int) (CompactInfo, error) {
	l := s.log
	if err := l.err(); err != nil {
		return CompactInfo{}, err
	}
	info := CompactInfo{BytesBefore: l.size, RecordsBefore: s.records}
	// The new log must rebuild exactly the live state, or it is not used.
	check := NewState()
	res, err := scanLog(data, func(payload []byte) error { return replayRecord(check, payload) })
	if err == nil && res.torn != nil {
		err = fmt.Errorf("byte offset %d: %s", res.good, res.reason)
	}
	if err != nil {
		return info, fmt.Errorf("compaction: the snapshot does not replay: %v", err)
	}
	if !equalState(check, s.st) {
		return info, fmt.Errorf("compaction: the snapshot does not rebuild the state")
	}

	// The new file stays open for the appends after the swap: opening it
	// after the rename could fail (no file descriptors left) when the old
	// file can no longer be used, and only a restart would get out of that.
	tmp := l.path + compactSuffix
	f, err := createSynced(tmp, data)
	if err != nil {
		os.Remove(tmp)
		return info, err
	}
	// Every record so far must be on disk before the file is swapped, so
	// that a writer still waiting for its fsync finds it covered.
	l.syncMu.Lock()
	defer l.syncMu.Unlock()
	if err := l.f.Sync(); err != nil {
		l.fail(err)
		f.Close()
		os.Remove(tmp)
		return info, err
	}
	l.synced.Store(l.written.Load())
	if err := os.Rename(tmp, l.path); err != nil {
		f.Close()
		os.Remove(tmp)
		return info, err
	}
	// From here the new log is the log; a failure to sync the directory
	// leaves the store unable to promise durability.
	if err := syncDir(filepath.Dir(l.path)); err != nil {
		l.fail(err)
		f.Close()
		return info, err
	}
	l.f.Close()
	l.f = f
	l.size = int64(len(data))
	s.baseSize = l.size
	s.records = records
	s.compactions++
	info.BytesAfter, info.RecordsAfter = l.size, records
	return info, nil
}

// equalState reports whether a and b hold the same registry. It is written
// out rather than reflect.DeepEqual because an empty slice and a nil one
// (a subject whose versions were all hard-deleted but that keeps its
// config; a schema registered with "references": []) mean the same.
func equalState(a, b *State) bool {
	if a.Level != b.Level || a.Mode != b.Mode || a.MaxID != b.MaxID ||
		len(a.Schemas) != len(b.Schemas) || len(a.Subjects) != len(b.Subjects) || len(a.byKey) != len(b.byKey) || len(a.byGUID) != len(b.byGUID) {
		return false
	}
	for g, id := range a.byGUID {
		if b.byGUID[g] != id {
			return false
		}
	}
	for id, x := range a.Schemas {
		y := b.Schemas[id]
		if y == nil || x.ID != y.ID || x.Type != y.Type || x.Text != y.Text || x.GUID != y.GUID || !slices.Equal(x.References, y.References) {
			return false
		}
	}
	for k, id := range a.byKey {
		if b.byKey[k] != id {
			return false
		}
	}
	for name, x := range a.Subjects {
		y := b.Subjects[name]
		if y == nil || x.Name != y.Name || x.Level != y.Level || x.Mode != y.Mode || x.VersionFloor != y.VersionFloor || !slices.Equal(x.Versions, y.Versions) {
			return false
		}
	}
	return true
}

// encodeSnapshot frames events as a complete log file, in records of about
// snapshotRecordBytes. An event that cannot fit in any record is named in
// the error: compaction cannot proceed until it is removed.
func encodeSnapshot(events []Event) ([]byte, int, error) {
	data := []byte(logMagic)
	records := 0
	var batch batchBuf
	flush := func() {
		if batch.len() > 0 {
			data = append(data, frame(batch.payload())...)
			records++
			batch.reset()
		}
	}
	for _, e := range events {
		enc, err := encodeEvent(e)
		if err != nil {
			return nil, 0, err
		}
		if batch.sizeWith(enc) > maxRecordSize {
			return nil, 0, fmt.Errorf("compaction: %s is %d bytes encoded, over the %d byte record limit", describeEvent(e), len(enc), maxRecordSize)
		}
		if batch.len() > 0 && batch.sizeWith(enc) > snapshotRecordBytes {
			flush()
		}
		batch.add(enc)
	}
	flush()
	return data, records, nil
}

// describeEvent names what an event is about, for error messages.
func describeEvent(e Event) string {
	switch {
	case e.Schema != nil && e.Subject != "":
		return fmt.Sprintf("the %s event of %q version %d (schema id %d)", e.Op, e.Subject, e.Version, e.ID)
	case e.Schema != nil || e.ID > 0:
		return fmt.Sprintf("the %s event of schema id %d", e.Op, e.ID)
	case e.Subject != "":
		return fmt.Sprintf("the %s event of %q", e.Op, e.Subject)
	}
	return fmt.Sprintf("the %s event", e.Op)
}

// replayRecord applies one record's batch of events to st.
func replayRecord(st *State, payload []byte) error {
	var batch []Event
	if err := json.Unmarshal(payload, &batch); err != nil {
		return err
	}
	for _, e := range batch {
		if err := st.Apply(e); err != nil {
			return err
		}
	}
	return nil
}

// writeSynced writes data to a new file at path and fsyncs it.
func writeSynced(path string, data []byte) error {
	f, err := createSynced(path, data)
	if err != nil {
		return err
	}
	return f.Close()
}

// createSynced writes data to a new file at path, fsyncs it and returns it
// open for reading and writing.
func createSynced(path string, data []byte) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return nil, err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return nil, err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}
