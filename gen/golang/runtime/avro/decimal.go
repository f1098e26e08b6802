package avro

import (
	"fmt"
	"math"
	"math/big"
	"math/bits"
	"strconv"
	"strings"
)

// Decimal is an exact decimal number: unscaled × 10^-scale. It is what the
// Avro decimal logical type means, so no float ever takes part.
//
// The unscaled value is held in an int64 when it fits, which covers every
// decimal of precision 18 or less, so that decoding and encoding such
// values allocates nothing; a *big.Int is used only for larger values. The
// zero value is 0 with scale 0. A Decimal is immutable: its methods return
// new values and never share a big.Int with the caller.
type Decimal struct {
	small int64
	big   *big.Int // non-nil only when the unscaled value does not fit small
	scale int32
}

// NewDecimal returns unscaled × 10^-scale.
func NewDecimal(unscaled int64, scale int32) Decimal {
	return Decimal{small: unscaled, scale: scale}
}

// NewDecimalBig returns unscaled × 10^-scale. It copies unscaled; nil is 0.
func NewDecimalBig(unscaled *big.Int, scale int32) Decimal {
	if unscaled == nil || unscaled.IsInt64() {
		var v int64
		if unscaled != nil {
			v = unscaled.Int64()
		}
		return Decimal{small: v, scale: scale}
	}
	return Decimal{big: new(big.Int).Set(unscaled), scale: scale}
}

// Scale returns the number of digits after the decimal point (negative
// scales multiply by powers of ten).
func (d Decimal) Scale() int32 { return d.scale }

// Unscaled returns the unscaled value as a new big.Int.
func (d Decimal) Unscaled() *big.Int {
	if d.big != nil {
		return new(big.Int).Set(d.big)
	}
	return big.NewInt(d.small)
}

// Int64 returns the unscaled value and true when it fits an int64.
func (d Decimal) Int64() (int64, bool) {
	if d.big != nil {
		return 0, false
	}
	return d.small, true
}

// Sign returns -1, 0 or +1.
func (d Decimal) Sign() int {
	if d.big != nil {
		return d.big.Sign()
	}
	switch {
	case d.small < 0:
		return -1
	case d.small > 0:
		return 1
	}
	return 0
}

// Cmp compares the values of d and e (not their representation: 1.50 and
// 1.5 are equal) and returns -1, 0 or +1.
func (d Decimal) Cmp(e Decimal) int { return d.Rat().Cmp(e.Rat()) }

// ParseDecimal parses a plain decimal literal such as "-12.340". The scale
// is the number of digits after the point.
func ParseDecimal(s string) (Decimal, error) {
	t := s
	neg := false
	if strings.HasPrefix(t, "-") || strings.HasPrefix(t, "+") {
		neg = t[0] == '-'
		t = t[1:]
	}
	intPart, frac, hasPoint := strings.Cut(t, ".")
	if intPart == "" && frac == "" || hasPoint && frac == "" && intPart == "" {
		return Decimal{}, fmt.Errorf("avro: invalid decimal %s", Quote(s))
	}
	digits := intPart + frac
	for _, c := range digits {
		if c < '0' || c > '9' {
			return Decimal{}, fmt.Errorf("avro: invalid decimal %s", Quote(s))
		}
	}
	if len(frac) > math.MaxInt32 {
		return Decimal{}, fmt.Errorf("avro: invalid decimal %s", Quote(s))
	}
	scale := int32(len(frac))
	if v, err := strconv.ParseInt(digits, 10, 64); err == nil {
		if neg {
			v = -v
		}
		return Decimal{small: v, scale: scale}, nil
	}
	u, ok := new(big.Int).SetString(digits, 10)
	if !ok {
		return Decimal{}, fmt.Errorf("avro: invalid decimal %s", Quote(s))
	}
	if neg {
		u.Neg(u)
	}
	return NewDecimalBig(u, scale), nil
}

