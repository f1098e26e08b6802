// Package idlfmt writes schemas and protocols as Avro IDL, byte for byte as
// Java Avro 1.12.2 does (IdlSchemaFormatter, the "idl" SchemaFormatter, and
// IdlUtils.writeIdlSchemas / writeIdlProtocol).
//
// The output copies the reference's choices, including the lossy ones, so
// that a file written by either tool is the same file:
//
//   - a schema's namespace becomes the file's `namespace`; a named type in
//     another namespace gets @namespace, and one without a namespace under a
//     namespaced file gets @namespace("null") (Java appends its null);
//   - named types are declared at top level, first the main one, then in the
//     order they are first referenced (a queue, not depth first); a
//     protocol's types start in Java's Protocol.getTypes order (a nested
//     type before the type that contains it);
//   - a two-branch union with null whose other branch is not an array, map
//     or union is written `T?`, whichever branch null is;
//   - date, time-millis and timestamp-millis become date, time_ms and
//     timestamp_ms, a valid decimal on bytes decimal(p,s); other logical
//     types stay @logicalType(...) annotations;
//   - an enum's default and a protocol's doc are not written; bytes and
//     fixed defaults are written as nothing (`bytes b = ;`, and an array
//     loses such items); an integer default of a float or double is written
//     as Java prints the float (1.0); names are escaped with backticks only
//     where a type is declared, and only for the reference's keyword list;
//     a doc is written as is, even when it holds "*/".
//
// Each of these is a property of Java's writer, kept on purpose; the
// round-trip test in interop lists which ones change the schema.
package idlfmt

import (
	"fmt"
	"regexp"
	"strings"

	"gitlab.com/acme/avroctl/gen/schema"
)

// keywords are the words IdlUtils.safeName quotes with backticks.
var keywords = map[string]bool{}

func init() {
	for _, k := range strings.Fields("array boolean bytes date decimal double enum error false fixed float idl import int local_timestamp_ms long map namespace null oneway protocol record schema string throws timestamp_ms time_ms true union uuid void") {
		keywords[k] = true
	}
}

func safeName(name string) string {
	if keywords[name] {
		return "`" + name + "`"
	}
	return name
}

// Schema writes s as IdlSchemaFormatter.format does: `namespace` (if any),
// `schema Name;`, then every named type. s must be a named type (Java: "Not
// a named type").
func Schema(s schema.Schema) ([]byte, error) {
	n, ok := s.(schema.NamedSchema)
	if !ok {
		return nil, fmt.Errorf("only a named type (record, error, enum or fixed) can be written as an IDL schema, not a %s (Java's formatter refuses it too: Not a named type)", s.Type())
	}
	return Schemas(n.Names().Namespace, []schema.Schema{s})
}

// Schemas writes schemas as IdlUtils.writeIdlSchemas(namespace, schemas):
// one schema gets a `schema` line, several are declared in order (with the
// types they use) and none is the main one. namespace "" is none.
func Schemas(namespace string, schemas []schema.Schema) ([]byte, error) {
	if len(schemas) == 0 {
		return nil, fmt.Errorf("no schema to write")
	}
	w := newWriter()
	if namespace != "" {
		w.b.WriteString("namespace " + namespace + ";\n\n")
	}
	if len(schemas) == 1 {
		w.b.WriteString("schema ")
		if err := w.fieldSchema(schemas[0], namespace); err != nil {
			return nil, err
		}
		w.b.WriteString(";\n\n")
	} else {
		for _, s := range schemas {
			n, ok := s.(schema.NamedSchema)
			if !ok {
				return nil, fmt.Errorf("only named types can be declared in an IDL file, not a %s", s.Type())
			}
			w.enqueue(n)
		}
	}
	for len(w.queue) > 0 {
		if len(w.declared) > 0 {
			w.b.WriteByte('\n')
		}
		if err := w.declare(w.pop(), false, namespace); err != nil {
			return nil, err
		}
	}
	return []byte(w.b.String()), nil
}

