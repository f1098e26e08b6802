package evolve

import (
	"gitlab.com/acme/avroctl/gen/golang/runtime/avro"
	"gitlab.com/acme/avroctl/gen/schema"
)

// The resolving reader, like Java's, reports some resolution errors only
// when a value reaches them: an array or map item type that cannot be read
// (the empty collection still reads) and a writer union branch that cannot
// be read. The registry accepts such pairs and consumers fail on the first
// non-empty array or on that branch. probe writes small synthetic values of
// the writer schema that reach every array and map item (one item each) and,
// across the values, every union branch (value k takes branch k mod n of
// each union), and runs the reader's plan on them.

// probeBudget bounds a synthetic value's size and the number of values:
// schemas are small, and a fixed of a huge declared size is not worth
// materialising.
const (
	probeMaxBytes  = 1 << 20
	probeMaxDepth  = 32
	probeMaxValues = 64
)

type anyValue struct{}

func (anyValue) UnmarshalAvro([]byte) error { return nil }

// probe returns the first lazy resolution error a synthetic value reaches,
// or nil.
func probe(reader *avro.Resolver, w *avro.WriterSchema, writer schema.Schema) error {
	for _, v := range ProbeValues(writer) {
		if err := reader.Unmarshal(w, v, anyValue{}); err != nil {
			return err
		}
	}
	return nil
}

// ProbeValues returns the synthetic values (binary, in the writer schema)
// that the resolver check reads: value k takes branch k mod n of every
// union, and then, for every branch of every union, a value that takes the
// branches leading to that union and then that branch (value k alone misses
// a branch whose enclosing union took its null branch). The interop
// harness sends the same values to Java's reader.
func ProbeValues(writer schema.Schema) [][]byte {
	var out [][]byte
	width := maxUnionWidth(writer, map[schema.Schema]bool{})
	if width > probeMaxValues {
		width = probeMaxValues
	}
	for k := 0; k < max(width, 1); k++ {
		p := &prober{k: k}
		if p.value(writer, 0) {
			out = append(out, p.buf)
		}
	}
	// Many small items per collection: Java's collection size guard
	// (JavaCollectionError) refuses them when the reader's item type is
	// larger.
	if p := (&prober{items: probeManyItems}); p.value(writer, 0) {
		out = append(out, p.buf)
	}
	for _, u := range unionsOf(writer) {
		reach := reaching(writer, u)
		for i := range u.Branches {
			if len(out) >= probeMaxTargeted {
				return out
			}
			p := &prober{target: u, branch: i, reach: reach}
			if p.value(writer, 0) {
				out = append(out, p.buf)
			}
		}
	}
	return out
}

// probeMaxTargeted bounds the number of values of ProbeValues;
// probeManyItems is the item count of the many-items value, whose
// collections take it while the value is under probeManyBytes.
const (
	probeMaxTargeted = 512
	probeManyItems   = 63
	probeManyBytes   = 4096
)

// unionsOf lists the unions of s, each once.
func unionsOf(s schema.Schema) []*schema.Union {
	var out []*schema.Union
	seen := map[schema.Schema]bool{}
	var walk func(schema.Schema)
	walk = func(s schema.Schema) {
		if s == nil || seen[s] {
			return
		}
		seen[s] = true
		switch t := s.(type) {
		case *schema.Record:
			for _, f := range t.Fields {
				walk(f.Type)
			}
		case *schema.Array:
			walk(t.Items)
		case *schema.Map:
			walk(t.Values)
		case *schema.Union:
			out = append(out, t)
			for _, b := range t.Branches {
				walk(b)
			}
		}
	}
	walk(s)
	return out
}

// reaching returns the schemas of root from which target can be reached.
func reaching(root schema.Schema, target *schema.Union) map[schema.Schema]bool {
	reach := map[schema.Schema]bool{}
	state := map[schema.Schema]int{} // 1 visiting, 2 done
	var walk func(schema.Schema) bool
	walk = func(s schema.Schema) bool {
		if s == schema.Schema(target) {
			reach[s] = true
			return true
		}
		switch state[s] {
		case 1:
			return false
		case 2:
			return reach[s]
		}
		state[s] = 1
		var kids []schema.Schema
		switch t := s.(type) {
		case *schema.Record:
			for _, f := range t.Fields {
				kids = append(kids, f.Type)
			}
		case *schema.Array:
			kids = append(kids, t.Items)
		case *schema.Map:
			kids = append(kids, t.Values)
		case *schema.Union:
			kids = t.Branches
		}
		r := false
		for _, k := range kids {
			if walk(k) {
				r = true
			}
		}
		state[s] = 2
		reach[s] = r
		return r
	}
	walk(root)
	return reach
}

