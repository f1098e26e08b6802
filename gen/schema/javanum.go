package schema

import (
	"math"
	"math/big"
	"strconv"
	"strings"
)

// formatNumber spells n as the Java reference prints the Jackson node it
// would hold: an integer literal as its decimal value ("-0" is 0), a float
// as Double.toString. Text that is not a JSON number is returned unchanged.
func formatNumber(n Number) string {
	switch n.Text {
	case "NaN", "Infinity", "-Infinity":
		return n.Text
	}
	if !n.IsFloat {
		if x, ok := new(big.Int).SetString(n.Text, 10); ok {
			return x.String()
		}
		return n.Text
	}
	f, err := strconv.ParseFloat(n.Text, 64)
	if err != nil && !isRangeErr(err) {
		return n.Text
	}
	return JavaDouble(f)
}

func isRangeErr(err error) bool {
	ne, ok := err.(*strconv.NumError)
	return ok && ne.Err == strconv.ErrRange
}

// JavaDouble formats f as Java's Double.toString: plain decimal notation
// with at least one fractional digit when 1e-3 <= |f| < 1e7 ("100.0",
// "0.001"), otherwise computerized scientific notation ("1.0E7",
// "-1.0E12", "1.0E-5"). Digits are the shortest that round-trip (what
// Java 19+ prints; older JDKs occasionally print one more digit).
func JavaDouble(f float64) string { return javaFloatString(f, 64) }

// JavaFloat formats f as Java's Float.toString: the same layout as
// JavaDouble, with the shortest digits that round-trip a float32.
func JavaFloat(f float32) string { return javaFloatString(float64(f), 32) }

func javaFloatString(f float64, bitSize int) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	case f == 0:
		if math.Signbit(f) {
			return "-0.0"
		}
		return "0.0"
	}
	// Shortest round-trip digits and the decimal exponent.
	s := strconv.FormatFloat(f, 'e', -1, bitSize) // d.ddde±XX
	neg := s[0] == '-'
	if neg {
		s = s[1:]
	}
	// Java picks, among the shortest decimals that round to f, the closest
	// to f; when the shortest has one digit it also weighs the two-digit
	// ones (so Double.MIN_VALUE is 4.9E-324, not 5.0E-324).
	if m, _, _ := strings.Cut(s, "e"); len(m) == 1 {
		two := strconv.FormatFloat(math.Abs(f), 'e', 1, bitSize)
		if back, err := strconv.ParseFloat(two, bitSize); err == nil && back == math.Abs(f) {
			s = two
		}
	}
	mant, expText, _ := strings.Cut(s, "e")
	exp, _ := strconv.Atoi(expText)
	digits := strings.TrimRight(strings.Replace(mant, ".", "", 1), "0")
	if digits == "" {
		digits = "0"
	}
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	abs := math.Abs(f)
	if abs >= 1e-3 && abs < 1e7 {
		if exp >= 0 {
			intLen := exp + 1
			if len(digits) <= intLen {
				b.WriteString(digits)
				b.WriteString(strings.Repeat("0", intLen-len(digits)))
				b.WriteString(".0")
			} else {
				b.WriteString(digits[:intLen])
				b.WriteByte('.')
				b.WriteString(digits[intLen:])
			}
		} else {
			b.WriteString("0.")
			b.WriteString(strings.Repeat("0", -exp-1))
			b.WriteString(digits)
		}
		return b.String()
	}
	b.WriteByte(digits[0])
	b.WriteByte('.')
	if len(digits) > 1 {
		b.WriteString(digits[1:])
	} else {
		b.WriteByte('0')
	}
	b.WriteByte('E')
	b.WriteString(strconv.Itoa(exp))
	return b.String()
}

// parseJavaDouble parses s as Java's Double.parseDouble does for the common
// spellings: surrounding whitespace, an optional sign, "NaN", "Infinity",
// decimal or hexadecimal floating-point literals and an optional f/F/d/D
// suffix. Java turns a string default of a float/double field into a number
// this way.
func parseJavaDouble(s string) (float64, bool) {
	s = strings.TrimFunc(s, func(r rune) bool { return r <= ' ' })
	body := strings.TrimLeft(s, "+-")
	if len(s)-len(body) > 1 {
		return 0, false
	}
	neg := strings.HasPrefix(s, "-")
	switch body {
	case "NaN":
		return math.NaN(), true
	case "Infinity":
		if neg {
			return math.Inf(-1), true
		}
		return math.Inf(1), true
	}
	if body == "" {
		return 0, false
	}
	if c := body[len(body)-1]; c == 'f' || c == 'F' || c == 'd' || c == 'D' {
		if !(strings.HasPrefix(body, "0x") || strings.HasPrefix(body, "0X")) || strings.ContainsAny(body, "pP") {
			body = body[:len(body)-1]
		}
	}
	for _, c := range body {
		// Go also accepts "inf", "infinity" and '_' separators; Java does not.
		if c == '_' || c == 'i' || c == 'I' || c == 'n' || c == 'N' {
			return 0, false
		}
	}
	f, err := strconv.ParseFloat(body, 64)
	if err != nil && !isRangeErr(err) {
		return 0, false
	}
	if neg {
		f = -f
	}
	return f, true
}
