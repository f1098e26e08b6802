package serde

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"gitlab.com/acme/avroctl/gen/golang/runtime/avro"
)

// A topic often carries several event types (OrderCreated, OrderUpdated,
// OrderCancelled on "orders"). A TopicCodec reads any frame on such a
// topic into the right Go type, chosen by the frame's writer schema, and
// hands it out as I, typically the sealed interface avroctl generates for
// the topic, so that one handler type-switches over the events:
//
//   - TopicRecordNameStrategy (and RecordNameStrategy): each type has its
//     own subject, the writer schema is a record, and its full name (or
//     an alias of a member) picks the Go type.
//   - TopicNameStrategy with a root union of references: the one subject
//     "<topic>-value" holds a union of the types; the body starts with the
//     branch index, and the branch's full name picks the Go type. A union
//     with more branches than the codec knows decodes the known ones.
//
// A writer type that is no member fails with an *UnknownTypeError inside
// the *DecodeError (permanent: the consumer dead-letters the record).

// TopicMember is one Go type of a topic: make it with Member.
type TopicMember[I any] struct {
	schema     string
	typ        reflect.Type // *T
	goType     string       // for error messages
	implements bool         // *T implements I
	// decode reads a value written with T's own schema into a new *T.
	decode func(body []byte) (I, error)
	// encode appends the encoding of v, which holds a *T.
	encode func(dst []byte, v I) ([]byte, error)
}

// Member describes the generated type T (a record: *T has AvroSchema,
// AppendAvro and UnmarshalAvro) as a member of a topic whose values are
// handed out as I. *T must implement I; decoding sets I to a new *T.
//
//	serde.Member[orders.OrdersEvent, orders.OrderCreated]()
func Member[I any, T any, P Record[T]]() TopicMember[I] {
	var zero T
	_, ok := any(P(&zero)).(I)
	return TopicMember[I]{
		schema:     P(&zero).AvroSchema(),
		typ:        reflect.TypeFor[P](),
		goType:     fmt.Sprintf("%T", P(&zero)),
		implements: ok,
		decode: func(body []byte) (I, error) {
			v := new(T)
			if err := P(v).UnmarshalAvro(body); err != nil {
				var none I
				return none, err
			}
			return any(P(v)).(I), nil
		},
		encode: func(dst []byte, v I) ([]byte, error) {
			p, _ := any(v).(P)
			if p == nil {
				return dst, fmt.Errorf("nil %T", p)
			}
			return p.AppendAvro(dst)
		},
	}
}

// TopicTypes lists what a TopicCodec reads and writes.
type TopicTypes[I any] struct {
	// Members are the topic's Go types, at least one, each once.
	Members []TopicMember[I]
	// Union is the JSON of a union of the members' schemas (each named
	// type written out in full once, as Java's Schema.toString prints a
	// union): the schema of the "<topic>-value" subject under the
	// TopicName strategy, or of CodecOptions.Subject when it is set. Only
	// encoding under those uses it: looked up under the subject (or
	// registered, with AutoRegister), falling back to the subject's latest
	// union when the subject has not got it. It may have branches no
	// member has, but each member must appear with its own canonical form.
	Union string
}

// TopicCodec encodes and decodes the values of a topic that carries
// several record types, as I. It is safe for concurrent use and, once warm,
// makes no registry calls; decoding allocates the new value and what its
// decoding allocates.
type TopicCodec[I any] struct {
	s            *Serde
	topic        string
	autoRegister bool
	members      []*topicMember[I]
	byName       map[string]int       // full name or alias -> member
	byType       map[reflect.Type]int // *T -> member
	names        []string             // members' full names, sorted, for errors

	// Encoding as a union branch (TopicName, or a fixed Subject).
	unionMode    bool
	union        string             // TopicTypes.Union; "" when not given
	unionOwn     *avro.WriterSchema // union, parsed
	unionBranch  []int              // per member: its branch in union
	unionSubject string
	unionSubErr  error
	target       atomic.Pointer[unionTarget] // nil: not looked up

	// idHeader is the record header that may carry the schema id
	// (DecodeWithHeaders).
	idHeader string

	plans       cowMap[schemaKey, *topicPlan]
	last        atomic.Pointer[topicPlan]
	planFetches flight[schemaKey, *topicPlan]
	bufs        sync.Pool // *topicScratch
}