// Protocol writes p as IdlUtils.writeIdlProtocol(Writer, Protocol).
func Protocol(p *schema.Protocol) ([]byte, error) {
	name, ns := p.Name, p.Namespace
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		ns, name = name[:i], name[i+1:]
	}
	w := newWriter()
	if ns != "" {
		w.b.WriteString(`@namespace("` + ns + "\")\n")
	}
	for _, m := range p.Props.List {
		if m.Key == "namespace" {
			continue
		}
		if err := w.prop(m, ""); err != nil {
			return nil, err
		}
		w.b.WriteByte('\n')
	}
	w.b.WriteString("protocol " + safeName(name) + " {\n")
	types := javaTypeOrder(p)
	for _, t := range types {
		w.enqueue(t)
	}
	first := true
	for len(w.queue) > 0 {
		if !first {
			w.b.WriteByte('\n')
		}
		if err := w.declare(w.pop(), true, ns); err != nil {
			return nil, err
		}
		first = false
	}
	if len(types) > 0 && len(p.Messages) > 0 {
		w.b.WriteByte('\n')
	}
	w.frozen = true // Java passes an unmodifiable set: every type is declared by now
	for _, m := range p.Messages {
		if err := w.message(m, ns); err != nil {
			return nil, err
		}
	}
	w.b.WriteString("}\n")
	return []byte(w.b.String()), nil
}

// javaTypeOrder lists p's named types as Java's Protocol.getTypes does:
// each type when its definition is complete, so a nested type comes before
// the type that contains it, and message-local types after the others.
func javaTypeOrder(p *schema.Protocol) []schema.NamedSchema {
	var out []schema.NamedSchema
	seen := map[string]bool{}
	var visit func(s schema.Schema)
	visit = func(s schema.Schema) {
		switch s := s.(type) {
		case *schema.Array:
			visit(s.Items)
		case *schema.Map:
			visit(s.Values)
		case *schema.Union:
			for _, b := range s.Branches {
				visit(b)
			}
		case schema.NamedSchema:
			full := s.Names().FullName()
			if seen[full] {
				return
			}
			seen[full] = true
			if r, ok := s.(*schema.Record); ok {
				for _, f := range r.Fields {
					visit(f.Type)
				}
			}
			out = append(out, s)
		}
	}
	for _, t := range p.Types {
		visit(t)
	}
	for _, m := range p.Messages {
		for _, f := range m.Request {
			visit(f.Type)
		}
		if m.Response != nil {
			visit(m.Response)
		}
		for _, e := range m.Errors {
			visit(e)
		}
	}
	return out
}

type writer struct {
	b        strings.Builder
	declared map[string]bool
	queue    []schema.NamedSchema
	queued   map[string]bool
	frozen   bool
}

func newWriter() *writer {
	return &writer{declared: map[string]bool{}, queued: map[string]bool{}}
}

// enqueue adds n to the types still to declare, once (Java's LinkedHashSet).
func (w *writer) enqueue(n schema.NamedSchema) error {
	full := n.Names().FullName()
	if w.queued[full] {
		return nil
	}
	if w.frozen {
		return fmt.Errorf("message uses type %s that the protocol does not declare", full)
	}
	w.queued[full] = true
	w.queue = append(w.queue, n)
	return nil
}

func (w *writer) pop() schema.NamedSchema {
	n := w.queue[0]
	w.queue = w.queue[1:]
	delete(w.queued, n.Names().FullName())
	return n
}

// declare writes a named type's declaration (IdlUtils.writeSchema).
func (w *writer) declare(s schema.NamedSchema, inProtocol bool, defaultNS string) error {
	indent := ""
	if inProtocol {
		indent = "    "
	}
	n := s.Names()
	if n.Doc != nil {
		w.doc(indent, *n.Doc)
	}
	for _, m := range n.Props.List {
		if err := w.prop(m, indent); err != nil {
			return err
		}
		w.b.WriteByte('\n')
	}
	if n.Namespace != defaultNS {
		ns := n.Namespace
		if ns == "" {
			ns = "null"
		}
		w.b.WriteString(indent + `@namespace("` + ns + "\")\n")
	}
	if aliases := dedupe(n.Aliases); len(aliases) > 0 {
		w.b.WriteString(indent + "@aliases(")
		w.stringList(aliases)
		w.b.WriteString(")\n")
	}
	name := safeName(n.Name)
	switch s := s.(type) {
	case *schema.Record:
		kw := "record"
		if s.IsError {
			kw = "error"
		}
		w.b.WriteString(indent + kw + " " + name + " {\n")
		w.declared[n.FullName()] = true
		fieldIndent := "    "
		if inProtocol {
			fieldIndent = "        "
		}
		for _, f := range s.Fields {
			if err := w.field(f, n.Namespace, fieldIndent); err != nil {
				return err
			}
			w.b.WriteString(";\n")
		}
		w.b.WriteString(indent + "}\n")
	case *schema.Enum:
		w.b.WriteString(indent + "enum " + name + " {\n")
		w.declared[n.FullName()] = true
		if len(s.Symbols) == 0 {
			return fmt.Errorf("enum %s has no symbol (Java: Enum schema must have at least a symbol)", n.FullName())
		}
		w.b.WriteString(indent + "    " + strings.Join(s.Symbols, ", "))
		w.b.WriteString("\n" + indent + "}\n")
	case *schema.Fixed:
		fmt.Fprintf(&w.b, "%sfixed %s(%d);\n", indent, name, s.Size)
		w.declared[n.FullName()] = true
	}
	return nil
}

