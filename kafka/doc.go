// Package kafka is the runtime for services that produce and consume
// avroctl events on Kafka: a typed producer and an at-least-once consumer
// over franz-go, with deduplication in the handler's transaction, retries
// and dead-letter topics.
//
// It is its own module (gitlab.com/acme/avroctl/kafka) so that the events
// module stays standard-library only and services do not depend on the
// toolchain. It is generic over the events module's codecs: a
// *serde.Codec[T, *T] is an Encoder[T] and a Decoder[T], so handlers get
// the generated types.
//
// # Producer
//
//	codec, _ := serde.NewCodec[payments.PaymentValidated](sd, serde.CodecOptions{Topic: "payments"})
//	p, err := kafka.NewProducer(ctx, kafka.Encoder[payments.PaymentValidated](codec),
//		kafka.ProducerOptions[payments.PaymentValidated]{
//			Config: kafka.Config{Brokers: []string{"127.0.0.1:9092"}},
//			Topic:  "payments", KeyField: "orderId",
//		})
//	d, err := p.Send(ctx, &event)              // waits for acks=all
//	p.SendAsync(ctx, &event, func(d kafka.Delivery, err error) { ... })
//	err = p.Close(ctx)                          // flushes
//
// Records are written with acks=all and idempotence (franz-go's defaults,
// set explicitly), keyed by the business key, and carry the CloudEvents
// Kafka-binding headers: ce_specversion, ce_id (metadata.eventId),
// ce_source (metadata.producer), ce_type (the Avro full name), ce_time
// (metadata.occurredAt) and content-type. NewProducer resolves the schema
// id: a schema that is not registered fails the service at start.
//
// # Consumer
//
//	c, err := kafka.NewConsumer(kafka.Decoder[payments.PaymentValidated](codec),
//		kafka.Dedup(store, func(ctx context.Context, m *kafka.Message[payments.PaymentValidated], tx *sql.Tx) error {
//			if blocked(m.Value.CustomerID) {
//				return kafka.Permanent(errBlocked) // to the dead-letter topic
//			}
//			_, err := tx.ExecContext(ctx, `INSERT INTO orders ...`, ...)
//			return err // nil: committed with the event id; error: retried
//		}),
//		kafka.ConsumerOptions{Config: cfg, Group: "order-service", Topics: []string{"payments"}})
//	err = c.Run(ctx) // until ctx ends, then a graceful shutdown
//
// Delivery is at least once. Auto-commit is off; a partition's offset is
// committed only up to the first record not yet finished, so a crash
// loses nothing and redelivers at most MaxInFlight records. Redelivered
// and duplicate events are absorbed by Dedup: the inbox (package inbox for
// database/sql) records the event id in the same transaction as the
// handler's effect, never before, so a handler that fails leaves no mark
// and its event is handled again.
//
// Records of one key are handled in order, one at a time; keys and
// partitions run in parallel on Workers goroutines.
//
// # Errors
//
//	Permanent(err)          dead-letter now
//	Transient(err), other   retry in place with exponential backoff
//	                        (Backoff), then the retry topics
//	                        (RetryDelays), then dead-letter
//	undecodable frame,      dead-letter now (DecodeError), unless
//	incompatible schema     TransientDecode says the registry is down
//	panic                   dead-letter now (PanicError, with the stack)
//
// Backoff waits end when the partition is revoked or the consumer stops:
// a retried record never holds a rebalance; its next owner handles it.
//
// # Dead letters
//
// A dead-letter record is the original key, value and headers, unchanged,
// followed by Spring Kafka's kafka_dlt-* headers (see HeaderDLTOriginalTopic
// for names and encodings) and kafka_dlt-original-schema-id. The default
// dead-letter topic is <topic>-dlt, Spring's default; retry topics are
// <topic>-<group>-retry-<n>. A dead letter is written with acks=all before
// the source offset is committed; if it cannot be written the consumer
// retries and does not commit past it.
//
// A dead letter is written once, not at least once. It goes to the
// partition of the dead-letter topic numbered like its source partition
// (modulo the dead-letter topic's count: Spring's default is the same
// partition). When a member dies or loses a partition between writing a
// dead letter and committing past it, the next owner meets the record
// again; before its first dead letter it reads that one dead-letter
// partition from the time its assignment starts (ClockSkew earlier) and
// finishes records this group already dead-lettered without writing them
// again (Stats.DeadLetterRepeats). A revocation or a loss waits for the
// dead-letter writes in flight before the partition moves. One window
// remains: a member killed (kill -9, a crash) while a dead-letter write is
// in flight. The broker may append that write after the next owner has
// read the dead-letter topic, and a second copy appears. The TestProofOnKafka
// run in examples/ reports these copies. Spring Kafka's dead-lettering has the
// same window; closing it needs transactional dead-letter writes, which
// fence the dead member's producer. Dead letters of records read from
// retry topics are at least once. avroctl dlt inspect and replay take each
// original record once, and a consumer's inbox skips a replayed second copy.
//
// ParseDeadLetter reads the headers back; ReplayRecord gives the record to
// write to the source topic, with the runtime's headers removed and the
// event id kept (consumers that handled it meanwhile skip it). ErrorClass
// names errors for the kafka_dlt-exception-fqcn header.
package kafka
