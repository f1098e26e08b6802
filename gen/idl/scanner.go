package idl

import (
	"bytes"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"gitlab.com/acme/avroctl/gen/schema"
)

// token is one scanned token. Index numbers every token the parser sees plus
// every doc comment, in source order: the reference decides doc comment
// placement by token indexes (ANTLR's hidden channel), and so do we.
type token struct {
	tok   Token
	lit   string // identifier (backticks removed), literal text, or doc comment text
	pos   schema.Position
	index int
}

// scanner turns IDL source into tokens. It never stops at bad input: it
// reports the problem through errh and carries on with the next character.
type scanner struct {
	filename string
	src      []byte
	off      int
	line     int
	lineOff  int // offset of the current line's first byte
	// colOff and col are the last offset posAt was asked for and its
	// column, when that offset is on the current line.
	colOff, col int
	errh        func(pos schema.Position, msg string)
	warnh       func(pos schema.Position, msg string)
	// illegal counts the characters skipped as not IDL; warnings counts
	// the lexical warnings given, which stop at maxLexWarnings.
	illegal, warnings int
}

// maxLexWarnings caps the lexical warnings of one file: a file of binary
// data would otherwise get one per byte.
const maxLexWarnings = 100

func newScanner(filename string, src []byte, errh func(schema.Position, string)) *scanner {
	return &scanner{filename: filename, src: src, line: 1, errh: errh}
}

// scanAll returns every token, doc comments included, ending with EOF.
func (s *scanner) scanAll() []token { return s.scanUntil(nil, func(token) bool { return false }) }

// scanUntil appends tokens to out until EOF, or until stop returns true
// for a token (which is appended too). The slice grows with what is found:
// sizing it from the input's length would let a large file that holds few
// tokens (or none) cost many times its size.
func (s *scanner) scanUntil(out []token, stop func(token) bool) []token {
	for {
		t := s.scan()
		if t.tok == ILLEGAL {
			// Skipped characters make no token, so they do not separate
			// a doc comment from what it documents (as in the reference).
			s.illegal++
			continue
		}
		t.index = len(out)
		out = append(out, t)
		if t.tok == EOF || stop(t) {
			return out
		}
	}
}

// posAt returns the position of off, which must be on the current line
// (token starts are: the scanner computes them before moving on).
func (s *scanner) posAt(off int) schema.Position {
	// Columns count characters. Counting from the line start for every
	// token would cost the line's length each time (quadratic on a long
	// one-line file), so the count goes on from the last position asked
	// for on the same line.
	if s.col == 0 || s.colOff < s.lineOff || off < s.colOff {
		s.colOff, s.col = s.lineOff, 1
	}
	s.col += utf8.RuneCount(s.src[s.colOff:off])
	s.colOff = off
	return schema.Position{Filename: s.filename, Offset: off, Line: s.line, Column: s.col}
}

// advance moves past n bytes, keeping line bookkeeping. A line ends at
// \n, at \r not followed by \n, and at \r\n.
func (s *scanner) advance(n int) {
	end := s.off + n
	for s.off < end {
		c := s.src[s.off]
		s.off++
		if c == '\n' || (c == '\r' && (s.off >= len(s.src) || s.src[s.off] != '\n')) {
			s.line++
			s.lineOff = s.off
		}
	}
}

func (s *scanner) peekByte(i int) byte {
	if s.off+i < len(s.src) {
		return s.src[s.off+i]
	}
	return 0
}

func (s *scanner) warn(pos schema.Position, msg string) {
	s.warnings++
	if s.warnh == nil || s.warnings > maxLexWarnings {
		return
	}
	if s.warnings == maxLexWarnings {
		msg = fmt.Sprintf("%s (and no more lexical warnings for this file: it has too many to list)", msg)
	}
	s.warnh(pos, msg)
}

func (s *scanner) error(pos schema.Position, format string, args ...any) {
	if s.errh != nil {
		s.errh(pos, fmt.Sprintf(format, args...))
	}
}

