package examples_test

import (
	"encoding/json"
	"testing"

	"gitlab.com/acme/avroctl/gen/golang/runtime/serde"
	"gitlab.com/acme/avroctl/gen/registry/server"
	"gitlab.com/acme/avroctl/gen/registry/store"
)

// fullNameOf returns the full name of a record schema.
func fullNameOf(t testing.TB, schema string) string {
	var top struct{ Name, Namespace string }
	if err := json.Unmarshal([]byte(schema), &top); err != nil {
		t.Fatal(err)
	}
	return top.Namespace + "." + top.Name
}

// startRegistry runs the embedded registry in process on 127.0.0.1 and
// returns a client for it and its URL.
func startRegistry(t testing.TB) (*serde.Client, string) {
	t.Helper()
	st, err := store.Open("")
	if err != nil {
		t.Fatal(err)
	}
	srv := server.New(st, server.Options{})
	if err := srv.Open("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		srv.Close()
		st.Close()
	})
	cl, err := serde.NewClient(serde.ClientOptions{URL: srv.URL()})
	if err != nil {
		t.Fatal(err)
	}
	return cl, srv.URL()
}
