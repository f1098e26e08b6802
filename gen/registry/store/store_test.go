package store

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

func register(t testing.TB, s *Store, subject string, version, id int, text string) {
	t.Helper()
	err := s.Update(func(tx *Tx) error {
		e := Event{Op: OpRegister, Subject: subject, Version: version, ID: id}
		if tx.State().Schemas[id] == nil {
			e.Schema = &Schema{ID: id, Text: text}
		}
		return tx.Append(e)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func openT(t testing.TB, dir string) *Store {
	t.Helper()
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestReplay(t *testing.T) {
	dir := t.TempDir()
	s := openT(t, dir)
	register(t, s, "a", 1, 1, `"string"`)
	register(t, s, "b", 1, 1, `"string"`)
	register(t, s, "a", 2, 2, `"int"`)
	if err := s.Update(func(tx *Tx) error {
		if err := tx.Append(Event{Op: OpSetLevel, Subject: "a", Level: "FULL"}); err != nil {
			return err
		}
		return tx.Append(Event{Op: OpDeleteVersion, Subject: "a", Version: 1})
	}); err != nil {
		t.Fatal(err)
	}
	s.Close()

	s = openT(t, dir)
	defer s.Close()
	if s.Recovered.Records != 4 || s.Recovered.TruncatedBytes != 0 {
		t.Errorf("recovered %+v, want 4 records, nothing truncated", s.Recovered)
	}
	s.View(func(st *State) error {
		a := st.Subjects["a"]
		if a == nil || len(a.Versions) != 2 || !a.Versions[0].Deleted || a.Versions[1].ID != 2 || a.Level != "FULL" {
			t.Errorf("subject a after replay: %+v", a)
		}
		if id, ok := st.IDFor(SchemaKey("", `"string"`, nil)); !ok || id != 1 {
			t.Errorf("IDFor string = %d, %v", id, ok)
		}
		if st.MaxID != 2 {
			t.Errorf("MaxID = %d", st.MaxID)
		}
		return nil
	})
}

// TestTornTail cuts the log at every byte of its last record: the store
// must open with the records before it and truncate the rest.
func TestTornTail(t *testing.T) {
	dir := t.TempDir()
	s := openT(t, dir)
	register(t, s, "a", 1, 1, `"string"`)
	s.Close()
	path := filepath.Join(dir, LogFile)
	one, _ := os.ReadFile(path)
	s = openT(t, dir)
	register(t, s, "a", 2, 2, `"int"`)
	s.Close()
	two, _ := os.ReadFile(path)

	for cut := len(one); cut < len(two); cut++ {
		if err := os.WriteFile(path, two[:cut], 0o644); err != nil {
			t.Fatal(err)
		}
		s := openT(t, dir)
		if s.Recovered.Records != 1 || s.Recovered.TruncatedBytes != int64(cut-len(one)) {
			t.Errorf("cut at %d: recovered %+v", cut, s.Recovered)
		}
		// The truncated store takes new writes and keeps them.
		register(t, s, "a", 2, 2, `"long"`)
		s.Close()
		// The cut record may have used id 2: the ids up to the meta
		// file's ceiling are reserved by one more record.
		want := 3
		if cut == len(one) {
			want = 2 // nothing was cut
		}
		s = openT(t, dir)
		if s.Recovered.Records != want || s.Recovered.TruncatedBytes != 0 {
			t.Errorf("cut at %d, after rewrite: recovered %+v", cut, s.Recovered)
		}
		s.View(func(st *State) error {
			if st.MaxID < 2 {
				t.Errorf("cut at %d: MaxID %d, the cut record's id 2 would be reused", cut, st.MaxID)
			}
			return nil
		})
		s.Close()
	}
}

func TestCorruptRecord(t *testing.T) {
	dir := t.TempDir()
	s := openT(t, dir)
	register(t, s, "a", 1, 1, `"string"`)
	register(t, s, "a", 2, 2, `"int"`)
	s.Close()
	path := filepath.Join(dir, LogFile)
	data, _ := os.ReadFile(path)
	// Flip a byte in the last record's payload: its CRC fails and it is
	// dropped as a torn write.
	data[len(data)-3] ^= 0xff
	os.WriteFile(path, data, 0o644)
	s = openT(t, dir)
	defer s.Close()
	if s.Recovered.Records != 1 || s.Recovered.TruncatedBytes == 0 {
		t.Errorf("recovered %+v", s.Recovered)
	}
}

func TestNotALog(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, LogFile), []byte("hello, I am a text file\n"), 0o644)
	if _, err := Open(dir); !errors.Is(err, ErrNotALog) {
		t.Fatalf("Open = %v, want ErrNotALog", err)
	}
}

func TestLocked(t *testing.T) {
	dir := t.TempDir()
	s := openT(t, dir)
	defer s.Close()
	if _, err := Open(dir); err == nil {
		t.Fatal("second Open of the same directory succeeded")
	}
}

// TestGroupCommit: many concurrent writers, each durable on return; the
// fsyncs never exceed the records (and usually are far fewer).
func TestGroupCommit(t *testing.T) {
	s := openT(t, t.TempDir())
	defer s.Close()
	var wg sync.WaitGroup
	for i := 1; i <= 64; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s.Update(func(tx *Tx) error {
				return tx.Append(Event{Op: OpSetLevel, Subject: "s", Level: "FULL"})
			})
		}()
	}
	wg.Wait()
	st := s.Stats()
	if st.Records != 64 || st.Fsyncs == 0 || st.Fsyncs > st.Records {
		t.Errorf("stats %+v", st)
	}
	t.Logf("64 writers: %d records, %d fsyncs", st.Records, st.Fsyncs)
}

