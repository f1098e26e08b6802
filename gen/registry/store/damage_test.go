package store

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// registerSubjects registers subjects s001..sN, one record each, subject i
// with version 1 and a new schema under id i, as the server would.
func registerSubjects(t testing.TB, s *Store, n int) {
	t.Helper()
	for i := 1; i <= n; i++ {
		err := s.Update(func(tx *Tx) error {
			id := tx.State().MaxID + 1
			return tx.Append(Event{Op: OpRegister, Subject: fmt.Sprintf("s%03d", i), Version: 1, ID: id,
				Schema: &Schema{ID: id, Text: fmt.Sprintf(`{"type":"fixed","name":"f%d","size":16}`, i)}})
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

// recordOffsets returns the byte offset of each record of an intact log.
func recordOffsets(t testing.TB, data []byte) []int {
	t.Helper()
	var offs []int
	for off := len(logMagic); off < len(data); {
		n, reason := frameAt(data, off)
		if reason != "" {
			t.Fatalf("offset %d: %s", off, reason)
		}
		offs = append(offs, off)
		off += headerSize + n
	}
	return offs
}

// subjectsLog writes a log of n subjects (registerSubjects) in a new
// directory and returns the directory, the log's path, its bytes and its
// record offsets.
func subjectsLog(t *testing.T, n int) (string, string, []byte, []int) {
	t.Helper()
	dir := t.TempDir()
	s := openT(t, dir)
	registerSubjects(t, s, n)
	s.Close()
	path := filepath.Join(dir, LogFile)
	data := mustRead(t, path)
	return dir, path, data, recordOffsets(t, data)
}

// TestMidLogDamage is the repro: flip one bit inside record 51 of
// 100 (or in record 1, or in a length field): Open must refuse with the
// offset and the record number, and leave the file byte for byte as it was
// (it used to cut records 51..100 as "a torn record at the end" and then
// hand out id 51 again).
func TestMidLogDamage(t *testing.T) {
	for _, tc := range []struct {
		name   string
		record int // 1-based
		at     int // byte within the record
	}{
		{"payload of record 51", 51, headerSize + 20},
		{"payload of record 1", 1, headerSize + 5},
		{"length of record 51", 51, 2},
		{"crc of record 99", 99, 5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir, path, data, offs := subjectsLog(t, 100)
			bad := bytes.Clone(data)
			bad[offs[tc.record-1]+tc.at] ^= 0x10
			os.WriteFile(path, bad, 0o644)
			_, err := Open(dir)
			var d *DamageError
			if !errors.As(err, &d) {
				t.Fatalf("Open = %v, want a *DamageError", err)
			}
			if d.Record != tc.record || d.Offset != int64(offs[tc.record-1]) || d.NextValid != int64(offs[tc.record]) {
				t.Errorf("damage %+v, want record %d at offset %d, next valid at %d", d, tc.record, offs[tc.record-1], offs[tc.record])
			}
			if !bytes.Equal(mustRead(t, path), bad) {
				t.Error("Open changed the damaged log")
			}
			t.Log(err)
		})
	}
}

// TestZeroTail: a run of zero bytes after the last record (what some
// filesystems leave after a power loss) is a torn tail. An all-zero header
// has length 0 and CRC 0, which used to pass as an empty record and fail
// the start-up.
func TestZeroTail(t *testing.T) {
	for _, zeros := range []int{3, headerSize, 4096} {
		dir, path, data, _ := subjectsLog(t, 100)
		os.WriteFile(path, append(bytes.Clone(data), make([]byte, zeros)...), 0o644)
		s, err := Open(dir)
		if err != nil {
			t.Fatalf("%d zeros: %v", zeros, err)
		}
		if s.Recovered.Records != 100 || s.Recovered.TruncatedBytes != int64(zeros) || s.Recovered.TruncatedAt != int64(len(data)) {
			t.Errorf("%d zeros: recovered %+v", zeros, s.Recovered)
		}
		s.Close()
	}
}

// TestNoReuseAfterCut: ids a cut record used are never handed out again.
// The meta file's ceiling covers them, and a reserve record keeps them
// used in the log, through a compaction too.
func TestNoReuseAfterCut(t *testing.T) {
	dir, path, data, offs := subjectsLog(t, 100)
	os.WriteFile(path, data[:offs[99]+10], 0o644) // cut record 100 short
	s := openT(t, dir)
	if s.Recovered.Records != 99 {
		t.Fatalf("recovered %+v", s.Recovered)
	}
	if _, err := s.Compact(); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s = openT(t, dir)
	defer s.Close()
	s.View(func(st *State) error {
		if st.MaxID < 100 {
			t.Errorf("MaxID %d after a cut and a compaction: id 100 would be handed out again", st.MaxID)
		}
		return nil
	})
}

// TestEmptiedLog: a log that was deleted or emptied in a directory that
// held a registry must not start as an empty registry, unless asked; then
// the ids continue above the old ones.
func TestEmptiedLog(t *testing.T) {
	for _, how := range []string{"deleted", "emptied", "magic only", "deleted, no meta file"} {
		t.Run(how, func(t *testing.T) {
			dir, path, _, _ := subjectsLog(t, 100)
			switch how {
			case "deleted":
				os.Remove(path)
			case "emptied":
				os.WriteFile(path, nil, 0o644)
			case "magic only":
				os.WriteFile(path, []byte(logMagic), 0o644)
			case "deleted, no meta file": // a directory from before the meta file: the LOCK file shows it
				os.Remove(path)
				os.Remove(filepath.Join(dir, MetaFile))
			}
			_, err := Open(dir)
			var e *EmptyLogError
			if !errors.As(err, &e) {
				t.Fatalf("Open = %v, want an *EmptyLogError", err)
			}
			t.Log(err)
			s, err := OpenWith(dir, Options{AllowEmptyLog: true})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			if !s.Recovered.StartedEmpty {
				t.Errorf("recovered %+v", s.Recovered)
			}
			s.View(func(st *State) error {
				if how != "deleted, no meta file" && st.MaxID < 100 {
					t.Errorf("MaxID %d: the old ids would be handed out again", st.MaxID)
				}
				return nil
			})
		})
	}
	// A new directory, and one whose log never held a record, start empty.
	dir := t.TempDir()
	openT(t, dir).Close()
	openT(t, dir).Close()
}

// TestDamageSearchBounded: bytes after a damaged record crafted so that
// every 9th offset looks like a record reaching the end of the file (a
// length, a '[' and the file's last byte ']') would cost a CRC over the
// rest of the file each: quadratic. The search gives up after CRCs over
// twice the file's size, and Open refuses rather than cut what it could
// not rule out.
func TestDamageSearchBounded(t *testing.T) {
	dir, path, data, offs := subjectsLog(t, 100)
	bad := bytes.Clone(data[:offs[50]])
	bad = append(bad, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0) // record 51: a length far too large
	const units = (4 << 20) / 9
	end := len(bad) + units*9 + 1
	for i := 0; i < units; i++ {
		p := len(bad)
		var h [9]byte
		binary.LittleEndian.PutUint32(h[:], uint32(end-p-headerSize))
		h[4], h[8] = 0xaa, '['
		bad = append(bad, h[:]...)
	}
	bad = append(bad, ']')
	os.WriteFile(path, bad, 0o644)
	_, err := Open(dir)
	var d *DamageError
	if !errors.As(err, &d) || d.Record != 51 || d.NextValid != -1 {
		t.Fatalf("Open = %v, want record 51 damaged and the search given up", err)
	}
	if !bytes.Equal(mustRead(t, path), bad) {
		t.Error("Open changed the file")
	}
	rep, err := Repair(dir, RepairOptions{})
	if err != nil || len(rep.Damaged) != 1 || rep.Damaged[0].Tail || rep.Damaged[0].End != int64(len(bad)) || rep.Kept != 50 {
		t.Fatalf("Repair = %+v, %v", rep, err)
	}
}

// TestEveryByteFlipped flips one bit of every byte of a five-record log in
// turn: damage to the last record is cut as a torn write, damage to any
// other stops Open with that record's number and leaves the file as it was.
func TestEveryByteFlipped(t *testing.T) {
	dir, path, data, offs := subjectsLog(t, 5)
	offs = append(offs, len(data))
	meta := mustRead(t, filepath.Join(dir, MetaFile))
	for i := len(logMagic); i < len(data); i++ {
		rec := 1
		for offs[rec] <= i {
			rec++
		}
		bad := bytes.Clone(data)
		bad[i] ^= 1 << (i % 8)
		os.WriteFile(path, bad, 0o644)
		os.WriteFile(filepath.Join(dir, MetaFile), meta, 0o644)
		s, err := Open(dir)
		if rec == 5 {
			if err != nil || s.Recovered.Records != 4 || s.Recovered.TruncatedAt != int64(offs[4]) {
				t.Fatalf("byte %d (record 5, the last): Open = %v, want record 5 cut", i, err)
			}
			s.Close()
			continue
		}
		var d *DamageError
		if !errors.As(err, &d) || d.Record != rec || d.Offset != int64(offs[rec-1]) {
			t.Fatalf("byte %d (record %d): Open = %v", i, rec, err)
		}
		if !bytes.Equal(mustRead(t, path), bad) {
			t.Fatalf("byte %d: the file changed", i)
		}
	}
}
