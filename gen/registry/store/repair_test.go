package store

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// TestRepairMidLog: a bit flipped in record 51 of 100. Repair reports the
// damaged range with what can still be read from it, keeps the 99 other
// records, writes a copy that opens, and leaves the original untouched;
// the copy never hands out id 51 or version 1 of s051 again.
func TestRepairMidLog(t *testing.T) {
	dir, path, data, offs := subjectsLog(t, 100)
	bad := bytes.Clone(data)
	bad[offs[50]+headerSize+100] ^= 0x01 // inside the schema text: the JSON still decodes
	os.WriteFile(path, bad, 0o644)

	dry, err := Repair(dir, RepairOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if dry.Clean() || dry.Written != "" || len(dry.Damaged) != 1 || len(dry.Dropped) != 0 || dry.Kept != 99 {
		t.Fatalf("dry run: %+v", dry)
	}
	d := dry.Damaged[0]
	if d.Record != 51 || d.Offset != int64(offs[50]) || d.End != int64(offs[51]) || d.Tail ||
		!slices.Equal(d.Versions, []SubjectVersion{{"s051", 1}}) || !slices.Equal(d.IDs, []int{51}) {
		t.Errorf("damaged range %+v", d)
	}

	out := filepath.Join(t.TempDir(), "repaired")
	rep, err := Repair(dir, RepairOptions{Out: out})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Written != filepath.Join(out, LogFile) {
		t.Errorf("written %q", rep.Written)
	}
	if !bytes.Equal(mustRead(t, path), bad) {
		t.Error("a repair to a copy changed the original")
	}
	s := openT(t, out)
	defer s.Close()
	s.View(func(st *State) error {
		if len(st.Schemas) != 99 || st.Schemas[51] != nil || st.Schemas[52] == nil {
			t.Errorf("repaired copy: %d schemas, id 51 %v", len(st.Schemas), st.Schemas[51])
		}
		if st.MaxID < 100 {
			t.Errorf("MaxID %d: ids would be handed out again", st.MaxID)
		}
		if sub := st.Subjects["s051"]; sub == nil || sub.MaxVersion() != 1 {
			t.Errorf("s051 %+v: its version 1 would be handed out again", sub)
		}
		return nil
	})

	// A flip in the field name "version": the subject is still named.
	bad[offs[50]+headerSize+40] ^= 0x01
	os.WriteFile(path, bad, 0o644)
	dry, err = Repair(dir, RepairOptions{})
	if err != nil || len(dry.Damaged) != 1 || !slices.Equal(dry.Damaged[0].Versions, []SubjectVersion{{"s051", 0}}) {
		t.Errorf("flip in a field name: %+v, %v", dry, err)
	}

	// A second repair into the same directory is refused.
	if _, err := Repair(dir, RepairOptions{Out: out}); err == nil {
		t.Error("repair into a non-empty directory succeeded")
	}
}

// TestRepairDropsWhatNoLongerApplies: a record that depends on a damaged
// one (a version of a schema the damaged record registered) is dropped too,
// and reported; the in-place repair keeps the original beside the log.
func TestRepairDropsWhatNoLongerApplies(t *testing.T) {
	dir := t.TempDir()
	s := openT(t, dir)
	registerSubjects(t, s, 3)
	register(t, s, "other", 1, 2, "") // id 2 again, in another subject
	s.Close()
	path := filepath.Join(dir, LogFile)
	data := mustRead(t, path)
	offs := recordOffsets(t, data)
	data[offs[1]+headerSize+3] = 'X' // "[{"op" -> "[{"Xp": record 2 does not decode
	os.WriteFile(path, data, 0o644)

	rep, err := Repair(dir, RepairOptions{InPlace: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Damaged) != 1 || len(rep.Dropped) != 1 || rep.Dropped[0].Record != 4 || rep.Kept != 2 ||
		!slices.Equal(rep.Dropped[0].Versions, []SubjectVersion{{"other", 1}}) {
		t.Fatalf("report %+v", rep)
	}
	if !bytes.Equal(mustRead(t, path+DamagedSuffix), data) {
		t.Error("the in-place repair did not keep the original")
	}
	s = openT(t, dir)
	defer s.Close()
	s.View(func(st *State) error {
		if st.Subjects["s002"].MaxVersion() != 1 || st.Subjects["other"].MaxVersion() != 1 || st.MaxID < 3 {
			t.Errorf("after repair: s002 %+v, other %+v, MaxID %d", st.Subjects["s002"], st.Subjects["other"], st.MaxID)
		}
		return nil
	})
}

// TestRepairClean: a clean log needs nothing and gets nothing written.
func TestRepairClean(t *testing.T) {
	dir, _, _, _ := subjectsLog(t, 100)
	out := filepath.Join(t.TempDir(), "out")
	rep, err := Repair(dir, RepairOptions{Out: out})
	if err != nil || !rep.Clean() || rep.Kept != 100 || rep.Written != "" {
		t.Fatalf("Repair = %+v, %v", rep, err)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Error("a clean log was copied")
	}
}