func TestApplyRejects(t *testing.T) {
	st := NewState()
	bad := []Event{
		{Op: "bogus"},
		{Op: OpRegister, Subject: "a", Version: 1, ID: 1}, // unknown schema
		{Op: OpRegister, Subject: "", Version: 1, ID: 1, Schema: &Schema{ID: 1}},
		{Op: OpDeleteVersion, Subject: "a", Version: 1},
		{Op: OpDeleteSubject, Subject: "a"},
	}
	for _, e := range bad {
		if err := st.Apply(e); err == nil {
			t.Errorf("Apply(%+v) succeeded", e)
		}
	}
}

// FuzzOpen feeds arbitrary bytes to the log reader: Open must either fail
// cleanly or recover a store that takes and keeps a new write.
func FuzzOpen(f *testing.F) {
	f.Add([]byte(logMagic))
	f.Add([]byte(logMagic[:5]))
	f.Add(append([]byte(logMagic), frame([]byte(`[{"op":"set_level","level":"FULL"}]`))...))
	f.Add(append([]byte(logMagic), frame([]byte(`[{"op":"register","subject":"a","version":1,"id":1,"schema":{"id":1,"text":"\"int\""}}]`))...))
	f.Add(append([]byte(logMagic), frame([]byte(`not json`))...))
	// Schemas with a stored GUID: a good one, a malformed one.
	f.Add(append([]byte(logMagic), frame([]byte(`[{"op":"register","subject":"a","version":1,"id":1,"schema":{"id":1,"text":"\"int\"","guid":"ef524ea1-b91e-7317-3d93-8ade36c1db32"}}]`))...))
	f.Add(append([]byte(logMagic), frame([]byte(`[{"op":"schema","id":2,"schema":{"id":2,"text":"\"int\"","guid":"EF524EA1-b91e-7317-3d93-8ade36c1db3"}}]`))...))
	f.Add(append([]byte(logMagic), frame([]byte(`[{"op":"schema","id":3,"schema":{"id":3,"text":"\"int\""}},{"op":"register","subject":"a","version":2,"id":3},{"op":"delete_version","subject":"a","version":2}]`))...))
	// Damage in the middle: three records, one byte of the second changed;
	// a zero-filled tail.
	three := []byte(logMagic)
	for _, p := range []string{`[{"op":"set_level","level":"FULL"}]`, `[{"op":"set_mode","mode":"IMPORT"}]`, `[{"op":"set_level","subject":"s","level":"NONE"}]`} {
		three = append(three, frame([]byte(p))...)
	}
	mid := bytes.Clone(three)
	mid[len(logMagic)+len(frame([]byte(`[{"op":"set_level","level":"FULL"}]`)))+12] ^= 4
	f.Add(mid)
	f.Add(append(bytes.Clone(three), make([]byte, 20)...))
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		path := filepath.Join(dir, LogFile)
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		s, err := Open(dir)
		if err != nil {
			return
		}
		// Open succeeded: its state is the replay of the valid prefix (plus
		// what it reserved for a cut tail), and no valid record followed
		// the damage it cut.
		prefix, damage := validPrefix(data)
		if damage >= 0 {
			for p := damage + 1; p < len(data); p++ {
				if validRecordAt(data, p) {
					t.Fatalf("Open cut the log at %d, but a valid record follows at %d", damage, p)
				}
			}
		}
		for _, e := range s.Recovered.Reserved {
			prefix.Apply(e)
		}
		if got := stateOf(t, s); !equalState(got, prefix) {
			t.Fatal("the state is not the replay of the valid prefix")
		}
		werr := s.Update(func(tx *Tx) error {
			return tx.Append(Event{Op: OpSetMode, Subject: "fuzz", Mode: "READONLY"})
		})
		if werr != nil {
			t.Fatalf("write after recovery: %v", werr)
		}
		// Whatever state was recovered, its compaction rebuilds it.
		want := stateOf(t, s)
		if _, err := s.Compact(); err != nil {
			t.Fatalf("compact: %v", err)
		}
		s.Close()
		s, err = Open(dir)
		if err != nil {
			t.Fatalf("reopen after compaction: %v", err)
		}
		if got := stateOf(t, s); !equalState(got, want) {
			t.Fatal("compaction changed the state")
		}
		s.Close()
		s, err = Open(dir)
		if err != nil {
			t.Fatalf("reopen: %v", err)
		}
		defer s.Close()
		if s.Recovered.TruncatedBytes != 0 {
			t.Fatalf("reopen truncated %d bytes", s.Recovered.TruncatedBytes)
		}
		s.View(func(st *State) error {
			if sub := st.Subjects["fuzz"]; sub == nil || sub.Mode != "READONLY" {
				t.Fatalf("the write after recovery is lost")
			}
			return nil
		})
		if !bytes.HasPrefix(mustRead(t, path), []byte(logMagic)) {
			t.Fatal("magic lost")
		}
	})
}

