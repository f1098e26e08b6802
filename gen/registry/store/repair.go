package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
)

// Repair is the store's fsck. Open refuses a log that is damaged in the
// middle; Repair reads such a log record by record, keeps every intact
// record that still applies, and reports what it drops: each damaged byte
// range (with the subjects, versions and ids that can still be read from
// it, unverified) and each intact record that no longer applies without
// the damaged ones. The repaired log ends with reserve events so that no
// id or version the dropped records used is handed out again. It is
// written as a copy unless the caller asks for the swap in place, which
// keeps the original beside it.

// RepairOptions say where a repair writes.
type RepairOptions struct {
	// Out is a directory for the repaired copy (registry.log and
	// registry.meta); it must not exist or be empty. "" writes nothing.
	Out string
	// InPlace replaces the log in the data directory, after renaming the
	// damaged one to registry.log.damaged.
	InPlace bool
}

// DamagedSuffix names the original log kept by an in-place repair.
const DamagedSuffix = ".damaged"

// SubjectVersion is a version of a subject.
type SubjectVersion struct {
	Subject string `json:"subject"`
	Version int    `json:"version"`
}

// Lost is what a repair drops at one place of the log.
type Lost struct {
	Offset int64  `json:"offset"`
	Record int    `json:"record"` // the number of the record that starts here
	Reason string `json:"reason"`
	// The subject versions (0: unreadable) and ids the dropped bytes held;
	// read from a damaged range, they are unverified.
	Versions []SubjectVersion `json:"versions,omitempty"`
	IDs      []int            `json:"ids,omitempty"`
}

// DamagedRange is a run of bytes that holds no valid record.
type DamagedRange struct {
	Lost
	End int64 `json:"end"`
	// Tail is set when nothing valid follows: a torn final write, which
	// Open cuts by itself.
	Tail bool `json:"tail"`
}

// DroppedRecord is an intact record that does not apply any more.
type DroppedRecord struct{ Lost }

// RepairReport says what a repair found, drops and adds.
type RepairReport struct {
	Log     string          `json:"log"`
	Bytes   int64           `json:"bytes"`
	Records int             `json:"records"` // intact records found
	Kept    int             `json:"kept"`    // intact records the repaired log keeps
	Damaged []DamagedRange  `json:"damaged"`
	Dropped []DroppedRecord `json:"dropped"`
	// Reserved are the events the repaired log ends with: ids and
	// versions the dropped records may have used.
	Reserved []Event `json:"reserved"`
	// Written is the repaired log's path, when one was written.
	Written string `json:"written,omitempty"`
	// Original is where an in-place repair kept the damaged log.
	Original string `json:"original,omitempty"`
}

// Clean reports whether the log needs no repair.
func (r *RepairReport) Clean() bool { return len(r.Damaged) == 0 && len(r.Dropped) == 0 }

