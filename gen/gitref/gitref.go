// Package gitref reads files as they were at a git revision, without a
// checkout: `avroctl breaking` compares against them and `avroctl release`
// diffs against the last tag.
package gitref

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"path"
	"sort"
	"strconv"
	"strings"
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

// Resolve returns the commit id of rev, or an error that says how to fetch
// it when the clone lacks it.
func (r Repo) Resolve(rev string) (string, error) {
	out, err := r.git("rev-parse", "--verify", "--quiet", rev+"^{commit}")
	if err != nil {
		hint := fmt.Sprintf("fetch it first, for example: git fetch --no-tags origin %s", rev)
		if shallow, _ := r.git("rev-parse", "--is-shallow-repository"); strings.TrimSpace(string(shallow)) == "true" {
			hint += " (this clone is shallow: in GitLab CI set GIT_DEPTH: 0, or run git fetch --unshallow)"
		}
		return "", fmt.Errorf("%w %q: %s", ErrUnknownRevision, rev, hint)
	}
	return strings.TrimSpace(string(out)), nil
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
func (r Repo) CreateTag(tag, message string) error {
	if r.TagExists(tag) {
		return fmt.Errorf("tag %s already exists; tags are never moved or reused", tag)
	}
	_, err := r.git("tag", "-a", tag, "-m", message)
	return err
}

// CommitTime returns the committer date of rev as YYYY-MM-DD, so that
// output derived from history is deterministic.
func (r Repo) CommitTime(rev string) (string, error) {
	out, err := r.git("log", "-1", "--format=%cs", rev)
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(string(out)), nil
}
