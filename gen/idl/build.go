package idl

import (
	"path/filepath"
	"sort"

	"gitlab.com/acme/avroctl/gen/schema"
)

// fileBuilder turns one file's AST into the model. It visits the tree in
// the order of the reference's listener callbacks, because that order
// decides which doc comments are used (and warned about) and the order in
// which named types are registered.
type fileBuilder struct {
	c        *compiler
	filename string
	dir      string
	ast      *fileNode

	processed  int      // hiddenTokensProcessedIndex
	namespaces []string // "" means none
	protocol   *schema.Protocol
	messages   []*schema.Message
	msgIndex   map[string]int
	namespace  string
	mainSchema schema.Schema
	// garbage is what the reference leaves on its type stack after a
	// union with a union branch; see plainType.
	garbage []schema.Schema
}

const outOfPlaceDoc = "Ignoring out-of-place documentation comment. Did you mean to use a multiline comment ( /* ... */ ) instead?"

// buildFile parses and builds one file. imported marks files read through
// an import.
func (c *compiler) buildFile(filename string, src []byte, imported bool) *fileBuilder {
	if len(src) == 0 {
		c.errorf(schema.Position{Filename: filename, Line: 1, Column: 1}, "empty file: expected a protocol or schema declarations")
		return nil
	}
	ast, warnings, errs := parseFile(filename, src)
	c.warnings = append(c.warnings, warnings...)
	if len(errs) > 0 {
		c.errs = append(c.errs, errs...)
		return nil
	}
	b := &fileBuilder{c: c, filename: filename, dir: filepath.Dir(filename), ast: ast, processed: -1, msgIndex: map[string]int{}}
	if ast.Protocol != nil {
		b.buildProtocol(ast.Protocol, imported)
		return b
	}
	if ast.Namespace != nil {
		ns := c.typeNamespace(ident{Name: "", Pos: ast.Namespace.Pos}, &ast.Namespace.Name)
		b.pushNamespace(*ns)
		b.namespace = *ns
	}
	if ast.MainSchema != nil {
		main := b.fullType(ast.MainSchema)
		b.mainSchema = main
		if r, ok := main.(*schema.Record); ok && c.isRef(r) {
			// The reference registers a main schema that names a type (still
			// unresolved) right away, so that type takes this place in the
			// order of named schemas.
			c.types = append(c.types, r)
		}
	}
	for _, item := range ast.Items {
		b.item(item)
	}
	return b
}

func (b *fileBuilder) pushNamespace(ns string) { b.namespaces = append(b.namespaces, ns) }
func (b *fileBuilder) popNamespace()           { b.namespaces = b.namespaces[:len(b.namespaces)-1] }

func (b *fileBuilder) currentNamespace() string {
	if len(b.namespaces) == 0 {
		return ""
	}
	return b.namespaces[len(b.namespaces)-1]
}

func (b *fileBuilder) currentNamespacePtr() *string {
	ns := b.currentNamespace()
	if ns == "" {
		return nil
	}
	return &ns
}

// doc is IdlReader.getDocComment: the last doc comment right before the
// token at start is the node's doc; any other doc comment seen since the
// previous call is out of place and draws a warning.
func (b *fileBuilder) doc(start int) *string {
	docs := b.ast.Docs
	var docTok *token
	searchEnd := start
	j := sort.Search(len(docs), func(i int) bool { return docs[i].index >= start-1 })
	if j < len(docs) && docs[j].index == start-1 {
		docTok = &docs[j]
		searchEnd = docTok.index - 1
	}
	lo := sort.Search(len(docs), func(i int) bool { return docs[i].index > b.processed })
	for i := lo; i < len(docs) && docs[i].index <= searchEnd; i++ {
		b.c.warnings = append(b.c.warnings, Warning{Pos: docs[i].pos, Msg: outOfPlaceDoc})
	}
	b.processed = start
	if docTok == nil {
		return nil
	}
	s := docText(docTok.lit)
	return &s
}