// MarshalText returns the plain decimal form, as String does.
func (d Decimal) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText parses a plain decimal literal, as ParseDecimal does.
func (d *Decimal) UnmarshalText(b []byte) error {
	v, err := ParseDecimal(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// String returns the plain decimal form, e.g. "-12.340".
func (d Decimal) String() string {
	var digits string // of the absolute unscaled value
	neg := d.Sign() < 0
	switch {
	case d.big != nil:
		digits = new(big.Int).Abs(d.big).String()
	case d.small < 0:
		digits = strconv.FormatUint(-uint64(d.small), 10)
	default:
		digits = strconv.FormatUint(uint64(d.small), 10)
	}
	sign := ""
	if neg {
		sign = "-"
	}
	if d.scale <= 0 {
		if digits != "0" && d.scale < 0 {
			digits += strings.Repeat("0", int(-int64(d.scale)))
		}
		return sign + digits
	}
	if len(digits) <= int(d.scale) {
		digits = strings.Repeat("0", int(d.scale)-len(digits)+1) + digits
	}
	p := len(digits) - int(d.scale)
	return sign + digits[:p] + "." + digits[p:]
}

// Rat returns the value as a big.Rat.
func (d Decimal) Rat() *big.Rat {
	r := new(big.Rat).SetInt(d.Unscaled())
	if d.scale == 0 {
		return r
	}
	p := new(big.Int).Exp(big.NewInt(10), big.NewInt(abs64(int64(d.scale))), nil)
	if d.scale > 0 {
		return r.Quo(r, new(big.Rat).SetInt(p))
	}
	return r.Mul(r, new(big.Rat).SetInt(p))
}

func abs64(v int64) int64 {
	if v < 0 {
		return -v
	}
	return v
}

// Rescale returns d with the given scale. Increasing the scale is exact;
// decreasing it is an error unless the dropped digits are zero, because a
// silent rounding would change the value.
func (d Decimal) Rescale(scale int32) (Decimal, error) {
	if d.scale == scale {
		return d, nil
	}
	if d.big == nil {
		if v, ok := rescaleInt64(d.small, int64(scale)-int64(d.scale)); ok {
			return Decimal{small: v, scale: scale}, nil
		}
		if scale < d.scale && -int64(scale)+int64(d.scale) < int64(len(pow10)) {
			// The division was inexact: no larger representation helps.
			return Decimal{}, fmt.Errorf("avro: decimal %s does not fit scale %d without rounding", Quote(d.String()), scale)
		}
	}
	u := d.Unscaled()
	if scale > d.scale {
		p := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(scale)-int64(d.scale)), nil)
		return NewDecimalBig(p.Mul(p, u), scale), nil
	}
	p := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(d.scale)-int64(scale)), nil)
	q, r := new(big.Int).QuoRem(u, p, new(big.Int))
	if r.Sign() != 0 {
		return Decimal{}, fmt.Errorf("avro: decimal %s does not fit scale %d without rounding", Quote(d.String()), scale)
	}
	return NewDecimalBig(q, scale), nil
}

// rescaleInt64 multiplies v by 10^shift (shift > 0) or divides it exactly
// by 10^-shift; false means it overflows or is inexact.
func rescaleInt64(v int64, shift int64) (int64, bool) {
	if shift >= int64(len(pow10)) || -shift >= int64(len(pow10)) {
		return 0, v == 0
	}
	if shift < 0 {
		p := pow10[-shift]
		if v%p != 0 {
			return 0, false
		}
		return v / p, true
	}
	p := pow10[shift]
	hi, lo := bits.Mul64(uint64(abs64(v)), uint64(p))
	if v == math.MinInt64 || hi != 0 || lo > math.MaxInt64 {
		return 0, false
	}
	if v < 0 {
		return -int64(lo), true
	}
	return int64(lo), true
}

// pow10 holds 10^0 .. 10^18, the powers an int64 can hold.
var pow10 = [...]int64{1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10,
	1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18}

