package golang

import (
	"bytes"
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"gitlab.com/acme/avroctl/gen/datum"
	"gitlab.com/acme/avroctl/gen/golang/internal/fixtures/common"
	"gitlab.com/acme/avroctl/gen/golang/internal/fixtures/orders"
	"gitlab.com/acme/avroctl/gen/golang/runtime/avro"
	"gitlab.com/acme/avroctl/gen/schema"
)

// The generated Avro JSON against gen/datum (which interop checks against
// Java) on the fixtures: the edge values random data rarely hits. Random
// values of every shape and conformance schema are compared in
// TestGeneratedCodeRuns.

func orderSchema(t testing.TB) schema.Schema {
	s, err := schema.Parse([]byte(new(orders.Order).AvroSchema()), schema.ParseOptions{Filename: "Order"})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func edgeOrder() *orders.Order {
	all := make([]byte, 256)
	for i := range all {
		all[i] = byte(i)
	}
	note := "quote\" backslash\\ nl\n tab\t ctl\x01\x1f del\x7f é € 😀 \u2028 bad\xff\xe2\x82A end"
	email := "a@b.c"
	date := time.Date(1969, 12, 31, 0, 0, 0, 0, time.UTC)
	o := &orders.Order{
		OrderID:  avro.UUID{0xde, 0xad, 0xbe, 0xef, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12},
		OrderID_: math.MinInt64,
		Customer: common.Customer{Name: "Zoë", Email: &email, Vip: true},
		Status:   orders.OrderStatusCancelledByUser,
		Lines: []orders.LineItem{
			{SKU: "a", Quantity: math.MaxInt32, UnitPrice: avro.NewDecimal(-12345, 2), Weight: float32(math.NaN())},
			{SKU: "b", Quantity: math.MinInt32, UnitPrice: avro.NewDecimal(99999999, 2), Weight: float32(math.Inf(-1))},
			{SKU: "c", Weight: math.SmallestNonzeroFloat32, Discount: ptr(math.Inf(1))},
			{SKU: "d", Weight: 1e7, Discount: ptr(math.Copysign(0, -1))},
			{SKU: "e", Weight: 0.001, Discount: ptr(math.SmallestNonzeroFloat64)},
			{SKU: "f", Weight: 123456.7, Discount: ptr(1e-3 - 1e-19)},
		},
		Total:     common.Money{Amount: avro.NewDecimal(100, 2), Currency: common.CurrencyEUR},
		Notes:     &note,
		Tags:      map[string]string{"z": "last", "": "empty", "a\"b": "q", "é": "x", "😀": note},
		CreatedAt: time.UnixMilli(-1).UTC(),
		UpdatedAt: time.UnixMicro(1700000000123456).UTC(),
		LocalAt:   time.Date(2024, 2, 29, 23, 59, 59, 999e6, time.UTC),
		ShipDate:  &date,
		Cutoff:    23 * time.Hour,
		CutoffUs:  time.Microsecond,
		Payment:   orders.NewOrderPaymentCard(orders.Card{Last4: "1234", Type: "visa"}),
		Choice:    orders.NewOrderChoiceMap(map[string]bool{"y": true, "n": false}),
		Checksum:  orders.MD5{0, 0x7f, 0x80, 0xff, '"', '\\', '\n', 0xe9},
		Trace:     avro.UUID{0xff, 0},
		TTL:       avro.Duration{Months: 1, Days: 0xffffffff, Millis: 200},
		Attributes: map[string]orders.OrderAttributesValue{
			"all":  orders.NewOrderAttributesValueBytes(all),
			"nil":  nil,
			"nan":  orders.NewOrderAttributesValueDouble(math.NaN()),
			"big":  orders.NewOrderAttributesValueDouble(math.MaxFloat64),
			"long": orders.NewOrderAttributesValueLong(-1),
			"none": orders.NewOrderAttributesValueBytes([]byte{}),
		},
		History:  []orders.OrderStatus{orders.OrderStatusPaid, ""},
		Labels:   map[string]int32{},
		Previous: &orders.Order{Choice: orders.NewOrderChoiceArray([]int64{1, -2, 3}), Type: "prev"},
		Type:     "order",
	}
	return o
}

func ptr[T any](v T) *T { return &v }

// checkOrderJSON marshals o and compares with gen/datum both ways.
func checkOrderJSON(t *testing.T, s schema.Schema, o *orders.Order) []byte {
	t.Helper()
	bin, err := o.AppendAvro(nil)
	if err != nil {
		t.Fatal(err)
	}
	got, err := o.MarshalAvroJSON()
	if err != nil {
		t.Fatal(err)
	}
	want, err := datum.Decode(s, bin, datum.AvroJSON)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("MarshalAvroJSON differs from gen/datum:\nwant %s\ngot  %s", want, got)
	}
	var back orders.Order
	if err := back.UnmarshalAvroJSON(got); err != nil {
		t.Fatalf("UnmarshalAvroJSON: %v\n%s", err, got)
	}
	again, err := back.AppendAvro(nil)
	if err != nil {
		t.Fatal(err)
	}
	ref, err := datum.Encode(s, got, datum.AvroJSON)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(again, ref) {
		t.Fatalf("UnmarshalAvroJSON reads differently from gen/datum:\nwant %x\ngot  %x", ref, again)
	}
	return got
}

