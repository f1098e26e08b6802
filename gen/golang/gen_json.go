package golang

import (
	"strconv"
	"strings"

	"gitlab.com/acme/avroctl/gen/schema"
)

// The Avro JSON encoding of the generated types (AppendAvroJSON,
// MarshalAvroJSON, UnmarshalAvroJSON, DecodeAvroJSON): straight-line code
// per type over the runtime's JSON appenders and its JSONDecoder scanner,
// no reflection. The text is what Java's JsonEncoder writes (and
// gen/datum's AvroJSON format); see runtime/avro/json.go.

// jsonBranchName is the name Avro JSON gives a union branch: the full name
// of a named type, else the type's name ("int", "array", "map"); a logical
// type is its underlying type's. It is gen/datum's BranchName.
func jsonBranchName(s schema.Schema) string {
	if n, ok := s.(schema.NamedSchema); ok {
		return n.Names().FullName()
	}
	return s.Type().String()
}

func jsonBranchList(u *schema.Union) string {
	var names []string
	for _, b := range u.Branches {
		names = append(names, jsonBranchName(b))
	}
	return strings.Join(names, ", ")
}

// lit emits the appending of a constant text; adjacent ones are merged.
func (b *body) lit(text string) { b.pending += text }

// flush emits the pending constant text.
func (b *body) flush() {
	text := b.pending
	if text == "" {
		return
	}
	b.pending = ""
	if len(text) == 1 {
		b.P("dst = append(dst, ", strconv.QuoteRune(rune(text[0])), ")")
		return
	}
	b.P("dst = append(dst, ", strconv.Quote(text), "...)")
}

// encodeJSON emits code appending the Avro JSON of expr, of schema s.
func (b *body) encodeJSON(s schema.Schema, expr, path string) {
	if l := schema.LogicalOf(s); l.Name != "" && b.encodeJSONLogical(s, l, expr, path) {
		return
	}
	switch s := s.(type) {
	case *schema.Primitive:
		if s.T == schema.Null {
			b.lit("null")
			return
		}
		fn := map[schema.Type]string{schema.Boolean: "AppendJSONBool", schema.Int: "AppendJSONInt",
			schema.Long: "AppendJSONLong", schema.Float: "AppendJSONFloat", schema.Double: "AppendJSONDouble",
			schema.Bytes: "AppendJSONBytes", schema.String: "AppendJSONString"}[s.T]
		b.P("dst = ", b.rt(fn), "(dst, ", expr, ")")
	case *schema.Record:
		b.usesErr = true
		b.P("if dst, err = ", expr, ".AppendAvroJSON(dst); err != nil {")
		b.P("return dst, err")
		b.P("}")
	case *schema.Enum:
		b.usesErr = true
		b.P("if dst, err = ", expr, ".AppendAvroJSON(dst); err != nil {")
		b.P("return dst, ", b.rt("FieldError"), "(", strconv.Quote(path), ", err)")
		b.P("}")
	case *schema.Fixed:
		b.P("dst = ", b.rt("AppendJSONBytes"), "(dst, ", expr, "[:])")
	case *schema.Array:
		b.lit("[")
		i := b.tmp("i")
		b.P("for ", i, " := range ", expr, " {")
		b.P("if ", i, " > 0 {")
		b.lit(",")
		b.P("}")
		b.encodeJSON(s.Items, expr+"["+i+"]", path+"[]")
		b.P("}")
		b.lit("]")
	case *schema.Map:
		// Keys in sorted order, as the binary encoding writes them.
		es, e := b.tmp("es"), b.tmp("e")
		pool := b.decl("entries", b.rt("EntryPool")+"["+b.m.goType(b.g, s.Values)+"]")
		b.lit("{")
		b.P("if len(", expr, ") > 0 {")
		b.P(es, " := ", pool, ".Sorted(", expr, ")")
		b.P("for ", e, " := range ", es, ".List {")
		b.P("if ", e, " > 0 {")
		b.lit(",")
		b.P("}")
		b.P("dst = ", b.rt("AppendJSONString"), "(dst, ", es, ".List[", e, "].Key)")
		b.lit(":")
		b.encodeJSON(s.Values, es+".List["+e+"].Value", path+"{}")
		b.P("}")
		b.P(es, ".Release()")
		b.P("}")
		b.lit("}")
	case *schema.Union:
		b.encodeJSONUnion(s, expr, path)
	default:
		panic("unreachable")
	}
}

