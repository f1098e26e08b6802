package kafkatest

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// Version is the Apache Kafka release the fixture runs.
const Version = "4.4.0"

// slf4jVersion is the SLF4J binding put beside Kafka's jars: Kafka ships
// slf4j-api only and leaves the binding to the distribution. slf4j-simple
// writes one line per event to stderr, which the fixture keeps in its log
// file and scans for readiness, with no logging config file to write.
// slf4j-api is declared at the same version because Maven's nearest-wins
// would otherwise keep Kafka's slf4j-api 1.7, which does not see a 2.x
// binding and silently logs nothing.
const slf4jVersion = "2.0.17"

// mavenDependencyPlugin is pinned so that a fetch does the same thing on
// every machine whatever Maven's default plugin version is.
const mavenDependencyPlugin = "3.8.1"

// EnvJarDir overrides where the jars are cached (default: the user cache
// directory, see JarDir).
const EnvJarDir = "AVROCTL_KAFKA_JARS"

// pom is the project whose runtime dependencies are Kafka's classpath.
var pom = `<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>com.acme.avroctl</groupId>
  <artifactId>kafkatest-classpath</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka_2.13</artifactId><version>` + Version + `</version></dependency>
    <dependency><groupId>org.slf4j</groupId><artifactId>slf4j-api</artifactId><version>` + slf4jVersion + `</version></dependency>
    <dependency><groupId>org.slf4j</groupId><artifactId>slf4j-simple</artifactId><version>` + slf4jVersion + `</version></dependency>
  </dependencies>
  <build>
    <plugins>
      <plugin><groupId>org.apache.maven.plugins</groupId><artifactId>maven-dependency-plugin</artifactId><version>` + mavenDependencyPlugin + `</version></plugin>
    </plugins>
  </build>
</project>
`

// JarDir returns the directory the Kafka jars are cached in: $AVROCTL_KAFKA_JARS
// when set, else <user cache dir>/avroctl/kafka-<Version> (on Linux
// $XDG_CACHE_HOME or ~/.cache).
func JarDir() (string, error) {
	if d := os.Getenv(EnvJarDir); d != "" {
		return filepath.Abs(d)
	}
	base, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("kafkatest: no cache directory for the Kafka jars (%v); set %s", err, EnvJarDir)
	}
	return filepath.Join(base, "avroctl", "kafka-"+Version), nil
}

// FetchResult says where the jars are and whether this call downloaded them.
type FetchResult struct {
	Dir     string
	Fetched bool          // false when the cache already held them
	Took    time.Duration // time spent fetching (0 when cached)
}

// completeMarker is written last into a finished jar directory: a directory
// without it is never used (it cannot be, since directories appear by
// rename only after the marker is written, but a hand-made one could).
const completeMarker = "COMPLETE"

// FetchJars makes sure the Kafka jars are in the cache, fetching them once
// from Maven Central with `mvn dependency:copy-dependencies`. It is safe to
// call from several processes at once: a lock file makes the others wait
// for the first fetch, and the jars are fetched into a temporary directory
// renamed into place only when complete, so a killed fetch leaves nothing
// a later call would mistake for a cache.
func FetchJars(ctx context.Context, logf func(format string, args ...any)) (FetchResult, error) {
	dir, err := JarDir()
	if err != nil {
		return FetchResult{}, err
	}
	if complete(dir) {
		return FetchResult{Dir: dir}, nil
	}
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return FetchResult{}, fmt.Errorf("kafkatest: jar cache: %v", err)
	}
	unlock, err := lockFile(ctx, dir+".lock")
	if err != nil {
		return FetchResult{}, fmt.Errorf("kafkatest: locking the jar cache: %v", err)
	}
	defer unlock()
	if complete(dir) { // another process fetched while we waited
		return FetchResult{Dir: dir}, nil
	}
	mvn, err := exec.LookPath("mvn")
	if err != nil {
		return FetchResult{}, &MissingToolError{Tool: "mvn", Why: "the Kafka jars are not cached in " + dir + " and Maven fetches them"}
	}
	start := time.Now()
	if logf != nil {
		logf("kafkatest: fetching Apache Kafka %s jars from Maven Central into %s (once, about 43 MB)", Version, dir)
	}
	tmp, err := os.MkdirTemp(filepath.Dir(dir), ".kafka-fetch-")
	if err != nil {
		return FetchResult{}, fmt.Errorf("kafkatest: jar cache: %v", err)
	}
	defer os.RemoveAll(tmp) // after a successful rename this removes nothing
	if err := os.WriteFile(filepath.Join(tmp, "pom.xml"), []byte(pom), 0o644); err != nil {
		return FetchResult{}, fmt.Errorf("kafkatest: %v", err)
	}
	libs := filepath.Join(tmp, "libs")
	cmd := exec.CommandContext(ctx, mvn, "-B", "-q", "-f", filepath.Join(tmp, "pom.xml"),
		"org.apache.maven.plugins:maven-dependency-plugin:"+mavenDependencyPlugin+":copy-dependencies",
		"-DincludeScope=runtime", "-DoutputDirectory="+libs)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return FetchResult{}, fmt.Errorf("kafkatest: mvn dependency:copy-dependencies for kafka_2.13:%s failed: %v\n%s", Version, err, tail(out.Bytes(), 4000))
	}
	jars, _ := filepath.Glob(filepath.Join(libs, "*.jar"))
	if !hasJar(jars, "kafka_2.13-"+Version+".jar") || !hasJar(jars, "slf4j-simple-"+slf4jVersion) || !hasJar(jars, "slf4j-api-"+slf4jVersion) {
		return FetchResult{}, fmt.Errorf("kafkatest: Maven finished but %s lacks kafka_2.13-%s.jar or the slf4j %s jars", libs, Version, slf4jVersion)
	}
	if err := os.WriteFile(filepath.Join(libs, completeMarker), []byte(Version+"\n"), 0o644); err != nil {
		return FetchResult{}, fmt.Errorf("kafkatest: %v", err)
	}
	if err := os.Rename(libs, dir); err != nil {
		if complete(dir) { // cannot happen under the lock, but harmless
			return FetchResult{Dir: dir}, nil
		}
		if _, statErr := os.Stat(dir); statErr == nil {
			return FetchResult{}, fmt.Errorf("kafkatest: %s exists but is not a complete jar cache (no %s file): remove it and run again", dir, completeMarker)
		}
		return FetchResult{}, fmt.Errorf("kafkatest: jar cache: %v", err)
	}
	return FetchResult{Dir: dir, Fetched: true, Took: time.Since(start)}, nil
}

func complete(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, completeMarker))
	return err == nil
}

func hasJar(jars []string, prefix string) bool {
	for _, j := range jars {
		if strings.HasPrefix(filepath.Base(j), prefix) {
			return true
		}
	}
	return false
}

// tail returns the last n bytes of b, on a line boundary when possible.
func tail(b []byte, n int) []byte {
	if len(b) <= n {
		return b
	}
	b = b[len(b)-n:]
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		b = b[i+1:]
	}
	return b
}

// MissingToolError says which program the fixture needs and how to get it.
type MissingToolError struct {
	Tool, Why string
}

func (e *MissingToolError) Error() string {
	switch e.Tool {
	case "java":
		return "kafkatest: Java not found (" + e.Why + "); install Java 17+ (apt-get install openjdk-17-jre-headless) or set JAVA_HOME to run the Kafka tests"
	default:
		return "kafkatest: " + e.Tool + " not found (" + e.Why + "); install Maven (apt-get install maven) or put the jars in $" + EnvJarDir + " to run the Kafka tests"
	}
}
