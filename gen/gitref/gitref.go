// Package gitref reads files as they were at a git revision, without a
// checkout: `avroctl breaking` compares against them and `avroctl release`
// diffs against the last tag.
package gitref

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"
)

// ErrUnknownRevision is returned when the revision is not in the clone,
// typically a shallow CI clone; the error text says what to fetch.
var ErrUnknownRevision = errors.New("unknown revision")

// Repo is a git working tree.
type Repo struct{ Dir string }

func (r Repo) git(args ...string) ([]byte, error) {
	cmd := exec.Command("git", args...)
	cmd.Dir = r.Dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("git %s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return out, nil
}

// Resolve returns the commit id of rev, or an error wrapping
// ErrUnknownRevision that says what to do: fetch it when a remote has it
// as a branch, else that it does not exist.
func (r Repo) Resolve(rev string) (string, error) {
	out, err := r.git("rev-parse", "--verify", "--quiet", rev+"^{commit}")
	if err != nil {
		return "", r.unknownRevision(rev)
	}
	return strings.TrimSpace(string(out)), nil
}

// unknownRevision explains a revision the clone does not have. A fetch is
// suggested only for a branch that a configured remote has (asked with
// git ls-remote): suggesting `git fetch origin HEAD~1` to a repository
// without a remote sends the user nowhere.
func (r Repo) unknownRevision(rev string) error {
	if _, err := r.git("rev-parse", "--git-dir"); err != nil {
		dir := r.Dir
		if dir == "" {
			dir = "."
		}
		return fmt.Errorf("%w %q: %s is not inside a git repository; run avroctl from a clone (or git init and commit first)", ErrUnknownRevision, rev, dir)
	}
	shallow := ""
	if out, _ := r.git("rev-parse", "--is-shallow-repository"); strings.TrimSpace(string(out)) == "true" {
		shallow = " (this clone is shallow: in GitLab CI set GIT_DEPTH: 0, or run git fetch --unshallow)"
	}
	if remote, branch, ok := r.remoteBranch(rev); ok {
		use := ""
		if rev != remote+"/"+branch {
			use = fmt.Sprintf(" and pass %s/%s", remote, branch)
		}
		return fmt.Errorf("%w %q: this clone does not have it, but remote %s has branch %s%s%s; run: git fetch --no-tags %s +refs/heads/%s:refs/remotes/%s/%s",
			ErrUnknownRevision, rev, remote, branch, shallow, use, remote, branch, remote, branch)
	}
	if remote, tag, ok := r.remoteTag(rev); ok {
		return fmt.Errorf("%w %q: this clone does not have it, but remote %s has tag %s; run: git fetch --no-tags %s tag %s",
			ErrUnknownRevision, rev, remote, tag, remote, tag)
	}
	return fmt.Errorf("%w %q: no such commit, branch or tag in this repository%s; check the name (git log --oneline, git branch -a, git tag)", ErrUnknownRevision, rev, shallow)
}

// remoteBranch reports which configured remote has rev as a branch: rev
// is either "<remote>/<branch>" or a bare branch name.
func (r Repo) remoteBranch(rev string) (remote, branch string, ok bool) {
	if _, err := r.git("check-ref-format", "--branch", rev); err != nil || strings.ContainsAny(rev, "~^:@") {
		return "", "", false
	}
	out, err := r.git("remote")
	if err != nil {
		return "", "", false
	}
	for _, rem := range strings.Fields(string(out)) {
		b := rev
		if rest, ok := strings.CutPrefix(rev, rem+"/"); ok {
			b = rest
		}
		if r.remoteHasBranch(rem, b) {
			return rem, b, true
		}
	}
	return "", "", false
}

// remoteTag reports which configured remote has rev (or refs/tags/rev) as
// a tag, as a release tag a clone did not fetch.
func (r Repo) remoteTag(rev string) (remote, tag string, ok bool) {
	tag = strings.TrimPrefix(rev, "refs/tags/")
	if _, err := r.git("check-ref-format", "refs/tags/"+tag); err != nil {
		return "", "", false
	}
	out, err := r.git("remote")
	if err != nil {
		return "", "", false
	}
	for _, rem := range strings.Fields(string(out)) {
		if r.remoteHasRef(rem, "refs/tags/"+tag) {
			return rem, tag, true
		}
	}
	return "", "", false
}

func (r Repo) remoteHasBranch(remote, branch string) bool {
	return r.remoteHasRef(remote, "refs/heads/"+branch)
}

// remoteHasRef asks the remote, bounded in time and never prompting for
// credentials: an unreachable remote counts as not having it.
func (r Repo) remoteHasRef(remote, ref string) bool {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "git", "ls-remote", remote, ref)
	cmd.Dir = r.Dir
	cmd.Env = append(os.Environ(), "GIT_TERMINAL_PROMPT=0")
	out, err := cmd.Output()
	return err == nil && len(bytes.TrimSpace(out)) > 0
}

