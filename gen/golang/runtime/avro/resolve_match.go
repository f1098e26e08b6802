package avro

// Which writer type a reader type accepts follows Java's resolving reader
// (org.apache.avro.Resolver in Avro 1.12, used by ResolvingDecoder and so
// by every Java consumer), not the wording of the specification:
//
//   - Aliases are applied to the writer schema first (Schema.applyAliases):
//     a writer type whose full name is an alias of some reader type takes
//     that type's full name, and a writer field whose name is a field alias
//     of the reader record with the writer record's (new) full name takes
//     the aliased field's name.
//   - A record read as a record is never compared by name (RecordAdjust).
//   - Enums and fixeds compare simple names (getName), not full names.
//   - A writer union is resolved branch by branch. When the reader is a
//     union equivalent to it (unionEquiv: same shape, simple names), branch
//     i is read as reader branch i; otherwise each branch is resolved
//     against the whole reader schema.
//   - A non-union writer read as a reader union takes the first branch of
//     the same type (named types: the same full name; records also match
//     by structure, preferring the same simple name), then the first
//     branch it promotes to (firstMatchingBranch).
//
// The compatibility checker (gen/compat, Java's SchemaCompatibility) is a
// different Java component and does compare record names.

// readerAliases collects the aliases of the reader's named types and the
// field aliases of its records.
func readerAliases(root *node) (types map[string]string, fields map[string]map[string]string) {
	types = map[string]string{}
	fields = map[string]map[string]string{}
	seen := map[*node]bool{}
	var walk func(n *node)
	walk = func(n *node) {
		if n == nil || seen[n] {
			return
		}
		seen[n] = true
		for _, a := range n.aliases {
			types[a] = n.name
		}
		for _, f := range n.fields {
			for _, a := range f.aliases {
				if fields[n.name] == nil {
					fields[n.name] = map[string]string{}
				}
				fields[n.name][a] = f.name
			}
			walk(f.typ)
		}
		walk(n.items)
		for _, b := range n.branches {
			walk(b)
		}
	}
	walk(root)
	return types, fields
}

// writerName is the writer type's full name after the reader's aliases.
func (b *planBuilder) writerName(w *node) string {
	if n, ok := b.aliases[w.name]; ok {
		return n
	}
	return w.name
}

// simpleNamesMatch is Java's name check for enums and fixeds.
func (b *planBuilder) simpleNamesMatch(w, r *node) bool {
	return shortName(b.writerName(w)) == shortName(r.name)
}

func shortName(full string) string {
	for i := len(full) - 1; i >= 0; i-- {
		if full[i] == '.' {
			return full[i+1:]
		}
	}
	return full
}

// matchField finds the reader field for a writer field: by name, else by
// the field aliases of the reader record that has the writer record's full
// name (after type aliases), which is how Java's applyAliases renames
// writer fields. Java renames even a writer field whose name a reader field
// has, and then fails on the duplicate field; the name wins here.
func (b *planBuilder) matchField(w *node, wf *field, r *node) int {
	if j := fieldIndex(r, wf.name); j >= 0 {
		return j
	}
	if renamed, ok := b.fieldAliases[b.writerName(w)][wf.name]; ok {
		return fieldIndex(r, renamed)
	}
	return -1
}

// writerFieldName is the writer field's name after the reader's aliases
// (Schema.getFieldAlias under the writer record's aliased full name), as
// Java's Resolver sees it: unionEquiv runs on the aliased writer schema.
func (b *planBuilder) writerFieldName(w *node, wf *field) string {
	if renamed, ok := b.fieldAliases[b.writerName(w)][wf.name]; ok {
		return renamed
	}
	return wf.name
}

func fieldIndex(r *node, name string) int {
	for j, rf := range r.fields {
		if rf.name == name {
			return j
		}
	}
	return -1
}

