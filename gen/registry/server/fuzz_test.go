package server

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

	"gitlab.com/acme/avroctl/gen/registry/store"
)

// FuzzRegister posts arbitrary bodies to the register, lookup and
// compatibility endpoints: the server must never panic, must answer with a
// Confluent error body for anything it refuses, and never with a 5xx.
func FuzzRegister(f *testing.F) {
	for _, s := range []string{
		body(userV1), body(userV2), body(userBad), body(money), body(`"string"`),
		body(order, `"references":[{"name":"com.acme.Money","subject":"com.acme.Money","version":1}]`), body(orderInline),
		body(userV1, `"id":3`, `"version":2`), body(`[1,2]`), body(`{"type":"enum","name":"E","symbols":["A","A"]}`),
		`{"schema":`, `[]`, `null`, `{"schema":"\"int\"","references":[{"name":"x","subject":"","version":-1}]}`,
	} {
		f.Add(s)
	}
	st, err := store.Open("")
	if err != nil {
		f.Fatal(err)
	}
	srv := New(st, Options{})
	// A referenced type, a subject with history and one whose version has
	// references, so references, lookups by parsed schema and
	// compatibility checks get exercised.
	for _, req := range []struct{ path, body string }{
		{"/subjects/com.acme.Money/versions", body(money)},
		{"/subjects/user-value/versions", body(userV1)},
		{"/subjects/orders-value/versions", body(order, moneyRef)},
	} {
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, httptest.NewRequest("POST", req.path, strings.NewReader(req.body)))
		if rec.Code != 200 {
			f.Fatalf("seed registration: %d %s", rec.Code, rec.Body)
		}
	}
	f.Fuzz(func(t *testing.T, reqBody string) {
		for _, path := range []string{
			"/subjects/user-value/versions",
			"/subjects/fuzz-norm/versions?normalize=true",
			"/subjects/user-value",
			"/subjects/orders-value", // lookup by parsed schema against a version with references
			"/compatibility/subjects/user-value/versions/latest?verbose=true",
		} {
			rec := httptest.NewRecorder()
			srv.ServeHTTP(rec, httptest.NewRequest("POST", path, strings.NewReader(reqBody)))
			if rec.Code >= 500 {
				t.Fatalf("POST %s %q: %d %s", path, reqBody, rec.Code, rec.Body)
			}
			if rec.Code != 200 {
				var e errorResponse
				if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil || e.ErrorCode == 0 || e.Message == "" {
					t.Fatalf("POST %s %q: not an error body: %d %s", path, reqBody, rec.Code, rec.Body)
				}
			}
		}
	})
}

// FuzzSubjectAndQuery sends arbitrary subject names (percent-encoded, so
// any bytes) and query strings to the routes that take them: no panic, no
// 5xx, a Confluent error body for anything refused, and a subject the
// server accepts into the log is always valid UTF-8 (the log is JSON; a
// name that is not would come back from a restart as another one).
func FuzzSubjectAndQuery(f *testing.F) {
	for _, s := range [][2]string{
		{"user-value", "deleted=true"}, {"\xff", ""}, {"a\xc3", "offset=1&limit=2"}, {"\uFFFD", "latestOnly=true"},
		{"", "subjectPrefix=%FF"}, {" ", "offset=-1"}, {"x/y", "limit=99999999999"},
		{"ef524ea1-b91e-7317-3d93-8ade36c1db32", ""}, {"EF524EA1-B91E-7317-3D93-8ADE36C1DB3Z", ""},
	} {
		f.Add(s[0], s[1])
	}
	st, err := store.Open("")
	if err != nil {
		f.Fatal(err)
	}
	srv := New(st, Options{})
	f.Fuzz(func(t *testing.T, subject, query string) {
		esc := url.PathEscape(subject)
		for _, rt := range []struct{ method, path, body string }{
			{"PUT", "/config/" + esc, `{"compatibility":"NONE"}`},
			{"POST", "/subjects/" + esc + "/versions", body(`"int"`)},
			{"GET", "/subjects/" + esc + "/versions?" + query, ""},
			{"POST", "/subjects/" + esc + "?" + query, body(`"int"`)},
			{"GET", "/schemas?" + query, ""},
			{"GET", "/subjects?" + query, ""},
			{"GET", "/schemas/guids/" + esc, ""}, // the subject's bytes as a GUID
			{"GET", "/schemas/guids/" + store.SchemaGUID(`"int"`, nil) + "?" + query, ""},
		} {
			req, err := http.NewRequest(rt.method, "http://registry"+rt.path, strings.NewReader(rt.body))
			if err != nil {
				continue
			}
			rec := httptest.NewRecorder()
			srv.ServeHTTP(rec, req)
			if rec.Code >= 500 {
				t.Fatalf("%s %s: %d %s", rt.method, rt.path, rec.Code, rec.Body)
			}
			switch {
			case rec.Code >= 300 && rec.Code < 400:
				// net/http's ServeMux redirects a path it cleans ("//").
			case rec.Code != 200:
				var e errorResponse
				if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil || e.ErrorCode == 0 || e.Message == "" {
					t.Fatalf("%s %s: not an error body: %d %s", rt.method, rt.path, rec.Code, rec.Body)
				}
			case rt.method != "GET" && !utf8.ValidString(req.URL.Path):
				t.Fatalf("%s %s: accepted a path that is not UTF-8", rt.method, rt.path)
			}
		}
		st.View(func(s *store.State) error {
			for name := range s.Subjects {
				if !utf8.ValidString(name) {
					t.Fatalf("subject %q in the state is not UTF-8", name)
				}
			}
			return nil
		})
	})
}
