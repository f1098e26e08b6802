// Package e2e benchmarks events end to end through Apache Kafka 4.4:
// produce plus consume in a consumer group that commits, three ways in one
// run and on one broker: avroctl's typed runtime (gitlab.com/acme/avroctl/kafka
// over the events module's serde.Codec), raw franz-go with precomputed
// []byte values, and franz-go with sr.Serde over hamba/avro.
//
// It is a package of its own, apart from the codec benchmarks in bench, so
// that `go test -bench .` there and cmd/ratios never start a broker. See
// kafka_test.go and bench/README.md.
package e2e
