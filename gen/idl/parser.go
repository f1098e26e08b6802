package idl

import (
	"fmt"
	"unicode/utf8"

	"gitlab.com/acme/avroctl/gen/schema"
)

// maxErrors is how many syntax errors one file may report before the parser
// gives up; later errors are mostly consequences of the first ones.
const maxErrors = 10

// maxNesting caps how deeply types and JSON values may nest, so that hostile
// input cannot exhaust the stack.
const maxNesting = 500

// bailout stops parsing after too many errors (see go/parser).
type bailout struct{}

// parser is a recursive-descent parser for Idl.g4 with one token of
// lookahead (plus a little more to tell declarations from messages, which
// ANTLR does with adaptive prediction).
type parser struct {
	filename string
	toks     []token // tokens without doc comments, ending with EOF
	docs     []token // doc comments
	i        int
	tok      token
	errors   schema.ErrorList
	lastLine int
	nest     int
	errCount int // errors found, including those not reported
	warnings []Warning
}

// parseFile scans and parses src. The AST is returned even when there are
// errors; the error list is sorted.
func parseFile(filename string, src []byte) (*fileNode, []Warning, schema.ErrorList) {
	p := &parser{filename: filename, lastLine: -1}
	sc := newScanner(filename, src, func(pos schema.Position, msg string) {
		p.errors.Add(pos, msg)
	})
	sc.warnh = func(pos schema.Position, msg string) {
		p.warnings = append(p.warnings, Warning{Pos: pos, Msg: msg, Lexical: true})
	}
	// The first token tells whether this is IDL at all. A file that does
	// not start like IDL (a wrong import path or kind, a token file) gets
	// one error that quotes nothing of it, and is not read further: its
	// content may be a secret that would end up in a CI log.
	all := sc.scanUntil(nil, func(t token) bool { return t.tok != DOC })
	if msg := notIDL(all[len(all)-1], sc.illegal); msg != "" {
		return &fileNode{}, nil, schema.ErrorList{{Pos: all[len(all)-1].pos, Msg: msg}}
	}
	all = sc.scanUntil(all, func(token) bool { return false })
	// Doc comments move to p.docs; the other tokens are compacted in
	// place (the write index never passes the read index).
	p.toks = all[:0]
	for _, t := range all {
		switch t.tok {
		case DOC:
			p.docs = append(p.docs, t)
		default:
			p.toks = append(p.toks, t)
		}
	}
	p.tok = p.toks[0]
	f := &fileNode{Docs: p.docs}
	func() {
		defer func() {
			if r := recover(); r != nil {
				if _, ok := r.(bailout); !ok {
					panic(r)
				}
			}
		}()
		p.parseIdlFile(f)
	}()
	p.errors.Sort()
	return f, p.warnings, p.errors
}

func (p *parser) next() {
	if p.i < len(p.toks)-1 {
		p.i++
	}
	p.tok = p.toks[p.i]
}

func (p *parser) peek(n int) token {
	if p.i+n < len(p.toks) {
		return p.toks[p.i+n]
	}
	return p.toks[len(p.toks)-1]
}

func (p *parser) error(pos schema.Position, msg string) {
	p.errCount++
	// Report only the first error on a line: the rest are usually noise.
	if pos.Line == p.lastLine {
		return
	}
	p.lastLine = pos.Line
	p.errors.Add(pos, msg)
	if len(p.errors) >= maxErrors {
		panic(bailout{})
	}
}

// notIDL returns the error for a file whose first token (after doc
// comments) cannot start an IDL file, "" when it can. illegal is how many
// characters the scanner skipped before it.
func notIDL(first token, illegal int) string {
	switch first.tok {
	case AT, PROTOCOL, NAMESPACE, SCHEMA, IMPORT, RECORD, ERROR, ENUM, FIXED:
		return ""
	case EOF:
		if illegal == 0 {
			return "" // comments only: an empty schema-syntax file
		}
		return fmt.Sprintf("not an Avro IDL file: it holds no IDL, only %d characters IDL does not allow (none quoted: the file may hold secrets); check the path (and, for an import, its kind: idl, protocol or schema)", illegal)
	}
	what := "'" + first.tok.String() + "'"
	switch first.tok {
	case IDENT:
		what = fmt.Sprintf("a word of %d characters", utf8.RuneCountInString(first.lit))
		if kw := nearKeyword(first.lit); kw != "" {
			// A misspelt keyword is the user's IDL, not a secret.
			return fmt.Sprintf("expected protocol, namespace, schema, import or a named schema declaration, found identifier %q: did you mean %s?", first.lit, kw)
		}
	case INT, FLOAT:
		what = "a number"
	case STRING:
		what = "a string"
	}
	return fmt.Sprintf("not an Avro IDL file: it starts with %s (not quoted: the file may hold secrets), where IDL starts with protocol, namespace, schema, import, record, enum, fixed, error or @; check the path (and, for an import, its kind: idl, protocol or schema)", what)
}

