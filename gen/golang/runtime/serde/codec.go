package serde

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"gitlab.com/acme/avroctl/gen/golang/runtime/avro"
)

// Record is what a Codec needs from a generated type: its writer schema and
// its same-schema binary encoding. Every record avroctl generates has these
// methods on its pointer type.
type Record[T any] interface {
	*T
	AvroSchema() string
	AppendAvro(dst []byte) ([]byte, error)
	UnmarshalAvro(b []byte) error
}

// CodecOptions choose the subject a Codec's schema is looked up under.
// The zero value is TopicName for record values, lookup only.
type CodecOptions struct {
	// Topic is the Kafka topic (or any channel name) the values travel on.
	// The TopicName and TopicRecordName strategies need it.
	Topic string
	// Key makes the codec frame record keys rather than values; it only
	// changes the subject under the TopicName strategy ("-key").
	Key bool
	// Strategy is the subject name strategy.
	Strategy SubjectNameStrategy
	// Subject, when set, is used as is and Strategy is ignored.
	Subject string
	// AutoRegister registers the schema under the subject when encoding
	// (POST /subjects/{subject}/versions) instead of only looking it up.
	// Off by default: production schemas are registered by avroctl's
	// registry commands behind a compatibility gate, not by producers.
	AutoRegister bool
}

// Codec encodes and decodes one generated type T in the Confluent wire
// format. It is safe for concurrent use. After the first Encode (and the
// first Decode of each writer schema id) it makes no registry calls and
// allocates nothing beyond what T's own encoding and decoding allocate.
type Codec[T any, P Record[T]] struct {
	s            *Serde
	subject      string
	subjectErr   error // why there is no subject
	fullName     string
	schema       string
	own          *avro.WriterSchema // schema, parsed: for comparing canonical forms
	autoRegister bool
	// idHeader is the record header that may carry the schema id:
	// KeySchemaIDHeader for a key codec, ValueSchemaIDHeader otherwise.
	idHeader string

	// resolver builds transcoding plans from writer schemas to T's schema.
	resolver *avro.Resolver

	// id is the schema id plus one; 0 means not yet looked up.
	id atomic.Int64
	// plans maps a writer schema (id or GUID) to how T reads it; last is
	// the plan used most recently, checked first because a topic's frames
	// almost always carry the same id as the previous one.
	plans       cowMap[schemaKey, *plan]
	last        atomic.Pointer[plan]
	planFetches flight[schemaKey, *plan]

	bufs sync.Pool // *scratch for resolved decodes
}

// plan is how a Codec reads data written with one writer schema.
type plan struct {
	key schemaKey
	// transcode is nil when the writer schema is T's own (same Parsing
	// Canonical Form): the generated decoder reads the body directly.
	// Otherwise it rewrites the body into T's encoding first.
	transcode func(d *avro.Decoder, dst []byte) []byte
	// err is a resolution failure; it is cached because it is permanent.
	err error
}

// NewCodec returns a Codec for T (a generated record type) over s.
//
//	c, err := serde.NewCodec[payments.PaymentValidated](sd, serde.CodecOptions{
//		Topic: "payments", Strategy: serde.TopicRecordName,
//	})
func NewCodec[T any, P Record[T]](s *Serde, opts CodecOptions) (*Codec[T, P], error) {
	var zero T
	schema := P(&zero).AvroSchema()
	full := topLevelName(schema)
	if full == "" {
		return nil, fmt.Errorf("serde: %T's AvroSchema is not a named Avro type", &zero)
	}
	// A codec that only decodes needs no subject, so a strategy that
	// cannot name one (no topic) fails the first Encode, not NewCodec.
	subject, subjectErr := opts.Subject, error(nil)
	if subject == "" {
		subject, subjectErr = opts.Strategy.Subject(opts.Topic, full, opts.Key)
	}
	own, err := avro.ParseWriterSchema(schema)
	if err != nil {
		return nil, fmt.Errorf("serde: %T's AvroSchema: %v", &zero, err)
	}
	c := &Codec[T, P]{s: s, subject: subject, subjectErr: subjectErr, fullName: full, schema: schema,
		own: own, autoRegister: opts.AutoRegister, idHeader: ValueSchemaIDHeader, resolver: avro.NewResolver(schema)}
	if opts.Key {
		c.idHeader = KeySchemaIDHeader
	}
	c.bufs.New = func() any { return &scratch{buf: make([]byte, 0, 512)} }
	return c, nil
}

