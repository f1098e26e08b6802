package schema

import (
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"
)

// ParseOptions configure Parse and ParseProtocol.
type ParseOptions struct {
	// Filename is used in error positions and in every Pos of the result.
	Filename string
	// Names, when set, is the registry references resolve against (imports,
	// registry references); the named types the input defines are added to it
	// when parsing succeeds. When nil, the input stands alone.
	Names *Names
	// Forward, when set, stands in for every name that is not defined at
	// the point of use (neither in Names nor earlier in the input): its
	// result takes the reference's place, and resolving it is left to the
	// caller, who must also check again the defaults that go through it
	// (see CheckDefaultsAsResolved). This is how Java's IdlReader reads an
	// imported .avsc: through the IDL file's ParseContext, whose find
	// returns a placeholder for an unknown name that is resolved only when
	// the whole IDL file is read, so the .avsc may use a type the IDL file
	// declares later. When nil, such a name must be defined later in the
	// same input ("Undefined schema" otherwise).
	Forward func(full string, pos Position) Schema
}

// Parse reads an .avsc schema with the semantics of Java 1.12.2's
// Schema.Parser (checked against it on the conformance data):
//
//   - a schema is a type name, an object or an array (a union); an object
//     whose "type" is not a primitive or complex type is an error (1.12.2
//     dropped {"type": "SomeName"});
//   - namespaces are inherited from the enclosing named type, a dotted name
//     brings its own, and a reference resolves in the enclosing namespace
//     first, then as written;
//   - names, namespaces, symbols and field names follow Java's default
//     validator (Unicode letters and digits allowed); fixed sizes, enum
//     defaults, union members and field defaults are checked (a union
//     default may match any branch);
//   - a name may be used before its definition; a named type is registered
//     when its definition is complete, and an identical second definition
//     (docs and aliases aside) is accepted and shares the first;
//   - unknown attributes are kept as properties in source order; duplicate
//     JSON keys keep the last value in the first key's place (Jackson);
//     // and /* */ comments are allowed.
//
// Errors are an ErrorList of "file:line:col: msg"; the messages start as
// Java's do. Parsing stops at the first error, except that every
// undefined name is reported.
func Parse(data []byte, opts ParseOptions) (Schema, error) {
	r := newReader(data, opts)
	root, serr := parseJSONTree(data, trailingBlank)
	if serr != nil {
		r.errorAt(serr.off, serr.msg)
		return nil, r.errs.Err()
	}
	s := r.schema(root, "")
	// Resolution re-checks every default (as Java's does): after invalid
	// defaults it would report them a second time.
	if len(r.errs) == 0 {
		s = r.finish([]*Schema{&s}, nil)
	}
	if err := r.errs.Err(); err != nil {
		return nil, err
	}
	if err := r.commit(); err != nil {
		return nil, err
	}
	return s, nil
}

// reader turns a JSON tree into the model.
type reader struct {
	file  string
	src   []byte
	lines []int // offsets of line starts, built on first use
	// colLine, colOff and col cache the last position computed by pos.
	colLine, colOff, col int
	ext                  *Names
	local                *Names
	// forward is ParseOptions.Forward.
	forward func(full string, pos Position) Schema
	errs    ErrorList
	// declared lists the named types in the order their definitions start
	// (outer before nested), which is the order of the source and of the
	// IDL tools' output; Java's own context order is the reverse nesting.
	declared []NamedSchema
	// checks run after references are resolved.
	unions   []pendingUnion
	defaults []pendingDefault
	// badDefaults counts the errors in errs that are invalid defaults.
	badDefaults int
}

// pendingUnion keeps where each branch was written: a branch that names a
// type is the type itself in the model, whose Pos is its definition.
type pendingUnion struct {
	u   *Union
	pos []Position
}

type pendingDefault struct {
	field *Field
	pos   Position
}

// unresolvedRef stands for a name used before its definition. It never
// escapes the reader: finish replaces every one of them.
type unresolvedRef struct {
	full string
	pos  Position
}

func (*unresolvedRef) isSchema() {}

// Type is RECORD, as for Java's placeholder schema.
func (*unresolvedRef) Type() Type { return RecordType }

