package schema

import (
	"fmt"
	"unicode/utf16"
	"unicode/utf8"
)

// This file is a small JSON reader that keeps byte offsets, so that every
// error and every schema node can point at a line and column. It accepts
// what Java's reference accepts: Jackson with ALLOW_COMMENTS, i.e. strict
// JSON plus // and /* */ comments. Duplicate object keys are allowed and, as
// in Jackson's tree model, the last value wins but keeps the first key's place.

type jsonKind uint8

const (
	jNull jsonKind = iota
	jBool
	jString
	jNumber
	jArray
	jObject
)

func (k jsonKind) String() string {
	return [...]string{"null", "boolean", "string", "number", "array", "object"}[k]
}

// Limits as in Jackson's default StreamReadConstraints: nesting depth
// (which also keeps hostile input from exhausting the stack) and the
// length of a number literal.
const (
	maxJSONDepth     = 1000
	maxNumberLiteral = 1000
)

type jsonNode struct {
	kind    jsonKind
	off     int // byte offset of the first character
	b       bool
	s       string
	num     Number
	elems   []*jsonNode
	members []jsonMember
}

type jsonMember struct {
	key    string
	keyOff int
	val    *jsonNode
}

// get returns the value of key in an object node, or nil.
func (n *jsonNode) get(key string) *jsonNode {
	if n == nil || n.kind != jObject {
		return nil
	}
	for i := range n.members {
		if n.members[i].key == key {
			return n.members[i].val
		}
	}
	return nil
}

// text returns the string value and true for a string node; like Jackson's
// textValue it yields nothing for every other kind.
func (n *jsonNode) text() (string, bool) {
	if n == nil || n.kind != jString {
		return "", false
	}
	return n.s, true
}

// jsonSyntaxError is a located syntax error (offset into the source).
type jsonSyntaxError struct {
	off int
	msg string
}

type jsonParser struct {
	src   []byte
	pos   int
	depth int
	err   *jsonSyntaxError
}

// trailing says what may follow the JSON value, as the reference's two
// entry points differ.
type trailing int

const (
	// trailingBlank: Schema.Parser.parse(String|File) releases the text
	// Jackson has not read and trims it with String.trim, which removes
	// every character up to U+0020 (control characters too, but not
	// comments); anything left is "dangling content".
	trailingBlank trailing = iota
	// trailingIgnored: Protocol.parse reads one JSON tree and never looks
	// past it.
	trailingIgnored
)

// parseJSONTree reads one JSON value and checks what follows it.
func parseJSONTree(src []byte, after trailing) (*jsonNode, *jsonSyntaxError) {
	p := &jsonParser{src: src}
	// Jackson detects the encoding and skips a UTF-8 byte order mark.
	if len(src) >= 3 && src[0] == 0xEF && src[1] == 0xBB && src[2] == 0xBF {
		p.pos = 3
	}
	p.skipSpace()
	if p.err != nil {
		return nil, p.err
	}
	if p.pos >= len(p.src) {
		return nil, &jsonSyntaxError{p.pos, "empty input: expected a JSON schema"}
	}
	n := p.value()
	if p.err != nil {
		return nil, p.err
	}
	if after == trailingIgnored {
		return n, nil
	}
	start, end := p.pos, len(p.src)
	for start < end && p.src[start] <= ' ' {
		start++
	}
	for end > start && p.src[end-1] <= ' ' {
		end--
	}
	if start < end {
		return nil, &jsonSyntaxError{start, "dangling content after end of schema: " + snippet(p.src[start:end])}
	}
	return n, nil
}

func snippet(b []byte) string {
	const max = 40
	if len(b) > max {
		b = b[:max]
		for len(b) > 0 && !utf8.Valid(b) {
			b = b[:len(b)-1]
		}
		return string(b) + "..."
	}
	return string(b)
}

func (p *jsonParser) fail(off int, format string, args ...any) {
	if p.err == nil {
		p.err = &jsonSyntaxError{off, fmt.Sprintf(format, args...)}
	}
}

