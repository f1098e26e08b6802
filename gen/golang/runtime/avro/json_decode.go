package avro

import (
	"fmt"
	"math"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// MaxJSONDepth bounds how deeply the objects and arrays of an Avro JSON
// value nest (records, arrays, maps and union wrappers each take a level):
// a recursive type could otherwise recurse until the goroutine stack
// overflows, which Go cannot recover from. It is gen/datum's MaxDepth.
const MaxJSONDepth = 2048

// JSONDecoder reads one value in the Avro JSON encoding, as Java's
// JsonDecoder reads it, for the generated DecodeAvroJSON methods. It is a
// small scanner over the input (no reflection, no encoding/json): the
// generated code asks for the value the schema expects next. Its first
// error is sticky, as the binary Decoder's is, and names the byte offset
// where the bad value starts; after it every read returns a zero value.
//
// What it accepts is what gen/datum's Encode accepts in the AvroJSON
// format: record fields in any order, each exactly once (an unknown key is
// an error, where Java skips it); integers also written 1.0 or 1e2, but not
// with a fraction; floats as numbers or the strings "NaN", "Infinity" and
// "-Infinity" (a float out of range is an error); bytes and fixed as
// strings of code points U+0000-U+00FF; a union value as null or
// {"branch": value}. Strings are read as encoding/json reads them (invalid
// UTF-8 and lone surrogates become U+FFFD).
type JSONDecoder struct {
	buf   []byte
	off   int
	err   error
	depth int
	// valOff is where the last value read started, for errors about it.
	valOff int
	// key is the last object key read (unescaped), keyOff where it starts.
	key    []byte
	keyOff int
	// scratch holds unescaped strings.
	scratch []byte
	// inBuf is set when the last string read is the slice of the input at
	// strOff (it had no escapes), so String can share a copy of the input.
	inBuf  bool
	strOff int
	// shared is a string copy of a small input (see sharedStringLimit):
	// strings without escapes are substrings of it, one allocation for
	// all of them.
	shared string
	// strs is a slab that StringPtr hands out pointers from.
	strs []string
}

// NewJSONDecoder returns a JSONDecoder reading b.
func NewJSONDecoder(b []byte) JSONDecoder { return JSONDecoder{buf: b} }

// Err returns the first error, or nil.
func (d *JSONDecoder) Err() error { return d.err }

// Offset returns the number of bytes consumed.
func (d *JSONDecoder) Offset() int { return d.off }

// Finish returns the first error, or an error if anything but whitespace
// follows the value.
func (d *JSONDecoder) Finish() error {
	if d.err != nil {
		return d.err
	}
	d.ws()
	if d.off != len(d.buf) {
		return &DecodeError{Offset: d.off, Msg: fmt.Sprintf("%s after the value; give one JSON value", d.describe())}
	}
	return nil
}

// Failf records a *DecodeError at the start of the last value read.
func (d *JSONDecoder) Failf(format string, args ...any) {
	d.failAt(d.valOff, fmt.Sprintf(format, args...))
}

func (d *JSONDecoder) failAt(off int, msg string) {
	if d.err == nil {
		d.err = &DecodeError{Offset: off, Msg: msg}
	}
	d.off = len(d.buf)
}

func (d *JSONDecoder) ws() {
	for d.off < len(d.buf) {
		switch d.buf[d.off] {
		case ' ', '\t', '\r', '\n':
			d.off++
		default:
			return
		}
	}
}

// peek skips whitespace and returns the next byte (0 at the end), and
// marks it as the start of the next value.
func (d *JSONDecoder) peek() byte {
	d.ws()
	d.valOff = d.off
	if d.off >= len(d.buf) {
		return 0
	}
	return d.buf[d.off]
}

// describe names what is at the current offset, for error messages.
func (d *JSONDecoder) describe() string {
	if d.off >= len(d.buf) {
		return "the end of the input"
	}
	switch c := d.buf[d.off]; c {
	case '{':
		return "an object"
	case '[':
		return "an array"
	case '"':
		return "a string"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		return "a number"
	default:
		if c < 0x20 || c >= 0x7f {
			return fmt.Sprintf("the byte 0x%02x", c)
		}
		return fmt.Sprintf("the character %q", c)
	}
}

func (d *JSONDecoder) want(what string) {
	if d.err == nil {
		d.failAt(d.off, "want "+what+", got "+d.describe())
	}
}

// literal consumes the literal lit (true, false, null) at the offset.
func (d *JSONDecoder) literal(lit string) bool {
	if len(d.buf)-d.off < len(lit) || string(d.buf[d.off:d.off+len(lit)]) != lit {
		d.failAt(d.off, "invalid JSON literal; want "+lit)
		return false
	}
	d.off += len(lit)
	return true
}

// Null consumes a null and reports true if one is next; otherwise it
// consumes nothing. Union decoding calls it first.
func (d *JSONDecoder) Null() bool {
	if d.err != nil || d.peek() != 'n' {
		return false
	}
	return d.literal("null")
}

// ReadNull reads a value of the null type.
func (d *JSONDecoder) ReadNull() {
	if d.err != nil {
		return
	}
	if d.peek() != 'n' {
		d.want("null")
		return
	}
	d.literal("null")
}

// Bool reads true or false.
func (d *JSONDecoder) Bool() bool {
	if d.err != nil {
		return false
	}
	switch d.peek() {
	case 't':
		return d.literal("true")
	case 'f':
		d.literal("false")
		return false
	}
	d.want("true or false (boolean)")
	return false
}

// number scans a JSON number and returns its text and whether it has a
// fraction or an exponent.
func (d *JSONDecoder) number(what string) (text []byte, isFloat bool) {
	c := d.peek()
	if c != '-' && (c < '0' || c > '9') {
		d.want(what)
		return nil, false
	}
	start := d.off
	i := d.off
	if d.buf[i] == '-' {
		i++
	}
	digits := func() int {
		n := 0
		for i < len(d.buf) && d.buf[i] >= '0' && d.buf[i] <= '9' {
			i++
			n++
		}
		return n
	}
	bad := func() ([]byte, bool) {
		d.failAt(start, "invalid JSON number")
		return nil, false
	}
	if i < len(d.buf) && d.buf[i] == '0' {
		i++
	} else if digits() == 0 {
		return bad()
	}
	if i < len(d.buf) && d.buf[i] == '.' {
		i++
		isFloat = true
		if digits() == 0 {
			return bad()
		}
	}
	if i < len(d.buf) && (d.buf[i] == 'e' || d.buf[i] == 'E') {
		i++
		isFloat = true
		if i < len(d.buf) && (d.buf[i] == '+' || d.buf[i] == '-') {
			i++
		}
		if digits() == 0 {
			return bad()
		}
	}
	d.off = i
	return d.buf[start:i], isFloat
}

// integer reads an int (bits 32) or a long (64). As Java's JsonDecoder, it
// reads 1.0 or 1e2 for an integer but refuses a fraction.
func (d *JSONDecoder) integer(bits int, what string) int64 {
	text, isFloat := d.number("an integer (" + what + ")")
	if d.err != nil {
		return 0
	}
	if !isFloat {
		v, err := strconv.ParseInt(string(text), 10, bits)
		if err != nil {
			d.failAt(d.valOff, fmt.Sprintf("%s is out of the range of %s", text, what))
			return 0
		}
		return v
	}
	f, err := strconv.ParseFloat(string(text), 64)
	if err != nil || f != math.Trunc(f) {
		d.failAt(d.valOff, fmt.Sprintf("want an integer (%s), got the number %s", what, text))
		return 0
	}
	if limit := math.Ldexp(1, bits-1); f < -limit || f >= limit {
		d.failAt(d.valOff, fmt.Sprintf("%s is out of the range of %s", text, what))
		return 0
	}
	return int64(f)
}

// Int reads an int.
func (d *JSONDecoder) Int() int32 {
	if d.err != nil {
		return 0
	}
	return int32(d.integer(32, "int"))
}

// Long reads a long.
func (d *JSONDecoder) Long() int64 {
	if d.err != nil {
		return 0
	}
	return d.integer(64, "long")
}

// javaNaN is Java's Double.NaN (Go's math.NaN() differs in the last bit);
// converted to float32 it is Java's Float.NaN.
var javaNaN = math.Float64frombits(0x7ff8000000000000)

func (d *JSONDecoder) float(bits int, what string) float64 {
	if d.peek() == '"' {
		s := d.str()
		if d.err != nil {
			return 0
		}
		switch string(s) {
		case "NaN":
			return javaNaN
		case "Infinity":
			return math.Inf(1)
		case "-Infinity":
			return math.Inf(-1)
		}
		d.failAt(d.valOff, fmt.Sprintf("want a number (%s) or \"NaN\", \"Infinity\", \"-Infinity\", got the string %s", what, Quote(string(s))))
		return 0
	}
	text, _ := d.number("a number (" + what + ")")
	if d.err != nil {
		return 0
	}
	f, err := strconv.ParseFloat(string(text), bits)
	if err != nil {
		d.failAt(d.valOff, fmt.Sprintf("%s is out of the range of %s", text, what))
		return 0
	}
	return f
}

// Float reads a float.
func (d *JSONDecoder) Float() float32 {
	if d.err != nil {
		return 0
	}
	return float32(d.float(32, "float"))
}

// Double reads a double.
func (d *JSONDecoder) Double() float64 {
	if d.err != nil {
		return 0
	}
	return d.float(64, "double")
}

// str reads a JSON string at the offset and returns its unescaped UTF-8,
// valid until the next read: a slice of the input when the string has no
// escapes and is valid UTF-8, else of the scratch buffer.
func (d *JSONDecoder) str() []byte {
	if d.off >= len(d.buf) || d.buf[d.off] != '"' {
		d.want("a string")
		return nil
	}
	start := d.off
	i := d.off + 1
	for i < len(d.buf) {
		c := d.buf[i]
		if c == '"' {
			d.off = i + 1
			d.inBuf, d.strOff = true, start+1
			return d.buf[start+1 : i]
		}
		if c == '\\' || c < 0x20 {
			break
		}
		if c >= utf8.RuneSelf {
			// Valid UTF-8 is taken as is; invalid bytes are replaced on
			// the slow path.
			r, n := utf8.DecodeRune(d.buf[i:])
			if r == utf8.RuneError && n == 1 {
				break
			}
			i += n
			continue
		}
		i++
	}
	// The slow path: escapes, control characters, non-ASCII.
	d.inBuf = false
	out := append(d.scratch[:0], d.buf[start+1:i]...)
	for {
		if i >= len(d.buf) {
			d.failAt(start, "unterminated JSON string")
			return nil
		}
		c := d.buf[i]
		switch {
		case c == '"':
			d.off = i + 1
			d.scratch = out
			return out
		case c < 0x20:
			d.failAt(i, fmt.Sprintf("invalid control character 0x%02x in a JSON string; escape it", c))
			return nil
		case c == '\\':
			if i+1 >= len(d.buf) {
				d.failAt(start, "unterminated JSON string")
				return nil
			}
			switch e := d.buf[i+1]; e {
			case '"', '\\', '/':
				out = append(out, e)
				i += 2
			case 'b':
				out, i = append(out, '\b'), i+2
			case 'f':
				out, i = append(out, '\f'), i+2
			case 'n':
				out, i = append(out, '\n'), i+2
			case 'r':
				out, i = append(out, '\r'), i+2
			case 't':
				out, i = append(out, '\t'), i+2
			case 'u':
				r, ok := hex4(d.buf[i+2:])
				if !ok {
					d.failAt(i, "invalid \\u escape in a JSON string")
					return nil
				}
				i += 6
				if utf16.IsSurrogate(r) {
					// A pair makes one character; a lone surrogate is
					// U+FFFD, as encoding/json reads it.
					if i+1 < len(d.buf) && d.buf[i] == '\\' && d.buf[i+1] == 'u' {
						if r2, ok := hex4(d.buf[i+2:]); ok {
							if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
								out = utf8.AppendRune(out, dec)
								i += 6
								break
							}
						}
					}
					r = utf8.RuneError
				}
				out = utf8.AppendRune(out, r)
			default:
				d.failAt(i, fmt.Sprintf("invalid escape \\%c in a JSON string", e))
				return nil
			}
		case c < utf8.RuneSelf:
			out = append(out, c)
			i++
		default:
			r, n := utf8.DecodeRune(d.buf[i:])
			if r == utf8.RuneError && n == 1 {
				out = utf8.AppendRune(out, utf8.RuneError)
			} else {
				out = append(out, d.buf[i:i+n]...)
			}
			i += n
		}
	}
}