// startKeywords are the keywords an IDL file can start with.
var startKeywords = []string{"protocol", "namespace", "schema", "import", "record", "enum", "fixed", "error"}

// nearKeyword returns the keyword that word misspells (at most two edits
// away, and no longer than the keyword plus two), or "".
func nearKeyword(word string) string {
	for _, kw := range startKeywords {
		if len(word) <= len(kw)+2 && schema.EditDistance(word, kw) <= 2 {
			return kw
		}
	}
	return ""
}

func describe(t token) string {
	switch t.tok {
	case EOF:
		return "end of file"
	case IDENT:
		return "identifier " + schema.QuoteShort(t.lit)
	case INT, FLOAT:
		return "number " + quoteShortBare(t.lit)
	case STRING:
		return "string " + schema.QuoteShort(t.lit)
	}
	return "'" + t.tok.String() + "'"
}

// quoteShortBare is schema.QuoteShort without the quotes, for numbers.
func quoteShortBare(s string) string {
	if len(s) > schema.MaxQuoted {
		return s[:schema.MaxQuoted] + fmt.Sprintf("... (%d characters)", len(s))
	}
	return s
}

func (p *parser) errorExpected(what string) {
	if p.tok.pos.Line == p.lastLine {
		p.errCount++ // not reported (see error): skip formatting it
		return
	}
	p.error(p.tok.pos, fmt.Sprintf("expected %s, found %s", what, describe(p.tok)))
}

// expect consumes a token of kind tok, reporting an error if the current
// token is something else. On a mismatch it still moves on, except over a
// closing brace, a semicolon or EOF; the loops that call it check progress.
func (p *parser) expect(tok Token) schema.Position {
	pos := p.tok.pos
	if p.tok.tok != tok {
		p.errorExpected("'" + tok.String() + "'")
		switch p.tok.tok {
		case RBRACE, SEMICOLON, EOF:
			// Leave closing tokens for the enclosing production, which
			// resynchronises on them.
			return pos
		}
	}
	p.next()
	return pos
}

// got consumes the current token if it is tok.
func (p *parser) got(tok Token) bool {
	if p.tok.tok == tok {
		p.next()
		return true
	}
	return false
}

func (p *parser) incNest() {
	p.nest++
	if p.nest > maxNesting {
		p.error(p.tok.pos, fmt.Sprintf("nesting too deep (more than %d levels)", maxNesting))
		panic(bailout{})
	}
}

func (p *parser) decNest() { p.nest-- }

// syncDecl skips to a likely start of the next declaration after an error,
// consuming at least one token so that callers never loop.
func (p *parser) syncDecl(start int) {
	if p.i == start && p.tok.tok != EOF {
		p.next()
	}
	for {
		switch p.tok.tok {
		case EOF:
			return
		case RBRACE:
			// A brace right before the end closes the protocol; any other
			// most likely closes the broken declaration.
			if p.peek(1).tok == EOF {
				return
			}
			p.next()
			return
		case SEMICOLON:
			p.next()
			return
		case RECORD, ERROR, ENUM, FIXED, IMPORT, AT:
			return
		}
		p.next()
	}
}

// idlFile: protocolDeclaration | namespaceDeclaration? mainSchemaDeclaration? (importStatement | namedSchemaDeclaration)* EOF
func (p *parser) parseIdlFile(f *fileNode) {
	start := p.tok.index
	props := p.parseProps()
	if p.tok.tok == PROTOCOL {
		f.Protocol = p.parseProtocol(start, props)
		if p.tok.tok != EOF {
			p.errorExpected("end of file")
		}
		return
	}
	if len(props) == 0 {
		props = nil
		if p.tok.tok == NAMESPACE {
			p.next()
			id := p.parseIdent()
			f.Namespace = &id
			p.expect(SEMICOLON)
		}
		if p.tok.tok == SCHEMA {
			f.MainPos = p.tok.pos
			p.next()
			f.MainSchema = p.parseFullType()
			p.expect(SEMICOLON)
		}
	}
	pending, pendingStart := props, start
	for p.tok.tok != EOF || pending != nil {
		iStart := p.i
		start := p.tok.index
		var props []*property
		if pending != nil {
			props, start = pending, pendingStart
			pending = nil
		} else {
			props = p.parseProps()
		}
		n := p.errCount
		switch p.tok.tok {
		case IMPORT:
			if len(props) > 0 {
				p.error(props[0].Pos, "an import cannot be annotated")
			}
			f.Items = append(f.Items, p.parseImport())
		case RECORD, ERROR, ENUM, FIXED:
			f.Items = append(f.Items, p.parseNamedDecl(start, props))
		case PROTOCOL:
			p.error(p.tok.pos, "a protocol must be the only declaration in its file: move the imports and types into the protocol")
			panic(bailout{}) // the rest would only produce follow-up errors
		default:
			p.errorExpected("import or named schema declaration (record, error, enum, fixed)")
		}
		if p.errCount > n || p.i == iStart {
			p.syncDecl(iStart)
		}
	}
}