func (s *scanner) scan() token {
	for {
		// Skip whitespace: Idl.g4 knows only space, tab, CR, LF and FF.
		for s.off < len(s.src) {
			c := s.src[s.off]
			if c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' {
				s.advance(1)
				continue
			}
			break
		}
		pos := s.posAt(s.off)
		if s.off >= len(s.src) || s.src[s.off] == 0x1a {
			// \u001a (SUB) is an old end-of-file marker: ignore what follows.
			return token{tok: EOF, pos: pos}
		}
		c := s.src[s.off]
		switch {
		case c == '/' && s.peekByte(1) == '/':
			s.skipLineComment(pos)
			continue
		case c == '/' && s.peekByte(1) == '*':
			if t, ok := s.blockComment(pos); ok {
				return t
			}
			continue
		case c == '"':
			return s.stringLit(pos)
		case c == '`' || isIdentStartAt(s.src, s.off):
			if n := s.numberLen(); n > 0 && (c == 'N' || c == 'I') {
				// NaN and Infinity are floating-point literals, unless the
				// word goes on (NaNa is an identifier): longest match wins.
				if w := s.identLen(); w <= n {
					lit := string(s.src[s.off : s.off+n])
					s.advance(n)
					return token{tok: FLOAT, lit: lit, pos: pos}
				}
			}
			return s.ident(pos)
		case c >= '0' && c <= '9' || c == '-' || c == '+' || c == '.':
			if n := s.numberLen(); n > 0 {
				lit := string(s.src[s.off : s.off+n])
				tok := INT
				if isFloatLit(lit) {
					tok = FLOAT
				}
				s.advance(n)
				return token{tok: tok, lit: lit, pos: pos}
			}
		}
		s.advance(1)
		switch c {
		case '(':
			return token{tok: LPAREN, pos: pos}
		case ')':
			return token{tok: RPAREN, pos: pos}
		case '{':
			return token{tok: LBRACE, pos: pos}
		case '}':
			return token{tok: RBRACE, pos: pos}
		case '[':
			return token{tok: LBRACKET, pos: pos}
		case ']':
			return token{tok: RBRACKET, pos: pos}
		case ':':
			return token{tok: COLON, pos: pos}
		case ';':
			return token{tok: SEMICOLON, pos: pos}
		case ',':
			return token{tok: COMMA, pos: pos}
		case '@':
			return token{tok: AT, pos: pos}
		case '=':
			return token{tok: EQUALS, pos: pos}
		case '.':
			return token{tok: DOT, pos: pos}
		case '-':
			return token{tok: DASH, pos: pos}
		case '?':
			return token{tok: QUESTION, pos: pos}
		case '<':
			return token{tok: LT, pos: pos}
		case '>':
			return token{tok: GT, pos: pos}
		}
		// Not a token: report it and go on with the next character (as the
		// reference's lexer does), keeping whole UTF-8 sequences together.
		r, size := utf8.DecodeRune(s.src[s.off-1:])
		if size > 1 {
			s.advance(size - 1)
		}
		s.warn(pos, fmt.Sprintf("illegal character %q ignored; remove it (the reference skips it too)", r))
		return token{tok: ILLEGAL, lit: string(r), pos: pos}
	}
}

func (s *scanner) skipLineComment(pos schema.Position) {
	i := s.off + 2
	for i < len(s.src) && s.src[i] != '\n' && s.src[i] != '\r' {
		i++
	}
	if i == len(s.src) {
		// Idl.g4 wants a line end after //, so the reference's lexer fails
		// on a comment that ends the file: it prints "token recognition
		// error" (its lexer keeps ANTLR's console listener) and drops the
		// text, and the file still compiles. Same here, with a warning.
		s.warn(pos, "comment on the last line has no line end: the reference's lexer reports a token recognition error and drops it; end the file with a newline")
	}
	s.advance(i - s.off)
}

