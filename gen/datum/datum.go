// Package datum decodes one Avro binary datum into JSON, and encodes JSON
// into Avro binary (Encode), driven by a schema known only at run time (a
// writer schema fetched from a registry), for tools that show and write
// data for people and scripts: `avroctl dlt inspect`, `avroctl decode` and
// `avroctl encode`.
//
// Two JSON shapes are offered:
//
//   - AvroJSON is the Avro JSON encoding exactly as Java's JsonEncoder
//     writes it (and avro-tools tojson prints): a non-null union value is
//     wrapped as {"branch name": value} (the full name of a named type, else
//     the type name), bytes and fixed are strings of ISO-8859-1 code points
//     (one character per byte), NaN and the infinities are the strings
//     "NaN", "Infinity" and "-Infinity" (Jackson's WRITE_NAN_AS_STRINGS),
//     floats are printed as Java's Float/Double.toString, and a logical type
//     is its underlying type. The output can be read back by any Avro JSON
//     decoder.
//   - JSON is the same without union wrappers: what a person reads.
//
// Decoding is bounded by the input: no length or count read from the data
// allocates more than the remaining bytes can hold (the runtime decoder
// checks it), values nest at most MaxDepth levels, and every error names the
// byte offset where the bad value starts.
package datum

import (
	"encoding/binary"
	"errors"
	"fmt"
	"unicode/utf8"

	"gitlab.com/acme/avroctl/gen/golang/runtime/avro"
	"gitlab.com/acme/avroctl/gen/schema"
)

// Format is the JSON shape of a decoded value.
type Format int

// The formats; see the package documentation.
const (
	AvroJSON Format = iota
	JSON
)

var formatNames = [...]string{AvroJSON: "avro-json", JSON: "json"}

func (f Format) String() string {
	if f >= 0 && int(f) < len(formatNames) {
		return formatNames[f]
	}
	return fmt.Sprintf("Format(%d)", int(f))
}

// FormatNames returns the accepted format names, for flag help and
// completion.
func FormatNames() []string { return append([]string(nil), formatNames[:]...) }

// ParseFormat reads a format name.
func ParseFormat(s string) (Format, error) {
	for i, n := range formatNames {
		if n == s {
			return Format(i), nil
		}
	}
	return 0, fmt.Errorf("unknown value format %q: want avro-json or json", s)
}

// MaxDepth bounds how deeply values nest (records, arrays, maps, unions):
// crafted data for a recursive schema could otherwise recurse until the
// goroutine stack overflows, which Go cannot recover from; and a record
// that requires itself recurses without consuming input at all.
const MaxDepth = 2048

// MaxOutput bounds the JSON of one datum. Values of zero-size types (null,
// records of nulls) take no input bytes, so a short input can stand for
// many of them: the runtime decoder caps their count (avro.MaxZeroSizeItems),
// and this caps what their JSON, which grows with the schema, may take.
const MaxOutput = 64 << 20

// Error is a decoding error located by byte offset in the datum.
type Error struct {
	Offset int
	// Path is where in the value the error is: "" for the root,
	// ".field", "[3]", "[\"key\"]", "<com.acme.Money>" for a union branch.
	Path string
	Msg  string
	Err  error // the runtime decoder's error, for errors.Is
}

func (e *Error) Error() string {
	if e.Path == "" {
		return fmt.Sprintf("byte %d: %s", e.Offset, e.Msg)
	}
	return fmt.Sprintf("byte %d: at %s: %s", e.Offset, e.Path, e.Msg)
}

func (e *Error) Unwrap() error { return e.Err }

// Decode decodes data, one datum of s that must be consumed exactly, and
// returns its JSON in format f (compact, no trailing newline). It compiles
// s for the one call: to decode many datums of one schema, Compile it once.
func Decode(s schema.Schema, data []byte, f Format) ([]byte, error) {
	return Compile(s, f).Decode(data)
}

type decoder struct {
	d   avro.Decoder
	out []byte
	// base is where this datum's JSON starts in out (AppendNext appends to
	// what the caller had).
	base   int
	format Format
	depth  int
	// segs are the path segments of the first error, innermost first: a
	// compound value adds its child's segment while the error unwinds, so
	// no path string is built for data that decodes.
	segs []string
}

// fail records a decoding error at the current offset.
func (d *decoder) fail(format string, args ...any) {
	d.d.Failf(format, args...)
}

func (d *decoder) failed() bool { return d.d.Err() != nil }

// path is where the first error happened: the segments outermost first.
func (d *decoder) path() string {
	var p string
	for i := len(d.segs) - 1; i >= 0; i-- {
		p += d.segs[i]
	}
	return p
}

// located turns the runtime's error into an *Error.
func (d *decoder) located(err error) error {
	var de *avro.DecodeError
	if errors.As(err, &de) {
		return &Error{Offset: de.Offset, Path: d.path(), Msg: de.Msg, Err: err}
	}
	return &Error{Offset: d.d.Offset(), Path: d.path(), Msg: err.Error(), Err: err}
}

func (d *decoder) enter() bool {
	if d.depth >= MaxDepth {
		d.fail("values nest deeper than %d levels", MaxDepth)
		return false
	}
	if len(d.out)-d.base > MaxOutput {
		d.fail("the value's JSON exceeds %d bytes", MaxOutput)
		return false
	}
	d.depth++
	return true
}