func (b *body) encodeJSONUnion(s *schema.Union, expr, path string) {
	u := b.m.unions[s]
	if u.nullable {
		v := s.Branches[u.valueIdx]
		b.P("if ", expr, " == nil {")
		b.lit("null")
		b.P("} else {")
		b.lit("{" + strconv.Quote(jsonBranchName(v)) + ":")
		if isCollection(v) {
			b.encodeJSON(v, expr, path)
		} else {
			b.encodeJSON(v, "(*"+expr+")", path)
		}
		b.lit("}")
		b.P("}")
		return
	}
	uv := b.tmp("u")
	b.P("switch ", uv, " := ", expr, ".(type) {")
	b.P("case nil:")
	if u.nullIdx >= 0 {
		b.lit("null")
	} else {
		b.P("return dst, ", b.rt("Errorf"), "(", strconv.Quote(path), ", \"union has no value (it has no null branch)\")")
	}
	for i, br := range s.Branches {
		if u.wrappers[i] == "" {
			continue
		}
		b.P("case ", b.g.qualify(u.pkg.importPath, u.wrappers[i]), ":")
		b.lit("{" + strconv.Quote(jsonBranchName(br)) + ":")
		b.encodeJSON(br, uv+".Value", path)
		b.lit("}")
	}
	b.P("default:")
	b.P("return dst, ", b.rt("Errorf"), "(", strconv.Quote(path), ", \"%T is not a branch of the union\", ", uv, ")")
	b.P("}")
}

// encodeJSONLogical emits the Avro JSON of a logical type: its underlying
// value. false means s has no Go mapping and is written as its base type.
func (b *body) encodeJSONLogical(s schema.Schema, l schema.Logical, expr, path string) bool {
	switch l.Name {
	case "decimal":
		b.usesErr = true
		if f, ok := s.(*schema.Fixed); ok {
			b.P("if dst, err = ", b.rt("AppendJSONDecimalFixed"), "(dst, ", expr, ", ", l.Precision, ", ", l.Scale, ", ", f.Size, "); err != nil {")
		} else {
			b.P("if dst, err = ", b.rt("AppendJSONDecimalBytes"), "(dst, ", expr, ", ", l.Precision, ", ", l.Scale, "); err != nil {")
		}
		b.P("return dst, ", b.rt("Errorf"), "(", strconv.Quote(path), ", \"%v\", err)")
		b.P("}")
	case "big-decimal":
		b.P("dst = ", b.rt("AppendJSONBigDecimal"), "(dst, ", expr, ")")
	case "uuid":
		if s.Type() == schema.FixedType {
			b.P("dst = ", b.rt("AppendJSONBytes"), "(dst, ", expr, "[:])")
		} else {
			b.P("dst = ", b.rt("AppendJSONUUID"), "(dst, ", expr, ")")
		}
	case "duration":
		b.P("dst = ", b.rt("AppendJSONDuration"), "(dst, ", expr, ")")
	case "date":
		b.P("dst = ", b.rt("AppendJSONInt"), "(dst, ", b.rt("DaysFromDate"), "(", expr, "))")
	case "time-millis":
		b.P("dst = ", b.rt("AppendJSONInt"), "(dst, ", b.rt("MillisOfDay"), "(", expr, "))")
	case "time-micros":
		b.P("dst = ", b.rt("AppendJSONLong"), "(dst, ", b.rt("MicrosOfDay"), "(", expr, "))")
	case "timestamp-millis", "timestamp-micros", "timestamp-nanos":
		b.P("dst = ", b.rt("AppendJSONLong"), "(dst, ", expr, ".Unix", timeUnit(l.Name), "())")
	case "local-timestamp-millis", "local-timestamp-micros", "local-timestamp-nanos":
		b.P("dst = ", b.rt("AppendJSONLong"), "(dst, ", b.rt("Local"+timeUnit(l.Name)+"s"), "(", expr, "))")
	default:
		return false
	}
	return true
}

