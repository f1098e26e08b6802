package compat

import (
	"crypto/sha256"

	"gitlab.com/acme/avroctl/gen/schema"
)

// History indexes a subject's previous versions across versions, so that a
// transitive check of a new schema against all of them costs time that
// does not grow with their number in the common case: it aggregates what
// the checker reads of every version (top-level names, fields by name, the
// fingerprints of field types) into sets of distinct entries, and checks
// the new schema against each distinct entry once.
//
// The index only ever proves compatibility. When it cannot (a version or
// the new schema outside the class described below, or a sub-check that
// fails or that it cannot decide), CheckLevelHistory falls back to
// CheckLevelPrepared on the versions, so the Result is always exactly
// CheckLevelPrepared's (hence CheckLevel's).
//
// Its memory is proportional to the number of distinct top-level names,
// distinct (field name, field type) pairs and distinct (field name,
// aliases, default, type) tuples over the versions, at most the total size
// of the versions. A History is not safe for concurrent use while Add runs;
// concurrent checks that do not Add may share one.
type History struct {
	n int
	// outside: some version is outside the class the index answers for
	// (see Add); every check then falls back.
	outside bool
	// tops are the versions' top-level records, one per distinct (name,
	// namespace, aliases): all the record name check reads.
	tops    []*schema.Record
	topKeys map[string]bool
	// byWriterName is the versions as writers (the new schema reads
	// them): per field name, how many versions have a field of that name,
	// and the distinct types those fields have.
	byWriterName map[string]*writerName
	// readers is the versions as readers (they read the new schema): the
	// distinct fields by (name, aliases, default, type fingerprint);
	// byName and byAlias list them by their name and by each alias, and
	// noDefault those without a default.
	readers   []readerField
	readerKey map[string]int32
	byName    map[string][]int32
	byAlias   map[string][]int32
	noDefault []int32
}

type writerName struct {
	versions int
	types    []typedSchema
}

// typedSchema is a field type with its prepared fingerprint (always a
// same one, see nodeInfo).
type typedSchema struct {
	fp [sha256.Size]byte
	s  schema.Schema
}

type readerField struct {
	f  *schema.Field
	fp [sha256.Size]byte
}

// NewHistory returns an empty index.
func NewHistory() *History {
	return &History{
		topKeys:      map[string]bool{},
		byWriterName: map[string]*writerName{},
		readerKey:    map[string]int32{},
		byName:       map[string][]int32{},
		byAlias:      map[string][]int32{},
	}
}

// Len is the number of versions added.
func (h *History) Len() int { return h.n }

// indexable returns the record at the top of p and its prepared data when
// p is in the class the index answers for: a record whose field names are
// unique and whose every field type has a same fingerprint (so equal
// fingerprints mean compatible, with nothing left behind, see nodeInfo).
// A type that refers back to the record, or holds a union of several
// named types, is outside.
func indexable(p *Prepared) (*schema.Record, *nodeInfo, bool) {
	if p == nil {
		return nil, nil, false
	}
	r, ok := p.Schema.(*schema.Record)
	if !ok || p.root == nil || !p.root.unique || len(p.root.types) != len(r.Fields) {
		return nil, nil, false
	}
	for i := range p.root.types {
		if !p.root.types[i].same || r.Fields[i] == nil || r.Fields[i].Type == nil {
			return nil, nil, false
		}
	}
	return r, p.root, true
}