func mustRead(t *testing.T, path string) []byte {
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// validRecordAt reports whether a record as the log writes it starts at
// off: a length that fits, a JSON array payload, a matching CRC-32C. It is
// written apart from the reader's own checks, for FuzzOpen to test them.
func validRecordAt(data []byte, off int) bool {
	if off < len(logMagic) || len(data)-off < 8 {
		return false
	}
	n := int(binary.LittleEndian.Uint32(data[off:]))
	if n < 2 || n > maxRecordSize || n > len(data)-off-8 {
		return false
	}
	payload := data[off+8 : off+8+n]
	return payload[0] == '[' && payload[n-1] == ']' &&
		crc32.Checksum(payload, crc32.MakeTable(crc32.Castagnoli)) == binary.LittleEndian.Uint32(data[off+4:])
}

// validPrefix replays the records of data up to the first that is not
// valid, and returns the state and that record's offset (-1: none).
func validPrefix(data []byte) (*State, int) {
	st := NewState()
	if len(data) < len(logMagic) {
		return st, -1
	}
	off := len(logMagic)
	for off < len(data) {
		if !validRecordAt(data, off) {
			return st, off
		}
		n := int(binary.LittleEndian.Uint32(data[off:]))
		replayRecord(st, data[off+8:off+8+n])
		off += 8 + n
	}
	return st, -1
}
