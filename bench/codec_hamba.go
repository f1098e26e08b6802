package bench

import (
	"github.com/hamba/avro/v2"
)

// hambaAPI is hamba's default configuration except DisableBlockSizeHeader.
// By default hamba writes each array and map block as a negative count plus
// a byte size, which the spec allows but Java's BinaryEncoder, avroctl and
// the other peers do not do; with the header on, hamba's bytes differ (4
// bytes longer for SampleOrder) and it does extra work to back-patch sizes.
// Turning it off makes every codec write identical bytes.
var hambaAPI = avro.Config{DisableBlockSizeHeader: true}.Freeze()

// hambaCodec is github.com/hamba/avro/v2 used as its README shows: a parsed
// schema plus Marshal / Unmarshal on a tagged struct.
//
// Marshal returns a new slice (it borrows a pooled writer and copies
// out), so Encode pays that copy plus the append into dst; there is no
// append-style API short of managing an avro.Writer by hand.
type hambaCodec struct {
	schema avro.Schema
	v      TaggedOrder
}

func newHambaCodec() (Codec, error) {
	s, err := avro.Parse(OrderSchema)
	if err != nil {
		return nil, codecError("hamba", "parse schema", err)
	}
	return &hambaCodec{schema: s}, nil
}

func (c *hambaCodec) Name() string { return "hamba" }

func (c *hambaCodec) Load(o *Order) error {
	c.v = *newTaggedOrder(o)
	return nil
}

func (c *hambaCodec) Encode(dst []byte) ([]byte, error) {
	b, err := hambaAPI.Marshal(c.schema, &c.v)
	if err != nil {
		return dst, err
	}
	return append(dst, b...), nil
}

func (c *hambaCodec) Decode(src []byte) error {
	c.v = TaggedOrder{}
	return hambaAPI.Unmarshal(c.schema, src, &c.v)
}

func (c *hambaCodec) Order() (*Order, error) { return c.v.order() }
