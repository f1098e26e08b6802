package compat

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"gitlab.com/acme/avroctl/gen/schema"
)

// Check reports whether reader can decode every datum written with writer.
// It reproduces Java 1.12's SchemaCompatibility.checkReaderWriterCompatibility:
// the same verdict and the same incompatibilities, in the same order, with
// the same locations and messages, quirks included (see checker).
func Check(reader, writer schema.Schema) Result {
	res := checkPair(reader, writer, ReaderWriter, -1)
	annotate(res.Incompatibilities, rolesFor(ReaderWriter))
	return res
}

// checkPair runs one reader/writer comparison and tags what it finds.
func checkPair(reader, writer schema.Schema, dir Direction, prev int) (res Result) {
	return checkPrepared(nil, reader, writer, nil, nil, dir, prev)
}

// checkPrepared is checkPair with the fingerprints of both sides, when
// they were prepared (nil otherwise), on c's scratch space when c is not
// nil (a level check runs many comparisons).
func checkPrepared(c *checker, reader, writer schema.Schema, rp, wp *Prepared, dir Direction, prev int) (res Result) {
	if reader == nil || writer == nil {
		return Result{Err: errors.New("compat: missing reader or writer schema")}
	}
	if c == nil {
		c = &checker{}
	} else {
		c.reset()
	}
	if rp != nil && wp != nil {
		c.rinfo, c.winfo = rp.nodes, wp.nodes
		c.rp, c.wp = rp, wp
	}
	defer func() {
		// Java throws from lookupWriterField when a reader field and its
		// aliases match several writer fields; Confluent turns the exception
		// into a failed check. A panic here is only ever that case.
		if p := recover(); p != nil {
			ae, ok := p.(ambiguousField)
			if !ok {
				panic(p)
			}
			res = Result{Compatible: false, Err: ae}
		}
	}()
	r := c.compat("", reader, writer)
	if !r.incompatible && len(r.list) == 0 {
		// The common case, without allocating (an empty, non-nil list, as
		// always).
		return Result{Compatible: true, Incompatibilities: []Incompatibility{}}
	}
	// Locations are rendered only for what is reported: union probes create
	// many incompatibilities that are thrown away.
	list := make([]Incompatibility, len(r.list))
	copy(list, r.list)
	for i := range list {
		list[i].Location = pointer(list[i].locTokens)
		list[i].locTokens = nil
	}
	list = dedupe(list)
	for i := range list {
		list[i].Direction = dir
		list[i].Previous = prev
		list[i].Source = list[i].ReaderPos
		if dir == OldReadsNew || !list[i].Source.IsValid() {
			list[i].Source = list[i].WriterPos
		}
		if dir == OldReadsNew && !list[i].Source.IsValid() {
			list[i].Source = list[i].ReaderPos
		}
	}
	return Result{Compatible: !r.incompatible, Incompatibilities: list}
}

// ambiguousField is Java's "Reader record field %s matches multiple fields
// in writer record schema %s" failure.
type ambiguousField struct {
	field  *schema.Field
	pos    int
	writer *schema.Record
}

func (e ambiguousField) Error() string {
	return fmt.Sprintf("reader record field %q matches multiple fields in writer record %s (by name and aliases)", e.field.Name, e.writer.FullName())
}

// javaMessage is the AvroRuntimeException message Java builds, with Java's
// Field.toString ("name type:TYPE pos:N") and the writer's compact JSON.
func (e ambiguousField) javaMessage() string {
	return fmt.Sprintf("Reader record field %s type:%s pos:%d matches multiple fields in writer record schema %s",
		e.field.Name, javaType(e.field.Type), e.pos, schema.Marshal(e.writer))
}

// outcome is Java's SchemaCompatibilityResult: a verdict plus the
// incompatibilities that led to it. "Recursion in progress" is a memo state,
// never an outcome.
type outcome struct {
	incompatible bool
	list         []Incompatibility
}

// merge is Java's mergedWith: incompatible if either is, lists concatenated.
func (o outcome) merge(p outcome) outcome {
	if !p.incompatible && len(p.list) == 0 {
		return o
	}
	list := make([]Incompatibility, 0, len(o.list)+len(p.list))
	list = append(list, o.list...)
	list = append(list, p.list...)
	return outcome{o.incompatible || p.incompatible, list}
}

