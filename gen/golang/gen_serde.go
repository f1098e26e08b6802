package golang

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"

	"gitlab.com/acme/avroctl/gen/schema"
)

// body emits the statements of one encode or decode function. Encoding is
// a recursion over schema kinds that appends to dst; decoding assigns into
// an addressable target expression. Temporaries are numbered so nested
// loops never shadow each other.
type body struct {
	m       *model
	g       *generatedFile
	buf     bytes.Buffer
	n       int
	usesErr bool
	// prefix names the package-level variables the body declares.
	prefix string
	decls  []string // "name type" of package-level variables
	// pending is constant text to append, held by lit so that adjacent
	// constants become one append; P flushes it first.
	pending string
}

func newBody(m *model, g *generatedFile, prefix string) *body {
	return &body{m: m, g: g, prefix: prefix}
}

// decl declares a package-level variable of type typ for the body and
// returns its name.
func (b *body) decl(what, typ string) string {
	name := b.prefix + what + strconv.Itoa(len(b.decls)+1)
	b.decls = append(b.decls, name+" "+typ)
	return name
}

func (b *body) P(args ...any) {
	b.flush()
	for _, a := range args {
		fmt.Fprint(&b.buf, a)
	}
	b.buf.WriteByte('\n')
}

func (b *body) tmp(prefix string) string {
	b.n++
	return prefix + strconv.Itoa(b.n)
}

func (b *body) rt(name string) string { return b.g.qualify(b.m.runtimeImport(), name) }

// encodesNothing reports whether values of s take no bytes (and no code).
func encodesNothing(s schema.Schema) bool { return s.Type() == schema.Null }

// encode emits code appending expr, of schema s, to dst. path names the
// value in error messages.
func (b *body) encode(s schema.Schema, expr, path string) {
	if l := schema.LogicalOf(s); l.Name != "" && b.encodeLogical(s, l, expr, path) {
		return
	}
	switch s := s.(type) {
	case *schema.Primitive:
		fn := map[schema.Type]string{schema.Boolean: "AppendBool", schema.Int: "AppendInt",
			schema.Long: "AppendLong", schema.Float: "AppendFloat", schema.Double: "AppendDouble",
			schema.Bytes: "AppendBytes", schema.String: "AppendString"}[s.T]
		if fn != "" {
			b.P("dst = ", b.rt(fn), "(dst, ", expr, ")")
		}
	case *schema.Record:
		b.usesErr = true
		b.P("if dst, err = ", expr, ".AppendAvro(dst); err != nil {")
		b.P("return dst, err")
		b.P("}")
	case *schema.Enum:
		b.usesErr = true
		b.P("if dst, err = ", expr, ".AppendAvro(dst); err != nil {")
		b.P("return dst, ", b.rt("FieldError"), "(", strconv.Quote(path), ", err)")
		b.P("}")
	case *schema.Fixed:
		b.P("dst = append(dst, ", expr, "[:]...)")
	case *schema.Array:
		b.P("if len(", expr, ") > 0 {")
		b.P("dst = ", b.rt("AppendLong"), "(dst, int64(len(", expr, ")))")
		if !encodesNothing(s.Items) {
			i := b.tmp("i")
			b.P("for ", i, " := range ", expr, " {")
			b.encode(s.Items, expr+"["+i+"]", path+"[]")
			b.P("}")
		}
		b.P("}")
		b.P("dst = append(dst, 0)")
	case *schema.Map:
		// Entries are sorted by key for deterministic output, as pairs, so
		// that no value is looked up again; the slice comes from a pool
		// declared for this map field.
		es, e := b.tmp("es"), b.tmp("e")
		pool := b.decl("entries", b.rt("EntryPool")+"["+b.m.goType(b.g, s.Values)+"]")
		b.P("if len(", expr, ") > 0 {")
		b.P("dst = ", b.rt("AppendLong"), "(dst, int64(len(", expr, ")))")
		b.P(es, " := ", pool, ".Sorted(", expr, ")")
		b.P("for ", e, " := range ", es, ".List {")
		b.P("dst = ", b.rt("AppendString"), "(dst, ", es, ".List[", e, "].Key)")
		if !encodesNothing(s.Values) {
			b.encode(s.Values, es+".List["+e+"].Value", path+"{}")
		}
		b.P("}")
		b.P(es, ".Release()")
		b.P("}")
		b.P("dst = append(dst, 0)")
	case *schema.Union:
		b.encodeUnion(s, expr, path)
	default:
		panic("unreachable")
	}
}

// encodeCyclic encodes a field generated as a pointer because its record
// type requires itself (see cycles.go): nil is an error naming the field.
func (b *body) encodeCyclic(expr, path string) {
	b.usesErr = true
	b.P("if ", expr, " == nil {")
	b.P("return dst, ", b.rt("Errorf"), "(", strconv.Quote(path), ", \"required field is nil (its type requires itself, so no finite value exists)\")")
	b.P("}")
	b.P("if dst, err = ", expr, ".AppendAvro(dst); err != nil {")
	b.P("return dst, err")
	b.P("}")
}

