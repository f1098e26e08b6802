package gitref

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func testRepo(t *testing.T) (Repo, func(args ...string) string) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	dir := t.TempDir()
	git := func(args ...string) string {
		t.Helper()
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_SYSTEM=/dev/null",
			"GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@x", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@x")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
		return string(out)
	}
	git("init", "-q", "-b", "main")
	return Repo{Dir: dir}, git
}

// TestDirty lists modified, staged, renamed and untracked paths, with
// names that need quoting kept as they are; ignored files do not count.
func TestDirty(t *testing.T) {
	r, git := testRepo(t)
	write := func(name, content string) {
		os.MkdirAll(filepath.Dir(filepath.Join(r.Dir, name)), 0o755)
		os.WriteFile(filepath.Join(r.Dir, name), []byte(content), 0o644)
	}
	write("a.txt", "a")
	write("b.txt", "b")
	write(".gitignore", "/ignored/\n")
	git("add", "-A")
	git("commit", "-qm", "1")
	if d, err := r.Dirty(); err != nil || len(d) != 0 {
		t.Fatalf("clean tree: %v %v", d, err)
	}
	write("a.txt", "changed")
	git("mv", "b.txt", "c d.txt")
	write("new/ü.txt", "x")
	write("ignored/x", "x")
	d, err := r.Dirty()
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(d, "|"); got != "a.txt|c d.txt|new/ü.txt" {
		t.Errorf("Dirty = %q", got)
	}
}

func TestFirstCommitAddingAndTags(t *testing.T) {
	r, git := testRepo(t)
	os.WriteFile(filepath.Join(r.Dir, "log.md"), []byte("## v1 \n"), 0o644)
	git("add", "-A")
	git("commit", "-qm", "1")
	first := strings.TrimSpace(git("rev-parse", "HEAD"))
	os.WriteFile(filepath.Join(r.Dir, "log.md"), []byte("## v2 \n## v1 \n"), 0o644)
	git("commit", "-qam", "2")
	if c, err := r.FirstCommitAdding("log.md", "## v1 "); err != nil || c != first {
		t.Errorf("FirstCommitAdding = %q, %v; want %s", c, err, first)
	}
	if c, err := r.FirstCommitAdding("log.md", "## v9 "); err != nil || c != "" {
		t.Errorf("never added: %q, %v", c, err)
	}
	if err := r.CreateTagAt("x/v1", first, "one"); err != nil {
		t.Fatal(err)
	}
	if err := r.CreateTagAt("x/v1", "HEAD", "again"); err == nil || !strings.Contains(err.Error(), "never moved") {
		t.Errorf("a tag was moved: %v", err)
	}
	if tags, _ := r.Tags("x/"); len(tags) != 1 || tags[0] != "x/v1" {
		t.Errorf("Tags = %v", tags)
	}
}