// protocolDeclaration: schemaProperty* Protocol identifier protocolDeclarationBody
// protocolDeclarationBody: '{' (importStatement | namedSchemaDeclaration | messageDeclaration)* '}'
func (p *parser) parseProtocol(start int, props []*property) *protocolDecl {
	p.expect(PROTOCOL)
	d := &protocolDecl{Start: start, Props: props, Name: p.parseIdent()}
	p.expect(LBRACE)
	for p.tok.tok != RBRACE && p.tok.tok != EOF {
		iStart := p.i
		n := p.errCount
		d.Items = append(d.Items, p.parseProtocolItem())
		if p.errCount > n || p.i == iStart {
			p.syncDecl(iStart)
		}
	}
	p.expect(RBRACE)
	return d
}

func (p *parser) parseProtocolItem() declNode {
	start := p.tok.index
	if p.tok.tok == IMPORT && isImportKind(p.peek(1).tok) && p.peek(2).tok == STRING {
		return p.parseImport()
	}
	props := p.parseProps()
	if p.isNamedDeclStart() {
		return p.parseNamedDecl(start, props)
	}
	return p.parseMessage(start, props)
}

func isImportKind(t Token) bool { return t == IDL || t == PROTOCOL || t == SCHEMA }

// isNamedDeclStart tells `record R {`, `enum E {` and `fixed F(16)` from a
// message whose return type is a type named like a keyword.
func (p *parser) isNamedDeclStart() bool {
	if !p.peek(1).tok.isIdentifier() {
		return false
	}
	switch p.tok.tok {
	case RECORD, ERROR, ENUM:
		return p.peek(2).tok == LBRACE
	case FIXED:
		// `fixed F(16);` -- a parameter list never holds a lone token.
		return p.peek(2).tok == LPAREN && (p.peek(3).tok == INT || p.peek(4).tok == RPAREN)
	}
	return false
}

// importStatement: Import (Schema | Protocol | IDL) StringLiteral ';'
func (p *parser) parseImport() *importDecl {
	d := &importDecl{Pos: p.expect(IMPORT)}
	if isImportKind(p.tok.tok) {
		d.Kind = p.tok.tok
		p.next()
	} else {
		p.errorExpected("import kind (idl, protocol or schema)")
	}
	d.PathPos = p.tok.pos
	if p.tok.tok == STRING {
		d.Path = p.tok.lit
		p.next()
	} else {
		p.errorExpected("file name string")
	}
	p.expect(SEMICOLON)
	return d
}

// namedSchemaDeclaration: fixedDeclaration | enumDeclaration | recordDeclaration
func (p *parser) parseNamedDecl(start int, props []*property) declNode {
	switch p.tok.tok {
	case FIXED:
		return p.parseFixed(start, props)
	case ENUM:
		return p.parseEnum(start, props)
	default:
		return p.parseRecord(start, props)
	}
}

// fixedDeclaration: schemaProperty* Fixed identifier '(' IntegerLiteral ')' ';'
func (p *parser) parseFixed(start int, props []*property) *fixedDecl {
	p.expect(FIXED)
	d := &fixedDecl{Start: start, Props: props, Name: p.parseIdent()}
	p.expect(LPAREN)
	d.SizePos = p.tok.pos
	if p.tok.tok == INT {
		d.Size = p.tok.lit
		p.next()
	} else {
		p.errorExpected("fixed size (an integer)")
	}
	p.expect(RPAREN)
	p.expect(SEMICOLON)
	return d
}

