package e2e

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/twmb/franz-go/pkg/kgo"

	"gitlab.com/acme/avroctl/events/v2/payments"
	"gitlab.com/acme/avroctl/events/v2/serde"
	"gitlab.com/acme/avroctl/kafka"
)

// BenchmarkKafkaClientCPU is the per-event CPU each way spends in the
// client, without a broker: building the record to produce (typed:
// kafka.Producer.Record, which SendAsync runs before handing the record
// to franz-go; srserde: sr.Serde.Encode and the key; raw: the record
// around precomputed bytes) and decoding a consumed value. On a machine
// where the broker shares the cores, this CPU is taken from the broker,
// which is why it shows in BenchmarkKafkaEndToEnd's events/s.
func BenchmarkKafkaClientCPU(b *testing.B) {
	e := getCPUEnv(b)
	ctx := context.Background()
	sd, err := srSerde(ctx, e.env)
	if err != nil {
		b.Fatal(err)
	}
	codec, err := e.typedCodec()
	if err != nil {
		b.Fatal(err)
	}
	prod, err := kafka.NewProducer(ctx, kafka.Encoder[payments.PaymentValidated](codec),
		kafka.ProducerOptions[payments.PaymentValidated]{Client: e.cpuCl, Topic: "payments", KeyField: "orderId"})
	if err != nil {
		b.Fatal(err)
	}
	// The same producer without the two costs Record can be spared from
	// outside: reflection (Key and Event given as plain functions) and
	// encoding into a nil slice (sizedEncoder). What is left is the
	// CloudEvents headers' allocations and ce_time's time.AppendFormat.
	hinted, err := kafka.NewProducer(ctx, kafka.Encoder[payments.PaymentValidated](sizedEncoder{codec}),
		kafka.ProducerOptions[payments.PaymentValidated]{Client: e.cpuCl, Topic: "payments",
			Key: func(v *payments.PaymentValidated) ([]byte, error) { return v.OrderID.AppendText(nil) },
			Event: func(v *payments.PaymentValidated) (kafka.Event, error) {
				return kafka.Event{ID: v.Metadata.EventID.String(), Source: v.Metadata.Producer, Time: v.Metadata.OccurredAt}, nil
			}})
	if err != nil {
		b.Fatal(err)
	}
	var sink *kgo.Record
	b.Run("produce/typed", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			r, err := prod.Record(ctx, &e.typed[i%poolSize])
			if err != nil {
				b.Fatal(err)
			}
			sink = r
		}
	})
	b.Run("produce/typed-hinted", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			r, err := hinted.Record(ctx, &e.typed[i%poolSize])
			if err != nil {
				b.Fatal(err)
			}
			sink = r
		}
	})
	b.Run("produce/raw", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			pr := &e.records[i%poolSize]
			sink = &kgo.Record{Key: pr.Key, Value: pr.Value, Headers: pr.Headers}
		}
	})
	b.Run("produce/srserde", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			v := &e.hambas[i%poolSize]
			value, err := sd.Encode(v)
			if err != nil {
				b.Fatal(err)
			}
			sink = &kgo.Record{Key: []byte(v.OrderID), Value: value, Headers: e.records[i%poolSize].Headers}
		}
	})
	_ = sink
	b.Run("consume/typed", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			var v payments.PaymentValidated
			if err := codec.Decode(ctx, e.records[i%poolSize].Value, &v); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("consume/raw", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			if v := e.records[i%poolSize].Value; len(v) < 5 || v[0] != 0 {
				b.Fatal("not a frame")
			}
		}
	})
	b.Run("consume/srserde", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			var v hambaPayment
			if err := sd.Decode(e.records[i%poolSize].Value, &v); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// sizedEncoder is the typed codec given a buffer with room for the frame
// (Producer.Record passes nil, so the encoding grows its slice 5 times).
type sizedEncoder struct {
	*serde.Codec[payments.PaymentValidated, *payments.PaymentValidated]
}

func (s sizedEncoder) AppendEncode(ctx context.Context, dst []byte, v *payments.PaymentValidated) ([]byte, error) {
	if dst == nil {
		dst = make([]byte, 0, 256)
	}
	return s.Codec.AppendEncode(ctx, dst, v)
}

// cpuEnv is env without a broker: the registry and the events, and a
// client that is never asked to connect.
type cpuEnv struct {
	*env
	cpuCl *kgo.Client
}

var (
	cpuOnce sync.Once
	cpuVal  *cpuEnv
	cpuErr  error
)

func getCPUEnv(tb testing.TB) *cpuEnv {
	tb.Helper()
	cpuOnce.Do(func() {
		cl, err := kgo.NewClient(kgo.SeedBrokers("127.0.0.1:1"))
		if err != nil {
			cpuErr = err
			return
		}
		closers = append(closers, cl.Close)
		e := &cpuEnv{env: &env{}, cpuCl: cl}
		if err := e.startRegistryAndPool(context.Background(), cl); err != nil {
			cpuErr = errors.Join(errors.New("registry and events"), err)
			return
		}
		cpuVal = e
	})
	if cpuErr != nil {
		tb.Fatal(cpuErr)
	}
	return cpuVal
}
