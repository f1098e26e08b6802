package avro

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync"
)

// Schema resolution (Avro specification, "Schema Resolution") works by
// transcoding: a plan, built once per (writer schema, reader schema) pair,
// reads the writer's bytes and appends the same datum encoded with the
// reader's schema; the generated same-schema decoder then reads that. This
// keeps all resolution logic here, in one tested place, instead of in every
// generated type, and costs one extra pass over bytes that are already in
// cache. Defaults for reader fields the writer lacks are encoded once, when
// the plan is built.

// Unmarshaler is implemented by generated records.
type Unmarshaler interface {
	UnmarshalAvro(b []byte) error
}

// Resolver resolves writer schemas against one reader schema (a generated
// type's own schema). It is safe for concurrent use; plans are cached by
// the SHA-256 of the writer's Parsing Canonical Form (never by its CRC-64,
// which anyone can forge; see WriterSchema).
type Resolver struct {
	readerJSON string
	once       sync.Once
	reader     *WriterSchema
	readerErr  error
	plans      sync.Map // [sha256.Size]byte canonical digest -> *planResult
}

type planResult struct {
	op  op
	err error
}

// NewResolver returns a Resolver for the reader schema JSON. Parsing is
// deferred to first use so that package initialisation stays cheap.
func NewResolver(readerJSON string) *Resolver { return &Resolver{readerJSON: readerJSON} }

// transcodeState is the per-call scratch of Unmarshal, pooled.
type transcodeState struct {
	d   Decoder
	buf []byte
}

var statePool = sync.Pool{New: func() any { return &transcodeState{buf: make([]byte, 0, 512)} }}

// Unmarshal decodes b, written with w, into into.
func (r *Resolver) Unmarshal(w *WriterSchema, b []byte, into Unmarshaler) error {
	op, err := r.Plan(w)
	if err != nil {
		return err
	}
	if op == nil { // same schema
		return into.UnmarshalAvro(b)
	}
	// The decoder lives in the pooled state: plan ops are called through
	// func values, so a stack Decoder would escape and cost an allocation.
	st := statePool.Get().(*transcodeState)
	st.d = NewDecoder(b)
	out := op(&st.d, st.buf[:0])
	if err = st.d.Finish(); err == nil {
		err = into.UnmarshalAvro(out)
	}
	st.d = Decoder{}
	if cap(out) <= 1<<20 { // do not pin huge buffers in the pool
		st.buf = out[:0]
		statePool.Put(st)
	}
	return err
}

// Plan returns the transcoding plan for data written with w, or nil when w
// has the reader's own canonical form (no resolution needed).
func (r *Resolver) Plan(w *WriterSchema) (func(d *Decoder, dst []byte) []byte, error) {
	r.once.Do(func() { r.reader, r.readerErr = ParseWriterSchema(r.readerJSON) })
	if r.readerErr != nil {
		return nil, r.readerErr
	}
	if w == nil {
		return nil, fmt.Errorf("avro: nil writer schema")
	}
	if w.canon == r.reader.canon {
		return nil, nil
	}
	// The writer schema caches its plan per resolver: a pointer key does
	// not allocate, where boxing the digest would.
	if v, ok := w.plans.Load(r); ok {
		p := v.(*planResult)
		return p.op, p.err
	}
	var p *planResult
	if v, ok := r.plans.Load(w.canon); ok {
		p = v.(*planResult)
	} else {
		b := &planBuilder{memo: map[[2]*node]*op{}, skipMemo: map[*node]*op{}}
		b.aliases, b.fieldAliases = readerAliases(r.reader.root)
		o, err := b.resolve(w.root, r.reader.root, "")
		v, _ := r.plans.LoadOrStore(w.canon, &planResult{op: o, err: err})
		p = v.(*planResult)
	}
	w.plans.Store(r, p)
	return p.op, p.err
}

// op reads one writer value from d and appends the reader encoding to dst.
type op = func(d *Decoder, dst []byte) []byte

type planBuilder struct {
	memo     map[[2]*node]*op // for recursive records
	skipMemo map[*node]*op
	// aliases maps a reader type alias (a full name) to the reader type's
	// full name; fieldAliases maps a reader record's full name to its field
	// aliases (see resolve_match.go).
	aliases      map[string]string
	fieldAliases map[string]map[string]string
	// javaDefaults makes the builder record in javaErr the first reader
	// default Java's reader cannot encode (JavaDefaultError).
	javaDefaults bool
	javaErr      error
	// javaCollection is the first collection Java's size guard can refuse
	// (JavaCollectionError).
	javaCollection error
}

