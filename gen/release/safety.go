package release

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"gitlab.com/acme/avroctl/gen/gitref"
)

// A tag is forever: the Go module proxy and every consumer's go.sum keep
// what a tag once named, so a wrong tag cannot be fixed by moving it. Safety
// lists what must hold before one is created (and before a changelog entry
// is written), each problem with what to do.

// MajorOf returns the major version a module path allows: N for a /vN
// suffix (N >= 2), else 1 (which also admits v0).
func MajorOf(modulePath string) int {
	i := strings.LastIndexByte(modulePath, '/')
	if i < 0 || len(modulePath) < i+3 || modulePath[i+1] != 'v' {
		return 1
	}
	n, err := strconv.Atoi(modulePath[i+2:])
	if err != nil || n < 2 || strconv.Itoa(n) != modulePath[i+2:] {
		return 1
	}
	return n
}

// InitialFor is the first version of a module that has no tag yet: v1.0.0,
// or vN.0.0 on a /vN path (only those versions may use it).
func InitialFor(modulePath string) Version {
	if n := MajorOf(modulePath); n >= 2 {
		return Version{n, 0, 0}
	}
	return Version{1, 0, 0}
}

// CheckModulePath says what to do when version v cannot be published under
// modulePath (the module line of the generated go.mod, in goMod).
func CheckModulePath(v Version, modulePath, goMod string) error {
	have := MajorOf(modulePath)
	want := max(v.Major, 1)
	if have == want {
		return nil
	}
	need := ModulePathFor(modulePath, v)
	if have >= 2 && v.Major < have {
		return fmt.Errorf("%s says module %s, and a /v%d path may only carry v%d.x.y versions, not %s: "+
			"if this is the first release of the module, start at v%d.0.0 (avroctl release --initial v%d.0.0); "+
			"to start at %s instead, set go.module to %s in avroctl.yaml, run avroctl generate and commit",
			goMod, modulePath, have, have, v, have, have, v, need)
	}
	return fmt.Errorf("%s says module %s, but %s needs module %s (Go's semantic import versioning): "+
		"set go.module to %s in avroctl.yaml, run avroctl generate, commit, then release again",
		goMod, modulePath, v, need, need)
}