// Repair checks the log in dir and, unless it is clean, writes the repaired
// log as opts says. It takes the directory's lock, so it fails while a
// registry serves from dir.
func Repair(dir string, opts RepairOptions) (*RepairReport, error) {
	if opts.InPlace && opts.Out != "" {
		return nil, errors.New("repair: a copy and an in-place repair exclude each other")
	}
	path := filepath.Join(dir, LogFile)
	if _, err := os.Stat(path); err != nil {
		return nil, err
	}
	unlock, err := lockDir(dir)
	if err != nil {
		return nil, err
	}
	defer unlock()
	m, _, err := readMeta(dir)
	if err != nil {
		return nil, err
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if len(data) < len(logMagic) || string(data[:len(logMagic)]) != logMagic {
		return nil, fmt.Errorf("%s: %w", path, ErrNotALog)
	}
	rep, out := repairLog(data, m)
	rep.Log = path
	if rep.Clean() {
		return rep, nil
	}
	newMeta := meta{Format: metaFormat, Used: true, IDCeiling: max(m.IDCeiling, ceilingFor(out.st.MaxID))}
	switch {
	case opts.Out != "":
		if err := writeRepairedDir(opts.Out, out.data, newMeta); err != nil {
			return rep, err
		}
		rep.Written = filepath.Join(opts.Out, LogFile)
	case opts.InPlace:
		orig := path + DamagedSuffix
		if _, err := os.Stat(orig); err == nil {
			return rep, fmt.Errorf("%s exists (kept by an earlier repair): move it away first", orig)
		}
		if err := os.Rename(path, orig); err != nil {
			return rep, err
		}
		if err := writeMeta(dir, newMeta); err != nil {
			return rep, err
		}
		if err := writeAtomic(path, out.data); err != nil {
			return rep, err
		}
		rep.Written, rep.Original = path, orig
	}
	return rep, nil
}

// repaired is a repaired log and the state it rebuilds.
type repaired struct {
	data []byte
	st   *State
}

// repairLog reads data record by record, as described above.
func repairLog(data []byte, m meta) (*RepairReport, repaired) {
	rep := &RepairReport{Bytes: int64(len(data)), Damaged: []DamagedRange{}, Dropped: []DroppedRecord{}, Reserved: []Event{}}
	out := repaired{data: []byte(logMagic), st: NewState()}
	var lost []Event
	off, rec := len(logMagic), 0
	for off < len(data) {
		rec++
		n, reason := frameAt(data, off)
		if reason != "" {
			end, complete := nextFrame(data, off)
			d := DamagedRange{Lost: Lost{Offset: int64(off), Record: rec, Reason: reason}, Tail: end < 0 && complete}
			if !complete {
				d.Reason += "; the search for a valid record after it gave up, so the rest of the file is dropped"
			}
			if end < 0 {
				end = len(data)
			}
			d.End = int64(end)
			events := salvage(data[off:end])
			d.Versions, d.IDs = numbersOf(events)
			rep.Damaged = append(rep.Damaged, d)
			lost = append(lost, events...)
			off = end
			continue
		}
		rep.Records++
		payload := data[off+headerSize : off+headerSize+n]
		if batch, err := applyAtomic(out.st, payload); err != nil {
			dr := DroppedRecord{Lost{Offset: int64(off), Record: rec, Reason: err.Error()}}
			dr.Versions, dr.IDs = numbersOf(batch)
			rep.Dropped = append(rep.Dropped, dr)
			lost = append(lost, batch...)
		} else {
			out.data = append(out.data, data[off:off+headerSize+n]...)
			rep.Kept++
		}
		off += headerSize + n
	}
	if rep.Clean() {
		return rep, out
	}
	ceiling := m.IDCeiling
	if !m.Used {
		ceiling = 0 // no meta file: only the ids read from the dropped bytes are known
	}
	rep.Reserved = reservations(out.st, ceiling, lost)
	if len(rep.Reserved) > 0 {
		var b batchBuf
		for _, e := range rep.Reserved {
			enc, _ := encodeEvent(e) // an Event of ints and a subject name always encodes
			b.add(enc)
			out.st.Apply(e)
		}
		out.data = append(out.data, frame(b.payload())...)
	}
	return rep, out
}

// applyAtomic applies one record's batch to st, or nothing of it. It
// returns the batch it decoded, if any, to report what a dropped record held.
func applyAtomic(st *State, payload []byte) ([]Event, error) {
	var batch []Event
	if err := json.Unmarshal(payload, &batch); err != nil {
		return nil, err
	}
	undo := make([]func(), 0, len(batch))
	for _, e := range batch {
		u := st.undoFor(e)
		if err := st.Apply(e); err != nil {
			for i := len(undo) - 1; i >= 0; i-- {
				undo[i]()
			}
			return batch, err
		}
		undo = append(undo, u)
	}
	return batch, nil
}

// Patterns for what salvage reads from bytes that do not decode: the
// events' own fields, as encodeEvent writes them. A schema's text is a JSON
// string inside the event, so its quotes are escaped and never match.
var (
	salvageVersion = regexp.MustCompile(`"subject":("(?:[^"\\]|\\.)*"),"version":(\d{1,10})`)
	salvageSubject = regexp.MustCompile(`"subject":("(?:[^"\\]|\\.)*")`)
	salvageID      = regexp.MustCompile(`"id":(\d{1,10})`)
)

// salvage returns what can still be read from a damaged record: its events
// if its payload decodes despite the damage, and the subject versions and
// ids its bytes spell (a flipped bit in a field name decodes, but loses
// the field). Nothing here is verified.
func salvage(b []byte) []Event {
	var events []Event
	if len(b) > headerSize {
		json.Unmarshal(b[headerSize:], &events)
	}
	for _, m := range salvageVersion.FindAllSubmatch(b, -1) {
		var subject string
		v, err := strconv.Atoi(string(m[2]))
		if json.Unmarshal(m[1], &subject) == nil && err == nil {
			events = append(events, Event{Op: OpReserve, Subject: subject, Version: v})
		}
	}
	for _, m := range salvageSubject.FindAllSubmatch(b, -1) {
		var subject string
		if json.Unmarshal(m[1], &subject) == nil {
			events = append(events, Event{Op: OpReserve, Subject: subject}) // version unreadable
		}
	}
	for _, m := range salvageID.FindAllSubmatch(b, -1) {
		if id, err := strconv.Atoi(string(m[1])); err == nil {
			events = append(events, Event{Op: OpReserve, ID: id})
		}
	}
	return events
}

// numbersOf lists the subject versions and ids events use, sorted. A
// subject whose version could not be read is listed with version 0.
func numbersOf(events []Event) ([]SubjectVersion, []int) {
	var versions []SubjectVersion
	var ids []int
	seenV, seenID, known := map[SubjectVersion]bool{}, map[int]bool{}, map[string]bool{}
	for _, e := range events {
		if e.Subject != "" && e.Version > 0 {
			known[e.Subject] = true
		}
	}
	for _, e := range events {
		sv := SubjectVersion{e.Subject, e.Version}
		if e.Subject != "" && (e.Version > 0 || !known[e.Subject]) && !seenV[sv] {
			seenV[sv] = true
			versions = append(versions, sv)
		}
		if e.ID > 0 && !seenID[e.ID] {
			seenID[e.ID] = true
			ids = append(ids, e.ID)
		}
	}
	sort.Slice(versions, func(i, j int) bool {
		if versions[i].Subject != versions[j].Subject {
			return versions[i].Subject < versions[j].Subject
		}
		return versions[i].Version < versions[j].Version
	})
	sort.Ints(ids)
	return versions, ids
}

// reservations returns the reserve events that keep what lost records used
// from being handed out again: ids up to the meta file's ceiling (which
// covers every id the log used; 0 when unknown, then the ids read from the
// lost records count), and each subject's highest lost version.
func reservations(st *State, ceiling int, lost []Event) []Event {
	idFloor := ceiling
	versions := map[string]int{}
	for _, e := range lost {
		if ceiling == 0 && e.ID <= math.MaxInt32 {
			idFloor = max(idFloor, e.ID)
		}
		if e.Subject != "" && e.Version > 0 && e.Version <= math.MaxInt32 {
			versions[e.Subject] = max(versions[e.Subject], e.Version)
		}
	}
	var out []Event
	if idFloor > st.MaxID {
		out = append(out, Event{Op: OpReserve, ID: idFloor})
	}
	names := make([]string, 0, len(versions))
	for name := range versions {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		v := versions[name]
		if sub := st.Subjects[name]; sub == nil || v > sub.MaxVersion() {
			out = append(out, Event{Op: OpReserve, Subject: name, Version: v})
		}
	}
	return out
}

// writeRepairedDir writes a repaired data directory at dir, which must not
// exist or be empty.
func writeRepairedDir(dir string, data []byte, m meta) error {
	if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
		return fmt.Errorf("%s is not empty: give a new directory for the repaired copy", dir)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if err := writeMeta(dir, m); err != nil {
		return err
	}
	return writeAtomic(filepath.Join(dir, LogFile), data)
}

// writeAtomic writes data to path through a synced temporary file and a
// rename, and syncs the directory.
func writeAtomic(path string, data []byte) error {
	tmp := path + ".tmp"
	if err := writeSynced(tmp, data); err != nil {
		os.Remove(tmp)
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return err
	}
	return syncDir(filepath.Dir(path))
}