// Add appends a version (the next newer one) to the index.
func (h *History) Add(p *Prepared) {
	h.n++
	if h.outside {
		return
	}
	r, ri, ok := indexable(p)
	if !ok {
		h.outside = true
		return
	}
	var e encoder
	e.named(&r.Named)
	if k := string(e.b); !h.topKeys[k] {
		h.topKeys[k] = true
		h.tops = append(h.tops, r)
	}
	for i, f := range r.Fields {
		fp := ri.types[i].fp
		wn := h.byWriterName[f.Name]
		if wn == nil {
			wn = &writerName{}
			h.byWriterName[f.Name] = wn
		}
		wn.versions++
		known := false
		for _, t := range wn.types {
			if t.fp == fp {
				known = true
				break
			}
		}
		if !known {
			wn.types = append(wn.types, typedSchema{fp, f.Type})
		}

		e.b = e.b[:0]
		e.str(f.Name)
		e.strs(f.Aliases)
		e.bool(f.HasDefault)
		e.b = append(e.b, fp[:]...)
		k := string(e.b)
		if _, ok := h.readerKey[k]; ok {
			continue
		}
		id := int32(len(h.readers))
		h.readers = append(h.readers, readerField{f, fp})
		h.readerKey[k] = id
		h.byName[f.Name] = append(h.byName[f.Name], id)
		for _, a := range f.Aliases {
			h.byAlias[a] = append(h.byAlias[a], id)
		}
		if !f.HasDefault {
			h.noDefault = append(h.noDefault, id)
		}
	}
}

// CheckLevelHistory is CheckLevelPrepared(level, newSchema, previous())
// with the same Result, where h indexes exactly the versions previous()
// returns (h.Len() of them, added oldest first). For a transitive level it
// first tries to prove newSchema compatible with every version from the
// index alone; previous is called only when that fails (or for another
// level).
func CheckLevelHistory(level Level, newSchema *Prepared, h *History, previous func() []*Prepared) Result {
	if h.Proves(level, newSchema) {
		return Result{Compatible: true}
	}
	return CheckLevelPrepared(level, newSchema, previous())
}

// Proves reports that newSchema passes a check at level, a transitive one,
// against every indexed version, reading the index and newSchema only:
// then CheckLevelPrepared on those versions returns Result{Compatible:
// true}. False means not proven (the versions must be checked one by one);
// it is false for a level that is not transitive and for a nil History.
//
// Why its "true" is the AND of the per-version verdicts, which is when
// CheckLevelPrepared returns Result{Compatible: true} (with no list: a
// transitive check that passes every version reports nothing):
//
//   - Every version V and s are records in the class of indexable. For a
//     reader record R and a writer record W, the checker (once past the
//     shortcut of equal fingerprints, which only ever says compatible)
//     checks the names (nameEquals on R's name and aliases and W's full
//     name), then each field f of R in turn: it looks f up in W by name
//     and by each of f's aliases; two matches throw (a failed check); one
//     match checks f's type against the writer field's type; none is
//     incompatible unless f has a default (with no default, both the
//     enum quirk and the plain case report an incompatibility). The check
//     is compatible exactly when nothing on that list fails.
//   - The field type checks here never touch the memo of named pairs (the
//     only state a check keeps): pairReads says compatible only for equal
//     same fingerprints (nothing is run or left, see nodeInfo), two
//     primitives (the checker returns at once), or two types without any
//     named type (the memo only ever holds pairs of named types), whose
//     verdict therefore is that of a check of the pair alone. Any other
//     pair, and any failure, is "not proven" and the caller falls back.
//   - So each version's verdict is a conjunction of conditions that depend
//     on one piece of that version at a time: its top-level names, or one
//     field's (name, aliases, default, type), or, for s reading V, whether
//     V has a field of a name and which type it has. Equal pieces give
//     equal conditions (equal same fingerprints mean structurally equal
//     types, as far as the checker reads them). The index keeps every
//     distinct piece, so checking each distinct piece once is the AND over
//     all versions and all their fields.
//
// backward and forward below say how each direction visits the distinct
// pieces without visiting them all.
func (h *History) Proves(level Level, newSchema *Prepared) bool {
	if h == nil || !level.Transitive() {
		return false
	}
	if h.n == 0 {
		return true // CheckLevelPrepared checks nothing either
	}
	if h.outside {
		return false
	}
	s, si, ok := indexable(newSchema)
	if !ok {
		return false
	}
	if level.forward() && !h.forward(s, si) {
		return false
	}
	if level.backward() && !h.backward(s, si) {
		return false
	}
	return true
}