func hex4(b []byte) (rune, bool) {
	if len(b) < 4 {
		return 0, false
	}
	var r rune
	for _, c := range b[:4] {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			c = c - 'A' + 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}

// String reads a string.
func (d *JSONDecoder) String() string {
	if d.err != nil {
		return ""
	}
	if d.peek() != '"' {
		d.want("a string")
		return ""
	}
	b := d.str()
	if len(b) == 0 {
		return ""
	}
	if !d.inBuf || len(d.buf) > sharedStringLimit {
		return string(b)
	}
	if d.shared == "" {
		d.shared = string(d.buf)
	}
	return d.shared[d.strOff : d.strOff+len(b)]
}

// StringPtr reads a string and returns a pointer to it, as a nullable
// string field holds it; the pointers come from slabs, as the binary
// Decoder's StringPtr.
func (d *JSONDecoder) StringPtr() *string {
	v := d.String()
	if len(d.strs) == cap(d.strs) {
		d.strs = make([]string, 0, stringSlab)
	}
	d.strs = append(d.strs, v)
	return &d.strs[len(d.strs)-1]
}

// Symbol reads a string for an enum symbol or a union branch name; the
// result is valid until the next read.
func (d *JSONDecoder) Symbol() []byte {
	if d.err != nil {
		return nil
	}
	if d.peek() != '"' {
		d.want("a string (enum symbol)")
		return nil
	}
	return d.str()
}

// latin1 reads a string of code points U+0000-U+00FF into dst, one byte
// per character; what names the type for errors.
func (d *JSONDecoder) latin1(dst []byte, what string) []byte {
	if d.peek() != '"' {
		d.want("a string of ISO-8859-1 characters (" + what + ")")
		return dst
	}
	s := d.str()
	if d.err != nil {
		return dst
	}
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			dst = append(dst, c)
			i++
			continue
		}
		r, n := utf8.DecodeRune(s[i:])
		if r > 0xFF {
			d.failAt(d.valOff, fmt.Sprintf("character %q (U+%04X) at character %d is not a byte: %s are written as code points U+0000-U+00FF",
				r, r, utf8.RuneCount(s[:i]), what))
			return dst
		}
		dst = append(dst, byte(r))
		i += n
	}
	return dst
}