// Subject returns the subject the codec's schema is looked up under.
func (c *Codec[T, P]) Subject() string { return c.subject }

// FullName returns T's Avro full name, the value of the ce_type header.
func (c *Codec[T, P]) FullName() string { return c.fullName }

// ID returns T's schema id under the codec's subject, looking it up (or
// registering it) on first use. Call it at start-up to fail fast and to
// take the registry round trip off the first Encode.
func (c *Codec[T, P]) ID(ctx context.Context) (int, error) {
	if id := c.id.Load(); id != 0 {
		return int(id - 1), nil
	}
	if c.subjectErr != nil {
		return 0, &EncodeError{Err: c.subjectErr}
	}
	id, err := c.s.schemaID(ctx, c.subject, c.schema, c.own, c.autoRegister)
	if err != nil {
		return 0, &EncodeError{Subject: c.subject, Err: err}
	}
	c.id.Store(int64(id) + 1)
	return id, nil
}

// Encode returns the framed encoding of v.
func (c *Codec[T, P]) Encode(ctx context.Context, v *T) ([]byte, error) {
	return c.AppendEncode(ctx, nil, v)
}

// AppendEncode appends the framed encoding of v to dst: magic byte 0, the
// 4-byte big-endian schema id, then v's Avro encoding. On error dst is
// returned unchanged in length.
func (c *Codec[T, P]) AppendEncode(ctx context.Context, dst []byte, v *T) ([]byte, error) {
	id := c.id.Load() - 1
	if id < 0 {
		got, err := c.ID(ctx)
		if err != nil {
			return dst, err
		}
		id = int64(got)
	}
	n := len(dst)
	out, err := P(v).AppendAvro(AppendHeader(dst, int(id)))
	if err != nil {
		return dst[:n], &EncodeError{Subject: c.subject, Err: err}
	}
	return out, nil
}

// Decode decodes a frame into v, resolving the writer schema the frame's
// prefix names (magic byte 0 and a schema id, or magic byte 1 and a schema
// GUID) to T's schema. Errors are *DecodeError and keep the frame.
func (c *Codec[T, P]) Decode(ctx context.Context, frame []byte, v *T) error {
	// The id form inline: it is nearly every frame, and parseFrame is too
	// big to inline.
	if len(frame) >= HeaderSize && frame[0] == MagicByte {
		k := schemaKey{id: int(int32(binary.BigEndian.Uint32(frame[1:])))}
		// The commonest case of all, without a call: the previous frame's
		// schema, which is T's own.
		if p := c.last.Load(); p != nil && p.key == k && p.err == nil && p.transcode == nil {
			if err := P(v).UnmarshalAvro(frame[HeaderSize:]); err != nil {
				return c.decodeError(frame, k, "", classify(err))
			}
			return nil
		}
		return c.decodeBody(ctx, frame, k, "", frame[HeaderSize:], v)
	}
	if len(frame) >= GUIDHeaderSize && frame[0] == MagicByteGUID {
		return c.decodeBody(ctx, frame, schemaKey{guid: GUID(frame[1:GUIDHeaderSize]), byGUID: true}, "", frame[GUIDHeaderSize:], v)
	}
	k, body, err := parseFrameSlow(frame, "frame")
	if err != nil {
		return &DecodeError{Data: frame, ID: -1, Err: err}
	}
	return c.decodeBody(ctx, frame, k, "", body, v)
}

