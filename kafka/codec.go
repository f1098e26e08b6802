package kafka

import "context"

// Encoder frames values of T for a topic. The events module's
// *serde.Codec[T, *T] implements it: the runtime stays generic over the
// generated types and needs neither the events module nor the toolchain.
type Encoder[T any] interface {
	// ID returns the schema id the frames carry, looking it up once. The
	// producer calls it at construction, so that a schema missing from the
	// registry fails the service's start rather than its first send.
	ID(ctx context.Context) (int, error)
	// FullName is the Avro full name of T, the ce_type header.
	FullName() string
	// AppendEncode appends the framed encoding of v to dst.
	AppendEncode(ctx context.Context, dst []byte, v *T) ([]byte, error)
}

// Decoder reads frames into T, resolving the frame's writer schema to T's.
// *serde.Codec[T, *T] implements it; so can a codec for a topic carrying
// several event types, with T the topic's sealed interface.
type Decoder[T any] interface {
	Decode(ctx context.Context, frame []byte, v *T) error
}

// HeaderDecoder is a Decoder that also reads frames whose schema id travels
// in a record header (__value_schema_id, as Confluent's
// HeaderSchemaIdSerializer writes them: the payload is then plain Avro).
// *serde.Codec[T, *T] implements it; the consumer uses it when the decoder
// does.
type HeaderDecoder[T any] interface {
	Decoder[T]
	DecodeWithHeaders(ctx context.Context, header func(key string) ([]byte, bool), payload []byte, v *T) error
}

// HeaderValueSchemaID is the header newer Confluent producers put the value's
// schema id in (magic byte 1 and a 16-byte GUID, or magic byte 0 and a
// 4-byte id); the record value is then plain Avro, with no frame header.
const HeaderValueSchemaID = "__value_schema_id"
