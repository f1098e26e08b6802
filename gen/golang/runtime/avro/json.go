package avro

import (
	"math"
	"strconv"
	"unicode/utf8"
)

// The Avro JSON encoding, as Java's JsonEncoder (Avro 1.12, over Jackson's
// UTF8JsonGenerator) writes it, for the generated AppendAvroJSON methods:
// a non-null union value is {"branch full name": value}, bytes and fixed
// are strings of ISO-8859-1 code points (one character per byte), floats
// are Java's Float/Double.toString with NaN and the infinities as strings,
// and a logical type is written as its underlying type. Output is
// byte-identical to gen/datum's AvroJSON format, which is checked against
// Java (interop's TestAvroJSONMatchesJava).

// AppendJSONBool appends true or false.
func AppendJSONBool(dst []byte, v bool) []byte { return strconv.AppendBool(dst, v) }

// AppendJSONInt appends an int in decimal.
func AppendJSONInt(dst []byte, v int32) []byte { return strconv.AppendInt(dst, int64(v), 10) }

// AppendJSONLong appends a long in decimal.
func AppendJSONLong(dst []byte, v int64) []byte { return strconv.AppendInt(dst, v, 10) }

// AppendJSONFloat appends v as Java's Float.toString, quoted when it is
// NaN or infinite (Jackson's WRITE_NAN_AS_STRINGS).
func AppendJSONFloat(dst []byte, v float32) []byte { return appendJavaNumber(dst, float64(v), 32) }

// AppendJSONDouble appends v as Java's Double.toString, quoted when it is
// NaN or infinite.
func AppendJSONDouble(dst []byte, v float64) []byte { return appendJavaNumber(dst, v, 64) }

func appendJavaNumber(dst []byte, f float64, bitSize int) []byte {
	switch {
	case math.IsNaN(f):
		return append(dst, `"NaN"`...)
	case math.IsInf(f, 1):
		return append(dst, `"Infinity"`...)
	case math.IsInf(f, -1):
		return append(dst, `"-Infinity"`...)
	}
	return AppendJavaFloat(dst, f, bitSize)
}

// AppendJavaFloat appends f as Java's Double.toString (bitSize 64) or
// Float.toString (32): plain decimal notation with at least one fractional
// digit when 1e-3 <= |f| < 1e7 ("100.0", "0.001"), otherwise computerized
// scientific notation ("1.0E7", "-1.0E12", "1.0E-5"), with the shortest
// digits that round-trip (what Java 19+ prints). It is gen/schema's
// JavaDouble without allocation; a test keeps the two equal.
func AppendJavaFloat(dst []byte, f float64, bitSize int) []byte {
	switch {
	case math.IsNaN(f):
		return append(dst, "NaN"...)
	case math.IsInf(f, 1):
		return append(dst, "Infinity"...)
	case math.IsInf(f, -1):
		return append(dst, "-Infinity"...)
	case f == 0:
		if math.Signbit(f) {
			return append(dst, "-0.0"...)
		}
		return append(dst, "0.0"...)
	}
	if f < 0 {
		dst = append(dst, '-')
		f = -f
	}
	var buf [40]byte
	s := strconv.AppendFloat(buf[:0], f, 'e', -1, bitSize) // d.ddde±XX
	e := 0
	for e < len(s) && s[e] != 'e' {
		e++
	}
	// Java picks, among the shortest decimals that round to f, the closest
	// to f; when the shortest has one digit it also weighs the two-digit
	// ones (so Double.MIN_VALUE is 4.9E-324, not 5.0E-324).
	if e == 1 {
		var tbuf [40]byte
		two := strconv.AppendFloat(tbuf[:0], f, 'e', 1, bitSize)
		if back, err := strconv.ParseFloat(string(two), bitSize); err == nil && back == f {
			s = append(buf[:0], two...)
			for e = 0; s[e] != 'e'; e++ {
			}
		}
	}
	exp := 0
	neg := s[e+1] == '-'
	for _, c := range s[e+2:] {
		exp = exp*10 + int(c-'0')
	}
	if neg {
		exp = -exp
	}
	// The significant digits, without the point and trailing zeros.
	var dbuf [24]byte
	digits := append(dbuf[:0], s[0])
	if e > 1 {
		digits = append(digits, s[2:e]...)
	}
	for len(digits) > 1 && digits[len(digits)-1] == '0' {
		digits = digits[:len(digits)-1]
	}
	if f >= 1e-3 && f < 1e7 {
		if exp >= 0 {
			intLen := exp + 1
			if len(digits) <= intLen {
				dst = append(dst, digits...)
				for i := len(digits); i < intLen; i++ {
					dst = append(dst, '0')
				}
				return append(dst, '.', '0')
			}
			dst = append(dst, digits[:intLen]...)
			dst = append(dst, '.')
			return append(dst, digits[intLen:]...)
		}
		dst = append(dst, '0', '.')
		for i := 0; i < -exp-1; i++ {
			dst = append(dst, '0')
		}
		return append(dst, digits...)
	}
	dst = append(dst, digits[0], '.')
	if len(digits) > 1 {
		dst = append(dst, digits[1:]...)
	} else {
		dst = append(dst, '0')
	}
	dst = append(dst, 'E')
	return strconv.AppendInt(dst, int64(exp), 10)
}