// Dirty returns the paths `git status` reports as modified, added,
// deleted or untracked (ignored files excluded), sorted.
func (r Repo) Dirty() ([]string, error) {
	out, err := r.git("status", "--porcelain", "-z", "--untracked-files=all")
	if err != nil {
		return nil, err
	}
	var paths []string
	entries := strings.Split(string(out), "\x00")
	for i := 0; i < len(entries); i++ {
		e := entries[i]
		if len(e) < 4 {
			continue
		}
		paths = append(paths, e[3:])
		if e[0] == 'R' || e[0] == 'C' {
			i++ // the rename's source follows
		}
	}
	sort.Strings(paths)
	return paths, nil
}

// Commit commits the given paths (relative to the working tree) alone.
func (r Repo) Commit(message string, paths ...string) error {
	if _, err := r.git(append([]string{"add", "--"}, paths...)...); err != nil {
		return err
	}
	_, err := r.git(append([]string{"commit", "-q", "-m", message, "--"}, paths...)...)
	return err
}

// ReadDir returns the files directly or indirectly under dir at rev whose
// names end in suffix, keyed by their path relative to dir.
func (r Repo) ReadDir(rev, dir, suffix string) (map[string][]byte, error) {
	commit, err := r.Resolve(rev)
	if err != nil {
		return nil, err
	}
	dir = strings.TrimSuffix(path.Clean(dir), "/")
	out, err := r.git("ls-tree", "-r", "-z", "--name-only", commit, "--", dir+"/")
	if err != nil {
		return nil, err
	}
	var names []string
	for _, name := range strings.Split(string(out), "\x00") {
		if name != "" && strings.HasSuffix(name, suffix) {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	files := make(map[string][]byte, len(names))
	if len(names) == 0 {
		return files, nil
	}
	// One `git cat-file --batch` for all files instead of a process per file.
	var in bytes.Buffer
	for _, n := range names {
		fmt.Fprintf(&in, "%s:%s\n", commit, n)
	}
	cmd := exec.Command("git", "cat-file", "--batch")
	cmd.Dir = r.Dir
	cmd.Stdin = &in
	raw, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("git cat-file: %v", err)
	}
	br := bufio.NewReader(bytes.NewReader(raw))
	for _, n := range names {
		header, err := br.ReadString('\n')
		if err != nil {
			return nil, fmt.Errorf("git cat-file: %v", err)
		}
		f := strings.Fields(header)
		if len(f) != 3 {
			return nil, fmt.Errorf("git cat-file: unexpected header %q", header)
		}
		size, err := strconv.Atoi(f[2])
		if err != nil {
			return nil, fmt.Errorf("git cat-file: unexpected header %q", header)
		}
		body := make([]byte, size+1) // content plus the trailing newline
		if _, err := io.ReadFull(br, body); err != nil {
			return nil, fmt.Errorf("git cat-file: %v", err)
		}
		files[strings.TrimPrefix(n, dir+"/")] = body[:size]
	}
	return files, nil
}

// Tags returns the tags that start with prefix.
func (r Repo) Tags(prefix string) ([]string, error) {
	out, err := r.git("tag", "--list", prefix+"*")
	if err != nil {
		return nil, err
	}
	return strings.Fields(string(out)), nil
}

// TagExists reports whether tag exists.
func (r Repo) TagExists(tag string) bool {
	_, err := r.git("rev-parse", "--verify", "--quiet", "refs/tags/"+tag)
	return err == nil
}

// CreateTag creates an annotated tag at HEAD. It never moves a tag.
func (r Repo) CreateTag(tag, message string) error { return r.CreateTagAt(tag, "HEAD", message) }

// CommitTime returns the committer date of rev as YYYY-MM-DD, so that
// output derived from history is deterministic.
func (r Repo) CommitTime(rev string) (string, error) {
	out, err := r.git("log", "-1", "--format=%cs", rev)
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(string(out)), nil
}

// FirstCommitAdding returns the oldest commit reachable from HEAD that
// added text to file ("" when none did).
func (r Repo) FirstCommitAdding(file, text string) (string, error) {
	out, err := r.git("log", "--format=%H", "--reverse", "-S"+text, "--", file)
	if err != nil {
		return "", err
	}
	first, _, _ := strings.Cut(string(out), "\n")
	return strings.TrimSpace(first), nil
}

// CreateTagAt creates an annotated tag at commit. It never moves a tag.
func (r Repo) CreateTagAt(tag, commit, message string) error {
	if r.TagExists(tag) {
		return fmt.Errorf("tag %s already exists; tags are never moved or reused", tag)
	}
	_, err := r.git("tag", "-a", tag, "-m", message, commit)
	return err
}