// ResolutionError says why a writer schema cannot be read with the reader.
type ResolutionError struct {
	Path string
	Msg  string
}

func (e *ResolutionError) Error() string {
	if e.Path == "" {
		return "avro: cannot resolve writer schema: " + e.Msg
	}
	return "avro: cannot resolve writer schema at " + e.Path + ": " + e.Msg
}

func mismatch(path string, w, r *node) error {
	return &ResolutionError{Path: path, Msg: fmt.Sprintf("writer type %s cannot be read as %s", describe(w), describe(r))}
}

func describe(n *node) string {
	if n.name != "" {
		return n.kind.String() + " " + n.name
	}
	return n.kind.String()
}

func (b *planBuilder) resolve(w, r *node, path string) (op, error) {
	// The order of the cases is Java's Resolver.resolve.
	if w.kind == kUnion {
		return b.resolveWriterUnion(w, r, path)
	}
	if w.kind == r.kind {
		switch w.kind {
		case kRecord:
			return b.resolveRecord(w, r, path)
		case kEnum:
			if !b.simpleNamesMatch(w, r) {
				return nil, mismatch(path, w, r)
			}
			return resolveEnum(w, r, path)
		case kFixed:
			if !b.simpleNamesMatch(w, r) || w.size != r.size {
				return nil, mismatch(path, w, r)
			}
			size := w.size
			return func(d *Decoder, dst []byte) []byte { return append(dst, d.FixedNoCopy(size)...) }, nil
		case kArray:
			// Like Java, an unresolvable item type fails only when an item
			// is read: an empty array still reads.
			item, err := b.resolve(w.items, r.items, path+"[]")
			if err != nil {
				item = failOp(err)
			}
			b.checkJavaCollection(path, w.items, r.items, false)
			return blocks(item, false, minWriterSize(w.items)), nil
		case kMap:
			val, err := b.resolve(w.items, r.items, path+"{}")
			if err != nil {
				val = failOp(err)
			}
			b.checkJavaCollection(path, w.items, r.items, true)
			return blocks(val, true, 1+minWriterSize(w.items)), nil
		}
		return resolvePrimitive(w, r, path)
	}
	if r.kind == kUnion {
		return b.resolveToUnion(w, r, path)
	}
	return resolvePrimitive(w, r, path)
}

// failOp is the op of a resolution error that Java reports lazily: it
// fails when a value reaches it.
func failOp(err error) op {
	return func(d *Decoder, dst []byte) []byte {
		d.Fail(err)
		d.off = len(d.buf) // stop reading, as failAt does
		return dst
	}
}

// resolveWriterUnion resolves each writer branch (lazily: only a branch
// that is actually written and cannot be resolved fails). Against an
// equivalent reader union, branch i is read as reader branch i.
func (b *planBuilder) resolveWriterUnion(w, r *node, path string) (op, error) {
	equiv := r.kind == kUnion && b.unionEquiv(w, r, map[[2]*node]bool{})
	ops := make([]op, len(w.branches))
	errs := make([]error, len(w.branches))
	for i, wb := range w.branches {
		if !equiv {
			ops[i], errs[i] = b.resolve(wb, r, path)
			continue
		}
		inner, err := b.resolve(wb, r.branches[i], path)
		if err != nil {
			errs[i] = err
			continue
		}
		idx := int64(i)
		ops[i] = func(d *Decoder, dst []byte) []byte { return inner(d, AppendLong(dst, idx)) }
	}
	return func(d *Decoder, dst []byte) []byte {
		i := d.UnionIndex(len(ops))
		if d.err != nil {
			return dst
		}
		if errs[i] != nil {
			d.Fail(errs[i])
			return dst
		}
		return ops[i](d, dst)
	}, nil
}

// minWriterSize is the fewest bytes one writer value can take.
func minWriterSize(n *node) int { return minSize(n, map[*node]bool{}) }

