// Package interop holds the tests that compare avroctl with the Java
// reference (Apache Avro 1.12.x) on the same inputs: random compatibility
// pairs, random schemas, IDL files and wire bytes, plus benchmarks against
// the reference. There is no library code here; see README.md.
//
// The reference runs in one JVM per test binary (package javaharness); the
// random inputs come from packages evolve (schemas and evolutions) and
// randdatum (values in the Avro JSON encoding).
package interop