// decodeJSON emits code reading a value of schema s from the JSONDecoder d
// into target. Logical types reuse the binary emitter: the JSONDecoder has
// the Decoder's methods for them (Decimal, UUID, Duration, Int, Long).
func (b *body) decodeJSON(s schema.Schema, target string) {
	if l := schema.LogicalOf(s); l.Name != "" && b.decodeLogical(s, l, target) {
		return
	}
	switch s := s.(type) {
	case *schema.Primitive:
		if s.T == schema.Null {
			b.P("d.ReadNull()")
			return
		}
		fn := map[schema.Type]string{schema.Boolean: "Bool", schema.Int: "Int",
			schema.Long: "Long", schema.Float: "Float", schema.Double: "Double",
			schema.Bytes: "Bytes", schema.String: "String"}[s.T]
		b.P(target, " = d.", fn, "()")
	case *schema.Record, *schema.Enum:
		b.P(target, ".DecodeAvroJSON(d)")
	case *schema.Fixed:
		b.P("d.Fixed(", target, "[:])")
	case *schema.Array:
		more, v := b.tmp("more"), b.tmp("v")
		typ := b.m.goType(b.g, s.Items)
		b.P("for ", more, " := d.BeginArray(); ", more, "; ", more, " = d.NextItem() {")
		// A few items' room at once (the count is not known before the
		// items are read): most arrays are short.
		b.P("if ", target, " == nil {")
		b.P(target, " = make([]", typ, ", 0, 4)")
		b.P("}")
		b.P("var ", v, " ", typ)
		b.decodeJSON(s.Items, v)
		b.P(target, " = append(", target, ", ", v, ")")
		b.P("}")
	case *schema.Map:
		more, k, v := b.tmp("more"), b.tmp("k"), b.tmp("v")
		typ := b.m.goType(b.g, s.Values)
		b.P("for ", more, " := d.BeginObject(\"an object (map)\"); ", more, "; ", more, " = d.NextKey() {")
		b.P("if ", target, " == nil {")
		b.P(target, " = map[string]", typ, "{}")
		b.P("}")
		b.P(k, " := string(d.Key())")
		b.P("var ", v, " ", typ)
		b.decodeJSON(s.Values, v)
		b.P(target, "[", k, "] = ", v)
		b.P("}")
	case *schema.Union:
		b.decodeJSONUnion(s, target)
	default:
		panic("unreachable")
	}
}

func (b *body) decodeJSONUnion(s *schema.Union, target string) {
	u := b.m.unions[s]
	list := strconv.Quote(jsonBranchList(s))
	if u.nullIdx >= 0 {
		b.P("if d.Null() {")
		b.P(target, " = nil")
		b.P("} else if d.BeginUnion(", list, ") {")
	} else {
		b.P("if d.BeginUnion(", list, ") {")
	}
	b.P("switch string(d.Key()) {")
	for i, br := range s.Branches {
		if i == u.nullIdx {
			continue
		}
		b.P("case ", strconv.Quote(jsonBranchName(br)), ":")
		if u.nullable {
			switch br.Type() {
			case schema.ArrayType, schema.MapType:
				// Non-nil even when empty: nil means null.
				b.P(target, " = ", b.m.goType(b.g, br), "{}")
				b.decodeJSON(br, target)
			default:
				if br.Type() == schema.String && schema.LogicalOf(br).Name == "" {
					b.P(target, " = d.StringPtr()")
					break
				}
				b.P(target, " = new(", b.m.goType(b.g, br), ")")
				b.decodeJSON(br, "(*"+target+")")
			}
			continue
		}
		w := b.tmp("w")
		b.P("var ", w, " ", b.g.qualify(u.pkg.importPath, u.wrappers[i]))
		b.decodeJSON(br, w+".Value")
		b.P(target, " = ", w)
	}
	b.P("default:")
	b.P("d.UnknownBranch(", list, ")")
	b.P("}")
	b.P("d.EndUnion()")
	b.P("}")
}

