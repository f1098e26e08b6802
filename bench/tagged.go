package bench

import (
	"math/big"
	"time"
)

// TaggedOrder is the struct a hamba or twmb user writes for order.avsc: avro
// struct tags and each library's documented logical-type mapping (time.Time
// for timestamp-millis, *big.Rat for decimal, *string for ["null","string"]).
// Both libraries accept this same struct, so they are measured on equal
// terms.
type TaggedOrder struct {
	OrderID         string            `avro:"order_id"`
	CustomerID      int64             `avro:"customer_id"`
	CreatedAt       time.Time         `avro:"created_at"`
	Status          string            `avro:"status"`
	Items           []TaggedLineItem  `avro:"items"`
	Total           *big.Rat          `avro:"total"`
	Currency        string            `avro:"currency"`
	ShippingAddress TaggedAddress     `avro:"shipping_address"`
	Attributes      map[string]string `avro:"attributes"`
	WeightKg        float64           `avro:"weight_kg"`
	Coupon          *string           `avro:"coupon"`
	Note            *string           `avro:"note"`
}

// TaggedLineItem is LineItem for hamba and twmb.
type TaggedLineItem struct {
	SKU       string   `avro:"sku"`
	Name      string   `avro:"name"`
	Quantity  int32    `avro:"quantity"`
	UnitPrice *big.Rat `avro:"unit_price"`
	GiftWrap  bool     `avro:"gift_wrap"`
}

// TaggedAddress is Address for hamba and twmb.
type TaggedAddress struct {
	Line1       string  `avro:"line1"`
	Line2       *string `avro:"line2"`
	City        string  `avro:"city"`
	PostalCode  string  `avro:"postal_code"`
	CountryCode string  `avro:"country_code"`
}

// newTaggedOrder converts an Order to a TaggedOrder.
func newTaggedOrder(o *Order) *TaggedOrder {
	t := &TaggedOrder{
		OrderID:    o.OrderID,
		CustomerID: o.CustomerID,
		CreatedAt:  time.UnixMilli(o.CreatedAtMillis).UTC(),
		Status:     o.Status,
		Items:      make([]TaggedLineItem, len(o.Items)),
		Total:      centsRat(o.TotalCents),
		Currency:   o.Currency,
		ShippingAddress: TaggedAddress{
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
		t.Items[i] = TaggedLineItem{
			SKU:       it.SKU,
			Name:      it.Name,
			Quantity:  it.Quantity,
			UnitPrice: centsRat(it.UnitPriceCents),
			GiftWrap:  it.GiftWrap,
		}
	}
	return t
}

// order converts a TaggedOrder back to an Order.
func (t *TaggedOrder) order() (*Order, error) {
	total, err := ratCents(t.Total)
	if err != nil {
		return nil, err
	}
	o := &Order{
		OrderID:         t.OrderID,
		CustomerID:      t.CustomerID,
		CreatedAtMillis: t.CreatedAt.UnixMilli(),
		Status:          t.Status,
		Items:           make([]LineItem, len(t.Items)),
		TotalCents:      total,
		Currency:        t.Currency,
		ShippingAddress: Address{
			Line1:       t.ShippingAddress.Line1,
			Line2:       cloneString(t.ShippingAddress.Line2),
			City:        t.ShippingAddress.City,
			PostalCode:  t.ShippingAddress.PostalCode,
			CountryCode: t.ShippingAddress.CountryCode,
		},
		Attributes: cloneMap(t.Attributes),
		WeightKg:   t.WeightKg,
		Coupon:     cloneString(t.Coupon),
		Note:       cloneString(t.Note),
	}
	for i, it := range t.Items {
		price, err := ratCents(it.UnitPrice)
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

func cloneString(s *string) *string {
	if s == nil {
		return nil
	}
	c := *s
	return &c
}

func cloneMap(m map[string]string) map[string]string {
	if m == nil {
		return nil
	}
	c := make(map[string]string, len(m))
	for k, v := range m {
		c[k] = v
	}
	return c
}