func minSize(n *node, visiting map[*node]bool) int {
	switch n.kind {
	case kNull:
		return 0
	case kFloat:
		return 4
	case kDouble:
		return 8
	case kFixed:
		return n.size
	case kRecord:
		if visiting[n] {
			return 0 // a record inside itself: stay conservative
		}
		visiting[n] = true
		size := 0
		for _, f := range n.fields {
			size += minSize(f.typ, visiting)
		}
		delete(visiting, n)
		return size
	}
	return 1 // the rest, and the count or index arrays, maps and unions start with
}

// blocks transcodes an array (or map) block by block.
func blocks(item op, isMap bool, minSize int) op {
	return func(d *Decoder, dst []byte) []byte {
		for n := d.BlockCount(minSize); n > 0; n = d.BlockCount(minSize) {
			dst = AppendLong(dst, int64(n))
			for ; n > 0 && d.err == nil; n-- {
				if isMap {
					dst = AppendBytes(dst, d.BytesNoCopy())
				}
				dst = item(d, dst)
			}
		}
		return append(dst, 0)
	}
}

func resolvePrimitive(w, r *node, path string) (op, error) {
	switch {
	case w.kind == r.kind:
		switch w.kind {
		case kNull:
			return func(d *Decoder, dst []byte) []byte { return dst }, nil
		case kBoolean:
			return func(d *Decoder, dst []byte) []byte { return AppendBool(dst, d.Bool()) }, nil
		case kInt, kLong:
			// Zig-zag varints of an int and a long are the same bytes.
			return func(d *Decoder, dst []byte) []byte { return AppendLong(dst, d.Long()) }, nil
		case kFloat:
			return func(d *Decoder, dst []byte) []byte { return append(dst, d.FixedNoCopy(4)...) }, nil
		case kDouble:
			return func(d *Decoder, dst []byte) []byte { return append(dst, d.FixedNoCopy(8)...) }, nil
		case kBytes, kString:
			return copyBytes, nil
		}
	case w.kind == kInt && r.kind == kLong:
		return func(d *Decoder, dst []byte) []byte { return AppendLong(dst, int64(d.Int())) }, nil
	case w.kind == kInt && r.kind == kFloat:
		return func(d *Decoder, dst []byte) []byte { return AppendFloat(dst, float32(d.Int())) }, nil
	case w.kind == kInt && r.kind == kDouble:
		return func(d *Decoder, dst []byte) []byte { return AppendDouble(dst, float64(d.Int())) }, nil
	case w.kind == kLong && r.kind == kFloat:
		return func(d *Decoder, dst []byte) []byte { return AppendFloat(dst, float32(d.Long())) }, nil
	case w.kind == kLong && r.kind == kDouble:
		return func(d *Decoder, dst []byte) []byte { return AppendDouble(dst, float64(d.Long())) }, nil
	case w.kind == kFloat && r.kind == kDouble:
		return func(d *Decoder, dst []byte) []byte { return AppendDouble(dst, float64(d.Float())) }, nil
	case w.kind == kString && r.kind == kBytes, w.kind == kBytes && r.kind == kString:
		return copyBytes, nil
	}
	return nil, mismatch(path, w, r)
}

func copyBytes(d *Decoder, dst []byte) []byte { return AppendBytes(dst, d.BytesNoCopy()) }

// resolveToUnion reads a non-union writer type as the reader union branch
// Java's firstMatchingBranch picks.
func (b *planBuilder) resolveToUnion(w, r *node, path string) (op, error) {
	j := b.firstMatchingBranch(w, r, map[[2]*node]bool{})
	if j < 0 {
		return nil, &ResolutionError{Path: path, Msg: fmt.Sprintf("writer type %s matches no branch of the reader union", describe(w))}
	}
	inner, err := b.resolve(w, r.branches[j], path)
	if err != nil {
		return nil, err
	}
	idx := int64(j)
	return func(d *Decoder, dst []byte) []byte { return inner(d, AppendLong(dst, idx)) }, nil
}

