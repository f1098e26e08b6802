package server

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"gitlab.com/acme/avroctl/gen/compat"
	"gitlab.com/acme/avroctl/gen/schema"
)

// hookChecker is gen/compat with a hook: while armed, the next check calls
// onCheck first (at most once per arming). Tests use it to hold a
// registration inside its compatibility check, or to change the subject
// right then.
type hookChecker struct {
	armed   atomic.Bool
	onCheck func(level string, previous []compat.Previous)
	mu      sync.Mutex
	calls   [][]int // the versions each check was given
}

func (c *hookChecker) Check(level string, newSchema schema.Schema, previous []compat.Previous) (bool, []string) {
	var versions []int
	for _, p := range previous {
		versions = append(versions, p.Version)
	}
	c.mu.Lock()
	c.calls = append(c.calls, versions)
	c.mu.Unlock()
	if c.armed.CompareAndSwap(true, false) {
		c.onCheck(level, previous)
	}
	return defaultChecker{}.Check(level, newSchema, previous)
}

// blockingChecker holds the armed check until free is called; entered is
// closed when it starts.
func blockingChecker(t *testing.T) (c *hookChecker, entered chan struct{}, free func()) {
	entered, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	c = &hookChecker{onCheck: func(string, []compat.Previous) {
		close(entered)
		<-release
	}}
	return c, entered, func() { once.Do(func() { close(release) }) }
}

// guarded is a client whose timeout only guards the test against a hang:
// a request blocked behind the write lock fails it instead of hanging.
var guarded = &http.Client{Timeout: 5 * time.Second}