// BranchName is the name Avro JSON gives a union branch: the full name of a
// named type, else the type's name ("int", "array", "map").
func BranchName(s schema.Schema) string {
	if n, ok := s.(schema.NamedSchema); ok {
		return n.Names().FullName()
	}
	if s.Type() == schema.ErrorType {
		return "record"
	}
	return s.Type().String()
}

const hexDigits = "0123456789ABCDEF"

// appendQuoted writes s as a JSON string the way Jackson escapes it: '"'
// and '\\', short escapes for \b \t \f \n \r, \u00XX (upper-case hex) for
// the other control characters, everything else as is.
func appendQuoted(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == '"' || c == '\\' {
			dst = append(dst, s[start:i]...)
			dst = appendEscaped(dst, c)
			start = i + 1
		}
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// appendQuotedBytes writes UTF-8 text as appendQuoted does. Invalid UTF-8
// is replaced as Java's decoder (new String(bytes, UTF_8)) replaces it:
// one U+FFFD for each maximal subpart of an ill-formed sequence (a lead
// byte and the continuation bytes that could still have completed it),
// so "\xe2\x82A" is one U+FFFD and an "A", where Go's per-byte
// replacement would write two.
//
// With surrogates, a character above U+FFFF is written as Jackson's
// UTF8JsonGenerator (under Java's JsonEncoder) writes it: as the escaped
// UTF-16 surrogate pair, "\uD83D\uDE00" for U+1F600 (jackson-core #223;
// COMBINE_UNICODE_SURROGATES_IN_UTF8 is off by default). Checked against
// Java by interop's TestAvroJSONMatchesJava.
func appendQuotedBytes(dst []byte, b []byte, surrogates bool) []byte {
	dst = append(dst, '"')
	for len(b) > 0 {
		// A run of plain ASCII is copied at once.
		i := plainPrefix(b)
		dst = append(dst, b[:i]...)
		b = b[i:]
		if len(b) == 0 {
			break
		}
		if b[0] < utf8.RuneSelf {
			dst = appendEscaped(dst, b[0])
			b = b[1:]
			continue
		}
		r, n := utf8.DecodeRune(b)
		if r == utf8.RuneError && n == 1 {
			dst = utf8.AppendRune(dst, utf8.RuneError)
			n = maximalSubpart(b)
		} else if surrogates && r > 0xFFFF {
			r -= 0x10000
			dst = appendU(appendU(dst, 0xD800+r>>10), 0xDC00+r&0x3FF)
		} else {
			dst = append(dst, b[:n]...)
		}
		b = b[n:]
	}
	return append(dst, '"')
}

// plainPrefix returns the length of the run of plain ASCII bytes (see
// plainASCII) at the start of b. It tests eight bytes at a time: a word
// with no byte below 0x20, at or above 0x80, '"' or '\\' is all plain.
// The word tests can flag a plain word (a borrow), never miss a special
// byte, and the table settles the word they stop at.
func plainPrefix(b []byte) int {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	i := 0
	for ; i+8 <= len(b); i += 8 {
		x := binary.LittleEndian.Uint64(b[i:])
		q := x ^ (ones * '"')
		bs := x ^ (ones * '\\')
		special := (x-ones*0x20)&^x | (q-ones)&^q | (bs-ones)&^bs | x
		if special&highs != 0 {
			break
		}
	}
	for i < len(b) && plainASCII[b[i]] {
		i++
	}
	return i
}

// plainASCII marks the bytes a JSON string holds as they are: printable
// ASCII other than '"' and '\\'. One table lookup per byte is what makes
// the scan of a long string cheap.
var plainASCII = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// appendU writes \uXXXX, upper-case hex as Jackson writes it.
func appendU(dst []byte, c rune) []byte {
	return append(dst, '\\', 'u', hexDigits[c>>12&0xF], hexDigits[c>>8&0xF], hexDigits[c>>4&0xF], hexDigits[c&0xF])
}

// maximalSubpart returns the length of the ill-formed sequence at the start
// of b (Unicode's "maximal subpart", Table 3-7's ranges): at least 1.
func maximalSubpart(b []byte) int {
	c := b[0]
	var need int
	lo, hi := byte(0x80), byte(0xBF) // range of the second byte
	switch {
	case c >= 0xC2 && c <= 0xDF:
		need = 2
	case c == 0xE0:
		need, lo = 3, 0xA0
	case c == 0xED:
		need, hi = 3, 0x9F
	case c >= 0xE1 && c <= 0xEF:
		need = 3
	case c == 0xF0:
		need, lo = 4, 0x90
	case c == 0xF4:
		need, hi = 4, 0x8F
	case c >= 0xF1 && c <= 0xF3:
		need = 4
	default:
		return 1
	}
	n := 1
	for n < need && n < len(b) && b[n] >= lo && b[n] <= hi {
		n++
		lo, hi = 0x80, 0xBF
	}
	return n
}

// appendEscaped writes one ASCII byte as Jackson does inside a string.
func appendEscaped(dst []byte, c byte) []byte {
	if c >= 0x20 && c != '"' && c != '\\' {
		return append(dst, c)
	}
	switch c {
	case '"', '\\':
		return append(dst, '\\', c)
	case '\b':
		return append(dst, '\\', 'b')
	case '\t':
		return append(dst, '\\', 't')
	case '\f':
		return append(dst, '\\', 'f')
	case '\n':
		return append(dst, '\\', 'n')
	case '\r':
		return append(dst, '\\', 'r')
	}
	return append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
}