type topicMember[I any] struct {
	TopicMember[I]
	fullName   string
	own        *avro.WriterSchema
	resolver   *avro.Resolver
	subject    string
	subjectErr error
	id         atomic.Int64 // id + 1 under subject; 0: not looked up
}

// unionTarget is the union schema values are framed with: its id, and the
// branch index of each member in it.
type unionTarget struct {
	id     int
	branch []int
}

// topicPlan is how a TopicCodec reads data written with one writer schema.
type topicPlan struct {
	key      schemaKey
	isUnion  bool
	record   memberPlan   // the writer is not a union
	branches []memberPlan // the writer is a union: one per branch
}

// memberPlan is how one writer type (a record, or a union branch) is read.
type memberPlan struct {
	member    int // index in TopicCodec.members; -1 when err is set
	transcode func(d *avro.Decoder, dst []byte) []byte
	err       error // permanent: unknown type or incompatible schema
}

type topicScratch struct {
	buf []byte
	d   avro.Decoder
}

// NewTopicCodec returns a codec for the values of opts.Topic, which are of
// the member types. Decoding needs neither the topic nor the union; the
// subjects are those CodecOptions documents, per member type (TopicRecordName,
// RecordName), or the union's (TopicName, or Subject when set).
func NewTopicCodec[I any](s *Serde, opts CodecOptions, types TopicTypes[I]) (*TopicCodec[I], error) {
	if len(types.Members) == 0 {
		return nil, fmt.Errorf("serde: a topic codec needs at least one member type")
	}
	c := &TopicCodec[I]{s: s, topic: opts.Topic, autoRegister: opts.AutoRegister,
		byName: map[string]int{}, byType: map[reflect.Type]int{}, idHeader: ValueSchemaIDHeader}
	if opts.Key {
		c.idHeader = KeySchemaIDHeader
	}
	c.bufs.New = func() any { return &topicScratch{buf: make([]byte, 0, 512)} }
	var iface I
	for i, tm := range types.Members {
		if tm.decode == nil {
			return nil, fmt.Errorf("serde: member %d is the zero TopicMember; make members with serde.Member", i)
		}
		if !tm.implements {
			return nil, fmt.Errorf("serde: %s does not implement %s", tm.goType, reflect.TypeOf(&iface).Elem())
		}
		full := topLevelName(tm.schema)
		if full == "" {
			return nil, fmt.Errorf("serde: %s's AvroSchema is not a named Avro type", tm.goType)
		}
		own, err := avro.ParseWriterSchema(tm.schema)
		if err != nil {
			return nil, fmt.Errorf("serde: %s's AvroSchema: %v", tm.goType, err)
		}
		if j, dup := c.byType[tm.typ]; dup {
			return nil, fmt.Errorf("serde: %s is member %d and %d", tm.goType, j, i)
		}
		for _, m := range c.members {
			if m.fullName == full {
				return nil, fmt.Errorf("serde: %s and %s both have the Avro name %s; a topic's types must differ by name", m.goType, tm.goType, full)
			}
		}
		m := &topicMember[I]{TopicMember: tm, fullName: full, own: own, resolver: avro.NewResolver(tm.schema)}
		m.subject, m.subjectErr = opts.Strategy.Subject(opts.Topic, full, opts.Key)
		c.byType[tm.typ] = i
		c.members = append(c.members, m)
		c.names = append(c.names, full)
	}
	// Full names win over aliases; among aliases, the first member.
	for i, m := range c.members {
		for _, a := range m.own.Aliases() {
			if _, taken := c.byName[a]; !taken {
				c.byName[a] = i
			}
		}
	}
	for i, m := range c.members {
		c.byName[m.fullName] = i
	}
	sort.Strings(c.names)

	c.unionMode = opts.Subject != "" || opts.Strategy == TopicName
	c.unionSubject = opts.Subject
	if c.unionSubject == "" && c.unionMode {
		c.unionSubject, c.unionSubErr = TopicName.Subject(opts.Topic, "", opts.Key)
	}
	if types.Union != "" {
		u, err := avro.ParseWriterSchema(types.Union)
		if err != nil {
			return nil, fmt.Errorf("serde: TopicTypes.Union: %v", err)
		}
		if c.unionBranch, err = c.branchesIn(u); err != nil {
			return nil, fmt.Errorf("serde: TopicTypes.Union: %v", err)
		}
		c.union, c.unionOwn = types.Union, u
	}
	return c, nil
}

