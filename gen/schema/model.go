// Package schema is the Avro schema model that every stage of avroctl shares.
//
// Both the IDL compiler (gen/idl) and the JSON reader in this package build it;
// the JSON writer, the compatibility engine, the Go generator and the registry
// consume it. It follows the Java reference (org.apache.avro.Schema 1.12):
//
//   - a schema is one of a closed set of node types (see Schema);
//   - a reference to a named type is the same pointer as its definition, so
//     recursive types are cyclic graphs and walkers must memoize;
//   - everything a writer needs to reproduce the reference byte for byte is
//     kept: property order, aliases as full names, docs (nil versus empty),
//     defaults as typed JSON values that remember int versus float spelling;
//   - every named type and field remembers where it was written (Pos), so that
//     findings can point at real lines.
package schema

import (
	"cmp"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Type is the Avro type of a schema node.
type Type int

// The Avro types. Error is a record declared with the `error` keyword.
const (
	Null Type = iota
	Boolean
	Int
	Long
	Float
	Double
	Bytes
	String
	RecordType
	ErrorType
	EnumType
	FixedType
	ArrayType
	MapType
	UnionType
)

var typeNames = [...]string{
	Null: "null", Boolean: "boolean", Int: "int", Long: "long", Float: "float",
	Double: "double", Bytes: "bytes", String: "string", RecordType: "record",
	ErrorType: "error", EnumType: "enum", FixedType: "fixed", ArrayType: "array",
	MapType: "map", UnionType: "union",
}

// String returns the Avro spelling of t ("int", "record", ...).
func (t Type) String() string {
	if t >= 0 && int(t) < len(typeNames) {
		return typeNames[t]
	}
	return fmt.Sprintf("Type(%d)", int(t))
}

// IsPrimitive reports whether t is one of the eight primitive types.
func (t Type) IsPrimitive() bool { return t >= Null && t <= String }

// IsNamed reports whether t is a named type (record, error, enum, fixed).
func (t Type) IsNamed() bool { return t >= RecordType && t <= FixedType }

// PrimitiveType returns the primitive type spelled name, if there is one.
func PrimitiveType(name string) (Type, bool) {
	for t := Null; t <= String; t++ {
		if typeNames[t] == name {
			return t, true
		}
	}
	return 0, false
}

// Position is a place in a source file. Line and Column are 1-based; Column
// counts characters (Unicode code points), as the reference's ANTLR lexer
// and most editors do, not bytes. Offset is in bytes. The zero Position
// means "unknown".
type Position struct {
	Filename string
	Offset   int
	Line     int
	Column   int
}

// Column returns the 1-based column just after lineStart, the text from
// the start of a line to a position on it.
func Column(lineStart []byte) int {
	for _, c := range lineStart {
		if c >= utf8.RuneSelf {
			return utf8.RuneCount(lineStart) + 1
		}
	}
	return len(lineStart) + 1
}

// ComparePositions orders positions by file, line and column (-1, 0, +1),
// the order every located list (errors, findings) is printed in.
func ComparePositions(a, b Position) int {
	return cmp.Or(cmp.Compare(a.Filename, b.Filename), cmp.Compare(a.Line, b.Line), cmp.Compare(a.Column, b.Column))
}

// IsValid reports whether the position is known.
func (p Position) IsValid() bool { return p.Line > 0 }

// String returns "file:line:col", "file", "line:col" or "-".
func (p Position) String() string {
	s := p.Filename
	if p.IsValid() {
		if s != "" {
			s += ":"
		}
		s += fmt.Sprintf("%d:%d", p.Line, p.Column)
	}
	if s == "" {
		s = "-"
	}
	return s
}

// Schema is a node of the model: *Primitive, *Record, *Enum, *Fixed, *Array,
// *Map or *Union. The set is closed; type switches over it should panic on
// anything else.
type Schema interface {
	// Type returns the Avro type of the node.
	Type() Type
	isSchema()
}

// NamedSchema is a *Record, *Enum or *Fixed.
type NamedSchema interface {
	Schema
	// Names returns the shared name, doc, alias and property data.
	Names() *Named
}

// Named holds what all named types share.
type Named struct {
	// Name is the simple (unqualified) name.
	Name string
	// Namespace is the namespace the type lives in, "" for none.
	Namespace string
	// Doc is nil when the type has no doc; a non-nil empty string is an empty doc.
	Doc *string
	// Aliases are full names, resolved against Namespace as Java does.
	Aliases []string
	// Props are the other attributes, in source order.
	Props Props
	// Pos is where the name was declared.
	Pos Position
}

// Names returns n itself; it makes *Record, *Enum and *Fixed NamedSchemas.
func (n *Named) Names() *Named { return n }

// FullName returns namespace.name, or name when there is no namespace.
func (n *Named) FullName() string { return JoinName(n.Namespace, n.Name) }

// JoinName joins a namespace and a simple name into a full name.
func JoinName(namespace, name string) string {
	if namespace == "" {
		return name
	}
	return namespace + "." + name
}

// SplitName splits a full name into its namespace and simple name.
func SplitName(full string) (namespace, name string) {
	if i := strings.LastIndexByte(full, '.'); i >= 0 {
		return full[:i], full[i+1:]
	}
	return "", full
}

// Resolve applies the Avro namespace rule in one place: a name that contains
// a dot is already full; otherwise it lives in the enclosing namespace.
func Resolve(name, enclosing string) string {
	if strings.ContainsRune(name, '.') {
		return name
	}
	return JoinName(enclosing, name)
}

// Primitive is a primitive type, possibly carrying properties. A logical
// type is a property ("logicalType", plus "precision"/"scale" for decimal),
// kept in place so that output keeps the source order; see Logical.
type Primitive struct {
	T     Type
	Props Props
	Pos   Position
}

// Record is a record or an error.
type Record struct {
	Named
	IsError bool
	Fields  []*Field
}

// Enum is an enum type.
type Enum struct {
	Named
	Symbols []string
	// Default is the symbol used for unknown symbols when HasDefault is set.
	Default    string
	HasDefault bool
}

// Fixed is a fixed-size type. Logical types (decimal, duration) live in Props.
type Fixed struct {
	Named
	Size int
}

// Array is an array type.
type Array struct {
	Items Schema
	Props Props
	Pos   Position
}

// Map is a map type; keys are always strings.
type Map struct {
	Values Schema
	Props  Props
	Pos    Position
}

// Union is a union. Branches never hold a union directly.
type Union struct {
	Branches []Schema
	Pos      Position
}

// Order is a field's sort order.
type Order int

// The sort orders. Ascending is the default and is not written out.
const (
	Ascending Order = iota
	Descending
	Ignore
)

func (o Order) String() string {
	switch o {
	case Descending:
		return "descending"
	case Ignore:
		return "ignore"
	}
	return "ascending"
}

// Field is a record field (or a message request parameter).
type Field struct {
	Name string
	Doc  *string
	Type Schema
	// Default is meaningful only when HasDefault is set (a null default is
	// HasDefault with Default == nil).
	Default    Value
	HasDefault bool
	Order      Order
	// Aliases are simple names.
	Aliases []string
	Props   Props
	Pos     Position
}

func (*Primitive) isSchema() {}
func (*Record) isSchema()    {}
func (*Enum) isSchema()      {}
func (*Fixed) isSchema()     {}
func (*Array) isSchema()     {}
func (*Map) isSchema()       {}
func (*Union) isSchema()     {}

// Type implementations.
func (p *Primitive) Type() Type { return p.T }
func (r *Record) Type() Type {
	if r.IsError {
		return ErrorType
	}
	return RecordType
}
func (*Enum) Type() Type  { return EnumType }
func (*Fixed) Type() Type { return FixedType }
func (*Array) Type() Type { return ArrayType }
func (*Map) Type() Type   { return MapType }
func (*Union) Type() Type { return UnionType }

// FieldIndex returns the record's fields by name (the first of each name,
// as FieldByName finds). Code that looks up many fields builds it once:
// FieldByName is a linear scan, and records with thousands of fields exist.
func (r *Record) FieldIndex() map[string]*Field {
	idx := make(map[string]*Field, len(r.Fields))
	for _, f := range r.Fields {
		if _, ok := idx[f.Name]; !ok {
			idx[f.Name] = f
		}
	}
	return idx
}

// FieldByName returns the field called name, or nil.
func (r *Record) FieldByName(name string) *Field {
	for _, f := range r.Fields {
		if f.Name == name {
			return f
		}
	}
	return nil
}

// SymbolIndex returns the index of sym, or -1.
func (e *Enum) SymbolIndex(sym string) int {
	for i, s := range e.Symbols {
		if s == sym {
			return i
		}
	}
	return -1
}

// PropsOf returns the properties of s, or nil for a union (which has none).
func PropsOf(s Schema) *Props {
	switch s := s.(type) {
	case *Primitive:
		return &s.Props
	case *Record:
		return &s.Props
	case *Enum:
		return &s.Props
	case *Fixed:
		return &s.Props
	case *Array:
		return &s.Props
	case *Map:
		return &s.Props
	}
	return nil
}

// PosOf returns the source position of s, if known.
func PosOf(s Schema) Position {
	switch s := s.(type) {
	case *Primitive:
		return s.Pos
	case *Record:
		return s.Pos
	case *Enum:
		return s.Pos
	case *Fixed:
		return s.Pos
	case *Array:
		return s.Pos
	case *Map:
		return s.Pos
	case *Union:
		return s.Pos
	}
	return Position{}
}

// Message is a protocol message.
type Message struct {
	Name    string
	Doc     *string
	Props   Props
	Request []*Field
	// Response is the response schema (a null primitive for `void`).
	Response Schema
	// Errors are the declared error types, without the implicit "string".
	Errors []Schema
	OneWay bool
	Pos    Position
}

// Protocol is an Avro protocol (.avpr).
type Protocol struct {
	Name      string
	Namespace string
	Doc       *string
	Props     Props
	// Types are the protocol's named types in definition order.
	Types    []NamedSchema
	Messages []*Message
	Pos      Position
}
