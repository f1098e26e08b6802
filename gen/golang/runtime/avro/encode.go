package avro

import (
	"math"
)

// The Append functions append the Avro binary encoding of a value to dst and
// return the extended slice. They never allocate when dst has room.

// AppendBool appends a boolean: one byte, 0 or 1.
func AppendBool(dst []byte, v bool) []byte {
	if v {
		return append(dst, 1)
	}
	return append(dst, 0)
}

// AppendInt appends an int as a zig-zag varint.
func AppendInt(dst []byte, v int32) []byte { return AppendLong(dst, int64(v)) }

// AppendLong appends a long as a zig-zag varint.
func AppendLong(dst []byte, v int64) []byte {
	u := uint64(v<<1) ^ uint64(v>>63)
	for u >= 0x80 {
		dst = append(dst, byte(u)|0x80)
		u >>= 7
	}
	return append(dst, byte(u))
}

// AppendFloat appends a float as 4 little-endian IEEE 754 bytes.
func AppendFloat(dst []byte, v float32) []byte {
	u := math.Float32bits(v)
	return append(dst, byte(u), byte(u>>8), byte(u>>16), byte(u>>24))
}

// AppendDouble appends a double as 8 little-endian IEEE 754 bytes.
func AppendDouble(dst []byte, v float64) []byte {
	u := math.Float64bits(v)
	return append(dst, byte(u), byte(u>>8), byte(u>>16), byte(u>>24),
		byte(u>>32), byte(u>>40), byte(u>>48), byte(u>>56))
}

// AppendBytes appends bytes: a long length, then the bytes.
func AppendBytes(dst []byte, v []byte) []byte {
	dst = AppendLong(dst, int64(len(v)))
	return append(dst, v...)
}

// AppendString appends a string: a long length, then the UTF-8 bytes.
func AppendString(dst []byte, v string) []byte {
	dst = AppendLong(dst, int64(len(v)))
	return append(dst, v...)
}
