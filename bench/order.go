package bench

import (
	"fmt"
	"math/big"
	"time"
)

// Order is the benchmark's event as plain logical values, independent of any
// implementation's type mapping. Each Codec converts it to and from its own
// types; comparing Orders is how the tests decide two codecs agree.
//
// Decimals are unscaled integers at the schema's scale (2): 1999 is 19.99.
// Timestamps are milliseconds since the Unix epoch, the wire value of
// timestamp-millis, so no time zone or monotonic reading can make two equal
// values compare unequal.
type Order struct {
	OrderID         string // uuid, canonical text form
	CustomerID      int64
	CreatedAtMillis int64
	Status          string // OrderStatus symbol
	Items           []LineItem
	TotalCents      int64
	Currency        string
	ShippingAddress Address
	Attributes      map[string]string
	WeightKg        float64
	Coupon          *string
	Note            *string
}

// LineItem is one line of an Order.
type LineItem struct {
	SKU            string
	Name           string
	Quantity       int32
	UnitPriceCents int64
	GiftWrap       bool
}

// Address is where an Order ships to.
type Address struct {
	Line1       string
	Line2       *string
	City        string
	PostalCode  string
	CountryCode string
}

// Statuses are the OrderStatus symbols in schema order; the position is the
// enum's wire index.
var Statuses = []string{"PENDING", "PAID", "SHIPPED", "DELIVERED", "CANCELLED"}

// decimalScale is the scale of every decimal in order.avsc.
const decimalScale = 2

// SampleOrder returns the value every benchmark encodes: a mid-sized order
// (five line items, four attributes, one optional field set, one unset),
// about 400 bytes on the wire.
func SampleOrder() *Order {
	coupon := "WINTER-SALE-10"
	line2 := "Apartment 4B"
	return &Order{
		OrderID:         "3f1c2a6e-8b4d-4c1f-9a77-52d0e9b1c0aa",
		CustomerID:      4_281_337_042,
		CreatedAtMillis: time.Date(2026, 11, 27, 14, 15, 16, 789_000_000, time.UTC).UnixMilli(),
		Status:          "PAID",
		Items: []LineItem{
			{SKU: "SKU-000123", Name: "Espresso beans, 1kg", Quantity: 2, UnitPriceCents: 2_499},
			{SKU: "SKU-004711", Name: "Ceramic cup", Quantity: 6, UnitPriceCents: 850, GiftWrap: true},
			{SKU: "SKU-020040", Name: "Burr grinder", Quantity: 1, UnitPriceCents: 18_900},
			{SKU: "SKU-000007", Name: "Descaler", Quantity: 3, UnitPriceCents: 699},
			{SKU: "SKU-031415", Name: "Milk frother (stainless steel)", Quantity: 1, UnitPriceCents: 4_550},
		},
		TotalCents: 2*2_499 + 6*850 + 18_900 + 3*699 + 4_550,
		Currency:   "EUR",
		ShippingAddress: Address{
			Line1:       "Keizersgracht 123",
			Line2:       &line2,
			City:        "Amsterdam",
			PostalCode:  "1015 CJ",
			CountryCode: "NL",
		},
		Attributes: map[string]string{
			"channel":    "web",
			"locale":     "nl-NL",
			"campaign":   "newsletter-2026-11",
			"user_agent": "Mozilla/5.0 (X11; Linux x86_64)",
		},
		WeightKg: 3.75,
		Coupon:   &coupon,
	}
}

// SmallOrder is SampleOrder with at most one map entry. Go maps iterate in
// random order and Avro leaves map entry order to the writer, so only a map
// of one entry has a single correct encoding; TestSameBytes compares exact
// bytes on this value.
func SmallOrder() *Order {
	o := SampleOrder()
	o.Attributes = map[string]string{"channel": "web"}
	return o
}

// statusIndex returns the wire index of an OrderStatus symbol.
func statusIndex(sym string) (int, error) {
	for i, s := range Statuses {
		if s == sym {
			return i, nil
		}
	}
	return 0, fmt.Errorf("unknown OrderStatus symbol %q", sym)
}

// statusSymbol returns the OrderStatus symbol at a wire index.
func statusSymbol(i int) (string, error) {
	if i < 0 || i >= len(Statuses) {
		return "", fmt.Errorf("OrderStatus index %d out of range", i)
	}
	return Statuses[i], nil
}

// centsRat converts unscaled cents to the *big.Rat that hamba, twmb and
// goavro use for decimals.
func centsRat(cents int64) *big.Rat { return big.NewRat(cents, 100) }

// ratCents converts a decimal *big.Rat back to unscaled cents, failing when
// it does not fit the scale exactly.
func ratCents(r *big.Rat) (int64, error) {
	if r == nil {
		return 0, fmt.Errorf("decimal is nil")
	}
	scaled := new(big.Rat).Mul(r, big.NewRat(100, 1))
	if !scaled.IsInt() || !scaled.Num().IsInt64() {
		return 0, fmt.Errorf("decimal %s does not fit scale %d in 64 bits", r.RatString(), decimalScale)
	}
	return scaled.Num().Int64(), nil
}

// decimalBytes is the Avro bytes form of a decimal's unscaled value: minimal
// big-endian two's complement, as Java's BigInteger.toByteArray writes it.
// gogen-avro has no decimal support, so its users build these bytes.
func decimalBytes(unscaled int64) []byte {
	n := 8
	// Drop leading bytes that only repeat the sign of the next byte.
	for n > 1 {
		top := byte(unscaled >> (8 * (n - 1)))
		next := byte(unscaled >> (8 * (n - 2)))
		if (top == 0x00 && next&0x80 == 0) || (top == 0xff && next&0x80 != 0) {
			n--
			continue
		}
		break
	}
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(unscaled >> (8 * (n - 1 - i)))
	}
	return b
}

// decimalFromBytes reads big-endian two's complement bytes as an int64.
func decimalFromBytes(b []byte) (int64, error) {
	if len(b) == 0 || len(b) > 8 {
		return 0, fmt.Errorf("decimal of %d bytes does not fit in 64 bits", len(b))
	}
	v := int64(int8(b[0]))
	for _, c := range b[1:] {
		v = v<<8 | int64(c)
	}
	return v, nil
}
