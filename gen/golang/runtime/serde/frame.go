package serde

import (
	"encoding/binary"
	"fmt"
)

// The Confluent wire format, as Java's KafkaAvroSerializer writes it:
//
//	byte 0     magic byte, always 0
//	bytes 1-4  schema id, big-endian signed 32-bit
//	bytes 5-   the Avro binary encoding of the value with that schema
const (
	// MagicByte is the first byte of every frame.
	MagicByte byte = 0
	// HeaderSize is the size of the frame header: magic byte and schema id.
	HeaderSize = 5
)

// AppendHeader appends the 5-byte frame header for schema id to dst.
func AppendHeader(dst []byte, id int) []byte {
	// One append: a single capacity check on the hot path.
	return append(dst, MagicByte, byte(id>>24), byte(id>>16), byte(id>>8), byte(id))
}

// ParseHeader splits a frame into its schema id and Avro body. Errors wrap
// ErrTruncated or ErrMagicByte.
func ParseHeader(frame []byte) (id int, body []byte, err error) {
	if len(frame) >= HeaderSize && frame[0] == MagicByte {
		return int(int32(binary.BigEndian.Uint32(frame[1:]))), frame[HeaderSize:], nil
	}
	return -1, nil, headerError(frame)
}

// headerError explains why frame has no valid header. It is apart from
// ParseHeader so that ParseHeader stays small enough to inline.
func headerError(frame []byte) error {
	if len(frame) < HeaderSize {
		return fmt.Errorf("%w: %d bytes, want at least %d (magic byte and 4-byte schema id)", ErrTruncated, len(frame), HeaderSize)
	}
	return fmt.Errorf("%w: 0x%02x, want 0x00; the bytes were not written by a schema-registry serializer", ErrMagicByte, frame[0])
}
