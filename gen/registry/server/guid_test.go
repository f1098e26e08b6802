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
