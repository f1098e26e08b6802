// Package bench compares the Go code avroctl generates with the other Go
// Avro implementations on one realistic event (testdata/order.avsc).
//
// Every implementation is wrapped in a Codec that is loaded from the same
// logical value (Order). TestSameBytes proves they all write the same bytes
// and read each other's bytes back to the same value, so the benchmarks in
// bench_test.go compare equal work. cmd/ratios turns a benchmark run into the
// table in README.md.
//
// This is its own module so that the peers' dependencies (hamba, twmb,
// goavro, gogen-avro, franz-go) never reach avroctl's go.mod.
package bench