// memo states for a reader/writer pair.
type memoEntry struct {
	done bool
	out  outcome
}

type pairKey struct{ r, w schema.Schema }

// checker is Java's ReaderWriterCompatibilityChecker. Its quirks matter
// because they decide which locations are reported:
//
//   - results are memoized per (reader, writer) pair of nodes, so a pair met
//     again reports the incompatibilities (and locations) of its first visit;
//   - a pair met again while it is still being checked (recursive types) is
//     taken as compatible;
//   - when the writer is a union of the same type, and when the reader is a
//     union and the writer is not, each branch is checked on a fresh location
//     stack, so memoized results from there carry locations relative to the
//     branch.
//
// Java keys the memo on object identity. Named types are shared objects in
// both Java and the Go model; every other node is a distinct object per
// occurrence in Java, so a pair of them is never met twice there. Keying the
// memo only on pairs of named types gives the same results whatever the
// parser shares, and still stops recursion, since every cycle runs through
// records.
type checker struct {
	// small is the memo while it has few entries, the common case (a
	// linear scan beats hashing two interfaces); memo takes over beyond.
	small  []memoSlot
	memo   map[pairKey]memoEntry
	useMap bool
	// rinfo and winfo are the fingerprints of the reader's and the writer's
	// nodes when both were prepared (see nodeInfo), else nil; rp and wp the
	// prepared schemas, whose roots are looked up without hashing.
	rinfo, winfo map[schema.Schema]*nodeInfo
	rp, wp       *Prepared
	// skipped counts the pairs taken as compatible by fingerprint, for tests.
	skipped int
	// loc is the location stack; loc[0] is the root token.
	loc []string
	// spare holds location stacks for reuse by fresh.
	spare [][]string
	// rpos and wpos are the nearest known source positions on each side.
	rpos, wpos schema.Position
}

type memoSlot struct {
	key pairKey
	e   memoEntry
}

// smallMemo is how many entries the memo keeps in a slice.
const smallMemo = 8

func (c *checker) memoGet(k pairKey) (memoEntry, bool) {
	if c.useMap {
		e, ok := c.memo[k]
		return e, ok
	}
	for i := range c.small {
		if c.small[i].key == k {
			return c.small[i].e, true
		}
	}
	return memoEntry{}, false
}

func (c *checker) memoSet(k pairKey, e memoEntry) {
	if c.useMap {
		c.memo[k] = e
		return
	}
	for i := range c.small {
		if c.small[i].key == k {
			c.small[i].e = e
			return
		}
	}
	if len(c.small) < smallMemo {
		c.small = append(c.small, memoSlot{k, e})
		return
	}
	if c.memo == nil {
		c.memo = make(map[pairKey]memoEntry, 2*smallMemo)
	}
	c.useMap = true
	for _, s := range c.small {
		c.memo[s.key] = s.e
	}
	c.memo[k] = e
}

// info returns the prepared data of a node of the reader, or of the
// writer when writerSide is set; nil when there is none.
func (c *checker) info(s schema.Schema, writerSide bool) *nodeInfo {
	p, m := c.rp, c.rinfo
	if writerSide {
		p, m = c.wp, c.winfo
	}
	if m == nil {
		return nil
	}
	if p != nil && s == p.Schema {
		return p.root
	}
	return m[s]
}

// reset makes c ready for another comparison, keeping its allocations.
func (c *checker) reset() {
	c.small = c.small[:0]
	clear(c.memo) // kept for the next comparison that needs it
	c.useMap = false
	c.loc = c.loc[:0]
	c.rinfo, c.winfo = nil, nil
	c.rp, c.wp = nil, nil
	c.skipped = 0
	c.rpos, c.wpos = schema.Position{}, schema.Position{}
}