// Bytes reads a bytes value: a non-nil slice, empty for "".
func (d *JSONDecoder) Bytes() []byte {
	if d.err != nil {
		return nil
	}
	return d.latin1([]byte{}, "bytes")
}

// Fixed reads a fixed value of len(dst) bytes into dst.
func (d *JSONDecoder) Fixed(dst []byte) {
	if d.err != nil {
		return
	}
	var buf [64]byte
	b := d.latin1(buf[:0], "fixed")
	if d.err != nil {
		return
	}
	if len(b) != len(dst) {
		d.failAt(d.valOff, fmt.Sprintf("fixed has %d bytes, the string has %d", len(dst), len(b)))
		return
	}
	copy(dst, b)
}

// UUID reads a uuid on a string.
func (d *JSONDecoder) UUID() UUID {
	if d.err != nil {
		return UUID{}
	}
	if d.peek() != '"' {
		d.want("a string (uuid)")
		return UUID{}
	}
	s := d.str()
	if d.err != nil {
		return UUID{}
	}
	u, err := parseUUID(s)
	if err != nil {
		d.failAt(d.valOff, err.Error())
	}
	return u
}

// Duration reads a duration on its fixed(12).
func (d *JSONDecoder) Duration() Duration {
	var b [12]byte
	d.Fixed(b[:])
	if d.err != nil {
		return Duration{}
	}
	le := func(b []byte) uint32 { return uint32(b[0]) | uint32(b[1])<<8 | uint32(b[2])<<16 | uint32(b[3])<<24 }
	return Duration{Months: le(b[0:4]), Days: le(b[4:8]), Millis: le(b[8:12])}
}

