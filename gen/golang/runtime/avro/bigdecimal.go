package avro

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
)

// BigDecimal is the Avro 1.12 big-decimal logical type: an exact decimal
// whose scale travels with each value (unlike decimal, whose scale is the
// schema's). It is a *big.Int unscaled value and an int32 scale, worth
// unscaled × 10^-scale, as Java's BigDecimal. The zero value is 0.
//
// On the wire (bytes) it is what Java's Conversions.BigDecimalConversion
// writes: the unscaled value as Avro bytes (BigInteger.toByteArray: minimal
// big-endian two's complement, at least one byte) followed by the scale as
// an Avro int (zig-zag varint).
type BigDecimal struct {
	unscaled *big.Int // nil is 0
	scale    int32
}

// NewBigDecimal returns unscaled × 10^-scale. unscaled is copied.
func NewBigDecimal(unscaled *big.Int, scale int32) BigDecimal {
	if unscaled == nil || unscaled.Sign() == 0 {
		return BigDecimal{scale: scale}
	}
	return BigDecimal{unscaled: new(big.Int).Set(unscaled), scale: scale}
}

// Unscaled returns a copy of the unscaled value.
func (d BigDecimal) Unscaled() *big.Int {
	if d.unscaled == nil {
		return new(big.Int)
	}
	return new(big.Int).Set(d.unscaled)
}

// Scale returns the scale: the value is Unscaled() × 10^-Scale().
func (d BigDecimal) Scale() int32 { return d.scale }

// String formats d as Java's BigDecimal.toString: plain notation when the
// scale is not negative and the adjusted exponent (the exponent of the
// first digit) is at least -6 ("123.45", "0.000123"), otherwise scientific
// notation with one digit before the point ("1.23E+5", "1.23E-7", "1E+3").
func (d BigDecimal) String() string {
	coeff := "0"
	neg := false
	if d.unscaled != nil {
		coeff = d.unscaled.String()
		if coeff[0] == '-' {
			neg, coeff = true, coeff[1:]
		}
	}
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	scale := int64(d.scale)
	adjusted := -scale + int64(len(coeff)-1)
	switch {
	case scale == 0:
		b.WriteString(coeff)
	case scale > 0 && adjusted >= -6:
		if pad := scale - int64(len(coeff)); pad >= 0 {
			b.WriteString("0.")
			b.WriteString(strings.Repeat("0", int(pad)))
			b.WriteString(coeff)
		} else {
			b.WriteString(coeff[:-pad])
			b.WriteByte('.')
			b.WriteString(coeff[-pad:])
		}
	default:
		b.WriteByte(coeff[0])
		if len(coeff) > 1 {
			b.WriteByte('.')
			b.WriteString(coeff[1:])
		}
		if adjusted != 0 {
			b.WriteByte('E')
			if adjusted > 0 {
				b.WriteByte('+')
			}
			b.WriteString(strconv.FormatInt(adjusted, 10))
		}
	}
	return b.String()
}

// ParseBigDecimal reads a decimal as Java's new BigDecimal(String) does:
// an optional sign, digits with an optional point, and an optional
// exponent ("-1.50", "1E+3", ".5", "2e-7"); the scale is the number of
// digits after the point minus the exponent, so "1.50" keeps scale 2.
func ParseBigDecimal(s string) (BigDecimal, error) {
	bad := func(why string) (BigDecimal, error) {
		return BigDecimal{}, fmt.Errorf("avro: invalid big-decimal %s: %s", Quote(s), why)
	}
	mant, exp := s, ""
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		mant, exp = s[:i], s[i+1:]
	}
	sign := ""
	if mant != "" && (mant[0] == '+' || mant[0] == '-') {
		if mant[0] == '-' {
			sign = "-"
		}
		mant = mant[1:]
	}
	intPart, frac, _ := strings.Cut(mant, ".")
	digits := intPart + frac
	if digits == "" {
		return bad("no digits")
	}
	for _, c := range digits {
		if c < '0' || c > '9' {
			return bad("want digits, an optional point and an optional exponent")
		}
	}
	scale := int64(len(frac))
	if exp != "" || strings.ContainsAny(s, "eE") {
		e, err := strconv.ParseInt(exp, 10, 64)
		if err != nil || strings.HasPrefix(exp, "+-") || e > math.MaxInt32*2 || e < math.MinInt32*2 {
			return bad("invalid exponent")
		}
		scale -= e
	}
	if scale < math.MinInt32 || scale > math.MaxInt32 {
		return bad("the scale is out of the int range")
	}
	u, ok := new(big.Int).SetString(sign+digits, 10)
	if !ok {
		return bad("invalid digits")
	}
	return NewBigDecimal(u, int32(scale)), nil
}