// branchesIn returns the branch of union u each member is encoded as: the
// branch with the member's full name, which must have the member's own
// canonical form (a branch of another version of the type would make the
// frame lie about its schema).
func (c *TopicCodec[I]) branchesIn(u *avro.WriterSchema) ([]int, error) {
	if !u.IsUnion() {
		return nil, fmt.Errorf("the schema is a %s, not a union", u.TypeName())
	}
	branches := u.Branches()
	out := make([]int, len(c.members))
	for j, m := range c.members {
		out[j] = -1
		for i, b := range branches {
			if b.FullName() != m.fullName {
				continue
			}
			if !b.SameCanonicalForm(m.own) {
				return nil, fmt.Errorf("branch %d, %s, is another version of the type than %s's", i, m.fullName, m.goType)
			}
			out[j] = i
		}
		if out[j] < 0 {
			return nil, fmt.Errorf("the union has no branch %s", m.fullName)
		}
	}
	return out, nil
}

// Topic returns the topic the codec was made for.
func (c *TopicCodec[I]) Topic() string { return c.topic }

// FullNames returns the Avro full names of the member types, sorted.
func (c *TopicCodec[I]) FullNames() []string { return append([]string(nil), c.names...) }

// FullNameOf returns the Avro full name of v's type (the ce_type header),
// or "" when v holds no member type.
func (c *TopicCodec[I]) FullNameOf(v I) string {
	if m, ok := c.memberOf(v); ok {
		return m.fullName
	}
	return ""
}

func (c *TopicCodec[I]) memberOf(v I) (*topicMember[I], bool) {
	i, ok := c.byType[reflect.TypeOf(any(v))]
	if !ok {
		return nil, false
	}
	return c.members[i], true
}

// IDs looks up (or registers, with AutoRegister) the schema id of every
// member type under its subject, or the union's id under the union's
// subject, and returns them by full name. Call it at start-up to fail fast.
func (c *TopicCodec[I]) IDs(ctx context.Context) (map[string]int, error) {
	out := make(map[string]int, len(c.members))
	for _, m := range c.members {
		id, err := c.id(ctx, m)
		if err != nil {
			return nil, err
		}
		out[m.fullName] = id
	}
	return out, nil
}

// id returns the schema id m's values are framed with.
func (c *TopicCodec[I]) id(ctx context.Context, m *topicMember[I]) (int, error) {
	if c.unionMode {
		t, err := c.unionTarget(ctx)
		if err != nil {
			return 0, err
		}
		return t.id, nil
	}
	if id := m.id.Load(); id != 0 {
		return int(id - 1), nil
	}
	if m.subjectErr != nil {
		return 0, &EncodeError{Err: m.subjectErr}
	}
	id, err := c.s.schemaID(ctx, m.subject, m.schema, m.own, c.autoRegister)
	if err != nil {
		return 0, &EncodeError{Subject: m.subject, Err: err}
	}
	m.id.Store(int64(id) + 1)
	return id, nil
}