func (p *jsonParser) skipSpace() {
	for p.pos < len(p.src) {
		switch c := p.src[p.pos]; c {
		case ' ', '\t', '\n', '\r':
			p.pos++
		case '/':
			start := p.pos
			if p.pos+1 >= len(p.src) {
				p.fail(start, "unexpected '/': comments start with // or /*")
				return
			}
			switch p.src[p.pos+1] {
			case '/':
				p.pos += 2
				for p.pos < len(p.src) && p.src[p.pos] != '\n' && p.src[p.pos] != '\r' {
					p.pos++
				}
			case '*':
				p.pos += 2
				for {
					if p.pos+1 >= len(p.src) {
						p.fail(start, "comment not terminated: add */")
						p.pos = len(p.src)
						return
					}
					if p.src[p.pos] == '*' && p.src[p.pos+1] == '/' {
						p.pos += 2
						break
					}
					p.pos++
				}
			default:
				p.fail(start, "unexpected '/': comments start with // or /*")
				return
			}
		default:
			return
		}
	}
}

func (p *jsonParser) value() *jsonNode {
	if p.pos >= len(p.src) {
		p.fail(p.pos, "unexpected end of input: expected a JSON value")
		return nil
	}
	start := p.pos
	switch c := p.src[p.pos]; {
	case c == '{':
		return p.object()
	case c == '[':
		return p.array()
	case c == '"':
		s, ok := p.str()
		if !ok {
			return nil
		}
		return &jsonNode{kind: jString, off: start, s: s}
	case c == '-' || (c >= '0' && c <= '9'):
		return p.number()
	case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
		end := p.pos
		for end < len(p.src) && (p.src[end] >= 'a' && p.src[end] <= 'z' || p.src[end] >= 'A' && p.src[end] <= 'Z' || p.src[end] >= '0' && p.src[end] <= '9' || p.src[end] == '_') {
			end++
		}
		word := string(p.src[p.pos:end])
		switch word {
		case "true", "false":
			p.pos = end
			return &jsonNode{kind: jBool, off: start, b: word == "true"}
		case "null":
			p.pos = end
			return &jsonNode{kind: jNull, off: start}
		}
		p.failWord(start, word)
		return nil
	default:
		r, _ := utf8.DecodeRune(p.src[p.pos:])
		p.fail(start, "unexpected character %q: expected a JSON value", r)
		return nil
	}
}

// failWord reports a word that is not a JSON literal. Inside a document
// it is quoted, cut short. As the document's first value it is quoted only
// when it looks like a misspelt literal: a file that does not start like
// JSON may be anything (an import of the wrong file), and its first word
// may be a secret.
func (p *jsonParser) failWord(start int, word string) {
	if p.depth > 0 || nearJSONLiteral(word) {
		p.fail(start, "unrecognized token %s: expected a JSON value (string, number, array, object, true, false or null)", QuoteShort(word))
		return
	}
	p.fail(start, "not JSON: the file starts with a word of %d characters (not quoted: the file may hold secrets), where a schema starts with '{', '[' or '\"'; check the path", utf8.RuneCountInString(word))
}

func nearJSONLiteral(word string) bool {
	for _, lit := range []string{"true", "false", "null"} {
		if len(word) <= len(lit)+2 && EditDistance(word, lit) <= 2 {
			return true
		}
	}
	return false
}

func (p *jsonParser) enter(off int) bool {
	p.depth++
	if p.depth > maxJSONDepth {
		p.fail(off, "JSON nesting deeper than %d levels", maxJSONDepth)
		return false
	}
	return true
}