// compat is Java's getCompatibility(referenceToken, reader, writer, location).
func (c *checker) compat(token string, reader, writer schema.Schema) outcome {
	if c.rinfo != nil {
		// Equal prepared sub-schemas: compatible, nothing to report, nothing
		// the rest of the check could see (see nodeInfo).
		if ri := c.info(reader, false); ri != nil && ri.same {
			if wi := c.info(writer, true); wi != nil && wi.same && wi.fp == ri.fp {
				c.skipped++
				return outcome{}
			}
		}
	}
	c.loc = append(c.loc, token)
	savedR, savedW := c.rpos, c.wpos
	if p := schema.PosOf(reader); p.IsValid() {
		c.rpos = p
	}
	if p := schema.PosOf(writer); p.IsValid() {
		c.wpos = p
	}
	var out outcome
	if isNamed(reader) && isNamed(writer) {
		key := pairKey{reader, writer}
		if e, ok := c.memoGet(key); ok {
			if e.done {
				out = e.out
			}
			// In progress: compatible unless proven otherwise.
		} else {
			c.memoSet(key, memoEntry{}) // in progress
			out = c.calculate(reader, writer)
			c.memoSet(key, memoEntry{done: true, out: out})
		}
	} else {
		out = c.calculate(reader, writer)
	}
	c.rpos, c.wpos = savedR, savedW
	c.loc = c.loc[:len(c.loc)-1]
	return out
}

// fresh is Java's two-argument getCompatibility(reader, writer): a check on
// a new location stack, sharing the memo.
func (c *checker) fresh(reader, writer schema.Schema) outcome {
	saved := c.loc
	if n := len(c.spare); n > 0 {
		c.loc, c.spare = c.spare[n-1][:0], c.spare[:n-1]
	} else {
		c.loc = make([]string, 0, 16)
	}
	out := c.compat("", reader, writer)
	c.spare = append(c.spare, c.loc)
	c.loc = saved
	return out
}

func (c *checker) calculate(reader, writer schema.Schema) outcome {
	var out outcome
	rt, wt := kind(reader), kind(writer)
	if rt == wt {
		switch rt {
		case schema.Null, schema.Boolean, schema.Int, schema.Long, schema.Float,
			schema.Double, schema.Bytes, schema.String:
			return out
		case schema.ArrayType:
			return c.compat("items", reader.(*schema.Array).Items, writer.(*schema.Array).Items)
		case schema.MapType:
			return c.compat("values", reader.(*schema.Map).Values, writer.(*schema.Map).Values)
		case schema.FixedType:
			out = out.merge(c.checkNames(reader, writer))
			return out.merge(c.checkFixedSize(reader.(*schema.Fixed), writer.(*schema.Fixed)))
		case schema.EnumType:
			out = out.merge(c.checkNames(reader, writer))
			return out.merge(c.checkEnumSymbols(reader.(*schema.Enum), writer.(*schema.Enum)))
		case schema.RecordType:
			out = out.merge(c.checkNames(reader, writer))
			return out.merge(c.checkRecordFields(reader.(*schema.Record), writer.(*schema.Record)))
		case schema.UnionType:
			// Every branch of the writer union must be readable.
			for i, wb := range writer.(*schema.Union).Branches {
				c.loc = append(c.loc, itoa(i))
				if c.fresh(reader, wb).incompatible {
					msg := "reader union lacking writer type: " + javaType(wb)
					out = out.merge(c.incompatible(MissingUnionBranch, reader, writer, msg, reader, wb, nil))
				}
				c.loc = c.loc[:len(c.loc)-1]
			}
			return out
		}
		panic("unreachable: unknown schema type " + rt.String())
	}

	// Different types. A reader must read every branch of a writer union.
	if wu, ok := writer.(*schema.Union); ok {
		for i, wb := range wu.Branches {
			out = out.merge(c.compat(itoa(i), reader, wb))
		}
		return out
	}
	switch rt {
	case schema.Long:
		if wt == schema.Int {
			return out
		}
	case schema.Float:
		if wt == schema.Int || wt == schema.Long {
			return out
		}
	case schema.Double:
		if wt == schema.Int || wt == schema.Long || wt == schema.Float {
			return out
		}
	case schema.Bytes:
		if wt == schema.String {
			return out
		}
	case schema.String:
		if wt == schema.Bytes {
			return out
		}
	case schema.UnionType:
		// Some branch of the reader union must read the writer.
		for _, rb := range reader.(*schema.Union).Branches {
			if ok, known := quickVerdict(rb, writer); known {
				if ok {
					return out
				}
				continue
			}
			if !c.fresh(rb, writer).incompatible {
				return out
			}
		}
		msg := "reader union lacking writer type: " + javaType(writer)
		return out.merge(c.incompatible(MissingUnionBranch, reader, writer, msg, reader, writer, nil))
	}
	return out.merge(c.typeMismatch(reader, writer))
}