func (b *fileBuilder) item(d declNode) {
	switch d := d.(type) {
	case *importDecl:
		b.importFile(d)
	case *fixedDecl:
		b.fixed(d)
	case *enumDecl:
		b.enum(d)
	case *recordDecl:
		b.record(d)
	case *messageDecl:
		b.message(d)
	}
}

func (b *fileBuilder) buildProtocol(d *protocolDecl, imported bool) {
	c := b.c
	sp := c.readProps(d.Props, true, false, false)
	ns := c.typeNamespace(d.Name, sp.namespace)
	if ns == nil {
		b.pushNamespace("")
	} else {
		b.pushNamespace(*ns)
	}
	name := c.typeName(d.Name)
	doc := b.doc(d.Start)
	p := &schema.Protocol{Name: name, Namespace: b.currentNamespace(), Doc: doc, Pos: d.Name.Pos}
	c.copyProps(&p.Props, sp, protocolReserved)
	b.protocol = p
	b.namespace = p.Namespace
	for _, item := range d.Items {
		b.item(item)
	}
	if imported {
		// The reference resolves every type known so far when an imported
		// protocol ends, so a reference it cannot resolve yet is an error.
		c.resolveAll(b.messages, nil)
	}
}

// named builds the parts all named types share.
func (b *fileBuilder) named(start int, props []*property, id ident) (schema.Named, *schemaProps) {
	c := b.c
	sp := c.readProps(props, true, true, false)
	if sp.namespace == nil {
		sp.namespace = b.currentNamespacePtr()
	}
	n := schema.Named{Name: c.typeName(id), Pos: id.Pos}
	if ns := c.typeNamespace(id, sp.namespace); ns != nil {
		n.Namespace = *ns
	}
	return n, sp
}

// aliases resolves aliases against the type's namespace (Schema.addAlias),
// dropping repeats.
func (b *fileBuilder) aliases(n *schema.Named, sp *schemaProps, pos schema.Position) {
	seen := map[string]bool{}
	for _, a := range sp.aliases {
		ns, name := schema.SplitName(a)
		if ns == "" && name == a {
			ns = n.Namespace
		}
		if msg := utfNameError(name); msg != "" {
			b.c.errorf(pos, "%s", msg)
			continue
		}
		full := schema.JoinName(ns, name)
		if !seen[full] {
			seen[full] = true
			n.Aliases = append(n.Aliases, full)
		}
	}
}

func (b *fileBuilder) aliasPos(props []*property, fallback schema.Position) schema.Position {
	for _, p := range props {
		if p.Name.Name == "aliases" {
			return p.ValuePos
		}
	}
	return fallback
}

func (b *fileBuilder) fixed(d *fixedDecl) {
	c := b.c
	n, sp := b.named(d.Start, d.Props, d.Name)
	n.Doc = b.doc(d.Start)
	size, err := decodeInt(d.Size)
	if err != nil {
		c.errorf(d.SizePos, "invalid fixed size %s: %v", d.Size, err)
	} else if size < 0 {
		c.errorf(d.SizePos, "Invalid fixed size: %d", size)
	}
	f := &schema.Fixed{Named: n, Size: size}
	b.aliases(&f.Named, sp, b.aliasPos(d.Props, d.Name.Pos))
	c.copySchemaProps(f, sp)
	c.put(f)
}

func (b *fileBuilder) enum(d *enumDecl) {
	c := b.c
	doc := b.doc(d.Start)
	n, sp := b.named(d.Start, d.Props, d.Name)
	n.Doc = doc
	e := &schema.Enum{Named: n}
	seen := map[string]bool{}
	for _, s := range d.Symbols {
		if msg := utfNameError(s.Name); msg != "" {
			c.errorf(s.Pos, "%s", msg)
		}
		if seen[s.Name] {
			c.errorf(s.Pos, "Duplicate enum symbol: %s", s.Name)
		}
		seen[s.Name] = true
		e.Symbols = append(e.Symbols, s.Name)
	}
	if d.Default != nil {
		if !seen[d.Default.Name] {
			c.errorf(d.Default.Pos, "The Enum Default: %s is not in the enum symbol set: %s", d.Default.Name, javaList(e.Symbols))
		}
		e.Default, e.HasDefault = d.Default.Name, true
	}
	b.aliases(&e.Named, sp, b.aliasPos(d.Props, d.Name.Pos))
	c.copySchemaProps(e, sp)
	c.put(e)
}

