package bench

import (
	"fmt"
	"math/big"
	"time"

	"github.com/linkedin/goavro/v2"
)

// goavroCodec is github.com/linkedin/goavro/v2 with its native generic
// values: records are map[string]any, non-null union values are wrapped as
// map[string]any{"string": v} (goavro.Union), logical types use time.Time and
// *big.Rat. Codec.BinaryFromNative appends to a buffer; NativeFromBinary
// always builds new maps.
type goavroCodec struct {
	codec *goavro.Codec
	v     any
}

func newGoavroCodec() (Codec, error) {
	c, err := goavro.NewCodec(OrderSchema)
	if err != nil {
		return nil, codecError("goavro", "parse schema", err)
	}
	return &goavroCodec{codec: c}, nil
}

func (c *goavroCodec) Name() string { return "goavro" }

func (c *goavroCodec) Load(o *Order) error {
	items := make([]any, len(o.Items))
	for i, it := range o.Items {
		items[i] = map[string]any{
			"sku":        it.SKU,
			"name":       it.Name,
			"quantity":   it.Quantity,
			"unit_price": centsRat(it.UnitPriceCents),
			"gift_wrap":  it.GiftWrap,
		}
	}
	attrs := make(map[string]any, len(o.Attributes))
	for k, v := range o.Attributes {
		attrs[k] = v
	}
	c.v = map[string]any{
		"order_id":    o.OrderID,
		"customer_id": o.CustomerID,
		"created_at":  time.UnixMilli(o.CreatedAtMillis).UTC(),
		"status":      o.Status,
		"items":       items,
		"total":       centsRat(o.TotalCents),
		"currency":    o.Currency,
		"shipping_address": map[string]any{
			"line1":        o.ShippingAddress.Line1,
			"line2":        goavroOptionalString(o.ShippingAddress.Line2),
			"city":         o.ShippingAddress.City,
			"postal_code":  o.ShippingAddress.PostalCode,
			"country_code": o.ShippingAddress.CountryCode,
		},
		"attributes": attrs,
		"weight_kg":  o.WeightKg,
		"coupon":     goavroOptionalString(o.Coupon),
		"note":       goavroOptionalString(o.Note),
	}
	return nil
}

func (c *goavroCodec) Encode(dst []byte) ([]byte, error) {
	return c.codec.BinaryFromNative(dst, c.v)
}

func (c *goavroCodec) Decode(src []byte) error {
	v, rest, err := c.codec.NativeFromBinary(src)
	if err != nil {
		return err
	}
	if len(rest) != 0 {
		return fmt.Errorf("%d trailing bytes after the record", len(rest))
	}
	c.v = v
	return nil
}

func (c *goavroCodec) Order() (*Order, error) {
	r, ok := c.v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("goavro: record is %T, want map[string]any", c.v)
	}
	var g goavroGetter
	o := &Order{
		OrderID:         g.str(r, "order_id"),
		CustomerID:      g.long(r, "customer_id"),
		CreatedAtMillis: g.time(r, "created_at").UnixMilli(),
		Status:          g.str(r, "status"),
		TotalCents:      g.decimal(r, "total"),
		Currency:        g.str(r, "currency"),
		WeightKg:        g.double(r, "weight_kg"),
		Coupon:          g.optionalString(r, "coupon"),
		Note:            g.optionalString(r, "note"),
	}
	for _, it := range g.array(r, "items") {
		m := g.record(it, "items[]")
		o.Items = append(o.Items, LineItem{
			SKU:            g.str(m, "sku"),
			Name:           g.str(m, "name"),
			Quantity:       g.int(m, "quantity"),
			UnitPriceCents: g.decimal(m, "unit_price"),
			GiftWrap:       g.bool(m, "gift_wrap"),
		})
	}
	a := g.record(r["shipping_address"], "shipping_address")
	o.ShippingAddress = Address{
		Line1:       g.str(a, "line1"),
		Line2:       g.optionalString(a, "line2"),
		City:        g.str(a, "city"),
		PostalCode:  g.str(a, "postal_code"),
		CountryCode: g.str(a, "country_code"),
	}
	if attrs, ok := r["attributes"].(map[string]any); ok {
		o.Attributes = make(map[string]string, len(attrs))
		for k, v := range attrs {
			s, ok := v.(string)
			if !ok {
				g.fail("attributes[%q] is %T, want string", k, v)
			}
			o.Attributes[k] = s
		}
	} else {
		g.fail("attributes is %T, want map[string]any", r["attributes"])
	}
	if g.err != nil {
		return nil, g.err
	}
	return o, nil
}

// goavroOptionalString is the goavro native form of a ["null","string"] value.
func goavroOptionalString(s *string) any {
	if s == nil {
		return nil
	}
	return goavro.Union("string", *s)
}

// goavroGetter reads typed fields out of goavro's generic maps, keeping the
// first type mismatch instead of failing at every call site.
type goavroGetter struct{ err error }

func (g *goavroGetter) fail(format string, args ...any) {
	if g.err == nil {
		g.err = fmt.Errorf("goavro: "+format, args...)
	}
}

func get[T any](g *goavroGetter, r map[string]any, key string) T {
	v, ok := r[key].(T)
	if !ok {
		var want T
		g.fail("field %q is %T, want %T", key, r[key], want)
	}
	return v
}

func (g *goavroGetter) str(r map[string]any, k string) string     { return get[string](g, r, k) }
func (g *goavroGetter) long(r map[string]any, k string) int64     { return get[int64](g, r, k) }
func (g *goavroGetter) int(r map[string]any, k string) int32      { return get[int32](g, r, k) }
func (g *goavroGetter) bool(r map[string]any, k string) bool      { return get[bool](g, r, k) }
func (g *goavroGetter) double(r map[string]any, k string) float64 { return get[float64](g, r, k) }
func (g *goavroGetter) array(r map[string]any, k string) []any    { return get[[]any](g, r, k) }
func (g *goavroGetter) time(r map[string]any, k string) time.Time { return get[time.Time](g, r, k) }

func (g *goavroGetter) decimal(r map[string]any, k string) int64 {
	cents, err := ratCents(get[*big.Rat](g, r, k))
	if err != nil {
		g.fail("field %q: %v", k, err)
	}
	return cents
}

func (g *goavroGetter) record(v any, what string) map[string]any {
	m, ok := v.(map[string]any)
	if !ok {
		g.fail("%s is %T, want map[string]any", what, v)
	}
	return m
}

func (g *goavroGetter) optionalString(r map[string]any, k string) *string {
	switch v := r[k].(type) {
	case nil:
		return nil
	case map[string]any:
		s, ok := v["string"].(string)
		if !ok || len(v) != 1 {
			g.fail("field %q is %v, want {\"string\": ...}", k, v)
			return nil
		}
		return &s
	default:
		g.fail("field %q is %T, want nil or map[string]any", k, v)
		return nil
	}
}
