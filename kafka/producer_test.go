package kafka

import (
	"context"
	"errors"
	"strings"
	"testing"
)

func TestProducerWritesKeyFrameAndCloudEventsHeaders(t *testing.T) {
	brokers := cluster(t, 1, "orders")
	produce(t, brokers, "orders", newEvent("e-1", "order-1", 1))
	r := readAll(t, brokers, "orders", 1)[0]
	if string(r.Key) != "order-1" {
		t.Errorf("key = %q, want order-1", r.Key)
	}
	if id, ok := SchemaID(r.Value); !ok || id != 7 {
		t.Errorf("value frame schema id = %d, %v; want 7", id, ok)
	}
	want := map[string]string{
		HeaderSpecVersion: "1.0", HeaderID: "e-1", HeaderSource: "test-service",
		HeaderType: "com.acme.test.TestEvent", HeaderTime: "2026-11-27T14:15:16.789Z",
		HeaderContentType: "application/avro",
	}
	for k, v := range want {
		got, ok := HeaderValue(r.Headers, k)
		if !ok || string(got) != v {
			t.Errorf("header %s = %q (present %v), want %q", k, got, ok, v)
		}
	}
	if len(r.Headers) != len(want) {
		t.Errorf("%d headers, want %d: %v", len(r.Headers), len(want), r.Headers)
	}
}

func TestProducerKeyFunctionAndSyncSend(t *testing.T) {
	brokers := cluster(t, 3, "orders")
	ctx := context.Background()
	p, err := NewProducer(ctx, Encoder[testEvent](&jsonCodec{id: 7}), ProducerOptions[testEvent]{
		Config: Config{Brokers: brokers}, Topic: "orders",
		Key: func(e *testEvent) ([]byte, error) { return []byte("k-" + e.OrderID), nil },
	})
	if err != nil {
		t.Fatal(err)
	}
	d, err := p.Send(ctx, newEvent("e-1", "o", 1))
	if err != nil {
		t.Fatal(err)
	}
	if d.Topic != "orders" || d.Offset != 0 {
		t.Errorf("delivery %+v, want orders offset 0", d)
	}
	if err := p.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Send(ctx, newEvent("e-2", "o", 2)); !errors.Is(err, ErrClosed) {
		t.Errorf("Send after Close: %v, want ErrClosed", err)
	}
	r := readAll(t, brokers, "orders", 1)[0]
	if string(r.Key) != "k-o" {
		t.Errorf("key = %q, want k-o", r.Key)
	}
}

func TestNewProducerErrors(t *testing.T) {
	ctx := context.Background()
	brokers := []string{"127.0.0.1:1"}
	for _, c := range []struct {
		name string
		enc  *jsonCodec
		opts ProducerOptions[testEvent]
		want string
	}{
		{"no topic", &jsonCodec{}, ProducerOptions[testEvent]{Config: Config{Brokers: brokers}}, "Topic is empty"},
		{"no brokers", &jsonCodec{}, ProducerOptions[testEvent]{Topic: "t"}, "Brokers is empty"},
		{"bad key field", &jsonCodec{}, ProducerOptions[testEvent]{Config: Config{Brokers: brokers}, Topic: "t", KeyField: "customerId"}, `no field "customerId"`},
		{"key field of a struct", &jsonCodec{}, ProducerOptions[testEvent]{Config: Config{Brokers: brokers}, Topic: "t", KeyField: "metadata"}, "cannot be a key"},
		{"both keys", &jsonCodec{}, ProducerOptions[testEvent]{Config: Config{Brokers: brokers}, Topic: "t", KeyField: "orderId",
			Key: func(*testEvent) ([]byte, error) { return nil, nil }}, "not both"},
		{"schema not registered", &jsonCodec{idErr: errUnknownSchema}, ProducerOptions[testEvent]{Config: Config{Brokers: brokers}, Topic: "t"}, "unknown schema"},
	} {
		_, err := NewProducer(ctx, Encoder[testEvent](c.enc), c.opts)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want it to say %q", c.name, err, c.want)
		}
	}
	if _, err := NewProducer(ctx, Encoder[testEvent](nil), ProducerOptions[testEvent]{Config: Config{Brokers: brokers}, Topic: "t"}); err == nil {
		t.Error("nil Encoder accepted")
	}
	if _, err := NewProducer(ctx, Encoder[noMeta](stubEncoder[noMeta]{}), ProducerOptions[noMeta]{Config: Config{Brokers: brokers}, Topic: "t"}); err == nil || !strings.Contains(err.Error(), "ProducerOptions.Event") {
		t.Errorf("type without metadata: err = %v, want a hint at ProducerOptions.Event", err)
	}
}

func TestProducerRefusesEmptyEventID(t *testing.T) {
	brokers := cluster(t, 1, "orders")
	ctx := context.Background()
	p, err := NewProducer(ctx, Encoder[testEvent](&jsonCodec{id: 7}), ProducerOptions[testEvent]{Config: Config{Brokers: brokers}, Topic: "orders"})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close(ctx)
	if _, err := p.Send(ctx, newEvent("", "o", 1)); err == nil || !strings.Contains(err.Error(), "empty event id") {
		t.Errorf("err = %v, want an empty event id error", err)
	}
}

type noMeta struct{ X string }

type stubEncoder[T any] struct{}

func (stubEncoder[T]) ID(context.Context) (int, error) { return 1, nil }
func (stubEncoder[T]) FullName() string                { return "Stub" }
func (stubEncoder[T]) AppendEncode(_ context.Context, dst []byte, _ *T) ([]byte, error) {
	return dst, nil
}
