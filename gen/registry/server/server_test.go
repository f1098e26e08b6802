package server

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"gitlab.com/acme/avroctl/gen/registry/store"
)

// startServer runs a server over st on 127.0.0.1:0 and stops it when the
// test ends.
func startServer(t testing.TB, st *store.Store, opts Options) string {
	t.Helper()
	if st == nil {
		var err error
		if st, err = store.Open(""); err != nil {
			t.Fatal(err)
		}
	}
	srv := New(st, opts)
	if err := srv.Open("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		// Connections the client dialed but never used look new to the
		// server, and Shutdown waits 5s for those; close them first.
		http.DefaultClient.CloseIdleConnections()
		srv.Close()
		st.Close()
	})
	return srv.URL()
}

// call sends one request and returns the status and body.
func call(t testing.TB, base, method, path, body string) (int, string) {
	t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, base+path, r)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", ContentType)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if ct := resp.Header.Get("Content-Type"); ct != ContentType {
		t.Errorf("%s %s: Content-Type %q, want %q", method, path, ct, ContentType)
	}
	return resp.StatusCode, string(b)
}

// guidOf is the ,"guid":"..." member answers end with for a schema.
func guidOf(text string, refs ...store.Reference) string {
	return `,"guid":"` + store.SchemaGUID(text, refs) + `"`
}

// expect checks status and exact body.
func expect(t *testing.T, base, method, path, body string, status int, want string) {
	t.Helper()
	gotStatus, got := call(t, base, method, path, body)
	if gotStatus != status || got != want {
		t.Errorf("%s %s %s\n got %d %s\nwant %d %s", method, path, body, gotStatus, got, status, want)
	}
}

// expectCode checks an error reply's status and error_code.
func expectCode(t *testing.T, base, method, path, body string, code int) {
	t.Helper()
	gotStatus, got := call(t, base, method, path, body)
	var e errorResponse
	if err := json.Unmarshal([]byte(got), &e); err != nil || e.ErrorCode != code || gotStatus != HTTPStatus(code) || e.Message == "" {
		t.Errorf("%s %s %s\n got %d %s\nwant status %d error_code %d", method, path, body, gotStatus, got, HTTPStatus(code), code)
	}
}

// body wraps a schema in a register request.
func body(schemaJSON string, extra ...string) string {
	b, _ := json.Marshal(schemaJSON)
	s := `{"schema":` + string(b)
	for _, e := range extra {
		s += "," + e
	}
	return s + "}"
}

const (
	userV1 = `{"type":"record","name":"User","namespace":"com.acme","fields":[{"name":"id","type":"long"}]}`
	// userV2 adds a field with a default: backward compatible.
	userV2 = `{"type":"record","name":"User","namespace":"com.acme","fields":[{"name":"id","type":"long"},{"name":"email","type":"string","default":""}]}`
	// userBad adds a field without a default: not backward compatible.
	userBad = `{"type":"record","name":"User","namespace":"com.acme","fields":[{"name":"id","type":"long"},{"name":"age","type":"int"}]}`
)

func TestRootAndTypes(t *testing.T) {
	u := startServer(t, nil, Options{})
	expect(t, u, "GET", "/", "", 200, `{}`)
	expect(t, u, "GET", "/schemas/types", "", 200, `["AVRO"]`)
	expectCode(t, u, "GET", "/no/such/path", "", 404)
	expectCode(t, u, "PATCH", "/subjects", "", 405)
	expectCode(t, u, "PUT", "/subjects/x/versions", "", 405)
	expect(t, u, "GET", "/subjects", "", 200, `[]`)
	expect(t, u, "GET", "/schemas", "", 200, `[]`)
}

