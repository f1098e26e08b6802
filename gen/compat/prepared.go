package compat

import (
	"crypto/sha256"
	"encoding/binary"
	"hash"
	"hash/fnv"
	"slices"

	"gitlab.com/acme/avroctl/gen/schema"
)

// Prepared is a schema readied for many compatibility checks, the way a
// registry checks a new version against every previous one: a structural
// fingerprint of every node, computed once, lets a check skip sub-schemas
// that are the same on both sides, and lets a transitive check skip
// previous versions equal to one it has already passed. Its memory is
// proportional to the schema's size; it holds no global state.
//
// A Prepared is read-only once built and may be shared by concurrent
// checks.
type Prepared struct {
	Schema schema.Schema
	// key is the fingerprint of the whole schema: equal keys mean the
	// checker sees the same thing in both (names, aliases, fields, defaults
	// as present or not, symbols, sizes, shape), so they get the same
	// verdict against any other schema.
	key   [sha256.Size]byte
	nodes map[schema.Schema]*nodeInfo
	// root is nodes[Schema], the entry every check looks up first.
	root *nodeInfo
}

// fieldType is the fingerprint of a field's type.
type fieldType struct {
	fp [sha256.Size]byte
	// same: fp may be used for the shortcut; plain: the field has no
	// aliases, so its name alone finds its writer field.
	same, plain bool
}

// nodeInfo is what Prepare computed for one node.
//
// Why the checker may answer "compatible, no incompatibilities" for a
// reader node and a writer node with the same fingerprint, both same,
// without running, and still give Java's exact Result:
//
//   - Java's checker finds a schema compatible with any structurally equal
//     one: on such a pair it only ever compares counterpart nodes (same
//     names, same field names, same symbols, same sizes), or probes the
//     branches of a reader union, where the counterpart branch reads. So the
//     verdict is compatible and nothing is reported.
//   - Skipping the pair must not change what the rest of the check sees.
//     The only state a check keeps is its memo of named pairs; entries for
//     counterpart pairs are compatible either way. A union with two named
//     branches, though, makes Java probe a non-counterpart pair (branch A of
//     the reader against branch B of the writer) and memoize its failure
//     with a location relative to the probe, which a later visit of that
//     pair would report. Nodes whose unfolding holds such a union are not
//     shortcut.
//   - Java throws when a reader field's name and aliases match two writer
//     fields; on equal records that happens exactly when some alias of a
//     field is a field name of the same record. Nodes whose unfolding holds
//     such a record are not shortcut either: the check must throw.
//   - Likewise a record with two fields of one name (schema.Parse rejects
//     it, a hand-built model may not): its second field is paired with
//     the other side's first.
//   - A node that refers back to an enclosing named type (other than
//     itself) is not fingerprinted on its own: its meaning depends on that
//     type.
//
// TestPreparedMatchesPlain compares prepared and plain checks, full
// Results, on random evolution histories.
type nodeInfo struct {
	// fp is the fingerprint of the node's unfolding as the checker reads it.
	fp [sha256.Size]byte
	// same is set when a pair of nodes with equal fp may be taken as
	// compatible without looking (see above).
	same bool
	// For a record: fields has the positions of its fields by name (the
	// first of each, as FieldIndex) when it has enough fields for a map to
	// pay; unique says no two fields share a name; types has the prepared
	// fingerprint of each field's type (not same for primitives and types
	// without a fingerprint), kept inline so that a record's fields are
	// compared in one sequential pass.
	fields map[string]int
	unique bool
	types  []fieldType
	// The record's fields compared in bulk (see checkRecordFields), kept
	// compact because a check against a long history reads these of every
	// version and little else:
	//
	//   - named[i] fingerprints field i's name and type together (zero when
	//     its type is not same);
	//   - prefix[k] chains named[0..k-1], for the first leadSame fields
	//     (whose types are all same); leadPlain <= leadSame counts those
	//     that also have no aliases;
	//   - nameHash[i] is a 64-bit hash of field i's name, and hashes has
	//     them sorted: a name whose hash is not there is no field's name.
	//   - flags[i] has field i's flagSame, flagPlain and flagDefault.
	named               [][sha256.Size]byte
	prefix              [][sha256.Size]byte
	leadSame, leadPlain int
	nameHash, hashes    []uint64
	flags               []uint8
}

