package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"gitlab.com/acme/avroctl/gen/config"
)

// gitRepo is a temp git repository for command tests.
type gitRepo struct {
	t   *testing.T
	dir string
}

func newGitRepo(t *testing.T) *gitRepo {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	r := &gitRepo{t, t.TempDir()}
	r.git("init", "-q", "-b", "main")
	return r
}

func (r *gitRepo) git(args ...string) string {
	r.t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = r.dir
	cmd.Env = gitTestEnv()
	out, err := cmd.CombinedOutput()
	if err != nil {
		r.t.Fatalf("git %v: %v\n%s", args, err, out)
	}
	return string(out)
}

// gitTestEnv isolates git from the machine's configuration and names the
// committer, for git run by the test and by avroctl alike.
func gitTestEnv() []string {
	return append(os.Environ(), "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_SYSTEM=/dev/null",
		"GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com")
}

func (r *gitRepo) write(name, content string) {
	r.t.Helper()
	p := filepath.Join(r.dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		r.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		r.t.Fatal(err)
	}
}

func (r *gitRepo) commit(msg string) {
	r.git("add", "-A")
	r.git("commit", "-qm", msg)
}

// setGitEnv makes the git that avroctl runs use gitTestEnv for this test.
func setGitEnv(t *testing.T) {
	for _, kv := range gitTestEnv()[len(os.Environ()):] {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
}

const releaseOrder = `{"type":"record","name":"Order","namespace":"com.acme","fields":[{"name":"id","type":"string"}]}`

// releaseRepo is a repository with one schema, avroctl.yaml naming module,
// and the generated module, committed; it returns the config's path.
func releaseRepo(t *testing.T, module string) (*gitRepo, string) {
	t.Helper()
	setGitEnv(t)
	r := newGitRepo(t)
	r.write("avroctl.yaml", "version: 1\ngo:\n  module: "+module+"\nregistry:\n  strategy: record\n")
	r.write("schemas/com.acme.Order.avsc", releaseOrder)
	cfg := filepath.Join(r.dir, "avroctl.yaml")
	if code, _, errOut := runAvroctl(t, "--config", cfg, "generate"); code != 0 {
		t.Fatalf("generate: %s", errOut)
	}
	r.commit("v1")
	return r, cfg
}

// TestReleaseRefusesStaleModule: events/ does not match the schemas.
func TestReleaseRefusesStaleModule(t *testing.T) {
	r, cfg := releaseRepo(t, "x.io/m/events")

	// A schema change committed without regenerating.
	r.write("schemas/com.acme.Order.avsc", strings.Replace(releaseOrder, `"type":"string"}`, `"type":"string"},{"name":"note","type":"string","default":""}`, 1))
	r.commit("add note, forgot generate")
	code, _, errOut := runAvroctl(t, "--config", cfg, "release", "--tag")
	if code != 2 || !strings.Contains(errOut, "refusing to release events/v1.0.0") ||
		!strings.Contains(errOut, "is stale (acme/order.avro.go): run avroctl generate") {
		t.Fatalf("stale events/: exit %d\n%s", code, errOut)
	}
	if tags := r.git("tag"); tags != "" {
		t.Fatalf("a tag was created: %s", tags)
	}

	// Regenerated and committed: --write --tag commits the changelog, then tags.
	if code, _, errOut := runAvroctl(t, "--config", cfg, "generate"); code != 0 {
		t.Fatalf("generate: %s", errOut)
	}
	r.commit("regenerate")
	code, _, errOut = runAvroctl(t, "--config", cfg, "release", "--write", "--tag")
	if code != 0 || !strings.Contains(errOut, "tagged events/v1.0.0") {
		t.Fatalf("release: exit %d\n%s", code, errOut)
	}
	if st := r.git("status", "--porcelain"); st != "" {
		t.Errorf("release left the tree dirty: %s", st)
	}
	if files := r.git("show", "--name-only", "--format=", "events/v1.0.0"); !strings.Contains(files, "events/CHANGELOG.md") {
		t.Errorf("the tagged commit lacks the changelog entry: %q", files)
	}

	// Dirty tree (and the change drops the note field: a major release).
	r.write("schemas/com.acme.Order.avsc", strings.Replace(releaseOrder, `"type":"string"}`, `"type":"string","doc":"id"}`, 1))
	code, _, errOut = runAvroctl(t, "--config", cfg, "release", "--tag")
	if code != 2 || !strings.Contains(errOut, "not committed (schemas/com.acme.Order.avsc)") {
		t.Errorf("dirty tree: exit %d\n%s", code, errOut)
	}
	// -o json: one document, the refusal, with each reason.
	code, out, _ := runAvroctl(t, "--config", cfg, "release", "--tag", "-o", "json")
	var doc jsonError
	if err := json.Unmarshal([]byte(out), &doc); code != 2 || err != nil || len(doc.Error.Errors) != 3 ||
		!strings.Contains(doc.Error.Errors[0].Message, "not committed") || !strings.Contains(doc.Error.Errors[1].Message, "needs module x.io/m/events/v2") ||
		!strings.Contains(doc.Error.Errors[2].Message, "is stale") {
		t.Errorf("-o json refusal: exit %d, %v\n%s", code, err, out)
	}
}

// TestReleaseSuffixedModuleStartsAtItsMajor: no tags and a /v2 path plan
// v2.0.0, not v1.0.0; --initial v1.0.0 is refused with what to do.
func TestReleaseSuffixedModuleStartsAtItsMajor(t *testing.T) {
	_, cfg := releaseRepo(t, "x.io/m/events/v2")
	code, out, errOut := runAvroctl(t, "--config", cfg, "release")
	if code != 0 || !strings.Contains(out, "## events/v2.0.0") || errOut != "" {
		t.Errorf("plan: exit %d\n%s%s", code, out, errOut)
	}
	code, _, errOut = runAvroctl(t, "--config", cfg, "release", "--initial", "v1.0.0", "--tag")
	if code != 2 || !strings.Contains(errOut, "start at v2.0.0 (avroctl release --initial v2.0.0)") {
		t.Errorf("v1 on /v2: exit %d\n%s", code, errOut)
	}
}

// TestConfigMessages: a --config file that does not exist is an error for
// every command that reads it; an unknown key names itself and its parent.
func TestConfigMessages(t *testing.T) {
	t.Chdir(t.TempDir())
	for _, args := range [][]string{{"generate"}, {"lint"}, {"release"}, {"breaking", "--against", "main"}, {"registry", "test", "--url", "http://127.0.0.1:1"}} {
		code, _, errOut := runAvroctl(t, append([]string{"--config", "nope.yaml"}, args...)...)
		if code != 2 || !strings.Contains(errOut, "nope.yaml: no such file") {
			t.Errorf("%v with a missing --config: exit %d, %q", args, code, errOut)
		}
	}
	os.WriteFile("avroctl.yaml", []byte("version: 1\ngo:\n  modul: x.io/m\n"), 0o644)
	code, _, errOut := runAvroctl(t, "generate")
	if code != 2 || !strings.Contains(errOut, `avroctl.yaml:3:3: unknown key "modul" in go; valid keys: out, module, packages`) {
		t.Errorf("unknown key: exit %d, %q", code, errOut)
	}
}

// TestOneStrategyDefault: the file's default subject strategy is the
// registry commands' --strategy default.
func TestOneStrategyDefault(t *testing.T) {
	root := newRootCmd(&streams{})
	for _, c := range root.Commands() {
		if c.Name() != "registry" {
			continue
		}
		for _, sub := range c.Commands() {
			if f := sub.Flags().Lookup("strategy"); f != nil && f.DefValue != config.DefaultStrategy {
				t.Errorf("registry %s --strategy defaults to %q, avroctl.yaml to %q", sub.Name(), f.DefValue, config.DefaultStrategy)
			}
		}
	}
}

// TestReleaseRefusesStaleSchemas: the IDL changed and was committed, but
// schemas/ (and so events/) were not compiled from it.
func TestReleaseRefusesStaleSchemas(t *testing.T) {
	setGitEnv(t)
	r := newGitRepo(t)
	r.write("avroctl.yaml", "version: 1\ngo:\n  module: x.io/m/events\n")
	r.write("idl/order.avdl", "namespace com.acme;\nschema Order;\nrecord Order { string id; }\n")
	t.Chdir(r.dir)
	for _, args := range [][]string{{"compile"}, {"generate"}} {
		if code, _, errOut := runAvroctl(t, args...); code != 0 {
			t.Fatalf("%v: %s", args, errOut)
		}
	}
	r.commit("v1")
	r.write("idl/order.avdl", "namespace com.acme;\nschema Order;\nrecord Order { string id; string? note = null; }\n")
	r.commit("idl only")
	code, _, errOut := runAvroctl(t, "release", "--tag")
	if code != 2 || !strings.Contains(errOut, "schemas is stale (") || !strings.Contains(errOut, "com.acme.Order.avsc): run avroctl compile") {
		t.Errorf("exit %d\n%s", code, errOut)
	}
}