func (c *checker) checkRecordFields(reader, writer *schema.Record) outcome {
	var out outcome
	c.loc = append(c.loc, "fields")
	savedR, savedW := c.rpos, c.wpos
	var ri, wi *nodeInfo
	if c.rinfo != nil {
		ri, wi = c.info(reader, false), c.info(writer, true)
	}
	writerFields := c.fieldIndex(writer, wi)
	// Fields in the same place with the same name and the same prepared
	// type, the bulk of any evolution, are compared by one fingerprint
	// each: with no aliases on the reader field and unique names in the
	// writer, the writer field found by name is the one in the same place,
	// and its type reads (see nodeInfo).
	prepared := ri != nil && wi != nil && ri.types != nil && wi.types != nil
	fast := prepared && wi.unique
	start := 0
	if fast {
		// The leading fields both records share, in one binary search of
		// their prefix chains.
		start = commonLead(ri, wi)
		c.skipped += start
	}
	for i := start; i < len(reader.Fields); i++ {
		if prepared {
			// Decided from the records' compact data alone, without
			// reading the field: the same field in the same place, or a
			// field with a default that the writer cannot have (nothing to
			// report).
			fl := ri.flags[i]
			if fast && i < len(wi.named) && fl&(flagSame|flagPlain) == flagSame|flagPlain && ri.named[i] == wi.named[i] {
				c.skipped++
				continue
			}
			if fl&(flagPlain|flagDefault) == flagPlain|flagDefault && !wi.hasName(ri.nameHash[i]) {
				continue
			}
		}
		rf := reader.Fields[i]
		j := -1
		if !prepared || len(rf.Aliases) > 0 || wi.hasName(ri.nameHash[i]) {
			j = lookupWriterField(writer, writerFields, rf, i)
		}
		if j >= 0 && sameField(ri, i, wi, j, rf.Type, writer.Fields[j].Type) {
			continue
		}
		c.loc = append(c.loc, itoa(i))
		if rf.Pos.IsValid() {
			c.rpos = rf.Pos
		} else {
			c.rpos = savedR
		}
		c.wpos = savedW
		var wf *schema.Field
		if j >= 0 {
			wf = writer.Fields[j]
		}
		if wf == nil {
			if !rf.HasDefault {
				if e, ok := rf.Type.(*schema.Enum); ok && e.HasDefault {
					// Java compares the reader field's enum with the writer
					// record itself here, which always reports a
					// TYPE_MISMATCH; kept for fidelity.
					q := c.compat("type", rf.Type, writer)
					if q.incompatible {
						// Mark the finding so that it can be explained as the
						// missing default it really is.
						list := append([]Incompatibility(nil), q.list...)
						for i := range list {
							if list[i].ReaderFragment == rf.Type && list[i].WriterFragment == schema.Schema(writer) {
								list[i].Field = rf
							}
						}
						q.list = list
					}
					out = out.merge(q)
				} else {
					out = out.merge(c.incompatible(ReaderFieldMissingDefaultValue, reader, writer, rf.Name, reader, writer, rf))
				}
			}
		} else {
			if wf.Pos.IsValid() {
				c.wpos = wf.Pos
			}
			out = out.merge(c.compat("type", rf.Type, wf.Type))
		}
		c.loc = c.loc[:len(c.loc)-1]
	}
	c.rpos, c.wpos = savedR, savedW
	c.loc = c.loc[:len(c.loc)-1]
	return out
}

// sameField reports, without running the checker, that a reader field's
// type reads its writer field's type and that checking them would leave
// nothing behind: two equal primitives or a primitive promotion (the
// checker returns at once there), or two prepared types with the same
// fingerprint (see nodeInfo). ri and wi are the records' prepared
// data, or nil.
func sameField(ri *nodeInfo, i int, wi *nodeInfo, j int, rt, wt schema.Schema) bool {
	if ri != nil && wi != nil && ri.types != nil && wi.types != nil {
		if a, b := &ri.types[i], &wi.types[j]; a.same && b.same && a.fp == b.fp {
			return true
		}
	}
	if rp, ok := rt.(*schema.Primitive); ok {
		if wp, ok := wt.(*schema.Primitive); ok {
			return rp.T == wp.T || promotes(rp.T, wp.T)
		}
	}
	return false
}