func newReader(data []byte, opts ParseOptions) *reader {
	return &reader{file: opts.Filename, src: data, ext: opts.Names, local: NewNames(), forward: opts.Forward}
}

// failed reports whether the input is broken: an error other than an
// invalid default. An invalid default leaves the schema whole, so reading
// goes on to find the other invalid defaults of the file too.
func (r *reader) failed() bool { return len(r.errs) > r.badDefaults }

// invalidDefault reports a field default that does not match its type.
func (r *reader) invalidDefault(pos Position, msg string) {
	r.errs.Add(pos, msg)
	r.badDefaults++
}

// pos converts a byte offset into a Position.
func (r *reader) pos(off int) Position {
	if r.lines == nil {
		r.lines = []int{0}
		for i, c := range r.src {
			if c == '\n' {
				r.lines = append(r.lines, i+1)
			}
		}
	}
	line := sort.Search(len(r.lines), func(i int) bool { return r.lines[i] > off }) - 1
	if line < 0 {
		line = 0
	}
	// Columns count characters. Positions are mostly asked for in source
	// order, so the count goes on from the last one on the same line
	// instead of starting at the line start each time (which is quadratic
	// on a one-line schema, the usual form of a registered one).
	if r.col == 0 || line != r.colLine || off < r.colOff || r.colOff < r.lines[line] {
		r.colLine, r.colOff, r.col = line, r.lines[line], 1
	}
	r.col += utf8.RuneCount(r.src[r.colOff:off])
	r.colOff = off
	return Position{Filename: r.file, Offset: off, Line: line + 1, Column: r.col}
}

func (r *reader) errorAt(off int, msg string) {
	r.errs.Add(r.pos(off), msg)
}

func (r *reader) errorf(n *jsonNode, format string, args ...any) {
	off := 0
	if n != nil {
		off = n.off
	}
	r.errs.Add(r.pos(off), fmt.Sprintf(format, args...))
}

// compact renders a JSON node for a message, shortened like Java's
// exception texts would be if they were readable.
func (r *reader) compact(n *jsonNode) string {
	s := describeValue(n.toValue())
	if len(s) > 80 {
		s = snippet([]byte(s))
	}
	return s
}

// find resolves a type name as Java's ParseContext.find: primitives first,
// then the name in the enclosing namespace, then the name as written.
func (r *reader) find(name string, ns string, n *jsonNode) Schema {
	if t, ok := PrimitiveType(name); ok {
		return &Primitive{T: t, Pos: r.pos(n.off)}
	}
	full := Resolve(name, ns)
	for _, names := range []*Names{r.ext, r.local} {
		if s := names.Lookup(full); s != nil {
			return s
		}
	}
	for _, names := range []*Names{r.ext, r.local} {
		if s := names.Lookup(name); s != nil {
			return s
		}
	}
	if r.forward != nil {
		if s := r.forward(full, r.pos(n.off)); s != nil {
			return s
		}
	}
	return &unresolvedRef{full: full, pos: r.pos(n.off)}
}

// schema parses any schema node inside namespace ns.
func (r *reader) schema(n *jsonNode, ns string) Schema {
	if r.failed() {
		return nil
	}
	switch n.kind {
	case jString:
		return r.find(n.s, ns, n)
	case jArray:
		return r.union(n, ns)
	case jObject:
		typeNode := n.get("type")
		t, ok := typeNode.text()
		if !ok {
			if typeNode == nil {
				r.errorf(n, "No type: the schema object needs a \"type\" attribute")
			} else {
				r.errorf(typeNode, "No type: \"type\" must be a string, not %s", typeNode.kind)
			}
			return nil
		}
		switch t {
		case "record", "error":
			return r.record(n, ns, t == "error")
		case "enum":
			return r.enum(n, ns)
		case "fixed":
			return r.fixed(n, ns)
		case "array":
			return r.array(n, ns)
		case "map":
			return r.mapSchema(n, ns)
		}
		if pt, ok := PrimitiveType(t); ok {
			p := &Primitive{T: pt, Pos: r.pos(n.off)}
			r.props(n, &p.Props, schemaReserved)
			return p
		}
		// Java 1.12.2 no longer accepts {"type": "Name"} for a named type.
		r.errorf(typeNode, "A schema \"type\" MUST be a primitive type or one of \"enum\", \"fixed\", \"record\", \"error\", \"array\" or \"map\". (got %q; to refer to a named type write its name as the schema, not inside an object)", t)
		return nil
	}
	r.errorf(n, "Schema not yet supported: %s (a schema is a type name, an object or an array)", r.compact(n))
	return nil
}

