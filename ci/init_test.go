package ci

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestInitRepo is the acceptance test of a second team's adoption path: a
// repository made by `avroctl init` in a temp folder outside this checkout,
// with a go.work that lists this checkout (its module path cannot be
// fetched here), runs its mage targets and avroctl's CI template through
// gitlab-ci-local, evolves a schema, and releases it.
func TestInitRepo(t *testing.T) {
	for _, tool := range []string{"git", "npx", "rsync", "go"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed (gitlab-ci-local needs node/npm, rsync and git)", tool)
		}
	}
	top := strings.TrimSpace(run(t, "..", "git", "rev-parse", "--show-toplevel"))
	bin := filepath.Join(t.TempDir(), "avroctl")
	run(t, top, "go", "build", "-o", bin, "./tools/avroctl")

	dir := filepath.Join(t.TempDir(), "shipping")
	// No terminal: the module path is a flag here; TestInitWithoutTerminal
	// (tools/avroctl) covers the defaults.
	// --avroctl-dir writes the go.work that lists this checkout, as the
	// README tells a reviewer to do.
	initCmd := exec.Command(bin, "init", dir, "--module", "gitlab.com/acme/shipping", "--avroctl-dir", top)
	if out, err := initCmd.CombinedOutput(); err != nil {
		t.Fatalf("avroctl init: %v\n%s", err, out)
	}
	run(t, dir, "git", "config", "user.email", "dev@invalid")
	run(t, dir, "git", "config", "user.name", "dev")

	// A fresh repository passes its pipeline and its tests at once.
	mage(t, dir)
	mage(t, dir, "test")
	commitAll(t, dir, "contracts: initial")
	if out := mage(t, dir, "release"); !strings.Contains(out, "tagged events/v1.0.0") {
		t.Fatalf("first release:\n%s", out)
	}

	// The CI template, as the team's .gitlab-ci.yml includes it. GitLab
	// fetches `include: project`; gitlab-ci-local here cannot, so the same
	// file is included locally.
	ciRepo(t, dir, top)
	for job, want := range map[string]string{
		"avroctl-verify":        "events: up to date",
		"avroctl-test":          "gitlab.com/acme/shipping/events/shipping",
		"avroctl-lint":          "no lint findings",
		"avroctl-compatibility": "compatible",
	} {
		out, err := gitlabJob(t, dir, job, "", "AVROCTL_CHECKOUT="+top)
		if err != nil || !strings.Contains(out, want) {
			t.Fatalf("%s on the fresh repository: %v, want %q in:\n%s", job, err, want, out)
		}
	}

	// A compatible change: an optional field. Gate passes; the template's
	// register and release jobs (default branch) make the minor release.
	edit(t, dir, "  string? note = null;\n", "  string? note = null;\n  /** The carrier, when known. */\n  string? carrier = null;\n")
	mage(t, dir)
	commitAll(t, dir, "shipping: carrier")
	for job, want := range map[string]string{"avroctl-register": "com.acme.shipping.SomethingHappened (com.acme.shipping.SomethingHappened) id", "avroctl-release": "tagged events/v1.1.0"} {
		out, err := gitlabJob(t, dir, job, "", "AVROCTL_CHECKOUT="+top)
		if err != nil || !strings.Contains(out, want) {
			t.Fatalf("%s: %v, want %q in:\n%s", job, err, want, out)
		}
	}
	if tags := run(t, dir, "git", "tag"); !strings.Contains(tags, "events/v1.1.0") {
		t.Fatalf("avroctl-release did not tag events/v1.1.0: %s", tags)
	}

	// A breaking change fails the gate, pointing at the .avdl line, locally
	// and in the CI job (with the junit report).
	base := strings.TrimSpace(run(t, dir, "git", "rev-parse", "HEAD"))
	edit(t, dir, "  string? carrier = null;\n", "  string? carrier = null;\n  string region;\n")
	out, err := mageErr(dir)
	if err == nil || !strings.Contains(out, "idl/shipping.avdl:") || !strings.Contains(out, "READER_FIELD_MISSING_DEFAULT_VALUE") {
		t.Fatalf("a breaking change passed the gate or is not located in the IDL: %v\n%s", err, out)
	}
	run(t, dir, "go", "run", "mage.go", "generate")
	commitAll(t, dir, "shipping: region (breaking)")
	out, err = gitlabJob(t, dir, "avroctl-compatibility", base, "AVROCTL_CHECKOUT="+top)
	if err == nil {
		t.Fatalf("avroctl-compatibility passed a breaking change:\n%s", out)
	}
	if junit, _ := os.ReadFile(filepath.Join(dir, "reports", "compat-junit.xml")); !strings.Contains(string(junit), "READER_FIELD_MISSING_DEFAULT_VALUE") {
		t.Fatalf("junit report lacks the finding:\n%s\n%s", junit, out)
	}
	run(t, dir, "git", "reset", "-q", "--hard", base)

	// Removing an optional field keeps the wire but breaks Go callers: a
	// major release, which the module path must say first.
	edit(t, dir, "  /** The carrier, when known. */\n  string? carrier = null;\n", "")
	mage(t, dir)
	commitAll(t, dir, "shipping: carrier goes")
	out, err = mageErr(dir, "release")
	if err == nil || !strings.Contains(out, "set go.module to gitlab.com/acme/shipping/events/v2 in avroctl.yaml") {
		t.Fatalf("a v2 release without /v2 was not refused: %v\n%s", err, out)
	}
	cfg := filepath.Join(dir, "avroctl.yaml")
	data, _ := os.ReadFile(cfg)
	os.WriteFile(cfg, []byte(strings.Replace(string(data), "module: gitlab.com/acme/shipping/events\n", "module: gitlab.com/acme/shipping/events/v2\n", 1)), 0o644)
	run(t, dir, "go", "run", "mage.go", "generate")
	commitAll(t, dir, "events/v2")
	if out := mage(t, dir, "release"); !strings.Contains(out, "tagged events/v2.0.0") {
		t.Fatalf("major release:\n%s", out)
	}
	if tags := run(t, dir, "git", "tag"); tags != "events/v1.0.0\nevents/v1.1.0\nevents/v2.0.0\n" {
		t.Errorf("tags:\n%s", tags)
	}
}

