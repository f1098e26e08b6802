package registry

import (
	"context"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// flaky serves fail (a status) for the first n requests, then 200.
func flaky(t *testing.T, n int32, fail int) (string, *atomic.Int32) {
	var calls atomic.Int32
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/vnd.schemaregistry.v1+json")
		if calls.Add(1) <= n {
			w.WriteHeader(fail)
			w.Write([]byte(`{"error_code":` + itoa(fail*100+1) + `,"message":"nope"}`))
			return
		}
		w.Write([]byte(`["a"]`))
	})}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return "http://" + ln.Addr().String(), &calls
}

func itoa(n int) string { return strconv.Itoa(n) }

func TestRetryOn5xx(t *testing.T) {
	u, calls := flaky(t, 2, 503)
	cl, err := NewClient(ClientOptions{URL: u, Retries: 3, RetryBackoff: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	subs, err := Subjects(context.Background(), cl, false)
	if err != nil || len(subs) != 1 || calls.Load() != 3 {
		t.Errorf("subjects %v, err %v, calls %d (want 3)", subs, err, calls.Load())
	}
}

func TestNoRetryOn4xx(t *testing.T) {
	u, calls := flaky(t, 5, 404)
	cl, _ := NewClient(ClientOptions{URL: u, Retries: 3, RetryBackoff: time.Millisecond})
	_, err := Subjects(context.Background(), cl, false)
	if ErrorCode(err) != 40401 || calls.Load() != 1 {
		t.Errorf("err %v (code %d), calls %d (want 1)", err, ErrorCode(err), calls.Load())
	}
}

func TestGiveUpAfterRetries(t *testing.T) {
	u, calls := flaky(t, 100, 500)
	cl, _ := NewClient(ClientOptions{URL: u, Retries: 2, RetryBackoff: time.Millisecond})
	_, err := Subjects(context.Background(), cl, false)
	if ErrorCode(err) != 50001 || calls.Load() != 3 {
		t.Errorf("err %v, calls %d (want 3)", err, calls.Load())
	}
}

func TestRetryConnectionRefused(t *testing.T) {
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	cl, _ := NewClient(ClientOptions{URL: "http://" + addr, Retries: 2, RetryBackoff: time.Millisecond})
	if _, err := Subjects(context.Background(), cl, false); err == nil {
		t.Fatal("no error from a closed port")
	}
}

func TestClientOptions(t *testing.T) {
	env := map[string]string{EnvUsername: "bob", EnvPassword: "hunter2", EnvToken: ""}
	o := ClientOptionsFromEnv(func(k string) string { return env[k] })
	if o.URL != DefaultURL || o.Username != "bob" || o.Password != "hunter2" {
		t.Errorf("from env: %+v", o)
	}
	if s := o.String(); strings.Contains(s, "hunter2") {
		t.Errorf("String leaks the password: %s", s)
	}
	o.Token = "tok-secret"
	o.Username = ""
	if s := o.String(); strings.Contains(s, "tok-secret") {
		t.Errorf("String leaks the token: %s", s)
	}
	if _, err := NewClient(ClientOptions{URL: "ftp://u:hunter2@x"}); err == nil || strings.Contains(err.Error(), "hunter2") {
		t.Errorf("ftp URL: %v", err)
	}
	// Credentials in the URL are used and never echoed.
	u, _ := flaky(t, 100, 404)
	cl, err := NewClient(ClientOptions{URL: strings.Replace(u, "http://", "http://ann:hunter2@", 1), Retries: -1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Subjects(context.Background(), cl, false); err == nil || strings.Contains(err.Error(), "hunter2") {
		t.Errorf("error leaks the password: %v", err)
	}
	if _, err := NewClient(ClientOptions{URL: "ftp://x"}); err == nil {
		t.Error("ftp URL accepted")
	}
	if _, err := NewClient(ClientOptions{URL: "http://x", Username: "a", Token: "b"}); err == nil {
		t.Error("basic auth and token together accepted")
	}
	if _, err := NewClient(ClientOptions{URL: "https://x", CertFile: "c.pem"}); err == nil {
		t.Error("a certificate without its key accepted")
	}
}

func TestParseTopicAndSubjects(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Topic
		bad  bool
	}{
		{in: "orders=com.acme.Order", want: Topic{Topic: "orders", Type: "com.acme.Order"}},
		{in: "orders:key=com.acme.Key", want: Topic{Topic: "orders", Key: true, Type: "com.acme.Key"}},
		{in: "orders:value=X", want: Topic{Topic: "orders", Type: "X"}},
		{in: "orders:both=X", bad: true},
		{in: "orders", bad: true},
		{in: "=X", bad: true},
	} {
		got, err := ParseTopic(tc.in)
		if (err != nil) != tc.bad || (!tc.bad && got != tc.want) {
			t.Errorf("ParseTopic(%q) = %+v, %v", tc.in, got, err)
		}
	}
	if got := SubjectName(TopicName, "t", false, "a.B"); got != "t-value" {
		t.Error(got)
	}
	if got := SubjectName(TopicName, "t", true, "a.B"); got != "t-key" {
		t.Error(got)
	}
	if got := SubjectName(RecordName, "t", false, "a.B"); got != "a.B" {
		t.Error(got)
	}
	if got := SubjectName(TopicRecordName, "t", false, "a.B"); got != "t-a.B" {
		t.Error(got)
	}
	if _, err := ParseStrategy("nope"); err == nil {
		t.Error("unknown strategy accepted")
	}
}