// Decimal reads a decimal on bytes, checked against its precision as the
// binary Decoder checks it.
func (d *JSONDecoder) Decimal(precision, scale int32) Decimal {
	if d.err != nil {
		return Decimal{}
	}
	var buf [32]byte
	b := d.latin1(buf[:0], "bytes")
	if d.err != nil {
		return Decimal{}
	}
	v, msg := checkedDecimal(b, precision, scale)
	if msg != "" {
		d.failAt(d.valOff, msg)
	}
	return v
}

// DecimalFixed reads a decimal on a fixed of size bytes.
func (d *JSONDecoder) DecimalFixed(size int, precision, scale int32) Decimal {
	if d.err != nil {
		return Decimal{}
	}
	var buf [32]byte
	b := d.latin1(buf[:0], "fixed")
	if d.err != nil {
		return Decimal{}
	}
	if len(b) != size {
		d.failAt(d.valOff, fmt.Sprintf("fixed has %d bytes, the string has %d", size, len(b)))
		return Decimal{}
	}
	v, msg := checkedDecimal(b, precision, scale)
	if msg != "" {
		d.failAt(d.valOff, msg)
	}
	return v
}

func (d *JSONDecoder) enter(open byte, what string) bool {
	if d.err != nil {
		return false
	}
	if d.peek() != open {
		d.want(what)
		return false
	}
	if d.depth >= MaxJSONDepth {
		d.failAt(d.off, fmt.Sprintf("the JSON nests deeper than %d levels", MaxJSONDepth))
		return false
	}
	d.depth++
	d.off++
	return true
}

