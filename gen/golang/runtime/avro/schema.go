package avro

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"sync"
)

// The runtime cannot import avroctl's schema model (generated modules depend
// only on the standard library), so schema resolution reads schema JSON with
// this small reader. It keeps only what affects the binary encoding and its
// resolution: types, names, aliases, fields, defaults, symbols, sizes.

type kind uint8

const (
	kNull kind = iota
	kBoolean
	kInt
	kLong
	kFloat
	kDouble
	kBytes
	kString
	kRecord
	kEnum
	kFixed
	kArray
	kMap
	kUnion
)

var kindNames = [...]string{"null", "boolean", "int", "long", "float", "double", "bytes",
	"string", "record", "enum", "fixed", "array", "map", "union"}

func (k kind) String() string { return kindNames[k] }

type node struct {
	kind     kind
	name     string   // full name of a named type
	aliases  []string // full names
	fields   []*field
	symbols  []string
	enumDef  string
	hasDef   bool
	size     int
	items    *node // array items or map values
	branches []*node
}

type field struct {
	name    string
	aliases []string
	typ     *node
	def     any // decoded JSON (json.Number for numbers)
	hasDef  bool
}

// WriterSchema is a parsed schema that data was written with. Parse it once
// (ParseWriterSchema) and reuse it: resolution plans are cached by its
// canonical digest.
type WriterSchema struct {
	root *node
	fp   uint64
	// canon is the SHA-256 of the Parsing Canonical Form: what caches and
	// the "same schema as the reader" test compare. The CRC-64 fingerprint
	// fp is not collision-resistant (a field name of about 80 letters
	// chosen by linear algebra gives any schema any CRC-64), so a schema
	// registered by anyone could otherwise pass for another.
	canon [sha256.Size]byte
	plans sync.Map // *Resolver -> *planResult
}

// SameCanonicalForm reports whether w and v have the same Parsing
// Canonical Form, so that data written with one reads unchanged with the
// other. It compares SHA-256 digests, not the CRC-64 fingerprints.
func (w *WriterSchema) SameCanonicalForm(v *WriterSchema) bool { return w.canon == v.canon }

// Fingerprint returns the CRC-64-AVRO fingerprint of the schema's Parsing
// Canonical Form. It names a schema (Avro single-object encoding carries
// it) but proves nothing: use SameCanonicalForm to compare schemas.
func (w *WriterSchema) Fingerprint() uint64 { return w.fp }

// ParseWriterSchema parses an Avro schema in JSON.
func ParseWriterSchema(schemaJSON string) (*WriterSchema, error) {
	dec := json.NewDecoder(strings.NewReader(schemaJSON))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("avro: parsing schema: %v", err)
	}
	p := &schemaParser{names: map[string]*node{}}
	root, err := p.parse(v, "")
	if err != nil {
		return nil, fmt.Errorf("avro: parsing schema: %v", err)
	}
	var canon bytes.Buffer
	writeCanonical(&canon, root, map[*node]bool{})
	return &WriterSchema{root: root, fp: Fingerprint64(canon.Bytes()), canon: sha256.Sum256(canon.Bytes())}, nil
}

type schemaParser struct {
	names map[string]*node
	depth int
}

var primitiveKinds = map[string]kind{"null": kNull, "boolean": kBoolean, "int": kInt, "long": kLong,
	"float": kFloat, "double": kDouble, "bytes": kBytes, "string": kString}

func fullName(name, ns string) string {
	if strings.Contains(name, ".") || ns == "" {
		return name
	}
	return ns + "." + name
}

func (p *schemaParser) parse(v any, ns string) (*node, error) {
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > 512 {
		return nil, fmt.Errorf("schema nested too deeply")
	}
	switch v := v.(type) {
	case string:
		if k, ok := primitiveKinds[v]; ok {
			return &node{kind: k}, nil
		}
		if n, ok := p.names[fullName(v, ns)]; ok {
			return n, nil
		}
		if n, ok := p.names[v]; ok {
			return n, nil
		}
		return nil, fmt.Errorf("unknown type %s", Quote(v))
	case []any:
		n := &node{kind: kUnion}
		for _, b := range v {
			bn, err := p.parse(b, ns)
			if err != nil {
				return nil, err
			}
			n.branches = append(n.branches, bn)
		}
		return n, nil
	case map[string]any:
		return p.parseObject(v, ns)
	}
	return nil, fmt.Errorf("invalid schema %s", Quote(fmt.Sprint(v)))
}

