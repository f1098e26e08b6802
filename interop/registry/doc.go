// Package registry holds avroctl's Schema Registry interoperability tests.
// It is its own module so that the third-party registry and clients it
// tests against never become dependencies of avroctl itself:
//
//   - the client suite (gen/registry/registrytest) against the embedded
//     server and against AxonOps Schema Registry v0.2.1, built from the
//     module cache and run in memory on 127.0.0.1;
//   - the common Go clients as they are (franz-go sr, riferrei/srclient,
//     hamba/avro registry) against the embedded server;
//   - the load benchmarks against both registries in the same run.
//
// Run: cd interop/registry && go test ./... (-bench . for the load figures).
package registry