// field writes a record field or a message parameter (IdlUtils.writeField).
// indent "" is a parameter on the message's line: no doc, no indentation.
func (w *writer) field(f *schema.Field, ns, indent string) error {
	if indent != "" {
		if f.Doc != nil {
			w.doc(indent, *f.Doc)
		}
		w.b.WriteString(indent)
	}
	if err := w.fieldSchema(f.Type, ns); err != nil {
		return err
	}
	w.b.WriteByte(' ')
	if aliases := dedupe(f.Aliases); len(aliases) > 0 {
		w.b.WriteString("@aliases(")
		w.stringList(aliases)
		w.b.WriteString(") ")
	}
	switch f.Order {
	case schema.Descending:
		w.b.WriteString(`@order("DESCENDING") `)
	case schema.Ignore:
		w.b.WriteString(`@order("IGNORE") `)
	}
	for _, m := range f.Props.List {
		if err := w.prop(m, ""); err != nil {
			return err
		}
		w.b.WriteByte(' ')
	}
	w.b.WriteString(f.Name)
	if f.HasDefault {
		w.b.WriteString(" = ")
		v, err := toObject(f.Default, f.Type)
		if err != nil {
			return fmt.Errorf("field %s: %w", f.Name, err)
		}
		if err := writeValue(&w.b, v); err != nil {
			return fmt.Errorf("field %s: %w", f.Name, err)
		}
	}
	return nil
}

// fieldSchema writes a type where it is used (IdlUtils.writeFieldSchema):
// a named type by name (queued for declaration), containers inline.
func (w *writer) fieldSchema(s schema.Schema, ns string) error {
	switch s := s.(type) {
	case schema.NamedSchema:
		n := s.Names()
		if n.Namespace == ns {
			w.b.WriteString(n.Name)
		} else {
			w.b.WriteString(n.FullName())
		}
		if !w.declared[n.FullName()] {
			return w.enqueue(s)
		}
		return nil
	case *schema.Array:
		if err := w.inlineProps(s.Props.List, nil); err != nil {
			return err
		}
		w.b.WriteString("array<")
		if err := w.fieldSchema(s.Items, ns); err != nil {
			return err
		}
		w.b.WriteByte('>')
		return nil
	case *schema.Map:
		if err := w.inlineProps(s.Props.List, nil); err != nil {
			return err
		}
		w.b.WriteString("map<")
		if err := w.fieldSchema(s.Values, ns); err != nil {
			return err
		}
		w.b.WriteByte('>')
		return nil
	case *schema.Union:
		if t := nullableType(s); t != nil {
			if err := w.fieldSchema(t, ns); err != nil {
				return err
			}
			w.b.WriteByte('?')
			return nil
		}
		if len(s.Branches) == 0 {
			return fmt.Errorf("an empty union cannot be written (Java: Union schemas must have member types)")
		}
		w.b.WriteString("union{")
		for i, b := range s.Branches {
			if i > 0 {
				w.b.WriteString(", ")
			}
			if err := w.fieldSchema(b, ns); err != nil {
				return err
			}
		}
		w.b.WriteByte('}')
		return nil
	case *schema.Primitive:
		typeName := s.T.String()
		var skip []string
		switch l := schema.LogicalOf(s); l.Name {
		case "date", "time-millis", "timestamp-millis":
			skip = []string{"logicalType"}
			typeName = strings.Replace(l.Name, "-millis", "_ms", 1)
		case "decimal":
			skip = []string{"logicalType", "precision", "scale"}
			typeName = fmt.Sprintf("decimal(%d,%d)", l.Precision, l.Scale)
		}
		if err := w.inlineProps(s.Props.List, skip); err != nil {
			return err
		}
		w.b.WriteString(typeName)
		return nil
	}
	return fmt.Errorf("unknown schema node %T", s)
}

// nullableType returns the branch a two-branch union with null is written
// `T?` with, or nil (IdlUtils.getNullableUnionType).
func nullableType(u *schema.Union) schema.Schema {
	if len(u.Branches) != 2 {
		return nil
	}
	a, b := u.Branches[0], u.Branches[1]
	var other schema.Schema
	switch {
	case a.Type() != schema.Null:
		if b.Type() != schema.Null {
			return nil
		}
		other = a
	default:
		other = b
	}
	switch other.Type() {
	case schema.ArrayType, schema.MapType, schema.UnionType:
		return nil
	}
	return other
}

