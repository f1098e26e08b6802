package server

import (
	"encoding/json"
	"strings"
	"testing"

	"gitlab.com/acme/avroctl/gen/registry/store"
)

// TestSchemaByGUID: GET /schemas/guids/{guid} answers like GET
// /schemas/ids/{id}, through a restart and a compaction; unknown and
// malformed GUIDs are 404 with error_code 40403.
func TestSchemaByGUID(t *testing.T) {
	dir := t.TempDir()
	srv, st, u := openServerAt(t, dir)
	expect(t, u, "POST", "/subjects/user-value/versions", body(userV1), 200, `{"id":1}`)
	v1JSON, _ := json.Marshal(userV1)
	guid := store.SchemaGUID(userV1, nil)
	want := `{"schema":` + string(v1JSON) + `,"guid":"` + guid + `"}`
	expect(t, u, "GET", "/schemas/ids/1", "", 200, want)
	expect(t, u, "GET", "/schemas/guids/"+guid, "", 200, want)
	// Java's UUID.fromString reads either case; so does the server.
	expect(t, u, "GET", "/schemas/guids/"+strings.ToUpper(guid), "", 200, want)

	expectCode(t, u, "GET", "/schemas/guids/00000000-0000-0000-0000-000000000000", "", CodeSchemaNotFound)
	for _, bad := range []string{"x", "not-a-guid", strings.ReplaceAll(guid, "-", ""), guid[:35] + "g", guid + "0"} {
		expectCode(t, u, "GET", "/schemas/guids/"+bad, "", CodeSchemaNotFound)
	}
	status, got := call(t, u, "GET", "/schemas/guids/nope", "")
	if status != 404 || !strings.Contains(got, "want 36") {
		t.Errorf("malformed GUID: %d %s, want a 404 saying what a GUID looks like", status, got)
	}

	// Durable: the same answer after a restart and after compaction.
	u = restart(t, srv, st, dir)
	expect(t, u, "GET", "/schemas/guids/"+guid, "", 200, want)

	// Served while a version uses the schema, soft-deleted ones included;
	// gone once the last version is deleted permanently, as ids are.
	expect(t, u, "DELETE", "/subjects/user-value/versions/1", "", 200, `1`)
	expect(t, u, "GET", "/schemas/guids/"+guid, "", 200, want)
	expect(t, u, "DELETE", "/subjects/user-value/versions/1?permanent=true", "", 200, `1`)
	expectCode(t, u, "GET", "/schemas/guids/"+guid, "", CodeSchemaNotFound)
	expectCode(t, u, "GET", "/schemas/ids/1", "", CodeSchemaNotFound)
}

// TestSchemaByGUIDCompacted: a GUID survives compaction of the log.
func TestSchemaByGUIDCompacted(t *testing.T) {
	dir := t.TempDir()
	srv, st, u := openServerAt(t, dir)
	expect(t, u, "POST", "/subjects/user-value/versions", body(userV1), 200, `{"id":1}`)
	expect(t, u, "POST", "/subjects/user-value/versions", body(userV2), 200, `{"id":2}`)
	if _, err := st.Compact(); err != nil {
		t.Fatal(err)
	}
	u = restart(t, srv, st, dir)
	v2JSON, _ := json.Marshal(userV2)
	guid := store.SchemaGUID(userV2, nil)
	expect(t, u, "GET", "/schemas/guids/"+guid, "", 200, `{"schema":`+string(v2JSON)+`,"guid":"`+guid+`"}`)
}

// TestSchemaByGUIDSharedContent: a log can hold one content under two ids
// (the server refuses it now, 42207, but the store keeps what it replays);
// the GUID answers while either id is in use.
func TestSchemaByGUIDSharedContent(t *testing.T) {
	st, err := store.Open("")
	if err != nil {
		t.Fatal(err)
	}
	err = st.Update(func(tx *store.Tx) error {
		for _, e := range []store.Event{
			{Op: store.OpSchema, ID: 3, Schema: &store.Schema{ID: 3, Text: userV1}},
			{Op: store.OpSchema, ID: 5, Schema: &store.Schema{ID: 5, Text: userV1}},
			{Op: store.OpRegister, Subject: "a", Version: 1, ID: 3},
			{Op: store.OpRegister, Subject: "b", Version: 1, ID: 5},
		} {
			if err := tx.Append(e); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	u := startServer(t, st, Options{})
	v1JSON, _ := json.Marshal(userV1)
	guid := store.SchemaGUID(userV1, nil)
	want := `{"schema":` + string(v1JSON) + `,"guid":"` + guid + `"}`
	expect(t, u, "GET", "/schemas/guids/"+guid, "", 200, want)
	expect(t, u, "DELETE", "/subjects/a/versions/1", "", 200, `1`)
	expect(t, u, "DELETE", "/subjects/a/versions/1?permanent=true", "", 200, `1`)
	expect(t, u, "GET", "/schemas/guids/"+guid, "", 200, want) // id 5 still uses it
	expect(t, u, "DELETE", "/subjects/b/versions/1", "", 200, `1`)
	expect(t, u, "DELETE", "/subjects/b/versions/1?permanent=true", "", 200, `1`)
	expectCode(t, u, "GET", "/schemas/guids/"+guid, "", CodeSchemaNotFound)
}