func TestRegisterAndRead(t *testing.T) {
	u := startServer(t, nil, Options{})
	expect(t, u, "POST", "/subjects/s-value/versions", body(`{"type": "string"}`), 200, `{"id":1}`)
	// Same schema, other spelling: same ID, no new version.
	expect(t, u, "POST", "/subjects/s-value/versions", body(`"string"`), 200, `{"id":1}`)
	expect(t, u, "GET", "/subjects/s-value/versions", "", 200, `[1]`)

	expect(t, u, "POST", "/subjects/user-value/versions", body(userV1), 200, `{"id":2}`)
	expect(t, u, "POST", "/subjects/user-value/versions", body(userV2), 200, `{"id":3}`)
	// The same schema in another subject gets the same ID.
	expect(t, u, "POST", "/subjects/other/versions", body(userV1), 200, `{"id":2}`)
	expect(t, u, "GET", "/subjects", "", 200, `["other","s-value","user-value"]`)
	expect(t, u, "GET", "/subjects?subjectPrefix=user", "", 200, `["user-value"]`)
	expect(t, u, "GET", "/subjects/user-value/versions", "", 200, `[1,2]`)

	v1JSON, _ := json.Marshal(userV1)
	v2JSON, _ := json.Marshal(userV2)
	expect(t, u, "GET", "/subjects/user-value/versions/1", "", 200,
		`{"subject":"user-value","version":1,"id":2,"schema":`+string(v1JSON)+guidOf(userV1)+`}`)
	expect(t, u, "GET", "/subjects/user-value/versions/latest", "", 200,
		`{"subject":"user-value","version":2,"id":3,"schema":`+string(v2JSON)+guidOf(userV2)+`}`)
	expect(t, u, "GET", "/subjects/user-value/versions/-1", "", 200,
		`{"subject":"user-value","version":2,"id":3,"schema":`+string(v2JSON)+guidOf(userV2)+`}`)
	expect(t, u, "GET", "/subjects/user-value/versions/1/schema", "", 200, userV1)
	expectCode(t, u, "GET", "/subjects/user-value/versions/abc", "", CodeInvalidVersion)
	expectCode(t, u, "GET", "/subjects/user-value/versions/0", "", CodeInvalidVersion)
	expectCode(t, u, "GET", "/subjects/user-value/versions/3", "", CodeVersionNotFound)
	expectCode(t, u, "GET", "/subjects/nope/versions/1", "", CodeSubjectNotFound)
	expectCode(t, u, "GET", "/subjects/nope/versions", "", CodeSubjectNotFound)

	expect(t, u, "GET", "/schemas/ids/2", "", 200, `{"schema":`+string(v1JSON)+guidOf(userV1)+`}`)
	expect(t, u, "GET", "/schemas/ids/2/schema", "", 200, userV1)
	expect(t, u, "GET", "/schemas/ids/2/subjects", "", 200, `["other","user-value"]`)
	expect(t, u, "GET", "/schemas/ids/2/versions", "", 200, `[{"subject":"other","version":1},{"subject":"user-value","version":1}]`)
	expectCode(t, u, "GET", "/schemas/ids/99", "", CodeSchemaNotFound)
	expectCode(t, u, "GET", "/schemas/ids/x", "", CodeSchemaNotFound)
	expect(t, u, "GET", "/schemas?subjectPrefix=user&latestOnly=true", "", 200,
		`[{"subject":"user-value","version":2,"id":3,"schema":`+string(v2JSON)+guidOf(userV2)+`}]`)

	// Lookup.
	expect(t, u, "POST", "/subjects/user-value", body(userV1), 200,
		`{"subject":"user-value","version":1,"id":2,"schema":`+string(v1JSON)+guidOf(userV1)+`}`)
	expectCode(t, u, "POST", "/subjects/user-value", body(userBad), CodeSchemaNotFound)
	expectCode(t, u, "POST", "/subjects/nope", body(userV1), CodeSubjectNotFound)
}

func TestRegisterErrors(t *testing.T) {
	u := startServer(t, nil, Options{})
	expect(t, u, "POST", "/subjects/user-value/versions", body(userV1), 200, `{"id":1}`)
	expectCode(t, u, "POST", "/subjects/user-value/versions", body(userBad), CodeIncompatible)
	expectCode(t, u, "POST", "/subjects/user-value/versions", body(`{"type":"record"}`), CodeInvalidSchema)
	expectCode(t, u, "POST", "/subjects/user-value/versions", body(`not json`), CodeInvalidSchema)
	expectCode(t, u, "POST", "/subjects/user-value/versions", body(``), CodeInvalidSchema)
	expectCode(t, u, "POST", "/subjects/user-value/versions", body(`"string"`, `"schemaType":"PROTOBUF"`), CodeInvalidSchema)
	expectCode(t, u, "POST", "/subjects/user-value/versions", `{"schema":`, CodeBadRequest)
	expectCode(t, u, "POST", "/subjects/user-value/versions", ``, CodeBadRequest)
	expectCode(t, u, "POST", "/subjects/%20/versions", body(userV1), CodeInvalidSubject)
	// An ID outside IMPORT mode is refused.
	expectCode(t, u, "POST", "/subjects/user-value/versions", body(userV2, `"id":50`), CodeOperationNotPermitted)
	// The incompatible message names the subject and carries the reasons.
	_, got := call(t, u, "POST", "/subjects/user-value/versions", body(userBad))
	for _, want := range []string{`incompatible with an earlier schema for subject \"user-value\"`, "READER_FIELD_MISSING_DEFAULT_VALUE", "{compatibility: 'BACKWARD'}"} {
		if !strings.Contains(got, want) {
			t.Errorf("incompatible message %s lacks %q", got, want)
		}
	}
	// NONE lets anything through.
	expect(t, u, "PUT", "/config/user-value", `{"compatibility":"none"}`, 200, `{"compatibility":"NONE"}`)
	expect(t, u, "POST", "/subjects/user-value/versions", body(userBad), 200, `{"id":2}`)
}

