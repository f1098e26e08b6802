package avro

import (
	"slices"
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