// decimalBytes returns the minimal big-endian two's-complement bytes of d at
// the schema's scale, after checking the precision. For values held in an
// int64 it uses buf and does not allocate.
func decimalBytes(buf *[8]byte, d Decimal, precision, scale int32) ([]byte, error) {
	if d.scale != scale {
		var err error
		if d, err = d.Rescale(scale); err != nil {
			return nil, err
		}
	}
	if d.big == nil {
		v := d.small
		if precision < int32(len(pow10)) && (v == math.MinInt64 || abs64(v) >= pow10[precision]) {
			return nil, fmt.Errorf("avro: decimal %s has more than %d digits", Quote(d.String()), precision)
		}
		for i := 0; i < 8; i++ {
			buf[i] = byte(uint64(v) >> (56 - 8*i))
		}
		// Drop leading bytes that only repeat the sign.
		b := buf[:]
		for len(b) > 1 && (b[0] == 0 && b[1]&0x80 == 0 || b[0] == 0xff && b[1]&0x80 != 0) {
			b = b[1:]
		}
		return b, nil
	}
	u := d.big
	if moreDigits(u, precision) {
		return nil, fmt.Errorf("avro: decimal %s has more than %d digits", Quote(d.String()), precision)
	}
	if u.Sign() >= 0 {
		b := u.Bytes()
		if b[0]&0x80 != 0 {
			b = append([]byte{0}, b...)
		}
		return b, nil
	}
	// For negative u, the two's complement bytes are the inverted bytes of
	// |u|-1, with a 0xff sign byte when the top bit would read as positive.
	m := new(big.Int).Neg(u)
	m.Sub(m, big.NewInt(1))
	b := m.Bytes()
	for i := range b {
		b[i] = ^b[i]
	}
	if len(b) == 0 || b[0]&0x80 == 0 {
		b = append([]byte{0xff}, b...)
	}
	return b, nil
}

// smallFits reports whether d is held in an int64 at the schema's scale and
// has at most precision digits: the case the fast paths handle.
func smallFits(d Decimal, precision, scale int32) bool {
	if d.big != nil || d.scale != scale {
		return false
	}
	return precision >= int32(len(pow10)) || d.small != math.MinInt64 && abs64(d.small) < pow10[precision]
}

// smallLen is the number of bytes of the minimal two's-complement form of
// v: its significant bits plus a sign bit.
func smallLen(v int64) int {
	return bits.Len64(uint64(v^(v>>63)))/8 + 1
}

// AppendDecimalBytes appends d as a decimal on bytes with the schema's
// precision and scale.
func AppendDecimalBytes(dst []byte, d Decimal, precision, scale int32) ([]byte, error) {
	if smallFits(d, precision, scale) {
		v := d.small
		n := smallLen(v)
		dst = append(dst, byte(n<<1)) // the zig-zag length; n <= 8
		for i := n - 1; i >= 0; i-- {
			dst = append(dst, byte(v>>(8*i)))
		}
		return dst, nil
	}
	var buf [8]byte
	b, err := decimalBytes(&buf, d, precision, scale)
	if err != nil {
		return dst, err
	}
	return AppendBytes(dst, b), nil
}

// AppendDecimalFixed appends d as a decimal on a fixed of size bytes,
// sign-extended to the full size.
func AppendDecimalFixed(dst []byte, d Decimal, precision, scale int32, size int) ([]byte, error) {
	if smallFits(d, precision, scale) && smallLen(d.small) <= size {
		v := d.small
		for i := size - 1; i >= 0; i-- {
			if i >= 8 {
				dst = append(dst, byte(v>>63)) // sign extension
				continue
			}
			dst = append(dst, byte(v>>(8*i)))
		}
		return dst, nil
	}
	var buf [8]byte
	b, err := decimalBytes(&buf, d, precision, scale)
	if err != nil {
		return dst, err
	}
	if len(b) > size {
		return dst, fmt.Errorf("avro: decimal %s does not fit in fixed(%d)", Quote(d.String()), size)
	}
	pad := byte(0)
	if b[0]&0x80 != 0 {
		pad = 0xff
	}
	for i := len(b); i < size; i++ {
		dst = append(dst, pad)
	}
	return append(dst, b...), nil
}