// unionTarget returns the union values are framed with, finding it once:
// the codec's own union (TopicTypes.Union) if the subject has it (or
// AutoRegister registers it), otherwise the subject's latest version,
// if every member is one of its branches with the member's own schema.
// The latter is what Confluent's serializers do for a union of
// references (use.latest.version=true): the union's branch order and its
// other branches are then the registry's business.
func (c *TopicCodec[I]) unionTarget(ctx context.Context) (*unionTarget, error) {
	if t := c.target.Load(); t != nil {
		return t, nil
	}
	if c.unionSubErr != nil {
		return nil, &EncodeError{Err: c.unionSubErr}
	}
	fail := func(err error) (*unionTarget, error) {
		return nil, &EncodeError{Subject: c.unionSubject, Err: err}
	}
	var lookupErr error
	if c.union != "" {
		id, err := c.s.schemaID(ctx, c.unionSubject, c.union, c.unionOwn, c.autoRegister)
		if err == nil {
			t := &unionTarget{id: id, branch: c.unionBranch}
			c.target.Store(t)
			return t, nil
		}
		if c.autoRegister || !errors.Is(err, ErrUnknownSchema) {
			return fail(err)
		}
		lookupErr = err
	} else if c.autoRegister {
		return fail(fmt.Errorf("the subject holds one schema for all of the topic's types, a union, and the codec has none to register (TopicTypes.Union)"))
	}
	latest, err := c.s.reg.SchemaByVersion(ctx, c.unionSubject, -1)
	if err != nil {
		if lookupErr != nil {
			return fail(lookupErr)
		}
		return fail(err)
	}
	w, err := c.s.writer(ctx, latest.ID)
	if err != nil {
		return fail(err)
	}
	branch, err := c.branchesIn(w.parsed)
	if err != nil {
		return fail(fmt.Errorf("%w: the latest version (schema id %d) cannot frame this module's types: %v", ErrUnknownSchema, latest.ID, err))
	}
	t := &unionTarget{id: latest.ID, branch: branch}
	c.target.Store(t)
	return t, nil
}

// Encode returns the framed encoding of v.
func (c *TopicCodec[I]) Encode(ctx context.Context, v I) ([]byte, error) {
	return c.AppendEncode(ctx, nil, v)
}

// AppendEncode appends the framed encoding of v to dst: with the id of v's
// type under its own subject, or, when the topic's subject is a union,
// with the union's id and v's branch index before v's encoding. On error
// dst is returned unchanged in length.
func (c *TopicCodec[I]) AppendEncode(ctx context.Context, dst []byte, v I) ([]byte, error) {
	i, ok := c.byType[reflect.TypeOf(any(v))]
	if !ok {
		return dst, &EncodeError{Err: fmt.Errorf("%T is not one of the types of topic %s (%s)", any(v), avro.Quote(c.topic), strings.Join(c.names, ", "))}
	}
	m := c.members[i]
	n := len(dst)
	var out []byte
	subject := m.subject
	if c.unionMode {
		t, err := c.unionTarget(ctx)
		if err != nil {
			return dst, err
		}
		out = avro.AppendLong(AppendHeader(dst, t.id), int64(t.branch[i]))
		subject = c.unionSubject
	} else {
		id, err := c.id(ctx, m)
		if err != nil {
			return dst, err
		}
		out = AppendHeader(dst, id)
	}
	out, err := m.encode(out, v)
	if err != nil {
		return dst[:n], &EncodeError{Subject: subject, Err: err}
	}
	return out, nil
}

