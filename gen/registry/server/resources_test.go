package server

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"runtime"
	"strings"
	"testing"
	"time"

	"gitlab.com/acme/avroctl/gen/registry/store"
)

// heapAfterGC is the live heap.
func heapAfterGC() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// hugeSchema is a record of about size bytes, distinct per n: a long doc.
func hugeSchema(n, size int) string {
	return fmt.Sprintf(`{"type":"record","name":"R%d","doc":"%s","fields":[{"name":"f","type":"long"}]}`, n, strings.Repeat("x", size))
}

// TestParseCacheHeap is the attack: ten 8.5 MB lookups used to stay in the
// parse cache (1,024 entries of any size) and grew the heap by about
// 80 MB each. The cache is now bounded by bytes, keeps only the parses of
// requests that succeeded, and none over an eighth of its budget.
func TestParseCacheHeap(t *testing.T) {
	const budget = 8 << 20
	u := startServer(t, nil, Options{ParseCacheBytes: budget})
	expect(t, u, "POST", "/subjects/s/versions", body(userV1), 200, `{"id":1}`)
	before := heapAfterGC()
	for i := range 10 {
		expectCode(t, u, "POST", "/subjects/s", body(hugeSchema(i, 8500<<10)), CodeSchemaNotFound)
	}
	closeIdle()
	after := heapAfterGC()
	growth := int64(after) - int64(before)
	t.Logf("heap after ten 8.5 MB lookups: %.1f MB, growth %.1f MB (cache budget %d MB)", float64(after)/1e6, float64(growth)/1e6, budget>>20)
	if growth > budget+16<<20 {
		t.Errorf("heap grew by %d bytes after ten 8.5 MB lookups; the parse cache budget is %d", growth, budget)
	}
}

// TestParseCacheBound: successful parses are kept within the byte budget,
// least recently used out first, and one too large for the budget is not
// kept.
func TestParseCacheBound(t *testing.T) {
	c := newParseCache(64 << 10)
	entry := func(i, textLen int) (cacheKey, *parsedSchema) {
		req := &registerRequest{Schema: fmt.Sprint(i)}
		return requestKey(req), &parsedSchema{text: strings.Repeat("x", textLen)}
	}
	k0, p0 := entry(0, 100)
	c.put(k0, p0)
	for i := 1; i < 200; i++ {
		k, p := entry(i, 100)
		c.put(k, p)
		c.get(k0) // keep the first one hot
		if _, used := c.size(); used > 64<<10 {
			t.Fatalf("after %d entries the cache holds %d bytes, over its 64 KiB budget", i+1, used)
		}
	}
	if _, ok := c.get(k0); !ok {
		t.Error("the most recently used entry was evicted")
	}
	if _, ok := c.get(requestKey(&registerRequest{Schema: "1"})); ok {
		t.Error("the least recently used entry is still there")
	}
	n, used := c.size()
	kBig, pBig := entry(1000, 1<<20)
	c.put(kBig, pBig)
	if _, ok := c.get(kBig); ok {
		t.Error("an entry over an eighth of the budget was cached")
	}
	if n2, used2 := c.size(); n2 != n || used2 != used {
		t.Errorf("a refused entry changed the cache: %d/%d -> %d/%d", n, used, n2, used2)
	}
	// normalize and schemaType are part of the key.
	if requestKey(&registerRequest{Schema: "x"}) == requestKey(&registerRequest{Schema: "x", normalize: true}) {
		t.Error("normalize is not part of the key")
	}
}

// startServerFor is startServer that also returns the server, for tests
// that watch its state.
func startServerFor(t *testing.T, opts Options) (*Server, string) {
	t.Helper()
	st, err := store.Open("")
	if err != nil {
		t.Fatal(err)
	}
	srv := New(st, opts)
	if err := srv.Open("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		closeIdle()
		srv.Close()
		st.Close()
	})
	return srv, srv.URL()
}

// waitFor polls an observed state until it holds, failing after 10s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// dialRaw opens a TCP connection to the server and writes head.
func dialRaw(t *testing.T, base, head string) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	if head != "" {
		if _, err := io.WriteString(c, head); err != nil {
			t.Fatal(err)
		}
	}
	return c
}

