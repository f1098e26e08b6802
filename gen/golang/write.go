package golang

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"gitlab.com/acme/avroctl/gen/atomicfile"
)

// WriteTree writes files under dir and returns the paths (slash-separated,
// relative to dir) it created, changed or removed, sorted.
//
// Each file is written to a temporary file in its directory and renamed into
// place, so a reader never sees a half-written file; files whose content is
// unchanged are not touched (their mtime stays, so build caches stay warm).
// Files under dir that start with the generated-code Header but are not in
// files are stale output and are removed; other files are left alone.
func WriteTree(dir string, files Files) (changed []string, err error) {
	want := map[string]bool{}
	for _, f := range files {
		p := filepath.Clean(filepath.FromSlash(f.Path))
		if filepath.IsAbs(p) || p == ".." || strings.HasPrefix(p, ".."+string(filepath.Separator)) {
			return nil, fmt.Errorf("generated path %q escapes the output directory", f.Path)
		}
		want[filepath.ToSlash(p)] = true
		full := filepath.Join(dir, p)
		old, err := os.ReadFile(full)
		if err == nil && bytes.Equal(old, f.Content) {
			continue
		}
		if err := writeFileAtomic(full, f.Content); err != nil {
			return changed, err
		}
		changed = append(changed, filepath.ToSlash(p))
	}
	removedFrom := map[string]bool{}
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if d.IsDir() {
			return nil
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		if want[rel] || !isGenerated(p) {
			return nil
		}
		if err := os.Remove(p); err != nil {
			return err
		}
		removedFrom[filepath.Dir(p)] = true
		changed = append(changed, rel)
		return nil
	})
	// Remove directories that removing stale files left empty (deepest
	// first); os.Remove refuses non-empty ones.
	dirs := make([]string, 0, len(removedFrom))
	for d := range removedFrom {
		dirs = append(dirs, d)
	}
	sort.Sort(sort.Reverse(sort.StringSlice(dirs)))
	for _, d := range dirs {
		for d != filepath.Clean(dir) && strings.HasPrefix(d, filepath.Clean(dir)) {
			if os.Remove(d) != nil {
				break
			}
			d = filepath.Dir(d)
		}
	}
	sort.Strings(changed)
	return changed, err
}

// isGenerated reports whether the file at p starts with Header.
func isGenerated(p string) bool {
	f, err := os.Open(p)
	if err != nil {
		return false
	}
	defer f.Close()
	line, _ := bufio.NewReader(f).ReadString('\n')
	return strings.TrimRight(line, "\r\n") == Header
}

// writeFileAtomic writes data to a temporary file next to name and renames
// it into place.
func writeFileAtomic(name string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		return err
	}
	return atomicfile.Write(name, data, 0o644)
}

// CheckTree reports, without writing, which paths under dir WriteTree would
// create, change or remove: the generated code is up to date when the list
// is empty.
func CheckTree(dir string, files Files) (stale []string, err error) {
	want := map[string]bool{}
	for _, f := range files {
		p := filepath.Clean(filepath.FromSlash(f.Path))
		want[filepath.ToSlash(p)] = true
		old, err := os.ReadFile(filepath.Join(dir, p))
		if err != nil || !bytes.Equal(old, f.Content) {
			stale = append(stale, filepath.ToSlash(p))
		}
	}
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if d.IsDir() {
			return nil
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		if !want[rel] && isGenerated(p) {
			stale = append(stale, rel)
		}
		return nil
	})
	sort.Strings(stale)
	return stale, err
}
