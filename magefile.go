//go:build mage

// The avroctl build: `go run mage.go <target>`, no install needed.
package main

// Targets are thin: they build bin/avroctl and run it, so that a laptop and
// every CI job run the same commands. (Mage caches the compiled magefile by
// the magefile's own hash only; a magefile that imported gen/ directly would
// run stale code after a change to gen/. Building the CLI lets `go build`
// decide what is stale.)
//
// Environment:
//
//	REGISTRY_URL                 use this registry instead of the embedded one
//	REGISTRY_USERNAME/PASSWORD   basic auth for it (or REGISTRY_TOKEN for bearer)
//	AVROCTL_CONFORMANCE          the conformance folder (default ../shared/conformance)
//	FUZZTIME                     time per fuzz target in `test` (default 4s)
//	FUZZ_GOTOOLCHAIN             the Go that runs the fuzzers (default go1.27.3, see fuzzToolchain)

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/magefile/mage/mg"
)

// Default is the whole pipeline on the embedded registry.
var Default = All

// Aliases: mage target names cannot hold a hyphen; `ci-local` is the name
// the pipeline's documentation uses.
var Aliases = map[string]interface{}{
	"ci-local": CiLocal,
}

const avroctl = "bin/avroctl"

// All runs the pipeline: compile, generate, lint, the offline compatibility gate,
// then registration and a compatibility test on the embedded registry
// (or on REGISTRY_URL when set).
func All() error {
	mg.SerialDeps(Generate, Lint, Compat)
	return withRegistry(func(url string) error {
		if err := run(avroctl, "registry", "test", "--url", url); err != nil {
			return err
		}
		return run(avroctl, "registry", "register", "--url", url)
	})
}

// Build builds bin/avroctl (incremental).
func Build() error {
	return run("go", "build", "-o", avroctl, "./tools/avroctl")
}

// Compile compiles idl/*.avdl into schemas/*.avsc (incremental).
func Compile() error {
	mg.Deps(Build)
	return run(avroctl, "compile")
}

// Generate compiles the IDL and generates the events module (incremental).
func Generate() error {
	mg.SerialDeps(Compile)
	return run(avroctl, "generate")
}

// Verify fails, naming the stale files, when committed generated output
// (schemas/, events/) is not what the sources produce.
func Verify() error {
	mg.Deps(Build)
	if err := run(avroctl, "compile", "--check"); err != nil {
		return err
	}
	return run(avroctl, "generate", "--check")
}

// Test runs vet and the unit tests of every module, then each fuzz target
// for a short bounded time (FUZZTIME, default 4s).
func Test() error {
	mg.Deps(Build)
	for _, dir := range []string{".", "events", "kafka", "examples", "bench"} {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err != nil {
			continue
		}
		if err := runIn(dir, "go", "vet", "./..."); err != nil {
			return err
		}
		if err := runIn(dir, "go", "test", "-count=1", "./..."); err != nil {
			return err
		}
	}
	return fuzzAll()
}

// Kafka runs a local Apache Kafka 4.4.0 broker (KRaft, one node, on a free
// 127.0.0.1 port), the one the tests use: it prints the bootstrap address
// and stops the broker on Ctrl-C. The first run fetches the jars from Maven
// Central into the user cache (AVROCTL_KAFKA_JARS overrides where).
// KAFKA_ARGS passes flags, e.g. KAFKA_ARGS="-brokers 3 -auto-create".
func Kafka() error {
	return run("go", append([]string{"run", "./gen/kafkatest/cmd/kafka"}, strings.Fields(os.Getenv("KAFKA_ARGS"))...)...)
}

// Fuzz runs every fuzz target for FUZZTIME each.
func Fuzz() error { return fuzzAll() }

// Conformance runs the shared reference suites (IDL, real-world IDL,
// compatibility) against avroctl, then the generated-code check on every
// standalone real-world schema.
func Conformance() error {
	mg.Deps(Build)
	if err := run(avroctl, "conformance", "--dir", conformanceDir()); err != nil {
		return err
	}
	// Generated code for every standalone real-world schema: encode random
	// values, compare the bytes with twmb/avro's, decode them back.
	rw, err := filepath.Abs(filepath.Join(conformanceDir(), "idl-realworld", "outputs"))
	if err != nil {
		return err
	}
	if _, err := os.Stat(rw); err != nil {
		fmt.Println("conformance: no real-world outputs beside the project; generated-code check skipped")
		return nil
	}
	return runEnv(".", []string{"AVROCTL_GEN_REALWORLD=" + rw}, "go", "test", "-count=1", "-timeout", "30m",
		"-run", "^TestGeneratedCodeRuns$", "./gen/golang")
}

// Interop runs the interop modules: the Java reference harness (Maven) and
// the third-party registry (AxonOps) with the Go registry clients.
func Interop() error {
	for _, dir := range []string{"interop", "interop/registry"} {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err != nil {
			continue
		}
		if err := runIn(dir, "go", "test", "-count=1", "-timeout", "30m", "./..."); err != nil {
			return err
		}
	}
	return nil
}

// Compat checks schemas/ against the merge-base with the default branch
// (or HEAD) and the release tags, offline.
func Compat() error {
	mg.Deps(Build)
	ref := mergeBase()
	if ref == "" {
		fmt.Println("compat: no git history to compare against; skipped")
		return nil
	}
	return run(avroctl, "breaking", "--against", ref)
}

// Lint checks idl/ against the lint rules avroctl.yaml selects.
func Lint() error {
	mg.Deps(Build)
	return run(avroctl, "lint")
}

// Register registers schemas/ on REGISTRY_URL, or on the embedded registry.
func Register() error {
	mg.SerialDeps(Generate)
	return withRegistry(func(url string) error {
		return run(avroctl, "registry", "register", "--url", url)
	})
}

