package schema

import "strconv"

// Marshal returns the compact JSON Java's Schema.toString() prints.
func Marshal(s Schema) []byte {
	w := newJSONWriter(false)
	newSchemaWriter(w).schema(s, "")
	return w.buf
}

// MarshalValue returns a default or property value as compact JSON, spelled
// as the schema writer spells it (Java number forms, NaN as a string).
func MarshalValue(v Value) []byte {
	w := newJSONWriter(false)
	w.value(v)
	return w.buf
}

// MarshalPretty returns the JSON Java's Schema.toString(true) prints, which
// is what avro-tools idl2schemata writes into each .avsc file (without a
// final newline).
func MarshalPretty(s Schema) []byte {
	w := newJSONWriter(true)
	newSchemaWriter(w).schema(s, "")
	return w.buf
}

// MarshalWithReferences is Java's Schema.toString(referencedSchemas, pretty):
// the named types refs stand for are taken as already written, so they
// appear as names. Confluent Schema Registry stores a schema that has
// references in this form (AvroSchema.canonicalString).
func MarshalWithReferences(s Schema, refs []Schema, pretty bool) []byte {
	w := newJSONWriter(pretty)
	sw := newSchemaWriter(w)
	for _, r := range refs {
		if n, ok := r.(NamedSchema); ok {
			sw.known[n.Names().FullName()] = true
		}
	}
	sw.schema(s, "")
	return w.buf
}

// MarshalList writes schemas as one JSON array, the output the reference
// gives for a schema-syntax IDL file without a main schema. Each element is
// written as Schema.toString writes it on its own, so a named type used by
// two elements is written in full in both: the reference outputs in the
// conformance data (e.g. opwvhk SchemaCycles) do exactly that.
func MarshalList(schemas []Schema, pretty bool) []byte {
	w := newJSONWriter(pretty)
	w.beginArray()
	for _, s := range schemas {
		newSchemaWriter(w).schema(s, "")
	}
	w.endArray()
	return w.buf
}

// MarshalProtocol returns the JSON Java's Protocol.toString(pretty) prints:
// protocol, namespace, doc, properties, types, messages.
func MarshalProtocol(p *Protocol, pretty bool) []byte {
	w := newJSONWriter(pretty)
	sw := newSchemaWriter(w)
	w.beginObject()
	w.stringField("protocol", p.Name)
	if p.Namespace != "" {
		w.stringField("namespace", p.Namespace)
	}
	if p.Doc != nil {
		w.stringField("doc", *p.Doc)
	}
	sw.props(&p.Props)
	w.key("types")
	w.beginArray()
	for _, t := range p.Types {
		if !sw.known[t.Names().FullName()] {
			sw.schema(t, p.Namespace)
		}
	}
	w.endArray()
	w.key("messages")
	w.beginObject()
	for _, m := range p.Messages {
		w.key(m.Name)
		sw.message(m, p.Namespace)
	}
	w.endObject()
	w.endObject()
	return w.buf
}

// schemaWriter is Java's Schema.toJson: a named type is written in full the
// first time and by name afterwards (known), relative to the namespace of
// the enclosing named type.
type schemaWriter struct {
	w     *jsonWriter
	known map[string]bool
}

func newSchemaWriter(w *jsonWriter) *schemaWriter {
	return &schemaWriter{w: w, known: make(map[string]bool)}
}

// qualified is Java's Name.getQualified: the simple name when the type is
// in namespace ns (and its name is not also a type name), else the full name.
func qualified(full, ns string) string {
	space, name := SplitName(full)
	if space != "" && space == ns && !isJavaTypeName(name) {
		return name
	}
	return full
}