const upperHex = "0123456789ABCDEF"

// AppendJSONString appends s as a JSON string the way Jackson's
// UTF8JsonGenerator writes it under Java's JsonEncoder: '"' and '\\'
// escaped, short escapes for \b \t \f \n \r, \u00XX (upper-case hex) for
// the other control characters, a character above U+FFFF as its escaped
// UTF-16 surrogate pair ("\uD83D\uDE00"), everything else as is. Invalid
// UTF-8 is replaced as Java's new String(bytes, UTF_8) replaces it: one
// U+FFFD per maximal subpart of an ill-formed sequence.
func AppendJSONString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			dst = appendEscaped(dst, c)
			i++
			start = i
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			dst = append(dst, s[start:i]...)
			dst = utf8.AppendRune(dst, utf8.RuneError)
			i += maximalSubpart(s[i:])
			start = i
			continue
		}
		if r > 0xFFFF {
			dst = append(dst, s[start:i]...)
			r -= 0x10000
			dst = appendU(appendU(dst, 0xD800+r>>10), 0xDC00+r&0x3FF)
			i += n
			start = i
			continue
		}
		i += n
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// appendU writes \uXXXX, upper-case hex as Jackson writes it.
func appendU(dst []byte, c rune) []byte {
	return append(dst, '\\', 'u', upperHex[c>>12&0xF], upperHex[c>>8&0xF], upperHex[c>>4&0xF], upperHex[c&0xF])
}

// maximalSubpart returns the length of the ill-formed sequence at the start
// of s (Unicode's "maximal subpart", Table 3-7's ranges): at least 1.
func maximalSubpart(s string) int {
	c := s[0]
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
	for n < need && n < len(s) && s[n] >= lo && s[n] <= hi {
		n++
		lo, hi = 0x80, 0xBF
	}
	return n
}

// AppendJSONBytes appends b as Java's JsonEncoder writes bytes and fixed:
// a string whose characters are the ISO-8859-1 code points of the bytes.
func AppendJSONBytes(dst []byte, b []byte) []byte {
	dst = append(dst, '"')
	for _, c := range b {
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				dst = append(dst, c)
			} else {
				dst = appendEscaped(dst, c)
			}
		} else {
			dst = append(dst, 0xC0|c>>6, 0x80|c&0x3F)
		}
	}
	return append(dst, '"')
}

func appendEscaped(dst []byte, c byte) []byte {
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
	return append(dst, '\\', 'u', '0', '0', upperHex[c>>4], upperHex[c&0xF])
}

// AppendJSONUUID appends u as a uuid on a string: its quoted text.
func AppendJSONUUID(dst []byte, u UUID) []byte {
	var b [38]byte
	b[0], b[37] = '"', '"'
	putUUIDText((*[36]byte)(b[1:37]), &u)
	return append(dst, b[:]...)
}

// AppendJSONDuration appends d as its fixed(12), in ISO-8859-1 characters.
func AppendJSONDuration(dst []byte, d Duration) []byte {
	var b [12]byte
	return AppendJSONBytes(dst, AppendDuration(b[:0], d))
}

// AppendJSONDecimalBytes appends d as a decimal on bytes: its unscaled
// two's-complement bytes as ISO-8859-1 characters.
func AppendJSONDecimalBytes(dst []byte, d Decimal, precision, scale int32) ([]byte, error) {
	var buf [8]byte
	b, err := decimalBytes(&buf, d, precision, scale)
	if err != nil {
		return dst, err
	}
	return AppendJSONBytes(dst, b), nil
}

// AppendJSONDecimalFixed appends d as a decimal on a fixed of size bytes.
func AppendJSONDecimalFixed(dst []byte, d Decimal, precision, scale int32, size int) ([]byte, error) {
	var buf [32]byte
	b, err := AppendDecimalFixed(buf[:0], d, precision, scale, size)
	if err != nil {
		return dst, err
	}
	return AppendJSONBytes(dst, b), nil
}