// unionEquiv reports whether a writer and a reader schema have the same
// shape, comparing simple names (Java's Resolver.unionEquiv): enum symbols
// in the same order (List.equals), record fields pairwise by name after the
// reader's aliases are applied to the writer (Resolver.resolve runs on
// Schema.applyAliases(writer, reader)).
func (b *planBuilder) unionEquiv(w, r *node, seen map[[2]*node]bool) bool {
	if w.kind != r.kind {
		return false
	}
	switch w.kind {
	case kRecord, kEnum, kFixed:
		if !b.simpleNamesMatch(w, r) {
			return false
		}
	}
	switch w.kind {
	case kArray, kMap:
		return b.unionEquiv(w.items, r.items, seen)
	case kFixed:
		return w.size == r.size
	case kEnum:
		if len(w.symbols) != len(r.symbols) {
			return false
		}
		for i := range w.symbols {
			if w.symbols[i] != r.symbols[i] {
				return false
			}
		}
	case kUnion:
		if len(w.branches) != len(r.branches) {
			return false
		}
		for i := range w.branches {
			if !b.unionEquiv(w.branches[i], r.branches[i], seen) {
				return false
			}
		}
	case kRecord:
		key := [2]*node{w, r}
		if v, ok := seen[key]; ok {
			return v
		}
		seen[key] = true // optimistic for recursive records, as Java is
		ok := len(w.fields) == len(r.fields)
		for i := 0; ok && i < len(w.fields); i++ {
			ok = b.writerFieldName(w, w.fields[i]) == r.fields[i].name && b.unionEquiv(w.fields[i].typ, r.fields[i].typ, seen)
		}
		seen[key] = ok
		return ok
	}
	return true
}

// firstMatchingBranch picks the reader union branch a non-union writer
// type is read as, or -1.
func (b *planBuilder) firstMatchingBranch(w, r *node, inProgress map[[2]*node]bool) int {
	structure := -1
	for j, rb := range r.branches {
		if rb.kind != w.kind {
			continue
		}
		switch w.kind {
		case kRecord, kEnum, kFixed:
			if b.writerName(w) == rb.name {
				return j
			}
			if w.kind == kRecord && !b.recordMatchError(w, rb, inProgress) {
				if structure < 0 || shortName(b.writerName(w)) == shortName(rb.name) {
					structure = j
				}
			}
		default:
			return j
		}
	}
	if structure >= 0 {
		return structure
	}
	for j, rb := range r.branches {
		if promotes(w.kind, rb.kind) {
			return j
		}
	}
	return -1
}

// promotes reports whether the spec promotes writer kind w to reader kind r
// (w != r).
func promotes(w, r kind) bool {
	switch w {
	case kInt:
		return r == kLong || r == kFloat || r == kDouble
	case kLong:
		return r == kFloat || r == kDouble
	case kFloat:
		return r == kDouble
	case kString:
		return r == kBytes
	case kBytes:
		return r == kString
	}
	return false
}

// recordMatchError is Java's hasMatchError(RecordAdjust.resolve(w, r)): a
// reader field without default is missing from the writer, or a field's
// own resolution (not one nested deeper) is an error. inProgress holds the
// record pairs being checked, which count as matching, as Java's seen map
// makes them.
func (b *planBuilder) recordMatchError(w, r *node, inProgress map[[2]*node]bool) bool {
	key := [2]*node{w, r}
	if inProgress[key] {
		return false
	}
	inProgress[key] = true
	defer delete(inProgress, key)
	if b.missingRequired(w, r) {
		return true
	}
	for _, wf := range w.fields {
		if j := b.matchField(w, wf, r); j >= 0 && b.directError(wf.typ, r.fields[j].typ, inProgress) {
			return true
		}
	}
	return false
}

// missingRequired reports whether a reader field without default has no
// writer field.
func (b *planBuilder) missingRequired(w, r *node) bool {
	matched := make([]bool, len(r.fields))
	for _, wf := range w.fields {
		if j := b.matchField(w, wf, r); j >= 0 {
			matched[j] = true
		}
	}
	for j, rf := range r.fields {
		if !matched[j] && !rf.hasDef {
			return true
		}
	}
	return false
}

// directError reports whether Java's Resolver.resolve(w, r) is itself an
// ErrorAction (errors nested in containers and record fields are lazy and
// do not count).
func (b *planBuilder) directError(w, r *node, inProgress map[[2]*node]bool) bool {
	if w.kind == kUnion {
		return false
	}
	if w.kind == r.kind {
		switch w.kind {
		case kFixed:
			return !b.simpleNamesMatch(w, r) || w.size != r.size
		case kEnum:
			return !b.simpleNamesMatch(w, r)
		case kRecord:
			return b.missingRequired(w, r)
		}
		return false
	}
	if r.kind == kUnion {
		return b.firstMatchingBranch(w, r, inProgress) < 0
	}
	return !promotes(w.kind, r.kind)
}
