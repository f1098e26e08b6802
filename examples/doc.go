// Package examples holds two small services that exchange avroctl-generated
// events over Kafka through a schema registry, as production services do:
//
//	payment-service  publishes PaymentValidated events to "payments"
//	order-service    consumes them (group order-service), stores one order
//	                 per payment in its SQLite database, and publishes
//	                 OrderCreated to "orders" through an outbox
//
// They use the events module (typed events, Confluent framing) and the
// kafka runtime module (typed producer; at-least-once consumer that
// commits after handling, dedups on the event id in the same transaction
// as the order, and dead-letters what it cannot handle to payments-dlt
// with Spring Kafka's kafka_dlt-* headers). See internal/order for why the
// order service is correct under crashes and redelivery.
//
// Run the whole flow on a fresh clone (Go and Java 17 only): from the
// repository root,
//
//	go run mage.go demo
//
// or by hand, against a broker and a registry of your own:
//
//	go run mage.go kafka &                                   # Kafka 4.4 on 127.0.0.1, prints its address
//	go run ./tools/avroctl registry serve --listen 127.0.0.1:8081 --data "" &
//	export KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:PORT REGISTRY_URL=http://127.0.0.1:8081
//	cd examples
//	go run ./payment-service --register --count 20 --duplicate-every 5 --foreign-every 7
//	go run ./order-service --register --db /tmp/orders.db       # Ctrl-C to stop
//
// --register lets the services register their schemas. In production avroctl
// registers them beforehand, behind the compatibility gate (shared types
// such as Money become schema references), and the services only look
// them up; TestServicesOnKafka runs that set-up. The proof of the runtime
// on a real broker (kill -9, rebalance, broker restart, live evolution,
// replay) is TestProofOnKafka.
package examples