func (p *jsonParser) object() *jsonNode {
	n := &jsonNode{kind: jObject, off: p.pos}
	if !p.enter(p.pos) {
		return nil
	}
	defer func() { p.depth-- }()
	p.pos++ // {
	p.skipSpace()
	if p.err != nil {
		return nil
	}
	if p.pos < len(p.src) && p.src[p.pos] == '}' {
		p.pos++
		return n
	}
	for {
		if p.pos >= len(p.src) {
			p.fail(n.off, "object not closed: expected '}'")
			return nil
		}
		if p.src[p.pos] != '"' {
			p.fail(p.pos, "expected a double-quoted key name or '}' in object")
			return nil
		}
		keyOff := p.pos
		key, ok := p.str()
		if !ok {
			return nil
		}
		p.skipSpace()
		if p.err != nil {
			return nil
		}
		if p.pos >= len(p.src) || p.src[p.pos] != ':' {
			p.fail(p.pos, "expected ':' after key %q", key)
			return nil
		}
		p.pos++
		p.skipSpace()
		if p.err != nil {
			return nil
		}
		v := p.value()
		if p.err != nil {
			return nil
		}
		replaced := false
		for i := range n.members {
			if n.members[i].key == key {
				n.members[i].val = v // Jackson: last value wins, first place kept
				replaced = true
				break
			}
		}
		if !replaced {
			n.members = append(n.members, jsonMember{key: key, keyOff: keyOff, val: v})
		}
		p.skipSpace()
		if p.err != nil {
			return nil
		}
		if p.pos >= len(p.src) {
			p.fail(n.off, "object not closed: expected '}'")
			return nil
		}
		switch p.src[p.pos] {
		case ',':
			p.pos++
			p.skipSpace()
			if p.err != nil {
				return nil
			}
		case '}':
			p.pos++
			return n
		default:
			p.fail(p.pos, "expected ',' or '}' after object member %q", key)
			return nil
		}
	}
}

func (p *jsonParser) array() *jsonNode {
	n := &jsonNode{kind: jArray, off: p.pos}
	if !p.enter(p.pos) {
		return nil
	}
	defer func() { p.depth-- }()
	p.pos++ // [
	p.skipSpace()
	if p.err != nil {
		return nil
	}
	if p.pos < len(p.src) && p.src[p.pos] == ']' {
		p.pos++
		n.elems = []*jsonNode{}
		return n
	}
	for {
		v := p.value()
		if p.err != nil {
			return nil
		}
		n.elems = append(n.elems, v)
		p.skipSpace()
		if p.err != nil {
			return nil
		}
		if p.pos >= len(p.src) {
			p.fail(n.off, "array not closed: expected ']'")
			return nil
		}
		switch p.src[p.pos] {
		case ',':
			p.pos++
			p.skipSpace()
			if p.err != nil {
				return nil
			}
		case ']':
			p.pos++
			return n
		default:
			p.fail(p.pos, "expected ',' or ']' after array element")
			return nil
		}
	}
}

// str reads a double-quoted string at p.pos.
func (p *jsonParser) str() (string, bool) {
	start := p.pos
	p.pos++ // "
	var buf []byte
	seg := p.pos
	for {
		if p.pos >= len(p.src) {
			p.fail(start, "string not terminated: add a closing '\"'")
			return "", false
		}
		c := p.src[p.pos]
		switch {
		case c == '"':
			buf = append(buf, p.src[seg:p.pos]...)
			p.pos++
			return string(buf), true
		case c == '\\':
			buf = append(buf, p.src[seg:p.pos]...)
			if !p.escape(&buf) {
				return "", false
			}
			seg = p.pos
		case c < 0x20:
			p.fail(p.pos, "illegal unquoted control character (code %d) in string: escape it as \\u%04X", c, c)
			return "", false
		case c < utf8.RuneSelf:
			p.pos++
		default:
			r, size := utf8.DecodeRune(p.src[p.pos:])
			if r == utf8.RuneError && size == 1 {
				p.fail(p.pos, "invalid UTF-8 byte 0x%02X in string", c)
				return "", false
			}
			p.pos += size
		}
	}
}

