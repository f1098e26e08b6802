package bench

import (
	"fmt"

	hamba "github.com/hamba/avro/v2"
	twmb "github.com/twmb/avro"
	"github.com/twmb/franz-go/pkg/sr"
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
	return []Codec{
		&avroctlSerdeCodec{},
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

// avroctlSerdeCodec stands for the serde of avroctl's generated events
// module (issue 6), which does not exist yet.
type avroctlSerdeCodec struct{}

func (c *avroctlSerdeCodec) Name() string { return "avroctl" }
func (c *avroctlSerdeCodec) Skip() string {
	return "avroctl's events-module serde (issue 6) is not written yet"
}
func (c *avroctlSerdeCodec) Load(*Order) error                 { return errNotGenerated }
func (c *avroctlSerdeCodec) Encode(dst []byte) ([]byte, error) { return dst, errNotGenerated }
func (c *avroctlSerdeCodec) Decode([]byte) error               { return errNotGenerated }
func (c *avroctlSerdeCodec) Order() (*Order, error)            { return nil, errNotGenerated }
