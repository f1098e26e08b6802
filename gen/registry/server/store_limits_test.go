package server

import (
	"strings"
	"testing"

	"gitlab.com/acme/avroctl/gen/registry/store"
)

// ltBody is the request: 11.3 MB, under the 16 MiB body limit,
// whose schema's doc is all '<'. The log used to escape each '<' as \u003c,
// making a 68 MB record over the 64 MiB record limit: the request got a 500
// and every later read and write failed until a restart.
func ltBody() string {
	return `{"schema":"{\"type\":\"fixed\",\"name\":\"f\",\"size\":1,\"doc\":\"` + strings.Repeat("<", 11_300_000) + `\"}"}`
}

func openStore(t *testing.T, dir string, opts store.Options) *store.Store {
	t.Helper()
	st, err := store.OpenWith(dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// TestLargeHTMLCharsBody: the request is stored (records are not
// HTML-escaped), the registry keeps serving, and the schema survives a
// restart.
func TestLargeHTMLCharsBody(t *testing.T) {
	dir := t.TempDir()
	st := openStore(t, dir, store.Options{})
	u := startServer(t, st, Options{})
	expect(t, u, "POST", "/subjects/lt/versions", ltBody(), 200, `{"id":1}`)
	expect(t, u, "GET", "/subjects", "", 200, `["lt"]`)
	expect(t, u, "POST", "/subjects/small/versions", body(`"int"`), 200, `{"id":2}`)
	closeIdle()
	st.Close()
	st = openStore(t, dir, store.Options{})
	defer st.Close()
	st.View(func(s *store.State) error {
		if len(s.Schemas) != 2 || !strings.Contains(s.Schemas[1].Text, "<<<<") {
			t.Errorf("after restart: %d schemas", len(s.Schemas))
		}
		return nil
	})
}

// TestRecordTooLargeIs422: a request whose record would pass the store's
// limit gets 42209 (HTTP 422) alone; nothing of it is applied and the
// registry keeps serving reads and writes.
func TestRecordTooLargeIs422(t *testing.T) {
	st := openStore(t, t.TempDir(), store.Options{MaxRecordBytes: 4 << 20})
	u := startServer(t, st, Options{})
	expectCode(t, u, "POST", "/subjects/lt/versions", ltBody(), CodeSchemaTooLarge)
	expect(t, u, "GET", "/subjects", "", 200, `[]`)
	expect(t, u, "POST", "/subjects/small/versions", body(`"int"`), 200, `{"id":1}`)
	expect(t, u, "GET", "/subjects", "", 200, `["small"]`)
}
