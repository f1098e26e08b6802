package avro

import (
	"bytes"
	"math"
	"math/big"
	"strings"
	"testing"
	"time"
)

func TestDecimalBytes(t *testing.T) {
	cases := []struct {
		d    Decimal
		want []byte // two's complement, big-endian
	}{
		{NewDecimal(0, 2), []byte{0}},
		{NewDecimal(1, 2), []byte{1}},
		{NewDecimal(-1, 2), []byte{0xff}},
		{NewDecimal(127, 2), []byte{0x7f}},
		{NewDecimal(128, 2), []byte{0x00, 0x80}},
		{NewDecimal(-128, 2), []byte{0x80}},
		{NewDecimal(-129, 2), []byte{0xff, 0x7f}},
		{NewDecimal(12345, 2), []byte{0x30, 0x39}},
		{NewDecimal(1, 0), []byte{0x64}},       // rescaled to 100
		{NewDecimal(2, 0), []byte{0x00, 0xc8}}, // rescaled to 200
		{NewDecimalBig(new(big.Int).Lsh(big.NewInt(1), 70), 2), append([]byte{0x40}, make([]byte, 8)...)},
		{NewDecimalBig(new(big.Int).Neg(new(big.Int).Lsh(big.NewInt(1), 70)), 2), append([]byte{0xc0}, make([]byte, 8)...)},
		{NewDecimal(math.MaxInt64, 2), []byte{0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}},
		{NewDecimal(math.MinInt64, 2), []byte{0x80, 0, 0, 0, 0, 0, 0, 0}},
		{NewDecimal(math.MaxInt64/10+1, 1), []byte{0x00, 0x80, 0, 0, 0, 0, 0, 0, 0x02}}, // rescaling leaves int64
	}
	for _, c := range cases {
		got, err := AppendDecimalBytes(nil, c.d, 30, 2)
		if err != nil {
			t.Errorf("%s: %v", c.d, err)
			continue
		}
		want := AppendBytes(nil, c.want)
		if !bytes.Equal(got, want) {
			t.Errorf("%s: got %x, want %x", c.d, got, want)
		}
		d := NewDecoder(got)
		back := DecimalFromBytes(d.BytesNoCopy(), 2)
		r, _ := c.d.Rescale(2)
		if back.Unscaled().Cmp(r.Unscaled()) != 0 || back.Scale() != 2 {
			t.Errorf("%s: decoded %s", c.d, back)
		}
	}
}

func TestDecimalFixedAndErrors(t *testing.T) {
	got, err := AppendDecimalFixed(nil, NewDecimal(-2, 2), 4, 2, 4)
	if err != nil || !bytes.Equal(got, []byte{0xff, 0xff, 0xff, 0xfe}) {
		t.Errorf("fixed: %x %v", got, err)
	}
	if _, err := AppendDecimalFixed(nil, NewDecimal(1<<40, 0), 18, 0, 4); err == nil {
		t.Error("value too large for fixed(4): no error")
	}
	if _, err := AppendDecimalBytes(nil, NewDecimal(1000, 2), 3, 2); err == nil {
		t.Error("precision 3 with 4 digits: no error")
	}
	if _, err := AppendDecimalBytes(nil, NewDecimal(1, 3), 10, 2); err == nil {
		t.Error("rounding rescale: no error")
	}
}

func TestDecimalText(t *testing.T) {
	for _, s := range []string{"0", "1.50", "-0.01", "123456789012345678901234567890.123", "-7"} {
		d, err := ParseDecimal(s)
		if err != nil {
			t.Fatal(err)
		}
		if d.String() != s {
			t.Errorf("ParseDecimal(%q).String() = %q", s, d.String())
		}
	}
	for _, s := range []string{"", "-", "1.2.3", "abc", "1e5"} {
		if _, err := ParseDecimal(s); err == nil {
			t.Errorf("ParseDecimal(%q): no error", s)
		}
	}
	for _, d := range []Decimal{NewDecimal(0, 2), NewDecimal(5, -2), NewDecimal(math.MinInt64, 0), NewDecimal(-5, 3)} {
		back, err := ParseDecimal(d.String())
		if err != nil || back.Cmp(d) != 0 {
			t.Errorf("%s: parsed back as %s, %v", d, back, err)
		}
	}
	var txt Decimal
	if err := txt.UnmarshalText([]byte("-1.25")); err != nil || txt.String() != "-1.25" {
		t.Errorf("UnmarshalText: %s %v", txt, err)
	}
	if b, _ := NewDecimal(-125, 2).MarshalText(); string(b) != "-1.25" {
		t.Errorf("MarshalText = %s", b)
	}
	if r := NewDecimal(-150, 2).Rat(); r.String() != "-3/2" {
		t.Errorf("Rat = %s", r)
	}
}

