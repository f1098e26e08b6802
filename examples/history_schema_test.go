package examples_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// avroNode is the little of an Avro schema the history tests need to build
// random data, compare values and predict what schema resolution gives. It
// is parsed here from the schema JSON rather than taken from gen/schema or
// twmb/avro so that the expectations do not come from either
// implementation under test.
type avroNode struct {
	kind     string // null boolean int long float double bytes string record enum array map fixed union
	logical  string
	fullName string // records, enums, fixed
	scale    int
	prec     int
	size     int // fixed

	fields   []avroField // record
	symbols  []string    // enum
	enumDef  string      // enum default ("" when none)
	items    *avroNode   // array
	values   *avroNode   // map
	branches []*avroNode // union
}

type avroField struct {
	name    string
	aliases []string
	typ     *avroNode
	def     any // JSON default (json.Number for numbers)
	hasDef  bool
}

// field returns the record field called name, or nil.
func (n *avroNode) field(name string) *avroField {
	for i := range n.fields {
		if n.fields[i].name == name {
			return &n.fields[i]
		}
	}
	return nil
}

// optional returns the non-null branch of a ["null", T] or [T, "null"]
// union. The example domain only has those; anything wider is reported so
// that the generator below is extended rather than silently wrong.
func (n *avroNode) optional() (*avroNode, error) {
	if n.kind != "union" {
		return nil, fmt.Errorf("%s is not a union", n.kind)
	}
	var other *avroNode
	for _, b := range n.branches {
		if b.kind == "null" {
			continue
		}
		if other != nil {
			return nil, fmt.Errorf("union with several non-null branches: the history test supports [null, T] only")
		}
		other = b
	}
	if other == nil || len(n.branches) != 2 {
		return nil, fmt.Errorf("union of %d branches: the history test supports [null, T] only", len(n.branches))
	}
	return other, nil
}

// parseAvroNode parses a self-contained schema (every named type defined
// before use, as the .avsc files and generated schemas are).
func parseAvroNode(schemaJSON []byte) (*avroNode, error) {
	dec := json.NewDecoder(bytes.NewReader(schemaJSON))
	dec.UseNumber()
	var raw any
	if err := dec.Decode(&raw); err != nil {
		return nil, err
	}
	p := nodeParser{names: map[string]*avroNode{}}
	return p.parse(raw, "")
}

type nodeParser struct{ names map[string]*avroNode }

var primitiveKinds = map[string]bool{
	"null": true, "boolean": true, "int": true, "long": true, "float": true,
	"double": true, "bytes": true, "string": true,
}

func fullName(name, ns string) string {
	if strings.Contains(name, ".") || ns == "" {
		return name
	}
	return ns + "." + name
}

func (p *nodeParser) parse(raw any, ns string) (*avroNode, error) {
	switch v := raw.(type) {
	case string:
		if primitiveKinds[v] {
			return &avroNode{kind: v}, nil
		}
		if n := p.names[fullName(v, ns)]; n != nil {
			return n, nil
		}
		if n := p.names[v]; n != nil {
			return n, nil
		}
		return nil, fmt.Errorf("unknown type %q", v)
	case []any:
		u := &avroNode{kind: "union"}
		for _, b := range v {
			n, err := p.parse(b, ns)
			if err != nil {
				return nil, err
			}
			u.branches = append(u.branches, n)
		}
		return u, nil
	case map[string]any:
		return p.parseObject(v, ns)
	}
	return nil, fmt.Errorf("unexpected schema element %T", raw)
}

func (p *nodeParser) parseObject(m map[string]any, ns string) (*avroNode, error) {
	typ, _ := m["type"].(string)
	if typ == "" {
		// {"type": {...}} or {"type": [...]}: a wrapped schema.
		return p.parse(m["type"], ns)
	}
	n := &avroNode{kind: typ}
	n.logical, _ = m["logicalType"].(string)
	if s, ok := m["scale"].(json.Number); ok {
		v, _ := s.Int64()
		n.scale = int(v)
	}
	if s, ok := m["precision"].(json.Number); ok {
		v, _ := s.Int64()
		n.prec = int(v)
	}
	switch typ {
	case "record", "error", "enum", "fixed":
		name, _ := m["name"].(string)
		if space, ok := m["namespace"].(string); ok && !strings.Contains(name, ".") {
			ns = space
		}
		n.fullName = fullName(name, ns)
		if i := strings.LastIndex(n.fullName, "."); i >= 0 {
			ns = n.fullName[:i]
		} else {
			ns = ""
		}
		p.names[n.fullName] = n
	}
	switch typ {
	case "record", "error":
		n.kind = "record"
		fields, _ := m["fields"].([]any)
		for _, f := range fields {
			fm, _ := f.(map[string]any)
			name, _ := fm["name"].(string)
			t, err := p.parse(fm["type"], ns)
			if err != nil {
				return nil, fmt.Errorf("field %s: %w", name, err)
			}
			af := avroField{name: name, typ: t}
			af.def, af.hasDef = fm["default"]
			if al, ok := fm["aliases"].([]any); ok {
				for _, a := range al {
					s, _ := a.(string)
					af.aliases = append(af.aliases, s)
				}
			}
			n.fields = append(n.fields, af)
		}
	case "enum":
		syms, _ := m["symbols"].([]any)
		for _, s := range syms {
			str, _ := s.(string)
			n.symbols = append(n.symbols, str)
		}
		n.enumDef, _ = m["default"].(string)
	case "fixed":
		if s, ok := m["size"].(json.Number); ok {
			v, _ := s.Int64()
			n.size = int(v)
		}
	case "array":
		items, err := p.parse(m["items"], ns)
		if err != nil {
			return nil, err
		}
		n.items = items
	case "map":
		values, err := p.parse(m["values"], ns)
		if err != nil {
			return nil, err
		}
		n.values = values
	default:
		if !primitiveKinds[typ] {
			if named := p.names[fullName(typ, ns)]; named != nil {
				return named, nil
			}
			return nil, fmt.Errorf("unknown type %q", typ)
		}
	}
	return n, nil
}
