// Package avrotools finds, and fetches once with Maven, the Java tools that
// avroctl's differential tests and benchmarks run against: Apache Avro's
// avro-tools jar, and zstd-jni, which avro-tools' zstandard codec needs but
// does not bundle.
//
// The jars live in the local Maven repository (~/.m2/repository), which is
// their cache: a fresh machine with Java and Maven fetches them on first
// use, as gen/kafkatest fetches Kafka's, instead of the test skipping or
// failing for want of a file a developer had to know to download.
package avrotools

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
)

// Pinned versions: avro-tools matches the Java reference the interop
// harness builds against (interop/javaharness.AvroVersion), zstd-jni the
// one in interop/java/pom.xml.
const (
	AvroVersion    = "1.12.2"
	ZstdJNIVersion = "1.5.7-17"
)

// EnvJar overrides the avro-tools jar.
const EnvJar = "AVROCTL_AVRO_TOOLS_JAR"

// ErrUnavailable is wrapped by errors that mean "this machine cannot run
// avro-tools" (no java, no jar and no mvn to fetch it), which a test skips
// on unless it is told Java is required.
var ErrUnavailable = errors.New("avro-tools unavailable")

// Jars says where the jars are.
type Jars struct {
	// Tools is the avro-tools jar.
	Tools string
	// ZstdJNI is the zstd-jni jar, "" when it could not be had (zstandard
	// then cannot be compared).
	ZstdJNI string
}

// Classpath is Tools and ZstdJNI joined for java -cp.
func (j Jars) Classpath() string {
	if j.ZstdJNI == "" {
		return j.Tools
	}
	return j.Tools + string(os.PathListSeparator) + j.ZstdJNI
}

// Find returns the jars, fetching any that are missing with
// `mvn dependency:get` (once; a few seconds and about 60 MB). logf, when
// not nil, is told before a download starts.
func Find(ctx context.Context, logf func(format string, args ...any)) (Jars, error) {
	if _, err := exec.LookPath("java"); err != nil {
		return Jars{}, fmt.Errorf("%w: java not found; install Java 17+ to compare with avro-tools", ErrUnavailable)
	}
	var j Jars
	if env := os.Getenv(EnvJar); env != "" {
		if _, err := os.Stat(env); err != nil {
			return Jars{}, fmt.Errorf("$%s: %v", EnvJar, err)
		}
		j.Tools = env
	} else {
		tools, err := artifact(ctx, logf, "org.apache.avro", "avro-tools", AvroVersion)
		if err != nil {
			return Jars{}, err
		}
		j.Tools = tools
	}
	// zstd-jni is optional: without it only the zstandard comparison is
	// lost, which the caller reports.
	if z, err := artifact(ctx, logf, "com.github.luben", "zstd-jni", ZstdJNIVersion); err == nil {
		j.ZstdJNI = z
	}
	return j, nil
}

// artifact returns the path of group:name:version's jar in the local Maven
// repository, fetching it first when it is not there.
func artifact(ctx context.Context, logf func(string, ...any), group, name, version string) (string, error) {
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("%w: no home directory for ~/.m2 (%v); set $%s", ErrUnavailable, err, EnvJar)
	}
	jar := filepath.Join(append([]string{home, ".m2", "repository"},
		append(splitDots(group), name, version, name+"-"+version+".jar")...)...)
	if _, err := os.Stat(jar); err == nil {
		return jar, nil
	}
	mvn, err := exec.LookPath("mvn")
	if err != nil {
		return "", fmt.Errorf("%w: %s is not in ~/.m2 and mvn is not on PATH to fetch it; install Maven or set $%s", ErrUnavailable, name+"-"+version+".jar", EnvJar)
	}
	if logf != nil {
		logf("avrotools: fetching %s:%s:%s from Maven Central into ~/.m2 (once)", group, name, version)
	}
	// -Dtransitive=false: avro-tools is a shaded jar that needs nothing
	// else, and zstd-jni has no dependencies.
	cmd := exec.CommandContext(ctx, mvn, "-B", "-q", "dependency:get",
		"-Dartifact="+group+":"+name+":"+version, "-Dtransitive=false")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("mvn dependency:get %s:%s:%s failed: %v\n%s", group, name, version, err, out.Bytes())
	}
	if _, err := os.Stat(jar); err != nil {
		return "", fmt.Errorf("mvn fetched %s:%s:%s but %s is not there (a non-default local repository? set $%s)", group, name, version, jar, EnvJar)
	}
	return jar, nil
}

func splitDots(s string) []string {
	var out []string
	start := 0
	for i := 0; i < len(s); i++ {
		if s[i] == '.' {
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}