// blockComment scans /* ... */, /** ... */ and /**/. It returns a DOC token
// for documentation comments; plain comments are skipped.
func (s *scanner) blockComment(pos schema.Position) (token, bool) {
	rest := s.src[s.off:]
	if len(rest) >= 3 && rest[2] == '*' {
		// "/**" starts a doc comment that ends at the first "*/" after it.
		// "/**/" is an empty plain comment, unless a later "*/" makes the
		// doc comment rule match longer (the lexer takes the longest match).
		if end := bytes.Index(rest[3:], commentEnd); end >= 0 {
			n := 3 + end + 2
			text := string(rest[:n])
			s.advance(n)
			return token{tok: DOC, lit: text, pos: pos}, true
		}
		if len(rest) >= 4 && rest[3] == '/' {
			s.advance(4)
			return token{}, false
		}
		s.unterminatedComment(pos)
		return token{}, false
	}
	if len(rest) >= 3 {
		if end := bytes.Index(rest[3:], commentEnd); end >= 0 {
			s.advance(3 + end + 2)
			return token{}, false
		}
	}
	s.unterminatedComment(pos)
	return token{}, false
}

// unterminatedComment skips the rest of the file: the reference's lexer
// fails at the end of input and drops the text, so the file still parses.
func (s *scanner) unterminatedComment(pos schema.Position) {
	s.warn(pos, "comment not terminated: the rest of the file is ignored")
	s.advance(len(s.src) - s.off)
}

func (s *scanner) stringLit(pos schema.Position) token {
	var units []uint16
	i := s.off + 1
	bad := false
	for {
		if i >= len(s.src) {
			s.error(pos, "string literal not terminated")
			s.advance(i - s.off)
			return token{tok: STRING, lit: string(utf16.Decode(units)), pos: pos}
		}
		c := s.src[i]
		if c == '"' {
			i++
			break
		}
		switch c {
		case '\n', '\r':
			s.error(pos, "string literal not terminated")
			s.advance(i - s.off)
			return token{tok: STRING, lit: string(utf16.Decode(units)), pos: pos}
		case '\b', '\f', '\t':
			if !bad {
				s.error(s.posAtOffset(i), "illegal character %q in string literal: use an escape sequence", rune(c))
				bad = true
			}
			units = append(units, uint16(c))
			i++
			continue
		case '\\':
			n, u, ok := unescape(s.src[i:])
			if !ok {
				if !bad {
					s.error(s.posAtOffset(i), "unknown escape sequence in string literal")
					bad = true
				}
				i++
				continue
			}
			units = append(units, u...)
			i += n
			continue
		}
		r, size := utf8.DecodeRune(s.src[i:])
		units = utf16.AppendRune(units, r)
		i += size
	}
	s.advance(i - s.off)
	return token{tok: STRING, lit: string(utf16.Decode(units)), pos: pos}
}

// posAtOffset returns the position of off on the current line.
func (s *scanner) posAtOffset(off int) schema.Position {
	line, lineOff := s.line, s.lineOff
	for i := s.off; i < off; i++ {
		if s.src[i] == '\n' || (s.src[i] == '\r' && (i+1 >= len(s.src) || s.src[i+1] != '\n')) {
			line++
			lineOff = i + 1
		}
	}
	return schema.Position{Filename: s.filename, Offset: off, Line: line, Column: schema.Column(s.src[lineOff:off])}
}

// unescape decodes one Java escape sequence at the start of b (which starts
// with a backslash). It returns the bytes used and the UTF-16 code units.
func unescape(b []byte) (int, []uint16, bool) {
	if len(b) < 2 {
		return 0, nil, false
	}
	switch b[1] {
	case 'n':
		return 2, []uint16{'\n'}, true
	case 'r':
		return 2, []uint16{'\r'}, true
	case 'b':
		return 2, []uint16{'\b'}, true
	case 'f':
		return 2, []uint16{'\f'}, true
	case 't':
		return 2, []uint16{'\t'}, true
	case '\\', '\'', '"':
		return 2, []uint16{uint16(b[1])}, true
	case 'u':
		if len(b) < 6 {
			return 0, nil, false
		}
		var v uint16
		for _, c := range b[2:6] {
			d, ok := hexVal(c)
			if !ok {
				return 0, nil, false
			}
			v = v<<4 | uint16(d)
		}
		return 6, []uint16{v}, true
	}
	if b[1] >= '0' && b[1] <= '7' {
		// Octal: up to three digits, the first at most 3 when there are three.
		n, v := 1, uint16(b[1]-'0')
		max := 2
		if b[1] <= '3' {
			max = 3
		}
		for n < max && 1+n < len(b) && b[1+n] >= '0' && b[1+n] <= '7' {
			v = v*8 + uint16(b[1+n]-'0')
			n++
		}
		return 1 + n, []uint16{v}, true
	}
	return 0, nil, false
}