func TestAvroJSONEdgesMatchDatum(t *testing.T) {
	s := orderSchema(t)
	got := checkOrderJSON(t, s, edgeOrder())
	for _, want := range []string{`"NaN"`, `"-Infinity"`, `"Infinity"`, `1.4E-45`, `4.9E-324`, `-0.0`, `1.0E7`, `0.001`,
		`\u0000\u0001`, "\x7f", `\"\\`, "ÿ", `\uD83D\uDE00`, "bad\ufffd\ufffdA", `"history":{"array":["PAID","PENDING"]}`} {
		if !bytes.Contains(got, []byte(want)) {
			t.Errorf("the JSON lacks %s:\n%s", want, got)
		}
	}
	// A union wrapper writes what the record holding it writes.
	o := edgeOrder()
	for _, w := range []interface{ MarshalAvroJSON() ([]byte, error) }{
		o.Choice.(orders.OrderChoiceMap), o.Payment.(orders.OrderPaymentCard), o.Attributes["all"].(orders.OrderAttributesValueBytes),
		o.Previous.Choice.(orders.OrderChoiceArray), o.Attributes["nan"].(orders.OrderAttributesValueDouble),
	} {
		frag, err := w.MarshalAvroJSON()
		if err != nil || !bytes.Contains(got, frag) {
			t.Errorf("%T: %s, %v: not in the record's text", w, frag, err)
		}
	}
	// Every byte value survives the round trip (bytes and fixed).
	var back orders.Order
	if err := back.UnmarshalAvroJSON(got); err != nil {
		t.Fatal(err)
	}
	b := back.Attributes["all"].(orders.OrderAttributesValueBytes).Value
	if len(b) != 256 {
		t.Fatalf("bytes: %d of 256 back", len(b))
	}
	for i, c := range b {
		if int(c) != i {
			t.Fatalf("byte %d came back as %d", i, c)
		}
	}
	if back.Checksum != edgeOrder().Checksum {
		t.Fatalf("fixed: %x", back.Checksum)
	}
}

// TestAvroJSONRandomOrders compares random orders (random floats, bytes,
// strings of every byte) with gen/datum.
func TestAvroJSONRandomOrders(t *testing.T) {
	s := orderSchema(t)
	rng := rand.New(rand.NewPCG(7, 7))
	randBytes := func() []byte {
		b := make([]byte, rng.IntN(12))
		for i := range b {
			b[i] = byte(rng.IntN(256))
		}
		return b
	}
	for i := 0; i < 500; i++ {
		o := edgeOrder()
		o.Notes = ptr(string(randBytes()))
		o.Tags = map[string]string{string(randBytes()): string(randBytes())}
		o.Lines[0].Weight = math.Float32frombits(rng.Uint32())
		o.Lines[1].Discount = ptr(math.Float64frombits(rng.Uint64()))
		o.Lines[2].Weight = float32(rng.NormFloat64() * math.Pow(10, float64(rng.IntN(20)-10)))
		o.Lines[3].Discount = ptr(rng.NormFloat64() * math.Pow(10, float64(rng.IntN(40)-20)))
		o.Attributes["all"] = orders.NewOrderAttributesValueBytes(randBytes())
		o.Customer.Name = string(randBytes())
		checkOrderJSON(t, s, o)
	}
}

