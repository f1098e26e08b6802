// Package examples holds two small services that exchange avroctl-generated
// events through a schema registry, the way production services would over
// Kafka, but through files so that they run anywhere:
//
//	payment-service  produces PaymentValidated events (topic "payments")
//	order-service    consumes them, drops redeliveries by event id, and
//	                 produces OrderCreated events (topic "orders")
//
// Both frame values in the Confluent wire format with the events module's
// serde and put the CloudEvents headers (ce_id, ce_type, ...) next to them.
// A record file holds one JSON object per line: topic, key, headers and the
// base64 framed value (see internal/topic).
//
// Try it against the embedded registry (from the repository root):
//
//	go run ./tools/avroctl registry serve --listen 127.0.0.1:8081 --data "" &
//	cd examples
//	go run ./payment-service --registry http://127.0.0.1:8081 --register --count 3 --redeliver 2 > payments.jsonl
//	go run ./order-service --registry http://127.0.0.1:8081 --register < payments.jsonl > orders.jsonl
//
// --register lets the services register their schemas. In production the
// schemas are registered beforehand by `avroctl registry register` (shared
// types such as Money become schema references) and the services only look
// them up; TestWithSchemasRegisteredByAvroctl runs that set-up. The order
// service reports redeliveries it dropped and records it dead-lettered
// (--dlq) on stderr, as file:line:1: messages.
package examples
