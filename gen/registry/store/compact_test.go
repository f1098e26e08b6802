package store

import (
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

// churn applies n random but valid operations: registrations in several
// subjects (new and shared schemas), IMPORT-style duplicates of an identity
// under a second ID, soft and hard deletes, and settings set and cleared.
func churn(t testing.TB, s *Store, rng *rand.Rand, n int) {
	t.Helper()
	subjects := []string{"a", "b", "c", "d"}
	levels := []string{"", "FULL", "NONE", "BACKWARD_TRANSITIVE"}
	for i := 0; i < n; i++ {
		err := s.Update(func(tx *Tx) error {
			st := tx.State()
			sub := subjects[rng.Intn(len(subjects))]
			switch rng.Intn(7) {
			case 0, 1, 2: // register a new or an existing schema
				text := fmt.Sprintf(`{"type":"fixed","name":"f","size":%d}`, rng.Intn(40)+1)
				key := SchemaKey("", text, nil)
				e := Event{Op: OpRegister, Subject: sub}
				if id, ok := st.IDFor(key); ok && rng.Intn(4) > 0 {
					e.ID = id
				} else {
					e.ID = st.MaxID + 1
					e.Schema = &Schema{ID: e.ID, Text: text, References: []Reference{}}
				}
				v := 1
				if s := st.Subjects[sub]; s != nil {
					v = s.MaxVersion() + 1
				}
				e.Version = v
				return tx.Append(e)
			case 3: // delete a version, soft or hard
				s := st.Subjects[sub]
				if s == nil || len(s.Versions) == 0 {
					return nil
				}
				v := s.Versions[rng.Intn(len(s.Versions))]
				return tx.Append(Event{Op: OpDeleteVersion, Subject: sub, Version: v.Version, Permanent: v.Deleted || rng.Intn(3) == 0})
			case 4:
				if st.Subjects[sub] == nil {
					return nil
				}
				return tx.Append(Event{Op: OpDeleteSubject, Subject: sub, Permanent: rng.Intn(3) == 0})
			case 5:
				who := sub
				if rng.Intn(3) == 0 {
					who = ""
				}
				return tx.Append(Event{Op: OpSetLevel, Subject: who, Level: levels[rng.Intn(len(levels))]})
			default:
				return tx.Append(Event{Op: OpSetMode, Subject: sub, Mode: []string{"", "READONLY", "IMPORT"}[rng.Intn(3)]})
			}
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	// An identity held by two IDs, as IMPORT allows: the first keeps it.
	err := s.Update(func(tx *Tx) error {
		id := tx.State().MaxID + 1
		return tx.Append(Event{Op: OpRegister, Subject: "imported", Version: 7, ID: id,
			Schema: &Schema{ID: id, Text: `{"type":"fixed","name":"f","size":1}`}})
	})
	if err != nil {
		t.Fatal(err)
	}
}

// stateOf returns a copy of s's state rebuilt from its Snapshot, and fails
// the test if the copy differs from the original.
func stateOf(t testing.TB, s *Store) *State {
	t.Helper()
	c := NewState()
	s.View(func(st *State) error {
		for _, e := range st.Snapshot() {
			if err := c.Apply(e); err != nil {
				t.Fatal(err)
			}
		}
		if !equalState(c, st) {
			t.Fatal("Snapshot does not rebuild the state")
		}
		return nil
	})
	return c
}

func TestCompactKeepsState(t *testing.T) {
	for seed := int64(1); seed <= 20; seed++ {
		dir := t.TempDir()
		s := openT(t, dir)
		churn(t, s, rand.New(rand.NewSource(seed)), 300)
		before := stateOf(t, s)
		info, err := s.Compact()
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		if info.BytesAfter >= info.BytesBefore || info.RecordsAfter >= info.RecordsBefore {
			t.Errorf("seed %d: compaction did not shrink the log: %+v", seed, info)
		}
		// The store keeps working on the new file, and a reopen replays
		// the compacted log plus what came after.
		register(t, s, "after", 1, before.MaxID+1, `"after"`)
		want := stateOf(t, s)
		s.Close()
		s = openT(t, dir)
		if s.Recovered.Records != info.RecordsAfter+1 {
			t.Errorf("seed %d: replayed %d records, want %d", seed, s.Recovered.Records, info.RecordsAfter+1)
		}
		if got := stateOf(t, s); !equalState(got, want) {
			t.Errorf("seed %d: state after reopen differs", seed)
		}
		s.Close()
	}
}

// TestCompactLeftover: a crash during compaction, before its rename, leaves
// a partial temporary file; Open ignores and removes it.
func TestCompactLeftover(t *testing.T) {
	dir := t.TempDir()
	s := openT(t, dir)
	register(t, s, "a", 1, 1, `"string"`)
	s.Close()
	tmp := filepath.Join(dir, LogFile+compactSuffix)
	os.WriteFile(tmp, []byte(logMagic+"\x01\x02"), 0o644)
	s = openT(t, dir)
	defer s.Close()
	if _, err := os.Stat(tmp); !os.IsNotExist(err) {
		t.Errorf("leftover %s not removed: %v", tmp, err)
	}
	if s.Recovered.Records != 1 {
		t.Errorf("recovered %+v", s.Recovered)
	}
}

// TestAutoCompact: with a low threshold, concurrent writers trigger
// compactions; every acknowledged write survives them and a reopen.
func TestAutoCompact(t *testing.T) {
	dir := t.TempDir()
	var told int
	s, err := OpenWith(dir, Options{CompactMinBytes: 4 << 10, OnCompact: func(info CompactInfo, err error) {
		if err != nil || info.BytesAfter >= info.BytesBefore {
			t.Errorf("OnCompact(%+v, %v)", info, err)
		}
		told++
	}})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 150; i++ {
				sub := fmt.Sprintf("w%d", w)
				err := s.Update(func(tx *Tx) error {
					return tx.Append(Event{Op: OpSetLevel, Subject: sub, Level: []string{"FULL", "NONE"}[i%2]})
				})
				if err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	st := s.Stats()
	if st.Compactions == 0 || st.CompactErr != nil || told != st.Compactions {
		t.Fatalf("stats %+v, OnCompact told %d times: want compactions, each told, and no error", st, told)
	}
	if st.LogBytes >= 4<<10*compactRatio {
		t.Errorf("log is %d bytes after compactions", st.LogBytes)
	}
	s.Close()
	s, err = OpenWith(dir, Options{CompactMinBytes: 4 << 10})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.View(func(st *State) error {
		for w := 0; w < 8; w++ {
			if sub := st.Subjects[fmt.Sprintf("w%d", w)]; sub == nil || sub.Level != "NONE" {
				t.Errorf("subject w%d after reopen: %+v", w, sub)
			}
		}
		return nil
	})
}

// TestCompactAtOpen: a log far larger than its state is compacted by Open.
func TestCompactAtOpen(t *testing.T) {
	dir := t.TempDir()
	s := openT(t, dir)
	for i := 0; i < 400; i++ {
		s.Update(func(tx *Tx) error {
			return tx.Append(Event{Op: OpSetLevel, Subject: "s", Level: []string{"FULL", "NONE"}[i%2]})
		})
	}
	s.Close()
	s, err := OpenWith(dir, Options{CompactMinBytes: 1 << 10})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	c := s.Recovered.Compacted
	if c == nil || c.RecordsBefore != 400 || c.RecordsAfter != 1 {
		t.Fatalf("Recovered %+v, compacted %+v", s.Recovered, c)
	}
	s.View(func(st *State) error {
		if st.Subjects["s"].Level != "NONE" {
			t.Errorf("level %q", st.Subjects["s"].Level)
		}
		return nil
	})
}