func hexVal(c byte) (int, bool) {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0'), true
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10, true
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10, true
	}
	return 0, false
}

// Identifier characters. Idl.g4 uses XID_Start/XID_Continue; the reference
// also accepts a leading underscore, so we do too.
func isIdentStart(r rune) bool {
	return r == '_' || unicode.IsLetter(r) || unicode.Is(unicode.Nl, r)
}

func isIdentContinue(r rune) bool {
	return isIdentStart(r) || unicode.IsDigit(r) || unicode.In(r, unicode.Mn, unicode.Mc, unicode.Pc, unicode.Nd)
}

func isIdentStartAt(b []byte, off int) bool {
	if off >= len(b) {
		return false
	}
	r, _ := utf8.DecodeRune(b[off:])
	return isIdentStart(r)
}

// identPart returns the length of one identifier part at off (a word, or a
// backtick-quoted word), or 0.
func identPart(b []byte, off int) int {
	i := off
	quoted := i < len(b) && b[i] == '`'
	if quoted {
		i++
	}
	r, size := utf8.DecodeRune(b[i:])
	if i >= len(b) || !isIdentStart(r) {
		return 0
	}
	i += size
	for i < len(b) {
		r, size := utf8.DecodeRune(b[i:])
		if !isIdentContinue(r) {
			break
		}
		i += size
	}
	if quoted {
		if i >= len(b) || b[i] != '`' {
			return 0
		}
		i++
	}
	return i - off
}

// identLen returns the length of the IdentifierToken at s.off: parts joined
// by dots or dashes.
func (s *scanner) identLen() int {
	n := identPart(s.src, s.off)
	if n == 0 {
		return 0
	}
	for {
		i := s.off + n
		if i < len(s.src) && (s.src[i] == '.' || s.src[i] == '-') {
			if m := identPart(s.src, i+1); m > 0 {
				n += 1 + m
				continue
			}
		}
		return n
	}
}

func (s *scanner) ident(pos schema.Position) token {
	n := s.identLen()
	if n == 0 {
		// A backtick that does not quote a word. The reference's ANTLR
		// lexer consumes what still fits a quoted word, fails on the next
		// character, reports the text up to and including that character
		// and skips it all: "`R." of "`R.S`" (the name is then S), "`(" of
		// "@`(". The same text is dropped here.
		i := s.off + 1
		if r, size := utf8.DecodeRune(s.src[i:]); i < len(s.src) && isIdentStart(r) {
			for i += size; i < len(s.src); i += size {
				if r, size = utf8.DecodeRune(s.src[i:]); !isIdentContinue(r) {
					break
				}
			}
		}
		if i < len(s.src) {
			_, size := utf8.DecodeRune(s.src[i:])
			i += size
		}
		dropped := string(s.src[s.off:i])
		s.advance(i - s.off)
		s.warn(pos, fmt.Sprintf("%q ignored: a backtick must quote a single word, as in `record` (the reference's lexer skips this text too)", dropped))
		return token{tok: ILLEGAL, lit: dropped, pos: pos}
	}
	text := string(s.src[s.off : s.off+n])
	s.advance(n)
	if strings.ContainsAny(text, "`.-") {
		return token{tok: IDENT, lit: strings.ReplaceAll(text, "`", ""), pos: pos}
	}
	return token{tok: Lookup(text), lit: text, pos: pos}
}

// numberLen returns the length of the longest IntegerLiteral or
// FloatingPointLiteral at s.off, or 0.
func (s *scanner) numberLen() int {
	b := s.src[s.off:]
	return max(intLitLen(b), floatLitLen(b))
}