// fieldIndex returns the writer's field positions by name (the first of
// each name, as FieldIndex), from its prepared data when it has them, or
// nil when the record is small enough for a linear scan (fieldIndexMin).
func (c *checker) fieldIndex(writer *schema.Record, wi *nodeInfo) map[string]int {
	if wi != nil && wi.fields != nil {
		return wi.fields
	}
	if len(writer.Fields) < fieldIndexMin {
		return nil
	}
	return fieldPositions(writer)
}

// fieldPositions is FieldIndex with positions.
func fieldPositions(r *schema.Record) map[string]int {
	idx := make(map[string]int, len(r.Fields))
	for i, f := range r.Fields {
		if _, ok := idx[f.Name]; !ok {
			idx[f.Name] = i
		}
	}
	return idx
}

// fieldNamed is a FieldIndex lookup: in fields when there is an index,
// else the first of writer's fields called name; -1 when there is none.
func fieldNamed(writer *schema.Record, fields map[string]int, name string) int {
	if fields != nil {
		if i, ok := fields[name]; ok {
			return i
		}
		return -1
	}
	for i, f := range writer.Fields {
		if f.Name == name {
			return i
		}
	}
	return -1
}

// lookupWriterField finds the writer field for a reader field by its name
// or one of its aliases (only the reader's aliases count), in fields, the
// writer's field positions (nil: scan writer's fields). It returns the
// field's position, or -1.
func lookupWriterField(writer *schema.Record, fields map[string]int, rf *schema.Field, pos int) int {
	found := -1
	n := 0
	if i := fieldNamed(writer, fields, rf.Name); i >= 0 {
		found, n = i, 1
	}
	for _, a := range rf.Aliases {
		if i := fieldNamed(writer, fields, a); i >= 0 {
			found = i
			n++
		}
	}
	if n > 1 {
		panic(ambiguousField{rf, pos, writer})
	}
	return found
}

func (c *checker) checkEnumSymbols(reader, writer *schema.Enum) outcome {
	c.loc = append(c.loc, "symbols")
	defer func() { c.loc = c.loc[:len(c.loc)-1] }()
	var missing []string
	for i, s := range writer.Symbols {
		if reader.SymbolIndex(s) < 0 && !contains(writer.Symbols[:i], s) {
			missing = append(missing, s)
		}
	}
	if len(missing) == 0 {
		return outcome{}
	}
	if reader.HasDefault && reader.SymbolIndex(reader.Default) >= 0 {
		return outcome{}
	}
	// Java prints a TreeSet: sorted by UTF-16 code units, "[A, B]".
	sort.Slice(missing, func(i, j int) bool { return utf16Less(missing[i], missing[j]) })
	msg := "[" + strings.Join(missing, ", ") + "]"
	return c.incompatible(MissingEnumSymbols, reader, writer, msg, reader, writer, nil)
}

func (c *checker) checkFixedSize(reader, writer *schema.Fixed) outcome {
	c.loc = append(c.loc, "size")
	defer func() { c.loc = c.loc[:len(c.loc)-1] }()
	if reader.Size == writer.Size {
		return outcome{}
	}
	msg := fmt.Sprintf("expected: %d, found: %d", writer.Size, reader.Size)
	return c.incompatible(FixedSizeMismatch, reader, writer, msg, reader, writer, nil)
}

func (c *checker) checkNames(reader, writer schema.Schema) outcome {
	c.loc = append(c.loc, "name")
	defer func() { c.loc = c.loc[:len(c.loc)-1] }()
	if nameEquals(reader.(schema.NamedSchema).Names(), writer.(schema.NamedSchema).Names()) {
		return outcome{}
	}
	msg := "expected: " + writer.(schema.NamedSchema).Names().FullName()
	return c.incompatible(NameMismatch, reader, writer, msg, reader, writer, nil)
}

// nameEquals is Java's schemaNameEquals: simple names are compared, so a
// namespace change alone is compatible; otherwise one of the reader's
// aliases (full names) must be the writer's full name.
func nameEquals(reader, writer *schema.Named) bool {
	if reader.Name == writer.Name {
		return true
	}
	full := writer.FullName()
	for _, a := range reader.Aliases {
		if a == full {
			return true
		}
	}
	return false
}