// Decode decodes a frame into *v, a new value of the Go type its writer
// schema names (magic byte 0 and a schema id, or magic byte 1 and a schema
// GUID), resolved from the writer schema to that type's. On error *v is
// unchanged; errors are *DecodeError and keep the frame.
func (c *TopicCodec[I]) Decode(ctx context.Context, frame []byte, v *I) error {
	k, body, err := parseFrame(frame)
	if err != nil {
		return &DecodeError{Data: frame, ID: -1, Err: err}
	}
	return c.decodeBody(ctx, frame, k, "", body, v)
}

// DecodeWithHeaders is Decode for a record whose schema id may travel in a
// header, as Codec.DecodeWithHeaders reads it: the codec's schema id
// header (ValueSchemaIDHeader, or KeySchemaIDHeader for a key codec) when
// present with a non-nil value, payload then being the plain Avro body;
// otherwise the payload's prefix.
func (c *TopicCodec[I]) DecodeWithHeaders(ctx context.Context, header func(key string) ([]byte, bool), payload []byte, v *I) error {
	if header != nil {
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

// decodeBody decodes body, written with the schema k names, into *v. data
// and header are what a DecodeError reports.
func (c *TopicCodec[I]) decodeBody(ctx context.Context, data []byte, k schemaKey, header string, body []byte, v *I) error {
	fail := func(err error) error {
		id, guid := k.ref()
		return &DecodeError{Data: data, ID: id, GUID: guid, Header: header, Err: err}
	}
	p := c.last.Load()
	if p == nil || p.key != k {
		var ok bool
		var err error
		if p, ok = c.plans.load(k); !ok {
			if p, err = c.loadPlan(ctx, k); err != nil {
				return fail(err)
			}
		}
		c.last.Store(p)
	}
	full := len(body)
	mp := &p.record
	if p.isUnion {
		d := avro.NewDecoder(body)
		i := d.UnionIndex(len(p.branches))
		if err := d.Err(); err != nil {
			return fail(classify(err))
		}
		mp, body = &p.branches[i], body[d.Offset():]
	}
	if mp.err != nil {
		return fail(mp.err)
	}
	m := c.members[mp.member]
	var x I
	var err error
	if mp.transcode == nil {
		x, err = m.decode(body)
		if err != nil && p.isUnion {
			shiftOffset(err, full-len(body))
		}
	} else {
		x, err = c.decodeResolved(mp, m, body)
	}
	if err != nil {
		return fail(classify(err))
	}
	*v = x
	return nil
}

// shiftOffset makes the offset of a decoding error in a union branch's
// value count from the frame's body, as for a record writer. (Apart, so
// that the error target escapes only on this path.)
func shiftOffset(err error, by int) {
	var ae *avro.DecodeError
	if errors.As(err, &ae) {
		ae.Offset += by
	}
}

// decodeResolved transcodes body into m's encoding in a pooled buffer,
// then decodes that.
func (c *TopicCodec[I]) decodeResolved(mp *memberPlan, m *topicMember[I], body []byte) (I, error) {
	s := c.bufs.Get().(*topicScratch)
	s.d = avro.NewDecoder(body)
	out := mp.transcode(&s.d, s.buf[:0])
	var x I
	err := s.d.Finish()
	if err == nil {
		x, err = m.decode(out)
	}
	s.d = avro.Decoder{}
	if cap(out) <= 1<<20 {
		s.buf = out[:0]
		c.bufs.Put(s)
	}
	return x, err
}

// loadPlan fetches the writer schema k names and builds the codec's plan.
func (c *TopicCodec[I]) loadPlan(ctx context.Context, k schemaKey) (*topicPlan, error) {
	return c.planFetches.do(ctx, k, func() (*topicPlan, error) {
		if p, ok := c.plans.load(k); ok {
			return p, nil
		}
		w, err := c.s.writerFor(ctx, k)
		if err != nil {
			return nil, err
		}
		p := &topicPlan{key: k}
		if w.parsed.IsUnion() {
			p.isUnion = true
			for i, b := range w.parsed.Branches() {
				p.branches = append(p.branches, c.memberPlan(b, i))
			}
		} else {
			p.record = c.memberPlan(w.parsed, -1)
		}
		c.plans.store(k, p)
		return p, nil
	})
}

// memberPlan finds the member a writer type is read as, and how.
func (c *TopicCodec[I]) memberPlan(w *avro.WriterSchema, branch int) memberPlan {
	name := w.FullName()
	i, ok := c.byName[name]
	if name == "" || !ok {
		return memberPlan{member: -1, err: &UnknownTypeError{Topic: c.topic, Type: w.TypeName(), Branch: branch, Known: c.names}}
	}
	m := c.members[i]
	op, err := m.resolver.Plan(w)
	if err != nil {
		return memberPlan{member: -1, err: &IncompatibleError{Reader: m.fullName, Reason: err.Error()}}
	}
	return memberPlan{member: i, transcode: op}
}

// MemberEncoder frames the values of one member type T of a TopicCodec,
// with the subject and id the codec frames T with. It has the method set
// of the kafka module's Encoder[T] (ID, FullName, AppendEncode), so a
// typed producer of one event type can share its topic's codec, which is
// what TopicNameStrategy needs: there, a Codec[T] would look T up under
// "<topic>-value", which holds the union, not T.
type MemberEncoder[I any, T any] struct {
	c *TopicCodec[I]
	m *topicMember[I]
}

// EncoderFor returns the encoder of member type T of c.
//
//	created, err := serde.EncoderFor[orders.OrderCreated](codec)
func EncoderFor[T any, I any](c *TopicCodec[I]) (*MemberEncoder[I, T], error) {
	i, ok := c.byType[reflect.TypeFor[*T]()]
	if !ok {
		return nil, fmt.Errorf("serde: %s is not one of the types of topic %s (%s)", reflect.TypeFor[*T](), avro.Quote(c.topic), strings.Join(c.names, ", "))
	}
	return &MemberEncoder[I, T]{c: c, m: c.members[i]}, nil
}

// ID returns the schema id T's values are framed with, looking it up once.
func (e *MemberEncoder[I, T]) ID(ctx context.Context) (int, error) { return e.c.id(ctx, e.m) }

// FullName returns T's Avro full name, the ce_type header.
func (e *MemberEncoder[I, T]) FullName() string { return e.m.fullName }

// AppendEncode appends the framed encoding of v to dst, as the topic
// codec's AppendEncode does.
func (e *MemberEncoder[I, T]) AppendEncode(ctx context.Context, dst []byte, v *T) ([]byte, error) {
	x, _ := any(v).(I) // cannot fail: EncoderFor found *T among the members
	return e.c.AppendEncode(ctx, dst, x)
}

// UnknownTypeError is a frame whose writer type is none of the codec's
// member types: a type added to the topic after the events module the
// consumer was built with, or a frame from another topic. It matches
// ErrIncompatible, so consumers treat it as permanent (dead-letter).
type UnknownTypeError struct {
	Topic  string   // the codec's topic; "" when none was given
	Type   string   // the writer's full name, or its kind for an unnamed type
	Branch int      // the branch index when the writer schema is a union; -1 otherwise
	Known  []string // the member types' full names, sorted
}

func (e *UnknownTypeError) Error() string {
	what := "type " + e.Type
	if e.Branch >= 0 {
		what = fmt.Sprintf("union branch %d, %s,", e.Branch, e.Type)
	}
	topic := "the topic"
	if e.Topic != "" {
		topic = "topic " + avro.Quote(e.Topic)
	}
	return fmt.Sprintf("%s is not one of the types this codec reads from %s (%s): regenerate the events module with the type listed for the topic in avroctl.yaml (registry.topics), or dead-letter the record",
		what, topic, strings.Join(e.Known, ", "))
}

// Is makes the error match ErrIncompatible.
func (e *UnknownTypeError) Is(target error) bool { return target == ErrIncompatible }
