package avro

import (
	"bytes"
	"math/big"
	"strings"
	"testing"
)

// Java's BigDecimal.toString of new BigDecimal(BigInteger.valueOf(u), scale),
// as documented in java.math.BigDecimal.
func TestBigDecimalStringIsJavas(t *testing.T) {
	for _, c := range []struct {
		u     int64
		scale int32
		want  string
	}{
		{123, 0, "123"}, {-123, 0, "-123"}, {123, -1, "1.23E+3"}, {123, 3, "0.123"},
		{123, 10, "1.23E-8"}, {-123, 12, "-1.23E-10"}, {0, 0, "0"}, {0, 2, "0.00"},
		{0, -2, "0E+2"}, {0, 8, "0E-8"}, {1, -3, "1E+3"}, {123456, 2, "1234.56"},
		{1, 6, "0.000001"}, {1, 7, "1E-7"}, {-5, 1, "-0.5"}, {10, 1, "1.0"}, {123, 2, "1.23"},
	} {
		d := NewBigDecimal(big.NewInt(c.u), c.scale)
		if got := d.String(); got != c.want {
			t.Errorf("(%d, %d): %s, want %s", c.u, c.scale, got, c.want)
		}
		p, err := ParseBigDecimal(c.want)
		if err != nil || p.Unscaled().Cmp(big.NewInt(c.u)) != 0 || p.Scale() != c.scale {
			t.Errorf("Parse(%s) = %s (%v, %d), %v", c.want, p, p.Unscaled(), p.Scale(), err)
		}
	}
	for in, want := range map[string]string{"1.50": "1.50", ".5": "0.5", "5.": "5", "+7e2": "7E+2", "-0.00": "0.00", "1e-7": "1E-7", "12.5E+1": "125"} {
		p, err := ParseBigDecimal(in)
		if err != nil || p.String() != want {
			t.Errorf("Parse(%s) = %s, %v; want %s", in, p, err, want)
		}
	}
	for _, in := range []string{"", ".", "e5", "1e", "1e+", "1.2.3", "0x10", "1e99999999999", "NaN", "- 1"} {
		if _, err := ParseBigDecimal(in); err == nil {
			t.Errorf("Parse(%q): no error", in)
		}
	}
}

// The bytes are Java's BigDecimalConversion.toBytes: Avro bytes of
// BigInteger.toByteArray, then the scale as an Avro int, all inside the
// field's Avro bytes.
func TestBigDecimalBinary(t *testing.T) {
	big1 := new(big.Int).Lsh(big.NewInt(1), 70)
	for _, c := range []struct {
		d    BigDecimal
		want []byte
	}{
		{BigDecimal{}, []byte{6, 2, 0, 0}},
		{NewBigDecimal(big.NewInt(127), 2), []byte{6, 2, 0x7f, 4}},
		{NewBigDecimal(big.NewInt(128), -1), []byte{8, 4, 0, 0x80, 1}},
		{NewBigDecimal(big.NewInt(-1), 0), []byte{6, 2, 0xff, 0}},
		{NewBigDecimal(big.NewInt(-129), 1), []byte{8, 4, 0xff, 0x7f, 2}},
		{NewBigDecimal(big1, 3), append(append([]byte{22, 18, 0x40}, make([]byte, 8)...), 6)},
		{NewBigDecimal(new(big.Int).Neg(big1), 3), append(append([]byte{22, 18, 0xc0}, make([]byte, 8)...), 6)},
	} {
		got := AppendBigDecimal(nil, c.d)
		if !bytes.Equal(got, c.want) {
			t.Errorf("%s: %x, want %x", c.d, got, c.want)
			continue
		}
		d := NewDecoder(got)
		back := d.BigDecimal()
		if err := d.Finish(); err != nil || back.String() != c.d.String() || back.Scale() != c.d.Scale() {
			t.Errorf("%x reads back as %s, %v", got, back, err)
		}
		js := AppendJSONBigDecimal(nil, c.d)
		jd := NewJSONDecoder(js)
		if back := jd.BigDecimal(); jd.Finish() != nil || back.String() != c.d.String() {
			t.Errorf("JSON %s reads back as %s, %v", js, back, jd.Finish())
		}
	}
	// What Java cannot read, or would read with loss, is an error.
	for in, msg := range map[string]string{
		"\x04\x00\x00":         "the unscaled value has no bytes",
		"\x08\x02\x01\x02\x00": "trailing bytes",
		"\x02\x02":             "length 1 exceeds the 0 remaining bytes",
		"\x00":                 "unexpected end",
	} {
		d := NewDecoder([]byte(in))
		d.BigDecimal()
		if err := d.Finish(); err == nil || !strings.Contains(err.Error(), msg) {
			t.Errorf("%x: %v, want %q", in, err, msg)
		}
	}
	// Redundant sign bytes are read, as Java reads them.
	d := NewDecoder([]byte{8, 4, 0, 5, 0})
	if v := d.BigDecimal(); d.Finish() != nil || v.String() != "5" {
		t.Errorf("non-minimal: %s, %v", v, d.Finish())
	}
}

func FuzzBigDecimal(f *testing.F) {
	f.Add([]byte{6, 2, 0, 0})
	f.Add([]byte{8, 4, 0xff, 0x7f, 2})
	f.Fuzz(func(t *testing.T, in []byte) {
		d := NewDecoder(in)
		v := d.BigDecimal()
		if d.Finish() != nil {
			return
		}
		p, err := ParseBigDecimal(v.String())
		if err != nil || p.Unscaled().Cmp(v.Unscaled()) != 0 || p.Scale() != v.Scale() {
			t.Fatalf("%s: parses back as %s, %v", v, p, err)
		}
		again := AppendBigDecimal(nil, v)
		d2 := NewDecoder(again)
		if w := d2.BigDecimal(); d2.Finish() != nil || w.String() != v.String() {
			t.Fatalf("%x: re-encoded %x reads %s", in, again, w)
		}
	})
}