// ModuleLine returns the module path declared in a go.mod file.
func ModuleLine(goMod string) (string, error) {
	data, err := os.ReadFile(goMod)
	if errors.Is(err, os.ErrNotExist) {
		return "", fmt.Errorf("%s does not exist: run avroctl generate and commit it before releasing", goMod)
	}
	if err != nil {
		return "", err
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for line := 1; sc.Scan(); line++ {
		f := strings.Fields(sc.Text())
		if len(f) >= 2 && f[0] == "module" {
			return strings.Trim(f[1], `"`), nil
		}
	}
	return "", fmt.Errorf("%s:1:1: no module line: run avroctl generate", goMod)
}

// ChangelogVersions returns the versions of the changelog's entries
// ("## <prefix>vX.Y.Z (date)" headings). A missing file has none.
func ChangelogVersions(path, prefix string) ([]Version, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []Version
	for _, e := range changelogEntries(string(data), prefix) {
		out = append(out, e.version)
	}
	return out, nil
}

// CheckOrder refuses a version that is not above every existing tag and
// every changelog entry. The changelog may already hold the entry for next
// itself (written by `release --write` and committed before tagging); every
// other entry must have its tag, or the clone lacks the history the version
// was derived from.
func CheckOrder(next Version, prefix string, tags []string, changelog []Version, changelogFile string) error {
	last, lastV, tagged := LatestTag(tags, prefix)
	if tagged && !lastV.Less(next) {
		return fmt.Errorf("%s%s is not above the last tag %s: tags are never reused or moved; release a higher version", prefix, next, last)
	}
	have := map[string]bool{}
	for _, t := range tags {
		have[t] = true
	}
	var missing []string
	above := false
	for _, v := range changelog {
		if v != next && !have[prefix+v.String()] {
			missing = append(missing, prefix+v.String())
			above = above || next.Less(v)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	what := fmt.Sprintf("%s lists %s, which %s no tag here", changelogFile, strings.Join(missing, ", "), map[bool]string{true: "have", false: "has"}[len(missing) > 1])
	if above {
		what += fmt.Sprintf(", above %s%s", prefix, next)
	}
	if !tagged {
		return fmt.Errorf("%s: this clone has no %s* tags, so %s%s was derived without the release history; fetch them (git fetch --tags) or recreate them from the changelog (go run mage.go tags), then run release again",
			what, prefix, prefix, next)
	}
	return fmt.Errorf("%s: fetch the missing tags (git fetch --tags), or tag those releases first", what)
}

// CheckClean refuses a working tree with uncommitted or untracked files: a
// tag names a commit, so what is released must be what is committed.
func (o Options) CheckClean() error {
	dirty, err := o.Repo.Dirty()
	if err != nil {
		return err
	}
	if len(dirty) == 0 {
		return nil
	}
	shown := dirty
	if len(shown) > 10 {
		shown = shown[:10]
	}
	more := ""
	if len(dirty) > len(shown) {
		more = fmt.Sprintf(" and %d more", len(dirty)-len(shown))
	}
	return fmt.Errorf("the working tree has changes that are not committed (%s%s): a tag names a commit, so commit or stash them first",
		strings.Join(shown, ", "), more)
}

// Check runs every check that does not need the generator: the module
// path's major version, the version order and (when tagging) a clean tree.
// It returns each problem found.
func (p *Plan) Check(o Options, changelog string, tagging bool) []error {
	var errs []error
	if tagging {
		if err := o.CheckClean(); err != nil {
			errs = append(errs, err)
		}
	}
	if o.ModuleDir != "" {
		goMod := filepath.Join(o.ModuleDir, "go.mod")
		mod, err := ModuleLine(filepath.Join(o.Repo.Dir, goMod))
		if err == nil {
			err = CheckModulePath(p.Version, mod, goMod)
		}
		if err != nil {
			errs = append(errs, err)
		}
	}
	tags, err := o.Repo.Tags(o.TagPrefix)
	if err == nil {
		var entries []Version
		entries, err = ChangelogVersions(filepath.Join(o.Repo.Dir, changelog), o.TagPrefix)
		if err == nil {
			err = CheckOrder(p.Version, o.TagPrefix, tags, entries, changelog)
		}
	}
	if err != nil {
		errs = append(errs, err)
	}
	return errs
}

// Restored is one tag RestoreTags created.
type Restored struct{ Tag, Commit string }

// RestoreTags recreates the release tags a clone lacks from the changelog
// (path relative to the repository root): each entry's tag goes on the
// commit that added the entry's heading, which is the commit `release
// --write --tag` tags, with the entry as its message. Existing tags are left
// alone; an entry no commit added is an error.
func RestoreTags(repo gitref.Repo, changelog, prefix string) ([]Restored, error) {
	data, err := os.ReadFile(filepath.Join(repo.Dir, changelog))
	if err != nil {
		return nil, err
	}
	var out []Restored
	entries := changelogEntries(string(data), prefix)
	for i := len(entries) - 1; i >= 0; i-- { // oldest first
		e := entries[i]
		tag := prefix + e.version.String()
		if repo.TagExists(tag) {
			continue
		}
		commit, err := repo.FirstCommitAdding(changelog, e.heading)
		if err != nil {
			return out, err
		}
		if commit == "" {
			return out, fmt.Errorf("%s:%d:1: no commit added %q: tag %s by hand (git tag -a %s COMMIT)", changelog, e.line, e.heading, tag, tag)
		}
		if err := repo.CreateTagAt(tag, commit, e.text); err != nil {
			return out, err
		}
		out = append(out, Restored{tag, commit})
	}
	return out, nil
}

type changelogEntry struct {
	version Version
	heading string // "## events/v1.2.0 " (with the space, so v1.2.0 does not match v1.2.0x)
	text    string
	line    int
}

// changelogEntries splits a changelog into its release entries, newest
// (top) first.
func changelogEntries(data, prefix string) []changelogEntry {
	var out []changelogEntry
	lines := strings.SplitAfter(data, "\n")
	for i, l := range lines {
		rest, ok := strings.CutPrefix(l, "## "+prefix)
		if !ok {
			if len(out) > 0 && !strings.HasPrefix(l, "## ") {
				out[len(out)-1].text += l
			}
			continue
		}
		word, _, _ := strings.Cut(strings.TrimSpace(rest), " ")
		v, err := ParseVersion(word)
		if err != nil {
			continue
		}
		out = append(out, changelogEntry{v, "## " + prefix + word + " ", l, i + 1})
	}
	for i := range out {
		out[i].text = strings.TrimSpace(out[i].text) + "\n"
	}
	return out
}
