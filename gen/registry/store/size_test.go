package store

import (
	"bytes"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

// TestRecordTooLarge: a transaction whose record would pass the limit
// fails alone, before anything is applied, with a *RecordTooLargeError;
// the store keeps serving reads and writes. Records are not HTML-escaped,
// so a schema of '<' costs one byte per '<', not six (\u003c).
func TestRecordTooLarge(t *testing.T) {
	dir := t.TempDir()
	s, err := OpenWith(dir, Options{MaxRecordBytes: 64 << 10})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	// 20,000 '<' fit: 120,000 bytes escaped would not.
	lt := `{"type":"fixed","name":"f","size":1,"doc":"` + strings.Repeat("<", 20000) + `"}`
	register(t, s, "lt", 1, 1, lt)
	if data := mustRead(t, filepath.Join(dir, LogFile)); !bytes.Contains(data, []byte("<<<<")) {
		t.Error("the log escapes '<'")
	}

	err = s.Update(func(tx *Tx) error {
		return tx.Append(Event{Op: OpRegister, Subject: "big", Version: 1, ID: 2, Schema: &Schema{ID: 2, Text: strings.Repeat("<", 70<<10)}})
	})
	var tooBig *RecordTooLargeError
	if !errors.As(err, &tooBig) || tooBig.Limit != 64<<10 || tooBig.Bytes <= 70<<10 {
		t.Fatalf("Update = %v, want a *RecordTooLargeError", err)
	}
	t.Log(err)
	s.View(func(st *State) error {
		if st.Subjects["big"] != nil || st.Schemas[2] != nil || st.MaxID != 1 {
			t.Error("the refused event was applied")
		}
		return nil
	})
	register(t, s, "small", 1, 2, `"int"`)
	if st := s.Stats(); st.Records != 2 {
		t.Errorf("stats %+v, want 2 records", st)
	}
}

// TestCompactLargeSchemas: compaction batches records by bytes. It used to
// put 256 events in a record whatever their size, so 70 schemas of 1 MiB
// made a 70 MiB record, over the limit, and every compaction failed with
// "the snapshot does not rebuild the state" while the log grew.
func TestCompactLargeSchemas(t *testing.T) {
	dir := t.TempDir()
	s := openT(t, dir)
	doc := strings.Repeat("d", 1<<20)
	for i := 1; i <= 70; i++ {
		register(t, s, fmt.Sprintf("s%d", i), 1, i, fmt.Sprintf(`{"type":"fixed","name":"f","size":%d,"doc":"%s"}`, i, doc))
	}
	want := stateOf(t, s)
	info, err := s.Compact()
	if err != nil {
		t.Fatalf("compaction of 70 schemas of 1 MiB: %v", err)
	}
	t.Logf("70 schemas of 1 MiB: %d records, %d bytes -> %d records, %d bytes", info.RecordsBefore, info.BytesBefore, info.RecordsAfter, info.BytesAfter)
	if info.RecordsAfter < 35 {
		t.Errorf("compacted to %d records: not batched by size", info.RecordsAfter)
	}
	s.Close()
	s = openT(t, dir)
	defer s.Close()
	if got := stateOf(t, s); !equalState(got, want) {
		t.Error("state changed by the compaction")
	}
}

// TestSnapshotNamesOversizedEvent: an event too large for any record is
// named in the compaction's error.
func TestSnapshotNamesOversizedEvent(t *testing.T) {
	events := []Event{
		{Op: OpSchema, ID: 1, Schema: &Schema{ID: 1, Text: `"int"`}},
		{Op: OpSchema, ID: 7, Schema: &Schema{ID: 7, Text: strings.Repeat("x", maxRecordSize)}},
	}
	_, _, err := encodeSnapshot(events)
	if err == nil || !strings.Contains(err.Error(), "schema id 7") || !strings.Contains(err.Error(), "record limit") {
		t.Fatalf("encodeSnapshot = %v, want an error naming schema id 7", err)
	}
}
