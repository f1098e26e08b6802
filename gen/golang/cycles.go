package golang

import "gitlab.com/acme/avroctl/gen/schema"

// A record may require a value of its own type, directly
// ({"name":"R","fields":[{"name":"next","type":"R"}]}) or through other
// required record fields. Java accepts such schemas although no finite value
// of them exists. In Go a struct cannot contain itself, so the generator
// breaks every such cycle with a pointer: the fields on the cycle become *T.
// The generated code then rejects every value honestly instead of failing to
// compile: encoding a nil pointer is an error naming the field, and decoding
// such a field always fails, because no finite input can hold an infinite
// value (and trying would recurse without consuming input).

// findRequiredCycles marks the record fields whose type is a record that
// leads back, through required (by-value) record fields, to the record
// holding the field.
func (m *model) findRequiredCycles() {
	m.cyclic = map[*schema.Field]bool{}
	// byValue lists the records a record holds by value.
	byValue := func(r *schema.Record) []*schema.Record {
		var out []*schema.Record
		for _, f := range r.Fields {
			if t, ok := m.recordOf(f.Type); ok {
				out = append(out, t)
			}
		}
		return out
	}
	reaches := func(from, to *schema.Record) bool {
		seen := map[*schema.Record]bool{}
		stack := []*schema.Record{from}
		for len(stack) > 0 {
			r := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if r == to {
				return true
			}
			if seen[r] {
				continue
			}
			seen[r] = true
			stack = append(stack, byValue(r)...)
		}
		return false
	}
	for _, t := range m.types {
		r, ok := t.schema.(*schema.Record)
		if !ok {
			continue
		}
		for _, f := range r.Fields {
			if target, ok := m.recordOf(f.Type); ok && reaches(target, r) {
				m.cyclic[f] = true
			}
		}
	}
}

// recordOf returns the generated record a field type holds by value: the
// canonical copy, so that duplicate definitions from separate files count as
// one type.
func (m *model) recordOf(s schema.Schema) (*schema.Record, bool) {
	r, ok := s.(*schema.Record)
	if !ok {
		return nil, false
	}
	if t := m.byFull[r.FullName()]; t != nil {
		if c, ok := t.schema.(*schema.Record); ok {
			return c, true
		}
	}
	return r, true
}

// findRecursive marks the records whose values can contain values of the
// same record (through any field, union, array or map). Their DecodeAvro
// bounds the nesting depth (avro.Decoder.Enter): each level may consume as
// little as one byte, so a long crafted input would otherwise grow the
// stack without limit.
func (m *model) findRecursive() {
	m.recursive = map[*schema.Record]bool{}
	// refs lists the records a schema node refers to without going
	// through another record.
	var refs func(s schema.Schema, out []*schema.Record) []*schema.Record
	refs = func(s schema.Schema, out []*schema.Record) []*schema.Record {
		switch s := s.(type) {
		case *schema.Record:
			r, _ := m.recordOf(s)
			return append(out, r)
		case *schema.Array:
			return refs(s.Items, out)
		case *schema.Map:
			return refs(s.Values, out)
		case *schema.Union:
			for _, b := range s.Branches {
				out = refs(b, out)
			}
		}
		return out
	}
	next := map[*schema.Record][]*schema.Record{}
	for _, t := range m.types {
		if r, ok := t.schema.(*schema.Record); ok {
			for _, f := range r.Fields {
				next[r] = refs(f.Type, next[r])
			}
		}
	}
	for _, t := range m.types {
		r, ok := t.schema.(*schema.Record)
		if !ok {
			continue
		}
		seen := map[*schema.Record]bool{}
		stack := append([]*schema.Record(nil), next[r]...)
		for len(stack) > 0 {
			x := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if x == r {
				m.recursive[r] = true
				break
			}
			if !seen[x] {
				seen[x] = true
				stack = append(stack, next[x]...)
			}
		}
	}
}