func maxUnionWidth(s schema.Schema, seen map[schema.Schema]bool) int {
	if seen[s] {
		return 0
	}
	seen[s] = true
	switch t := s.(type) {
	case *schema.Record:
		m := 0
		for _, f := range t.Fields {
			m = max(m, maxUnionWidth(f.Type, seen))
		}
		return m
	case *schema.Array:
		return maxUnionWidth(t.Items, seen)
	case *schema.Map:
		return maxUnionWidth(t.Values, seen)
	case *schema.Union:
		m := len(t.Branches)
		for _, b := range t.Branches {
			m = max(m, maxUnionWidth(b, seen))
		}
		return m
	}
	return 0
}

type prober struct {
	k   int
	buf []byte
	// target, when set, is the union whose branch the value takes; reach
	// holds the schemas it can be reached from, which the value goes
	// through (once: a recursive schema would go round again).
	target  *schema.Union
	branch  int
	reach   map[schema.Schema]bool
	reached bool
	// items is the item count of collections (0: one).
	items int
}

// count is the item count of the next collection.
func (p *prober) count() int {
	if p.items > 1 && len(p.buf) < probeManyBytes {
		return p.items
	}
	return 1
}

// value appends a synthetic value of s; false when there is none within
// the bounds.
func (p *prober) value(s schema.Schema, depth int) bool {
	if depth > probeMaxDepth || len(p.buf) > probeMaxBytes {
		return false
	}
	deep := depth > probeMaxDepth/2 // past half the depth, stop growing
	switch t := s.(type) {
	case *schema.Primitive:
		switch t.T {
		case schema.Boolean, schema.Int, schema.Long, schema.Bytes, schema.String:
			p.buf = append(p.buf, 0)
		case schema.Float:
			p.buf = append(p.buf, 0, 0, 0, 0)
		case schema.Double:
			p.buf = append(p.buf, 0, 0, 0, 0, 0, 0, 0, 0)
		}
		return true
	case *schema.Enum:
		p.buf = append(p.buf, 0)
		return true
	case *schema.Fixed:
		if t.Size > probeMaxBytes {
			return false
		}
		p.buf = append(p.buf, make([]byte, t.Size)...)
		return true
	case *schema.Record:
		for _, f := range t.Fields {
			if !p.value(f.Type, depth+1) {
				return false
			}
		}
		return true
	case *schema.Array:
		if deep {
			p.buf = append(p.buf, 0)
			return true
		}
		n := p.count()
		p.buf = append(p.buf, byte(n*2)) // zigzag n (n < 64: one byte)
		for range n {
			if !p.value(t.Items, depth+1) {
				return false
			}
		}
		p.buf = append(p.buf, 0)
		return true
	case *schema.Map:
		if deep {
			p.buf = append(p.buf, 0)
			return true
		}
		n := p.count()
		p.buf = append(p.buf, byte(n*2)) // zigzag n; keys "" (Java's and our readers keep the last)
		for range n {
			p.buf = append(p.buf, 0)
			if !p.value(t.Values, depth+1) {
				return false
			}
		}
		p.buf = append(p.buf, 0)
		return true
	case *schema.Union:
		if len(t.Branches) == 0 {
			return false
		}
		i := p.k % len(t.Branches)
		switch {
		case p.target == t && !p.reached:
			i, p.reached = p.branch, true
		case p.target != nil && !p.reached:
			for j, b := range t.Branches {
				if p.reach[b] {
					i = j
					break
				}
			}
		case deep: // prefer a branch that ends the recursion
			for j, b := range t.Branches {
				if b.Type() == schema.Null {
					i = j
				}
			}
		}
		if i >= 64 {
			return false // one-byte zigzag index only
		}
		p.buf = append(p.buf, byte(i*2))
		return p.value(t.Branches[i], depth+1)
	}
	return false
}