// Field flags: the type is same, the field has no aliases, the field has
// a default.
const (
	flagSame uint8 = 1 << iota
	flagPlain
	flagDefault
)

// Prepare computes the fingerprints of s. It costs time and memory
// proportional to the size of s.
func Prepare(s schema.Schema) *Prepared {
	p := &Prepared{Schema: s, nodes: make(map[schema.Schema]*nodeInfo)}
	if s == nil {
		return p
	}
	f := fingerprinter{p: p, h: sha256.New(), onStack: map[schema.Schema]int{}}
	f.visit(s)
	p.key = f.whole(s)
	p.root = p.nodes[s]
	return p
}

// fieldIndexMin is the field count from which a record's field index is
// kept: below it, a linear scan is cheaper than a map lookup.
const fieldIndexMin = 9

type fingerprinter struct {
	p *Prepared
	h hash.Hash
	// onStack maps the named types being visited to their depth.
	onStack map[schema.Schema]int
	depth   int
	// open: nodes already visited that refer back to an enclosing named
	// type; anything containing them is not fingerprinted.
	open map[schema.Schema]bool
}

// result of visiting a node: the fingerprint, the smallest stack depth it
// refers back to (or maxDepth), and whether it may be shortcut.
type visitResult struct {
	fp     [sha256.Size]byte
	minRef int
	unsafe bool
}

const maxDepth = int(^uint(0) >> 1)

// Node tags in the hashed encoding.
const (
	tagPrim byte = iota + 1
	tagRecord
	tagEnum
	tagFixed
	tagArray
	tagMap
	tagUnion
	tagBackRef
)

type encoder struct{ b []byte }

func (e *encoder) byte(c byte) { e.b = append(e.b, c) }
func (e *encoder) int(n int)   { e.b = binary.AppendVarint(e.b, int64(n)) }
func (e *encoder) str(s string) {
	e.b = binary.AppendUvarint(e.b, uint64(len(s)))
	e.b = append(e.b, s...)
}
func (e *encoder) strs(list []string) {
	e.int(len(list))
	for _, s := range list {
		e.str(s)
	}
}
func (e *encoder) bool(v bool) {
	if v {
		e.byte(1)
	} else {
		e.byte(0)
	}
}

// named encodes what the checker reads of a named type's names.
func (e *encoder) named(n *schema.Named) {
	e.str(n.Name)
	e.str(n.Namespace)
	e.strs(n.Aliases)
}

func (f *fingerprinter) sum(b []byte) [sha256.Size]byte {
	f.h.Reset()
	f.h.Write(b)
	var out [sha256.Size]byte
	f.h.Sum(out[:0])
	return out
}

