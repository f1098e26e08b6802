// Package ocftojson measures `avroctl ocf tojson` against Apache Avro's
// avro-tools `tojson` on the same container file of OrderCreated events
// (schemas/), in one run, as a ratio of wall time, with each process's
// peak RSS: see ocftojson_test.go.
package ocftojson