// readKey reads an object key and the colon after it.
func (d *JSONDecoder) readKey() bool {
	d.ws()
	d.keyOff = d.off
	if d.off >= len(d.buf) || d.buf[d.off] != '"' {
		d.want("an object key (a string)")
		return false
	}
	d.key = d.str()
	if d.err != nil {
		return false
	}
	d.ws()
	if d.off >= len(d.buf) || d.buf[d.off] != ':' {
		d.want("':' after the object key")
		return false
	}
	d.off++
	return true
}

// BeginObject reads the '{' of a record or a map and its first key; false
// means the object is empty (and consumed) or there is an error. Loop with
// NextKey:
//
//	for more := d.BeginObject(what); more; more = d.NextKey() { k := d.Key() ... }
func (d *JSONDecoder) BeginObject(what string) bool {
	if !d.enter('{', what) {
		return false
	}
	d.ws()
	if d.off < len(d.buf) && d.buf[d.off] == '}' {
		d.off++
		d.depth--
		return false
	}
	return d.readKey()
}

// NextKey reads the ',' and the next key of an object, or its '}' (false).
func (d *JSONDecoder) NextKey() bool {
	if d.err != nil {
		return false
	}
	d.ws()
	if d.off < len(d.buf) {
		switch d.buf[d.off] {
		case ',':
			d.off++
			return d.readKey()
		case '}':
			d.off++
			d.depth--
			return false
		}
	}
	d.want("',' or '}' in an object")
	return false
}