// backward: s reads every version. s's fields have no aliases (else not
// proven: which writer field a field with aliases finds depends on the
// names each version has), so field f finds the field of its name in a
// version, or none. The versions that have one have one of the distinct
// types listed under the name, each of which f's type must read; if fewer
// than all versions have the name, some version lacks it and f needs a
// default. This visits s's fields and, per field, the distinct types its
// name had.
func (h *History) backward(s *schema.Record, si *nodeInfo) bool {
	for _, t := range h.tops {
		if !nameEquals(&s.Named, &t.Named) {
			return false
		}
	}
	for i, f := range s.Fields {
		if len(f.Aliases) > 0 {
			return false
		}
		wn := h.byWriterName[f.Name]
		if wn == nil {
			if !f.HasDefault {
				return false
			}
			continue
		}
		if wn.versions < h.n && !f.HasDefault {
			return false
		}
		for _, w := range wn.types {
			if !pairReads(f.Type, si.types[i].fp, w.s, w.fp) {
				return false
			}
		}
	}
	return true
}

// forward: every version reads s. A distinct reader field g is found in s
// by its name and aliases: a g that matches some field of s is listed
// under that field's name in byName or byAlias, so visiting s's field
// names finds every such g (each checked once, in full: two matches fail,
// one match checks the types); a g that matches none is compatible exactly
// when it has a default, so only the ones without one (noDefault) need a
// look. This visits s's fields, the distinct reader fields listed under
// their names, and noDefault; never every distinct name of the history
// (a history of rotating optional fields has as many as versions).
func (h *History) forward(s *schema.Record, si *nodeInfo) bool {
	for _, t := range h.tops {
		if !nameEquals(&t.Named, &s.Named) {
			return false
		}
	}
	idx := si.fields
	if idx == nil {
		idx = fieldPositions(s)
	}
	var seen map[int32]bool
	check := func(id int32) bool {
		if seen[id] {
			return true
		}
		if seen == nil {
			seen = map[int32]bool{}
		}
		seen[id] = true
		g := &h.readers[id]
		j, n := -1, 0
		if k, ok := idx[g.f.Name]; ok {
			j, n = k, 1
		}
		for _, a := range g.f.Aliases {
			if k, ok := idx[a]; ok {
				j = k
				n++
			}
		}
		switch n {
		case 0:
			return g.f.HasDefault
		case 1:
			return pairReads(g.f.Type, g.fp, s.Fields[j].Type, si.types[j].fp)
		}
		return false // Java throws: the check fails
	}
	for _, f := range s.Fields {
		for _, id := range h.byName[f.Name] {
			if !check(id) {
				return false
			}
		}
		for _, id := range h.byAlias[f.Name] {
			if !check(id) {
				return false
			}
		}
	}
	for _, id := range h.noDefault {
		if !check(id) {
			return false
		}
	}
	return true
}

// pairReads reports that a reader field type reads a writer field type,
// both with same fingerprints, in a way that leaves the memo of named
// pairs untouched (see proves); false means not proven.
func pairReads(rt schema.Schema, rfp [sha256.Size]byte, wt schema.Schema, wfp [sha256.Size]byte) bool {
	if rfp == wfp {
		return true
	}
	rp, rok := rt.(*schema.Primitive)
	wp, wok := wt.(*schema.Primitive)
	if rok && wok {
		return rp.T == wp.T || promotes(rp.T, wp.T)
	}
	if !namedFree(rt) || !namedFree(wt) {
		return false
	}
	res := checkPrepared(nil, rt, wt, nil, nil, ReaderWriter, -1)
	return res.Compatible && res.Err == nil
}

// namedFree reports that s holds no named type (no record, enum or fixed,
// at any depth), so checking it never reads or writes the memo.
func namedFree(s schema.Schema) bool {
	switch t := s.(type) {
	case *schema.Primitive:
		return true
	case *schema.Array:
		return t.Items != nil && namedFree(t.Items)
	case *schema.Map:
		return t.Values != nil && namedFree(t.Values)
	case *schema.Union:
		for _, b := range t.Branches {
			if b == nil || !namedFree(b) {
				return false
			}
		}
		return true
	}
	return false
}
