//go:build mage

// The avroctl build: `go run mage.go <target>`, no install needed.
package main

// Targets are thin: they build bin/avroctl and run it, so that a laptop and
// every CI job run the same commands. (Mage caches the compiled magefile by
// the magefile's own hash only; a magefile that imported gen/ directly would
// run stale code after a change to gen/. Building the CLI lets `go build`
// decide what is stale. The one package it imports, gen/magetargets/magerun,
// only runs processes; after editing it, `go run mage.go -f` recompiles.)
//
// Environment:
//
//	REGISTRY_URL                 use this registry instead of the embedded one
//	REGISTRY_USERNAME/PASSWORD   basic auth for it (or REGISTRY_TOKEN for bearer)
//	KAFKA_BOOTSTRAP_SERVERS      the cluster of kafkaPlan/kafkaApply (with KAFKA_SASL_*, KAFKA_TLS*)
//	AVROCTL_CONFORMANCE          the conformance folder (default ../shared/conformance)
//	FUZZTIME                     time per fuzz target in `test` (default 4s)
//	FUZZ_GOTOOLCHAIN             the Go that runs the fuzzers (default: GOTOOLCHAIN when set, else go1.27.3; see fuzzToolchain)

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/magefile/mage/mg"

	"gitlab.com/acme/avroctl/gen/magetargets/magerun"
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
	if _, err := os.Stat(avroctl); err != nil {
		magerun.Step("building %s (the first build compiles avroctl and its dependencies)", avroctl)
	}
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

