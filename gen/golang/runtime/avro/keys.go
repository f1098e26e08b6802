package avro

import (
	"slices"
	"strings"
	"sync"
)

// Keys is a sorted list of map keys borrowed from a pool. Generated code
// encodes maps in key order so that encoding is deterministic (Go map
// iteration order is random), and pools the key slice so that encoding a
// map does not allocate in steady state.
type Keys struct {
	List []string
}

var keysPool = sync.Pool{New: func() any { return new(Keys) }}

// SortedKeys returns the keys of m in ascending order. Call Release when done.
func SortedKeys[V any](m map[string]V) *Keys {
	k := keysPool.Get().(*Keys)
	for key := range m {
		k.List = append(k.List, key)
	}
	slices.Sort(k.List)
	return k
}

// Release returns k to the pool.
func (k *Keys) Release() {
	clear(k.List)
	k.List = k.List[:0]
	keysPool.Put(k)
}

func sortStrings(s []string) { slices.Sort(s) }

// Entry is one key/value pair of a map being encoded.
type Entry[V any] struct {
	Key   string
	Value V
}

// EntryPool lends slices of a map's entries sorted by key. Generated code
// declares one per map field and encodes maps in key order (deterministic
// output) from the sorted pairs, so that no value is looked up again and,
// in steady state, nothing is allocated. The zero value is ready to use.
type EntryPool[V any] struct {
	pool sync.Pool
}

// Entries is a sorted entry slice borrowed from an EntryPool.
type Entries[V any] struct {
	List []Entry[V]
	pool *EntryPool[V]
}

// Sorted returns the entries of m in ascending key order. Call Release
// when done.
func (p *EntryPool[V]) Sorted(m map[string]V) *Entries[V] {
	e, _ := p.pool.Get().(*Entries[V])
	if e == nil {
		e = &Entries[V]{pool: p}
	}
	for k, v := range m {
		e.List = append(e.List, Entry[V]{Key: k, Value: v})
	}
	list := e.List
	if len(list) <= 12 {
		// Insertion sort: maps in events are small, and this avoids the
		// indirect comparison calls of a generic sort.
		for i := 1; i < len(list); i++ {
			for j := i; j > 0 && list[j].Key < list[j-1].Key; j-- {
				list[j], list[j-1] = list[j-1], list[j]
			}
		}
	} else {
		slices.SortFunc(list, func(a, b Entry[V]) int { return strings.Compare(a.Key, b.Key) })
	}
	return e
}

// Release returns e to its pool; e must not be used afterwards.
func (e *Entries[V]) Release() {
	clear(e.List) // do not pin keys and values
	e.List = e.List[:0]
	e.pool.pool.Put(e)
}
