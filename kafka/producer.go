package kafka

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// ProducerOptions configure a Producer of T.
type ProducerOptions[T any] struct {
	// Config reaches the cluster; ignored when Client is set.
	Config
	// Client, when set, is used instead of a client of the producer's own
	// (several producers can share one). The producer does not close it,
	// and its acks and idempotence are the client's.
	Client *kgo.Client
	// Topic receives the events. Required.
	Topic string
	// Key returns the record key of an event: the business key (order id,
	// payment id), so that one entity's events stay in one partition, in
	// order. KeyField is the declarative alternative; with neither, records
	// have no key.
	Key func(*T) ([]byte, error)
	// KeyField names the key field by Go name or avro name, dotted for a
	// nested field: "OrderID", "orderId", "metadata.correlationId". Its
	// value must be a string, []byte, integer or a type with MarshalText
	// (avro.UUID).
	KeyField string
	// Event returns the event's id, source and time for the CloudEvents
	// headers. Default: metadata.eventId, metadata.producer and
	// metadata.occurredAt, the EventMetadata every avroctl event carries.
	Event func(*T) (Event, error)
	// Source is ce_source when the event names no producer.
	Source string
}

// Producer sends events of one generated type T to one topic.
//
// Records are acknowledged by all in-sync replicas (acks=all) and written
// idempotently, so a retried send never duplicates a record in the log.
// Each record carries the CloudEvents headers ce_specversion, ce_id,
// ce_source, ce_type, ce_time and content-type. The schema id is
// resolved once, at NewProducer: whether the schema may be registered on
// the fly is the codec's choice (off by default in the events serde, as
// Confluent advises for production with auto.register.schemas=false).
//
// A Producer is safe for concurrent use.
type Producer[T any] struct {
	cl       *kgo.Client
	own      bool
	enc      Encoder[T]
	topic    string
	typ      []byte
	source   []byte
	key      func(*T) ([]byte, error)
	event    func(*T) (Event, error)
	closeMu  sync.RWMutex
	isClosed bool
	// sizeHint is the largest frame encoded so far: the next encode gets a
	// buffer of that size instead of growing a nil slice.
	sizeHint atomic.Int64
}

// Header values every record shares; franz-go only reads them.
var (
	specVersionValue = []byte("1.0")
	contentTypeValue = []byte(ContentType)
)

// Delivery is where an acknowledged record landed.
type Delivery struct {
	Topic     string
	Partition int32
	Offset    int64
	Timestamp time.Time
}

// ErrClosed is returned by sends on a closed Producer.
var ErrClosed = errors.New("kafka: producer closed")

// NewProducer returns a producer of T to opts.Topic. It resolves the
// schema id now (enc.ID), so a schema that is not registered fails here.
func NewProducer[T any](ctx context.Context, enc Encoder[T], opts ProducerOptions[T]) (*Producer[T], error) {
	if opts.Topic == "" {
		return nil, errors.New("kafka: ProducerOptions.Topic is empty")
	}
	if enc == nil {
		return nil, errors.New("kafka: NewProducer needs an Encoder (e.g. a *serde.Codec from the events module)")
	}
	p := &Producer[T]{enc: enc, topic: opts.Topic, typ: []byte(enc.FullName()), source: []byte(opts.Source),
		key: opts.Key, event: opts.Event}
	switch {
	case p.key != nil && opts.KeyField != "":
		return nil, errors.New("kafka: set ProducerOptions.Key or KeyField, not both")
	case opts.KeyField != "":
		k, err := keyOf[T](opts.KeyField)
		if err != nil {
			return nil, fmt.Errorf("kafka: ProducerOptions.KeyField: %w", err)
		}
		p.key = k
	}
	if p.event == nil {
		ev, err := metadataOf[T]()
		if err != nil {
			return nil, fmt.Errorf("kafka: %w", err)
		}
		p.event = ev
	}
	if _, err := enc.ID(ctx); err != nil {
		return nil, fmt.Errorf("kafka: schema id of %s for topic %q: %w", enc.FullName(), opts.Topic, err)
	}
	if opts.Client != nil {
		p.cl = opts.Client
		return p, nil
	}
	kopts, err := opts.Config.options()
	if err != nil {
		return nil, err
	}
	kopts = append(kopts, kgo.RequiredAcks(kgo.AllISRAcks()), kgo.DefaultProduceTopic(opts.Topic))
	cl, err := kgo.NewClient(append(kopts, opts.Config.Opts...)...)
	if err != nil {
		return nil, fmt.Errorf("kafka: %w", err)
	}
	// Fail the service's start, not its first send, when the cluster is
	// unreachable or refuses the credentials.
	if err := opts.Config.connect(ctx, cl); err != nil {
		cl.Close()
		return nil, err
	}
	p.cl, p.own = cl, true
	return p, nil
}