// decodeCyclic emits the decoding of a field whose record type requires
// itself: no finite input holds such a value, and recursing could loop
// forever without consuming input, so it fails at once.
func (b *body) decodeCyclic(s schema.Schema, path string) {
	full := s.(schema.NamedSchema).Names().FullName()
	b.P("d.Failf(\"%s: type %s requires a value of its own type, so no finite value exists\", ", strconv.Quote(path), ", ", strconv.Quote(full), ")")
}

func (b *body) encodeUnion(s *schema.Union, expr, path string) {
	u := b.m.unions[s]
	if u.nullable {
		v := s.Branches[u.valueIdx]
		b.P("if ", expr, " == nil {")
		b.P("dst = ", b.rt("AppendLong"), "(dst, ", u.nullIdx, ")")
		b.P("} else {")
		b.P("dst = ", b.rt("AppendLong"), "(dst, ", u.valueIdx, ")")
		if isCollection(v) {
			b.encode(v, expr, path)
		} else {
			b.encode(v, "(*"+expr+")", path)
		}
		b.P("}")
		return
	}
	// The switch itself needs no err: only branches that call AppendAvro
	// (records, enums) or decimals set usesErr, so that a union of
	// primitives does not declare an unused variable.
	uv := b.tmp("u")
	b.P("switch ", uv, " := ", expr, ".(type) {")
	b.P("case nil:")
	if u.nullIdx >= 0 {
		b.P("dst = ", b.rt("AppendLong"), "(dst, ", u.nullIdx, ")")
	} else {
		b.P("return dst, ", b.rt("Errorf"), "(", strconv.Quote(path), ", \"union has no value (it has no null branch)\")")
	}
	for i, br := range s.Branches {
		if u.wrappers[i] == "" {
			continue
		}
		b.P("case ", b.g.qualify(u.pkg.importPath, u.wrappers[i]), ":")
		b.P("dst = ", b.rt("AppendLong"), "(dst, ", i, ")")
		b.encode(br, uv+".Value", path)
	}
	b.P("default:")
	b.P("return dst, ", b.rt("Errorf"), "(", strconv.Quote(path), ", \"%T is not a branch of the union\", ", uv, ")")
	b.P("}")
}

// encodeLogical emits the encoding of a logical type; false means s has no
// Go mapping for it and is encoded as its base type.
func (b *body) encodeLogical(s schema.Schema, l schema.Logical, expr, path string) bool {
	switch l.Name {
	case "decimal":
		b.usesErr = true
		if f, ok := s.(*schema.Fixed); ok {
			b.P("if dst, err = ", b.rt("AppendDecimalFixed"), "(dst, ", expr, ", ", l.Precision, ", ", l.Scale, ", ", f.Size, "); err != nil {")
		} else {
			b.P("if dst, err = ", b.rt("AppendDecimalBytes"), "(dst, ", expr, ", ", l.Precision, ", ", l.Scale, "); err != nil {")
		}
		b.P("return dst, ", b.rt("Errorf"), "(", strconv.Quote(path), ", \"%v\", err)")
		b.P("}")
	case "big-decimal":
		b.P("dst = ", b.rt("AppendBigDecimal"), "(dst, ", expr, ")")
	case "uuid":
		if s.Type() == schema.FixedType {
			b.P("dst = append(dst, ", expr, "[:]...)")
		} else {
			b.P("dst = ", b.rt("AppendUUIDString"), "(dst, ", expr, ")")
		}
	case "duration":
		b.P("dst = ", b.rt("AppendDuration"), "(dst, ", expr, ")")
	case "date":
		b.P("dst = ", b.rt("AppendInt"), "(dst, ", b.rt("DaysFromDate"), "(", expr, "))")
	case "time-millis":
		b.P("dst = ", b.rt("AppendInt"), "(dst, ", b.rt("MillisOfDay"), "(", expr, "))")
	case "time-micros":
		b.P("dst = ", b.rt("AppendLong"), "(dst, ", b.rt("MicrosOfDay"), "(", expr, "))")
	case "timestamp-millis", "timestamp-micros", "timestamp-nanos":
		// Instants: Unix time, whatever the location.
		b.P("dst = ", b.rt("AppendLong"), "(dst, ", expr, ".Unix", timeUnit(l.Name), "())")
	case "local-timestamp-millis", "local-timestamp-micros", "local-timestamp-nanos":
		// Civil values: the wall clock in the value's own location.
		b.P("dst = ", b.rt("AppendLong"), "(dst, ", b.rt("Local"+timeUnit(l.Name)+"s"), "(", expr, "))")
	default:
		return false
	}
	return true
}

// timeUnit is the Go spelling of a timestamp type's unit, as in UnixMilli
// and avro.LocalMillis: Milli, Micro or Nano.
func timeUnit(logical string) string {
	return map[string]string{"millis": "Milli", "micros": "Micro", "nanos": "Nano"}[logical[strings.LastIndexByte(logical, '-')+1:]]
}

