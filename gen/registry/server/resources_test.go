package server

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
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
