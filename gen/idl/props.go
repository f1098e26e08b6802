package idl

import (
	"strings"

	"gitlab.com/acme/avroctl/gen/schema"
)

// Reserved attribute names: an annotation may not set them as a plain
// property (Java: "Can't set reserved property").
var (
	schemaReserved   = set("doc", "fields", "items", "name", "namespace", "size", "symbols", "values", "type", "aliases")
	enumReserved     = set("doc", "fields", "items", "name", "namespace", "size", "symbols", "values", "type", "aliases", "default")
	fieldReserved    = set("default", "doc", "name", "order", "type", "aliases")
	protocolReserved = set("namespace", "protocol", "doc", "messages", "types", "errors")
	messageReserved  = set("doc", "response", "request", "errors", "one-way")
)

func set(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}

// schemaProps is the reference's SchemaProperties: the annotations on one
// declaration, with @namespace, @aliases and @order taken out where the
// declaration supports them.
type schemaProps struct {
	namespace    *string
	aliases      []string
	order        schema.Order
	props        schema.Props // in first-definition order; a repeated name keeps its last value
	propPos      map[string]schema.Position
	hasNamespace bool
}

func (sp *schemaProps) hasProperties() bool { return sp.props.Len() > 0 }

// readProps evaluates annotations. with* say which special annotations the
// declaration takes; the others become plain properties.
func (c *compiler) readProps(props []*property, withNamespace, withAliases, withOrder bool) *schemaProps {
	sp := &schemaProps{propPos: map[string]schema.Position{}}
	for _, p := range props {
		name := p.Name.Name
		value := c.jsonToValue(p.Value)
		switch {
		case withNamespace && name == "namespace":
			s, ok := value.(string)
			if !ok {
				c.errorf(p.ValuePos, "@namespace(...) must contain a String value")
				continue
			}
			sp.namespace = &s
		case withAliases && name == "aliases":
			arr, ok := value.([]schema.Value)
			if !ok {
				c.errorf(p.ValuePos, "@aliases(...) must contain an array of String values")
				continue
			}
			var aliases []string
			for _, e := range arr {
				s, ok := e.(string)
				if !ok {
					c.errorf(p.ValuePos, "@aliases(...) must contain an array of String values")
					aliases = nil
					break
				}
				aliases = append(aliases, s)
			}
			sp.aliases = aliases
		case withOrder && name == "order":
			s, ok := value.(string)
			if !ok {
				c.errorf(p.ValuePos, "@order(...) must contain a String value")
				continue
			}
			switch strings.ToUpper(s) {
			case "ASCENDING":
				sp.order = schema.Ascending
			case "DESCENDING":
				sp.order = schema.Descending
			case "IGNORE":
				sp.order = schema.Ignore
			default:
				c.errorf(p.ValuePos, `@order(...) must contain "ASCENDING", "DESCENDING" or "IGNORE"`)
			}
		default:
			sp.props.Set(name, value)
			if _, ok := sp.propPos[name]; !ok {
				sp.propPos[name] = p.Pos
			}
		}
	}
	return sp
}

// copyProps adds sp's properties to dst, refusing reserved names and
// conflicting values as JsonProperties.addProp does.
func (c *compiler) copyProps(dst *schema.Props, sp *schemaProps, reserved map[string]bool) {
	for _, m := range sp.props.List {
		pos := sp.propPos[m.Key]
		if reserved[m.Key] {
			c.errorf(pos, "Can't set reserved property: %s", m.Key)
			continue
		}
		if old, ok := dst.Get(m.Key); ok {
			if !equalValues(old, m.Value) {
				c.errorf(pos, "Can't overwrite property: %s", m.Key)
			}
			continue
		}
		dst.Set(m.Key, m.Value)
	}
}

// copySchemaProps adds annotations to a schema. Like the reference, it then
// re-applies a valid logical type, which for decimal adds "scale": 0 when
// the scale was left out.
func (c *compiler) copySchemaProps(s schema.Schema, sp *schemaProps) {
	reserved := schemaReserved
	if _, ok := s.(*schema.Enum); ok {
		reserved = enumReserved
	}
	dst := schema.PropsOf(s)
	if dst == nil {
		// Unions carry no properties in the output, but the names are
		// still checked.
		var scratch schema.Props
		c.copyProps(&scratch, sp, reserved)
		return
	}
	c.copyProps(dst, sp, reserved)
	if schema.LogicalOf(s).Name == "decimal" {
		if _, ok := dst.Get("scale"); !ok {
			dst.Set("scale", schema.Number{Text: "0"})
		}
	}
}

func equalValues(a, b schema.Value) bool {
	switch a := a.(type) {
	case nil:
		return b == nil
	case bool:
		bb, ok := b.(bool)
		return ok && a == bb
	case string:
		bb, ok := b.(string)
		return ok && a == bb
	case schema.Number:
		bb, ok := b.(schema.Number)
		return ok && a == bb
	case []schema.Value:
		bb, ok := b.([]schema.Value)
		if !ok || len(a) != len(bb) {
			return false
		}
		for i := range a {
			if !equalValues(a[i], bb[i]) {
				return false
			}
		}
		return true
	case *schema.Object:
		bb, ok := b.(*schema.Object)
		if !ok || len(a.Members) != len(bb.Members) {
			return false
		}
		for _, m := range a.Members {
			v, ok := bb.Get(m.Key)
			if !ok || !equalValues(m.Value, v) {
				return false
			}
		}
		return true
	}
	return false
}

func equalProps(a, b *schema.Props) bool {
	if a.Len() != b.Len() {
		return false
	}
	for _, m := range a.List {
		v, ok := b.Get(m.Key)
		if !ok || !equalValues(m.Value, v) {
			return false
		}
	}
	return true
}
