package avro

import (
	"bytes"
	"math/big"
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
		{Decimal{Unscaled: new(big.Int).Lsh(big.NewInt(1), 70), Scale: 2}, append([]byte{0x40}, make([]byte, 8)...)},
		{Decimal{Unscaled: new(big.Int).Neg(new(big.Int).Lsh(big.NewInt(1), 70)), Scale: 2}, append([]byte{0xc0}, make([]byte, 8)...)},
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
		if back.Unscaled.Cmp(r.Unscaled) != 0 {
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