func resolveEnum(w, r *node, path string) (op, error) {
	table := make([]int32, len(w.symbols))
	defIdx := -1
	if r.hasDef {
		for j, s := range r.symbols {
			if s == r.enumDef {
				defIdx = j
			}
		}
	}
	var unknown []string
	for i, s := range w.symbols {
		table[i] = -1
		for j, rs := range r.symbols {
			if rs == s {
				table[i] = int32(j)
			}
		}
		if table[i] < 0 {
			if defIdx >= 0 {
				table[i] = int32(defIdx)
			} else {
				unknown = append(unknown, s)
			}
		}
	}
	return func(d *Decoder, dst []byte) []byte {
		start := d.off
		i := d.EnumIndex(len(table))
		if d.err != nil {
			return dst
		}
		if table[i] < 0 {
			d.failAt(start, fmt.Sprintf("%s: writer symbol %s is not in the reader enum %s, which has no default", path, Quote(w.symbols[i]), r.name), nil)
			return dst
		}
		return AppendInt(dst, table[i])
	}, nil
}

// recordStep is one step of a record plan, in writer field order.
type recordStep struct {
	read    op  // transcode a matched writer field (nil: skip it)
	skip    op  // skip an unmatched writer field
	raw     op  // for a field whose encoding is the same for both: skip it, then copy its bytes
	readerI int // reader field index for read
}

// identical reports whether values of w are encoded exactly as values of r,
// so they can be copied without re-encoding. in tracks record pairs being
// compared, which are assumed identical (recursion).
func (b *planBuilder) identical(w, r *node, in map[[2]*node]bool) bool {
	if w.kind != r.kind {
		return false
	}
	switch w.kind {
	case kEnum:
		// Names matter: a nested name mismatch is a lazy resolution error
		// (failOp) that a raw copy would skip.
		if len(w.symbols) != len(r.symbols) || !b.simpleNamesMatch(w, r) {
			return false
		}
		for i := range w.symbols {
			if w.symbols[i] != r.symbols[i] {
				return false
			}
		}
	case kFixed:
		return w.size == r.size && b.simpleNamesMatch(w, r)
	case kArray, kMap:
		return b.identical(w.items, r.items, in)
	case kUnion:
		// Branch indexes carry over only between equivalent unions; other
		// unions are matched branch by branch by name (resolveWriterUnion).
		if len(w.branches) != len(r.branches) || !b.unionEquiv(w, r, map[[2]*node]bool{}) {
			return false
		}
		for i := range w.branches {
			if !b.identical(w.branches[i], r.branches[i], in) {
				return false
			}
		}
	case kRecord:
		key := [2]*node{w, r}
		if in[key] {
			return true
		}
		if len(w.fields) != len(r.fields) {
			return false
		}
		in[key] = true
		for i, wf := range w.fields {
			if b.matchField(w, wf, r) != i || !b.identical(wf.typ, r.fields[i].typ, in) {
				return false
			}
		}
	}
	return true
}

