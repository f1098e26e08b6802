package ci

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// gitlabCILocal is pinned: 4.70.1 runs on Node 20 (4.75 needs Node 22).
const gitlabCILocal = "gitlab-ci-local@4.70.1"

// TestGitLabPipeline runs merge-request jobs of .gitlab-ci.yml in a scratch
// clone of this repository:
//   - a deliberately breaking schema change must fail test-compatibility,
//     with the finding in the junit report;
//   - an optional field without a default must fail lint, with the finding
//     in the Code Quality report;
//   - a compatible change must make release choose the next minor version
//     (baseline events/v2.0.0, restored from the changelog, so v2.1.0);
//   - the kafka-plan job must report the plan of the desired state against
//     a real broker (gen/kafkatest's Kafka 4.4; skipped without Java).
func TestGitLabPipeline(t *testing.T) {
	for _, tool := range []string{"git", "npx", "rsync", "go"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed (gitlab-ci-local needs node/npm, rsync and git)", tool)
		}
	}
	top := strings.TrimSpace(run(t, "..", "git", "rev-parse", "--show-toplevel"))

	t.Run("breaking change fails test-compatibility", func(t *testing.T) {
		dir := scratchClone(t, top)
		base := strings.TrimSpace(run(t, dir, "git", "rev-parse", "HEAD"))
		applyFixture(t, dir, "breaking")
		out, err := gitlabJob(t, dir, "test-compatibility", base)
		if err == nil {
			t.Fatalf("test-compatibility passed on a breaking change:\n%s", out)
		}
		junit, rerr := os.ReadFile(filepath.Join(dir, "reports", "compat-junit.xml"))
		if rerr != nil {
			t.Fatalf("no junit report: %v\n%s", rerr, out)
		}
		if !bytes.Contains(junit, []byte("READER_FIELD_MISSING_DEFAULT_VALUE")) || !bytes.Contains(junit, []byte("<failure")) {
			t.Fatalf("junit report lacks the finding:\n%s", junit)
		}
	})

	t.Run("lint finding fails the lint job", func(t *testing.T) {
		dir := scratchClone(t, top)
		applyFixture(t, dir, "lint")
		out, err := gitlabJob(t, dir, "lint", "")
		if err == nil {
			t.Fatalf("lint passed on an optional field without a default:\n%s", out)
		}
		cq, rerr := os.ReadFile(filepath.Join(dir, "reports", "gl-code-quality-lint.json"))
		if rerr != nil {
			t.Fatalf("no code quality report: %v\n%s", rerr, out)
		}
		if !bytes.Contains(cq, []byte(`"check_name": "OPTIONAL_FIELD_DEFAULT"`)) || !bytes.Contains(cq, []byte(`"path": "idl/orders/orders.avdl"`)) {
			t.Fatalf("code quality report lacks the located finding:\n%s", cq)
		}
	})

	t.Run("compatible change releases the next minor version", func(t *testing.T) {
		dir := scratchClone(t, top)
		// Start from the history the changelog records: a clone has no
		// release tags, so they are recreated, as a new clone would.
		for _, tag := range strings.Fields(run(t, dir, "git", "tag", "--list", "events/*")) {
			run(t, dir, "git", "tag", "-d", tag)
		}
		run(t, dir, "go", "run", "mage.go", "tags")
		applyFixture(t, dir, "compatible")
		out, err := gitlabJob(t, dir, "release", "")
		if err != nil {
			t.Fatalf("release failed: %v\n%s", err, out)
		}
		tags := run(t, dir, "git", "tag", "--list", "events/*")
		if !strings.Contains(tags, "events/v2.1.0") {
			t.Fatalf("release did not tag events/v2.1.0; tags:\n%s\njob output:\n%s", tags, out)
		}
	})

	t.Run("kafka-plan reports the plan against a real broker", func(t *testing.T) {
		bootstrap := startKafka(t, top)
		dir := scratchClone(t, top)
		// A desired state for one broker (the example's asks for 3), with
		// no services (this broker has no authorizer) and no events (no
		// registry needed).
		state := "topics:\n  orders:\n    partitions: 3\n    replication: 1\n    configs:\n      retention.ms: \"86400000\"\n"
		if err := os.WriteFile(filepath.Join(dir, "kafka-state.yaml"), []byte(state), 0o644); err != nil {
			t.Fatal(err)
		}
		run(t, dir, "git", "commit", "--quiet", "-am", "fixture: kafka state")
		out, err := gitlabJob(t, dir, "kafka-plan", "", "KAFKA_BOOTSTRAP_SERVERS="+bootstrap)
		if err != nil {
			t.Fatalf("kafka-plan failed: %v\n%s", err, out)
		}
		junit, rerr := os.ReadFile(filepath.Join(dir, "reports", "kafka-plan-junit.xml"))
		if rerr != nil {
			t.Fatalf("no junit report: %v\n%s", rerr, out)
		}
		if !bytes.Contains(junit, []byte(`name="TOPIC_CREATE topic orders"`)) {
			t.Fatalf("junit report lacks the planned topic:\n%s", junit)
		}
		if _, err := os.Stat(filepath.Join(dir, "reports", "kafka-plan.json")); err != nil {
			t.Fatalf("no saved plan: %v\n%s", err, out)
		}
	})
}

