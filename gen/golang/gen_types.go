package golang

import (
	"fmt"
	"strconv"
	"strings"

	"gitlab.com/acme/avroctl/gen/schema"
)

// docLines turns an Avro doc into Go comment lines.
func docLines(doc *string) []string {
	if doc == nil || strings.TrimSpace(*doc) == "" {
		return nil
	}
	text := strings.ReplaceAll(strings.TrimSpace(*doc), "\r\n", "\n")
	var out []string
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimRight(line, " \t\r")
		if line == "" {
			out = append(out, "//")
			continue
		}
		out = append(out, "// "+line)
	}
	return out
}

func genTypeComment(g *generatedFile, goName, what string, n *schema.Named) {
	g.P("// ", goName, " is the Avro ", what, " ", n.FullName(), ".")
	if lines := docLines(n.Doc); lines != nil {
		g.P("//")
		for _, l := range lines {
			g.P(l)
		}
	}
}

func genRecord(m *model, g *generatedFile, t *typeInfo, r *schema.Record) error {
	rt := func(name string) string { return g.qualify(m.runtimeImport(), name) }
	kind := "record"
	if r.IsError {
		kind = "error record"
	}
	ctorFields, err := m.constructorFields(g, r)
	if err != nil {
		return err
	}
	sets := map[int]bool{}
	for _, f := range ctorFields {
		sets[f.field] = true
	}
	genTypeComment(g, t.goName, kind, &r.Named)
	g.P("type ", t.goName, " struct {")
	for i, f := range r.Fields {
		for _, l := range docLines(f.Doc) {
			g.P(l)
		}
		extra := calendarDoc(f.Type)
		ctor := ""
		if sets[i] {
			ctor = t.ctor
		}
		if d := defaultDoc(f, ctor); d != "" {
			extra = append(extra, d)
		}
		if extra != nil {
			if f.Doc != nil {
				g.P("//")
			}
			for _, l := range extra {
				g.P(l)
			}
		}
		typ := m.goType(g, f.Type)
		if m.cyclic[f] {
			if f.Doc != nil {
				g.P("//")
			}
			g.P("// ", t.fields[i], " is a pointer only because its type requires a value of")
			g.P("// ", r.Name, "'s type again, so no finite value exists: encoding a nil")
			g.P("// ", t.fields[i], " is an error naming the field, and decoding always fails.")
			typ = "*" + typ
		}
		g.P(t.fields[i], " ", typ, " `avro:", strconv.Quote(f.Name), "`")
	}
	g.P("}")
	g.P()
	genConstructor(m, g, t, r, ctorFields)
	g.P()

	json := schema.Marshal(r)
	g.P("const (")
	g.P("// _", t.goName, "_avroSchema is the writer schema of ", t.goName, ", as Java's Schema.toString() prints it.")
	g.P("_", t.goName, "_avroSchema = ", strconv.Quote(string(json)))
	g.P("// ", t.goName, "AvroFingerprint is the CRC-64-AVRO (Rabin) fingerprint of the schema's Parsing Canonical Form.")
	g.P(t.goName, "AvroFingerprint uint64 = ", fmt.Sprintf("%#016x", schema.Fingerprint64(r)))
	g.P("// ", t.goName, "AvroFingerprintMD5 is the MD5 fingerprint of the Parsing Canonical Form, in hex.")
	g.P(t.goName, "AvroFingerprintMD5 = \"", fmt.Sprintf("%x", schema.FingerprintMD5(r)), "\"")
	g.P("// ", t.goName, "AvroFingerprintSHA256 is the SHA-256 fingerprint of the Parsing Canonical Form, in hex.")
	g.P(t.goName, "AvroFingerprintSHA256 = \"", fmt.Sprintf("%x", schema.FingerprintSHA256(r)), "\"")
	g.P(")")
	g.P()
	g.P("// ", t.goName, " implements the runtime's Record interface.")
	g.P("var _ ", rt("Record"), " = (*", t.goName, ")(nil)")
	g.P()
	g.P("// AvroSchema returns the full Avro schema of ", t.goName, " as JSON.")
	g.P("func (", t.goName, ") AvroSchema() string { return _", t.goName, "_avroSchema }")
	g.P()
	g.P("// AvroFingerprint returns ", t.goName, "AvroFingerprint.")
	g.P("func (", t.goName, ") AvroFingerprint() uint64 { return ", t.goName, "AvroFingerprint }")
	g.P()
	g.P("// MarshalAvro returns the Avro binary encoding of x.")
	g.P("func (x *", t.goName, ") MarshalAvro() ([]byte, error) { return x.AppendAvro(nil) }")
	g.P()

	enc := newBody(m, g, "_"+t.goName+"_")
	for i, f := range r.Fields {
		if m.cyclic[f] {
			enc.encodeCyclic("x."+t.fields[i], r.Name+"."+f.Name)
			continue
		}
		enc.encode(f.Type, "x."+t.fields[i], r.Name+"."+f.Name)
	}
	for _, d := range enc.decls {
		g.P("// ", strings.Fields(d)[0], " lends sorted entries to encode a map field in key order.")
		g.P("var ", d)
		g.P()
	}
	g.P("// AppendAvro appends the Avro binary encoding of x to dst. It does not")
	g.P("// allocate when dst has room (maps borrow a pooled entry slice to encode")
	g.P("// in sorted, deterministic order).")
	g.P("func (x *", t.goName, ") AppendAvro(dst []byte) ([]byte, error) {")
	if enc.usesErr {
		g.P("var err error")
	}
	g.buf.Write(enc.buf.Bytes())
	g.P("return dst, nil")
	g.P("}")
	g.P()

	g.P("// UnmarshalAvro decodes x from data written with x's own schema. The whole")
	g.P("// input must be one value. Data written with another version of the schema")
	g.P("// must be read with UnmarshalAvroFrom.")
	g.P("func (x *", t.goName, ") UnmarshalAvro(b []byte) error {")
	g.P("d := ", rt("NewDecoder"), "(b)")
	g.P("*x = ", t.goName, "{}")
	g.P("x.DecodeAvro(&d)")
	g.P("return d.Finish()")
	g.P("}")
	g.P()
	dec := newBody(m, g, "_"+t.goName+"_dec_")
	for i, f := range r.Fields {
		if m.cyclic[f] {
			dec.decodeCyclic(f.Type, r.Name+"."+f.Name)
			continue
		}
		dec.decode(f.Type, "x."+t.fields[i])
	}
	g.P("// DecodeAvro decodes x from d; errors are recorded in d. It is used by")
	g.P("// the types that contain ", t.goName, ".")
	g.P("func (x *", t.goName, ") DecodeAvro(d *", rt("Decoder"), ") {")
	if m.recursive[r] {
		g.P("// ", t.goName, " can contain itself: bound the nesting (see avro.MaxRecursionDepth).")
		g.P("if !d.Enter() {")
		g.P("return")
		g.P("}")
		g.P("defer d.Leave()")
	}
	g.buf.Write(dec.buf.Bytes())
	g.P("}")
	g.P()
	g.P("// _", t.goName, "_resolver resolves writer schemas against ", t.goName, "'s schema; plans are cached.")
	g.P("var _", t.goName, "_resolver = ", rt("NewResolver"), "(_", t.goName, "_avroSchema)")
	g.P()
	g.P("// UnmarshalAvroFrom decodes x from data written with the writer schema w,")
	g.P("// applying Avro schema resolution (defaults, promotions, enum and union")
	g.P("// matching, aliases).")
	g.P("func (x *", t.goName, ") UnmarshalAvroFrom(w *", rt("WriterSchema"), ", b []byte) error {")
	g.P("return _", t.goName, "_resolver.Unmarshal(w, b, x)")
	g.P("}")
	genRecordJSON(m, g, t, r)
	for _, u := range t.unions {
		genUnionDecl(m, g, u)
	}
	return nil
}