func (b *planBuilder) resolveRecord(w, r *node, path string) (o op, err error) {
	key := [2]*node{w, r}
	if p, ok := b.memo[key]; ok {
		// A recursive reference: bound the depth, since a record that
		// requires itself recurses without consuming input.
		return func(d *Decoder, dst []byte) []byte {
			if !d.Enter() {
				return dst
			}
			dst = (*p)(d, dst)
			d.Leave()
			return dst
		}, nil
	}
	slot := new(op)
	b.memo[key] = slot
	defer func() {
		// Recursive references to this pair may already hold the slot,
		// and later ones find it in memo: an error must fail there too.
		if err != nil {
			*slot = failOp(err)
		}
	}()
	prefix := path
	if prefix != "" {
		prefix += "."
	}
	matched := make([]bool, len(r.fields))
	var steps []recordStep
	inOrder := true
	last := -1
	for _, wf := range w.fields {
		j := b.matchField(w, wf, r)
		if j < 0 {
			steps = append(steps, recordStep{skip: b.skipper(wf.typ), readerI: -1})
			continue
		}
		o, err := b.resolve(wf.typ, r.fields[j].typ, prefix+r.fields[j].name)
		if err != nil {
			return nil, err
		}
		matched[j] = true
		if j < last {
			inOrder = false
		}
		last = j
		st := recordStep{read: o, readerI: j}
		if b.identical(wf.typ, r.fields[j].typ, map[[2]*node]bool{}) {
			st.raw = b.skipper(wf.typ)
		}
		steps = append(steps, st)
	}
	defaults := make([][]byte, len(r.fields))
	for j, rf := range r.fields {
		if matched[j] {
			continue
		}
		if !rf.hasDef {
			return nil, &ResolutionError{Path: prefix + rf.name, Msg: "reader field is missing from the writer and has no default"}
		}
		enc, err := encodeDefault(nil, rf.typ, rf.def, new(int))
		if err != nil {
			return nil, &ResolutionError{Path: prefix + rf.name, Msg: "invalid default: " + err.Error()}
		}
		defaults[j] = enc
		b.checkJavaDefault(prefix+rf.name, rf)
	}
	var run op
	if inOrder {
		// Emit defaults for unmatched reader fields just before the next
		// matched one, so everything is written in reader order in one pass.
		type seqStep struct {
			pre  []byte
			step recordStep
			raw  []op // skippers of a run of identical fields
		}
		var seq []seqStep
		next := 0
		flushTo := func(j int) []byte {
			var pre []byte
			for ; next < j; next++ {
				if !matched[next] {
					pre = append(pre, defaults[next]...)
				}
			}
			return pre
		}
		for _, s := range steps {
			var pre []byte
			if s.read != nil {
				pre = flushTo(s.readerI)
				next = s.readerI + 1
			}
			// Runs of fields encoded identically on both sides are
			// scanned and copied as one span.
			if s.raw != nil && len(pre) == 0 && len(seq) > 0 && seq[len(seq)-1].raw != nil {
				last := &seq[len(seq)-1]
				last.raw = append(last.raw, s.raw)
				continue
			}
			ss := seqStep{pre: pre, step: s}
			if s.raw != nil {
				ss.raw = []op{s.raw}
			}
			seq = append(seq, ss)
		}
		tail := flushTo(len(r.fields))
		run = func(d *Decoder, dst []byte) []byte {
			for i := range seq {
				s := &seq[i]
				dst = append(dst, s.pre...)
				switch {
				case s.raw != nil:
					start := d.off
					for _, skip := range s.raw {
						skip(d, nil)
					}
					if d.err == nil {
						dst = append(dst, d.buf[start:d.off]...)
					}
				case s.step.read != nil:
					dst = s.step.read(d, dst)
				default:
					s.step.skip(d, dst)
				}
			}
			return append(dst, tail...)
		}
	} else {
		n := len(r.fields)
		run = func(d *Decoder, dst []byte) []byte {
			// Fields arrive out of reader order: transcode each into a
			// scratch buffer, then append in reader order.
			var scratch []byte
			bounds := make([][2]int, n)
			for i := range steps {
				s := &steps[i]
				if s.read == nil {
					s.skip(d, nil)
					continue
				}
				start := len(scratch)
				scratch = s.read(d, scratch)
				bounds[s.readerI] = [2]int{start, len(scratch)}
			}
			for j := 0; j < n; j++ {
				if matched[j] {
					dst = append(dst, scratch[bounds[j][0]:bounds[j][1]]...)
				} else {
					dst = append(dst, defaults[j]...)
				}
			}
			return dst
		}
	}
	*slot = run
	return run, nil
}

// zeroSize reports whether every value of n encodes to zero bytes.
func zeroSize(n *node, visiting map[*node]bool) bool {
	switch n.kind {
	case kNull:
		return true
	case kFixed:
		return n.size == 0
	case kRecord:
		if visiting[n] {
			return false
		}
		visiting[n] = true
		defer delete(visiting, n)
		for _, f := range n.fields {
			if !zeroSize(f.typ, visiting) {
				return false
			}
		}
		return true
	}
	return false
}