func (sw *schemaWriter) schema(s Schema, ns string) {
	w := sw.w
	switch s := s.(type) {
	case *Primitive:
		if s.Props.Len() == 0 {
			w.str(s.T.String())
			return
		}
		w.beginObject()
		w.stringField("type", s.T.String())
		sw.props(&s.Props)
		w.endObject()
	case *Record:
		if sw.ref(&s.Named, ns) {
			return
		}
		w.beginObject()
		w.stringField("type", s.Type().String())
		sw.name(&s.Named, ns)
		// Java omits "fields" only while a record is being built; a
		// finished record always has them, even when there are none.
		w.key("fields")
		sw.fields(s.Fields, s.Namespace)
		sw.props(&s.Props)
		sw.aliases(&s.Named)
		w.endObject()
	case *Enum:
		if sw.ref(&s.Named, ns) {
			return
		}
		w.beginObject()
		w.stringField("type", "enum")
		sw.name(&s.Named, ns)
		w.key("symbols")
		w.beginArray()
		for _, sym := range s.Symbols {
			w.str(sym)
		}
		w.endArray()
		if s.HasDefault {
			w.stringField("default", s.Default)
		}
		sw.props(&s.Props)
		sw.aliases(&s.Named)
		w.endObject()
	case *Fixed:
		if sw.ref(&s.Named, ns) {
			return
		}
		w.beginObject()
		w.stringField("type", "fixed")
		sw.name(&s.Named, ns)
		w.key("size")
		w.raw(strconv.Itoa(s.Size))
		sw.props(&s.Props)
		sw.aliases(&s.Named)
		w.endObject()
	case *Array:
		w.beginObject()
		w.stringField("type", "array")
		w.key("items")
		sw.schema(s.Items, ns)
		sw.props(&s.Props)
		w.endObject()
	case *Map:
		w.beginObject()
		w.stringField("type", "map")
		w.key("values")
		sw.schema(s.Values, ns)
		sw.props(&s.Props)
		w.endObject()
	case *Union:
		w.beginArray()
		for _, b := range s.Branches {
			sw.schema(b, ns)
		}
		w.endArray()
	case *unresolvedRef:
		w.str(s.full)
	default:
		w.raw("null")
	}
}

// ref writes a reference to a type already written and reports whether it
// did; otherwise it marks the type as written.
func (sw *schemaWriter) ref(n *Named, ns string) bool {
	full := n.FullName()
	if sw.known[full] {
		sw.w.str(qualified(full, ns))
		return true
	}
	sw.known[full] = true
	return false
}

// name writes name, namespace (only when it differs from the enclosing one;
// "" for a null namespace inside a non-null one) and doc.
func (sw *schemaWriter) name(n *Named, ns string) {
	sw.w.stringField("name", n.Name)
	if n.Namespace != ns {
		sw.w.stringField("namespace", n.Namespace)
	}
	if n.Doc != nil {
		sw.w.stringField("doc", *n.Doc)
	}
}

func (sw *schemaWriter) aliases(n *Named) {
	if len(n.Aliases) == 0 {
		return
	}
	sw.w.key("aliases")
	sw.w.beginArray()
	for _, a := range n.Aliases {
		sw.w.str(qualified(a, n.Namespace))
	}
	sw.w.endArray()
}

func (sw *schemaWriter) props(p *Props) {
	for _, m := range p.List {
		sw.w.key(m.Key)
		sw.w.value(m.Value)
	}
}

func (sw *schemaWriter) fields(fields []*Field, ns string) {
	w := sw.w
	w.beginArray()
	for _, f := range fields {
		w.beginObject()
		w.stringField("name", f.Name)
		w.key("type")
		sw.schema(f.Type, ns)
		if f.Doc != nil {
			w.stringField("doc", *f.Doc)
		}
		if f.HasDefault {
			w.key("default")
			w.value(f.Default)
		}
		if f.Order != Ascending {
			w.stringField("order", f.Order.String())
		}
		if len(f.Aliases) > 0 {
			w.key("aliases")
			w.beginArray()
			for _, a := range f.Aliases {
				w.str(a)
			}
			w.endArray()
		}
		sw.props(&f.Props)
		w.endObject()
	}
	w.endArray()
}

func (sw *schemaWriter) message(m *Message, ns string) {
	w := sw.w
	w.beginObject()
	if m.Doc != nil {
		w.stringField("doc", *m.Doc)
	}
	sw.props(&m.Props)
	w.key("request")
	sw.fields(m.Request, ns)
	if m.OneWay {
		w.stringField("response", "null")
		w.key("one-way")
		w.boolean(true)
	} else {
		w.key("response")
		if m.Response == nil {
			w.str("null")
		} else {
			sw.schema(m.Response, ns)
		}
		if len(m.Errors) > 0 {
			w.key("errors")
			sw.schema(&Union{Branches: m.Errors}, ns)
		}
	}
	w.endObject()
}