// genRecordJSON emits a record's Avro JSON methods.
func genRecordJSON(m *model, g *generatedFile, t *typeInfo, r *schema.Record) {
	rt := func(name string) string { return g.qualify(m.runtimeImport(), name) }
	full := r.FullName()
	enc := newBody(m, g, "_"+t.goName+"_json_")
	for i, f := range r.Fields {
		sep := ","
		if i == 0 {
			sep = "{"
		}
		enc.lit(sep + strconv.Quote(f.Name) + ":")
		if m.cyclic[f] {
			path := r.Name + "." + f.Name
			enc.usesErr = true
			enc.P("if x.", t.fields[i], " == nil {")
			enc.P("return dst, ", enc.rt("Errorf"), "(", strconv.Quote(path), ", \"required field is nil (its type requires itself, so no finite value exists)\")")
			enc.P("}")
			enc.P("if dst, err = x.", t.fields[i], ".AppendAvroJSON(dst); err != nil {")
			enc.P("return dst, err")
			enc.P("}")
			continue
		}
		enc.encodeJSON(f.Type, "x."+t.fields[i], r.Name+"."+f.Name)
	}
	if len(r.Fields) == 0 {
		enc.lit("{}")
	} else {
		enc.lit("}")
	}
	enc.flush()
	g.P()
	for _, d := range enc.decls {
		g.P("// ", strings.Fields(d)[0], " lends sorted entries to write a map field in key order.")
		g.P("var ", d)
		g.P()
	}
	g.P("// MarshalAvroJSON returns the Avro JSON encoding of x, byte for byte as")
	g.P("// Java's JsonEncoder writes it.")
	g.P("func (x *", t.goName, ") MarshalAvroJSON() ([]byte, error) { return x.AppendAvroJSON(nil) }")
	g.P()
	g.P("// AppendAvroJSON appends the Avro JSON encoding of x to dst.")
	g.P("func (x *", t.goName, ") AppendAvroJSON(dst []byte) ([]byte, error) {")
	if enc.usesErr {
		g.P("var err error")
	}
	g.buf.Write(enc.buf.Bytes())
	g.P("return dst, nil")
	g.P("}")
	g.P()
	g.P("// UnmarshalAvroJSON decodes x from its Avro JSON encoding, as Java's")
	g.P("// JsonDecoder reads it (see avro.JSONDecoder). The whole input must be one")
	g.P("// value; errors name the byte offset.")
	g.P("func (x *", t.goName, ") UnmarshalAvroJSON(b []byte) error {")
	g.P("d := ", rt("NewJSONDecoder"), "(b)")
	g.P("*x = ", t.goName, "{}")
	g.P("x.DecodeAvroJSON(&d)")
	g.P("return d.Finish()")
	g.P("}")
	g.P()
	dec := newBody(m, g, "_"+t.goName+"_jsondec_")
	for i, f := range r.Fields {
		dec.P("case ", strconv.Quote(f.Name), ":")
		dec.P("if seen[", i, "] {")
		dec.P("d.DuplicateField(", strconv.Quote(full), ")")
		dec.P("return")
		dec.P("}")
		dec.P("seen[", i, "] = true")
		if m.cyclic[f] {
			dec.decodeCyclic(f.Type, r.Name+"."+f.Name)
			continue
		}
		dec.decodeJSON(f.Type, "x."+t.fields[i])
	}
	names := make([]string, len(r.Fields))
	for i, f := range r.Fields {
		names[i] = strconv.Quote(f.Name)
	}
	if len(r.Fields) > 0 {
		g.P("// _", t.goName, "_jsonFields names the fields, for errors about missing ones.")
		g.P("var _", t.goName, "_jsonFields = [...]string{", strings.Join(names, ", "), "}")
		g.P()
	}
	g.P("// DecodeAvroJSON decodes x from d; errors are recorded in d. Fields may")
	g.P("// come in any order, each exactly once.")
	g.P("func (x *", t.goName, ") DecodeAvroJSON(d *", rt("JSONDecoder"), ") {")
	if len(r.Fields) > 0 {
		g.P("var seen [", len(r.Fields), "]bool")
	}
	g.P("for more := d.BeginObject(", strconv.Quote("an object (record "+full+")"), "); more; more = d.NextKey() {")
	g.P("switch string(d.Key()) {")
	g.buf.Write(dec.buf.Bytes())
	g.P("default:")
	g.P("d.UnknownField(", strconv.Quote(full), ")")
	g.P("return")
	g.P("}")
	g.P("}")
	if len(r.Fields) > 0 {
		g.P("if d.Err() != nil {")
		g.P("return")
		g.P("}")
		g.P("for i, ok := range seen {")
		g.P("if !ok {")
		g.P("d.MissingField(", strconv.Quote(full), ", _", t.goName, "_jsonFields[i])")
		g.P("return")
		g.P("}")
		g.P("}")
	}
	g.P("}")
}