func TestCompatibilityEndpoint(t *testing.T) {
	u := startServer(t, nil, Options{})
	expect(t, u, "POST", "/subjects/user-value/versions", body(userV1), 200, `{"id":1}`)
	expect(t, u, "POST", "/compatibility/subjects/user-value/versions/latest", body(userV2), 200, `{"is_compatible":true}`)
	expect(t, u, "POST", "/compatibility/subjects/user-value/versions/latest?verbose=true", body(userV2), 200, `{"is_compatible":true,"messages":[]}`)
	expect(t, u, "POST", "/compatibility/subjects/user-value/versions/1", body(userBad), 200, `{"is_compatible":false}`)
	expect(t, u, "POST", "/compatibility/subjects/user-value/versions", body(userBad), 200, `{"is_compatible":false}`)
	_, got := call(t, u, "POST", "/compatibility/subjects/user-value/versions/latest?verbose=true", body(userBad))
	var resp verboseCompatibilityResponse
	if err := json.Unmarshal([]byte(got), &resp); err != nil || resp.IsCompatible || len(resp.Messages) < 2 ||
		!strings.Contains(resp.Messages[0], "READER_FIELD_MISSING_DEFAULT_VALUE") || !strings.Contains(got, "{oldSchemaVersion: 1}") {
		t.Errorf("verbose incompatible reply: %s", got)
	}
	// A subject that does not exist yet accepts anything.
	expect(t, u, "POST", "/compatibility/subjects/new-value/versions/latest", body(userBad), 200, `{"is_compatible":true}`)
	expect(t, u, "POST", "/compatibility/subjects/new-value/versions", body(userBad), 200, `{"is_compatible":true}`)
	expectCode(t, u, "POST", "/compatibility/subjects/new-value/versions/1", body(userBad), CodeSubjectNotFound)
	expectCode(t, u, "POST", "/compatibility/subjects/user-value/versions/7", body(userBad), CodeVersionNotFound)
	expectCode(t, u, "POST", "/compatibility/subjects/user-value/versions/x", body(userBad), CodeInvalidVersion)
	expectCode(t, u, "POST", "/compatibility/subjects/user-value/versions/latest", body(`{`), CodeInvalidSchema)
}

func TestConfig(t *testing.T) {
	u := startServer(t, nil, Options{})
	expect(t, u, "GET", "/config", "", 200, `{"compatibilityLevel":"BACKWARD"}`)
	expect(t, u, "PUT", "/config", `{"compatibility":"FULL"}`, 200, `{"compatibility":"FULL"}`)
	expectCode(t, u, "PUT", "/config", `{"compatibility":"SIDEWAYS"}`, CodeInvalidCompatibilityLevel)
	expect(t, u, "GET", "/config", "", 200, `{"compatibilityLevel":"FULL"}`)
	// A subject can be configured before it exists.
	expectCode(t, u, "GET", "/config/new-value", "", CodeSubjectLevelNotConfigured)
	expect(t, u, "GET", "/config/new-value?defaultToGlobal=true", "", 200, `{"compatibilityLevel":"FULL"}`)
	expect(t, u, "PUT", "/config/new-value", `{"compatibility":"FORWARD_TRANSITIVE"}`, 200, `{"compatibility":"FORWARD_TRANSITIVE"}`)
	expect(t, u, "GET", "/config/new-value", "", 200, `{"compatibilityLevel":"FORWARD_TRANSITIVE"}`)
	// Configuring a subject does not make it a subject with versions.
	expect(t, u, "GET", "/subjects", "", 200, `[]`)
	expect(t, u, "DELETE", "/config/new-value", "", 200, `{"compatibilityLevel":"FORWARD_TRANSITIVE"}`)
	expectCode(t, u, "DELETE", "/config/new-value", "", CodeSubjectNotFound)
	expect(t, u, "DELETE", "/config", "", 200, `{"compatibilityLevel":"FULL"}`)
	expect(t, u, "GET", "/config", "", 200, `{"compatibilityLevel":"BACKWARD"}`)
	expectCode(t, u, "PUT", "/config", `nope`, CodeBadRequest)
}