// TestTrickledBodyIsCutOff is the attack: a client sends its headers, then
// trickles the body a byte at a time. Without a read deadline it held its
// connection and buffer forever (40 of them held 770 MB). With ReadTimeout
// the server answers and closes the connection.
func TestTrickledBodyIsCutOff(t *testing.T) {
	_, u := startServerFor(t, Options{ReadHeaderTimeout: 200 * time.Millisecond, ReadTimeout: 300 * time.Millisecond})
	c := dialRaw(t, u, "POST /subjects/s/versions HTTP/1.1\r\nHost: x\r\nContent-Type: "+ContentType+"\r\nContent-Length: 100000\r\n\r\n{")
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		tick := time.NewTicker(20 * time.Millisecond) // the attack's pace, not synchronisation
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				if _, err := c.Write([]byte(" ")); err != nil {
					return
				}
			}
		}
	}()
	// A guard only: the server must close the connection long before.
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	got, err := io.ReadAll(c)
	// The server closes the connection after its answer: EOF, or a reset
	// since the trickle goes on writing. Only the guard's timeout fails.
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		t.Fatalf("the server did not cut off a trickled body: %v (read %q)", err, got)
	}
	if !strings.HasPrefix(string(got), "HTTP/1.1 408") || !strings.Contains(string(got), "read timeout") {
		t.Errorf("answer to a trickled body: %q", got)
	}
}

// TestBodyBudget: request bodies in flight share a byte budget; when slow
// bodies hold it all, the next request is refused at once with 503 and
// Retry-After instead of adding its body to the heap, and the budget comes
// back when they end.
func TestBodyBudget(t *testing.T) {
	srv, u := startServerFor(t, Options{MaxBodyBytes: 1 << 20, MaxBodyBytesInFlight: 1 << 20})
	c := dialRaw(t, u, "POST /subjects/s/versions HTTP/1.1\r\nHost: x\r\nContent-Length: 1048576\r\n\r\n{")
	waitFor(t, "the slow body to be charged", func() bool { return srv.bodies.inUse() == 1<<20 })
	req, _ := http.NewRequest("POST", u+"/subjects/s/versions", strings.NewReader(body(userV1)))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 503 || resp.Header.Get("Retry-After") == "" || !strings.Contains(string(b), "in flight") {
		t.Errorf("while the budget is used up: %d %q %s", resp.StatusCode, resp.Header.Get("Retry-After"), b)
	}
	c.Close()
	waitFor(t, "the budget to be given back", func() bool { return srv.bodies.inUse() == 0 })
	expect(t, u, "POST", "/subjects/s/versions", body(userV1), 200, `{"id":1}`)
	// Requests that do not read a body are never charged.
	expect(t, u, "GET", "/subjects", "", 200, `["s"]`)
}

