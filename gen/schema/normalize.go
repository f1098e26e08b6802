package schema

import (
	"math"
	"math/big"
	"sort"
	"strconv"
	"strings"
)

// Normalize returns the normalized form Confluent Schema Registry computes
// for an Avro schema when a client asks for normalize=true
// (io.confluent.kafka.schemaregistry.avro.AvroSchemaUtils.toNormalizedString,
// "adapted from SchemaNormalization"). It is NOT the Parsing Canonical Form:
//
//   - every name is full and a named type is written once, then by name;
//     the full names of refs (the schema's resolved references) count as
//     already written;
//   - key order is fixed: name, type, then symbols | size (+ logical type) |
//     fields, then doc (only when non-empty), aliases (sorted), enum
//     default, then the other properties sorted by key (values with their
//     object keys sorted too);
//   - each field is {name, type, order, doc, aliases (sorted), default,
//     properties (sorted)}; "order" is always present and spelled as the
//     Java enum constant ("ASCENDING"), and the default is first converted
//     through the field's type as Java's Field.defaultVal does (a union uses
//     its first branch; a default the conversion drops is left out);
//   - a primitive or fixed with a valid logical type writes logicalType
//     (and precision, plus scale when non-zero, for decimal) before its
//     sorted properties, which repeat logicalType: the registry re-parses
//     the text, and JSON's last-duplicate-wins rule folds the repeat.
//
// What the registry then stores is NormalizedSchema's result: this text
// parsed again and printed the way Java's Schema.toString does. One quirk
// comes with it: a type in the null namespace nested inside a namespaced
// type is written with its bare name, so re-reading it moves it into the
// enclosing namespace (the Confluent code does exactly this too).
func Normalize(s Schema, refs ...Schema) []byte {
	n := &normalizer{env: map[string]bool{}}
	for _, r := range refs {
		if named, ok := r.(NamedSchema); ok {
			n.env[named.Names().FullName()] = true
		}
	}
	n.schema(s)
	return n.w.buf
}

// NormalizedSchema parses Normalize's text back into a schema, resolving
// the reference names against refs (and the types nested in them), and
// returns it with the compact JSON the registry stores for it
// (Schema.toString(refs, false), AvroSchema.canonicalString).
func NormalizedSchema(s Schema, refs ...Schema) (Schema, []byte, error) {
	names := NewNames()
	for _, r := range refs {
		Walk(r, func(t NamedSchema) { _ = names.Add(t) })
	}
	out, err := Parse(Normalize(s, refs...), ParseOptions{Filename: "<normalized>", Names: names})
	if err != nil {
		return nil, nil, err
	}
	return out, MarshalWithReferences(out, refs, false), nil
}

// Walk calls fn once for every named type reachable from s, in the order a
// writer would first meet it.
func Walk(s Schema, fn func(NamedSchema)) {
	seen := map[Schema]bool{}
	var walk func(Schema)
	walk = func(s Schema) {
		switch t := s.(type) {
		case *Record:
			if seen[t] {
				return
			}
			seen[t] = true
			fn(t)
			for _, f := range t.Fields {
				walk(f.Type)
			}
		case *Enum:
			if !seen[t] {
				seen[t] = true
				fn(t)
			}
		case *Fixed:
			if !seen[t] {
				seen[t] = true
				fn(t)
			}
		case *Array:
			walk(t.Items)
		case *Map:
			walk(t.Values)
		case *Union:
			for _, b := range t.Branches {
				walk(b)
			}
		}
	}
	walk(s)
}

type normalizer struct {
	w   jsonWriter
	env map[string]bool
}