// MarshalText returns String's text.
func (d BigDecimal) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText reads the text ParseBigDecimal reads.
func (d *BigDecimal) UnmarshalText(b []byte) error {
	v, err := ParseBigDecimal(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// javaBytes returns BigInteger.toByteArray of u: the minimal big-endian
// two's complement, at least one byte.
func javaBytes(u *big.Int) []byte {
	if u == nil || u.Sign() == 0 {
		return []byte{0}
	}
	if u.Sign() > 0 {
		b := u.Bytes()
		if b[0]&0x80 != 0 {
			b = append([]byte{0}, b...)
		}
		return b
	}
	m := new(big.Int).Neg(u)
	m.Sub(m, big.NewInt(1))
	b := m.Bytes()
	for i := range b {
		b[i] = ^b[i]
	}
	if len(b) == 0 || b[0]&0x80 == 0 {
		b = append([]byte{0xff}, b...)
	}
	return b
}

// appendBigDecimalContent appends the content of the bytes value: the
// unscaled bytes (length-prefixed) and the scale.
func appendBigDecimalContent(dst []byte, d BigDecimal) []byte {
	if d.unscaled != nil && d.unscaled.IsInt64() {
		// Small values without allocating: the minimal two's complement
		// of an int64.
		v := d.unscaled.Int64()
		n := smallLen(v)
		dst = append(dst, byte(n<<1))
		for i := n - 1; i >= 0; i-- {
			dst = append(dst, byte(v>>(8*i)))
		}
		return AppendInt(dst, d.scale)
	}
	dst = AppendBytes(dst, javaBytes(d.unscaled))
	return AppendInt(dst, d.scale)
}

// AppendBigDecimal appends d as a big-decimal on bytes.
func AppendBigDecimal(dst []byte, d BigDecimal) []byte {
	var buf [32]byte
	content := appendBigDecimalContent(buf[:0], d)
	return AppendBytes(dst, content)
}

// AppendJSONBigDecimal appends d's Avro JSON: its bytes as ISO-8859-1
// characters.
func AppendJSONBigDecimal(dst []byte, d BigDecimal) []byte {
	var buf [32]byte
	return AppendJSONBytes(dst, appendBigDecimalContent(buf[:0], d))
}

var errBigDecimal = errors.New("a big-decimal is the unscaled value as Avro bytes (at least one byte) followed by the scale as an Avro int")

// parseBigDecimal reads the content of a big-decimal bytes value. Java
// fails on an empty unscaled value and ignores bytes after the scale; both
// are errors here (trailing bytes would be lost silently). An unscaled
// value with redundant sign bytes is read, as Java reads it.
func parseBigDecimal(b []byte) (BigDecimal, string) {
	d := NewDecoder(b)
	u := d.BytesNoCopy()
	scale := d.Int()
	if err := d.Finish(); err != nil {
		msg := err.Error()
		if de, ok := err.(*DecodeError); ok {
			msg = fmt.Sprintf("at byte %d of the value: %s", de.Offset, de.Msg)
		}
		return BigDecimal{}, "invalid big-decimal: " + msg + "; " + errBigDecimal.Error()
	}
	if len(u) == 0 {
		return BigDecimal{}, "invalid big-decimal: the unscaled value has no bytes; " + errBigDecimal.Error()
	}
	v := new(big.Int).SetBytes(u)
	if u[0]&0x80 != 0 {
		v.Sub(v, new(big.Int).Lsh(big.NewInt(1), uint(8*len(u))))
	}
	return NewBigDecimal(v, scale), ""
}

// BigDecimal reads a big-decimal on bytes.
func (d *Decoder) BigDecimal() BigDecimal {
	start := d.off
	b := d.BytesNoCopy()
	if d.err != nil {
		return BigDecimal{}
	}
	v, msg := parseBigDecimal(b)
	if msg != "" {
		d.failAt(start, msg, nil)
	}
	return v
}

// BigDecimal reads a big-decimal on bytes in the Avro JSON encoding.
func (d *JSONDecoder) BigDecimal() BigDecimal {
	if d.err != nil {
		return BigDecimal{}
	}
	var buf [32]byte
	b := d.latin1(buf[:0], "bytes")
	if d.err != nil {
		return BigDecimal{}
	}
	v, msg := parseBigDecimal(b)
	if msg != "" {
		d.failAt(d.valOff, msg)
	}
	return v
}