func TestMode(t *testing.T) {
	u := startServer(t, nil, Options{})
	expect(t, u, "GET", "/mode", "", 200, `{"mode":"READWRITE"}`)
	expect(t, u, "POST", "/subjects/user-value/versions", body(userV1), 200, `{"id":1}`)
	expectCode(t, u, "GET", "/mode/user-value", "", CodeSubjectModeNotConfigured)
	expect(t, u, "GET", "/mode/user-value?defaultToGlobal=true", "", 200, `{"mode":"READWRITE"}`)
	expect(t, u, "PUT", "/mode/user-value", `{"mode":"READONLY"}`, 200, `{"mode":"READONLY"}`)
	expectCode(t, u, "POST", "/subjects/user-value/versions", body(userV2), CodeOperationNotPermitted)
	expectCode(t, u, "DELETE", "/subjects/user-value/versions/1", "", CodeOperationNotPermitted)
	// Reads still work.
	expect(t, u, "GET", "/subjects/user-value/versions", "", 200, `[1]`)
	expect(t, u, "DELETE", "/mode/user-value", "", 200, `{"mode":"READONLY"}`)
	expectCode(t, u, "DELETE", "/mode/user-value", "", CodeSubjectModeNotConfigured)
	expect(t, u, "POST", "/subjects/user-value/versions", body(userV2), 200, `{"id":2}`)
	expectCode(t, u, "PUT", "/mode", `{"mode":"SOMETIMES"}`, CodeInvalidMode)
	expectCode(t, u, "PUT", "/mode", `{"mode":"IMPORT"}`, CodeOperationNotPermitted)
	expect(t, u, "PUT", "/mode?force=true", `{"mode":"IMPORT"}`, 200, `{"mode":"IMPORT"}`)
	expect(t, u, "DELETE", "/mode", "", 200, `{"mode":"IMPORT"}`)
	expect(t, u, "GET", "/mode", "", 200, `{"mode":"READWRITE"}`)
}

func TestImportMode(t *testing.T) {
	u := startServer(t, nil, Options{})
	expect(t, u, "PUT", "/mode", `{"mode":"IMPORT"}`, 200, `{"mode":"IMPORT"}`)
	expect(t, u, "POST", "/subjects/imp/versions", body(userV1, `"id":100`, `"version":5`), 200, `{"id":100}`)
	// Idempotent.
	expect(t, u, "POST", "/subjects/imp/versions", body(userV1, `"id":100`, `"version":5`), 200, `{"id":100}`)
	// No compatibility check in IMPORT mode.
	expect(t, u, "POST", "/subjects/imp/versions", body(userBad, `"id":7`, `"version":6`), 200, `{"id":7}`)
	expectCode(t, u, "POST", "/subjects/imp/versions", body(userV2, `"id":100`), CodeIDDoesNotMatch)
	expectCode(t, u, "POST", "/subjects/imp/versions", body(userV1, `"id":101`), CodeIDDoesNotMatch)
	expectCode(t, u, "POST", "/subjects/imp/versions", body(userV2, `"id":102`, `"version":5`), CodeInvalidVersion)
	expect(t, u, "GET", "/subjects/imp/versions", "", 200, `[5,6]`)
	expect(t, u, "PUT", "/mode", `{"mode":"READWRITE"}`, 200, `{"mode":"READWRITE"}`)
	// New IDs continue after the highest imported one.
	expect(t, u, "PUT", "/config/other", `{"compatibility":"NONE"}`, 200, `{"compatibility":"NONE"}`)
	expect(t, u, "POST", "/subjects/other/versions", body(`"int"`), 200, `{"id":101}`)
}

