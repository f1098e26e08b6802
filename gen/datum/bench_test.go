package datum

import (
	"testing"

	"gitlab.com/acme/avroctl/gen/golang/runtime/avro"
)

// orderCreated is an OrderCreated-like record: strings, longs, a union, an
// enum, a double and an array of line records.
const orderCreated = `{"type":"record","name":"OrderCreated","namespace":"com.acme.orders","fields":[
 {"name":"orderId","type":"string"},
 {"name":"customerId","type":"string"},
 {"name":"createdAt","type":{"type":"long","logicalType":"timestamp-millis"}},
 {"name":"status","type":{"type":"enum","name":"Status","symbols":["NEW","PAID","SHIPPED"]}},
 {"name":"total","type":"double"},
 {"name":"currency","type":"string"},
 {"name":"note","type":["null","string"],"default":null},
 {"name":"lines","type":{"type":"array","items":{"type":"record","name":"Line","fields":[
   {"name":"sku","type":"string"},{"name":"qty","type":"int"},{"name":"price","type":"double"}]}}}
]}`

func encodeOrder() []byte {
	var b []byte
	b = avro.AppendString(b, "ord-0000012345")
	b = avro.AppendString(b, "cust-42")
	b = avro.AppendLong(b, 1700000000123)
	b = avro.AppendInt(b, 1)
	b = avro.AppendDouble(b, 129.95)
	b = avro.AppendString(b, "EUR")
	b = avro.AppendLong(b, 1)
	b = avro.AppendString(b, "leave at the door")
	b = avro.AppendLong(b, 3)
	for i := range 3 {
		b = avro.AppendString(b, "SKU-1000"+string(rune('0'+i)))
		b = avro.AppendInt(b, int32(i+1))
		b = avro.AppendDouble(b, 19.99)
	}
	return avro.AppendLong(b, 0)
}

func BenchmarkDecodeOrderCreated(b *testing.B) {
	c, err := NewCodec(orderCreated, "")
	if err != nil {
		b.Fatal(err)
	}
	data := encodeOrder()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := c.DecodeNext(data, AvroJSON); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodeAllTypes(b *testing.B) {
	p := Compile(parse(b, allTypes), AvroJSON)
	data := encodeAll()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.Decode(data); err != nil {
			b.Fatal(err)
		}
	}
}