// enumDeclaration: schemaProperty* Enum identifier '{' (enumSymbol (',' enumSymbol)*)? '}' enumDefault?
// enumSymbol: schemaProperty* identifier
// enumDefault: '=' identifier ';'
func (p *parser) parseEnum(start int, props []*property) *enumDecl {
	p.expect(ENUM)
	d := &enumDecl{Start: start, Props: props, Name: p.parseIdent()}
	p.expect(LBRACE)
	if p.tok.tok != RBRACE {
		for {
			p.parseProps() // symbol annotations are accepted and ignored, as in the reference
			d.Symbols = append(d.Symbols, p.parseIdent())
			if !p.got(COMMA) {
				break
			}
		}
	}
	p.expect(RBRACE)
	if p.got(EQUALS) {
		id := p.parseIdent()
		d.Default = &id
		p.expect(SEMICOLON)
	}
	return d
}

// recordDeclaration: schemaProperty* (Record | Error) identifier '{' fieldDeclaration* '}'
func (p *parser) parseRecord(start int, props []*property) *recordDecl {
	d := &recordDecl{Start: start, Props: props, IsError: p.tok.tok == ERROR}
	if p.tok.tok == RECORD || p.tok.tok == ERROR {
		p.next()
	} else {
		p.errorExpected("'record' or 'error'")
	}
	d.Name = p.parseIdent()
	p.expect(LBRACE)
	for p.tok.tok != RBRACE && p.tok.tok != EOF {
		iStart := p.i
		n := p.errCount
		d.Fields = append(d.Fields, p.parseField())
		if p.errCount > n || p.i == iStart {
			// Skip to the end of the field.
			if p.i == iStart {
				p.next()
			}
			for p.tok.tok != SEMICOLON && p.tok.tok != RBRACE && p.tok.tok != EOF {
				p.next()
			}
			p.got(SEMICOLON)
		}
	}
	p.expect(RBRACE)
	return d
}

// fieldDeclaration: fullType variableDeclaration (',' variableDeclaration)* ';'
func (p *parser) parseField() *fieldDecl {
	d := &fieldDecl{Start: p.tok.index}
	d.Type = p.parseFullType()
	for {
		d.Vars = append(d.Vars, p.parseVar())
		if !p.got(COMMA) {
			break
		}
	}
	p.expect(SEMICOLON)
	return d
}

// variableDeclaration: schemaProperty* identifier ('=' jsonValue)?
func (p *parser) parseVar() *varDecl {
	d := &varDecl{Start: p.tok.index}
	d.Props = p.parseProps()
	d.Name = p.parseIdent()
	if p.got(EQUALS) {
		d.Default = p.parseJSON()
	}
	return d
}

// messageDeclaration: schemaProperty* resultType identifier
//
//	'(' (formalParameter (',' formalParameter)*)? ')' (Oneway | Throws identifier (',' identifier)*)? ';'
func (p *parser) parseMessage(start int, props []*property) *messageDecl {
	d := &messageDecl{Start: start, Props: props, ResultStart: p.tok.index, ResultPos: p.tok.pos}
	if !p.got(VOID) {
		d.Result = p.parsePlainType()
	}
	d.Name = p.parseIdent()
	p.expect(LPAREN)
	if p.tok.tok != RPAREN {
		for {
			fp := &formalParam{Start: p.tok.index}
			fp.Type = p.parseFullType()
			fp.Var = p.parseVar()
			d.Params = append(d.Params, fp)
			if !p.got(COMMA) {
				break
			}
		}
	}
	p.expect(RPAREN)
	switch {
	case p.got(ONEWAY):
		d.Oneway = true
	case p.got(THROWS):
		for {
			d.Throws = append(d.Throws, p.parseIdent())
			if !p.got(COMMA) {
				break
			}
		}
	}
	p.expect(SEMICOLON)
	return d
}

// fullType: schemaProperty* plainType
func (p *parser) parseFullType() *fullType {
	p.incNest()
	defer p.decNest()
	t := &fullType{Start: p.tok.index, Pos: p.tok.pos}
	t.Props = p.parseProps()
	t.Type = p.parsePlainType()
	return t
}

// plainType: arrayType | mapType | unionType | nullableType
func (p *parser) parsePlainType() typeNode {
	pos := p.tok.pos
	switch {
	case p.tok.tok == ARRAY && p.peek(1).tok == LT:
		p.next()
		p.next()
		t := &arrayType{Pos: pos, Elem: p.parseFullType()}
		p.expect(GT)
		return t
	case p.tok.tok == MAP && p.peek(1).tok == LT:
		p.next()
		p.next()
		t := &mapType{Pos: pos, Values: p.parseFullType()}
		p.expect(GT)
		return t
	case p.tok.tok == UNION && p.peek(1).tok == LBRACE:
		p.next()
		p.next()
		t := &unionType{Pos: pos}
		for {
			t.Types = append(t.Types, p.parseFullType())
			if !p.got(COMMA) {
				break
			}
		}
		p.expect(RBRACE)
		return t
	}
	return p.parseNullableType()
}