// Test checks that every Go file is gofmt'd, runs vet and the unit tests of
// every module, then each fuzz target for a short bounded time (FUZZTIME,
// default 4s).
func Test() error {
	mg.Deps(Build)
	magerun.Step("test: gofmt -l")
	// gofmt from the toolchain that runs the build: PATH may hold only go.
	goroot, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		return fmt.Errorf("go env GOROOT: %v", err)
	}
	out, err := exec.Command(filepath.Join(strings.TrimSpace(string(goroot)), "bin", "gofmt"), "-l", ".").CombinedOutput()
	if err != nil {
		return fmt.Errorf("gofmt -l: %v\n%s", err, out)
	}
	if files := strings.TrimSpace(string(out)); files != "" {
		return fmt.Errorf("these files are not gofmt'd; run gofmt -w on them:\n%s", files)
	}
	for _, dir := range []string{".", "events", "kafka", "examples", "bench"} {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err != nil {
			continue
		}
		magerun.Step("test: go vet and go test in %s", dir)
		if err := runIn(dir, "go", "vet", "./..."); err != nil {
			return err
		}
		// The Kafka proofs take minutes on a busy runner: past go test's
		// default 10 minute limit there.
		if err := runIn(dir, "go", "test", "-count=1", "-timeout", "30m", "./..."); err != nil {
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

// Demo runs the example flow on a local Kafka 4.4 and the embedded registry,
// with the services built from this checkout, and prints what happened:
// payments published, orders made, duplicates skipped, poison records
// dead-lettered, inspected, and replayed after the fix (examples/cmd/demo).
// It needs Go and Java 17; the first run fetches Kafka's jars.
func Demo() error {
	return runIn("examples", "go", "run", "./cmd/demo")
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
	ref := magerun.MergeBase()
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

// KafkaPlan prints what `avroctl kafka apply` would change on the cluster
// (KAFKA_BOOTSTRAP_SERVERS) and the registry; it writes reports/kafka-plan.json
// for kafkaApply. It fails only on an error: changes are the point.
func KafkaPlan() error {
	mg.SerialDeps(Generate)
	if os.Getenv("KAFKA_BOOTSTRAP_SERVERS") == "" {
		return fmt.Errorf("kafkaPlan: set KAFKA_BOOTSTRAP_SERVERS (and KAFKA_SASL_*/KAFKA_TLS* as the cluster needs)")
	}
	if err := os.MkdirAll("reports", 0o755); err != nil {
		return err
	}
	return withRegistry(func(url string) error {
		err := run(avroctl, "kafka", "plan", "--url", url, "--out", filepath.Join("reports", "kafka-plan.json"))
		if err != nil && mg.ExitStatus(err) == 1 {
			return nil // the plan has changes
		}
		return err
	})
}

// KafkaApply applies reports/kafka-plan.json (from kafkaPlan), or plans
// and applies when there is none.
func KafkaApply() error {
	mg.SerialDeps(Generate)
	args := []string{"kafka", "apply"}
	if _, err := os.Stat(filepath.Join("reports", "kafka-plan.json")); err == nil {
		args = append(args, "--plan", filepath.Join("reports", "kafka-plan.json"))
	}
	return withRegistry(func(url string) error {
		return run(avroctl, append(args, "--url", url)...)
	})
}

// Release tags the next events/vX.Y.Z from the schema change since the last tag.
func Release() error {
	mg.SerialDeps(Generate)
	return run(avroctl, "release", "--tag")
}

// Tags recreates the events/v* tags a clone lacks from events/CHANGELOG.md,
// each at the commit that added its entry.
func Tags() error {
	mg.Deps(Build)
	return run(avroctl, "release", "--restore-tags")
}

// Bench runs the codec benchmarks against the peers and prints ratios.
// The end-to-end Kafka benchmark is BenchKafka: it needs a broker and takes
// minutes.
func Bench() error {
	return runIn("bench", "go", "test", "-run", "^$", "-bench", ".", "-benchmem", ".")
}

// BenchKafka runs the end-to-end benchmark through a Kafka 4.4 broker (the
// typed runtime, raw franz-go, franz-go sr.Serde with hamba) in interleaved
// rounds and prints the medians and the paired ratios (bench/cmd/e2eratios).
func BenchKafka() error {
	return runIn("bench", "go", "run", "./cmd/e2eratios", "-rounds", "4", "-benchtime", "100000x")
}

// CiLocal runs the merge-request pipeline of .gitlab-ci.yml locally with
// gitlab-ci-local (installed on demand with npm), then the adoption test: a
// repository made by `avroctl init` runs its targets and the CI template.
func CiLocal() error {
	return runIn("ci", "go", "test", "-count=1", "-timeout", "30m", "-run", "^(TestGitLabPipeline|TestInitRepo)$", "-v", "./...")
}

// fuzzToolchain is the Go that runs the fuzzers. Go 1.26's fuzz coordinator
// has a race at the end of a -fuzztime duration (go.dev/issue/75804): when
// its deadline fires, a worker's shutdown can be reported as
// "context deadline exceeded" and fail the target, with no failing input
// found. Go 1.27 fixed it. A count budget (-fuzztime Nx) has no deadline, but
// our targets run at 90 to 90,000 execs/s, so no single count fits them all;
// the fixed Go keeps the time budget. The go command fetches this toolchain
// from the module proxy once (about 76 MB). A GOTOOLCHAIN the user set
// (GOTOOLCHAIN=local on an offline machine) is respected, never overridden;
// FUZZ_GOTOOLCHAIN picks the fuzzing Go alone.
const fuzzToolchain = "go1.27.3"

// fuzzAll runs each Fuzz target of the root module for FUZZTIME.
func fuzzAll() error {
	fuzztime := os.Getenv("FUZZTIME")
	if fuzztime == "" {
		fuzztime = "4s"
	}
	magerun.Step("fuzz: listing the fuzz targets (compiles each package's tests)")
	out, err := exec.Command("go", "test", "-list", "^Fuzz", "./...").Output()
	if err != nil {
		return fmt.Errorf("listing fuzz targets: %v", err)
	}
	var env []string // nil: the user's own GOTOOLCHAIN, or none
	toolchain := os.Getenv("FUZZ_GOTOOLCHAIN")
	switch {
	case toolchain != "":
		env = []string{"GOTOOLCHAIN=" + toolchain}
	case os.Getenv("GOTOOLCHAIN") != "":
		toolchain = os.Getenv("GOTOOLCHAIN")
	default:
		toolchain = fuzzToolchain
		env = []string{"GOTOOLCHAIN=" + toolchain}
		// Offline machines cannot fetch it: fall back to the machine's Go
		// and say so, rather than fail the whole test run.
		magerun.Step("fuzz: checking that %s is available (fetched once, about 76 MB)", toolchain)
		check := exec.Command("go", "version")
		check.Env = append(os.Environ(), env...)
		if out, err := check.CombinedOutput(); err != nil {
			fmt.Fprintf(os.Stderr, "fuzz: cannot fetch %s (%s); fuzzing with the machine's Go, which may report a spurious \"context deadline exceeded\" (go.dev/issue/75804)\n",
				toolchain, strings.TrimSpace(string(out)))
			toolchain, env = "local", []string{"GOTOOLCHAIN=local"}
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
				magerun.Step("fuzz: %s in %s for %s (GOTOOLCHAIN=%s)", n, f[1], fuzztime, toolchain)
				if err := runEnv(".", env, "go", "test", "-run", "^$", "-fuzz", "^"+n+"$", "-fuzztime", fuzztime, f[1]); err != nil {
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

func run(name string, args ...string) error { return magerun.Run(name, args...) }

func runIn(dir, name string, args ...string) error { return magerun.RunIn(dir, name, args...) }

func runEnv(dir string, env []string, name string, args ...string) error {
	return magerun.RunEnv(dir, env, name, args...)
}

func withRegistry(fn func(url string) error) error { return magerun.WithRegistry(avroctl, fn) }
