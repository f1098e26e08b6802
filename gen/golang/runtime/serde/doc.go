// Package serde reads and writes avroctl-generated event types in the
// Confluent Schema Registry wire format, the format Java's
// KafkaAvroSerializer and KafkaAvroDeserializer use, so Go and JVM services
// can share topics.
//
// It is part of the runtime copied into the generated events module (as
// events/serde), so it imports only the standard library and the sibling
// runtime package avro.
//
// # Wire format
//
//	byte 0     magic byte 0
//	bytes 1-4  schema id, big-endian
//	bytes 5-   Avro binary encoding of the value with that schema
//
// Encode writes that. Decode also reads what Confluent Platform 8
// producers write: magic byte 1 followed by the schema's 16-byte GUID
// (bytes 1-16, the Avro body from byte 17), the writer schema then fetched
// with GET /schemas/guids/{guid}. And with HeaderSchemaIdSerializer the id
// travels in a record header, __value_schema_id (or __key_schema_id for
// keys), holding those 17 bytes (or magic byte 0 and a 4-byte id), while
// the value is plain Avro: Codec.DecodeWithHeaders takes the record's
// headers and reads the id there first, as Confluent's
// DualSchemaIdDeserializer does, falling back to the payload prefix. GUIDs
// are cached like ids: known ones for good, unknown ones for NotFoundTTL
// in a bounded cache.
//
// # Use
//
// One Serde per registry, one Codec per event type:
//
//	reg, err := serde.NewClient(serde.ClientOptions{URL: "http://127.0.0.1:8081"})
//	sd := serde.New(reg)
//	codec, err := serde.NewCodec[payments.PaymentValidated](sd, serde.CodecOptions{
//		Topic: "payments", Strategy: serde.TopicRecordName,
//	})
//	frame, err := codec.Encode(ctx, &event)     // producer
//	err = codec.Decode(ctx, frame, &event)      // consumer
//
// Encode looks the type's schema up under its subject once (POST
// /subjects/{subject}; with CodecOptions.AutoRegister it registers it
// instead) and caches the id. A generated type carries its schema with
// every named type written out, while avroctl registers shared types as
// schema references; Confluent's registry matches the two, and for
// registries that do not, a lookup that finds nothing falls back to the
// subject's latest version if its references resolve to the same Parsing
// Canonical Form. Decode fetches the writer schema of each new
// id once (GET /schemas/ids/{id}, then GET /subjects/{s}/versions/{v} for
// each schema reference, recursively), and caches how the Go type reads
// it: directly when the writer schema has the type's own Parsing Canonical
// Form (compared by SHA-256: a CRC-64 fingerprint can be forged), otherwise through the runtime's schema resolution (older and newer
// versions of the type both read, with defaults for missing fields).
// After that warm-up neither makes registry calls nor allocates beyond
// what decoding the value itself allocates. Concurrent misses for one id
// share one request.
//
// # Topics carrying several types
//
// A TopicCodec reads any frame of a topic into the Go type its writer
// schema names, handed out as an interface: avroctl generates one sealed
// interface per topic with several types, and its constructor
// (orders.NewOrdersEventCodec). Under TopicRecordName (or RecordName) the
// writer record's full name picks the type; under TopicName the subject
// holds a union of the types, and the branch index in the body picks it.
// A writer type it does not know is an *UnknownTypeError. It encodes any
// member type, and EncoderFor gives the encoder of one of them.
//
// # Errors
//
// Every Decode error is a *DecodeError that keeps the original bytes, the
// schema id or GUID and the header it came from, so a consumer can send the
// record to a dead-letter topic unchanged. Route with errors.Is:
//
//	ErrMagicByte            not a schema-registry frame, or a bad schema
//	                        id header (permanent)
//	ErrTruncated            frame, id header or Avro body ends early
//	                        (permanent)
//	ErrUnknownSchema        the registry does not know the id or GUID (404);
//	                        remembered for NotFoundTTL (10 s), so a run of
//	                        frames with a bad id costs one request
//	ErrIncompatible         the writer schema cannot be read as the Go type
//	                        (or, for a TopicCodec, names none of its types)
//	ErrRegistryUnavailable  registry unreachable, timed out or 5xx: retry
//
// # Headers
//
// Next to the bytes, events carry a few Kafka headers following the
// CloudEvents 1.0 Kafka protocol binding in binary content mode, so that
// any CloudEvents-aware tool understands them and a consumer can route,
// trace and deduplicate without decoding the value:
//
//	ce_specversion  "1.0"
//	ce_id           metadata.eventId, the event's UUID. At-least-once
//	                delivery redelivers the same id: consumers deduplicate
//	                technically on it.
//	ce_source       metadata.producer, e.g. "payment-service"
//	ce_type         the Avro full name of the record, e.g.
//	                "com.acme.events.payments.PaymentValidated" (the same
//	                name the registry subject and Codec.FullName use)
//	ce_time         metadata.occurredAt, RFC 3339 in UTC with milliseconds
//	content-type    "application/avro": Avro binary in the wire format
//	                above; the schema is found by the id in the frame
//
// The Kafka record key stays the business key (order id, payment id):
// consumers deduplicate functionally on it, and it keeps one entity's
// events in one partition, in order. The headers are a copy of what the
// value's metadata already says: when they disagree the value wins.
// EventHeaders.AppendHeaders writes them and ParseEventHeaders reads them;
// both use the transport-neutral Header type.
package serde
