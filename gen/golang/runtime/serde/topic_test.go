package serde

import (
	"bytes"
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	"gitlab.com/acme/avroctl/gen/golang/runtime/avro"
	"gitlab.com/acme/avroctl/gen/registry/server"
)

// testEvent stands for a generated topic interface: the hand-written types
// of types_test.go implement it through their pointers.
type testEvent interface{ AvroSchema() string }

// The method set kafka.Decoder[I] asks for, checked without importing kafka.
var _ interface {
	Decode(ctx context.Context, frame []byte, v *testEvent) error
} = (*TopicCodec[testEvent])(nil)

func testTopicTypes() TopicTypes[testEvent] {
	return TopicTypes[testEvent]{
		Members: []TopicMember[testEvent]{Member[testEvent, order](), Member[testEvent, paymentV2]()},
		Union:   "[" + orderSchema + "," + paymentV2Schema + "]",
	}
}

func mustTopicCodec(t testing.TB, s *Serde, opts CodecOptions, types TopicTypes[testEvent]) *TopicCodec[testEvent] {
	t.Helper()
	c, err := NewTopicCodec(s, opts, types)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

var (
	testOrder   = order{ID: "o-1", Total: money{Units: 1250, Currency: "EUR"}}
	testPayment = paymentV2{ID: "p-1", Amount: 3, Currency: "CHF"}
)

// TestTopicRecordName: under TopicRecordNameStrategy each type is framed
// with its own subject's id and decodes back to its own Go type; a frame
// of an older version of a member resolves to the member.
func TestTopicRecordName(t *testing.T) {
	ctx := context.Background()
	mem := newMemRegistry()
	sd := New(mem)
	c := mustTopicCodec(t, sd, CodecOptions{Topic: "t", Strategy: TopicRecordName, AutoRegister: true}, testTopicTypes())
	ids, err := c.IDs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(ids) != 2 || ids["com.acme.test.Order"] == ids["com.acme.test.Payment"] {
		t.Fatalf("IDs = %v, want one id per type", ids)
	}
	if got := mem.versions["t-com.acme.test.Order"]; len(got) != 1 || got[0] != ids["com.acme.test.Order"] {
		t.Errorf("subject t-com.acme.test.Order has ids %v, want [%d]", got, ids["com.acme.test.Order"])
	}
	for _, in := range []testEvent{&testOrder, &testPayment} {
		frame, err := c.Encode(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		id, _, _ := ParseHeader(frame)
		if id != ids[c.FullNameOf(in)] {
			t.Errorf("%T framed with id %d, want %d", in, id, ids[c.FullNameOf(in)])
		}
		var out testEvent
		if err := c.Decode(ctx, frame, &out); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(out, in) {
			t.Errorf("decoded %#v, want %#v", out, in)
		}
	}

	// A producer of one of the types shares the topic codec.
	enc, err := EncoderFor[paymentV2](c)
	if err != nil {
		t.Fatal(err)
	}
	var _ interface {
		ID(context.Context) (int, error)
		FullName() string
		AppendEncode(context.Context, []byte, *paymentV2) ([]byte, error)
	} = enc
	if id, err := enc.ID(ctx); err != nil || id != ids["com.acme.test.Payment"] || enc.FullName() != "com.acme.test.Payment" {
		t.Errorf("EncoderFor[paymentV2]: id %d, %v, name %s", id, err, enc.FullName())
	}
	viaEnc, err1 := enc.AppendEncode(ctx, nil, &testPayment)
	viaCodec, err2 := c.Encode(ctx, &testPayment)
	if err1 != nil || err2 != nil || !bytes.Equal(viaEnc, viaCodec) {
		t.Errorf("EncoderFor framed % x (%v), the codec % x (%v)", viaEnc, err1, viaCodec, err2)
	}
	if _, err := EncoderFor[paymentV1](c); err == nil || !strings.Contains(err.Error(), "*serde.paymentV1 is not one of the types") {
		t.Errorf("EncoderFor a type of no member: %v", err)
	}

	// A producer still on Payment v1 (same subject, older version).
	old := mustCodec[paymentV1](t, sd, CodecOptions{Topic: "t", Strategy: TopicRecordName, AutoRegister: true})
	frame, err := old.Encode(ctx, &paymentV1{ID: "p-0", Amount: 7})
	if err != nil {
		t.Fatal(err)
	}
	var out testEvent
	if err := c.Decode(ctx, frame, &out); err != nil {
		t.Fatal(err)
	}
	want := &paymentV2{ID: "p-0", Amount: 7, Currency: "EUR"}
	if !reflect.DeepEqual(out, want) {
		t.Errorf("v1 frame decoded as %#v, want %#v", out, want)
	}
}

// TestTopicUnknownType: a writer type no member has is an
// *UnknownTypeError naming it and the topic, inside a *DecodeError that
// keeps the frame; the target is left alone.
func TestTopicUnknownType(t *testing.T) {
	ctx := context.Background()
	mem := newMemRegistry()
	id, _ := mem.RegisterSchema(ctx, "t-com.acme.test.Shipment", Schema{Schema: unrelatedSchema})
	strID, _ := mem.RegisterSchema(ctx, "s", Schema{Schema: `"string"`})
	c := mustTopicCodec(t, New(mem), CodecOptions{Topic: "t", Strategy: TopicRecordName}, testTopicTypes())
	for _, tc := range []struct {
		frame []byte
		typ   string
	}{
		{append(AppendHeader(nil, id), 4), "com.acme.test.Shipment"},
		{append(AppendHeader(nil, strID), 2, 'h'), "string"},
	} {
		var out testEvent = &testOrder
		err := c.Decode(ctx, tc.frame, &out)
		var ute *UnknownTypeError
		var de *DecodeError
		if !errors.As(err, &ute) || !errors.As(err, &de) || !errors.Is(err, ErrIncompatible) {
			t.Fatalf("Decode: %v (%T), want a *DecodeError with an *UnknownTypeError matching ErrIncompatible", err, err)
		}
		if ute.Type != tc.typ || ute.Topic != "t" || ute.Branch != -1 || !bytes.Equal(de.Data, tc.frame) {
			t.Errorf("error %+v / frame %x, want type %s on topic t", ute, de.Data, tc.typ)
		}
		if msg := err.Error(); !strings.Contains(msg, tc.typ) || !strings.Contains(msg, `topic "t"`) || !strings.Contains(msg, "com.acme.test.Order, com.acme.test.Payment") {
			t.Errorf("message %q does not name the type, the topic and the known types", msg)
		}
		if out != &testOrder {
			t.Error("a failed Decode changed the target")
		}
	}
}

// TestTopicNameUnion: under TopicNameStrategy the subject holds a union
// of references; the codec frames a value as its branch with the union's
// id (found by a lookup-only codec, schema written out in full against
// the version registered with references), and decodes a union writer
// with more branches than it knows: the known ones resolve, the others
// are unknown types.
func TestTopicNameUnion(t *testing.T) {
	ctx := context.Background()
	reg := startRegistry(t, server.Options{})
	cl := newClient(t, reg.URL)
	must := func(id int, err error) int {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	must(cl.RegisterSchema(ctx, moneyFullName, Schema{Schema: moneySchema}))
	must(cl.RegisterSchema(ctx, "com.acme.test.Order", Schema{Schema: orderRefSchema,
		References: []Reference{{Name: moneyFullName, Subject: moneyFullName, Version: 1}}}))
	must(cl.RegisterSchema(ctx, "com.acme.test.Payment", Schema{Schema: paymentV1Schema}))
	must(cl.RegisterSchema(ctx, "com.acme.test.Payment", Schema{Schema: paymentV2Schema}))
	must(cl.RegisterSchema(ctx, "com.acme.test.Shipment", Schema{Schema: unrelatedSchema}))
	orderRef := Reference{Name: "com.acme.test.Order", Subject: "com.acme.test.Order", Version: 1}
	unionID := must(cl.RegisterSchema(ctx, "u-value", Schema{Schema: `["com.acme.test.Order","com.acme.test.Payment"]`,
		References: []Reference{orderRef, {Name: "com.acme.test.Payment", Subject: "com.acme.test.Payment", Version: 2}}}))
	// An older producer's union: Payment v1, and a type this consumer
	// does not know.
	wideID := must(cl.RegisterSchema(ctx, "w-value", Schema{Schema: `["com.acme.test.Order","com.acme.test.Payment","com.acme.test.Shipment"]`,
		References: []Reference{orderRef, {Name: "com.acme.test.Payment", Subject: "com.acme.test.Payment", Version: 1},
			{Name: "com.acme.test.Shipment", Subject: "com.acme.test.Shipment", Version: 1}}}))

	c := mustTopicCodec(t, New(cl), CodecOptions{Topic: "u"}, testTopicTypes())
	for i, in := range []testEvent{&testOrder, &testPayment} {
		frame, err := c.Encode(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := in.(interface{ AppendAvro([]byte) ([]byte, error) }).AppendAvro(nil)
		want := append(avro.AppendLong(AppendHeader(nil, unionID), int64(i)), body...)
		if !bytes.Equal(frame, want) {
			t.Fatalf("%T framed as % x, want % x (union id %d, branch %d)", in, frame, want, unionID, i)
		}
		var out testEvent
		if err := c.Decode(ctx, frame, &out); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(out, in) {
			t.Errorf("decoded %#v, want %#v", out, in)
		}
	}

	// Without a union of its own, or when the subject has not got it, the
	// codec frames with the subject's latest union, in its branch order.
	reversedID := must(cl.RegisterSchema(ctx, "r-value", Schema{Schema: `["com.acme.test.Payment","com.acme.test.Order"]`,
		References: []Reference{{Name: "com.acme.test.Payment", Subject: "com.acme.test.Payment", Version: 2}, orderRef}}))
	for _, union := range []string{"", testTopicTypes().Union} {
		types := testTopicTypes()
		types.Union = union
		rc := mustTopicCodec(t, New(cl), CodecOptions{Topic: "r"}, types)
		frame, err := rc.Encode(ctx, &testOrder)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := testOrder.AppendAvro(nil)
		if want := append(avro.AppendLong(AppendHeader(nil, reversedID), 1), body...); !bytes.Equal(frame, want) {
			t.Errorf("union %q: framed % x, want % x (the latest union's id, branch 1)", union, frame, want)
		}
	}
	// A latest union with another version of a member cannot frame it.
	wc := mustTopicCodec(t, New(cl), CodecOptions{Topic: "w"}, testTopicTypes())
	if _, err := wc.Encode(ctx, &testOrder); !errors.Is(err, ErrUnknownSchema) || !strings.Contains(err.Error(), "another version") {
		t.Errorf("encoding against a union with Payment v1: %v, want ErrUnknownSchema naming the version mismatch", err)
	}

	orderBody, _ := testOrder.AppendAvro(nil)
	payBody, _ := (&paymentV1{ID: "p-0", Amount: 7}).AppendAvro(nil)
	wide := func(branch int64, body ...byte) []byte {
		return append(avro.AppendLong(AppendHeader(nil, wideID), branch), body...)
	}
	var out testEvent
	if err := c.Decode(ctx, wide(0, orderBody...), &out); err != nil || !reflect.DeepEqual(out, &testOrder) {
		t.Errorf("branch 0 of the wider union: %#v, %v", out, err)
	}
	if err := c.Decode(ctx, wide(1, payBody...), &out); err != nil || !reflect.DeepEqual(out, &paymentV2{ID: "p-0", Amount: 7, Currency: "EUR"}) {
		t.Errorf("branch 1 (Payment v1) of the wider union: %#v, %v", out, err)
	}
	var ute *UnknownTypeError
	if err := c.Decode(ctx, wide(2, 4), &out); !errors.As(err, &ute) || ute.Branch != 2 || ute.Type != "com.acme.test.Shipment" {
		t.Errorf("branch 2 (Shipment): %v, want an *UnknownTypeError for branch 2", err)
	} else if !strings.Contains(err.Error(), "union branch 2, com.acme.test.Shipment,") {
		t.Errorf("message %q does not name the branch", err)
	}
	// An error in a branch's value counts its offset from the frame's body.
	var ae *avro.DecodeError
	if err := c.Decode(ctx, wide(0, append(orderBody, 9)...), &out); !errors.As(err, &ae) || ae.Offset != 1+len(orderBody) {
		t.Errorf("trailing byte after branch 0: %v, want an *avro.DecodeError at body offset %d", err, 1+len(orderBody))
	}
	for _, frame := range [][]byte{wide(3, 4), wide(-1), AppendHeader(nil, wideID), wide(1, payBody[:2]...)} {
		var de *DecodeError
		if err := c.Decode(ctx, frame, &out); !errors.As(err, &de) || !bytes.Equal(de.Data, frame) {
			t.Errorf("frame % x: %v, want a *DecodeError keeping it", frame, err)
		}
	}
}

// TestTopicCodecEncodeErrors: values that are no member, and TopicName
// without a union schema, fail with *EncodeError and leave dst alone.
func TestTopicCodecEncodeErrors(t *testing.T) {
	ctx := context.Background()
	sd := New(newMemRegistry())
	c := mustTopicCodec(t, sd, CodecOptions{Topic: "t", Strategy: TopicRecordName, AutoRegister: true}, testTopicTypes())
	dst := []byte("keep")
	for _, v := range []testEvent{nil, &paymentV1{}, (*order)(nil)} {
		out, err := c.AppendEncode(ctx, dst, v)
		var ee *EncodeError
		if !errors.As(err, &ee) || string(out) != "keep" {
			t.Errorf("AppendEncode(%#v) = %q, %v; want dst unchanged and an *EncodeError", v, out, err)
		}
	}
	types := testTopicTypes()
	types.Union = ""
	noUnion := mustTopicCodec(t, sd, CodecOptions{Topic: "t", Strategy: TopicName}, types)
	if _, err := noUnion.Encode(ctx, &testOrder); err == nil || !strings.Contains(err.Error(), `"t-value"`) {
		t.Errorf("TopicName without a union: %v, want an error naming the subject", err)
	}
}

type markedEvent interface{ marked() }

func (*order) marked() {}

// TestNewTopicCodecErrors: members that cannot make a codec are refused
// at construction, naming the problem.
func TestNewTopicCodecErrors(t *testing.T) {
	sd := New(newMemRegistry())
	for _, tc := range []struct {
		name  string
		err   string
		build func() error
	}{
		{"no members", "at least one", func() error {
			_, err := NewTopicCodec(sd, CodecOptions{}, TopicTypes[testEvent]{})
			return err
		}},
		{"not implementing", "does not implement", func() error {
			_, err := NewTopicCodec(sd, CodecOptions{}, TopicTypes[markedEvent]{Members: []TopicMember[markedEvent]{
				Member[markedEvent, order](), Member[markedEvent, paymentV1]()}})
			return err
		}},
		{"same type twice", "member 0 and 1", func() error {
			_, err := NewTopicCodec(sd, CodecOptions{}, TopicTypes[testEvent]{Members: []TopicMember[testEvent]{
				Member[testEvent, order](), Member[testEvent, order]()}})
			return err
		}},
		{"same name twice", "both have the Avro name com.acme.test.Payment", func() error {
			_, err := NewTopicCodec(sd, CodecOptions{}, TopicTypes[testEvent]{Members: []TopicMember[testEvent]{
				Member[testEvent, paymentV1](), Member[testEvent, paymentV2]()}})
			return err
		}},
		{"union without a member", "no branch com.acme.test.Payment", func() error {
			types := testTopicTypes()
			types.Union = "[" + orderSchema + "]"
			_, err := NewTopicCodec(sd, CodecOptions{}, types)
			return err
		}},
		{"union with another version", "another version of the type than *serde.paymentV2's", func() error {
			types := testTopicTypes()
			types.Union = "[" + orderSchema + "," + paymentV1Schema + "]"
			_, err := NewTopicCodec(sd, CodecOptions{}, types)
			return err
		}},
		{"union that is a record", "not a union", func() error {
			types := testTopicTypes()
			types.Union = orderSchema
			_, err := NewTopicCodec(sd, CodecOptions{}, types)
			return err
		}},
	} {
		if err := tc.build(); err == nil || !strings.Contains(err.Error(), tc.err) {
			t.Errorf("%s: %v, want an error containing %q", tc.name, err, tc.err)
		}
	}
	// The marker interface works once every member has the marker.
	if _, err := NewTopicCodec(sd, CodecOptions{}, TopicTypes[markedEvent]{Members: []TopicMember[markedEvent]{
		Member[markedEvent, order]()}}); err != nil {
		t.Error(err)
	}
}

// TestTopicDecodeAllocations: a warm decode allocates what decoding the
// value itself allocates, plus nothing for the dispatch.
func TestTopicDecodeAllocations(t *testing.T) {
	ctx := context.Background()
	c := mustTopicCodec(t, New(newMemRegistry()), CodecOptions{Topic: "t", Strategy: TopicRecordName, AutoRegister: true}, testTopicTypes())
	frame, err := c.Encode(ctx, &testPayment)
	if err != nil {
		t.Fatal(err)
	}
	var out testEvent
	if err := c.Decode(ctx, frame, &out); err != nil {
		t.Fatal(err)
	}
	raw := testing.AllocsPerRun(100, func() {
		v := new(paymentV2)
		v.UnmarshalAvro(frame[HeaderSize:])
		out = v
	})
	got := testing.AllocsPerRun(100, func() { c.Decode(ctx, frame, &out) })
	if got != raw {
		t.Errorf("Decode: %v allocations, new value + UnmarshalAvro: %v; want equal", got, raw)
	}
	// The same for a union writer (TopicName).
	u := mustTopicCodec(t, New(newMemRegistry()), CodecOptions{Topic: "t", AutoRegister: true}, testTopicTypes())
	if frame, err = u.Encode(ctx, &testPayment); err != nil {
		t.Fatal(err)
	}
	if err := u.Decode(ctx, frame, &out); err != nil || !reflect.DeepEqual(out, &testPayment) {
		t.Fatalf("union frame: %#v, %v", out, err)
	}
	if got := testing.AllocsPerRun(100, func() { u.Decode(ctx, frame, &out) }); got != raw {
		t.Errorf("Decode of a union frame: %v allocations, new value + UnmarshalAvro: %v; want equal", got, raw)
	}
}

// FuzzTopicDecode: arbitrary frames give a member value or a *DecodeError
// keeping them; never a panic, and never a change to the input. The
// registry knows a record member (1), an older version of one (2), an
// unknown record (3), a union of members and an unknown type (4), and a
// non-record (5).
func FuzzTopicDecode(f *testing.F) {
	ctx := context.Background()
	mem := newMemRegistry()
	mem.RegisterSchema(ctx, "a", Schema{Schema: orderSchema})
	mem.RegisterSchema(ctx, "b", Schema{Schema: paymentV1Schema})
	mem.RegisterSchema(ctx, "c", Schema{Schema: unrelatedSchema})
	mem.RegisterSchema(ctx, "d", Schema{Schema: "[" + orderSchema + "," + paymentV1Schema + "," + unrelatedSchema + "]"})
	mem.RegisterSchema(ctx, "e", Schema{Schema: `"string"`})
	c := mustTopicCodec(f, New(mem), CodecOptions{Topic: "t"}, testTopicTypes())
	ob, _ := testOrder.AppendAvro(nil)
	pb, _ := (&paymentV1{ID: "p", Amount: 3}).AppendAvro(nil)
	f.Add(append(AppendHeader(nil, 1), ob...))
	f.Add(append(AppendHeader(nil, 2), pb...))
	f.Add(append(AppendHeader(nil, 3), 6))
	f.Add(append(AppendHeader(nil, 4), append([]byte{0}, ob...)...))
	f.Add(append(AppendHeader(nil, 4), append([]byte{2}, pb...)...))
	f.Add(append(AppendHeader(nil, 4), 4, 6))
	f.Add(append(AppendHeader(nil, 4), 6))
	f.Add(append(AppendHeader(nil, 5), 2, 'x'))
	f.Add(append(AppendHeader(nil, 9), 0))
	f.Add([]byte{0, 0})
	f.Add(append(AppendGUIDHeader(nil, memGUID(SubjectSchema{Schema: orderSchema})), ob...))
	f.Add(append(AppendGUIDHeader(nil, GUID{1}), 0))
	f.Fuzz(func(t *testing.T, frame []byte) {
		orig := bytes.Clone(frame)
		// The same bytes with the schema prefix in the id header: the
		// first 5 or 17 bytes, as the magic byte says.
		if n := map[bool]int{true: GUIDHeaderSize, false: HeaderSize}[len(frame) > 0 && frame[0] == MagicByteGUID]; len(frame) >= n {
			payload := frame[n:]
			var out testEvent
			err := c.DecodeWithHeaders(ctx, headersOf(Header{ValueSchemaIDHeader, frame[:n]}), payload, &out)
			var de *DecodeError
			if err != nil && (!errors.As(err, &de) || !bytes.Equal(de.Data, payload) || errors.Is(err, ErrRegistryUnavailable)) {
				t.Fatalf("DecodeWithHeaders: %v", err)
			}
		}
		var out testEvent
		err := c.Decode(ctx, frame, &out)
		checkDecodeResult(t, err, frame)
		if err == nil {
			switch out.(type) {
			case *order, *paymentV2:
			default:
				t.Fatalf("decoded a %T", out)
			}
		} else if out != nil {
			t.Fatal("a failed Decode set the target")
		}
		if !bytes.Equal(frame, orig) {
			t.Fatal("Decode modified its input")
		}
	})
}

// TestTopicConcurrent: goroutines encoding and decoding both types, under
// both framings, from a cold cache, agree (run with -race).
func TestTopicConcurrent(t *testing.T) {
	ctx := context.Background()
	mem := newMemRegistry()
	codecs := []*TopicCodec[testEvent]{
		mustTopicCodec(t, New(mem), CodecOptions{Topic: "t", Strategy: TopicRecordName, AutoRegister: true}, testTopicTypes()),
		mustTopicCodec(t, New(mem), CodecOptions{Topic: "t", AutoRegister: true}, testTopicTypes()),
	}
	done := make(chan error)
	const workers = 8
	for w := 0; w < workers; w++ {
		go func(w int) {
			c := codecs[w%2]
			for i := 0; i < 50; i++ {
				in := []testEvent{&testOrder, &testPayment}[(w+i)%2]
				frame, err := c.Encode(ctx, in)
				if err != nil {
					done <- err
					return
				}
				var out testEvent
				if err := codecs[(w+i)%2].Decode(ctx, frame, &out); err != nil {
					done <- err
					return
				}
				if !reflect.DeepEqual(out, in) {
					done <- errors.New("decoded another value")
					return
				}
			}
			done <- nil
		}(w)
	}
	for w := 0; w < workers; w++ {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}

// renamedPayment is Payment v1 renamed, with the old name as an alias.
type renamedPayment struct{ paymentV1 }

func (*renamedPayment) AvroSchema() string {
	return `{"type":"record","name":"Settlement","namespace":"com.acme.test","aliases":["Payment"],"fields":[{"name":"id","type":"string"},{"name":"amount","type":"long"}]}`
}

// TestTopicAlias: a writer named by a member's alias is read as that member.
func TestTopicAlias(t *testing.T) {
	ctx := context.Background()
	mem := newMemRegistry()
	old := mustCodec[paymentV1](t, New(mem), CodecOptions{Topic: "t", Strategy: TopicRecordName, AutoRegister: true})
	frame, err := old.Encode(ctx, &paymentV1{ID: "p", Amount: 5})
	if err != nil {
		t.Fatal(err)
	}
	c := mustTopicCodec(t, New(mem), CodecOptions{Topic: "t"}, TopicTypes[testEvent]{Members: []TopicMember[testEvent]{
		Member[testEvent, order](), Member[testEvent, renamedPayment]()}})
	var out testEvent
	if err := c.Decode(ctx, frame, &out); err != nil {
		t.Fatal(err)
	}
	if r, ok := out.(*renamedPayment); !ok || r.ID != "p" || r.Amount != 5 {
		t.Errorf("decoded %#v, want the renamed type", out)
	}
}

// BenchmarkTopicDecode compares a warm TopicCodec decode, record and union
// writer, with the single-type Codec's on the same frame.
func BenchmarkTopicDecode(b *testing.B) {
	ctx := context.Background()
	mem := newMemRegistry()
	single := mustCodec[paymentV2](b, New(mem), CodecOptions{Topic: "t", Strategy: TopicRecordName, AutoRegister: true})
	frame, _ := single.Encode(ctx, &testPayment)
	topic := mustTopicCodec(b, New(mem), CodecOptions{Topic: "t", Strategy: TopicRecordName}, testTopicTypes())
	union := mustTopicCodec(b, New(mem), CodecOptions{Topic: "t", AutoRegister: true}, testTopicTypes())
	unionFrame, err := union.Encode(ctx, &testPayment)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("codec", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			v := new(paymentV2) // as the topic codec must: a new value per event
			if err := single.Decode(ctx, frame, v); err != nil {
				b.Fatal(err)
			}
		}
	})
	for _, bc := range []struct {
		name  string
		c     *TopicCodec[testEvent]
		frame []byte
	}{{"topic-record", topic, frame}, {"topic-union", union, unionFrame}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			var out testEvent
			for i := 0; i < b.N; i++ {
				if err := bc.c.Decode(ctx, bc.frame, &out); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestTopicGUIDAndHeaders: a TopicCodec reads what a Codec reads: frames
// naming their schema by GUID (magic byte 1), and ids in the schema id
// header with a plain Avro payload, for record and union writers.
func TestTopicGUIDAndHeaders(t *testing.T) {
	ctx := context.Background()
	mem := newMemRegistry()
	orderID, _ := mem.RegisterSchema(ctx, "t-com.acme.test.Order", Schema{Schema: orderSchema})
	unionID, _ := mem.RegisterSchema(ctx, "t-value", Schema{Schema: testTopicTypes().Union})
	c := mustTopicCodec(t, New(mem), CodecOptions{Topic: "t"}, testTopicTypes())
	orderGUID := memGUID(SubjectSchema{Schema: orderSchema})
	unionGUID := memGUID(SubjectSchema{Schema: testTopicTypes().Union})
	ob, _ := testOrder.AppendAvro(nil)
	pb, _ := testPayment.AppendAvro(nil)
	unionBody := append([]byte{2}, pb...) // branch 1
	for _, tc := range []struct {
		name    string
		header  []byte // the __value_schema_id header; nil: none
		payload []byte
		want    testEvent
	}{
		{"GUID frame, record", nil, append(AppendGUIDHeader(nil, orderGUID), ob...), &testOrder},
		{"GUID frame, union", nil, append(AppendGUIDHeader(nil, unionGUID), unionBody...), &testPayment},
		{"id header, record", AppendHeader(nil, orderID), ob, &testOrder},
		{"GUID header, union", AppendGUIDHeader(nil, unionGUID), unionBody, &testPayment},
		{"no header, union frame", nil, append(AppendHeader(nil, unionID), unionBody...), &testPayment},
	} {
		decodes := map[string]func(*testEvent) error{"DecodeWithHeaders": func(out *testEvent) error {
			if tc.header == nil {
				return c.DecodeWithHeaders(ctx, headersOf(), tc.payload, out)
			}
			return c.DecodeWithHeaders(ctx, headersOf(Header{ValueSchemaIDHeader, tc.header}), tc.payload, out)
		}}
		if tc.header == nil {
			decodes["Decode"] = func(out *testEvent) error { return c.Decode(ctx, tc.payload, out) }
		}
		for name, decode := range decodes {
			var out testEvent
			if err := decode(&out); err != nil || !reflect.DeepEqual(out, tc.want) {
				t.Errorf("%s, %s: %#v, %v; want %#v", tc.name, name, out, err, tc.want)
			}
		}
	}
	// Errors name the header and keep the payload.
	var de *DecodeError
	err := c.DecodeWithHeaders(ctx, headersOf(Header{ValueSchemaIDHeader, []byte{7}}), ob, new(testEvent))
	if !errors.As(err, &de) || de.Header != ValueSchemaIDHeader || !bytes.Equal(de.Data, ob) || !errors.Is(err, ErrMagicByte) {
		t.Errorf("bad header: %v", err)
	}
	err = c.Decode(ctx, append(AppendGUIDHeader(nil, GUID{9}), ob...), new(testEvent))
	if !errors.As(err, &de) || de.GUID != (GUID{9}).String() || !errors.Is(err, ErrUnknownSchema) {
		t.Errorf("unknown GUID: %v", err)
	}
}