func (n *normalizer) schema(s Schema) {
	w := &n.w
	switch s := s.(type) {
	case *Union:
		w.beginArray()
		for _, b := range s.Branches {
			n.schema(b)
		}
		w.endArray()
	case *Array:
		w.beginObject()
		w.stringField("type", "array")
		w.key("items")
		n.schema(s.Items)
		n.sortedProps(&s.Props)
		w.endObject()
	case *Map:
		w.beginObject()
		w.stringField("type", "map")
		w.key("values")
		n.schema(s.Values)
		n.sortedProps(&s.Props)
		w.endObject()
	case *Primitive:
		lt := LogicalOf(s)
		if lt.Name == "" && s.Props.Len() == 0 {
			w.str(s.T.String())
			return
		}
		w.beginObject()
		w.stringField("type", s.T.String())
		if lt.Name != "" {
			n.logical(lt)
		}
		n.sortedProps(&s.Props)
		w.endObject()
	case NamedSchema:
		nd := s.Names()
		full := nd.FullName()
		if n.env[full] {
			w.str(full)
			return
		}
		n.env[full] = true
		w.beginObject()
		w.stringField("name", full)
		switch s := s.(type) {
		case *Record:
			w.stringField("type", "record")
			w.key("fields")
			w.beginArray()
			for _, f := range s.Fields {
				n.field(f)
			}
			w.endArray()
		case *Enum:
			w.stringField("type", "enum")
			w.key("symbols")
			w.beginArray()
			for _, sym := range s.Symbols {
				w.str(sym)
			}
			w.endArray()
		case *Fixed:
			w.stringField("type", "fixed")
			w.key("size")
			w.raw(strconv.Itoa(s.Size))
			if lt := LogicalOf(s); lt.Name != "" {
				n.logical(lt)
			}
		}
		if nd.Doc != nil && *nd.Doc != "" {
			w.stringField("doc", *nd.Doc)
		}
		if aliases := javaAliases(nd); len(aliases) > 0 {
			n.stringArray("aliases", aliases)
		}
		if e, ok := s.(*Enum); ok && e.HasDefault {
			w.stringField("default", e.Default)
		}
		n.sortedProps(&nd.Props)
		w.endObject()
	}
}

// javaAliases is Java's NamedSchema.getAliases: full names, except that an
// alias in the null namespace of a type that has one is written ".Name".
func javaAliases(nd *Named) []string {
	out := make([]string, 0, len(nd.Aliases))
	for _, a := range nd.Aliases {
		if !strings.Contains(a, ".") && nd.Namespace != "" {
			a = "." + a
		}
		out = append(out, a)
	}
	return out
}

func (n *normalizer) logical(lt Logical) {
	w := &n.w
	w.stringField("logicalType", lt.Name)
	if lt.Name == "decimal" {
		w.key("precision")
		w.raw(strconv.Itoa(lt.Precision))
		if lt.Scale != 0 {
			w.key("scale")
			w.raw(strconv.Itoa(lt.Scale))
		}
	}
}

func (n *normalizer) stringArray(key string, items []string) {
	sorted := append([]string(nil), items...)
	sort.Strings(sorted)
	n.w.key(key)
	n.w.beginArray()
	for i, s := range sorted {
		if i > 0 && s == sorted[i-1] {
			continue // a TreeSet holds each once
		}
		n.w.str(s)
	}
	n.w.endArray()
}

func (n *normalizer) field(f *Field) {
	w := &n.w
	w.beginObject()
	w.stringField("name", f.Name)
	w.key("type")
	n.schema(f.Type)
	w.stringField("order", strings.ToUpper(f.Order.String()))
	if f.Doc != nil {
		w.stringField("doc", *f.Doc)
	}
	if len(f.Aliases) > 0 {
		n.stringArray("aliases", f.Aliases)
	}
	if f.HasDefault {
		if v, ok := defaultVal(f.Default, f.Type); ok {
			w.key("default")
			w.value(sortValue(v))
		}
	}
	n.sortedProps(&f.Props)
	w.endObject()
}

// sortedProps writes properties sorted by key (a TreeMap in Java), with
// the keys of object values sorted as well (the registry's sorting node
// factory).
func (n *normalizer) sortedProps(p *Props) {
	list := append([]Member(nil), p.List...)
	sort.SliceStable(list, func(i, j int) bool { return list[i].Key < list[j].Key })
	for _, m := range list {
		n.w.key(m.Key)
		n.w.value(sortValue(m.Value))
	}
}