// TestConnectionLimit: connections beyond MaxConns wait to be accepted, so
// thousands of idle ones cannot exhaust the file limit.
func TestConnectionLimit(t *testing.T) {
	srv, u := startServerFor(t, Options{MaxConns: 2})
	held := []net.Conn{dialRaw(t, u, ""), dialRaw(t, u, "")}
	waitFor(t, "two connections accepted", func() bool { return srv.ln.active.Load() == 2 })
	// While both slots are held a third client is not served; it can only
	// time out, however long it waits.
	cl := &http.Client{Timeout: 300 * time.Millisecond, Transport: &http.Transport{DisableKeepAlives: true}}
	if resp, err := cl.Get(u + "/subjects"); err == nil {
		resp.Body.Close()
		t.Fatalf("a third connection was served while MaxConns=2 were open: %d", resp.StatusCode)
	}
	held[0].Close()
	cl.Timeout = 10 * time.Second
	resp, err := cl.Get(u + "/subjects")
	if err != nil {
		t.Fatalf("after a slot was freed: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("status %d", resp.StatusCode)
	}
}

// TestSchemasPaging: GET /schemas pages as Confluent does: ?offset skips
// items, a positive ?limit caps them, after the subjectPrefix, deleted and
// latestOnly filters.
func TestSchemasPaging(t *testing.T) {
	u := startServer(t, nil, Options{})
	expect(t, u, "PUT", "/config", `{"compatibility":"NONE"}`, 200, `{"compatibility":"NONE"}`)
	for _, sub := range []string{"a", "b", "c"} {
		for _, typ := range []string{`"int"`, `"long"`, `"string"`} {
			call(t, u, "POST", "/subjects/"+sub+"/versions", body(typ))
		}
	}
	expect(t, u, "DELETE", "/subjects/b/versions/3", "", 200, `3`)
	item := func(sub string, v, id int, typ string) string {
		return fmt.Sprintf(`{"subject":"%s","version":%d,"id":%d,"schema":"\"%s\""%s}`, sub, v, id, typ, guidOf(`"`+typ+`"`))
	}
	all := []string{item("a", 1, 1, "int"), item("a", 2, 2, "long"), item("a", 3, 3, "string"),
		item("b", 1, 1, "int"), item("b", 2, 2, "long"),
		item("c", 1, 1, "int"), item("c", 2, 2, "long"), item("c", 3, 3, "string")}
	list := func(items ...string) string { return "[" + strings.Join(items, ",") + "]" }
	expect(t, u, "GET", "/schemas", "", 200, list(all...))
	expect(t, u, "GET", "/schemas?offset=0&limit=-1", "", 200, list(all...))
	expect(t, u, "GET", "/schemas?limit=0", "", 200, list(all...))
	expect(t, u, "GET", "/schemas?offset=2&limit=3", "", 200, list(all[2:5]...))
	expect(t, u, "GET", "/schemas?offset=6", "", 200, list(all[6:]...))
	expect(t, u, "GET", "/schemas?offset=8", "", 200, `[]`)
	expect(t, u, "GET", "/schemas?offset=100&limit=5", "", 200, `[]`)
	expect(t, u, "GET", "/schemas?limit=1", "", 200, list(all[0]))
	expect(t, u, "GET", "/schemas?subjectPrefix=b&deleted=true&offset=2", "", 200, list(item("b", 3, 3, "string")))
	expect(t, u, "GET", "/schemas?latestOnly=true&offset=1&limit=1", "", 200, list(item("b", 2, 2, "long")))
	expect(t, u, "GET", "/schemas?latestOnly=true&deleted=true", "", 200,
		list(item("a", 3, 3, "string"), item("b", 3, 3, "string"), item("c", 3, 3, "string")))
	expectCode(t, u, "GET", "/schemas?offset=x", "", CodeBadRequest)
	expectCode(t, u, "GET", "/schemas?limit=99999999999", "", CodeBadRequest)
}

// TestSchemasStreamed is the attack: one 2 MiB schema under 100 subjects
// made every GET /schemas build a 200 MB answer in memory. It is streamed
// now: what the server allocates for it is about one item, not the answer.
func TestSchemasStreamed(t *testing.T) {
	u := startServer(t, nil, Options{ParseCacheBytes: 256 << 20})
	big := body(hugeSchema(0, 2<<20))
	for i := range 100 {
		expect(t, u, "POST", fmt.Sprintf("/subjects/s%03d/versions", i), big, 200, `{"id":1}`)
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	resp, err := http.Get(u + "/schemas")
	if err != nil {
		t.Fatal(err)
	}
	n, err := io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("GET /schemas: %d %v", resp.StatusCode, err)
	}
	runtime.ReadMemStats(&after)
	alloc := after.TotalAlloc - before.TotalAlloc
	t.Logf("GET /schemas with a 2 MiB schema under 100 subjects: %.1f MB answered, %.1f MB allocated", float64(n)/1e6, float64(alloc)/1e6)
	if n < 100*2<<20 {
		t.Errorf("answer of %d bytes, want over %d", n, 100*2<<20)
	}
	if raceEnabled {
		t.Log("skipped the allocation bound: the race detector allocates for itself")
		return
	}
	if alloc > 32<<20 {
		t.Errorf("GET /schemas allocated %d bytes for a %d-byte answer; it should stream", alloc, n)
	}
}
