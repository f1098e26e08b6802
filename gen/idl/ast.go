package idl

import "gitlab.com/acme/avroctl/gen/schema"

// The AST records what was written, with positions. Each node that the
// reference attaches doc comments to keeps Start, the index of its first
// token, because doc comment placement is decided by token indexes.

// fileNode is a parsed .avdl file: either a protocol, or the 1.12 schema
// syntax (optional namespace, optional main schema, imports and types).
type fileNode struct {
	Protocol   *protocolDecl
	Namespace  *ident // `namespace x;`, nil if absent
	MainSchema *fullType
	MainPos    schema.Position
	Items      []declNode // *importDecl or named declarations (schema syntax)
	Docs       []token    // every doc comment, in order
}

// declNode is a protocol or file item: *importDecl, *fixedDecl, *enumDecl,
// *recordDecl or *messageDecl.
type declNode interface{ declNode() }

type ident struct {
	Name string // backticks removed
	Pos  schema.Position
	Tok  Token
}

type property struct {
	Start    int
	Pos      schema.Position // of '@'
	Name     ident
	Value    jsonValue
	ValuePos schema.Position
}

type protocolDecl struct {
	Start int
	Props []*property
	Name  ident
	Items []declNode
}

type importDecl struct {
	Pos     schema.Position
	Kind    Token // IDL, PROTOCOL or SCHEMA
	Path    string
	PathPos schema.Position
}

type fixedDecl struct {
	Start   int
	Props   []*property
	Name    ident
	Size    string
	SizePos schema.Position
}

type enumDecl struct {
	Start   int
	Props   []*property
	Name    ident
	Symbols []ident
	Default *ident
}

type recordDecl struct {
	Start   int
	Props   []*property
	IsError bool
	Name    ident
	Fields  []*fieldDecl
}

type fieldDecl struct {
	Start int
	Type  *fullType
	Vars  []*varDecl
}

type varDecl struct {
	Start   int
	Props   []*property
	Name    ident
	Default jsonValue // nil when absent
}

type messageDecl struct {
	Start       int
	Props       []*property
	Result      typeNode // nil for void
	ResultStart int
	ResultPos   schema.Position
	Name        ident
	Params      []*formalParam
	Oneway      bool
	Throws      []ident
}

type formalParam struct {
	Start int
	Type  *fullType
	Var   *varDecl
}

// fullType is a type with its annotations.
type fullType struct {
	Start int
	Pos   schema.Position
	Props []*property
	Type  typeNode
}

// typeNode is *arrayType, *mapType, *unionType or *nullableType.
type typeNode interface{ typeNode() }

type arrayType struct {
	Pos  schema.Position
	Elem *fullType
}

type mapType struct {
	Pos    schema.Position
	Values *fullType
}

type unionType struct {
	Pos   schema.Position
	Types []*fullType
}

// nullableType is a primitive or a reference, optionally followed by '?'.
type nullableType struct {
	Pos       schema.Position
	Prim      Token // primitive keyword, or 0 for a reference
	Precision string
	Scale     string // "" when absent
	Ref       ident
	Optional  bool
}

// jsonValue is *jsonLit, *jsonArray or *jsonObject.
type jsonValue interface{ jsonPos() schema.Position }

type jsonLit struct {
	Pos schema.Position
	Tok Token // STRING, INT, FLOAT, TRUE, FALSE, NULL
	Lit string
}

type jsonArray struct {
	Pos   schema.Position
	Elems []jsonValue
}

type jsonPair struct {
	Key    string
	KeyPos schema.Position
	Value  jsonValue
}

type jsonObject struct {
	Pos     schema.Position
	Members []jsonPair
}

func (*importDecl) declNode()  {}
func (*fixedDecl) declNode()   {}
func (*enumDecl) declNode()    {}
func (*recordDecl) declNode()  {}
func (*messageDecl) declNode() {}

func (*arrayType) typeNode()    {}
func (*mapType) typeNode()      {}
func (*unionType) typeNode()    {}
func (*nullableType) typeNode() {}

func (v *jsonLit) jsonPos() schema.Position    { return v.Pos }
func (v *jsonArray) jsonPos() schema.Position  { return v.Pos }
func (v *jsonObject) jsonPos() schema.Position { return v.Pos }