// Release tags the next events/vX.Y.Z from the schema change since the last tag.
func Release() error {
	mg.SerialDeps(Generate)
	return run(avroctl, "release", "--tag")
}

// Bench runs the benchmarks against the peers and prints ratios.
func Bench() error {
	return runIn("bench", "go", "test", "-run", "^$", "-bench", ".", "-benchmem", "./...")
}

// CiLocal runs the merge-request pipeline of .gitlab-ci.yml locally with
// gitlab-ci-local (installed on demand with npm).
func CiLocal() error {
	return runIn("ci", "go", "test", "-count=1", "-run", "TestGitLabPipeline", "-v", "./...")
}

// withRegistry runs fn with a registry URL: REGISTRY_URL when set, else an
// embedded registry started for the duration on a free loopback port, with
// its data under .avroctl/registry (git-ignored, kept between runs).
func withRegistry(fn func(url string) error) error {
	if url := os.Getenv("REGISTRY_URL"); url != "" {
		return fn(url)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	addr := l.Addr().String()
	l.Close()
	cmd := exec.Command(avroctl, "registry", "serve", "--listen", addr, "--data", ".avroctl/registry")
	var logs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		return err
	}
	defer func() {
		cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			cmd.Process.Kill()
		}
	}()
	url := "http://" + addr
	if err := waitHTTP(url+"/subjects", 10*time.Second); err != nil {
		return fmt.Errorf("embedded registry did not start: %v\n%s", err, logs.String())
	}
	if mg.Verbose() {
		fmt.Println("embedded registry on", url)
	}
	return fn(url)
}

func waitHTTP(url string, limit time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
			return nil
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// fuzzToolchain is the Go that runs the fuzzers. Go 1.26's fuzz coordinator
// has a race at the end of a -fuzztime duration (go.dev/issue/75804): when
// its deadline fires, a worker's shutdown can be reported as
// "context deadline exceeded" and fail the target, with no failing input
// found. Go 1.27 fixed it. A count budget (-fuzztime Nx) has no deadline, but
// our targets run at 90 to 90,000 execs/s, so no single count fits them all;
// the fixed Go keeps the time budget. The go command fetches this toolchain
// from the module proxy once (about 76 MB); FUZZ_GOTOOLCHAIN=local uses the
// machine's Go instead.
const fuzzToolchain = "go1.27.3"

// fuzzAll runs each Fuzz target of the root module for FUZZTIME.
func fuzzAll() error {
	fuzztime := os.Getenv("FUZZTIME")
	if fuzztime == "" {
		fuzztime = "4s"
	}
	out, err := exec.Command("go", "test", "-list", "^Fuzz", "./...").Output()
	if err != nil {
		return fmt.Errorf("listing fuzz targets: %v", err)
	}
	toolchain := os.Getenv("FUZZ_GOTOOLCHAIN")
	if toolchain == "" {
		toolchain = fuzzToolchain
		// Offline machines cannot fetch it: fall back to the machine's Go
		// and say so, rather than fail the whole test run.
		check := exec.Command("go", "version")
		check.Env = append(os.Environ(), "GOTOOLCHAIN="+toolchain)
		if out, err := check.CombinedOutput(); err != nil {
			fmt.Fprintf(os.Stderr, "fuzz: cannot fetch %s (%s); fuzzing with the machine's Go, which may report a spurious \"context deadline exceeded\" (go.dev/issue/75804)\n",
				toolchain, strings.TrimSpace(string(out)))
			toolchain = "local"
		}
	}
	// The listing prints target names, then "ok  <package>" for each package.
	var names []string
	for _, line := range strings.Split(string(out), "\n") {
		f := strings.Fields(line)
		switch {
		case len(f) == 1 && strings.HasPrefix(f[0], "Fuzz"):
			names = append(names, f[0])
		case len(f) >= 2 && f[0] == "ok":
			for _, n := range names {
				if err := runEnv(".", []string{"GOTOOLCHAIN=" + toolchain}, "go", "test", "-run", "^$", "-fuzz", "^"+n+"$", "-fuzztime", fuzztime, f[1]); err != nil {
					return err
				}
			}
			names = nil
		}
	}
	return nil
}

func conformanceDir() string {
	if d := os.Getenv("AVROCTL_CONFORMANCE"); d != "" {
		return d
	}
	return filepath.Join("..", "shared", "conformance")
}

// mergeBase is the commit to gate against: the merge-base with the target
// branch in a GitLab merge request, else with origin's default branch, else
// the previous commit.
func mergeBase() string {
	for _, ref := range []string{os.Getenv("CI_MERGE_REQUEST_DIFF_BASE_SHA"), "origin/main", "HEAD~1"} {
		if ref == "" {
			continue
		}
		if out, err := exec.Command("git", "merge-base", "HEAD", ref).Output(); err == nil {
			return strings.TrimSpace(string(out))
		}
	}
	return ""
}

func run(name string, args ...string) error { return runIn(".", name, args...) }

func runIn(dir, name string, args ...string) error { return runEnv(dir, nil, name, args...) }

// runEnv runs name in dir with env added to the environment.
func runEnv(dir string, env []string, name string, args ...string) error {
	if mg.Verbose() {
		fmt.Printf("+ (%s) %s %s %s\n", dir, strings.Join(env, " "), name, strings.Join(args, " "))
	}
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	if env != nil {
		cmd.Env = append(os.Environ(), env...)
	}
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	err := cmd.Run()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return mg.Fatalf(exit.ExitCode(), "%s %s: exit %d", name, strings.Join(args, " "), exit.ExitCode())
	}
	return err
}