// Key returns the last key read, unescaped; valid until the next read.
func (d *JSONDecoder) Key() []byte { return d.key }

// FailKey records an error about the last key read, at its offset.
func (d *JSONDecoder) FailKey(format string, args ...any) {
	d.failAt(d.keyOff, fmt.Sprintf(format, args...))
}

// UnknownField records that the last key read is not a field of record.
func (d *JSONDecoder) UnknownField(record string) {
	d.FailKey("record %s has no field %s", record, Quote(string(d.key)))
}

// DuplicateField records that the last key read names a field given before.
func (d *JSONDecoder) DuplicateField(record string) {
	d.FailKey("record %s: field %s is given twice", record, Quote(string(d.key)))
}

// MissingField records that record's object ended without field.
func (d *JSONDecoder) MissingField(record, field string) {
	if d.err == nil {
		d.failAt(d.off-1, fmt.Sprintf("record %s: field %q is missing; give every field of the record (Java's JsonDecoder requires them all)", record, field))
	}
}

// BeginArray reads the '[' of an array; false means the array is empty
// (and consumed) or there is an error. Loop with NextItem.
func (d *JSONDecoder) BeginArray() bool {
	if !d.enter('[', "an array") {
		return false
	}
	d.ws()
	if d.off < len(d.buf) && d.buf[d.off] == ']' {
		d.off++
		d.depth--
		return false
	}
	return true
}

// NextItem reads the ',' before the next item, or the ']' (false).
func (d *JSONDecoder) NextItem() bool {
	if d.err != nil {
		return false
	}
	d.ws()
	if d.off < len(d.buf) {
		switch d.buf[d.off] {
		case ',':
			d.off++
			return true
		case ']':
			d.off++
			d.depth--
			return false
		}
	}
	d.want("',' or ']' in an array")
	return false
}

// BeginUnion reads the '{' of a non-null union value and the branch name,
// which Key returns; the caller decodes the value and calls EndUnion.
// branches lists the branch names for the error message.
func (d *JSONDecoder) BeginUnion(branches string) bool {
	if d.err != nil {
		return false
	}
	if d.peek() != '{' {
		d.want("a union value as {\"branch\": value} with a branch of " + branches)
		return false
	}
	if !d.enter('{', "") {
		return false
	}
	d.ws()
	if d.off < len(d.buf) && d.buf[d.off] == '}' {
		d.failAt(d.valOff, "want a union value as {\"branch\": value} with a branch of "+branches+", got an empty object")
		return false
	}
	return d.readKey()
}

// UnknownBranch records that the last key read names no branch.
func (d *JSONDecoder) UnknownBranch(branches string) {
	d.FailKey("%s is not a branch of the union; use one of %s (named types by their full name)", Quote(string(d.key)), branches)
}

// EndUnion reads the '}' that closes a union value.
func (d *JSONDecoder) EndUnion() {
	if d.err != nil {
		return
	}
	d.ws()
	if d.off < len(d.buf) && d.buf[d.off] == '}' {
		d.off++
		d.depth--
		return
	}
	d.want("'}' closing the union value (it has one key)")
}

// UnknownSymbol records that the last value read, a string, is not a
// symbol of enum.
func (d *JSONDecoder) UnknownSymbol(enum string, sym []byte, symbols string) {
	d.failAt(d.valOff, fmt.Sprintf("%s is not a symbol of enum %s; use one of %s", Quote(string(sym)), enum, symbols))
}