func (p *schemaParser) parseObject(o map[string]any, ns string) (*node, error) {
	t, _ := o["type"].(string)
	if k, ok := primitiveKinds[t]; ok {
		return &node{kind: k}, nil
	}
	switch t {
	case "record", "error", "enum", "fixed":
		name, _ := o["name"].(string)
		if name == "" {
			return nil, fmt.Errorf("%s without a name", t)
		}
		if nsv, ok := o["namespace"].(string); ok && !strings.Contains(name, ".") {
			ns = nsv
		}
		full := fullName(name, ns)
		if i := strings.LastIndexByte(full, '.'); i >= 0 {
			ns = full[:i]
		} else {
			ns = ""
		}
		n := &node{name: full}
		if _, dup := p.names[full]; dup {
			return nil, fmt.Errorf("type %s defined twice", Quote(full))
		}
		p.names[full] = n
		if as, ok := o["aliases"].([]any); ok {
			for _, a := range as {
				if s, ok := a.(string); ok {
					n.aliases = append(n.aliases, fullName(s, ns))
				}
			}
		}
		switch t {
		case "enum":
			n.kind = kEnum
			syms, _ := o["symbols"].([]any)
			for _, s := range syms {
				str, ok := s.(string)
				if !ok {
					return nil, fmt.Errorf("enum %s: symbol %s is not a string", Quote(full), Quote(fmt.Sprint(s)))
				}
				n.symbols = append(n.symbols, str)
			}
			if d, ok := o["default"].(string); ok {
				n.enumDef, n.hasDef = d, true
			}
		case "fixed":
			n.kind = kFixed
			size, err := intOf(o["size"])
			if err != nil || size < 0 {
				return nil, fmt.Errorf("fixed %s: invalid size", full)
			}
			n.size = size
		default:
			n.kind = kRecord
			fs, ok := o["fields"].([]any)
			if !ok {
				return nil, fmt.Errorf("record %s: fields is not an array", full)
			}
			for _, fv := range fs {
				fo, ok := fv.(map[string]any)
				if !ok {
					return nil, fmt.Errorf("record %s: field is not an object", full)
				}
				f := &field{}
				f.name, _ = fo["name"].(string)
				typ, err := p.parse(fo["type"], ns)
				if err != nil {
					return nil, fmt.Errorf("record %s field %s: %v", Quote(full), Quote(f.name), err)
				}
				f.typ = typ
				f.def, f.hasDef = fo["default"]
				if as, ok := fo["aliases"].([]any); ok {
					for _, a := range as {
						if s, ok := a.(string); ok {
							f.aliases = append(f.aliases, s)
						}
					}
				}
				n.fields = append(n.fields, f)
			}
		}
		return n, nil
	case "array":
		items, err := p.parse(o["items"], ns)
		if err != nil {
			return nil, err
		}
		return &node{kind: kArray, items: items}, nil
	case "map":
		values, err := p.parse(o["values"], ns)
		if err != nil {
			return nil, err
		}
		return &node{kind: kMap, items: values}, nil
	}
	// {"type": "Name"} or {"type": {...}}
	if tv, ok := o["type"]; ok {
		return p.parse(tv, ns)
	}
	return nil, fmt.Errorf("schema object without a type")
}

func intOf(v any) (int, error) {
	n, ok := v.(json.Number)
	if !ok {
		return 0, fmt.Errorf("not a number")
	}
	i, err := strconv.Atoi(string(n))
	return i, err
}

// writeCanonical writes the Parsing Canonical Form of n.
func writeCanonical(b *bytes.Buffer, n *node, seen map[*node]bool) {
	q := func(s string) { bs, _ := json.Marshal(s); b.Write(bs) }
	switch n.kind {
	case kRecord, kEnum, kFixed:
		if seen[n] {
			q(n.name)
			return
		}
		seen[n] = true
		b.WriteString(`{"name":`)
		q(n.name)
		b.WriteString(`,"type":`)
		q(n.kind.String())
		switch n.kind {
		case kRecord:
			b.WriteString(`,"fields":[`)
			for i, f := range n.fields {
				if i > 0 {
					b.WriteByte(',')
				}
				b.WriteString(`{"name":`)
				q(f.name)
				b.WriteString(`,"type":`)
				writeCanonical(b, f.typ, seen)
				b.WriteByte('}')
			}
			b.WriteByte(']')
		case kEnum:
			b.WriteString(`,"symbols":[`)
			for i, s := range n.symbols {
				if i > 0 {
					b.WriteByte(',')
				}
				q(s)
			}
			b.WriteByte(']')
		case kFixed:
			b.WriteString(`,"size":` + strconv.Itoa(n.size))
		}
		b.WriteByte('}')
	case kArray:
		b.WriteString(`{"type":"array","items":`)
		writeCanonical(b, n.items, seen)
		b.WriteByte('}')
	case kMap:
		b.WriteString(`{"type":"map","values":`)
		writeCanonical(b, n.items, seen)
		b.WriteByte('}')
	case kUnion:
		b.WriteByte('[')
		for i, br := range n.branches {
			if i > 0 {
				b.WriteByte(',')
			}
			writeCanonical(b, br, seen)
		}
		b.WriteByte(']')
	default:
		q(n.kind.String())
	}
}