// TestJavaFloatMatchesSchema keeps the runtime's allocation-free Java
// float text equal to gen/schema's (which is checked against Java).
func TestJavaFloatMatchesSchema(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	check64 := func(f float64) {
		if got, want := string(avro.AppendJavaFloat(nil, f, 64)), schema.JavaDouble(f); got != want {
			t.Fatalf("double %v (%#x): %s, want %s", f, math.Float64bits(f), got, want)
		}
	}
	check32 := func(f float32) {
		if got, want := string(avro.AppendJavaFloat(nil, float64(f), 32)), schema.JavaFloat(f); got != want {
			t.Fatalf("float %v (%#x): %s, want %s", f, math.Float32bits(f), got, want)
		}
	}
	for _, f := range []float64{0, 1, -1, 1e7, 1e-3, 9999999.999, 0.00099999, 100, 1.5e300, math.MaxFloat64, math.SmallestNonzeroFloat64, 5e-324, 2e-323} {
		check64(f)
		check32(float32(f))
	}
	for i := 0; i < 200000; i++ {
		check64(math.Float64frombits(rng.Uint64()))
		check32(math.Float32frombits(rng.Uint32()))
		check64(float64(rng.IntN(1e9)) / math.Pow(10, float64(rng.IntN(14))))
		check32(float32(rng.IntN(1e7)) / float32(math.Pow(10, float64(rng.IntN(9)))))
	}
}

// TestUnmarshalAvroJSONErrors: bad input is an error at its byte offset
// that says what is wrong.
func TestUnmarshalAvroJSONErrors(t *testing.T) {
	good, err := edgeOrder().Previous.MarshalAvroJSON()
	if err != nil {
		t.Fatal(err)
	}
	js := string(good)
	at := func(sub string) int { return strings.Index(js, sub) }
	for _, c := range []struct {
		in     string
		offset int
		msg    string
	}{
		{"", 0, "want an object (record com.acme.orders.Order), got the end of the input"},
		{"[]", 0, "want an object (record com.acme.orders.Order), got an array"},
		{js + " x", len(js) + 1, "the character 'x' after the value"},
		{strings.Replace(js, `"orderId":0`, `"orderId":1.5`, 1), at(`"orderId"`) + 10, "want an integer (long), got the number 1.5"},
		{strings.Replace(js, `"orderId":0`, `"orderId":1e19`, 1), at(`"orderId"`) + 10, "1e19 is out of the range of long"},
		{strings.Replace(js, `"orderId":0`, `"orderId":0,"orderId":0`, 1), at(`"orderId"`) + 12, `field "orderId" is given twice`},
		{strings.Replace(js, `"orderId":0`, `"orderID":0`, 1), at(`"orderId"`), `record com.acme.orders.Order has no field "orderID"`},
		{strings.Replace(js, `"orderId":0,`, ``, 1), len(js) - len(`"orderId":0,`) - 1, `field "orderId" is missing`},
		{strings.Replace(js, `"status":"PENDING"`, `"status":"LOST"`, 1), at(`"status"`) + 9, `"LOST" is not a symbol of enum com.acme.orders.OrderStatus`},
		{strings.Replace(js, `"notes":null`, `"notes":"x"`, 1), at(`"notes"`) + 8, `want a union value as {"branch": value} with a branch of null, string`},
		{strings.Replace(js, `"notes":null`, `"notes":{"int":1}`, 1), at(`"notes"`) + 9, `"int" is not a branch of the union`},
		{strings.Replace(js, `"notes":null`, `"notes":{"string":"a","x":1}`, 1), at(`"notes"`) + 21, `'}' closing the union value`},
		{strings.Replace(js, `"checksum":"`, `"checksum":"Ā`, 1), at(`"checksum"`) + 11, "character 'Ā' (U+0100) at character 0 is not a byte"},
		{strings.Replace(js, `"checksum":"`, `"checksum":"a`, 1), at(`"checksum"`) + 11, "fixed has 16 bytes, the string has 17"},
		{js[:at(`"prev`)+3], at(`"prev`), "unterminated JSON string"},
		{strings.Replace(js, `"type":"prev"`, `"type":"p\qv"`, 1), at(`"type"`) + 9, `invalid escape \q`},
		{strings.Replace(js, `"type":"prev"`, "\"type\":\"p\x01\"", 1), at(`"type"`) + 9, "invalid control character 0x01"},
		{strings.Replace(js, `"nothing":null`, `"nothing":nul`, 1), at(`"nothing"`) + 10, "invalid JSON literal; want null"},
		{strings.Replace(js, `"order_id":"`, `"order_id":"x`, 1), at(`"order_id"`) + 11, "invalid UUID"},
		{strings.Replace(js, `"lines":[]`, `"lines":[1,]`, 1), at(`"lines"`) + 9, "want an object (record com.acme.orders.LineItem), got a number"},
		{strings.Replace(js, `"lines":[]`, `"lines":[}`, 1), at(`"lines"`) + 9, "got the character '}'"},
		{strings.Replace(js, `"cutoff":0`, `"cutoff":-`, 1), at(`"cutoff"`) + 9, "invalid JSON number"},
		{strings.Repeat(`{"previous":{"com.acme.orders.Order":`, 1100), 2048 * 2 / 2 * 0, ""},
	} {
		var o orders.Order
		err := o.UnmarshalAvroJSON([]byte(c.in))
		var de *avro.DecodeError
		if !errors.As(err, &de) {
			t.Errorf("%.60q: got %v, want a *DecodeError", c.in, err)
			continue
		}
		if c.msg == "" { // only: an error, not a stack overflow
			continue
		}
		if de.Offset != c.offset || !strings.Contains(de.Msg, c.msg) {
			t.Errorf("%.80q:\ngot  byte %d: %s\nwant byte %d: ...%s...", c.in, de.Offset, de.Msg, c.offset, c.msg)
		}
	}
}