func TestDeletes(t *testing.T) {
	u := startServer(t, nil, Options{})
	expect(t, u, "POST", "/subjects/user-value/versions", body(userV1), 200, `{"id":1}`)
	expect(t, u, "POST", "/subjects/user-value/versions", body(userV2), 200, `{"id":2}`)
	expectCode(t, u, "DELETE", "/subjects/user-value/versions/1?permanent=true", "", CodeVersionNotSoftDeleted)
	expect(t, u, "DELETE", "/subjects/user-value/versions/1", "", 200, `1`)
	expectCode(t, u, "DELETE", "/subjects/user-value/versions/1", "", CodeVersionSoftDeleted)
	expectCode(t, u, "DELETE", "/subjects/user-value/versions/9", "", CodeVersionNotFound)
	expectCode(t, u, "DELETE", "/subjects/user-value/versions/x", "", CodeInvalidVersion)
	expect(t, u, "GET", "/subjects/user-value/versions", "", 200, `[2]`)
	expect(t, u, "GET", "/subjects/user-value/versions?deleted=true", "", 200, `[1,2]`)
	expect(t, u, "GET", "/subjects/user-value/versions?deletedOnly=true", "", 200, `[1]`)
	expectCode(t, u, "GET", "/subjects/user-value/versions/1", "", CodeVersionNotFound)
	_, got := call(t, u, "GET", "/subjects/user-value/versions/1?deleted=true", "")
	if !strings.Contains(got, `"version":1`) {
		t.Errorf("deleted version not readable with ?deleted=true: %s", got)
	}
	expect(t, u, "DELETE", "/subjects/user-value/versions/1?permanent=true", "", 200, `1`)
	expect(t, u, "GET", "/subjects/user-value/versions?deleted=true", "", 200, `[2]`)
	// Re-registering a soft-deleted schema makes a new version with its ID.
	expect(t, u, "DELETE", "/subjects/user-value/versions/latest", "", 200, `2`)
	expectCode(t, u, "GET", "/subjects/user-value/versions", "", CodeSubjectNotFound)
	expect(t, u, "POST", "/subjects/user-value/versions", body(userV2), 200, `{"id":2}`)
	expect(t, u, "GET", "/subjects/user-value/versions?deleted=true", "", 200, `[2,3]`)

	expectCode(t, u, "DELETE", "/subjects/user-value?permanent=true", "", CodeSubjectNotSoftDeleted)
	expect(t, u, "DELETE", "/subjects/user-value", "", 200, `[3]`)
	expectCode(t, u, "DELETE", "/subjects/user-value", "", CodeSubjectSoftDeleted)
	expect(t, u, "GET", "/subjects", "", 200, `[]`)
	expect(t, u, "GET", "/subjects?deleted=true", "", 200, `["user-value"]`)
	expect(t, u, "GET", "/subjects?deletedOnly=true", "", 200, `["user-value"]`)
	expect(t, u, "DELETE", "/subjects/user-value?permanent=true", "", 200, `[2,3]`)
	expect(t, u, "GET", "/subjects?deleted=true", "", 200, `[]`)
	expectCode(t, u, "DELETE", "/subjects/user-value", "", CodeSubjectNotFound)
	expectCode(t, u, "GET", "/schemas/ids/2", "", CodeSchemaNotFound)
	// After a permanent delete versions start again at 1, with the old ID.
	expect(t, u, "POST", "/subjects/user-value/versions", body(userV2), 200, `{"id":2}`)
	expect(t, u, "GET", "/subjects/user-value/versions", "", 200, `[1]`)
}

const (
	money = `{"type":"record","name":"Money","namespace":"com.acme","fields":[{"name":"units","type":"long"},{"name":"currency","type":"string"}]}`
	order = `{"type":"record","name":"Order","namespace":"com.acme","fields":[{"name":"id","type":"string"},{"name":"total","type":"Money"}]}`
)