// nullableType: (primitiveType | identifier) '?'?
// primitiveType: Boolean | Int | ... | Decimal '(' IntegerLiteral (',' IntegerLiteral)? ')'
func (p *parser) parseNullableType() *nullableType {
	t := &nullableType{Pos: p.tok.pos}
	switch p.tok.tok {
	case BOOLEAN, INT_KW, LONG, FLOAT_KW, DOUBLE, BYTES, STRING_KW, NULL,
		DATE, TIME_MS, TIMESTAMP_MS, LOCAL_TIMESTAMP_MS, UUID:
		t.Prim = p.tok.tok
		p.next()
	case DECIMAL:
		if p.peek(1).tok != LPAREN {
			t.Ref = p.parseIdent()
			break
		}
		t.Prim = DECIMAL
		p.next()
		p.next()
		t.Precision = p.intLit("decimal precision")
		if p.got(COMMA) {
			t.Scale = p.intLit("decimal scale")
		}
		p.expect(RPAREN)
	default:
		if !p.tok.tok.isIdentifier() {
			p.errorExpected("type")
			p.next()
			return t
		}
		t.Ref = p.parseIdent()
	}
	t.Optional = p.got(QUESTION)
	return t
}

func (p *parser) intLit(what string) string {
	if p.tok.tok != INT {
		p.errorExpected(what + " (an integer)")
		return "0"
	}
	lit := p.tok.lit
	p.next()
	return lit
}

// identifier: IdentifierToken | any keyword
func (p *parser) parseIdent() ident {
	t := p.tok
	if !t.tok.isIdentifier() {
		p.errorExpected("identifier")
		if t.tok != EOF && t.tok != RBRACE && t.tok != SEMICOLON {
			p.next()
		}
		return ident{Name: "_", Pos: t.pos}
	}
	p.next()
	name := t.lit
	if t.tok != IDENT {
		name = t.tok.String()
	}
	return ident{Name: name, Pos: t.pos, Tok: t.tok}
}

// schemaProperty: '@' identifier '(' jsonValue ')'
func (p *parser) parseProps() []*property {
	var props []*property
	for p.tok.tok == AT {
		prop := &property{Start: p.tok.index, Pos: p.tok.pos}
		p.next()
		prop.Name = p.parseIdent()
		p.expect(LPAREN)
		prop.ValuePos = p.tok.pos
		prop.Value = p.parseJSON()
		p.expect(RPAREN)
		props = append(props, prop)
	}
	return props
}

// jsonValue: jsonObject | jsonArray | jsonLiteral
func (p *parser) parseJSON() jsonValue {
	p.incNest()
	defer p.decNest()
	pos := p.tok.pos
	switch p.tok.tok {
	case LBRACE:
		p.next()
		o := &jsonObject{Pos: pos}
		if p.tok.tok != RBRACE {
			for {
				pair := jsonPair{KeyPos: p.tok.pos}
				if p.tok.tok == STRING {
					pair.Key = p.tok.lit
					p.next()
				} else {
					p.errorExpected("object key (a string)")
					return o
				}
				p.expect(COLON)
				pair.Value = p.parseJSON()
				o.Members = append(o.Members, pair)
				if !p.got(COMMA) {
					break
				}
			}
		}
		p.expect(RBRACE)
		return o
	case LBRACKET:
		p.next()
		a := &jsonArray{Pos: pos}
		if p.tok.tok != RBRACKET {
			for {
				a.Elems = append(a.Elems, p.parseJSON())
				if !p.got(COMMA) {
					break
				}
			}
		}
		p.expect(RBRACKET)
		return a
	case STRING, INT, FLOAT, TRUE, FALSE, NULL:
		v := &jsonLit{Pos: pos, Tok: p.tok.tok, Lit: p.tok.lit}
		p.next()
		return v
	}
	p.errorExpected("JSON value")
	if p.tok.tok != EOF && p.tok.tok != RPAREN && p.tok.tok != SEMICOLON && p.tok.tok != RBRACE {
		p.next()
	}
	return &jsonLit{Pos: pos, Tok: NULL}
}