// mage runs `go run mage.go args...` in dir and fails the test on error.
func mage(t *testing.T, dir string, args ...string) string {
	t.Helper()
	out, err := mageErr(dir, args...)
	if err != nil {
		t.Fatalf("go run mage.go %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

func mageErr(dir string, args ...string) (string, error) {
	cmd := exec.Command("go", append([]string{"run", "mage.go"}, args...)...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func commitAll(t *testing.T, dir, msg string) {
	t.Helper()
	run(t, dir, "git", "add", "-A")
	run(t, dir, "git", "commit", "-q", "-m", msg)
}

// edit replaces old with new in the example IDL.
func edit(t *testing.T, dir, old, new string) {
	t.Helper()
	p := filepath.Join(dir, "idl", "shipping.avdl")
	src, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(src), old) {
		t.Fatalf("%s has no %q", p, old)
	}
	if err := os.WriteFile(p, []byte(strings.Replace(string(src), old, new, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
}

// ciRepo points the repository's include at a local copy of the template,
// commits it, and gives it the origin remote gitlab-ci-local needs.
func ciRepo(t *testing.T, dir, top string) {
	t.Helper()
	tmpl, err := os.ReadFile(filepath.Join(top, "ci", "templates", "avroctl.gitlab-ci.yml"))
	if err != nil {
		t.Fatal(err)
	}
	os.MkdirAll(filepath.Join(dir, ".gitlab"), 0o755)
	if err := os.WriteFile(filepath.Join(dir, ".gitlab", "avroctl.gitlab-ci.yml"), tmpl, 0o644); err != nil {
		t.Fatal(err)
	}
	ci, _ := os.ReadFile(filepath.Join(dir, ".gitlab-ci.yml"))
	i := strings.Index(string(ci), "include:")
	if i < 0 {
		t.Fatalf(".gitlab-ci.yml has no include:\n%s", ci)
	}
	local := string(ci[:i]) + "include:\n  - local: .gitlab/avroctl.gitlab-ci.yml\n"
	if err := os.WriteFile(filepath.Join(dir, ".gitlab-ci.yml"), []byte(local), 0o644); err != nil {
		t.Fatal(err)
	}
	commitAll(t, dir, "ci: the template, included locally")
	run(t, dir, "git", "remote", "add", "origin", "https://gitlab.com/acme/shipping.git")
}
