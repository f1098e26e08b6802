package bench

import (
	"bytes"
	"fmt"
	"slices"

	"github.com/actgardner/gogen-avro/v10/compiler"
	"github.com/actgardner/gogen-avro/v10/vm"

	"gitlab.com/acme/avroctl/bench/internal/gogen"
)

// gogenCodec is the code gogen-avro v10.2.1 generates (internal/gogen).
//
// gogen-avro ignores logical types, so timestamps are int64 millis, decimals
// raw two's-complement bytes and the uuid a plain string; the conversions
// live in Load and Order, outside the timed loop.
//
// It is given its best case: Serialize writes through appendWriter straight
// into dst (no bytes.Buffer copy), and Decode runs a program compiled once.
// The generated DeserializeOrder would recompile the schema on every call,
// which no one who measures would ship.
type gogenCodec struct {
	prog *vm.Program
	v    gogen.Order
	w    appendWriter
	r    bytes.Reader
}

func newGogenCodec() (Codec, error) {
	s := []byte(gogen.NewOrder().Schema())
	prog, err := compiler.CompileSchemaBytes(s, s)
	if err != nil {
		return nil, codecError("gogen", "compile schema", err)
	}
	return &gogenCodec{prog: prog}, nil
}

func (c *gogenCodec) Name() string { return "gogen" }

func (c *gogenCodec) Load(o *Order) error {
	v := gogen.NewOrder()
	v.Order_id = o.OrderID
	v.Customer_id = o.CustomerID
	v.Created_at = o.CreatedAtMillis
	idx, err := statusIndex(o.Status)
	if err != nil {
		return err
	}
	v.Status = gogen.OrderStatus(idx)
	for _, it := range o.Items {
		v.Items = append(v.Items, gogen.LineItem{
			Sku:        it.SKU,
			Name:       it.Name,
			Quantity:   it.Quantity,
			Unit_price: decimalBytes(it.UnitPriceCents),
			Gift_wrap:  it.GiftWrap,
		})
	}
	v.Total = decimalBytes(o.TotalCents)
	v.Currency = o.Currency
	v.Shipping_address = gogen.Address{
		Line1:        o.ShippingAddress.Line1,
		Line2:        gogenOptionalString(o.ShippingAddress.Line2),
		City:         o.ShippingAddress.City,
		Postal_code:  o.ShippingAddress.PostalCode,
		Country_code: o.ShippingAddress.CountryCode,
	}
	for k, s := range o.Attributes {
		v.Attributes[k] = s
	}
	v.Weight_kg = o.WeightKg
	v.Coupon = gogenOptionalString(o.Coupon)
	v.Note = gogenOptionalString(o.Note)
	c.v = v
	return nil
}

func (c *gogenCodec) Encode(dst []byte) ([]byte, error) {
	c.w.b = dst
	err := c.v.Serialize(&c.w)
	dst, c.w.b = c.w.b, nil
	return dst, err
}

func (c *gogenCodec) Decode(src []byte) error {
	c.v = gogen.NewOrder()
	c.r.Reset(src)
	if err := vm.Eval(&c.r, c.prog, &c.v); err != nil {
		return err
	}
	if n := c.r.Len(); n != 0 {
		return fmt.Errorf("%d trailing bytes after the record", n)
	}
	return nil
}

func (c *gogenCodec) Order() (*Order, error) {
	v := &c.v
	status, err := statusSymbol(int(v.Status))
	if err != nil {
		return nil, err
	}
	total, err := decimalFromBytes(v.Total)
	if err != nil {
		return nil, err
	}
	o := &Order{
		OrderID:         v.Order_id,
		CustomerID:      v.Customer_id,
		CreatedAtMillis: v.Created_at,
		Status:          status,
		TotalCents:      total,
		Currency:        v.Currency,
		ShippingAddress: Address{
			Line1:       v.Shipping_address.Line1,
			Line2:       gogenStringPtr(v.Shipping_address.Line2),
			City:        v.Shipping_address.City,
			PostalCode:  v.Shipping_address.Postal_code,
			CountryCode: v.Shipping_address.Country_code,
		},
		Attributes: cloneMap(v.Attributes),
		WeightKg:   v.Weight_kg,
		Coupon:     gogenStringPtr(v.Coupon),
		Note:       gogenStringPtr(v.Note),
	}
	for _, it := range v.Items {
		price, err := decimalFromBytes(it.Unit_price)
		if err != nil {
			return nil, err
		}
		o.Items = append(o.Items, LineItem{
			SKU:            it.Sku,
			Name:           it.Name,
			Quantity:       it.Quantity,
			UnitPriceCents: price,
			GiftWrap:       it.Gift_wrap,
		})
	}
	return o, nil
}

func gogenOptionalString(s *string) *gogen.UnionNullString {
	if s == nil {
		return nil
	}
	return &gogen.UnionNullString{String: *s, UnionType: gogen.UnionNullStringTypeEnumString}
}

func gogenStringPtr(u *gogen.UnionNullString) *string {
	if u == nil || u.UnionType != gogen.UnionNullStringTypeEnumString {
		return nil
	}
	s := u.String
	return &s
}

// appendWriter appends to a byte slice. It implements the ByteWriter and
// StringWriter interfaces gogen-avro's vm looks for, so the generated
// Serialize neither allocates scratch buffers nor converts strings.
type appendWriter struct{ b []byte }

func (w *appendWriter) Write(p []byte) (int, error) {
	w.b = append(w.b, p...)
	return len(p), nil
}

func (w *appendWriter) WriteString(s string) (int, error) {
	w.b = append(w.b, s...)
	return len(s), nil
}

func (w *appendWriter) WriteByte(c byte) error {
	w.b = append(w.b, c)
	return nil
}

func (w *appendWriter) Grow(n int) { w.b = slices.Grow(w.b, n) }