func javaList(items []string) string {
	s := "["
	for i, it := range items {
		if i > 0 {
			s += ", "
		}
		s += it
	}
	return s + "]"
}

func (b *fileBuilder) record(d *recordDecl) {
	c := b.c
	sp := c.readProps(d.Props, true, true, false)
	if sp.namespace == nil {
		sp.namespace = b.currentNamespacePtr()
	}
	doc := b.doc(d.Start)
	name := c.typeName(d.Name)
	ns := c.typeNamespace(d.Name, sp.namespace)
	if ns == nil {
		b.pushNamespace("")
	} else {
		b.pushNamespace(*ns)
	}
	r := &schema.Record{Named: schema.Named{Name: name, Namespace: b.currentNamespace(), Doc: doc, Pos: d.Name.Pos}, IsError: d.IsError}
	b.aliases(&r.Named, sp, b.aliasPos(d.Props, d.Name.Pos))
	c.copySchemaProps(r, sp)
	seen := map[string]bool{}
	for _, fd := range d.Fields {
		for _, f := range b.fieldDecl(fd) {
			if seen[f.Name] {
				c.errorf(f.Pos, "Duplicate field %s in record %s", f.Name, r.FullName())
			}
			seen[f.Name] = true
			r.Fields = append(r.Fields, f)
		}
	}
	c.put(r)
	b.popNamespace()
}

// fieldDecl builds the fields of one declaration (`int a, b = 1;`).
func (b *fileBuilder) fieldDecl(fd *fieldDecl) []*schema.Field {
	defaultDoc := b.doc(fd.Start)
	t := b.fullType(fd.Type)
	var out []*schema.Field
	for _, v := range fd.Vars {
		out = append(out, b.variable(v, t, defaultDoc))
	}
	return out
}

// variable is exitVariableDeclaration: a field (or message parameter).
func (b *fileBuilder) variable(v *varDecl, t schema.Schema, defaultDoc *string) *schema.Field {
	c := b.c
	sp := c.readProps(v.Props, false, true, true)
	doc := b.doc(v.Start)
	if doc == nil {
		doc = defaultDoc
	}
	f := &schema.Field{Name: v.Name.Name, Doc: doc, Order: sp.order, Pos: v.Name.Pos}
	if v.Default != nil {
		f.Default, f.HasDefault = c.jsonToValue(v.Default), true
	}
	f.Type = b.fixOptional(t, f)
	if msg := utfNameError(f.Name); msg != "" {
		c.errorf(v.Name.Pos, "%s", msg)
	}
	seen := map[string]bool{}
	for _, a := range sp.aliases {
		if !seen[a] {
			seen[a] = true
			f.Aliases = append(f.Aliases, a)
		}
	}
	c.copyProps(&f.Props, sp, fieldReserved)
	if f.HasDefault {
		c.fields = append(c.fields, &fieldCheck{field: f})
	}
	return f
}

// fixOptional puts null last in a T? union when the default is not null
// (IdlReader.fixOptionalSchema). Each field gets its own union.
func (b *fileBuilder) fixOptional(t schema.Schema, f *schema.Field) schema.Schema {
	u, ok := t.(*schema.Union)
	if !ok || !b.c.optional[u] {
		return t
	}
	null, other := u.Branches[0], u.Branches[1]
	if f.HasDefault && f.Default != nil {
		return b.c.newUnion(u.Pos, other, null)
	}
	return b.c.newUnion(u.Pos, null, other)
}

