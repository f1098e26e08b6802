package bench

import (
	"context"
	"fmt"

	hamba "github.com/hamba/avro/v2"
	twmb "github.com/twmb/avro"
	"github.com/twmb/franz-go/pkg/sr"

	"gitlab.com/acme/avroctl/bench/internal/avroctlgen/orders"
	"gitlab.com/acme/avroctl/bench/internal/avroctlgen/serde"
)

// SerdeSchemaID is the registry ID the serde benchmarks frame messages with.
const SerdeSchemaID = 1

// SerdeCodecs returns the registry-framed codecs: a Codec whose bytes carry
// the Confluent wire header (magic byte 0, big-endian schema ID) before the
// Avro body. avroctl's events-module serde comes first; it is a Skipper until
// the events module has one.
func SerdeCodecs() ([]Codec, error) {
	hs, err := hamba.Parse(OrderSchema)
	if err != nil {
		return nil, codecError("sr+hamba", "parse schema", err)
	}
	ts, err := twmb.Parse(OrderSchema)
	if err != nil {
		return nil, codecError("sr+twmb", "parse schema", err)
	}

	// The encode/decode functions are the ones franz-go's sr documentation
	// suggests for each library: hamba has no append API, so it registers
	// EncodeFn and sr copies the result after the header; twmb registers
	// AppendEncodeFn and writes straight after the header.
	withHamba := sr.NewSerde()
	withHamba.Register(SerdeSchemaID, &TaggedOrder{},
		sr.EncodeFn(func(v any) ([]byte, error) { return hambaAPI.Marshal(hs, v) }),
		sr.DecodeFn(func(b []byte, v any) error { return hambaAPI.Unmarshal(hs, b, v) }),
	)
	withTwmb := sr.NewSerde()
	withTwmb.Register(SerdeSchemaID, &TaggedOrder{},
		sr.AppendEncodeFn(func(b []byte, v any) ([]byte, error) { return ts.AppendEncode(b, v) }),
		sr.DecodeFn(func(b []byte, v any) error {
			rest, err := ts.Decode(b, v)
			if err == nil && len(rest) != 0 {
				return fmt.Errorf("%d trailing bytes after the record", len(rest))
			}
			return err
		}),
	)
	withAvroctl, err := newAvroctlSerdeCodec()
	if err != nil {
		return nil, err
	}
	return []Codec{
		withAvroctl,
		&srCodec{name: "franz-sr+hamba", serde: withHamba},
		&srCodec{name: "franz-sr+twmb", serde: withTwmb},
	}, nil
}

// srCodec is franz-go's sr.Serde around one codec library, on the tagged
// struct both libraries accept.
type srCodec struct {
	name  string
	serde *sr.Serde
	v     TaggedOrder
}

func (c *srCodec) Name() string { return c.name }

func (c *srCodec) Load(o *Order) error {
	c.v = *newTaggedOrder(o)
	return nil
}

func (c *srCodec) Encode(dst []byte) ([]byte, error) { return c.serde.AppendEncode(dst, &c.v) }

func (c *srCodec) Decode(src []byte) error {
	c.v = TaggedOrder{}
	return c.serde.Decode(src, &c.v)
}

func (c *srCodec) Order() (*Order, error) { return c.v.order() }

// avroctlSerdeCodec is the serde runtime avroctl copies into generated
// modules (gen/golang/runtime/serde) around the generated Order: a Codec
// framing the same AppendAvro/UnmarshalAvro the raw avroctl codec runs. Its
// registry is static (one schema, SerdeSchemaID), like the franz-go
// serdes', so the benchmark measures the framing and the schema id and plan
// lookups of a warm codec, not a registry.
type avroctlSerdeCodec struct {
	avroctlCodec
	codec *serde.Codec[orders.Order, *orders.Order]
}

func newAvroctlSerdeCodec() (*avroctlSerdeCodec, error) {
	c, err := serde.NewCodec[orders.Order](serde.New(staticRegistry{}), serde.CodecOptions{Subject: "orders-value"})
	if err != nil {
		return nil, codecError("avroctl", "serde codec", err)
	}
	return &avroctlSerdeCodec{codec: c}, nil
}

func (c *avroctlSerdeCodec) Encode(dst []byte) ([]byte, error) {
	return c.codec.AppendEncode(context.Background(), dst, &c.v)
}

func (c *avroctlSerdeCodec) Decode(src []byte) error {
	return c.codec.Decode(context.Background(), src, &c.v)
}

// staticRegistry is a Schema Registry holding OrderSchema as
// SerdeSchemaID under every subject.
type staticRegistry struct{}

func (staticRegistry) SchemaByID(_ context.Context, id int) (serde.SubjectSchema, error) {
	if id != SerdeSchemaID {
		return serde.SubjectSchema{}, fmt.Errorf("schema id %d not found", id)
	}
	return serde.SubjectSchema{ID: id, Schema: OrderSchema}, nil
}

func (staticRegistry) SchemaByVersion(_ context.Context, subject string, version int) (serde.SubjectSchema, error) {
	return serde.SubjectSchema{Subject: subject, Version: 1, ID: SerdeSchemaID, Schema: OrderSchema}, nil
}

func (r staticRegistry) LookupSchema(ctx context.Context, subject string, _ serde.Schema) (serde.SubjectSchema, error) {
	return r.SchemaByVersion(ctx, subject, 1)
}

func (staticRegistry) RegisterSchema(context.Context, string, serde.Schema) (int, error) {
	return SerdeSchemaID, nil
}