func (p *jsonParser) escape(buf *[]byte) bool {
	off := p.pos
	if p.pos+1 >= len(p.src) {
		p.fail(off, "string not terminated: add a closing '\"'")
		return false
	}
	c := p.src[p.pos+1]
	p.pos += 2
	switch c {
	case '"', '\\', '/':
		*buf = append(*buf, c)
	case 'b':
		*buf = append(*buf, '\b')
	case 'f':
		*buf = append(*buf, '\f')
	case 'n':
		*buf = append(*buf, '\n')
	case 'r':
		*buf = append(*buf, '\r')
	case 't':
		*buf = append(*buf, '\t')
	case 'u':
		r, ok := p.hex4(off)
		if !ok {
			return false
		}
		if utf16.IsSurrogate(r) {
			// A high surrogate followed by an escaped low one is one character.
			if r < 0xDC00 && p.pos+1 < len(p.src) && p.src[p.pos] == '\\' && p.src[p.pos+1] == 'u' {
				save := p.pos
				p.pos += 2
				r2, ok := p.hex4(save)
				if !ok {
					return false
				}
				if d := utf16.DecodeRune(r, r2); d != utf8.RuneError {
					*buf = utf8.AppendRune(*buf, d)
					return true
				}
				p.pos = save
			}
			// A lone surrogate cannot be held in UTF-8: use U+FFFD.
			r = utf8.RuneError
		}
		*buf = utf8.AppendRune(*buf, r)
	default:
		p.fail(off, "unrecognized character escape '\\%c' in string", c)
		return false
	}
	return true
}

func (p *jsonParser) hex4(off int) (rune, bool) {
	if p.pos+4 > len(p.src) {
		p.fail(off, "incomplete \\u escape: expected 4 hex digits")
		return 0, false
	}
	var r rune
	for i := 0; i < 4; i++ {
		c := p.src[p.pos+i]
		var d byte
		switch {
		case c >= '0' && c <= '9':
			d = c - '0'
		case c >= 'a' && c <= 'f':
			d = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			d = c - 'A' + 10
		default:
			p.fail(off, "invalid \\u escape: expected 4 hex digits")
			return 0, false
		}
		r = r<<4 | rune(d)
	}
	p.pos += 4
	return r, true
}

// number reads a JSON number: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func (p *jsonParser) number() *jsonNode {
	start := p.pos
	isFloat := false
	digits := func() int {
		n := 0
		for p.pos < len(p.src) && p.src[p.pos] >= '0' && p.src[p.pos] <= '9' {
			p.pos++
			n++
		}
		return n
	}
	if p.src[p.pos] == '-' {
		p.pos++
	}
	intStart := p.pos
	if n := digits(); n == 0 {
		p.fail(start, "invalid number: expected a digit after '-'")
		return nil
	} else if n > 1 && p.src[intStart] == '0' {
		p.fail(start, "invalid number %s: leading zeroes are not allowed", p.src[start:p.pos])
		return nil
	}
	if p.pos < len(p.src) && p.src[p.pos] == '.' {
		isFloat = true
		p.pos++
		if digits() == 0 {
			p.fail(start, "invalid number: expected a digit after the decimal point")
			return nil
		}
	}
	if p.pos < len(p.src) && (p.src[p.pos] == 'e' || p.src[p.pos] == 'E') {
		isFloat = true
		p.pos++
		if p.pos < len(p.src) && (p.src[p.pos] == '+' || p.src[p.pos] == '-') {
			p.pos++
		}
		if digits() == 0 {
			p.fail(start, "invalid number: expected a digit in the exponent")
			return nil
		}
	}
	if p.pos < len(p.src) {
		if c := p.src[p.pos]; c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == '.' {
			p.fail(start, "invalid number: unexpected character %q after %s", rune(c), p.src[start:p.pos])
			return nil
		}
	}
	if p.pos-start > maxNumberLiteral {
		p.fail(start, "number value length (%d) exceeds the maximum allowed (%d)", p.pos-start, maxNumberLiteral)
		return nil
	}
	return &jsonNode{kind: jNumber, off: start, num: Number{Text: string(p.src[start:p.pos]), IsFloat: isFloat}}
}

// toValue converts a node into the model's Value representation.
func (n *jsonNode) toValue() Value {
	switch n.kind {
	case jBool:
		return n.b
	case jString:
		return n.s
	case jNumber:
		return n.num
	case jArray:
		out := make([]Value, len(n.elems))
		for i, e := range n.elems {
			out[i] = e.toValue()
		}
		return out
	case jObject:
		o := &Object{Members: make([]Member, len(n.members))}
		for i, m := range n.members {
			o.Members[i] = Member{Key: m.key, Value: m.val.toValue()}
		}
		return o
	}
	return nil
}