// genEnumJSON emits an enum's Avro JSON methods.
func genEnumJSON(m *model, g *generatedFile, t *typeInfo, e *schema.Enum) {
	rt := func(name string) string { return g.qualify(m.runtimeImport(), name) }
	g.P()
	g.P("// MarshalAvroJSON returns the Avro JSON encoding of e: the quoted symbol.")
	g.P("func (e ", t.goName, ") MarshalAvroJSON() ([]byte, error) { return e.AppendAvroJSON(nil) }")
	g.P()
	g.P("// AppendAvroJSON appends the quoted symbol; the zero value and unknown")
	g.P("// symbols are handled as AppendAvro handles them.")
	g.P("func (e ", t.goName, ") AppendAvroJSON(dst []byte) ([]byte, error) {")
	g.P("switch e {")
	for i, sym := range e.Symbols {
		if e.HasDefault && sym == e.Default {
			g.P("case ", t.consts[i], ", \"\":")
		} else {
			g.P("case ", t.consts[i], ":")
		}
		g.P("return append(dst, ", strconv.Quote(strconv.Quote(sym)), "...), nil")
	}
	if !e.HasDefault {
		g.P("case \"\":")
		g.P("return dst, ", rt("Errorf"), "(", strconv.Quote(e.FullName()), ", \"no symbol set (the zero value of ", e.FullName(), ", which has no default)\")")
	}
	g.P("}")
	g.P("return dst, ", rt("Errorf"), "(", strconv.Quote(e.FullName()), ", \"unknown symbol %s of ", e.FullName(), "\", ", rt("Quote"), "(string(e)))")
	g.P("}")
	g.P()
	g.P("// UnmarshalAvroJSON decodes e from its Avro JSON encoding, a quoted symbol.")
	g.P("func (e *", t.goName, ") UnmarshalAvroJSON(b []byte) error {")
	g.P("d := ", rt("NewJSONDecoder"), "(b)")
	g.P("e.DecodeAvroJSON(&d)")
	g.P("return d.Finish()")
	g.P("}")
	g.P()
	g.P("// DecodeAvroJSON decodes a quoted symbol from d.")
	g.P("func (e *", t.goName, ") DecodeAvroJSON(d *", rt("JSONDecoder"), ") {")
	g.P("s := d.Symbol()")
	g.P("if d.Err() != nil {")
	g.P("return")
	g.P("}")
	g.P("switch string(s) {")
	for i, sym := range e.Symbols {
		g.P("case ", strconv.Quote(sym), ":")
		g.P("*e = ", t.consts[i])
	}
	g.P("default:")
	g.P("d.UnknownSymbol(", strconv.Quote(e.FullName()), ", s, ", strconv.Quote(strings.Join(e.Symbols, ", ")), ")")
	g.P("}")
	g.P("}")
}

// genFixedJSON emits a fixed type's Avro JSON methods.
func genFixedJSON(m *model, g *generatedFile, t *typeInfo, f *schema.Fixed) {
	rt := func(name string) string { return g.qualify(m.runtimeImport(), name) }
	g.P()
	g.P("// MarshalAvroJSON returns the Avro JSON encoding of f: its bytes as")
	g.P("// ISO-8859-1 characters.")
	g.P("func (f ", t.goName, ") MarshalAvroJSON() ([]byte, error) { return f.AppendAvroJSON(nil) }")
	g.P()
	g.P("// AppendAvroJSON appends the Avro JSON encoding of f.")
	g.P("func (f ", t.goName, ") AppendAvroJSON(dst []byte) ([]byte, error) { return ", rt("AppendJSONBytes"), "(dst, f[:]), nil }")
	g.P()
	g.P("// UnmarshalAvroJSON decodes f from its Avro JSON encoding.")
	g.P("func (f *", t.goName, ") UnmarshalAvroJSON(b []byte) error {")
	g.P("d := ", rt("NewJSONDecoder"), "(b)")
	g.P("f.DecodeAvroJSON(&d)")
	g.P("return d.Finish()")
	g.P("}")
	g.P()
	g.P("// DecodeAvroJSON decodes f from d.")
	g.P("func (f *", t.goName, ") DecodeAvroJSON(d *", rt("JSONDecoder"), ") { d.Fixed(f[:]) }")
}

