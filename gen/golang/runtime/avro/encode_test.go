package avro

import (
	"bytes"
	"math"
	"testing"
)

func TestZigZagVarint(t *testing.T) {
	cases := []struct {
		v    int64
		want []byte
	}{
		{0, []byte{0}}, {-1, []byte{1}}, {1, []byte{2}}, {-2, []byte{3}}, {63, []byte{0x7e}},
		{64, []byte{0x80, 0x01}}, {-64, []byte{0x7f}}, {-65, []byte{0x81, 0x01}},
		{math.MaxInt64, []byte{0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}},
		{math.MinInt64, []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}},
	}
	for _, c := range cases {
		got := AppendLong(nil, c.v)
		if !bytes.Equal(got, c.want) {
			t.Errorf("AppendLong(%d) = %x, want %x", c.v, got, c.want)
		}
		d := NewDecoder(got)
		if v := d.Long(); v != c.v || d.Finish() != nil {
			t.Errorf("Long(%x) = %d, %v; want %d", got, v, d.Finish(), c.v)
		}
	}
}

func TestDecoderErrors(t *testing.T) {
	cases := []struct {
		name string
		in   []byte
		read func(d *Decoder)
	}{
		{"varint too long", []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02}, func(d *Decoder) { d.Long() }},
		{"int out of range", AppendLong(nil, math.MaxInt32+1), func(d *Decoder) { d.Int() }},
		{"bad boolean", []byte{2}, func(d *Decoder) { d.Bool() }},
		{"short float", []byte{1, 2}, func(d *Decoder) { d.Float() }},
		{"short double", []byte{1, 2, 3}, func(d *Decoder) { d.Double() }},
		{"negative length", AppendLong(nil, -1), func(d *Decoder) { _ = d.String() }},
		{"length beyond input", AppendLong(nil, 1<<40), func(d *Decoder) { _ = d.Bytes() }},
		{"block count beyond input", AppendLong(nil, 1000), func(d *Decoder) { d.BlockCount(1) }},
		{"zero-size block too large", AppendLong(nil, MaxZeroSizeItems+1), func(d *Decoder) { d.BlockCount(0) }},
		{"union index", AppendLong(nil, 5), func(d *Decoder) { d.UnionIndex(2) }},
		{"enum index", AppendLong(nil, -1), func(d *Decoder) { d.EnumIndex(3) }},
		{"bad uuid", AppendString(nil, "not-a-uuid"), func(d *Decoder) { d.UUID() }},
		{"short fixed", []byte{1}, func(d *Decoder) { d.Fixed(make([]byte, 4)) }},
	}
	for _, c := range cases {
		d := NewDecoder(c.in)
		c.read(&d)
		if d.Err() == nil {
			t.Errorf("%s: no error", c.name)
			continue
		}
		if _, ok := d.Err().(*DecodeError); !ok {
			t.Errorf("%s: error %T, want *DecodeError", c.name, d.Err())
		}
	}
}

func TestNegativeBlockCount(t *testing.T) {
	// A block of -2 items with its byte size, then the end marker.
	b := AppendLong(nil, -2)
	b = AppendLong(b, 2)
	b = AppendLong(b, 7)
	b = AppendLong(b, 8)
	b = append(b, 0)
	d := NewDecoder(b)
	var got []int64
	for n := d.BlockCount(1); n > 0; n = d.BlockCount(1) {
		for ; n > 0; n-- {
			got = append(got, d.Long())
		}
	}
	if d.Finish() != nil || len(got) != 2 || got[0] != 7 || got[1] != 8 {
		t.Errorf("got %v, %v", got, d.Finish())
	}
}

func TestFloats(t *testing.T) {
	b := AppendDouble(AppendFloat(nil, 1.5), -2.25)
	if !bytes.Equal(b, []byte{0, 0, 0xc0, 0x3f, 0, 0, 0, 0, 0, 0, 0x02, 0xc0}) {
		t.Errorf("got %x", b)
	}
	d := NewDecoder(b)
	if d.Float() != 1.5 || d.Double() != -2.25 || d.Finish() != nil {
		t.Error("decode mismatch")
	}
}
