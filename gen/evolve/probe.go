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
	width := maxUnionWidth(writer, map[schema.Schema]bool{})
	if width > probeMaxValues {
		width = probeMaxValues
	}
	for k := 0; k < max(width, 1); k++ {
		p := &prober{k: k}
		if !p.value(writer, 0) {
			continue // no finite value within the bounds: nothing to probe
		}
		if err := reader.Unmarshal(w, p.buf, anyValue{}); err != nil {
			return err
		}
	}
	return nil
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
		p.buf = append(p.buf, 2) // one item (zigzag 1)
		if !p.value(t.Items, depth+1) {
			return false
		}
		p.buf = append(p.buf, 0)
		return true
	case *schema.Map:
		if deep {
			p.buf = append(p.buf, 0)
			return true
		}
		p.buf = append(p.buf, 2, 0) // one entry, key ""
		if !p.value(t.Values, depth+1) {
			return false
		}
		p.buf = append(p.buf, 0)
		return true
	case *schema.Union:
		if len(t.Branches) == 0 {
			return false
		}
		i := p.k % len(t.Branches)
		if deep { // prefer a branch that ends the recursion
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