// TestUnmarshalAvroJSONAcceptsWhatDatumAccepts: field order, whitespace,
// integral floats for ints, escapes, NaN strings.
func TestUnmarshalAvroJSONAcceptsWhatDatumAccepts(t *testing.T) {
	s := orderSchema(t)
	good, _ := edgeOrder().Previous.MarshalAvroJSON()
	js := string(good)
	for _, in := range []string{
		" \n\t" + js + " \r\n",
		strings.Replace(js, `"orderId":0,`, ``, 1)[:len(js)-len(`"orderId":0,`)-1] + `,"orderId":1E2}`,
		strings.Replace(js, `"orderId":0`, `"orderId":-0.0`, 1),
		strings.Replace(js, `"orderId":0`, `"orderId" : 9.223372036854775E18`, 1),
		strings.Replace(js, `"type":"prev"`, `"type":"\u00e9\ud83d\ude00\/\ud800x"`, 1),
		strings.Replace(js, `"lines":[]`, `"lines":[{"sku":"s","quantity":2.0,"unit_price":"\u0000\u00ff","weight":"NaN","discount":{"double":"-Infinity"}}]`, 1),
	} {
		var o orders.Order
		if err := o.UnmarshalAvroJSON([]byte(in)); err != nil {
			t.Errorf("%.80q: %v", in, err)
			continue
		}
		got, _ := o.AppendAvro(nil)
		want, err := datum.Encode(s, []byte(in), datum.AvroJSON)
		if err != nil {
			t.Fatalf("datum refuses %q: %v", in, err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%.80q:\ngot  %x\nwant %x", in, got, want)
		}
	}
}

// FuzzUnmarshalAvroJSON: no panic on any input; an input is accepted
// exactly when gen/datum accepts it (unless the Go type cannot hold the
// value datum wrote, as its own binary decoder then says), to the same
// value; and what is accepted marshals and reads back to the same value.
func FuzzUnmarshalAvroJSON(f *testing.F) {
	s := orderSchema(f)
	good, _ := edgeOrder().MarshalAvroJSON()
	f.Add(good)
	prev, _ := edgeOrder().Previous.MarshalAvroJSON()
	f.Add(prev)
	f.Add([]byte(`{"previous":{"com.acme.orders.Order":null}}`))
	f.Fuzz(func(t *testing.T, in []byte) {
		var o orders.Order
		err := o.UnmarshalAvroJSON(in)
		ref, refErr := datum.Encode(s, in, datum.AvroJSON)
		if err != nil {
			var de *avro.DecodeError
			if !errors.As(err, &de) || de.Offset < 0 || de.Offset > len(in) {
				t.Fatalf("error without a valid offset: %v", err)
			}
			if refErr == nil {
				var viaBinary orders.Order
				if viaBinary.UnmarshalAvro(ref) == nil {
					t.Fatalf("datum accepts, UnmarshalAvroJSON refuses: %v", err)
				}
			}
			return
		}
		if refErr != nil {
			t.Fatalf("UnmarshalAvroJSON accepts, datum refuses: %v", refErr)
		}
		ours, err := o.AppendAvro(nil)
		if err != nil {
			// A value only JSON can hold (e.g. an enum of the reader) is
			// not expected: every decoded value encodes.
			t.Fatalf("AppendAvro after UnmarshalAvroJSON: %v", err)
		}
		// Canonical binary of datum's reading: a Go map keeps the last of
		// duplicate keys, and encodes keys sorted.
		var viaBinary orders.Order
		if err := viaBinary.UnmarshalAvro(ref); err != nil {
			t.Fatalf("datum's bytes do not decode: %v", err)
		}
		canon, _ := viaBinary.AppendAvro(nil)
		if !bytes.Equal(ours, canon) {
			t.Fatalf("differs from datum:\nours  %x\ndatum %x", ours, canon)
		}
		text, err := o.MarshalAvroJSON()
		if err != nil {
			t.Fatal(err)
		}
		var back orders.Order
		if err := back.UnmarshalAvroJSON(text); err != nil {
			t.Fatalf("own text does not read back: %v\n%s", err, text)
		}
		again, _ := back.AppendAvro(nil)
		if !bytes.Equal(again, ours) {
			t.Fatalf("round trip differs:\n%x\n%x", ours, again)
		}
	})
}

// FuzzUnmarshalUnionAvroJSON: a union value on its own (the generated
// UnmarshalOrderPaymentAvroJSON) is accepted exactly when gen/datum
// accepts it for the union's schema, to the same value, with a located
// error otherwise; what is accepted writes and reads back the same.
func FuzzUnmarshalUnionAvroJSON(f *testing.F) {
	var pay schema.Schema
	for _, fl := range orderSchema(f).(*schema.Record).Fields {
		if fl.Name == "payment" {
			pay = fl.Type
		}
	}
	for _, v := range []orders.OrderPayment{edgeOrder().Payment, orders.NewOrderPaymentString("é\n"), orders.NewOrderPaymentLong(-1), nil} {
		b, _ := orders.MarshalOrderPaymentAvroJSON(v)
		f.Add(b)
	}
	f.Add([]byte(`{"int":1}`))
	f.Fuzz(func(t *testing.T, in []byte) {
		v, err := orders.UnmarshalOrderPaymentAvroJSON(in)
		ref, refErr := datum.Encode(pay, in, datum.AvroJSON)
		if err != nil {
			var de *avro.DecodeError
			if !errors.As(err, &de) || de.Offset < 0 || de.Offset > len(in) {
				t.Fatalf("error without a valid offset: %v", err)
			}
			if refErr == nil {
				t.Fatalf("datum accepts, UnmarshalOrderPaymentAvroJSON refuses: %v", err)
			}
			return
		}
		if refErr != nil {
			t.Fatalf("UnmarshalOrderPaymentAvroJSON accepts, datum refuses: %v", refErr)
		}
		text, err := orders.MarshalOrderPaymentAvroJSON(v)
		if err != nil {
			t.Fatal(err)
		}
		ours, err := datum.Encode(pay, text, datum.AvroJSON)
		if err != nil || !bytes.Equal(ours, ref) {
			t.Fatalf("differs from datum (%v):\nours  %x\ndatum %x", err, ours, ref)
		}
		back, err := orders.UnmarshalOrderPaymentAvroJSON(text)
		again, _ := orders.MarshalOrderPaymentAvroJSON(back)
		if err != nil || !bytes.Equal(again, text) {
			t.Fatalf("own text does not read back (%v):\n%s\n%s", err, text, again)
		}
	})
}

// TestAvroJSONAllocs: writing allocates nothing when dst has room, and
// reading a record of strings allocates one copy of the input for all of
// them (object keys are matched without allocating).
func TestAvroJSONAllocs(t *testing.T) {
	o := edgeOrder()
	o.Previous = nil
	buf, err := o.AppendAvroJSON(nil)
	if err != nil {
		t.Fatal(err)
	}
	if n := testing.AllocsPerRun(100, func() { buf, _ = o.AppendAvroJSON(buf[:0]) }); n != 0 {
		t.Errorf("AppendAvroJSON: %v allocations, want 0", n)
	}
	a := common.Address{Street: "Main St 1", City: "Zürich", ZipCode: "8000", Country: "CH"}
	js, _ := a.MarshalAvroJSON()
	if n := testing.AllocsPerRun(100, func() {
		var b common.Address
		if err := b.UnmarshalAvroJSON(js); err != nil {
			t.Fatal(err)
		}
	}); n != 1 {
		t.Errorf("UnmarshalAvroJSON of %s: %v allocations, want 1 (the copy of the input its strings share)", js, n)
	}
}

// TestUnionAvroJSONFunctions: a union value on its own is written as its
// wrapper writes it and as gen/datum writes it for the union's schema, and
// read back to the same value; nil is null only where the union has null.
func TestUnionAvroJSONFunctions(t *testing.T) {
	rec := orderSchema(t).(*schema.Record)
	unionOf := func(field string) schema.Schema {
		for _, f := range rec.Fields {
			if f.Name == field {
				return f.Type
			}
		}
		t.Fatalf("no field %s", field)
		return nil
	}
	o := edgeOrder()
	check := func(s schema.Schema, got []byte, err error, wrapper interface{ MarshalAvroJSON() ([]byte, error) }) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		if wrapper != nil {
			if want, _ := wrapper.MarshalAvroJSON(); !bytes.Equal(got, want) {
				t.Errorf("%s, want the wrapper's %s", got, want)
			}
		}
		bin, err := datum.Encode(s, got, datum.AvroJSON)
		if err != nil {
			t.Fatalf("gen/datum cannot read %s: %v", got, err)
		}
		if want, err := datum.Decode(s, bin, datum.AvroJSON); err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s, gen/datum writes %s (%v)", got, want, err)
		}
	}
	pay := unionOf("payment")
	for _, v := range []orders.OrderPayment{o.Payment, orders.NewOrderPaymentString("cash"), orders.NewOrderPaymentLong(-7), nil} {
		got, err := orders.MarshalOrderPaymentAvroJSON(v)
		w, _ := v.(interface{ MarshalAvroJSON() ([]byte, error) })
		check(pay, got, err, w)
		back, err := orders.UnmarshalOrderPaymentAvroJSON(got)
		if err != nil {
			t.Fatalf("%s: %v", got, err)
		}
		if again, _ := orders.MarshalOrderPaymentAvroJSON(back); !bytes.Equal(again, got) {
			t.Errorf("%s came back as %s", got, again)
		}
	}
	choice := unionOf("choice")
	for _, v := range []orders.OrderChoice{o.Choice, o.Previous.Choice, orders.NewOrderChoiceInt(3), orders.NewOrderChoiceString("x")} {
		got, err := orders.MarshalOrderChoiceAvroJSON(v)
		check(choice, got, err, v.(interface{ MarshalAvroJSON() ([]byte, error) }))
		back, err := orders.UnmarshalOrderChoiceAvroJSON(got)
		if again, _ := orders.MarshalOrderChoiceAvroJSON(back); err != nil || !bytes.Equal(again, got) {
			t.Errorf("%s came back as %s (%v)", got, again, err)
		}
	}
	if got, err := orders.AppendOrderChoiceAvroJSON([]byte("x"), nil); err == nil || string(got) != "x" {
		t.Errorf("nil for a union without null: %q, %v; want an error", got, err)
	}
	for _, c := range []struct {
		in     string
		offset int
		msg    string
	}{
		{`null`, 0, `want a union value as {"branch": value} with a branch of int, string, array, map`},
		{`{"long":1}`, 1, `"long" is not a branch of the union`},
		{`{"int":1} x`, 10, "the character 'x' after the value"},
		{`{"int":1`, 8, "'}' closing the union value"},
	} {
		_, err := orders.UnmarshalOrderChoiceAvroJSON([]byte(c.in))
		var de *avro.DecodeError
		if !errors.As(err, &de) || de.Offset != c.offset || !strings.Contains(de.Msg, c.msg) {
			t.Errorf("%s: %v, want byte %d: ...%s...", c.in, err, c.offset, c.msg)
		}
	}
}