func genUnionDecl(m *model, g *generatedFile, u *unionInfo) {
	var names []string
	for _, b := range u.u.Branches {
		names = append(names, branchLabel(b))
	}
	g.P()
	g.P("// ", u.name, " is the union ", u.owner, ": one of ", strings.Join(names, ", "), ".")
	if u.nullIdx >= 0 {
		g.P("// A nil ", u.name, " is null.")
	}
	g.P("type ", u.name, " interface{ ", u.marker, "() }")
	c := 0
	for i, b := range u.u.Branches {
		if u.wrappers[i] == "" {
			continue
		}
		w := u.wrappers[i]
		typ := m.goType(g, b)
		g.P()
		g.P("// ", w, " is the ", names[i], " branch of ", u.name, ".")
		g.P("type ", w, " struct{ Value ", typ, " }")
		g.P()
		g.P("func (", w, ") ", u.marker, "() {}")
		g.P()
		g.P("// ", u.ctors[c], " returns v as a ", u.name, ".")
		g.P("func ", u.ctors[c], "(v ", typ, ") ", u.name, " { return ", w, "{Value: v} }")
		genWrapperJSON(m, g, u, i, w)
		c++
	}
	genUnionJSON(m, g, u)
}

// branchLabel names a union branch for documentation.
func branchLabel(s schema.Schema) string {
	if n, ok := s.(schema.NamedSchema); ok {
		return n.Names().FullName()
	}
	if l := schema.LogicalOf(s); l.Name != "" {
		return l.Name
	}
	return s.Type().String()
}

