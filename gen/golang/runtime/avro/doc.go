// Package avro is the runtime that avroctl-generated Go types call into.
//
// It is deliberately small and uses only the standard library, because it is
// copied verbatim into every generated events module (as events/avro) and a
// generated module must not drag dependencies into its users' builds.
//
// The generated code is straight-line: each record has AppendAvro, which
// appends the Avro binary encoding to a byte slice, and UnmarshalAvro, which
// decodes it again through a Decoder. This package supplies the primitive
// encoders, the bounded Decoder, the logical-type value types (Decimal,
// BigDecimal, UUID, Duration and the time conversions), and schema resolution for data written
// with a different writer schema (see Resolver).
//
// Logical types map to Go as follows:
//
//	decimal (bytes, fixed)          Decimal: exact; int64 unscaled value (big.Int beyond) + scale
//	uuid (string, fixed 16)         UUID: [16]byte, text form is 8-4-4-4-12 hex
//	date                            time.Time at midnight UTC
//	time-millis, time-micros        time.Duration since midnight
//	timestamp-*, local-timestamp-*  time.Time in UTC (local-* read as UTC wall time)
//	duration (fixed 12)             Duration: months, days, milliseconds
//	big-decimal (bytes)             BigDecimal: exact; big.Int unscaled value + a scale per value
//
// Every generated type also has the Avro JSON encoding (AppendAvroJSON,
// UnmarshalAvroJSON over JSONDecoder): the text Java's JsonEncoder writes.
//
// Decoding is bounded: a length or block count larger than what the rest of
// the input can hold is an error before anything is allocated.
package avro