// DecodeWithHeaders decodes a record whose schema id may travel in a
// header, as Confluent's DualSchemaIdDeserializer reads it: when header
// finds the codec's schema id header (ValueSchemaIDHeader, or
// KeySchemaIDHeader for a codec with CodecOptions.Key) with a non-nil
// value, that value names the writer schema (magic byte 0 and a 4-byte id,
// or magic byte 1 and a 16-byte GUID) and payload is the plain Avro body;
// otherwise payload is decoded as Decode decodes a frame. header returns
// the value of the last header with key (Kafka's lastHeader) and whether
// there is one; nil means no headers. Errors are *DecodeError, keep
// payload, and name the header the id came from.
//
// With franz-go, whose record headers are []kgo.RecordHeader:
//
//	err := codec.DecodeWithHeaders(ctx, func(key string) ([]byte, bool) {
//		for i := len(r.Headers) - 1; i >= 0; i-- {
//			if r.Headers[i].Key == key {
//				return r.Headers[i].Value, true
//			}
//		}
//		return nil, false
//	}, r.Value, &v)
func (c *Codec[T, P]) DecodeWithHeaders(ctx context.Context, header func(key string) ([]byte, bool), payload []byte, v *T) error {
	if header != nil {
		// A null header value (nil) is no id, as in Java, where a header
		// with a null value is skipped for the payload prefix.
		if value, ok := header(c.idHeader); ok && value != nil {
			k, err := parseIDHeader(value, c.idHeader)
			if err != nil {
				return &DecodeError{Data: payload, ID: -1, Header: c.idHeader, Err: err}
			}
			return c.decodeBody(ctx, payload, k, c.idHeader, payload, v)
		}
	}
	return c.Decode(ctx, payload, v)
}

// decodeBody decodes body, written with the schema k names, into v. data
// and header are what a DecodeError reports.
func (c *Codec[T, P]) decodeBody(ctx context.Context, data []byte, k schemaKey, header string, body []byte, v *T) error {
	p := c.last.Load()
	if p == nil || p.key != k {
		var ok bool
		var err error
		if p, ok = c.plans.load(k); !ok {
			if p, err = c.loadPlan(ctx, k); err != nil {
				return c.decodeError(data, k, header, err)
			}
		}
		c.last.Store(p)
	}
	if p.err != nil {
		return c.decodeError(data, k, header, p.err)
	}
	var err error
	if p.transcode == nil {
		err = P(v).UnmarshalAvro(body)
	} else {
		err = c.decodeResolved(p, body, v)
	}
	if err != nil {
		return c.decodeError(data, k, header, classify(err))
	}
	return nil
}

func (c *Codec[T, P]) decodeError(data []byte, k schemaKey, header string, err error) error {
	id, guid := k.ref()
	return &DecodeError{Data: data, ID: id, GUID: guid, Header: header, Err: err}
}

// scratch is what a resolved decode borrows from the pool: the buffer the
// body is transcoded into, and the Decoder, which would escape to the heap
// (one allocation per message) if it lived on the stack, because it is
// passed to a plan through a function value.
type scratch struct {
	buf []byte
	d   avro.Decoder
}

// decodeResolved transcodes body into T's encoding in a pooled buffer,
// then decodes that.
func (c *Codec[T, P]) decodeResolved(p *plan, body []byte, v *T) error {
	s := c.bufs.Get().(*scratch)
	s.d = avro.NewDecoder(body)
	out := p.transcode(&s.d, s.buf[:0])
	err := s.d.Finish()
	if err == nil {
		err = P(v).UnmarshalAvro(out)
	}
	s.d = avro.Decoder{}   // do not keep the caller's bytes alive
	if cap(out) <= 1<<20 { // do not pin huge buffers in the pool
		s.buf = out[:0]
		c.bufs.Put(s)
	}
	return err
}

// loadPlan fetches the writer schema k names and builds T's plan for it.
func (c *Codec[T, P]) loadPlan(ctx context.Context, k schemaKey) (*plan, error) {
	return c.planFetches.do(ctx, k, func() (*plan, error) {
		if p, ok := c.plans.load(k); ok {
			return p, nil
		}
		w, err := c.s.writerFor(ctx, k)
		if err != nil {
			return nil, err
		}
		op, err := c.resolver.Plan(w.parsed)
		p := &plan{key: k, transcode: op}
		if err != nil {
			p.err = &IncompatibleError{Reader: c.fullName, Reason: err.Error()}
		}
		c.plans.store(k, p)
		return p, nil
	})
}

// classify makes a body decoding error match the package's sentinels.
func classify(err error) error {
	switch {
	case errors.Is(err, avro.ErrShortBuffer):
		return fmt.Errorf("%w: %w", ErrTruncated, err)
	}
	var re *avro.ResolutionError
	if errors.As(err, &re) {
		return fmt.Errorf("%w: %w", ErrIncompatible, err)
	}
	return err
}
