package store

import (
	"bytes"
	"crypto/md5"
	"path/filepath"
	"strings"
	"testing"
)

// guidAt returns the GUID of schema id and the id the GUID resolves to.
func guidAt(t *testing.T, s *Store, id int) (string, int) {
	t.Helper()
	var guid string
	var back int
	s.View(func(st *State) error {
		if sc := st.Schemas[id]; sc != nil {
			guid = sc.GUID
			back, _ = st.IDForGUID(guid)
		}
		return nil
	})
	return guid, back
}

// TestSchemaGUIDDerivation pins the derivation to bytes computed by hand:
// the MD5 of the text, then of each reference's name, subject and 4-byte
// big-endian version, printed as a UUID (Confluent's Schema.getGuid).
func TestSchemaGUIDDerivation(t *testing.T) {
	cases := []struct {
		text string
		refs []Reference
		want []byte // the bytes MD5 is fed
	}{
		{`"string"`, nil, []byte(`"string"`)},
		{`{"type":"record","name":"O","fields":[{"name":"m","type":"M"}]}`,
			[]Reference{{Name: "M", Subject: "m-value", Version: 2}},
			append([]byte(`{"type":"record","name":"O","fields":[{"name":"m","type":"M"}]}M`+"m-value"), 0, 0, 0, 2)},
	}
	for _, c := range cases {
		got := SchemaGUID(c.text, c.refs)
		want := FormatGUID(md5Sum(c.want))
		if got != want {
			t.Errorf("SchemaGUID(%q) = %s, want %s", c.text, got, want)
		}
		if len(got) != 36 || strings.ToLower(got) != got {
			t.Errorf("GUID %q is not in canonical lowercase 8-4-4-4-12 form", got)
		}
	}
	// Pinned: what Java prints for the same bytes, new UUID(high, low) over
	// the MD5 digest as Confluent's Schema.getGuid does (checked with a
	// one-file Java program mirroring getGuid/updateHash).
	if got := SchemaGUID(`"int"`, nil); got != "ef524ea1-b91e-7317-3d93-8ade36c1db32" {
		t.Errorf(`SchemaGUID("int") = %s`, got)
	}
	order := `{"type":"record","name":"Order","namespace":"com.acme","fields":[{"name":"id","type":"string"},{"name":"total","type":"Money"}]}`
	if got := SchemaGUID(order, []Reference{{Name: "com.acme.Money", Subject: "com.acme.Money", Version: 1}}); got != "0a992bbe-5b46-d528-948d-915faddc056a" {
		t.Errorf("SchemaGUID(Order with a reference) = %s", got)
	}
	// References change the GUID, and so does their version.
	a := SchemaGUID(`"x"`, []Reference{{Name: "M", Subject: "m", Version: 1}})
	b := SchemaGUID(`"x"`, []Reference{{Name: "M", Subject: "m", Version: 2}})
	if a == b || a == SchemaGUID(`"x"`, nil) {
		t.Error("references do not change the GUID")
	}
}

func TestParseGUID(t *testing.T) {
	// Bytes from Confluent's own SchemaId test (schemaregistry JS client):
	// 0x89 0x79 ... 0xe2 is "89791762-2336-4186-9674-299b90a802e2".
	want := [16]byte{0x89, 0x79, 0x17, 0x62, 0x23, 0x36, 0x41, 0x86, 0x96, 0x74, 0x29, 0x9b, 0x90, 0xa8, 0x02, 0xe2}
	for _, s := range []string{"89791762-2336-4186-9674-299b90a802e2", "89791762-2336-4186-9674-299B90A802E2"} {
		b, err := ParseGUID(s)
		if err != nil || b != want {
			t.Errorf("ParseGUID(%q) = %x, %v", s, b, err)
		}
	}
	if got := FormatGUID(want); got != "89791762-2336-4186-9674-299b90a802e2" {
		t.Errorf("FormatGUID = %s", got)
	}
	for _, bad := range []string{"", "nope", "89791762233641869674299b90a802e2", "89791762-2336-4186-9674-299b90a802eg",
		"89791762_2336-4186-9674-299b90a802e2", "89791762-2336-4186-9674-299b90a802e2 "} {
		if _, err := ParseGUID(bad); err == nil {
			t.Errorf("ParseGUID(%q) accepted", bad)
		}
	}
}

