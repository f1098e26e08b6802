package serde

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"
)

// Schema GUIDs and schema ids in headers, as Confluent Platform 8
// serializers write them. Sources (Confluent's schema-registry repository,
// schema-serializer/src/main/java/io/confluent/kafka/serializers/schema/id):
// SchemaId.java (fromBytes, guidToBytes, the header names),
// HeaderSchemaIdSerializer.java (what a producer writes) and
// DualSchemaIdDeserializer.java (what a consumer reads):
// https://github.com/confluentinc/schema-registry/tree/master/schema-serializer/src/main/java/io/confluent/kafka/serializers/schema/id
//
//	prefix, id     byte 0 = 0, bytes 1-4 the schema id (big-endian), Avro after
//	prefix, GUID   byte 0 = 1, bytes 1-16 the schema GUID, Avro after
//	header         __value_schema_id (__key_schema_id for keys) holds the
//	               same 5 or 17 bytes; the record value is plain Avro
//
// A consumer looks at the header first (the last one with that key, as
// Kafka's Headers.lastHeader does) and at the payload prefix only when there
// is no such header or its value is null. HeaderSchemaIdSerializer writes
// the GUID form; SchemaId.fromBytes reads either form in a header.
const (
	// MagicByteGUID is the first byte of a frame (or id header) that names
	// its writer schema by GUID.
	MagicByteGUID byte = 1
	// GUIDHeaderSize is the size of such a header: magic byte and GUID.
	GUIDHeaderSize = 17
	// ValueSchemaIDHeader and KeySchemaIDHeader are the Kafka record
	// headers that carry the schema id of the value and of the key.
	ValueSchemaIDHeader = "__value_schema_id"
	KeySchemaIDHeader   = "__key_schema_id"
)

// GUID is a schema GUID: 16 bytes, most significant first (Java's
// UUID.getMostSignificantBits then getLeastSignificantBits).
type GUID [16]byte

// String returns the GUID in the 8-4-4-4-12 lowercase hex form of Java's
// UUID.toString, the form GET /schemas/guids/{guid} takes.
func (g GUID) String() string {
	var out [36]byte
	hex.Encode(out[0:8], g[0:4])
	out[8] = '-'
	hex.Encode(out[9:13], g[4:6])
	out[13] = '-'
	hex.Encode(out[14:18], g[6:8])
	out[18] = '-'
	hex.Encode(out[19:23], g[8:10])
	out[23] = '-'
	hex.Encode(out[24:36], g[10:16])
	return string(out[:])
}

// ParseGUID reads a GUID in the 8-4-4-4-12 hex form, either case.
func ParseGUID(s string) (GUID, error) {
	var g GUID
	if len(s) != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-' {
		return g, fmt.Errorf("serde: GUID %q: want 8-4-4-4-12 hex digits", s)
	}
	hexDigits := s[0:8] + s[9:13] + s[14:18] + s[19:23] + s[24:36]
	if _, err := hex.Decode(g[:], []byte(hexDigits)); err != nil {
		return GUID{}, fmt.Errorf("serde: GUID %q: %v", s, err)
	}
	return g, nil
}

// AppendGUIDHeader appends the 17-byte GUID form (magic byte 1 and the
// GUID) to dst: a frame's prefix, or the value of a schema id header.
func AppendGUIDHeader(dst []byte, g GUID) []byte {
	dst = append(dst, MagicByteGUID)
	return append(dst, g[:]...)
}

// schemaKey names a writer schema by id or by GUID. It keys the caches;
// byGUID keeps an id and a GUID apart whatever their bits.
type schemaKey struct {
	id     int
	guid   GUID
	byGUID bool
}

// ref is the schema id and GUID a DecodeError reports.
func (k schemaKey) ref() (id int, guid string) {
	if k.byGUID {
		return -1, k.guid.String()
	}
	return k.id, ""
}

// describe names the schema in messages.
func (k schemaKey) describe() string {
	if k.byGUID {
		return "with GUID " + k.guid.String()
	}
	return fmt.Sprintf("%d", k.id)
}

// parseFrame splits a payload with a schema prefix (either form) into the
// writer schema's key and the Avro body. Errors wrap ErrTruncated or
// ErrMagicByte and name the byte offset.
func parseFrame(frame []byte) (schemaKey, []byte, error) {
	if len(frame) >= HeaderSize && frame[0] == MagicByte {
		return schemaKey{id: int(int32(binary.BigEndian.Uint32(frame[1:])))}, frame[HeaderSize:], nil
	}
	return parseFrameSlow(frame, "frame")
}

// parseFrameSlow handles the GUID form and the errors; what names where the
// bytes came from ("frame", or "header __value_schema_id").
func parseFrameSlow(b []byte, what string) (schemaKey, []byte, error) {
	switch {
	case len(b) == 0:
		return schemaKey{id: -1}, nil, fmt.Errorf("%w: %s is empty, want a magic byte (0: schema id, 1: schema GUID) at byte 0", ErrTruncated, what)
	case b[0] == MagicByte && len(b) >= HeaderSize:
		return schemaKey{id: int(int32(binary.BigEndian.Uint32(b[1:])))}, b[HeaderSize:], nil
	case b[0] == MagicByte:
		return schemaKey{id: -1}, nil, fmt.Errorf("%w: %s has %d bytes, want at least %d (magic byte 0 and 4-byte schema id at bytes 1-4)", ErrTruncated, what, len(b), HeaderSize)
	case b[0] == MagicByteGUID:
		if len(b) < GUIDHeaderSize {
			return schemaKey{id: -1}, nil, fmt.Errorf("%w: %s has %d bytes, want at least %d (magic byte 1 and 16-byte schema GUID at bytes 1-16)", ErrTruncated, what, len(b), GUIDHeaderSize)
		}
		var k schemaKey
		k.byGUID = true
		copy(k.guid[:], b[1:GUIDHeaderSize])
		return k, b[GUIDHeaderSize:], nil
	}
	return schemaKey{id: -1}, nil, fmt.Errorf("%w: %s byte 0 is 0x%02x, want 0x00 (schema id) or 0x01 (schema GUID); the bytes were not written by a schema-registry serializer", ErrMagicByte, what, b[0])
}

// parseIDHeader reads a schema id header's value: exactly the 5-byte id
// form or the 17-byte GUID form. (Java's SchemaId.fromBytes ignores bytes
// after them; no Avro serializer writes any, so here they are an error
// rather than silently dropped.)
func parseIDHeader(value []byte, key string) (schemaKey, error) {
	switch {
	case len(value) == HeaderSize && value[0] == MagicByte:
		return schemaKey{id: int(int32(binary.BigEndian.Uint32(value[1:])))}, nil
	case len(value) == GUIDHeaderSize && value[0] == MagicByteGUID:
		return schemaKey{guid: GUID(value[1:]), byGUID: true}, nil
	}
	// Only errors are left; their message is built here, off the hot path.
	what := "header " + key
	if _, _, err := parseFrameSlow(value, what); err != nil {
		return schemaKey{id: -1}, err
	}
	want := HeaderSize
	if value[0] == MagicByteGUID {
		want = GUIDHeaderSize
	}
	return schemaKey{id: -1}, fmt.Errorf("%w: %s has %d bytes, want %d: unexpected bytes from offset %d", ErrMagicByte, what, len(value), want, want)
}