func TestUUID(t *testing.T) {
	const s = "123e4567-e89b-12d3-a456-426614174000"
	u, err := ParseUUID(s)
	if err != nil {
		t.Fatal(err)
	}
	if u.String() != s {
		t.Errorf("String = %s", u)
	}
	if up, _ := ParseUUID("123E4567-E89B-12D3-A456-426614174000"); up != u {
		t.Error("upper case not accepted")
	}
	enc := AppendUUIDString(nil, u)
	if !bytes.Equal(enc, AppendString(nil, s)) {
		t.Errorf("AppendUUIDString = %x", enc)
	}
	d := NewDecoder(enc)
	if d.UUID() != u || d.Finish() != nil {
		t.Error("decode mismatch")
	}
	for _, bad := range []string{"", "123e4567e89b12d3a456426614174000", "123e4567-e89b-12d3-a456-42661417400g", "123e4567-e89b-12d3-a456_426614174000"} {
		if _, err := ParseUUID(bad); err == nil {
			t.Errorf("ParseUUID(%q): no error", bad)
		}
	}
}

func TestTimeConversions(t *testing.T) {
	for _, days := range []int32{0, 1, -1, 19700, -719162} {
		if got := DaysFromDate(DateFromDays(days)); got != days {
			t.Errorf("date %d round-trips to %d", days, got)
		}
	}
	// Encoding a date truncates to the UTC day, also before 1970.
	if got := DaysFromDate(time.Date(1969, 12, 31, 23, 0, 0, 0, time.UTC)); got != -1 {
		t.Errorf("1969-12-31T23:00Z = day %d, want -1", got)
	}
	ts := TimeFromMillis(-1)
	if ts.UnixMilli() != -1 || ts.Location() != time.UTC {
		t.Errorf("TimeFromMillis(-1) = %v", ts)
	}
	if TimeFromMicros(1).UnixMicro() != 1 || TimeFromNanos(-5).UnixNano() != -5 {
		t.Error("micros/nanos")
	}
	if MillisOfDay(TimeOfDayMillis(86399999)) != 86399999 || MicrosOfDay(TimeOfDayMicros(5)) != 5 {
		t.Error("time of day")
	}
	dur := Duration{Months: 1, Days: 2, Millis: 1 << 31}
	d := NewDecoder(AppendDuration(nil, dur))
	if d.Duration() != dur || d.Finish() != nil {
		t.Error("duration")
	}
}

func TestFingerprint64(t *testing.T) {
	// Values from the Avro specification's test vectors (CRC-64-AVRO of
	// the canonical form "int" and of "string").
	w, err := ParseWriterSchema(`"int"`)
	if err != nil {
		t.Fatal(err)
	}
	if w.Fingerprint() != 0x7275d51a3f395c8f {
		t.Errorf("int: %#x", w.Fingerprint())
	}
	if Fingerprint64([]byte(`"string"`)) != 0x8f014872634503c7 {
		t.Errorf("string: %#x", Fingerprint64([]byte(`"string"`)))
	}
}

func TestSortedKeys(t *testing.T) {
	k := SortedKeys(map[string]int{"b": 1, "a": 2, "c": 3})
	if len(k.List) != 3 || k.List[0] != "a" || k.List[2] != "c" {
		t.Errorf("got %v", k.List)
	}
	k.Release()
}

func TestDecimalRescale(t *testing.T) {
	for _, c := range []struct {
		d     Decimal
		scale int32
		want  string // "" = error
	}{
		{NewDecimal(150, 2), 1, "1.5"},
		{NewDecimal(155, 2), 1, ""},
		{NewDecimal(15, 1), 4, "1.5000"},
		{NewDecimal(math.MaxInt64, 0), 2, "9223372036854775807.00"}, // leaves int64
		{NewDecimal(7, 0), 40, "7." + strings.Repeat("0", 40)},
		{NewDecimal(7, 40), 0, ""},
		{NewDecimal(0, 40), 0, "0"},
		{NewDecimalBig(new(big.Int).Add(new(big.Int).Lsh(big.NewInt(1), 70), big.NewInt(1)), 3), 2, ""},
		{NewDecimalBig(new(big.Int).Lsh(big.NewInt(10), 70), 3), 2, "11805916207174113034.24"},
	} {
		got, err := c.d.Rescale(c.scale)
		if c.want == "" {
			if err == nil {
				t.Errorf("%s rescaled to %d: %s, want an error", c.d, c.scale, got)
			}
			continue
		}
		if err != nil || got.String() != c.want || got.Scale() != c.scale {
			t.Errorf("%s rescaled to %d: %s, %v; want %s", c.d, c.scale, got, err, c.want)
		}
	}
}

// Values of precision 18 or less decode and encode without allocating.
func TestDecimalSmallDoesNotAllocate(t *testing.T) {
	enc, _ := AppendDecimalBytes(nil, NewDecimal(-123456789012345678, 4), 18, 4)
	buf := make([]byte, 0, 64)
	allocs := testing.AllocsPerRun(100, func() {
		d := NewDecoder(enc)
		v := DecimalFromBytes(d.BytesNoCopy(), 4)
		buf, _ = AppendDecimalBytes(buf[:0], v, 18, 4)
	})
	if allocs != 0 {
		t.Errorf("%v allocations per decode and encode", allocs)
	}
	if !bytes.Equal(buf, enc) {
		t.Errorf("round trip %x, want %x", buf, enc)
	}
}
