package golang

import (
	"fmt"
	"strconv"
	"strings"

	"gitlab.com/acme/avroctl/gen/golang/runtime/avro"
	"gitlab.com/acme/avroctl/gen/schema"
)

// Constructors: every record type T gets NewT, which returns a T holding
// the schema's field defaults (`int retries = 3` starts at 3), so that a
// producer that sets only what it knows writes what a reader of an older
// version would fill in. Simple defaults (numbers, booleans, strings, enum
// symbols) are Go literals a reader of the code can see; the others
// (records, non-empty arrays and maps, bytes, fixed, logical types,
// unions whose default is not null) are encoded at generation time by the
// runtime's own default encoder and decoded by the generated decoder, so
// they mean exactly what a resolving reader fills in. Required record
// fields without a default start at their own type's defaults.

// defaultDoc is the field doc line showing the schema's default; ctor is
// the constructor's name when it sets the field, "" when the default is
// the Go zero value.
func defaultDoc(f *schema.Field, ctor string) string {
	if !f.HasDefault {
		return ""
	}
	js := string(schema.MarshalValue(f.Default))
	if len(js) > 80 {
		js = js[:60] + "… (" + strconv.Itoa(len(js)) + " bytes of JSON)"
	}
	if ctor == "" {
		return "// Default: " + js + " (the zero value)."
	}
	return "// Default: " + js + " (" + ctor + " sets it)."
}

// constructorField is how NewT sets one field: a Go expression, or by
// decoding the default's encoding.
type constructorField struct {
	field   int
	literal string // the Go expression; "" means decode
	encoded []byte // the default's Avro encoding, when decoded
}

// constructorFields returns how NewT sets each field of r that it sets.
func (m *model) constructorFields(g *generatedFile, r *schema.Record) ([]constructorField, error) {
	var out []constructorField
	for i, f := range r.Fields {
		if m.cyclic[f] {
			continue
		}
		if !f.HasDefault {
			if nested, ok := f.Type.(*schema.Record); ok && m.setsDefaults(nested) {
				nt := m.byFull[nested.FullName()]
				out = append(out, constructorField{field: i, literal: g.qualify(nt.pkg.importPath, nt.ctor) + "()"})
			}
			continue
		}
		if lit, zero, ok := m.defaultLiteral(g, f.Type, f.Default); ok {
			if !zero {
				out = append(out, constructorField{field: i, literal: lit})
			}
			continue
		}
		enc, err := avro.EncodeDefault(string(schema.Marshal(f.Type)), string(schema.MarshalValue(f.Default)))
		if err != nil {
			return nil, fmt.Errorf("%s.%s: default: %v", r.FullName(), f.Name, err)
		}
		out = append(out, constructorField{field: i, encoded: enc})
	}
	return out, nil
}

// setsDefaults reports whether NewT of r sets any field: a default that is
// not Go's zero value, here or in a required record field. (Required
// record fields form no cycle: a field that closes one is a pointer.)
func (m *model) setsDefaults(r *schema.Record) bool {
	for _, f := range r.Fields {
		switch {
		case m.cyclic[f]:
		case f.HasDefault:
			if _, zero, ok := m.defaultLiteral(nil, f.Type, f.Default); !ok || !zero {
				return true
			}
		default:
			if nested, ok := f.Type.(*schema.Record); ok && m.setsDefaults(nested) {
				return true
			}
		}
	}
	return false
}

// defaultLiteral returns the Go expression of a simple default v of s;
// zero means it is the Go zero value, which needs no code. ok is false for
// defaults that are not simple.
func (m *model) defaultLiteral(g *generatedFile, s schema.Schema, v schema.Value) (lit string, zero, ok bool) {
	if schema.LogicalOf(s).Name != "" {
		return "", false, false
	}
	switch s := s.(type) {
	case *schema.Primitive:
		switch s.T {
		case schema.Null:
			return "", true, true
		case schema.Boolean:
			b, _ := v.(bool)
			return strconv.FormatBool(b), !b, true
		case schema.Int, schema.Long, schema.Float, schema.Double:
			// A literal only where Go takes it as written: an integer in
			// range, a finite float that fits; the rest (NaN, 1e40 for a
			// float) goes the encoded way, as a reader would convert it.
			n, isNum := v.(schema.Number)
			if !isNum {
				return "", false, false
			}
			var err error
			switch s.T {
			case schema.Int:
				_, err = strconv.ParseInt(n.Text, 10, 32)
			case schema.Long:
				_, err = strconv.ParseInt(n.Text, 10, 64)
			case schema.Float:
				_, err = strconv.ParseFloat(n.Text, 32)
			default:
				_, err = strconv.ParseFloat(n.Text, 64)
			}
			if err != nil || strings.ContainsAny(n.Text, "NI") { // NaN, Infinity
				return "", false, false
			}
			return n.Text, isZeroNumber(n.Text), true
		case schema.String:
			str, _ := v.(string)
			return strconv.Quote(str), str == "", true
		}
	case *schema.Enum:
		sym, _ := v.(string)
		if g == nil { // only asked whether it is zero
			return "", false, true
		}
		t := m.byFull[s.FullName()]
		return g.qualify(t.pkg.importPath, t.consts[s.SymbolIndex(sym)]), false, true
	case *schema.Array:
		if l, isList := v.([]schema.Value); isList && len(l) == 0 {
			return "", true, true // nil encodes as empty
		}
	case *schema.Map:
		if o, isObj := v.(*schema.Object); isObj && len(o.Members) == 0 {
			return "", true, true
		}
	case *schema.Union:
		if v == nil {
			return "", true, true // the null branch: nil
		}
	}
	return "", false, false
}

func isZeroNumber(text string) bool {
	for _, c := range text {
		if c >= '1' && c <= '9' {
			return false
		}
		if c == 'e' || c == 'E' {
			break
		}
	}
	return true
}

// genConstructor emits NewT, which sets fields.
func genConstructor(m *model, g *generatedFile, t *typeInfo, r *schema.Record, fields []constructorField) {
	g.P("// ", t.ctor, " returns the ", t.goName, " that holds the schema's defaults")
	g.P("// (see the fields' docs); the other fields are zero.")
	g.P("func ", t.ctor, "() ", t.goName, " {")
	var encoded []byte
	var lits []constructorField
	for _, f := range fields {
		if f.literal != "" {
			lits = append(lits, f)
		} else {
			encoded = append(encoded, f.encoded...)
		}
	}
	if len(lits) == 0 && encoded == nil {
		g.P("return ", t.goName, "{}")
		g.P("}")
		return
	}
	if encoded == nil {
		g.P("return ", t.goName, "{")
	} else {
		g.P("x := ", t.goName, "{")
	}
	for _, f := range lits {
		g.P(t.fields[f.field], ": ", f.literal, ",")
	}
	g.P("}")
	if encoded != nil {
		g.P("// The defaults that are not simple literals, as the runtime encodes")
		g.P("// them for a resolving reader.")
		g.P("dd := ", g.qualify(m.runtimeImport(), "NewDecoder"), "([]byte(", strconv.Quote(string(encoded)), "))")
		g.P("d := &dd")
		dec := newBody(m, g, "_"+t.goName+"_new_")
		for _, f := range fields {
			if f.literal == "" {
				dec.decode(r.Fields[f.field].Type, "x."+t.fields[f.field])
			}
		}
		g.buf.Write(dec.buf.Bytes())
		g.P("return x")
	}
	g.P("}")
}