// TestGUIDDurable: a schema's GUID is stored in the log and is the same
// after a restart, after compaction, and after a restart of the compacted
// log; the GUID index answers with the schema's id each time.
func TestGUIDDurable(t *testing.T) {
	dir := t.TempDir()
	s := openT(t, dir)
	text := `{"type":"record","name":"A","fields":[]}`
	guid := SchemaGUID(text, nil)
	err := s.Update(func(tx *Tx) error {
		return tx.Append(Event{Op: OpRegister, Subject: "a", Version: 1, ID: 7, Schema: &Schema{ID: 7, Text: text, GUID: guid}})
	})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(mustRead(t, filepath.Join(dir, LogFile)), []byte(`"guid":"`+guid+`"`)) {
		t.Fatal("the log does not hold the GUID")
	}
	check := func(when string) {
		t.Helper()
		if g, id := guidAt(t, s, 7); g != guid || id != 7 {
			t.Errorf("%s: schema 7 has GUID %q (resolving to %d), want %s", when, g, id, guid)
		}
	}
	check("live")
	s.Close()
	s = openT(t, dir)
	check("after restart")
	if _, err := s.Compact(); err != nil {
		t.Fatal(err)
	}
	check("after compaction")
	s.Close()
	if !bytes.Contains(mustRead(t, filepath.Join(dir, LogFile)), []byte(`"guid":"`+guid+`"`)) {
		t.Fatal("the compacted log does not hold the GUID")
	}
	s = openT(t, dir)
	defer s.Close()
	check("after restart of the compacted log")
}

// TestGUIDOldLog: records written before GUIDs existed (no "guid" member)
// replay with the derived GUID, the same on every open; compaction then
// stores it.
func TestGUIDOldLog(t *testing.T) {
	dir := t.TempDir()
	s := openT(t, dir)
	register(t, s, "a", 1, 1, `"string"`) // the helper writes no GUID, as old code did
	s.Close()
	if bytes.Contains(mustRead(t, filepath.Join(dir, LogFile)), []byte(`"guid"`)) {
		t.Fatal("the old-style record holds a GUID")
	}
	want := SchemaGUID(`"string"`, nil)
	for i := range 2 {
		s = openT(t, dir)
		if g, id := guidAt(t, s, 1); g != want || id != 1 {
			t.Errorf("open %d: GUID %q -> %d, want %s -> 1", i, g, id, want)
		}
		s.Close()
	}
	s = openT(t, dir)
	if _, err := s.Compact(); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if !bytes.Contains(mustRead(t, filepath.Join(dir, LogFile)), []byte(`"guid":"`+want+`"`)) {
		t.Error("compaction did not store the derived GUID")
	}
}

// TestGUIDSharedContent: IMPORT can store one content under two ids; the
// GUID resolves to the lower id whatever order the log has them in.
func TestGUIDSharedContent(t *testing.T) {
	for _, order := range [][2]int{{3, 9}, {9, 3}} {
		st := NewState()
		for _, id := range order {
			if err := st.Apply(Event{Op: OpSchema, ID: id, Schema: &Schema{ID: id, Text: `"int"`}}); err != nil {
				t.Fatal(err)
			}
		}
		if id, _ := st.IDForGUID(SchemaGUID(`"int"`, nil)); id != 3 {
			t.Errorf("order %v: GUID resolves to %d, want 3", order, id)
		}
	}
}

// TestGUIDRejects: a stored GUID that is not one fails replay with the
// reason; a schema's GUID never changes once set.
func TestGUIDRejects(t *testing.T) {
	st := NewState()
	err := st.Apply(Event{Op: OpSchema, ID: 1, Schema: &Schema{ID: 1, Text: `"int"`, GUID: "not-a-guid"}})
	if err == nil || !strings.Contains(err.Error(), "GUID") {
		t.Errorf("malformed GUID: %v", err)
	}
	if len(st.Schemas) != 0 {
		t.Error("a rejected event changed the state")
	}
	first := "00000000-0000-0000-0000-000000000001"
	if err := st.Apply(Event{Op: OpSchema, ID: 1, Schema: &Schema{ID: 1, Text: `"int"`, GUID: first}}); err != nil {
		t.Fatal(err)
	}
	if err := st.Apply(Event{Op: OpSchema, ID: 1, Schema: &Schema{ID: 1, Text: `"int"`}}); err != nil {
		t.Fatal(err)
	}
	if st.Schemas[1].GUID != first {
		t.Errorf("GUID changed to %s", st.Schemas[1].GUID)
	}
}

// TestGUIDUndo: a transaction whose record cannot be written leaves the
// GUID index as it was.
func TestGUIDUndo(t *testing.T) {
	dir := t.TempDir()
	s, err := OpenWith(dir, Options{MaxRecordBytes: 4096})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	big := `"` + strings.Repeat("x", 5000) + `"`
	err = s.Update(func(tx *Tx) error {
		return tx.Append(Event{Op: OpRegister, Subject: "a", Version: 1, ID: 1, Schema: &Schema{ID: 1, Text: big}})
	})
	if err == nil {
		t.Fatal("oversized record accepted")
	}
	s.View(func(st *State) error {
		if len(st.byGUID) != 0 {
			t.Errorf("GUID index kept %v", st.byGUID)
		}
		return nil
	})
}

func md5Sum(b []byte) [16]byte { return md5.Sum(b) }