// genWrapperJSON emits the Avro JSON methods of the wrapper w of branch i
// of a union: the union value {"branch": value}, as a record field holding
// it writes it.
func genWrapperJSON(m *model, g *generatedFile, u *unionInfo, i int, w string) {
	br := u.u.Branches[i]
	enc := newBody(m, g, "_"+w+"_json_")
	enc.lit("{" + strconv.Quote(jsonBranchName(br)) + ":")
	enc.encodeJSON(br, "w.Value", u.owner)
	enc.lit("}")
	enc.flush()
	g.P()
	for _, d := range enc.decls {
		g.P("// ", strings.Fields(d)[0], " lends sorted entries to write a map in key order.")
		g.P("var ", d)
		g.P()
	}
	g.P("// AppendAvroJSON appends the Avro JSON of the union value, {", strconv.Quote(jsonBranchName(br)), ": value}.")
	g.P("func (w ", w, ") AppendAvroJSON(dst []byte) ([]byte, error) {")
	if enc.usesErr {
		g.P("var err error")
	}
	g.buf.Write(enc.buf.Bytes())
	g.P("return dst, nil")
	g.P("}")
	g.P()
	g.P("// MarshalAvroJSON returns the Avro JSON of the union value.")
	g.P("func (w ", w, ") MarshalAvroJSON() ([]byte, error) { return w.AppendAvroJSON(nil) }")
}

// genUnionJSON emits the Avro JSON functions of the union interface u, for
// a union value on its own (a record's field has its record's methods).
// Writing delegates to the branch wrappers' methods.
func genUnionJSON(m *model, g *generatedFile, u *unionInfo) {
	rt := func(name string) string { return g.qualify(m.runtimeImport(), name) }
	null := ""
	if u.nullIdx >= 0 {
		null = ", or null for nil"
	}
	g.P()
	g.P("// ", u.appendJSON, " appends the Avro JSON of v, {\"branch\": value}", null, ",")
	g.P("// byte for byte as Java's JsonEncoder writes it.")
	g.P("func ", u.appendJSON, "(dst []byte, v ", u.name, ") ([]byte, error) {")
	g.P("switch w := v.(type) {")
	g.P("case nil:")
	if u.nullIdx >= 0 {
		g.P("return append(dst, \"null\"...), nil")
	} else {
		g.P("return dst, ", rt("Errorf"), "(", strconv.Quote(u.owner), ", \"union has no value (it has no null branch)\")")
	}
	for _, w := range u.wrappers {
		if w != "" {
			g.P("case ", w, ":")
			g.P("return w.AppendAvroJSON(dst)")
		}
	}
	g.P("default:")
	g.P("return dst, ", rt("Errorf"), "(", strconv.Quote(u.owner), ", \"%T is not a branch of the union\", w)")
	g.P("}")
	g.P("}")
	g.P()
	g.P("// ", u.marshalJSON, " returns the Avro JSON of v.")
	g.P("func ", u.marshalJSON, "(v ", u.name, ") ([]byte, error) { return ", u.appendJSON, "(nil, v) }")
	g.P()
	dec := newBody(m, g, "_"+u.name+"_jsondec_")
	dec.decodeJSONUnion(u.u, "v")
	g.P("// ", u.unmarshalJSON, " decodes the union ", u.name, " from its Avro JSON")
	g.P("// encoding, as Java's JsonDecoder reads it. The whole input must be one")
	g.P("// value; errors name the byte offset.")
	g.P("func ", u.unmarshalJSON, "(b []byte) (", u.name, ", error) {")
	g.P("dv := ", rt("NewJSONDecoder"), "(b)")
	g.P("d := &dv")
	g.P("var v ", u.name)
	g.buf.Write(dec.buf.Bytes())
	g.P("if err := d.Finish(); err != nil {")
	g.P("return nil, err")
	g.P("}")
	g.P("return v, nil")
	g.P("}")
}