// decode emits code decoding a value of schema s from d into target.
func (b *body) decode(s schema.Schema, target string) {
	if l := schema.LogicalOf(s); l.Name != "" && b.decodeLogical(s, l, target) {
		return
	}
	switch s := s.(type) {
	case *schema.Primitive:
		fn := map[schema.Type]string{schema.Boolean: "Bool", schema.Int: "Int",
			schema.Long: "Long", schema.Float: "Float", schema.Double: "Double",
			schema.Bytes: "Bytes", schema.String: "String"}[s.T]
		if fn != "" {
			b.P(target, " = d.", fn, "()")
		}
	case *schema.Record, *schema.Enum:
		b.P(target, ".DecodeAvro(d)")
	case *schema.Fixed:
		b.P("d.Fixed(", target, "[:])")
	case *schema.Array:
		n, v := b.tmp("n"), b.tmp("v")
		min := schema.MinSize(s.Items)
		typ := b.m.goType(b.g, s.Items)
		b.P("for ", n, " := d.BlockCount(", min, "); ", n, " > 0; ", n, " = d.BlockCount(", min, ") {")
		b.P("if ", target, " == nil {")
		b.P(target, " = make([]", typ, ", 0, min(", n, ", 1024))")
		b.P("}")
		b.P("for ; ", n, " > 0; ", n, "-- {")
		b.P("var ", v, " ", typ)
		b.decode(s.Items, v)
		b.P(target, " = append(", target, ", ", v, ")")
		b.P("}")
		b.P("}")
	case *schema.Map:
		n, k, v := b.tmp("n"), b.tmp("k"), b.tmp("v")
		min := 1 + schema.MinSize(s.Values)
		typ := b.m.goType(b.g, s.Values)
		b.P("for ", n, " := d.BlockCount(", min, "); ", n, " > 0; ", n, " = d.BlockCount(", min, ") {")
		b.P("if ", target, " == nil {")
		b.P(target, " = make(map[string]", typ, ", min(", n, ", 1024))")
		b.P("}")
		b.P("for ; ", n, " > 0; ", n, "-- {")
		b.P(k, " := d.String()")
		b.P("var ", v, " ", typ)
		b.decode(s.Values, v)
		b.P(target, "[", k, "] = ", v)
		b.P("}")
		b.P("}")
	case *schema.Union:
		b.decodeUnion(s, target)
	default:
		panic("unreachable")
	}
}

func (b *body) decodeUnion(s *schema.Union, target string) {
	u := b.m.unions[s]
	b.P("switch d.UnionIndex(", len(s.Branches), ") {")
	if u.nullable {
		v := s.Branches[u.valueIdx]
		b.P("case ", u.nullIdx, ":")
		b.P(target, " = nil")
		b.P("case ", u.valueIdx, ":")
		switch v.Type() {
		case schema.ArrayType, schema.MapType:
			// Non-nil even when empty: nil means null.
			b.P(target, " = ", b.m.goType(b.g, v), "{}")
			b.decode(v, target)
		default:
			if v.Type() == schema.String && schema.LogicalOf(v).Name == "" {
				// Optional strings come from the decoder's slab: one
				// allocation for several of them.
				b.P(target, " = d.StringPtr()")
				break
			}
			b.P(target, " = new(", b.m.goType(b.g, v), ")")
			b.decode(v, "(*"+target+")")
		}
		b.P("}")
		return
	}
	for i, br := range s.Branches {
		b.P("case ", i, ":")
		if u.wrappers[i] == "" {
			b.P(target, " = nil")
			continue
		}
		v := b.tmp("w")
		b.P("var ", v, " ", b.g.qualify(u.pkg.importPath, u.wrappers[i]))
		b.decode(br, v+".Value")
		b.P(target, " = ", v)
	}
	b.P("}")
}

func (b *body) decodeLogical(s schema.Schema, l schema.Logical, target string) bool {
	switch l.Name {
	case "decimal":
		if f, ok := s.(*schema.Fixed); ok {
			b.P(target, " = d.DecimalFixed(", f.Size, ", ", l.Precision, ", ", l.Scale, ")")
		} else {
			b.P(target, " = d.Decimal(", l.Precision, ", ", l.Scale, ")")
		}
	case "big-decimal":
		b.P(target, " = d.BigDecimal()")
	case "uuid":
		if s.Type() == schema.FixedType {
			b.P("d.Fixed(", target, "[:])")
		} else {
			b.P(target, " = d.UUID()")
		}
	case "duration":
		b.P(target, " = d.Duration()")
	case "date":
		b.P(target, " = ", b.rt("DateFromDays"), "(d.Int())")
	case "time-millis":
		b.P(target, " = ", b.rt("TimeOfDayMillis"), "(d.Int())")
	case "time-micros":
		b.P(target, " = ", b.rt("TimeOfDayMicros"), "(d.Long())")
	case "timestamp-millis", "local-timestamp-millis":
		b.P(target, " = ", b.rt("TimeFromMillis"), "(d.Long())")
	case "timestamp-micros", "local-timestamp-micros":
		b.P(target, " = ", b.rt("TimeFromMicros"), "(d.Long())")
	case "timestamp-nanos", "local-timestamp-nanos":
		b.P(target, " = ", b.rt("TimeFromNanos"), "(d.Long())")
	default:
		return false
	}
	return true
}
