package bench

import (
	"bytes"
	"math"
	"testing"
)

// TestDecimalBytes checks the two's-complement helpers against the bytes
// Java's BigInteger.toByteArray gives (minimal, sign-preserving).
func TestDecimalBytes(t *testing.T) {
	for _, tc := range []struct {
		v    int64
		want []byte
	}{
		{0, []byte{0x00}},
		{1, []byte{0x01}},
		{-1, []byte{0xff}},
		{127, []byte{0x7f}},
		{128, []byte{0x00, 0x80}},
		{-128, []byte{0x80}},
		{-129, []byte{0xff, 0x7f}},
		{1999, []byte{0x07, 0xcf}},
		{math.MaxInt64, []byte{0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}},
		{math.MinInt64, []byte{0x80, 0, 0, 0, 0, 0, 0, 0}},
	} {
		got := decimalBytes(tc.v)
		if !bytes.Equal(got, tc.want) {
			t.Errorf("decimalBytes(%d) = %x, want %x", tc.v, got, tc.want)
		}
		back, err := decimalFromBytes(got)
		if err != nil || back != tc.v {
			t.Errorf("decimalFromBytes(%x) = %d, %v; want %d", got, back, err, tc.v)
		}
	}
	for _, b := range [][]byte{nil, make([]byte, 9)} {
		if _, err := decimalFromBytes(b); err == nil {
			t.Errorf("decimalFromBytes(%x): no error for %d bytes", b, len(b))
		}
	}
}

func TestRatCents(t *testing.T) {
	if c, err := ratCents(centsRat(-1999)); err != nil || c != -1999 {
		t.Errorf("ratCents(centsRat(-1999)) = %d, %v", c, err)
	}
	if _, err := ratCents(nil); err == nil {
		t.Error("ratCents(nil): no error")
	}
}

func TestStatus(t *testing.T) {
	for i, s := range Statuses {
		if j, err := statusIndex(s); err != nil || j != i {
			t.Errorf("statusIndex(%q) = %d, %v", s, j, err)
		}
		if got, err := statusSymbol(i); err != nil || got != s {
			t.Errorf("statusSymbol(%d) = %q, %v", i, got, err)
		}
	}
	if _, err := statusIndex("LOST"); err == nil {
		t.Error(`statusIndex("LOST"): no error`)
	}
	if _, err := statusSymbol(len(Statuses)); err == nil {
		t.Error("statusSymbol(out of range): no error")
	}
}