func genEnum(m *model, g *generatedFile, t *typeInfo, e *schema.Enum) {
	rt := func(name string) string { return g.qualify(m.runtimeImport(), name) }
	genTypeComment(g, t.goName, "enum", &e.Named)
	g.P("//")
	if e.HasDefault {
		g.P("// The zero value, \"\", encodes as the schema's default symbol, ", e.Default, ".")
	} else {
		g.P("// The zero value, \"\", is no symbol: encoding it is an error naming the")
		g.P("// field (the enum has no default symbol to stand for).")
	}
	g.P("type ", t.goName, " string")
	g.P()
	g.P("// The symbols of ", t.goName, ".")
	g.P("const (")
	for i, sym := range e.Symbols {
		g.P(t.consts[i], " ", t.goName, " = ", strconv.Quote(sym))
	}
	g.P(")")
	g.P()
	if e.HasDefault {
		g.P("// ", t.goName, "AvroDefault is the schema's default symbol: readers use it for")
		g.P("// symbols written by a newer schema that they do not know.")
		g.P("const ", t.goName, "AvroDefault = ", t.consts[e.SymbolIndex(e.Default)])
		g.P()
	}
	g.P("// _", t.goName, "_symbols lists the symbols in schema order (their encoded index).")
	g.P("var _", t.goName, "_symbols = [...]", t.goName, "{", strings.Join(t.consts, ", "), "}")
	g.P()
	g.P("// String returns the symbol.")
	g.P("func (e ", t.goName, ") String() string { return string(e) }")
	g.P()
	g.P("// Valid reports whether e is one of the schema's symbols.")
	g.P("func (e ", t.goName, ") Valid() bool {")
	if len(t.consts) > 0 {
		g.P("switch e {")
		g.P("case ", strings.Join(t.consts, ", "), ":")
		g.P("return true")
		g.P("}")
	}
	g.P("return false")
	g.P("}")
	g.P()
	if e.HasDefault {
		g.P("// AppendAvro appends the symbol's index; the zero value is the default")
		g.P("// symbol, ", e.Default, "; an unknown symbol is an error.")
	} else {
		g.P("// AppendAvro appends the symbol's index; an unknown symbol, and the zero")
		g.P("// value, are errors.")
	}
	g.P("func (e ", t.goName, ") AppendAvro(dst []byte) ([]byte, error) {")
	g.P("switch e {")
	for i := range e.Symbols {
		if e.HasDefault && e.Symbols[i] == e.Default {
			g.P("case ", t.consts[i], ", \"\":")
		} else {
			g.P("case ", t.consts[i], ":")
		}
		g.P("return ", rt("AppendInt"), "(dst, ", i, "), nil")
	}
	if !e.HasDefault {
		g.P("case \"\":")
		g.P("return dst, ", rt("Errorf"), "(", strconv.Quote(e.FullName()), ", \"no symbol set (the zero value of ", e.FullName(), ", which has no default)\")")
	}
	g.P("}")
	g.P("return dst, ", rt("Errorf"), "(", strconv.Quote(e.FullName()), ", \"unknown symbol %s of ", e.FullName(), "\", ", rt("Quote"), "(string(e)))")
	g.P("}")
	g.P()
	g.P("// DecodeAvro decodes a symbol index from d.")
	g.P("func (e *", t.goName, ") DecodeAvro(d *", rt("Decoder"), ") {")
	g.P("i := d.EnumIndex(len(_", t.goName, "_symbols))")
	g.P("if d.Err() == nil {")
	g.P("*e = _", t.goName, "_symbols[i]")
	g.P("}")
	g.P("}")
	genEnumJSON(m, g, t, e)
}

func genFixed(m *model, g *generatedFile, t *typeInfo, f *schema.Fixed) {
	rt := func(name string) string { return g.qualify(m.runtimeImport(), name) }
	genTypeComment(g, t.goName, fmt.Sprintf("fixed(%d)", f.Size), &f.Named)
	g.P("type ", t.goName, " [", f.Size, "]byte")
	g.P()
	g.P("// AppendAvro appends the bytes of f.")
	g.P("func (f ", t.goName, ") AppendAvro(dst []byte) ([]byte, error) { return append(dst, f[:]...), nil }")
	g.P()
	g.P("// DecodeAvro decodes f from d.")
	g.P("func (f *", t.goName, ") DecodeAvro(d *", rt("Decoder"), ") { d.Fixed(f[:]) }")
	genFixedJSON(m, g, t, f)
}
