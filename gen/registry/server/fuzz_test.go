package server

import (
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"

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
