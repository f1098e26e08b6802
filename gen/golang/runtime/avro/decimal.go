package avro

import (
	"fmt"
	"math"
	"math/big"
	"strings"
)

// Decimal is an exact decimal number: Unscaled × 10^-Scale. It is what the
// Avro decimal logical type means, so no float ever takes part. A nil
// Unscaled is zero. Treat a Decimal as immutable: copies share Unscaled.
type Decimal struct {
	Unscaled *big.Int
	Scale    int32
}

// NewDecimal returns unscaled × 10^-scale.
func NewDecimal(unscaled int64, scale int32) Decimal {
	return Decimal{Unscaled: big.NewInt(unscaled), Scale: scale}
}

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
		return Decimal{}, fmt.Errorf("avro: invalid decimal %q", s)
	}
	digits := intPart + frac
	for _, c := range digits {
		if c < '0' || c > '9' {
			return Decimal{}, fmt.Errorf("avro: invalid decimal %q", s)
		}
	}
	u, ok := new(big.Int).SetString(digits, 10)
	if !ok {
		return Decimal{}, fmt.Errorf("avro: invalid decimal %q", s)
	}
	if neg {
		u.Neg(u)
	}
	return Decimal{Unscaled: u, Scale: int32(len(frac))}, nil
}

func (d Decimal) unscaled() *big.Int {
	if d.Unscaled == nil {
		return new(big.Int)
	}
	return d.Unscaled
}

// String returns the plain decimal form, e.g. "-12.340".
func (d Decimal) String() string {
	u := d.unscaled()
	if d.Scale <= 0 {
		s := u.String()
		if u.Sign() != 0 && d.Scale < 0 {
			s += strings.Repeat("0", int(-d.Scale))
		}
		return s
	}
	digits := new(big.Int).Abs(u).String()
	if len(digits) <= int(d.Scale) {
		digits = strings.Repeat("0", int(d.Scale)-len(digits)+1) + digits
	}
	p := len(digits) - int(d.Scale)
	s := digits[:p] + "." + digits[p:]
	if u.Sign() < 0 {
		s = "-" + s
	}
	return s
}

// Rat returns the value as a big.Rat.
func (d Decimal) Rat() *big.Rat {
	r := new(big.Rat).SetInt(d.unscaled())
	if d.Scale == 0 {
		return r
	}
	p := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(abs32(d.Scale))), nil)
	if d.Scale > 0 {
		return r.Quo(r, new(big.Rat).SetInt(p))
	}
	return r.Mul(r, new(big.Rat).SetInt(p))
}

func abs32(v int32) int32 {
	if v < 0 {
		return -v
	}
	return v
}

// Rescale returns d with the given scale. Increasing the scale is exact;
// decreasing it is an error unless the dropped digits are zero, because a
// silent rounding would change the value.
func (d Decimal) Rescale(scale int32) (Decimal, error) {
	if d.Scale == scale {
		return d, nil
	}
	u := d.unscaled()
	if scale > d.Scale {
		p := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(scale-d.Scale)), nil)
		return Decimal{Unscaled: p.Mul(p, u), Scale: scale}, nil
	}
	p := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(d.Scale-scale)), nil)
	q, r := new(big.Int).QuoRem(u, p, new(big.Int))
	if r.Sign() != 0 {
		return Decimal{}, fmt.Errorf("avro: decimal %s does not fit scale %d without rounding", d, scale)
	}
	return Decimal{Unscaled: q, Scale: scale}, nil
}

// pow10 holds 10^0 .. 10^18, the precisions an int64 can be checked against.
var pow10 = [...]int64{1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10,
	1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18}

// decimalBytes returns the minimal big-endian two's-complement bytes of d at
// the schema's scale, after checking the precision. For values that fit an
// int64 at the right scale it uses buf and does not allocate.
func decimalBytes(buf *[8]byte, d Decimal, precision, scale int32) ([]byte, error) {
	if d.Scale != scale {
		var err error
		if d, err = d.Rescale(scale); err != nil {
			return nil, err
		}
	}
	u := d.unscaled()
	if u.IsInt64() {
		v := u.Int64()
		if precision < int32(len(pow10)) && v != math.MinInt64 {
			a := v
			if a < 0 {
				a = -a
			}
			if a >= pow10[precision] {
				return nil, fmt.Errorf("avro: decimal %s has more than %d digits", d, precision)
			}
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
	if digits := len(new(big.Int).Abs(u).String()); digits > int(precision) {
		return nil, fmt.Errorf("avro: decimal %s has more than %d digits", d, precision)
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

// AppendDecimalBytes appends d as a decimal on bytes with the schema's
// precision and scale.
func AppendDecimalBytes(dst []byte, d Decimal, precision, scale int32) ([]byte, error) {
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
	var buf [8]byte
	b, err := decimalBytes(&buf, d, precision, scale)
	if err != nil {
		return dst, err
	}
	if len(b) > size {
		return dst, fmt.Errorf("avro: decimal %s does not fit in fixed(%d)", d, size)
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
// value with the given scale.
func DecimalFromBytes(b []byte, scale int32) Decimal {
	if len(b) == 0 {
		return Decimal{Unscaled: new(big.Int), Scale: scale}
	}
	if len(b) <= 8 {
		v := int64(int8(b[0]))
		for _, c := range b[1:] {
			v = v<<8 | int64(c)
		}
		return Decimal{Unscaled: big.NewInt(v), Scale: scale}
	}
	u := new(big.Int).SetBytes(b)
	if b[0]&0x80 != 0 {
		u.Sub(u, new(big.Int).Lsh(big.NewInt(1), uint(8*len(b))))
	}
	return Decimal{Unscaled: u, Scale: scale}
}
