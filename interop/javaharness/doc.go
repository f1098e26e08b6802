// Package javaharness runs the Java reference implementation (Apache Avro
// 1.12.x, see ../java) for avroctl's interop tests.
//
// The reference is a small Maven project that builds one shaded jar. A JVM
// start costs about half a second, far more than any single reference call,
// so a Harness starts the JVM once and talks to it over JSON lines: one
// request per line on the JVM's stdin, one response per line on its stdout.
// Thousands of cases then cost one JVM.
//
// Tests use Shared, which builds the jar (once per process, only when the
// sources are newer than the jar), starts the JVM once per test binary and
// skips the test with a clear message when java or mvn is missing. Set
// AVROCTL_REQUIRE_JAVA=1 (CI does) to turn that skip into a failure, so that
// a broken CI image cannot make the interop suite silently pass.
package javaharness
