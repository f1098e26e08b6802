package javaharness

import (
	"os"
	"os/exec"
	"sync"
	"testing"
)

// RequireEnv is the environment variable that turns "Java is unavailable"
// skips into failures. CI sets it to 1.
const RequireEnv = "AVROCTL_REQUIRE_JAVA"

var shared struct {
	buildOnce, startOnce sync.Once

	h    *Harness
	jar  string
	err  error
	skip string // non-empty: the environment lacks Java; why
}

// Jar builds the jar if needed and returns its path, or skips tb (fails it
// under AVROCTL_REQUIRE_JAVA=1) when the toolchain is missing.
func Jar(tb testing.TB) string {
	tb.Helper()
	buildJar()
	unavailable(tb)
	return shared.jar
}

// Shared returns the test binary's one running harness, starting it on first
// use. Without java (or without mvn when the jar must be built) it skips tb,
// unless AVROCTL_REQUIRE_JAVA=1, in which case it fails tb. The JVM exits
// when the test binary closes its stdin at exit; call CloseShared from
// TestMain to stop it explicitly.
func Shared(tb testing.TB) *Harness {
	tb.Helper()
	buildJar()
	if shared.skip == "" && shared.err == nil {
		shared.startOnce.Do(func() { shared.h, shared.err = Start(shared.jar) })
	}
	unavailable(tb)
	return shared.h
}

// CloseShared stops the shared harness, if one was started.
func CloseShared() {
	if shared.h != nil {
		shared.h.Close()
	}
}

func buildJar() {
	shared.buildOnce.Do(func() {
		if _, err := exec.LookPath("java"); err != nil {
			shared.skip = "java is not on PATH (install a JDK 17+ to run the reference interop tests)"
			return
		}
		dir, err := JavaDir()
		if err != nil {
			shared.err = err
			return
		}
		if fresh, _ := jarIsFresh(dir, JarPath(dir)); !fresh {
			if _, err := exec.LookPath("mvn"); err != nil {
				shared.skip = "mvn is not on PATH and " + JarPath(dir) + " is missing or stale (install Maven 3.8+)"
				return
			}
		}
		if shared.jar, err = Build(dir); err != nil {
			// Most often an offline machine with a cold ~/.m2.
			shared.skip = err.Error()
		}
	})
}

func unavailable(tb testing.TB) {
	tb.Helper()
	if shared.err != nil {
		tb.Fatal(shared.err)
	}
	if shared.skip != "" {
		if os.Getenv(RequireEnv) == "1" {
			tb.Fatalf("reference Java harness unavailable and %s=1: %s", RequireEnv, shared.skip)
		}
		tb.Skipf("reference Java harness unavailable: %s (set %s=1 to make this a failure)", shared.skip, RequireEnv)
	}
}