// skipper returns an op that reads and discards a writer value. It is
// built eagerly (plans are shared by goroutines and never mutated after
// construction); recursive records go through skipMemo.
func (b *planBuilder) skipper(n *node) op {
	switch n.kind {
	case kNull:
		return func(d *Decoder, dst []byte) []byte { return dst }
	case kBoolean:
		return func(d *Decoder, dst []byte) []byte { d.Skip(1); return dst }
	case kInt, kLong, kEnum:
		return func(d *Decoder, dst []byte) []byte { d.Long(); return dst }
	case kFloat:
		return func(d *Decoder, dst []byte) []byte { d.Skip(4); return dst }
	case kDouble:
		return func(d *Decoder, dst []byte) []byte { d.Skip(8); return dst }
	case kBytes, kString:
		return func(d *Decoder, dst []byte) []byte { d.BytesNoCopy(); return dst }
	case kFixed:
		size := n.size
		return func(d *Decoder, dst []byte) []byte { d.Skip(size); return dst }
	case kArray, kMap:
		item := b.skipper(n.items)
		min := minWriterSize(n.items)
		isMap := n.kind == kMap
		if isMap {
			min++
		}
		if min == 0 && zeroSize(n.items, map[*node]bool{}) {
			// Items with no bytes to read (null, empty records) are
			// skipped a block at a time, in O(1); BlockCount still counts
			// them against MaxZeroSizeItems.
			return func(d *Decoder, dst []byte) []byte {
				for d.BlockCount(0) > 0 {
				}
				return dst
			}
		}
		return func(d *Decoder, dst []byte) []byte {
			for {
				start := d.off
				c := d.Long()
				if d.err != nil || c == 0 {
					return dst
				}
				if c < 0 { // a block with its byte size: skip it whole
					size := d.Long()
					if size < 0 {
						d.failAt(start, "negative block size", nil)
						return dst
					}
					d.Skip(int(min64(size, math.MaxInt32)))
					continue
				}
				d.off = start
				for k := d.BlockCount(min); k > 0 && d.err == nil; k-- {
					if isMap {
						d.BytesNoCopy()
					}
					item(d, dst)
				}
			}
		}
	case kUnion:
		subs := make([]op, len(n.branches))
		for i, br := range n.branches {
			subs[i] = b.skipper(br)
		}
		return func(d *Decoder, dst []byte) []byte {
			i := d.UnionIndex(len(subs))
			if d.err != nil {
				return dst
			}
			return subs[i](d, dst)
		}
	case kRecord:
		if p, ok := b.skipMemo[n]; ok {
			return func(d *Decoder, dst []byte) []byte {
				if !d.Enter() {
					return dst
				}
				dst = (*p)(d, dst)
				d.Leave()
				return dst
			}
		}
		slot := new(op)
		b.skipMemo[n] = slot
		subs := make([]op, len(n.fields))
		for i, f := range n.fields {
			subs[i] = b.skipper(f.typ)
		}
		*slot = func(d *Decoder, dst []byte) []byte {
			for _, s := range subs {
				s(d, dst)
			}
			return dst
		}
		return *slot
	}
	panic("unreachable")
}

func min64(a, b int64) int64 {
	if a < b {
		return a
	}
	return b
}

// maxDefaultNodes caps the values one default may expand to.
const maxDefaultNodes = 10000