// visit fingerprints s and everything below it, bottom up, once per node.
func (f *fingerprinter) visit(s schema.Schema) visitResult {
	if d, ok := f.onStack[s]; ok {
		// A reference back to an enclosing named type, encoded by how many
		// named types up it is: it leaves every node between here and that
		// type without a fingerprint of its own.
		var e encoder
		e.byte(tagBackRef)
		e.int(f.depth - d)
		return visitResult{fp: f.sum(e.b), minRef: d}
	}
	if f.open[s] {
		return visitResult{minRef: -1}
	}
	if info, ok := f.p.nodes[s]; ok {
		return visitResult{fp: info.fp, minRef: maxDepth, unsafe: !info.same}
	}
	var e encoder
	res := visitResult{minRef: maxDepth}
	child := func(c schema.Schema) {
		r := f.visit(c)
		e.b = append(e.b, r.fp[:]...)
		res.minRef = min(res.minRef, r.minRef)
		res.unsafe = res.unsafe || r.unsafe
	}
	myDepth := f.depth
	var rec *nodeInfo
	switch t := s.(type) {
	case *schema.Primitive:
		e.byte(tagPrim)
		e.int(int(t.T))
	case *schema.Array:
		e.byte(tagArray)
		child(t.Items)
	case *schema.Map:
		e.byte(tagMap)
		child(t.Values)
	case *schema.Union:
		e.byte(tagUnion)
		e.int(len(t.Branches))
		named := 0
		for _, b := range t.Branches {
			if isNamed(b) {
				named++
			}
			child(b)
		}
		if named > 1 {
			res.unsafe = true
		}
	case *schema.Enum:
		e.byte(tagEnum)
		e.named(&t.Named)
		e.strs(t.Symbols)
		e.bool(t.HasDefault)
		e.str(t.Default)
	case *schema.Fixed:
		e.byte(tagFixed)
		e.named(&t.Named)
		e.int(t.Size)
	case *schema.Record:
		e.byte(tagRecord)
		e.named(&t.Named)
		e.bool(t.IsError)
		e.int(len(t.Fields))
		f.onStack[s] = myDepth
		f.depth++
		idx := fieldPositions(t)
		rec = &nodeInfo{unique: len(idx) == len(t.Fields)}
		if !rec.unique {
			// Two fields of one name (only a hand-built model has them):
			// the second reads the first, so equal is not compatible.
			res.unsafe = true
		}
		for _, fl := range t.Fields {
			e.str(fl.Name)
			e.strs(fl.Aliases)
			e.bool(fl.HasDefault)
			for _, a := range fl.Aliases {
				if _, ok := idx[a]; ok {
					res.unsafe = true // Java throws on the equal pair
				}
			}
			child(fl.Type)
		}
		f.depth--
		delete(f.onStack, s)
		if len(t.Fields) >= fieldIndexMin {
			rec.fields = idx
		}
	default:
		// Not a node of the model (a hand-built schema with a nil type):
		// never shortcut; the checker deals with it as it would anyway.
		res.unsafe = true
		res.minRef = -1
	}
	res.fp = f.sum(e.b)
	if res.minRef < myDepth {
		// Refers back to an enclosing type: no fingerprint of its own (a
		// record's field data is still worth keeping).
		f.markOpen(s)
		if rec != nil {
			f.p.nodes[s] = rec
			f.fieldTypes(s.(*schema.Record), rec)
		}
		return res
	}
	res.minRef = maxDepth
	if rec != nil {
		rec.fp, rec.same = res.fp, !res.unsafe
		f.p.nodes[s] = rec
		f.fieldTypes(s.(*schema.Record), rec)
	} else if _, prim := s.(*schema.Primitive); !prim {
		// Primitives are compared directly; they need no entry.
		f.p.nodes[s] = &nodeInfo{fp: res.fp, same: !res.unsafe}
	}
	return res
}