// sortValue returns v with every object's keys in sorted order.
func sortValue(v Value) Value {
	switch v := v.(type) {
	case []Value:
		out := make([]Value, len(v))
		for i, e := range v {
			out[i] = sortValue(e)
		}
		return out
	case *Object:
		if v == nil {
			return v
		}
		o := &Object{Members: make([]Member, len(v.Members))}
		for i, m := range v.Members {
			o.Members[i] = Member{Key: m.Key, Value: sortValue(m.Value)}
		}
		sort.SliceStable(o.Members, func(i, j int) bool { return o.Members[i].Key < o.Members[j].Key })
		return o
	}
	return v
}

// defaultVal converts a default through its schema as Java's
// JacksonUtils.toObject(node, schema) does for Field.defaultVal: a union
// uses its first branch; an integer becomes a float or double for those
// types (printed 1.0); a float default of a float field is rounded to
// float32; a value the conversion does not handle is dropped (false).
func defaultVal(v Value, s Schema) (Value, bool) {
	if u, ok := s.(*Union); ok && len(u.Branches) > 0 {
		s = u.Branches[0]
	}
	t := Type(-1)
	if s != nil {
		t = s.Type()
	}
	switch v := v.(type) {
	case nil, bool:
		return v, true
	case Number:
		if !v.IsFloat {
			x, ok := new(big.Int).SetString(v.Text, 10)
			if !ok || !x.IsInt64() {
				return nil, false // Jackson's BigIntegerNode is not converted
			}
			switch t {
			case -1, Int, Long:
				return Number{Text: x.String()}, true
			case Float:
				return Number{Text: JavaFloat(float32(x.Int64())), IsFloat: true}, true
			case Double:
				return Number{Text: JavaDouble(float64(x.Int64())), IsFloat: true}, true
			}
			return nil, false
		}
		f, ok := numberFloat(v)
		if !ok {
			return nil, false
		}
		switch t {
		case -1, Double:
			return Number{Text: JavaDouble(f), IsFloat: true}, true
		case Float:
			return Number{Text: JavaFloat(float32(f)), IsFloat: true}, true
		}
		return nil, false
	case string:
		switch t {
		case -1, String, EnumType:
			return v, true
		case Bytes, FixedType:
			// Java takes the ISO-8859-1 bytes of the text and makes a string
			// of them again: characters beyond U+00FF become '?'.
			return strings.Map(func(r rune) rune {
				if r > 0xFF {
					return '?'
				}
				return r
			}, v), true
		}
		return nil, false
	case []Value:
		var elem Schema
		if a, ok := s.(*Array); ok {
			elem = a.Items
		}
		out := make([]Value, 0, len(v))
		for _, e := range v {
			c, ok := defaultVal(e, elem)
			if !ok {
				c = nil
			}
			out = append(out, c)
		}
		return out, true
	case *Object:
		if v == nil {
			return nil, false
		}
		o := &Object{}
		var fields map[string]*Field
		if st, ok := s.(*Record); ok {
			fields = st.FieldIndex()
		}
		for _, m := range v.Members {
			var sub Schema
			switch st := s.(type) {
			case *Map:
				sub = st.Values
			case *Record:
				if f := fields[m.Key]; f != nil {
					sub = f.Type
				}
			}
			c, ok := defaultVal(m.Value, sub)
			if !ok {
				c = nil
			}
			o.Members = append(o.Members, Member{Key: m.Key, Value: c})
		}
		return o, true
	}
	return nil, false
}

func numberFloat(n Number) (float64, bool) {
	switch n.Text {
	case "NaN":
		return math.NaN(), true
	case "Infinity":
		return math.Inf(1), true
	case "-Infinity":
		return math.Inf(-1), true
	}
	f, err := strconv.ParseFloat(n.Text, 64)
	if err != nil && !isRangeErr(err) {
		return 0, false
	}
	return f, true
}
