package bench

import (
	"fmt"
	"time"

	"gitlab.com/acme/avroctl/bench/internal/avroctlgen/avro"
	"gitlab.com/acme/avroctl/bench/internal/avroctlgen/orders"
)

// avroctlCodec is the code avroctl's generator (gen/golang) emits for
// order.avsc, committed in internal/avroctlgen: AppendAvro appends to dst
// and UnmarshalAvro resets the value and decodes straight-line code.
//
// Type mapping: uuid is avro.UUID ([16]byte), timestamp-millis time.Time,
// decimal avro.Decimal (an int64 unscaled value, big.Int only beyond it, and a scale), the enum a string type,
// ["null","string"] *string.
type avroctlCodec struct {
	v orders.Order
}

func newAvroctlCodec() (Codec, error) { return &avroctlCodec{}, nil }

func (c *avroctlCodec) Name() string { return "avroctl" }

func (c *avroctlCodec) Load(o *Order) error {
	id, err := avro.ParseUUID(o.OrderID)
	if err != nil {
		return err
	}
	v := orders.Order{
		OrderID:    id,
		CustomerID: o.CustomerID,
		CreatedAt:  time.UnixMilli(o.CreatedAtMillis).UTC(),
		Status:     orders.OrderStatus(o.Status),
		Items:      make([]orders.LineItem, len(o.Items)),
		Total:      avro.NewDecimal(o.TotalCents, decimalScale),
		Currency:   o.Currency,
		ShippingAddress: orders.Address{
			Line1:       o.ShippingAddress.Line1,
			Line2:       cloneString(o.ShippingAddress.Line2),
			City:        o.ShippingAddress.City,
			PostalCode:  o.ShippingAddress.PostalCode,
			CountryCode: o.ShippingAddress.CountryCode,
		},
		Attributes: cloneMap(o.Attributes),
		WeightKg:   o.WeightKg,
		Coupon:     cloneString(o.Coupon),
		Note:       cloneString(o.Note),
	}
	for i, it := range o.Items {
		v.Items[i] = orders.LineItem{
			SKU:       it.SKU,
			Name:      it.Name,
			Quantity:  it.Quantity,
			UnitPrice: avro.NewDecimal(it.UnitPriceCents, decimalScale),
			GiftWrap:  it.GiftWrap,
		}
	}
	c.v = v
	return nil
}

func (c *avroctlCodec) Encode(dst []byte) ([]byte, error) { return c.v.AppendAvro(dst) }

func (c *avroctlCodec) Decode(src []byte) error { return c.v.UnmarshalAvro(src) }

func (c *avroctlCodec) Order() (*Order, error) {
	v := &c.v
	total, err := avroctlCents(v.Total)
	if err != nil {
		return nil, err
	}
	o := &Order{
		OrderID:         v.OrderID.String(),
		CustomerID:      v.CustomerID,
		CreatedAtMillis: v.CreatedAt.UnixMilli(),
		Status:          string(v.Status),
		Items:           make([]LineItem, len(v.Items)),
		TotalCents:      total,
		Currency:        v.Currency,
		ShippingAddress: Address{
			Line1:       v.ShippingAddress.Line1,
			Line2:       cloneString(v.ShippingAddress.Line2),
			City:        v.ShippingAddress.City,
			PostalCode:  v.ShippingAddress.PostalCode,
			CountryCode: v.ShippingAddress.CountryCode,
		},
		Attributes: cloneMap(v.Attributes),
		WeightKg:   v.WeightKg,
		Coupon:     cloneString(v.Coupon),
		Note:       cloneString(v.Note),
	}
	for i, it := range v.Items {
		price, err := avroctlCents(it.UnitPrice)
		if err != nil {
			return nil, err
		}
		o.Items[i] = LineItem{
			SKU:            it.SKU,
			Name:           it.Name,
			Quantity:       it.Quantity,
			UnitPriceCents: price,
			GiftWrap:       it.GiftWrap,
		}
	}
	return o, nil
}

// avroctlCents converts a decoded avro.Decimal to unscaled cents.
func avroctlCents(d avro.Decimal) (int64, error) {
	d, err := d.Rescale(decimalScale)
	if err != nil {
		return 0, err
	}
	v, ok := d.Int64()
	if !ok {
		return 0, fmt.Errorf("decimal %s does not fit in 64 bits", d)
	}
	return v, nil
}