func (b *fileBuilder) message(d *messageDecl) {
	c := b.c
	if b.protocol == nil {
		c.errorf(d.Name.Pos, "messages are only allowed inside a protocol")
		return
	}
	doc := b.doc(d.Start)
	sp := c.readProps(d.Props, false, false, false)
	m := &schema.Message{Name: d.Name.Name, Doc: doc, Pos: d.Name.Pos, OneWay: d.Oneway}
	if d.Result == nil {
		m.Response = &schema.Primitive{T: schema.Null, Pos: d.ResultPos}
	} else {
		m.Response = b.plainType(d.Result, sp.hasProperties())
	}
	garbageBefore := len(b.garbage)
	seen := map[string]bool{}
	for _, fp := range d.Params {
		paramDoc := b.doc(fp.Start)
		t := b.fullType(fp.Type)
		f := b.variable(fp.Var, t, paramDoc)
		if seen[f.Name] {
			c.errorf(f.Pos, "Duplicate parameter %s in message %s", f.Name, m.Name)
		}
		seen[f.Name] = true
		m.Request = append(m.Request, f)
	}
	if len(b.garbage) > garbageBefore {
		// The reference pops the response type from its type stack after
		// the parameters; leftovers from a parameter's union come first.
		m.Response = b.garbage[len(b.garbage)-1]
		if u, ok := m.Response.(*schema.Union); ok && len(u.Branches) == 0 {
			c.errorf(u.Pos, "Nested union in a parameter of message %s: Java's IdlReader takes what this union leaves on its stack "+
				"as the message's response, here an empty union, \"response\": [ ]; no value can match an empty union, "+
				"so the message could never answer. Write the inner union's branches into the outer union instead", m.Name)
		}
	}
	if d.Oneway {
		if p, ok := m.Response.(*schema.Primitive); !ok || p.T != schema.Null {
			c.errorf(d.ResultPos, "One-way message '%s' must return void", m.Name)
		}
	}
	for _, e := range d.Throws {
		m.Errors = append(m.Errors, c.lookup(refFullName(b.currentNamespace(), e.Name), e.Pos))
	}
	c.copyProps(&m.Props, sp, messageReserved)
	b.putMessage(m)
}

// putMessage adds or replaces a message; a replaced one keeps its place
// (the reference keeps messages in a LinkedHashMap).
func (b *fileBuilder) putMessage(m *schema.Message) {
	if i, ok := b.msgIndex[m.Name]; ok {
		b.messages[i] = m
		return
	}
	b.msgIndex[m.Name] = len(b.messages)
	b.messages = append(b.messages, m)
}

// fullType builds a type with its annotations (enter/exitFullType).
func (b *fileBuilder) fullType(ft *fullType) schema.Schema {
	c := b.c
	sp := c.readProps(ft.Props, false, false, false)
	t := b.plainType(ft.Type, sp.hasProperties())
	target := t
	if u, ok := t.(*schema.Union); ok && c.optional[u] {
		// Annotations on T? go on T.
		target = u.Branches[1]
	}
	if sp.hasProperties() {
		c.copySchemaProps(target, sp)
	}
	return t
}