func TestReferences(t *testing.T) {
	u := startServer(t, nil, Options{})
	expect(t, u, "POST", "/subjects/com.acme.Money/versions", body(money), 200, `{"id":1}`)
	ref := `"references":[{"name":"com.acme.Money","subject":"com.acme.Money","version":1}]`
	expect(t, u, "POST", "/subjects/orders-value/versions", body(order, ref), 200, `{"id":2}`)
	expect(t, u, "POST", "/subjects/orders-value/versions", body(order, ref), 200, `{"id":2}`)
	// ?normalize=true sorts references and drops repeats, as Confluent does.
	twice := `"references":[{"name":"com.acme.Money","subject":"com.acme.Money","version":1},{"name":"com.acme.Money","subject":"com.acme.Money","version":1}]`
	expect(t, u, "POST", "/subjects/orders-value/versions?normalize=true", body(order, twice), 200, `{"id":2}`)
	// Without the reference the type is unknown.
	expectCode(t, u, "POST", "/subjects/orders2-value/versions", body(order), CodeInvalidSchema)
	expectCode(t, u, "POST", "/subjects/orders2-value/versions", body(order, `"references":[{"name":"com.acme.Money","subject":"nope","version":1}]`), CodeInvalidSchema)
	// The stored text names the referenced type instead of inlining it.
	orderJSON, _ := json.Marshal(`{"type":"record","name":"Order","namespace":"com.acme","fields":[{"name":"id","type":"string"},{"name":"total","type":"Money"}]}`)
	orderGUID := guidOf(`{"type":"record","name":"Order","namespace":"com.acme","fields":[{"name":"id","type":"string"},{"name":"total","type":"Money"}]}`,
		store.Reference{Name: "com.acme.Money", Subject: "com.acme.Money", Version: 1})
	expect(t, u, "GET", "/subjects/orders-value/versions/1", "", 200,
		`{"subject":"orders-value","version":1,"id":2,"references":[{"name":"com.acme.Money","subject":"com.acme.Money","version":1}],"schema":`+string(orderJSON)+orderGUID+`}`)
	expect(t, u, "GET", "/schemas/ids/2", "", 200,
		`{"schema":`+string(orderJSON)+`,"references":[{"name":"com.acme.Money","subject":"com.acme.Money","version":1}]`+orderGUID+`}`)
	expect(t, u, "GET", "/subjects/com.acme.Money/versions/1/referencedby", "", 200, `[2]`)
	expect(t, u, "GET", "/subjects/orders-value/versions/1/referencedby", "", 200, `[]`)
	expectCode(t, u, "DELETE", "/subjects/com.acme.Money/versions/1", "", CodeReferenceExists)
	expectCode(t, u, "DELETE", "/subjects/com.acme.Money", "", CodeReferenceExists)
	// Lookup and compatibility take references too.
	_, got := call(t, u, "POST", "/subjects/orders-value", body(order, ref))
	if !strings.Contains(got, `"id":2`) {
		t.Errorf("lookup with references: %s", got)
	}
	expect(t, u, "POST", "/compatibility/subjects/orders-value/versions/latest", body(order, ref), 200, `{"is_compatible":true}`)
	// Once the referrer is gone the referenced version can go.
	expect(t, u, "DELETE", "/subjects/orders-value", "", 200, `[1]`)
	expect(t, u, "DELETE", "/subjects/com.acme.Money/versions/1", "", 200, `1`)
}

func TestBasicAuth(t *testing.T) {
	u := startServer(t, nil, Options{BasicAuth: "alice:s3cret"})
	expectCode(t, u, "GET", "/subjects", "", CodeUnauthorized)
	req, _ := http.NewRequest("GET", u+"/subjects", nil)
	req.SetBasicAuth("alice", "s3cret")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("with credentials: status %d", resp.StatusCode)
	}
	req.SetBasicAuth("alice", "wrong")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 401 {
		t.Errorf("with a wrong password: status %d", resp.StatusCode)
	}
}

func TestReadOnlyServer(t *testing.T) {
	st, _ := store.Open("")
	u := startServer(t, st, Options{ReadOnly: true})
	expectCode(t, u, "POST", "/subjects/x/versions", body(userV1), CodeOperationNotPermitted)
	expectCode(t, u, "PUT", "/config", `{"compatibility":"NONE"}`, CodeOperationNotPermitted)
	expectCode(t, u, "PUT", "/mode", `{"mode":"READWRITE"}`, CodeOperationNotPermitted)
	expectCode(t, u, "DELETE", "/subjects/x", "", CodeOperationNotPermitted)
	expect(t, u, "GET", "/mode", "", 200, `{"mode":"READONLY"}`)
	expect(t, u, "GET", "/subjects", "", 200, `[]`)
}