// Record builds the Kafka record for v without sending it: the frame, the
// key and the CloudEvents headers. The ce_specversion and content-type
// header values are shared by every record: do not modify them.
func (p *Producer[T]) Record(ctx context.Context, v *T) (*kgo.Record, error) {
	ev, err := p.event(v)
	if err != nil {
		return nil, fmt.Errorf("kafka: event metadata of %s: %w", p.typ, err)
	}
	if ev.ID == "" {
		return nil, fmt.Errorf("kafka: %s has an empty event id: consumers deduplicate on it", p.typ)
	}
	var key []byte
	if p.key != nil {
		if key, err = p.key(v); err != nil {
			return nil, fmt.Errorf("kafka: key of %s: %w", p.typ, err)
		}
	}
	// Capped: one huge event must not make every later record allocate
	// its size.
	value, err := p.enc.AppendEncode(ctx, make([]byte, 0, min(max(p.sizeHint.Load(), 64), 64<<10)), v)
	if err != nil {
		return nil, fmt.Errorf("kafka: encode %s: %w", p.typ, err)
	}
	if n := int64(len(value)); n > p.sizeHint.Load() {
		p.sizeHint.Store(n)
	}
	source := p.source
	// One allocation for the per-record header values.
	arena := make([]byte, 0, len(ev.ID)+len(ev.Source)+len(ceTimeLayout))
	arena = append(arena, ev.ID...)
	id := arena[:len(ev.ID):len(ev.ID)]
	if ev.Source != "" {
		arena = append(arena, ev.Source...)
		source = arena[len(id):len(arena):len(arena)]
	}
	hs := make([]kgo.RecordHeader, 0, 6)
	hs = append(hs,
		kgo.RecordHeader{Key: HeaderSpecVersion, Value: specVersionValue},
		kgo.RecordHeader{Key: HeaderID, Value: id},
		kgo.RecordHeader{Key: HeaderSource, Value: source},
		kgo.RecordHeader{Key: HeaderType, Value: p.typ},
	)
	if !ev.Time.IsZero() {
		n := len(arena)
		arena = appendCETime(arena, ev.Time)
		hs = append(hs, kgo.RecordHeader{Key: HeaderTime, Value: arena[n:len(arena):len(arena)]})
	}
	hs = append(hs, kgo.RecordHeader{Key: HeaderContentType, Value: contentTypeValue})
	return &kgo.Record{Topic: p.topic, Key: key, Value: value, Headers: hs}, nil
}

// Send sends v and waits until all in-sync replicas have it.
func (p *Producer[T]) Send(ctx context.Context, v *T) (Delivery, error) {
	var (
		d    Delivery
		err  error
		done = make(chan struct{})
	)
	p.SendAsync(ctx, v, func(got Delivery, e error) { d, err = got, e; close(done) })
	<-done
	return d, err
}

// SendAsync sends v and returns at once; done (which may be nil) is called
// with the outcome, from the client's goroutine: keep it short. Records
// sent from one goroutine to one partition are written in order.
func (p *Producer[T]) SendAsync(ctx context.Context, v *T, done func(Delivery, error)) {
	if done == nil {
		done = func(Delivery, error) {}
	}
	p.closeMu.RLock()
	defer p.closeMu.RUnlock()
	if p.isClosed {
		done(Delivery{}, ErrClosed)
		return
	}
	r, err := p.Record(ctx, v)
	if err != nil {
		done(Delivery{}, err)
		return
	}
	p.cl.Produce(ctx, r, func(r *kgo.Record, err error) {
		if err != nil {
			done(Delivery{Topic: r.Topic}, fmt.Errorf("kafka: produce to %q: %w", r.Topic, err))
			return
		}
		done(Delivery{Topic: r.Topic, Partition: r.Partition, Offset: r.Offset, Timestamp: r.Timestamp}, nil)
	})
}

// Flush waits until every record sent so far is acknowledged or failed.
func (p *Producer[T]) Flush(ctx context.Context) error {
	if err := p.cl.Flush(ctx); err != nil {
		return fmt.Errorf("kafka: flush: %w", err)
	}
	return nil
}

// Close refuses new sends, flushes what was sent (bounded by ctx), and
// closes the client if the producer made it.
func (p *Producer[T]) Close(ctx context.Context) error {
	p.closeMu.Lock()
	p.isClosed = true
	p.closeMu.Unlock()
	err := p.Flush(ctx)
	if p.own {
		p.cl.Close()
	}
	return err
}
