package datum

import (
	"os"
	"strings"
	"testing"
)

// realOrders are the first records of the benchmark workload (avroctl ocf
// tojson of bench's 1 GiB OrderCreated file), as Avro JSON.
var realOrders = []string{
	`{"metadata":{"eventId":"05dc987f-8062-40a1-bca0-7796da768f64","eventType":"OrderCreated","occurredAt":1760000000000,"producer":"order-service","correlationId":{"string":"saga-61643622"},"causationId":null},"orderId":"0748d1a3-f6aa-4a40-844b-98753a43c64b","customerId":"cust-615251","items":[{"sku":"SKU-1001","name":"Espresso beans 1kg","quantity":2,"unitPrice":{"amount":"!ò","currency":"EUR"}},{"sku":"SKU-6006","name":"Café crème cups ×6","quantity":2,"unitPrice":{"amount":"Fr","currency":"EUR"}},{"sku":"SKU-5005","name":"Descaler (3 pack)","quantity":3,"unitPrice":{"amount":"F","currency":"EUR"}},{"sku":"SKU-4004","name":"Tamper 58 mm","quantity":1,"unitPrice":{"amount":"\u000B","currency":"EUR"}}],"total":{"amount":"\u0001¯ê","currency":"EUR"},"shippingAddress":{"line1":"190 rue de la Gare","line2":null,"postalCode":"69909","city":"Lyon","country":"FR"},"attributes":{"ab":"0","source":"checkout"},"coupon":null,"channel":null}`,
	`{"metadata":{"eventId":"58891c0c-3bdd-4df3-8bf0-c81fdf82edab","eventType":"OrderCreated","occurredAt":1760000000037,"producer":"order-service","correlationId":null,"causationId":null},"orderId":"63bf68a0-bca4-41c7-9bdc-0578b227d6ed","customerId":"cust-277365","items":[{"sku":"SKU-5005","name":"Descaler (3 pack)","quantity":3,"unitPrice":{"amount":" _","currency":"EUR"}},{"sku":"SKU-2002","name":"Grinder, conical burr","quantity":1,"unitPrice":{"amount":"\u0014p","currency":"EUR"}},{"sku":"SKU-5005","name":"Descaler (3 pack)","quantity":1,"unitPrice":{"amount":"\tP","currency":"EUR"}},{"sku":"SKU-3003","name":"Milk jug 600 ml","quantity":3,"unitPrice":{"amount":"E\u0012","currency":"EUR"}}],"total":{"amount":"\u0001N\u0013","currency":"EUR"},"shippingAddress":{"line1":"65 rue de la Gare","line2":null,"postalCode":"53961","city":"Madrid","country":"FR"},"attributes":{"ab":"3","source":"checkout"},"coupon":null,"channel":{"string":"store"}}`,
	`{"metadata":{"eventId":"92ae7d21-91fe-4848-91d4-88a6fcbb51cc","eventType":"OrderCreated","occurredAt":1760000000074,"producer":"order-service","correlationId":null,"causationId":null},"orderId":"8f68357e-944d-485c-9ddb-94748e65d58a","customerId":"cust-422981","items":[{"sku":"SKU-6006","name":"Café crème cups ×6","quantity":3,"unitPrice":{"amount":"@¶","currency":"EUR"}},{"sku":"SKU-1001","name":"Espresso beans 1kg","quantity":1,"unitPrice":{"amount":"\u0012j","currency":"EUR"}},{"sku":"SKU-2002","name":"Grinder, conical burr","quantity":2,"unitPrice":{"amount":"(¦","currency":"EUR"}}],"total":{"amount":"\u0001%Ø","currency":"EUR"},"shippingAddress":{"line1":"88 rue de la Gare","line2":null,"postalCode":"75265","city":"Gdańsk","country":"FR"},"attributes":{"ab":"3","source":"checkout"},"coupon":null,"channel":{"string":"web"}}`,
	`{"metadata":{"eventId":"012b9c23-a1bd-4e07-8d6f-4681c98ab7c3","eventType":"OrderCreated","occurredAt":1760000000111,"producer":"order-service","correlationId":null,"causationId":null},"orderId":"1dc4799a-2091-43a1-86f2-4b419c2db50b","customerId":"cust-425435","items":[{"sku":"SKU-4004","name":"Tamper 58 mm","quantity":1,"unitPrice":{"amount":"Mî","currency":"EUR"}},{"sku":"SKU-5005","name":"Descaler (3 pack)","quantity":3,"unitPrice":{"amount":"3b","currency":"EUR"}}],"total":{"amount":"\u0000è\u0014","currency":"EUR"},"shippingAddress":{"line1":"179 rue de la Gare","line2":null,"postalCode":"63177","city":"Lyon","country":"FR"},"attributes":{"ab":"0","source":"checkout"},"coupon":{"string":"WELCOME10"},"channel":null}`,
	`{"metadata":{"eventId":"6a0d0695-37fa-4657-a4dc-292b3e4546a0","eventType":"OrderCreated","occurredAt":1760000000148,"producer":"order-service","correlationId":{"string":"saga-04689621"},"causationId":null},"orderId":"ad64e35f-cea1-4dc3-9789-b27e75925160","customerId":"cust-328048","items":[{"sku":"SKU-6006","name":"Café crème cups ×6","quantity":2,"unitPrice":{"amount":"!W","currency":"EUR"}},{"sku":"SKU-4004","name":"Tamper 58 mm","quantity":2,"unitPrice":{"amount":"C\u0019","currency":"EUR"}}],"total":{"amount":"\u0000Èà","currency":"EUR"},"shippingAddress":{"line1":"9 rue de la Gare","line2":{"string":"Bâtiment B"},"postalCode":"50602","city":"Porto","country":"FR"},"attributes":{"ab":"3","source":"checkout"},"coupon":null,"channel":{"string":"store"}}`,
}

// BenchmarkAppendNextRealOrderCreated decodes the real OrderCreated schema's
// records back to back into one reused buffer, as `avroctl ocf tojson`
// does with a block: the per-record cost of that command's hot loop.
func BenchmarkAppendNextRealOrderCreated(b *testing.B) {
	avsc, err := os.ReadFile("../../schemas/com.acme.events.orders.OrderCreated.avsc")
	if err != nil {
		b.Fatal(err)
	}
	c, err := NewCodec(string(avsc), "")
	if err != nil {
		b.Fatal(err)
	}
	var block []byte
	for _, js := range realOrders {
		bin, err := Encode(c.Schema(), []byte(js), AvroJSON)
		if err != nil {
			b.Fatal(err)
		}
		block = append(block, bin...)
	}
	for _, f := range []Format{AvroJSON, JSON} {
		b.Run(f.String(), func(b *testing.B) {
			b.SetBytes(int64(len(block)))
			b.ReportAllocs()
			var out []byte
			for b.Loop() {
				out = out[:0]
				for data := block; len(data) > 0; {
					var n int
					if out, n, err = c.AppendNext(out, data, f); err != nil {
						b.Fatal(err)
					}
					out = append(out, '\n')
					data = data[n:]
				}
			}
			if f == AvroJSON && string(out) != strings.Join(realOrders, "\n")+"\n" {
				b.Fatalf("the records do not decode to their text:\n%s", out)
			}
		})
	}
}