// fieldTypes fills in rec.types once r's own entry exists (a field may be
// of type r itself).
func (f *fingerprinter) fieldTypes(r *schema.Record, rec *nodeInfo) {
	rec.types = make([]fieldType, len(r.Fields))
	for i, fl := range r.Fields {
		ft := &rec.types[i]
		if p, ok := fl.Type.(*schema.Primitive); ok {
			var e encoder
			e.byte(tagPrim)
			e.int(int(p.T))
			ft.fp, ft.same = f.sum(e.b), true
		} else if info := f.p.nodes[fl.Type]; info != nil && info.same {
			ft.fp, ft.same = info.fp, true
		}
		ft.plain = len(fl.Aliases) == 0
	}
	n := len(r.Fields)
	rec.named = make([][sha256.Size]byte, n)
	rec.nameHash = make([]uint64, n)
	rec.flags = make([]uint8, n)
	for i, fl := range r.Fields {
		ft := &rec.types[i]
		if ft.same {
			rec.flags[i] |= flagSame
		}
		if ft.plain {
			rec.flags[i] |= flagPlain
		}
		if fl.HasDefault {
			rec.flags[i] |= flagDefault
		}
		if ft.same {
			var e encoder
			e.str(fl.Name)
			e.b = append(e.b, ft.fp[:]...)
			rec.named[i] = f.sum(e.b)
		}
		rec.nameHash[i] = nameHash(fl.Name)
	}
	rec.hashes = slices.Clone(rec.nameHash)
	slices.Sort(rec.hashes)
	for rec.leadSame < n && rec.types[rec.leadSame].same {
		rec.leadSame++
	}
	for rec.leadPlain < rec.leadSame && rec.types[rec.leadPlain].plain {
		rec.leadPlain++
	}
	rec.prefix = make([][sha256.Size]byte, rec.leadSame+1)
	for k := 1; k <= rec.leadSame; k++ {
		var b [2 * sha256.Size]byte
		copy(b[:], rec.prefix[k-1][:])
		copy(b[sha256.Size:], rec.named[k-1][:])
		rec.prefix[k] = f.sum(b[:])
	}
}

// nameHash is FNV-1a of a field name: equal names hash equal, so a
// missing hash proves a missing name; a present one is looked up.
func nameHash(name string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(name))
	return h.Sum64()
}

// hasName reports whether the record may have a field whose name hashes
// to h (false: it certainly has none).
func (rec *nodeInfo) hasName(h uint64) bool {
	_, found := slices.BinarySearch(rec.hashes, h)
	return found
}

// commonLead returns how many leading fields a reader record and a writer
// record share by the prefix chain: each with the same name and the same
// type fingerprint, none with aliases on the reader's side. Equal chains
// at k mean equal chains below k, so a binary search finds it.
func commonLead(ri, wi *nodeInfo) int {
	hi := min(ri.leadPlain, wi.leadSame)
	lo := 0 // prefix[0] is equal on both sides
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if ri.prefix[mid] == wi.prefix[mid] {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return lo
}

func (f *fingerprinter) markOpen(s schema.Schema) {
	if f.open == nil {
		f.open = map[schema.Schema]bool{}
	}
	f.open[s] = true
}

// whole fingerprints the schema as one: every node in depth-first order,
// each named type in full where it is first met and by its ordinal after.
func (f *fingerprinter) whole(root schema.Schema) [sha256.Size]byte {
	var e encoder
	seen := map[schema.Schema]int{}
	var walk func(s schema.Schema)
	walk = func(s schema.Schema) {
		if n, ok := seen[s]; ok {
			e.byte(tagBackRef)
			e.int(n)
			return
		}
		switch t := s.(type) {
		case *schema.Primitive:
			e.byte(tagPrim)
			e.int(int(t.T))
		case *schema.Array:
			e.byte(tagArray)
			walk(t.Items)
		case *schema.Map:
			e.byte(tagMap)
			walk(t.Values)
		case *schema.Union:
			e.byte(tagUnion)
			e.int(len(t.Branches))
			for _, b := range t.Branches {
				walk(b)
			}
		case *schema.Enum:
			seen[s] = len(seen)
			e.byte(tagEnum)
			e.named(&t.Named)
			e.strs(t.Symbols)
			e.bool(t.HasDefault)
			e.str(t.Default)
		case *schema.Fixed:
			seen[s] = len(seen)
			e.byte(tagFixed)
			e.named(&t.Named)
			e.int(t.Size)
		case *schema.Record:
			seen[s] = len(seen)
			e.byte(tagRecord)
			e.named(&t.Named)
			e.bool(t.IsError)
			e.int(len(t.Fields))
			for _, fl := range t.Fields {
				e.str(fl.Name)
				e.strs(fl.Aliases)
				e.bool(fl.HasDefault)
				walk(fl.Type)
			}
		}
	}
	walk(root)
	return f.sum(e.b)
}