// startKafka runs gen/kafkatest's broker (./gen/kafkatest/cmd/kafka)
// until the test ends and returns its bootstrap address. It skips when the
// tree has no such command or the machine no Java.
func startKafka(t *testing.T, top string) string {
	t.Helper()
	if _, err := os.Stat(filepath.Join(top, "gen", "kafkatest", "cmd", "kafka")); err != nil {
		t.Skip("gen/kafkatest/cmd/kafka is not in this tree")
	}
	if _, err := exec.LookPath("java"); err != nil {
		t.Skip("java is not installed")
	}
	tmp := t.TempDir()
	addrFile := filepath.Join(tmp, "bootstrap")
	// Built, not 'go run': the interrupt that stops it must reach the
	// command itself, which then stops the JVM.
	bin := filepath.Join(tmp, "kafka")
	run(t, top, "go", "build", "-o", bin, "./gen/kafkatest/cmd/kafka")
	cmd := exec.Command(bin, "-port-file", addrFile)
	cmd.Dir = top
	var logs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt)
		select {
		case <-exited:
		case <-time.After(30 * time.Second):
			cmd.Process.Kill()
			<-exited
		}
	})
	// The command writes the file (by rename) once the broker serves.
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	deadline := time.After(3 * time.Minute)
	for {
		if data, err := os.ReadFile(addrFile); err == nil && len(bytes.TrimSpace(data)) > 0 {
			return string(bytes.TrimSpace(data))
		}
		select {
		case err := <-exited:
			t.Fatalf("the broker exited: %v\n%s", err, logs.String())
		case <-deadline:
			t.Fatalf("the broker did not start in 3 minutes:\n%s", logs.String())
		case <-tick.C:
		}
	}
}

// scratchClone clones the committed tree into a temp folder with an
// `origin` remote, as gitlab-ci-local requires.
func scratchClone(t *testing.T, top string) string {
	dir := filepath.Join(t.TempDir(), "repo")
	run(t, "", "git", "clone", "--quiet", "--no-hardlinks", top, dir)
	// gitlab-ci-local derives the project path from origin's URL.
	run(t, dir, "git", "remote", "set-url", "origin", "https://gitlab.com/acme/avroctl.git")
	run(t, dir, "git", "config", "user.email", "ci@invalid")
	run(t, dir, "git", "config", "user.name", "ci")
	return dir
}

// fixtures are the merge requests the test makes: a field inserted at the
// top of OrderCreated, so they keep applying as the domain evolves.
var fixtures = map[string]string{
	// Consumers on the new schema cannot read old events.
	"breaking": "  /** Deliberately breaking (test fixture): required, no default. */\n  string salesRegion;\n",
	// An optional field without a default: OPTIONAL_FIELD_DEFAULT.
	"lint": "  /** Lint fixture: optional, but no default. */\n  string? couponCode;\n",
	// An optional field: compatible both ways, a minor release.
	"compatible": "  /** Compatible change (test fixture). */\n  string? giftMessage = null;\n",
}

// applyFixture edits idl/orders/orders.avdl in the clone, regenerates and
// commits, as a developer's merge request would.
func applyFixture(t *testing.T, dir, name string) {
	path := filepath.Join(dir, "idl", "orders", "orders.avdl")
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	const anchor = "record OrderCreated {\n"
	i := bytes.Index(src, []byte(anchor))
	if i < 0 {
		t.Fatalf("%s has no %q to insert the fixture after", path, strings.TrimSpace(anchor))
	}
	i += len(anchor)
	edited := append(append(append([]byte{}, src[:i]...), fixtures[name]...), src[i:]...)
	if err := os.WriteFile(path, edited, 0o644); err != nil {
		t.Fatal(err)
	}
	run(t, dir, "go", "run", "mage.go", "generate")
	run(t, dir, "git", "add", "-A")
	run(t, dir, "git", "commit", "--quiet", "-m", "fixture: "+name)
}

// gitlabJob runs one job with the shell executor, as a merge-request
// pipeline would (base is the merge request's diff base, if any).
func gitlabJob(t *testing.T, dir, job, base string, vars ...string) (string, error) {
	gopath := strings.TrimSpace(run(t, dir, "go", "env", "GOPATH"))
	// The jobs name a Go image; there is no container runtime here, so they
	// run in the shell (this machine has the same Go), as the issue allows.
	args := []string{"--yes", gitlabCILocal, "--shell-executor-no-image", "--force-shell-executor", "--artifacts-to-source",
		"--ignore-predefined-vars", "CI_PIPELINE_SOURCE,CI_MERGE_REQUEST_DIFF_BASE_SHA",
		"--variable", "CI_PIPELINE_SOURCE=merge_request_event",
		"--variable", "GOPATH=" + gopath, // reuse the module cache
		job}
	args = args[:len(args)-1]
	if base != "" {
		args = append(args, "--variable", "CI_MERGE_REQUEST_DIFF_BASE_SHA="+base)
	}
	for _, v := range vars {
		args = append(args, "--variable", v)
	}
	args = append(args, job)
	cmd := exec.Command("npx", args...)
	cmd.Dir = dir
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return ansi.ReplaceAllString(out.String(), ""), err
}

var ansi = regexp.MustCompile("\x1b\\[[0-9;]*m")

func run(t *testing.T, dir, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out.String())
	}
	return out.String()
}