// inlineProps writes properties before a type on one line: `@k(v) ` each.
func (w *writer) inlineProps(props []schema.Member, skip []string) error {
	for _, m := range props {
		if contains(skip, m.Key) {
			continue
		}
		if err := w.prop(m, ""); err != nil {
			return err
		}
		w.b.WriteByte(' ')
	}
	return nil
}

// prop writes indent + `@key(value)` (the caller adds the separator).
func (w *writer) prop(m schema.Member, indent string) error {
	w.b.WriteString(indent + "@" + m.Key + "(")
	v, err := toObject(m.Value, nil)
	if err == nil {
		err = writeValue(&w.b, v)
	}
	if err != nil {
		return fmt.Errorf("property %s: %w", m.Key, err)
	}
	w.b.WriteByte(')')
	return nil
}

func (w *writer) message(m *schema.Message, ns string) error {
	if m.Doc != nil {
		w.doc("    ", *m.Doc)
	}
	for _, p := range m.Props.List {
		if err := w.prop(p, "    "); err != nil {
			return err
		}
		w.b.WriteByte('\n')
	}
	w.b.WriteString("    ")
	resp := m.Response
	if resp == nil {
		resp = &schema.Primitive{T: schema.Null}
	}
	if err := w.fieldSchema(resp, ns); err != nil {
		return err
	}
	w.b.WriteString(" " + m.Name + "(")
	multiline := false
	for _, f := range m.Request {
		if f.Doc != nil && !isBlank(*f.Doc) {
			multiline = true
		}
	}
	if multiline {
		w.b.WriteByte('\n')
	}
	for i, f := range m.Request {
		switch {
		case i == 0:
		case multiline:
			w.b.WriteString(",\n")
		default:
			w.b.WriteString(", ")
		}
		indent := ""
		if multiline {
			indent = "        "
		}
		if err := w.field(f, ns, indent); err != nil {
			return err
		}
	}
	if multiline {
		w.b.WriteString("\n    ")
	}
	w.b.WriteByte(')')
	if m.OneWay {
		w.b.WriteString(" oneway;\n")
		return nil
	}
	first := true
	for _, e := range m.Errors {
		if e.Type() == schema.String {
			continue
		}
		if first {
			w.b.WriteString(" throws ")
			first = false
		} else {
			w.b.WriteString(", ")
		}
		n, ok := e.(schema.NamedSchema)
		if !ok {
			return fmt.Errorf("message %s: error type %s is not named", m.Name, e.Type())
		}
		if n.Names().Namespace == ns {
			w.b.WriteString(n.Names().Name)
		} else {
			w.b.WriteString(n.Names().FullName())
		}
	}
	w.b.WriteString(";\n")
	return nil
}

// lineBreak is Java's (?U)\R: any Unicode line break, \r\n as one.
var lineBreak = regexp.MustCompile("\r\n|[\n\v\f\r\u0085\u2028\u2029]")

// doc writes a doc comment (IdlUtils.formatDocumentationComment): one line
// as `/** doc */`, several as `/** ` then ` * line` each and ` */`. A blank
// doc (Java's trim) is not written; "*/" inside is not escaped (nor by Java).
func (w *writer) doc(indent, doc string) {
	if isBlank(doc) {
		return
	}
	w.b.WriteString(indent + "/** ")
	if !lineBreak.MatchString(doc) {
		w.b.WriteString(doc + " */\n")
		return
	}
	sep := "\n" + indent + " * "
	w.b.WriteString(sep)
	w.b.WriteString(lineBreak.ReplaceAllLiteralString(doc, sep))
	w.b.WriteString("\n" + indent + " */\n")
}

// isBlank is doc.trim().isEmpty(): Java's trim drops every char <= ' '.
func isBlank(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] > ' ' {
			return false
		}
	}
	return true
}

// stringList writes names as a JSON array in IdlUtils' layout: ["a", "b"].
func (w *writer) stringList(names []string) {
	w.b.WriteByte('[')
	for i, a := range names {
		if i > 0 {
			w.b.WriteString(", ")
		}
		quote(&w.b, a)
	}
	w.b.WriteByte(']')
}

// dedupe keeps the first of each name (Java keeps aliases in a LinkedHashSet).
func dedupe(names []string) []string {
	if len(names) < 2 {
		return names
	}
	seen := map[string]bool{}
	out := names[:0:0]
	for _, n := range names {
		if !seen[n] {
			seen[n] = true
			out = append(out, n)
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
