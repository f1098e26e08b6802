package store

import (
	"fmt"
	"reflect"
	"testing"
)

// TestUndoRestores: undoing a transaction's events, newest first, leaves
// every subject's version list as it was, also when registrations appended
// versions at the end (whose undo keeps the old list without copying it)
// and later events of the same transaction appended, deleted and
// re-registered in that list; and the list keeps working after the undo.
func TestUndoRestores(t *testing.T) {
	st := NewState()
	reg := func(sub string, v, id int) Event {
		return Event{Op: OpRegister, Subject: sub, Version: v, ID: id, Schema: &Schema{ID: id, Text: fmt.Sprintf(`{"type":"fixed","name":"F%d","size":1}`, id)}}
	}
	for v := 1; v <= 5; v++ {
		if err := st.Apply(reg("s", v, v)); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.Apply(Event{Op: OpDeleteVersion, Subject: "s", Version: 2}); err != nil {
		t.Fatal(err)
	}
	want := append([]Version(nil), st.Subjects["s"].Versions...)
	tx := []Event{
		reg("s", 6, 6),
		reg("s", 7, 7),
		{Op: OpDeleteVersion, Subject: "s", Version: 6},
		{Op: OpRegister, Subject: "s", Version: 2, ID: 2},
		{Op: OpDeleteVersion, Subject: "s", Version: 7, Permanent: true},
		reg("s", 8, 8),
		reg("t", 1, 9),
	}
	var undo []func()
	for _, e := range tx {
		u := st.undoFor(e)
		if err := st.Apply(e); err != nil {
			t.Fatalf("apply %+v: %v", e, err)
		}
		undo = append(undo, u)
	}
	for i := len(undo) - 1; i >= 0; i-- {
		undo[i]()
	}
	if got := st.Subjects["s"].Versions; !reflect.DeepEqual(got, want) {
		t.Fatalf("after undo: %+v, want %+v", got, want)
	}
	if st.Subjects["t"] != nil {
		t.Fatalf("subject t survived the undo")
	}
	// A version appended after the undo does not disturb an older copy of
	// the list.
	before := st.Subjects["s"].Versions
	if err := st.Apply(Event{Op: OpSchema, ID: 10, Schema: &Schema{ID: 10, Text: `"int"`}}); err != nil {
		t.Fatal(err)
	}
	if err := st.Apply(Event{Op: OpRegister, Subject: "s", Version: 6, ID: 10}); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(before, want) {
		t.Fatalf("an append changed the list held from before it: %+v", before)
	}
	if got := st.Subjects["s"].Versions; len(got) != len(want)+1 || got[len(want)] != (Version{Version: 6, ID: 10}) {
		t.Fatalf("after the append: %+v", got)
	}
}