// plainType builds an array, map, union, primitive or reference. annotated
// says whether the enclosing declaration has annotations, which a type
// reference may not have.
func (b *fileBuilder) plainType(t typeNode, annotated bool) schema.Schema {
	c := b.c
	switch t := t.(type) {
	case *arrayType:
		return &schema.Array{Items: b.fullType(t.Elem), Pos: t.Pos}
	case *mapType:
		return &schema.Map{Values: b.fullType(t.Values), Pos: t.Pos}
	case *unionType:
		var branches []schema.Schema
		for _, ft := range t.Types {
			branches = append(branches, b.fullType(ft))
		}
		// The reference collects a union's branches by popping its type
		// stack down to the first union it meets, meaning to stop at its
		// own empty marker. A branch that is itself a union (T? or
		// union {...}) stops it early: only the branches after the last
		// such branch remain, and the marker and the branches before stay
		// on the stack (see message). There is no "nested union" error.
		//
		// When the last branch is a union, nothing remains: Java writes
		// "type": [ ] and accepts the file. avroctl refuses that one: no
		// value belongs to an empty union, so a record with such a field
		// can never be written or read (and the .avsc reader rejects it).
		if last, ok := branches[len(branches)-1].(*schema.Union); ok {
			c.errorf(last.Pos, "Nested union: the last branch of this union is itself a union (T? is a union with null), "+
				"which Java's IdlReader compiles to an empty union, \"type\": [ ]; no value can match an empty union, "+
				"so nothing could be written or read with it. Write the inner union's branches into the outer union instead")
		}
		for k := len(branches) - 1; k >= 0; k-- {
			if _, ok := branches[k].(*schema.Union); ok {
				b.garbage = append(b.garbage, &schema.Union{Pos: t.Pos})
				b.garbage = append(b.garbage, branches[:k]...)
				branches = branches[k+1:]
				break
			}
		}
		return c.newUnion(t.Pos, branches...)
	case *nullableType:
		var s schema.Schema
		if t.Prim != 0 {
			s = b.primitive(t)
		} else {
			if annotated {
				c.errorf(t.Pos, "Type references may not be annotated: move the annotation to the declaration of %s", t.Ref.Name)
			}
			s = c.lookup(refFullName(b.currentNamespace(), t.Ref.Name), t.Ref.Pos)
		}
		if t.Optional {
			u := c.newUnion(t.Pos, &schema.Primitive{T: schema.Null, Pos: t.Pos}, s)
			c.optional[u] = true
			return u
		}
		return s
	}
	panic("unreachable")
}

func (b *fileBuilder) primitive(t *nullableType) schema.Schema {
	p := &schema.Primitive{Pos: t.Pos}
	logical := func(base schema.Type, name string) schema.Schema {
		p.T = base
		p.Props.Set("logicalType", name)
		return p
	}
	switch t.Prim {
	case BOOLEAN:
		p.T = schema.Boolean
	case INT_KW:
		p.T = schema.Int
	case LONG:
		p.T = schema.Long
	case FLOAT_KW:
		p.T = schema.Float
	case DOUBLE:
		p.T = schema.Double
	case BYTES:
		p.T = schema.Bytes
	case STRING_KW:
		p.T = schema.String
	case NULL:
		p.T = schema.Null
	case DATE:
		return logical(schema.Int, "date")
	case TIME_MS:
		return logical(schema.Int, "time-millis")
	case TIMESTAMP_MS:
		return logical(schema.Long, "timestamp-millis")
	case LOCAL_TIMESTAMP_MS:
		return logical(schema.Long, "local-timestamp-millis")
	case UUID:
		return logical(schema.String, "uuid")
	case DECIMAL:
		// A number that is not an int is reported as such, once: its
		// value (0) must not draw a second, made-up error.
		precision, perr := decodeInt(t.Precision)
		if perr != nil {
			b.c.errorf(t.Pos, "Invalid decimal precision %s: %v; use an int from 1 to 2147483647", t.Precision, perr)
		}
		scale := 0
		var serr error
		if t.Scale != "" {
			if scale, serr = decodeInt(t.Scale); serr != nil {
				b.c.errorf(t.Pos, "Invalid decimal scale %s: %v; use an int from 0 to the precision", t.Scale, serr)
			}
		}
		switch {
		case perr != nil || serr != nil:
		case precision <= 0:
			b.c.errorf(t.Pos, "Invalid decimal precision: %d (must be positive)", precision)
		case scale < 0:
			b.c.errorf(t.Pos, "Invalid decimal scale: %d (must be positive)", scale)
		case scale > precision:
			b.c.errorf(t.Pos, "Invalid decimal scale: %d (greater than precision: %d)", scale, precision)
		}
		logical(schema.Bytes, "decimal")
		p.Props.Set("precision", schema.Number{Text: itoa(precision)})
		p.Props.Set("scale", schema.Number{Text: itoa(scale)})
	}
	return p
}
