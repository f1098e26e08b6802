package breaking

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"gitlab.com/acme/avroctl/gen/compat"
)

// testRepo is a throwaway git repository with a schemas/ folder.
type testRepo struct {
	t   *testing.T
	dir string
}

func newTestRepo(t *testing.T) *testRepo {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	r := &testRepo{t, t.TempDir()}
	r.git("init", "-q", "-b", "main")
	r.git("config", "user.email", "test@example.com")
	r.git("config", "user.name", "test")
	r.git("config", "commit.gpgsign", "false")
	r.git("config", "tag.gpgsign", "false")
	return r
}

func (r *testRepo) git(args ...string) string {
	r.t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = r.dir
	cmd.Env = append(os.Environ(), "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_SYSTEM=/dev/null")
	out, err := cmd.CombinedOutput()
	if err != nil {
		r.t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

func (r *testRepo) write(name, content string) {
	r.t.Helper()
	p := filepath.Join(r.dir, "schemas", name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		r.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		r.t.Fatal(err)
	}
}

func (r *testRepo) remove(name string) {
	r.t.Helper()
	if err := os.Remove(filepath.Join(r.dir, "schemas", name)); err != nil {
		r.t.Fatal(err)
	}
}

func (r *testRepo) commit(msg string) {
	r.git("add", "-A")
	r.git("commit", "-q", "-m", msg)
}

const orderV1 = `{"type":"record","name":"Order","namespace":"com.acme","fields":[
  {"name":"id","type":"string"}
]}`

const orderV2 = `{"type":"record","name":"Order","namespace":"com.acme","fields":[
  {"name":"id","type":"string"},
  {"name":"note","type":"string","default":""}
]}`

// orderV3 drops "note" again: fine against v2 for BACKWARD, but adding a
// field without default breaks against every version.
const orderV3Bad = `{"type":"record","name":"Order","namespace":"com.acme","fields":[
  {"name":"id","type":"string"},
  {"name":"coupon","type":["null","string"]}
]}`

const paymentV1 = `{"type":"record","name":"Payment","namespace":"com.acme","fields":[{"name":"amount","type":"long"}]}`

func TestBreaking(t *testing.T) {
	r := newTestRepo(t)
	r.write("com.acme.Order.avsc", orderV1)
	r.write("com.acme.Payment.avsc", paymentV1)
	r.commit("v1")
	r.git("tag", "events/v1.0.0")
	r.write("com.acme.Order.avsc", orderV2)
	r.commit("v2")
	r.git("tag", "events/v1.10.0")

	// Working tree: Order gets a field without default, Payment is removed,
	// Shipment is new.
	r.write("com.acme.Order.avsc", orderV3Bad)
	r.remove("com.acme.Payment.avsc")
	r.write("com.acme.Shipment.avsc", `{"type":"record","name":"Shipment","namespace":"com.acme","fields":[]}`)

	rep, err := Run(Options{Dir: r.dir, Against: "main"})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Compatible {
		t.Fatal("want incompatible")
	}
	var types []string
	for _, f := range rep.Findings {
		types = append(types, f.Subject+" "+f.Type+" "+f.Location+" "+f.Source.String())
	}
	want := []string{
		"com.acme.Order READER_FIELD_MISSING_DEFAULT_VALUE /fields/1 schemas/com.acme.Order.avsc:3:11",
		"com.acme.Payment SUBJECT_REMOVED / -",
	}
	if strings.Join(types, "\n") != strings.Join(want, "\n") {
		t.Errorf("findings:\n%s\nwant:\n%s", strings.Join(types, "\n"), strings.Join(want, "\n"))
	}
	statuses := map[string]string{}
	for _, s := range rep.Subjects {
		statuses[s.Name] = s.Status
	}
	if statuses["com.acme.Shipment"] != "new" || statuses["com.acme.Payment"] != "removed" || statuses["com.acme.Order"] != "incompatible" {
		t.Errorf("statuses: %v", statuses)
	}

	// --allow-removed accepts the removal.
	r.write("com.acme.Order.avsc", orderV2)
	rep, err = Run(Options{Dir: r.dir, Against: "main", AllowRemoved: true})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Compatible {
		t.Errorf("want compatible with --allow-removed, got %+v", rep.Findings)
	}
}

// TestBreakingTransitive checks that a transitive level reads release tags
// in semantic version order (v1.10.0 after v1.9.0) plus the revision.
func TestBreakingTransitive(t *testing.T) {
	r := newTestRepo(t)
	// v1.9.0 has "legacy" without a default; v1.10.0 gives it one.
	r.write("com.acme.Order.avsc", `{"type":"record","name":"Order","namespace":"com.acme","fields":[{"name":"id","type":"string"},{"name":"legacy","type":"int"}]}`)
	r.commit("old")
	r.git("tag", "events/v1.9.0")
	r.write("com.acme.Order.avsc", `{"type":"record","name":"Order","namespace":"com.acme","fields":[{"name":"id","type":"string"},{"name":"legacy","type":"int","default":0}]}`)
	r.commit("new")
	r.git("tag", "events/v1.10.0")
	r.git("tag", "events/not-a-version")

	// Dropping "legacy" is FORWARD compatible with v1.10.0 (old readers have
	// a default) but not with v1.9.0.
	r.write("com.acme.Order.avsc", orderV1)
	rep, err := Run(Options{Dir: r.dir, Against: "main", Level: compat.Forward})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Compatible {
		t.Errorf("FORWARD: want compatible, got %+v", rep.Findings)
	}
	rep, err = Run(Options{Dir: r.dir, Against: "main", Level: compat.ForwardTransitive})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Compatible || len(rep.Findings) != 1 || rep.Findings[0].Type != "READER_FIELD_MISSING_DEFAULT_VALUE" {
		t.Fatalf("FORWARD_TRANSITIVE: want one missing-default finding, got %+v", rep.Findings)
	}
	// The old schema reads; the finding points at the new file.
	if got := rep.Findings[0].Path; got != "schemas/com.acme.Order.avsc" {
		t.Errorf("path = %q", got)
	}
}

// TestBreakingMissingRevision: a fetch is suggested only for a branch a
// remote has; otherwise the message says the revision does not exist.
func TestBreakingMissingRevision(t *testing.T) {
	r := newTestRepo(t)
	r.write("com.acme.Order.avsc", orderV1)
	r.commit("v1")
	for _, rev := range []string{"origin/main", "HEAD~1", "nosuchbranch"} {
		_, err := Run(Options{Dir: r.dir, Against: rev})
		if !errors.Is(err, ErrMissingRevision) {
			t.Fatalf("%s: err = %v, want ErrMissingRevision", rev, err)
		}
		if msg := err.Error(); strings.Contains(msg, "git fetch") || !strings.Contains(msg, "no such commit, branch or tag") {
			t.Errorf("%s, no remote: want 'no such commit', no fetch: %v", rev, err)
		}
	}

	// With a remote that has branch "release" but not "nosuchbranch".
	origin := newTestRepo(t)
	origin.write("com.acme.Order.avsc", orderV1)
	origin.commit("v1")
	origin.git("branch", "release")
	origin.git("tag", "-a", "events/v1.0.0", "-m", "v1")
	r.git("remote", "add", "origin", origin.dir)
	for rev, want := range map[string]string{
		"origin/release": "run: git fetch --no-tags origin +refs/heads/release:refs/remotes/origin/release",
		"release":        "and pass origin/release; run: git fetch --no-tags origin +refs/heads/release:refs/remotes/origin/release",
		"nosuchbranch":   "no such commit, branch or tag",
		"HEAD~1":         "no such commit, branch or tag",
		"events/v1.0.0":  "remote origin has tag events/v1.0.0; run: git fetch --no-tags origin tag events/v1.0.0",
	} {
		_, err := Run(Options{Dir: r.dir, Against: rev})
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: want %q, got %v", rev, want, err)
		}
	}

	_, err := Run(Options{Dir: t.TempDir(), Against: "main"})
	if err == nil || !strings.Contains(err.Error(), "not inside a git repository") {
		t.Errorf("outside a repository: %v", err)
	}
}

func TestBreakingBadSchema(t *testing.T) {
	r := newTestRepo(t)
	r.write("com.acme.Order.avsc", orderV1)
	r.commit("v1")
	r.write("com.acme.Order.avsc", `{"type":"record","name":"Order","fields":[{"name":"id","type":"strin"}]}`)
	_, err := Run(Options{Dir: r.dir, Against: "main"})
	if err == nil || !strings.Contains(err.Error(), "schemas/com.acme.Order.avsc:1:") {
		t.Fatalf("want a located error, got %v", err)
	}
}

func TestSemverOrder(t *testing.T) {
	in := []string{"1.10.0", "1.9.0", "1.0.0-rc.1", "1.0.0", "1.0.0-alpha", "1.0.0-rc.10", "1.0.0-rc.2"}
	want := []string{"1.0.0-alpha", "1.0.0-rc.1", "1.0.0-rc.2", "1.0.0-rc.10", "1.0.0", "1.9.0", "1.10.0"}
	var vs []semver
	for _, s := range in {
		v, ok := parseSemver(s)
		if !ok {
			t.Fatalf("parse %q", s)
		}
		vs = append(vs, v)
	}
	for i := range vs {
		for j := range vs {
			li := indexOf(want, in[i])
			lj := indexOf(want, in[j])
			if vs[i].less(vs[j]) != (li < lj) {
				t.Errorf("less(%s, %s) = %v", in[i], in[j], vs[i].less(vs[j]))
			}
		}
	}
	for _, bad := range []string{"1.0", "01.0.0", "1.0.0-", "x.y.z"} {
		if _, ok := parseSemver(bad); ok {
			t.Errorf("parseSemver(%q) accepted", bad)
		}
	}
}

func indexOf(list []string, s string) int {
	for i, x := range list {
		if x == s {
			return i
		}
	}
	return -1
}

// TestBreakingShallowClone runs in a shallow single-branch clone, as GitLab
// CI makes them: the error must name the fetch that makes the check work,
// and running that fetch must be enough.
func TestBreakingShallowClone(t *testing.T) {
	origin := newTestRepo(t)
	origin.write("com.acme.Order.avsc", orderV1)
	origin.commit("v1")
	origin.git("branch", "release")
	origin.write("com.acme.Order.avsc", orderV2)
	origin.commit("v2")

	clone := &testRepo{t, filepath.Join(t.TempDir(), "clone")}
	(&testRepo{t, filepath.Dir(clone.dir)}).git("clone", "-q", "--depth=1", "--single-branch", "--branch", "main", "file://"+origin.dir, clone.dir)

	_, err := Run(Options{Dir: clone.dir, Against: "origin/release"})
	if !errors.Is(err, ErrMissingRevision) {
		t.Fatalf("err = %v, want ErrMissingRevision", err)
	}
	msg := err.Error()
	if !strings.Contains(msg, "shallow") {
		t.Errorf("message does not mention the shallow clone: %s", msg)
	}
	i := strings.Index(msg, "run: git fetch ")
	if i < 0 {
		t.Fatalf("message does not say which git fetch to run: %s", msg)
	}
	fetch := strings.Fields(msg[i+len("run: git "):])
	clone.git(fetch...)
	rep, err := Run(Options{Dir: clone.dir, Against: "origin/release"})
	if err != nil {
		t.Fatalf("after %v: %v", fetch, err)
	}
	if !rep.Compatible {
		t.Errorf("want compatible, got %+v", rep.Findings)
	}
}

// TestBreakingCrossFileReference: a subject file may use a type that another
// file defines.
func TestBreakingCrossFileReference(t *testing.T) {
	r := newTestRepo(t)
	money := `{"type":"record","name":"Money","namespace":"com.acme","fields":[{"name":"units","type":"long"}]}`
	r.write("com.acme.Money.avsc", money)
	r.write("com.acme.Payment.avsc", `{"type":"record","name":"Payment","namespace":"com.acme","fields":[{"name":"amount","type":"Money"}]}`)
	r.commit("v1")
	r.write("com.acme.Payment.avsc", `{"type":"record","name":"Payment","namespace":"com.acme","fields":[{"name":"amount","type":"Money"},{"name":"tip","type":"Money"}]}`)
	rep, err := Run(Options{Dir: r.dir, Against: "main"})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Compatible || len(rep.Findings) != 1 || rep.Findings[0].Message != "tip" {
		t.Errorf("want one missing default for tip, got %+v", rep.Findings)
	}
}