func guardedCall(t *testing.T, method, url, reqBody string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(reqBody))
	resp, err := guarded.Do(req)
	if err != nil {
		t.Errorf("%s %s: %v (blocked behind a compatibility check?)", method, url, err)
		return 0, ""
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

type result struct {
	status int
	body   string
}

// registerAsync registers in the background.
func registerAsync(u, subject, reqBody string) <-chan result {
	done := make(chan result, 1)
	go func() {
		code, b, err := tryCall(u, "POST", "/subjects/"+subject+"/versions", reqBody)
		if err != nil {
			b = err.Error()
		}
		done <- result{code, b}
	}()
	return done
}

// TestCheckOutsideLock: while one registration is inside its (slow,
// transitive) compatibility check, reads and writes of other subjects go
// on. The check used to run under the global write lock: a 100k-field
// FULL_TRANSITIVE registration blocked every read for about 6 s.
func TestCheckOutsideLock(t *testing.T) {
	c, entered, free := blockingChecker(t)
	u := startServer(t, nil, Options{Checker: c})
	t.Cleanup(free) // before the server's cleanup: a failed test must not leave a check holding the lock
	defer closeIdle()
	expect(t, u, "PUT", "/config/slow", `{"compatibility":"FULL_TRANSITIVE"}`, 200, `{"compatibility":"FULL_TRANSITIVE"}`)
	expect(t, u, "POST", "/subjects/slow/versions", body(userV1), 200, `{"id":1}`)
	expect(t, u, "POST", "/subjects/other/versions", body(`"int"`), 200, `{"id":2}`)
	c.armed.Store(true)
	done := registerAsync(u, "slow", body(userV2))
	select {
	case <-entered:
	case r := <-done:
		t.Fatalf("the registration ended without a check: %v", r)
	}
	if code, got := guardedCall(t, "GET", u+"/subjects/other/versions", ""); code != 200 || got != `[1]` {
		t.Errorf("read of another subject during the check: %d %s", code, got)
	}
	if code, got := guardedCall(t, "POST", u+"/subjects/third/versions", body(`"long"`)); code != 200 || got != `{"id":3}` {
		t.Errorf("write to another subject during the check: %d %s", code, got)
	}
	free()
	if r := <-done; r.status != 200 || r.body != `{"id":4}` {
		t.Errorf("the checked registration: %d %s", r.status, r.body)
	}
	expect(t, u, "GET", "/subjects/slow/versions", "", 200, `[1,2]`)
}

// TestChangeDuringCheck: a configuration change between a registration's
// check and its write is detected; the registration is checked again, at
// the new level, and here refused, instead of being written on a stale
// verdict.
func TestChangeDuringCheck(t *testing.T) {
	c, entered, free := blockingChecker(t)
	u := startServer(t, nil, Options{Checker: c})
	t.Cleanup(free) // before the server's cleanup: a failed test must not leave a check holding the lock
	defer closeIdle()
	expect(t, u, "POST", "/subjects/s/versions", body(userV1), 200, `{"id":1}`)
	// userBad adds a field without a default: FORWARD allows it, BACKWARD
	// does not.
	expect(t, u, "PUT", "/config/s", `{"compatibility":"FORWARD"}`, 200, `{"compatibility":"FORWARD"}`)
	c.armed.Store(true)
	done := registerAsync(u, "s", body(userBad))
	<-entered
	if code, got := guardedCall(t, "PUT", u+"/config/s", `{"compatibility":"BACKWARD"}`); code != 200 {
		t.Errorf("config change during the check: %d %s", code, got)
	}
	free()
	r := <-done
	if r.status != 409 || !strings.Contains(r.body, "READER_FIELD_MISSING_DEFAULT_VALUE") {
		t.Errorf("registration whose subject changed during its check: %d %s", r.status, r.body)
	}
	expect(t, u, "GET", "/subjects/s/versions", "", 200, `[1]`)
}

// TestSameSubjectTakesTurns: a registration into a subject waits for one
// in progress in the same subject, then is checked against its version;
// registrations racing each other would invalidate each other's checks.
func TestSameSubjectTakesTurns(t *testing.T) {
	c, entered, free := blockingChecker(t)
	srv, u := startServerFor(t, Options{Checker: c})
	t.Cleanup(free)
	defer closeIdle()
	expect(t, u, "POST", "/subjects/s/versions", body(userV1), 200, `{"id":1}`)
	c.mu.Lock()
	c.calls = nil
	c.mu.Unlock()
	c.armed.Store(true)
	first := registerAsync(u, "s", body(userV2))
	<-entered
	userV3 := strings.Replace(userV2, `"default":""}`, `"default":""},{"name":"age","type":"int","default":0}`, 1)
	second := registerAsync(u, "s", body(userV3))
	waitFor(t, "the second registration to wait for the subject", func() bool { return srv.subjects.users("s") == 2 })
	free()
	if r := <-first; r.status != 200 || r.body != `{"id":2}` {
		t.Errorf("first: %d %s", r.status, r.body)
	}
	if r := <-second; r.status != 200 || r.body != `{"id":3}` {
		t.Errorf("second: %d %s", r.status, r.body)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if fmt.Sprint(c.calls) != "[[1] [2]]" {
		t.Errorf("versions given to each check: %v, want [[1] [2]] (no check against a stale basis)", c.calls)
	}
	if n := srv.subjects.users("s"); n != 0 {
		t.Errorf("%d left holding the subject", n)
	}
}

// TestChangeDuringEveryCheck: a subject that changes during every check
// gets a 409 after a bounded number of attempts, not an endless loop.
func TestChangeDuringEveryCheck(t *testing.T) {
	var u string
	levels := []string{"BACKWARD", "FULL"}
	var n int
	var c *hookChecker
	c = &hookChecker{}
	c.onCheck = func(string, []compat.Previous) {
		n++
		guardedCall(t, "PUT", u+"/config/s", `{"compatibility":"`+levels[n%2]+`"}`)
		c.armed.Store(true)
	}
	u = startServer(t, nil, Options{Checker: c})
	defer closeIdle()
	expect(t, u, "POST", "/subjects/s/versions", body(userV1), 200, `{"id":1}`)
	c.armed.Store(true)
	code, got := call(t, u, "POST", "/subjects/s/versions", body(userV2))
	c.armed.Store(false)
	if code != 409 || !strings.Contains(got, "changed while the schema's compatibility was being checked") {
		t.Errorf("%d %s", code, got)
	}
	if n != registerAttempts {
		t.Errorf("%d checks, want %d", n, registerAttempts)
	}
	expect(t, u, "GET", "/subjects/s/versions", "", 200, `[1]`)
}

// TestConcurrentVersions: many clients registering different versions of
// one subject at once all succeed, each checked against what was there
// when it wrote; none is refused for having raced the others.
func TestConcurrentVersions(t *testing.T) {
	u := startServer(t, nil, Options{})
	defer closeIdle()
	expect(t, u, "POST", "/subjects/s/versions", body(userV1), 200, `{"id":1}`)
	const n = 16
	var wg sync.WaitGroup
	results := make([]result, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			extra := fmt.Sprintf(`,{"name":"x%d","type":"int","default":0}`, i)
			schema := strings.Replace(userV1, `"long"}`, `"long"}`+extra, 1)
			code, b, err := tryCall(u, "POST", "/subjects/s/versions", body(schema))
			if err != nil {
				b = err.Error()
			}
			results[i] = result{code, b}
		}()
	}
	wg.Wait()
	for i, r := range results {
		if r.status != 200 {
			t.Errorf("client %d: %d %s", i, r.status, r.body)
		}
	}
	_, got := call(t, u, "GET", "/subjects/s/versions", "")
	if strings.Count(got, ",") != n {
		t.Errorf("versions %s, want %d", got, n+1)
	}
}
