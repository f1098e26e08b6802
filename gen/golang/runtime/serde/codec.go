package serde

import (
	"context"
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

	// resolver builds transcoding plans from writer schemas to T's schema.
	resolver *avro.Resolver

	// id is the schema id plus one; 0 means not yet looked up.
	id atomic.Int64
	// plans maps a writer schema id to how T reads it; last is the plan
	// used most recently, checked first because a topic's frames almost
	// always carry the same id as the previous one.
	plans       cowMap[int, *plan]
	last        atomic.Pointer[plan]
	planFetches flight[int, *plan]

	bufs sync.Pool // *scratch for resolved decodes
}

// plan is how a Codec reads data written with one writer schema.
type plan struct {
	id int
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
		own: own, autoRegister: opts.AutoRegister, resolver: avro.NewResolver(schema)}
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

// Decode decodes a frame into v, resolving the writer schema the frame's id
// names to T's schema. Errors are *DecodeError and keep the frame.
func (c *Codec[T, P]) Decode(ctx context.Context, frame []byte, v *T) error {
	id, body, err := ParseHeader(frame)
	if err != nil {
		return &DecodeError{Data: frame, ID: id, Err: err}
	}
	p := c.last.Load()
	if p == nil || p.id != id {
		var ok bool
		if p, ok = c.plans.load(id); !ok {
			if p, err = c.loadPlan(ctx, id); err != nil {
				return &DecodeError{Data: frame, ID: id, Err: err}
			}
		}
		c.last.Store(p)
	}
	if p.err != nil {
		return &DecodeError{Data: frame, ID: id, Err: p.err}
	}
	if p.transcode == nil {
		err = P(v).UnmarshalAvro(body)
	} else {
		err = c.decodeResolved(p, body, v)
	}
	if err != nil {
		return &DecodeError{Data: frame, ID: id, Err: classify(err)}
	}
	return nil
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

// loadPlan fetches the writer schema for id and builds T's plan for it.
func (c *Codec[T, P]) loadPlan(ctx context.Context, id int) (*plan, error) {
	return c.planFetches.do(ctx, id, func() (*plan, error) {
		if p, ok := c.plans.load(id); ok {
			return p, nil
		}
		w, err := c.s.writer(ctx, id)
		if err != nil {
			return nil, err
		}
		op, err := c.resolver.Plan(w.parsed)
		p := &plan{id: id, transcode: op}
		if err != nil {
			p.err = &IncompatibleError{Reader: c.fullName, Reason: err.Error()}
		}
		c.plans.store(id, p)
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