var (
	schemaReserved = setOf("doc", "fields", "items", "name", "namespace", "size", "symbols", "values", "type", "aliases")
	enumReserved   = setOf("doc", "fields", "items", "name", "namespace", "size", "symbols", "values", "type", "aliases", "default")
	fieldReserved  = setOf("default", "doc", "name", "order", "type", "aliases")
)

func setOf(keys ...string) map[string]bool {
	m := make(map[string]bool, len(keys))
	for _, k := range keys {
		m[k] = true
	}
	return m
}

// props copies the non-reserved attributes of n, in source order.
func (r *reader) props(n *jsonNode, p *Props, reserved map[string]bool) {
	for _, m := range n.members {
		if !reserved[m.key] {
			p.Set(m.key, m.val.toValue())
		}
	}
}

// named reads name, namespace and doc the way Java's parseName does.
func (r *reader) named(n *jsonNode, ns string) (Named, bool) {
	space := ns
	if t, ok := n.get("namespace").text(); ok {
		space = t
	}
	nameNode := n.get("name")
	name, ok := nameNode.text()
	if !ok {
		if nameNode == nil {
			r.errorf(n, "No name in schema: a %s needs a \"name\"", typeOf(n))
		} else {
			r.errorf(nameNode, "No name in schema: \"name\" must be a string, not %s", nameNode.kind)
		}
		return Named{}, false
	}
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		space, name = name[:i], name[i+1:]
	}
	if msg := validName(name); msg != "" {
		r.errorf(nameNode, "%s", msg)
		return Named{}, false
	}
	if space == "" {
		if _, isPrim := PrimitiveType(name); isPrim {
			r.errorf(nameNode, "Schemas may not be named after primitives: %s", name)
			return Named{}, false
		}
	} else {
		for _, part := range strings.Split(space, ".") {
			if msg := validName(part); msg != "" {
				r.errorf(nameNode, "Namespace part %q is invalid: %s", part, msg)
				return Named{}, false
			}
		}
	}
	nd := Named{Name: name, Namespace: space, Pos: r.pos(nameNode.off)}
	if d, ok := n.get("doc").text(); ok {
		nd.Doc = &d
	}
	return nd, true
}

func typeOf(n *jsonNode) string {
	t, _ := n.get("type").text()
	return t
}

// aliases reads a named type's aliases as full names (an alias without a
// dot lives in the type's namespace), dropping repeats as Java's set does.
func (r *reader) aliases(n *jsonNode, nd *Named) {
	an := n.get("aliases")
	list, ok := r.aliasList(n)
	if !ok {
		return
	}
	for i, a := range list {
		space, name := nd.Namespace, a
		if j := strings.LastIndexByte(a, '.'); j >= 0 {
			space, name = a[:j], a[j+1:]
		}
		if msg := validName(name); msg != "" {
			r.errorf(an.elems[i], "%s", msg)
			return
		}
		full := JoinName(space, name)
		if !contains(nd.Aliases, full) {
			nd.Aliases = append(nd.Aliases, full)
		}
	}
}

// aliasList reads an "aliases" array of strings, in order, repeats kept
// (callers drop them) so that list[i] was written at elems[i].
func (r *reader) aliasList(n *jsonNode) ([]string, bool) {
	an := n.get("aliases")
	if an == nil {
		return nil, false
	}
	if an.kind != jArray {
		r.errorf(an, "aliases not an array: \"aliases\" must be an array of names")
		return nil, false
	}
	out := make([]string, 0, len(an.elems))
	for _, e := range an.elems {
		s, ok := e.text()
		if !ok {
			r.errorf(e, "alias not a string: %s", r.compact(e))
			return nil, false
		}
		out = append(out, s)
	}
	return out, true
}