func digits(b []byte, i int, ok func(byte) bool) int {
	j := i
	for j < len(b) && ok(b[j]) {
		j++
	}
	return j - i
}

func isDigit(c byte) bool    { return c >= '0' && c <= '9' }
func isOctDigit(c byte) bool { return c >= '0' && c <= '7' }
func isHexDigit(c byte) bool { _, ok := hexVal(c); return ok }

// intLitLen matches '-'? (DecimalLiteral | HexLiteral | OctalLiteral) [lL]?.
func intLitLen(b []byte) int {
	i := 0
	if i < len(b) && b[i] == '-' {
		i++
	}
	if i >= len(b) || !isDigit(b[i]) {
		return 0
	}
	switch {
	case b[i] != '0':
		i += digits(b, i, isDigit)
	case i+1 < len(b) && (b[i+1] == 'x' || b[i+1] == 'X') && i+2 < len(b) && isHexDigit(b[i+2]):
		i += 2
		i += digits(b, i, isHexDigit)
	default:
		i++
		i += digits(b, i, isOctDigit)
	}
	if i < len(b) && (b[i] == 'l' || b[i] == 'L') {
		i++
	}
	return i
}

// floatLitLen matches FloatingPointLiteral of Idl.g4.
func floatLitLen(b []byte) int {
	i := 0
	if i < len(b) && (b[i] == '-' || b[i] == '+') {
		i++
	}
	rest := b[i:]
	switch {
	case len(rest) >= 3 && string(rest[:3]) == "NaN":
		return i + 3
	case len(rest) >= 8 && string(rest[:8]) == "Infinity":
		return i + 8
	}
	best := 0
	if n := hexFloatLen(rest); n > 0 {
		best = n
	}
	if n := decFloatLen(rest); n > best {
		best = n
	}
	if best == 0 {
		return 0
	}
	return i + best
}

func suffixLen(b []byte, i int) int {
	if i < len(b) && strings.IndexByte("fFdD", b[i]) >= 0 {
		return 1
	}
	return 0
}

func expLen(b []byte, i int, marks string) int {
	if i >= len(b) || strings.IndexByte(marks, b[i]) < 0 {
		return 0
	}
	j := i + 1
	if j < len(b) && (b[j] == '+' || b[j] == '-') {
		j++
	}
	n := digits(b, j, isDigit)
	if n == 0 {
		return 0
	}
	return j + n - i
}

func decFloatLen(b []byte) int {
	intDigits := digits(b, 0, isDigit)
	i := intDigits
	if i < len(b) && b[i] == '.' {
		frac := digits(b, i+1, isDigit)
		if intDigits > 0 || frac > 0 {
			i += 1 + frac
			i += expLen(b, i, "eE")
			return i + suffixLen(b, i)
		}
		return 0
	}
	if intDigits == 0 {
		return 0
	}
	if e := expLen(b, i, "eE"); e > 0 {
		i += e
		return i + suffixLen(b, i)
	}
	if n := suffixLen(b, i); n > 0 {
		return i + n
	}
	return 0
}

func hexFloatLen(b []byte) int {
	if len(b) < 3 || b[0] != '0' || (b[1] != 'x' && b[1] != 'X') {
		return 0
	}
	i := 2
	h := digits(b, i, isHexDigit)
	i += h
	if i < len(b) && b[i] == '.' {
		f := digits(b, i+1, isHexDigit)
		if h == 0 && f == 0 {
			return 0
		}
		i += 1 + f
	} else if h == 0 {
		return 0
	}
	e := expLen(b, i, "pP")
	if e == 0 {
		return 0
	}
	i += e
	return i + suffixLen(b, i)
}

// isFloatLit tells a FloatingPointLiteral from an IntegerLiteral of the same
// text (only used after numberLen picked the longest match).
func isFloatLit(lit string) bool {
	return floatLitLen([]byte(lit)) == len(lit) && intLitLen([]byte(lit)) != len(lit)
}

var commentEnd = []byte("*/")