// DecimalFromBytes interprets b as a big-endian two's-complement unscaled
// value with the given scale. Up to 8 bytes (every value of precision 18 or
// less) it does not allocate.
func DecimalFromBytes(b []byte, scale int32) Decimal {
	if len(b) == 0 {
		return Decimal{scale: scale}
	}
	if len(b) <= 8 {
		v := int64(int8(b[0]))
		for _, c := range b[1:] {
			v = v<<8 | int64(c)
		}
		return Decimal{small: v, scale: scale}
	}
	u := new(big.Int).SetBytes(b)
	if b[0]&0x80 != 0 {
		u.Sub(u, new(big.Int).Lsh(big.NewInt(1), uint(8*len(b))))
	}
	return NewDecimalBig(u, scale)
}

// moreDigits reports whether |u| has more than precision decimal digits,
// that is |u| >= 10^precision. The bit length settles it without
// arithmetic except near the boundary, so neither a huge value nor a huge
// precision costs more than the other's size.
func moreDigits(u *big.Int, precision int32) bool {
	if precision < 0 {
		return true
	}
	bitLen := float64(u.BitLen())
	bound := float64(precision) * math.Log2(10) // 10^precision = 2^bound
	switch {
	case bitLen <= bound-1: // |u| < 2^bitLen <= 10^precision
		return false
	case bitLen > bound+1: // |u| >= 2^(bitLen-1) > 10^precision
		return true
	}
	p := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(precision)), nil)
	return new(big.Int).Abs(u).Cmp(p) >= 0
}

// Decimal reads a decimal on bytes of the schema's precision and scale. A
// value with more digits than the precision allows is an error at its
// offset, found from its length before any conversion when it has more
// bytes than such a value needs: a 1 MiB value never becomes 2.5 million
// digits.
func (d *Decoder) Decimal(precision, scale int32) Decimal {
	start := d.off
	return d.checkDecimal(start, d.BytesNoCopy(), precision, scale)
}

// DecimalFixed reads a decimal on a fixed of size bytes, checked as
// Decimal checks it.
func (d *Decoder) DecimalFixed(size int, precision, scale int32) Decimal {
	start := d.off
	return d.checkDecimal(start, d.FixedNoCopy(size), precision, scale)
}

func (d *Decoder) checkDecimal(start int, b []byte, precision, scale int32) Decimal {
	if d.err != nil {
		return Decimal{}
	}
	v, msg := checkedDecimal(b, precision, scale)
	if msg != "" {
		d.failAt(start, msg, nil)
	}
	return v
}

// checkedDecimal converts the unscaled bytes b and checks the value against
// the precision; a non-empty message says what is wrong.
func checkedDecimal(b []byte, precision, scale int32) (Decimal, string) {
	// Bytes that only repeat the sign (a fixed is padded with them) do
	// not count.
	for len(b) > 1 && (b[0] == 0 && b[1]&0x80 == 0 || b[0] == 0xff && b[1]&0x80 != 0) {
		b = b[1:]
	}
	// A value of precision digits has at most precision*log2(10) bits,
	// plus the sign bit.
	if maxBytes := (float64(precision)*math.Log2(10)+1)/8 + 1; float64(len(b)) > maxBytes {
		return Decimal{}, fmt.Sprintf("decimal of %d significant bytes has more than the %d digits of its precision", len(b), precision)
	}
	v := DecimalFromBytes(b, scale)
	if v.big != nil && moreDigits(v.big, precision) ||
		v.big == nil && precision < int32(len(pow10)) && (v.small == math.MinInt64 || abs64(v.small) >= pow10[precision]) {
		return Decimal{}, fmt.Sprintf("decimal %s has more than the %d digits of its precision", Quote(v.String()), precision)
	}
	return v, ""
}
