package server

import (
	"strings"
	"testing"

	"gitlab.com/acme/avroctl/gen/registry/store"
)

// openServerAt serves a durable store in dir; restart stops it and serves
// the directory again, for tests of what survives a restart.
func openServerAt(t *testing.T, dir string) (*Server, *store.Store, string) {
	t.Helper()
	st, err := store.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	srv := New(st, Options{})
	if err := srv.Open("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	return srv, st, srv.URL()
}

func restart(t *testing.T, srv *Server, st *store.Store, dir string) string {
	t.Helper()
	closeIdle()
	srv.Close()
	st.Close()
	st2, err := store.Open(dir)
	if err != nil {
		t.Fatalf("restart: %v", err)
	}
	return startServer(t, st2, Options{})
}

// TestInvalidUTF8Subject: a subject that is not UTF-8 (%FF) is refused
// with 42208 on every route, so it never reaches the log, where it would
// come back from a restart as U+FFFD and collide with the real U+FFFD
// subject (two of them made the registry refuse to start).
func TestInvalidUTF8Subject(t *testing.T) {
	dir := t.TempDir()
	srv, st, u := openServerAt(t, dir)
	// The real U+FFFD subject, percent-encoded UTF-8, is a valid name.
	expect(t, u, "POST", "/subjects/%EF%BF%BD/versions", body(userV1), 200, `{"id":1}`)
	for _, tc := range []struct{ method, path, body string }{
		{"POST", "/subjects/%FF/versions", body(userV2)},
		{"POST", "/subjects/a%C3/versions", body(userV2)},
		{"PUT", "/config/%FF", `{"compatibility":"NONE"}`},
		{"PUT", "/mode/%FF", `{"mode":"READONLY"}`},
		{"POST", "/subjects/%FF", body(userV1)},
		{"GET", "/subjects/%FF/versions", ""},
		{"GET", "/subjects/%FF/versions/1", ""},
		{"DELETE", "/subjects/%FF", ""},
		{"POST", "/compatibility/subjects/%FF/versions", body(userV1)},
	} {
		expectCode(t, u, tc.method, tc.path, tc.body, CodeInvalidSubject)
	}
	_, got := call(t, u, "POST", "/subjects/x%FFy/versions", body(userV2))
	if !strings.Contains(got, "byte 1 (0xFF) is not valid UTF-8") {
		t.Errorf("message does not say where: %s", got)
	}
	// Bytes that are not UTF-8 inside the body are refused too, with
	// their offset, instead of being stored as U+FFFD.
	bad := `{"schema":"{\"type\":\"record\",\"name\":\"R\",\"doc\":\"` + "\xff" + `\",\"fields\":[]}"}`
	expectCode(t, u, "POST", "/subjects/s/versions", bad, CodeBadRequest)
	_, got = call(t, u, "POST", "/subjects/s/versions", bad)
	if !strings.Contains(got, "byte offset 57") {
		t.Errorf("body message does not give the offset: %s", got)
	}
	u = restart(t, srv, st, dir)
	expect(t, u, "GET", "/subjects", "", 200, `["`+"\uFFFD"+`"]`)
	expect(t, u, "GET", "/subjects/%EF%BF%BD/versions", "", 200, `[1]`)
}

// TestImportIDRange: IMPORT accepts ids and versions in 1..2^31-1 only; a
// larger one used to be accepted and then made every registration fail,
// also after a restart.
func TestImportIDRange(t *testing.T) {
	dir := t.TempDir()
	srv, st, u := openServerAt(t, dir)
	expect(t, u, "PUT", "/mode", `{"mode":"IMPORT"}`, 200, `{"mode":"IMPORT"}`)
	expectCode(t, u, "POST", "/subjects/imp/versions", body(userV1, `"id":9223372036854775807`), CodeInvalidSchema)
	expectCode(t, u, "POST", "/subjects/imp/versions", body(userV1, `"id":2147483648`), CodeInvalidSchema)
	expectCode(t, u, "POST", "/subjects/imp/versions", body(userV1, `"id":-2`), CodeInvalidSchema)
	expectCode(t, u, "POST", "/subjects/imp/versions", body(userV1, `"id":5`, `"version":9223372036854775807`), CodeInvalidVersion)
	expectCode(t, u, "POST", "/subjects/imp/versions", body(userV1, `"id":5`, `"version":2147483648`), CodeInvalidVersion)
	_, got := call(t, u, "POST", "/subjects/imp/versions", body(userV1, `"id":2147483648`))
	if !strings.Contains(got, "between 1 and 2^31-1") {
		t.Errorf("message does not give the range: %s", got)
	}
	// The top of the range is fine; after it no id is left to assign, and
	// that is said clearly, while explicit free ids still work.
	expect(t, u, "POST", "/subjects/imp/versions", body(userV1, `"id":2147483647`, `"version":2147483647`), 200, `{"id":2147483647}`)
	expectCode(t, u, "POST", "/subjects/other/versions", body(`"int"`), CodeInvalidSchema)
	expectCode(t, u, "POST", "/subjects/imp/versions", body(`"int"`, `"id":3`), CodeInvalidVersion)
	expect(t, u, "POST", "/subjects/other/versions", body(`"int"`, `"id":3`), 200, `{"id":3}`)
	u = restart(t, srv, st, dir)
	expect(t, u, "POST", "/subjects/more/versions", body(`"long"`, `"id":4`), 200, `{"id":4}`)
	expect(t, u, "GET", "/subjects/imp/versions", "", 200, `[2147483647]`)
}

// TestBasicAuthEmpty: an empty user or password is refused at Open; ":"
// used to turn on an auth that anyone passes with empty credentials.
func TestBasicAuthEmpty(t *testing.T) {
	for _, auth := range []string{":", "alice:", ":s3cret", "alice"} {
		st, _ := store.Open("")
		srv := New(st, Options{BasicAuth: auth})
		err := srv.Open("127.0.0.1:0")
		if err == nil {
			srv.Close()
			t.Errorf("Open with BasicAuth %q: no error", auth)
		} else if strings.Contains(err.Error(), "s3cret") {
			t.Errorf("error quotes the secret: %v", err)
		}
		st.Close()
	}
}