// dedupe drops repeated strings, keeping the first (Java's LinkedHashSet).
func dedupe(list []string) []string {
	var out []string
	for _, s := range list {
		if !contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func (r *reader) record(n *jsonNode, ns string, isError bool) Schema {
	nd, ok := r.named(n, ns)
	if !ok {
		return nil
	}
	rec := &Record{Named: nd, IsError: isError}
	slot := r.declare()
	fieldsNode := n.get("fields")
	if fieldsNode == nil || fieldsNode.kind != jArray {
		at := n
		if fieldsNode != nil {
			at = fieldsNode
		}
		r.errorf(at, "Record has no fields: %s %s needs a \"fields\" array", rec.Type(), rec.FullName())
		return nil
	}
	rec.Fields = []*Field{}
	byName := make(map[string]*Field, len(fieldsNode.elems))
	for _, fn := range fieldsNode.elems {
		f := r.field(fn, rec.Namespace)
		if f == nil {
			return nil
		}
		if prev := byName[f.Name]; prev != nil {
			r.errs.Add(f.Pos, fmt.Sprintf("Duplicate field %s in record %s (first declared at %s)", f.Name, rec.FullName(), prev.Pos))
			return nil
		}
		byName[f.Name] = f
		rec.Fields = append(rec.Fields, f)
	}
	r.props(n, &rec.Props, schemaReserved)
	r.aliases(n, &rec.Named)
	if r.failed() {
		return nil
	}
	return r.define(rec, slot)
}

func (r *reader) field(fn *jsonNode, ns string) *Field {
	nameNode := fn.get("name")
	name, ok := nameNode.text()
	if !ok {
		r.errorf(fn, "No field name: each field needs a \"name\" string")
		return nil
	}
	f := &Field{Name: name, Pos: r.pos(nameNode.off)}
	if d, ok := fn.get("doc").text(); ok {
		f.Doc = &d
	}
	typeNode := fn.get("type")
	if typeNode == nil {
		r.errs.Add(f.Pos, fmt.Sprintf("No field type: field %q needs a \"type\"", name))
		return nil
	}
	f.Type = r.schema(typeNode, ns)
	if r.failed() {
		return nil
	}
	if on := fn.get("order"); on != nil {
		switch s, _ := on.text(); strings.ToUpper(s) {
		case "ASCENDING":
			f.Order = Ascending
		case "DESCENDING":
			f.Order = Descending
		case "IGNORE":
			f.Order = Ignore
		default:
			r.errorf(on, "Invalid order %s for field %s: use \"ascending\", \"descending\" or \"ignore\"", r.compact(on), name)
			return nil
		}
	}
	if msg := validName(name); msg != "" {
		r.errs.Add(f.Pos, msg)
		return nil
	}
	if dn := fn.get("default"); dn != nil {
		f.HasDefault = true
		f.Default = dn.toValue()
		// Java turns a string default of a float or double field into a
		// number (Double.parseDouble).
		number := true
		if p, ok := f.Type.(*Primitive); ok && (p.T == Float || p.T == Double) && dn.kind == jString {
			v, ok := parseJavaDouble(dn.s)
			f.Default, number = Number{Text: JavaDouble(v), IsFloat: true}, ok
			if !ok {
				r.invalidDefault(r.pos(dn.off), fmt.Sprintf("Invalid default for field %s: %s is not a number", name, r.compact(dn)))
			}
		}
		if number {
			r.checkDefault(f, r.pos(dn.off))
		}
	}
	r.props(fn, &f.Props, fieldReserved)
	if list, ok := r.aliasList(fn); ok {
		f.Aliases = dedupe(list)
	}
	if r.failed() {
		return nil
	}
	return f
}

func (r *reader) enum(n *jsonNode, ns string) Schema {
	nd, ok := r.named(n, ns)
	if !ok {
		return nil
	}
	e := &Enum{Named: nd}
	slot := r.declare()
	symbolsNode := n.get("symbols")
	if symbolsNode == nil || symbolsNode.kind != jArray {
		r.errorf(n, "Enum has no symbols: enum %s needs a \"symbols\" array", nd.FullName())
		return nil
	}
	e.Symbols = []string{}
	for _, sn := range symbolsNode.elems {
		sym, ok := sn.text()
		if !ok {
			r.errorf(sn, "Null name: enum symbols must be strings")
			return nil
		}
		if msg := validName(sym); msg != "" {
			r.errorf(sn, "%s", msg)
			return nil
		}
		if e.SymbolIndex(sym) >= 0 {
			r.errorf(sn, "Duplicate enum symbol: %s", sym)
			return nil
		}
		e.Symbols = append(e.Symbols, sym)
	}
	if dn := n.get("default"); dn != nil {
		if d, ok := dn.text(); ok {
			if e.SymbolIndex(d) < 0 {
				r.errorf(dn, "The Enum Default: %s is not in the enum symbol set: %s", d, quoteList(e.Symbols))
				return nil
			}
			e.Default, e.HasDefault = d, true
		}
	}
	r.props(n, &e.Props, enumReserved)
	r.aliases(n, &e.Named)
	if r.failed() {
		return nil
	}
	return r.define(e, slot)
}

func (r *reader) fixed(n *jsonNode, ns string) Schema {
	nd, ok := r.named(n, ns)
	if !ok {
		return nil
	}
	slot := r.declare()
	sizeNode := n.get("size")
	size, ok := intValue(sizeNode)
	if !ok {
		at := n
		if sizeNode != nil {
			at = sizeNode
		}
		r.errorf(at, "Invalid or no size: fixed %s needs an integer \"size\"", nd.FullName())
		return nil
	}
	if size < 0 {
		r.errorf(sizeNode, "Invalid fixed size %d: it must not be negative", size)
		return nil
	}
	// Java's SystemLimitException: no array may exceed the VM's limit.
	if size > maxFixedSize {
		r.errorf(sizeNode, "Cannot read arrays longer than %d bytes in Java library: fixed size %d is too large", maxFixedSize, size)
		return nil
	}
	f := &Fixed{Named: nd, Size: size}
	r.props(n, &f.Props, schemaReserved)
	r.aliases(n, &f.Named)
	if r.failed() {
		return nil
	}
	return r.define(f, slot)
}

// maxFixedSize is Java's MAX_ARRAY_VM_LIMIT (Integer.MAX_VALUE - 8).
const maxFixedSize = 1<<31 - 1 - 8

// checkDefault validates a field default the way Java does: at once,
// where a name not defined yet stands for a record without fields, and
// again once names are resolved (Java's resolver rebuilds every field).
func (r *reader) checkDefault(f *Field, pos Position) {
	if !ValidDefault(f.Type, f.Default) {
		r.invalidDefault(pos, invalidDefault(f))
		return
	}
	r.defaults = append(r.defaults, pendingDefault{field: f, pos: pos})
}

// intValue reads a JSON integer that fits a Java int (Jackson's isInt).
func intValue(n *jsonNode) (int, bool) {
	if n == nil || n.kind != jNumber || n.num.IsFloat || !fitsInt(n.num, 32) {
		return 0, false
	}
	v, ok := intProp(&Props{List: []Member{{"v", n.num}}}, "v")
	return v, ok
}

func (r *reader) array(n *jsonNode, ns string) Schema {
	items := n.get("items")
	if items == nil {
		r.errorf(n, "Array has no items type: add \"items\"")
		return nil
	}
	a := &Array{Pos: r.pos(n.off)}
	a.Items = r.schema(items, ns)
	if r.failed() {
		return nil
	}
	r.props(n, &a.Props, schemaReserved)
	return a
}

func (r *reader) mapSchema(n *jsonNode, ns string) Schema {
	values := n.get("values")
	if values == nil {
		r.errorf(n, "Map has no values type: add \"values\"")
		return nil
	}
	m := &Map{Pos: r.pos(n.off)}
	m.Values = r.schema(values, ns)
	if r.failed() {
		return nil
	}
	r.props(n, &m.Props, schemaReserved)
	return m
}

func (r *reader) union(n *jsonNode, ns string) Schema {
	u := &Union{Pos: r.pos(n.off), Branches: make([]Schema, 0, len(n.elems))}
	pu := pendingUnion{u: u}
	for _, e := range n.elems {
		pu.pos = append(pu.pos, r.pos(e.off))
		b := r.schema(e, ns)
		if r.failed() {
			return nil
		}
		if _, nested := b.(*Union); nested {
			r.errorf(e, "Nested union: a union cannot directly contain another union")
			return nil
		}
		u.Branches = append(u.Branches, b)
	}
	r.unions = append(r.unions, pu)
	return u
}