// encodeDefault appends the binary encoding of a JSON default value;
// budget bounds the work: a recursive record whose fields default to
// further records would otherwise expand without end.
func encodeDefault(dst []byte, n *node, v any, budget *int) ([]byte, error) {
	if *budget++; *budget > maxDefaultNodes {
		return nil, fmt.Errorf("default value expands to more than %d values", maxDefaultNodes)
	}
	switch n.kind {
	case kNull:
		if v != nil {
			return nil, fmt.Errorf("want null")
		}
		return dst, nil
	case kBoolean:
		b, ok := v.(bool)
		if !ok {
			return nil, fmt.Errorf("want a boolean")
		}
		return AppendBool(dst, b), nil
	case kInt, kLong:
		num, ok := v.(json.Number)
		if !ok {
			return nil, fmt.Errorf("want an integer")
		}
		i, err := strconv.ParseInt(string(num), 10, 64)
		if err != nil {
			f, ferr := strconv.ParseFloat(string(num), 64)
			if ferr != nil || f != math.Trunc(f) {
				return nil, fmt.Errorf("want an integer, got %s", Quote(num.String()))
			}
			i = int64(f)
		}
		if n.kind == kInt && (i < math.MinInt32 || i > math.MaxInt32) {
			return nil, fmt.Errorf("%d out of int range", i)
		}
		return AppendLong(dst, i), nil
	case kFloat, kDouble:
		var f float64
		switch x := v.(type) {
		case json.Number:
			var err error
			if f, err = strconv.ParseFloat(string(x), 64); err != nil {
				return nil, err
			}
		case string: // "NaN", "Infinity", "-Infinity" as Java writes them
			var err error
			if f, err = strconv.ParseFloat(x, 64); err != nil {
				return nil, fmt.Errorf("want a number")
			}
		default:
			return nil, fmt.Errorf("want a number")
		}
		if n.kind == kFloat {
			return AppendFloat(dst, float32(f)), nil
		}
		return AppendDouble(dst, f), nil
	case kBytes, kString, kFixed:
		s, ok := v.(string)
		if !ok {
			return nil, fmt.Errorf("want a string")
		}
		var b []byte
		if n.kind == kString {
			b = []byte(s)
		} else {
			// Bytes and fixed defaults are strings of code points 0-255.
			for _, r := range s {
				if r > 255 {
					return nil, fmt.Errorf("byte string has code point %U > U+00FF", r)
				}
				b = append(b, byte(r))
			}
		}
		if n.kind == kFixed {
			if len(b) != n.size {
				return nil, fmt.Errorf("fixed default has %d bytes, want %d", len(b), n.size)
			}
			return append(dst, b...), nil
		}
		return AppendBytes(dst, b), nil
	case kEnum:
		s, ok := v.(string)
		if !ok {
			return nil, fmt.Errorf("want a symbol")
		}
		for i, sym := range n.symbols {
			if sym == s {
				return AppendInt(dst, int32(i)), nil
			}
		}
		return nil, fmt.Errorf("%s is not a symbol of %s", Quote(s), n.name)
	case kArray:
		arr, ok := v.([]any)
		if !ok {
			return nil, fmt.Errorf("want an array")
		}
		if len(arr) > 0 {
			dst = AppendLong(dst, int64(len(arr)))
			for _, it := range arr {
				var err error
				if dst, err = encodeDefault(dst, n.items, it, budget); err != nil {
					return nil, err
				}
			}
		}
		return append(dst, 0), nil
	case kMap:
		obj, ok := v.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("want an object")
		}
		if len(obj) > 0 {
			dst = AppendLong(dst, int64(len(obj)))
			keys := make([]string, 0, len(obj))
			for k := range obj {
				keys = append(keys, k)
			}
			sortStrings(keys)
			for _, k := range keys {
				dst = AppendString(dst, k)
				var err error
				if dst, err = encodeDefault(dst, n.items, obj[k], budget); err != nil {
					return nil, err
				}
			}
		}
		return append(dst, 0), nil
	case kUnion:
		// The default may match any branch (Avro 1.12); the first that
		// accepts it wins.
		for i, br := range n.branches {
			if enc, err := encodeDefault(nil, br, v, budget); err == nil {
				return append(AppendLong(dst, int64(i)), enc...), nil
			}
		}
		return nil, fmt.Errorf("value matches no branch of the union")
	case kRecord:
		obj, ok := v.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("want an object")
		}
		for _, f := range n.fields {
			fv, ok := obj[f.name]
			if !ok {
				if !f.hasDef {
					return nil, fmt.Errorf("field %s missing", f.name)
				}
				fv = f.def
			}
			var err error
			if dst, err = encodeDefault(dst, f.typ, fv, budget); err != nil {
				return nil, fmt.Errorf("field %s: %v", f.name, err)
			}
		}
		return dst, nil
	}
	return nil, fmt.Errorf("unsupported type %s", n.kind)
}

// Record is implemented by (a pointer to) every generated record type, so
// that serializers can be written once for all of them.
type Record interface {
	// AvroSchema returns the full writer schema JSON of the type.
	AvroSchema() string
	// AvroFingerprint returns the CRC-64-AVRO fingerprint of the schema's
	// Parsing Canonical Form.
	AvroFingerprint() uint64
	// AppendAvro appends the Avro binary encoding to dst.
	AppendAvro(dst []byte) ([]byte, error)
	// UnmarshalAvro decodes data written with the type's own schema.
	UnmarshalAvro(b []byte) error
	// UnmarshalAvroFrom decodes data written with the writer schema w.
	UnmarshalAvroFrom(w *WriterSchema, b []byte) error
}

// EncodeDefault returns the binary encoding of defaultJSON, a field
// default as a schema writes it, for the schema schemaJSON: what a reader
// fills in for a field the writer lacks. avroctl's generator uses it to
// give constructors the schema's defaults.
func EncodeDefault(schemaJSON, defaultJSON string) ([]byte, error) {
	w, err := ParseWriterSchema(schemaJSON)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(strings.NewReader(defaultJSON))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("avro: default: %v", err)
	}
	b, err := encodeDefault(nil, w.root, v, new(int))
	if err != nil {
		return nil, fmt.Errorf("avro: default: %v", err)
	}
	return b, nil
}
