package serde

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"gitlab.com/acme/avroctl/gen/registry/server"
)

func TestClientBasicAuth(t *testing.T) {
	ctx := context.Background()
	reg := startRegistry(t, server.Options{BasicAuth: "key:secret"})

	anon := newClient(t, reg.URL)
	_, err := anon.RegisterSchema(ctx, "p-value", Schema{Schema: paymentV1Schema})
	var re *RegistryError
	if !errors.As(err, &re) || re.StatusCode != 401 {
		t.Fatalf("unauthenticated register: %v, want a 401 RegistryError", err)
	}
	if errors.Is(err, ErrUnknownSchema) || errors.Is(err, ErrRegistryUnavailable) {
		t.Errorf("401 matched a sentinel it should not: %v", err)
	}

	cl, err := NewClient(ClientOptions{URL: reg.URL + "/", Username: "key", Password: "secret"})
	if err != nil {
		t.Fatal(err)
	}
	id, err := cl.RegisterSchema(ctx, "p-value", Schema{Schema: paymentV1Schema})
	if err != nil {
		t.Fatal(err)
	}
	got, err := cl.SchemaByID(ctx, id)
	if err != nil || got.ID != id || got.Schema == "" {
		t.Fatalf("SchemaByID = %+v, %v", got, err)
	}
	ss, err := cl.LookupSchema(ctx, "p-value", Schema{Schema: paymentV1Schema})
	if err != nil || ss.ID != id || ss.Version != 1 || ss.Subject != "p-value" {
		t.Fatalf("LookupSchema = %+v, %v", ss, err)
	}
	ss, err = cl.SchemaByVersion(ctx, "p-value", 1)
	if err != nil || ss.ID != id || ss.Version != 1 {
		t.Fatalf("SchemaByVersion = %+v, %v", ss, err)
	}
	_, err = cl.SchemaByVersion(ctx, "p-value", 2)
	if !errors.As(err, &re) || re.Code != 40402 || !errors.Is(err, ErrUnknownSchema) {
		t.Fatalf("missing version: %v, want 40402", err)
	}
}

// TestClientRequests checks what goes over the wire: methods, escaped
// paths, media types, bodies and the bearer token.
func TestClientRequests(t *testing.T) {
	type seen struct {
		method, path, auth, contentType, accept string
		body                                    map[string]any
	}
	var got []seen
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s := seen{method: r.Method, path: r.URL.EscapedPath(), auth: r.Header.Get("Authorization"),
			contentType: r.Header.Get("Content-Type"), accept: r.Header.Get("Accept")}
		if b, _ := io.ReadAll(r.Body); len(b) > 0 {
			json.Unmarshal(b, &s.body)
		}
		got = append(got, s)
		w.Header().Set("Content-Type", contentType)
		w.Write([]byte(`{"id":7,"subject":"a/b","version":1,"schema":"\"string\""}`))
	}))
	t.Cleanup(ts.Close)
	cl, err := NewClient(ClientOptions{URL: ts.URL, BearerToken: "tok", Username: "ignored"})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	s := Schema{Schema: `"string"`, References: []Reference{{Name: "x.Y", Subject: "x.Y", Version: 2}}}
	if id, err := cl.RegisterSchema(ctx, "a/b", s); err != nil || id != 7 {
		t.Fatalf("RegisterSchema = %d, %v", id, err)
	}
	if _, err := cl.LookupSchema(ctx, "a/b", s); err != nil {
		t.Fatal(err)
	}
	if _, err := cl.SchemaByID(ctx, 7); err != nil {
		t.Fatal(err)
	}
	if _, err := cl.SchemaByVersion(ctx, "a/b", 3); err != nil {
		t.Fatal(err)
	}
	want := []struct{ method, path string }{
		{"POST", "/subjects/a%2Fb/versions"},
		{"POST", "/subjects/a%2Fb"},
		{"GET", "/schemas/ids/7"},
		{"GET", "/subjects/a%2Fb/versions/3"},
	}
	if len(got) != len(want) {
		t.Fatalf("%d requests, want %d", len(got), len(want))
	}
	for i, w := range want {
		g := got[i]
		if g.method != w.method || g.path != w.path {
			t.Errorf("request %d: %s %s, want %s %s", i, g.method, g.path, w.method, w.path)
		}
		if g.auth != "Bearer tok" {
			t.Errorf("request %d: Authorization %q, want the bearer token", i, g.auth)
		}
		if g.accept == "" {
			t.Errorf("request %d: no Accept header", i)
		}
		if g.method == "POST" {
			if g.contentType != contentType {
				t.Errorf("request %d: Content-Type %q", i, g.contentType)
			}
			if g.body["schema"] != `"string"` || g.body["schemaType"] != nil || g.body["references"] == nil {
				t.Errorf("request %d: body %v", i, g.body)
			}
		}
	}
}

func TestNewClientRejectsBadURL(t *testing.T) {
	for _, u := range []string{"", "localhost:8081", "ftp://x", "http://", "http://[::1"} {
		if _, err := NewClient(ClientOptions{URL: u}); err == nil {
			t.Errorf("NewClient(%q) succeeded", u)
		}
	}
}

func TestRegistryErrorMessages(t *testing.T) {
	for _, tc := range []struct {
		err  *RegistryError
		want string
	}{
		{&RegistryError{Method: "GET", URL: "u", StatusCode: 404, Code: 40403, Message: "Schema 9 not found"}, "GET u: Schema 9 not found (404, error_code 40403)"},
		{&RegistryError{Method: "GET", URL: "u", StatusCode: 502, Message: "bad gateway"}, "GET u: HTTP 502: bad gateway"},
		{&RegistryError{Method: "GET", URL: "u", Err: errors.New("connection refused")}, "GET u: connection refused"},
	} {
		if got := tc.err.Error(); got != tc.want {
			t.Errorf("Error() = %q, want %q", got, tc.want)
		}
	}
}