func (c *checker) typeMismatch(reader, writer schema.Schema) outcome {
	msg := "reader type: " + javaType(reader) + " not compatible with writer type: " + javaType(writer)
	return c.incompatible(TypeMismatch, reader, writer, msg, reader, writer, nil)
}

// incompatible records one incompatibility at the current location.
func (c *checker) incompatible(t Type, reader, writer schema.Schema, msg string, rfrag, wfrag schema.Schema, f *schema.Field) outcome {
	in := Incompatibility{
		Type:           t,
		locTokens:      append([]string(nil), c.loc...),
		Message:        msg,
		ReaderPos:      c.rpos,
		WriterPos:      c.wpos,
		ReaderFragment: rfrag,
		WriterFragment: wfrag,
		Field:          f,
	}
	if f != nil && f.Pos.IsValid() {
		in.ReaderPos = f.Pos
	}
	return outcome{incompatible: true, list: []Incompatibility{in}}
}

// pointer is Java's Incompatibility.getLocation: the tokens after the root,
// JSON-pointer escaped, joined by "/".
func pointer(loc []string) string {
	var b strings.Builder
	b.WriteByte('/')
	for i, t := range loc {
		if i == 0 {
			continue
		}
		if i > 1 {
			b.WriteByte('/')
		}
		if strings.ContainsAny(t, "~/") {
			t = strings.ReplaceAll(strings.ReplaceAll(t, "~", "~0"), "/", "~1")
		}
		b.WriteString(t)
	}
	return b.String()
}

// smallInts are the location tokens of the first field and branch indexes,
// so that locations cost no allocation per step.
var smallInts = func() (out [256]string) {
	for i := range out {
		out[i] = strconv.Itoa(i)
	}
	return
}()

func itoa(i int) string {
	if i < len(smallInts) {
		return smallInts[i]
	}
	return strconv.Itoa(i)
}

// quickVerdict decides a union probe without running the checker when the
// pair can leave nothing behind (no memo entry: not two named types, no
// recursion): two primitives, or two types of different kinds where
// neither is a union. Java builds and throws away an incompatibility there.
func quickVerdict(reader, writer schema.Schema) (compatible, known bool) {
	rt, wt := kind(reader), kind(writer)
	if rt == schema.UnionType || wt == schema.UnionType {
		return false, false
	}
	if rt.IsPrimitive() && wt.IsPrimitive() {
		return rt == wt || promotes(rt, wt), true
	}
	if rt != wt && !(rt.IsNamed() && wt.IsNamed()) {
		return false, true
	}
	return false, false
}

// promotes reports whether a reader of primitive type r reads a writer of
// primitive type w of another type (Java's promotions, as calculate has
// them).
func promotes(r, w schema.Type) bool {
	switch r {
	case schema.Long:
		return w == schema.Int
	case schema.Float:
		return w == schema.Int || w == schema.Long
	case schema.Double:
		return w == schema.Int || w == schema.Long || w == schema.Float
	case schema.Bytes:
		return w == schema.String
	case schema.String:
		return w == schema.Bytes
	}
	return false
}

// kind is the Java type of s: an error is a RECORD there.
func kind(s schema.Schema) schema.Type {
	t := s.Type()
	if t == schema.ErrorType {
		return schema.RecordType
	}
	return t
}

// javaType spells a type as Java's Schema.Type enum prints ("INT", "RECORD").
func javaType(s schema.Schema) string {
	return strings.ToUpper(kind(s).String())
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func isNamed(s schema.Schema) bool {
	_, ok := s.(schema.NamedSchema)
	return ok
}

// utf16Less orders strings as Java's String.compareTo does.
func utf16Less(a, b string) bool {
	ra, rb := []rune(a), []rune(b)
	for i := 0; i < len(ra) && i < len(rb); i++ {
		if ra[i] != rb[i] {
			ua, ub := utf16Unit(ra[i]), utf16Unit(rb[i])
			if ua != ub {
				return ua < ub
			}
			return ra[i] < rb[i]
		}
	}
	return len(ra) < len(rb)
}

// utf16Unit is the first UTF-16 code unit of r.
func utf16Unit(r rune) rune {
	if r >= 0x10000 {
		return 0xD800 + ((r - 0x10000) >> 10)
	}
	return r
}