// TestConcurrentRegistration: 50 clients register one schema at once; all
// get one ID and the subject one version, and the log holds one record.
func TestConcurrentRegistration(t *testing.T) {
	st, err := store.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	u := startServer(t, st, Options{})
	var wg sync.WaitGroup
	results := make([]string, 50)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, results[i] = call(t, u, "POST", "/subjects/user-value/versions", body(userV1))
		}()
	}
	wg.Wait()
	for i, r := range results {
		if r != `{"id":1}` {
			t.Errorf("client %d got %s", i, r)
		}
	}
	expect(t, u, "GET", "/subjects/user-value/versions", "", 200, `[1]`)
	if got := st.Stats().Records; got != 1 {
		t.Errorf("log records = %d, want 1", got)
	}
}

// TestDurableRestart: what a server acknowledged is there after reopening
// the data directory.
func TestDurableRestart(t *testing.T) {
	dir := t.TempDir()
	srv, st, u := openServerAt(t, dir)
	expect(t, u, "POST", "/subjects/user-value/versions", body(userV1), 200, `{"id":1}`)
	expect(t, u, "POST", "/subjects/user-value/versions", body(userV2), 200, `{"id":2}`)
	expect(t, u, "PUT", "/config/user-value", `{"compatibility":"FULL"}`, 200, `{"compatibility":"FULL"}`)
	expect(t, u, "DELETE", "/subjects/user-value/versions/1", "", 200, `1`)
	u = restart(t, srv, st, dir)
	expect(t, u, "GET", "/subjects/user-value/versions?deleted=true", "", 200, `[1,2]`)
	expect(t, u, "GET", "/subjects/user-value/versions", "", 200, `[2]`)
	expect(t, u, "GET", "/config/user-value", "", 200, `{"compatibilityLevel":"FULL"}`)
	expect(t, u, "POST", "/subjects/other/versions", body(`"int"`), 200, `{"id":3}`)
}

// tryCall is call without failing the test: the server may be dead.
func tryCall(base, method, path, reqBody string) (int, string, error) {
	req, err := http.NewRequest(method, base+path, strings.NewReader(reqBody))
	if err != nil {
		return 0, "", err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), err
}

func closeIdle() { http.DefaultClient.CloseIdleConnections() }

func TestLimitsAndStoreErrors(t *testing.T) {
	st, _ := store.Open("")
	u := startServer(t, st, Options{MaxBodyBytes: 64})
	expectCode(t, u, "POST", "/subjects/x/versions", body(userV1), CodeSchemaTooLarge)
	expect(t, u, "POST", "/subjects/x/versions", body(`"int"`), 200, `{"id":1}`)
	// A store that can no longer write answers 50001, without details.
	st.Close()
	expectCode(t, u, "POST", "/subjects/x/versions", body(`"long"`), CodeStoreError)
	_, got := call(t, u, "GET", "/subjects", "")
	if got != `{"error_code":50001,"message":"Error in the backend data store"}` {
		t.Errorf("store error body: %s", got)
	}
}

// TestNormalize: ?normalize=true stores Confluent's normalized form, so
// schemas that differ only in property order share an ID; without it they
// do not (Java's toString keeps property order). The normalized form of
// both is the sorted one, which is also the plain form of ba: same ID.
func TestNormalize(t *testing.T) {
	u := startServer(t, nil, Options{})
	ab := `{"type":"record","name":"N","namespace":"x","fields":[{"name":"f","type":"int"}],"b":1,"a":2}`
	ba := `{"type":"record","name":"N","namespace":"x","fields":[{"name":"f","type":"int"}],"a":2,"b":1}`
	expect(t, u, "PUT", "/config", `{"compatibility":"NONE"}`, 200, `{"compatibility":"NONE"}`)
	expect(t, u, "POST", "/subjects/plain/versions", body(ab), 200, `{"id":1}`)
	expect(t, u, "POST", "/subjects/plain/versions", body(ba), 200, `{"id":2}`)
	expect(t, u, "POST", "/subjects/norm/versions?normalize=true", body(ab), 200, `{"id":2}`)
	expect(t, u, "POST", "/subjects/norm/versions?normalize=true", body(ba), 200, `{"id":2}`)
	expect(t, u, "GET", "/subjects/norm/versions", "", 200, `[1]`)
	expect(t, u, "GET", "/schemas/ids/2/schema", "", 200, ba)
	// Lookup with normalize finds it from either spelling; without, the
	// unsorted spelling is another schema.
	_, got := call(t, u, "POST", "/subjects/norm?normalize=true", body(ab))
	if !strings.Contains(got, `"id":2`) {
		t.Errorf("normalized lookup: %s", got)
	}
	expectCode(t, u, "POST", "/subjects/norm", body(ab), CodeSchemaNotFound)
}
