package bench

import (
	"fmt"

	"github.com/twmb/avro"
)

// twmbCodec is github.com/twmb/avro on the same tagged struct as hamba, with
// its append-style Schema.AppendEncode and Schema.Decode.
type twmbCodec struct {
	schema *avro.Schema
	v      TaggedOrder
}

func newTwmbCodec() (Codec, error) {
	s, err := avro.Parse(OrderSchema)
	if err != nil {
		return nil, codecError("twmb", "parse schema", err)
	}
	return &twmbCodec{schema: s}, nil
}

func (c *twmbCodec) Name() string { return "twmb" }

func (c *twmbCodec) Load(o *Order) error {
	c.v = *newTaggedOrder(o)
	return nil
}

func (c *twmbCodec) Encode(dst []byte) ([]byte, error) {
	return c.schema.AppendEncode(dst, &c.v)
}

func (c *twmbCodec) Decode(src []byte) error {
	c.v = TaggedOrder{}
	rest, err := c.schema.Decode(src, &c.v)
	if err == nil && len(rest) != 0 {
		return fmt.Errorf("%d trailing bytes after the record", len(rest))
	}
	return err
}

func (c *twmbCodec) Order() (*Order, error) { return c.v.order() }
