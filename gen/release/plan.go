package release

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"gitlab.com/acme/avroctl/gen/atomicfile"
	"gitlab.com/acme/avroctl/gen/gitref"
	"gitlab.com/acme/avroctl/gen/schema"
)

// Plan is the release that the schema change since the last tag calls for.
type Plan struct {
	// Last is the last release tag, "" when there is none.
	Last string
	// Next is the tag to create, "" when nothing changed.
	Next    string
	Version Version
	Bump    Bump
	Changes []Change
	// ModulePath is the module path the next version needs.
	ModulePath string
}

// Options say where things are.
type Options struct {
	// Repo is the git working tree.
	Repo gitref.Repo
	// SchemasDir is the schemas folder relative to the repo root.
	SchemasDir string
	// TagPrefix is the events module's tag prefix, "events/".
	TagPrefix string
	// ModulePath is the events module's current path (from avroctl.yaml).
	ModulePath string
	// ModuleDir is the events module's folder relative to the repo root;
	// when set, the exported API of its runtime is diffed too.
	ModuleDir string
	// Initial is the first version when there is no tag yet.
	Initial Version
}

// Compute diffs the working tree's schemas against the last release tag.
func Compute(opts Options) (*Plan, error) {
	tags, err := opts.Repo.Tags(opts.TagPrefix)
	if err != nil {
		return nil, err
	}
	current, err := LoadDir(filepath.Join(opts.Repo.Dir, opts.SchemasDir))
	if err != nil {
		return nil, err
	}
	p := &Plan{}
	last, lastV, ok := LatestTag(tags, opts.TagPrefix)
	if !ok {
		p.Version = opts.Initial
		p.Bump = Major
		for _, name := range sortedNames(current) {
			p.Changes = append(p.Changes, Change{Additive, name, "new type " + name})
		}
	} else {
		p.Last = last
		files, err := opts.Repo.ReadDir(last, opts.SchemasDir, ".avsc")
		if err != nil {
			return nil, err
		}
		old, err := parseFiles(last+":"+opts.SchemasDir, files)
		if err != nil {
			return nil, err
		}
		p.Changes = Diff(old, current)
		if opts.ModuleDir != "" {
			apiChanges, err := runtimeAPIChanges(opts, last)
			if err != nil {
				return nil, err
			}
			p.Changes = append(p.Changes, apiChanges...)
		}
		p.Bump = Summarize(p.Changes)
		p.Version = lastV.Next(p.Bump)
	}
	if p.Bump != None {
		p.Next = opts.TagPrefix + p.Version.String()
	}
	p.ModulePath = ModulePathFor(opts.ModulePath, p.Version)
	return p, nil
}

// LoadDir parses every .avsc under dir. Each file holds one named type and
// is self-contained (as `avroctl compile` writes them).
func LoadDir(dir string) (map[string]schema.NamedSchema, error) {
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".avsc") {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		files[rel] = data
		return nil
	})
	if err != nil {
		return nil, err
	}
	return parseFiles(dir, files)
}

func parseFiles(dir string, files map[string][]byte) (map[string]schema.NamedSchema, error) {
	out := map[string]schema.NamedSchema{}
	var errs schema.ErrorList
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		s, err := schema.Parse(files[n], schema.ParseOptions{Filename: filepath.Join(dir, n)})
		if err != nil {
			if list, ok := err.(schema.ErrorList); ok {
				errs = append(errs, list...)
				continue
			}
			return nil, err
		}
		if ns, ok := s.(schema.NamedSchema); ok {
			out[ns.Names().FullName()] = ns
		}
	}
	return out, errs.Err()
}

func sortedNames(m map[string]schema.NamedSchema) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Entry renders the changelog entry of the plan, dated date (YYYY-MM-DD).
func (p *Plan) Entry(date string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "## %s (%s)\n\n", p.Next, date)
	if p.Last == "" {
		fmt.Fprintf(&b, "First release.\n\n")
	} else {
		fmt.Fprintf(&b, "A %s release: changes since %s.\n\n", p.Bump, p.Last)
	}
	for _, k := range []Kind{WireBreaking, GoBreaking, Additive, Other, DocsOnly} {
		var lines []string
		for _, c := range p.Changes {
			if c.Kind == k {
				lines = append(lines, "- "+c.Text)
			}
		}
		if len(lines) == 0 {
			continue
		}
		fmt.Fprintf(&b, "### %s\n\n%s\n\n", sectionTitle[k], strings.Join(lines, "\n"))
	}
	if p.Bump == Major && p.Last != "" {
		fmt.Fprintf(&b, "Import path: `%s`.\n\n", p.ModulePath)
	}
	return b.String()
}

var sectionTitle = map[Kind]string{
	WireBreaking: "Breaking: wire format",
	GoBreaking:   "Breaking: Go API",
	Additive:     "Added",
	Other:        "Changed",
	DocsOnly:     "Documentation",
}

// WriteChangelog inserts entry at the top of the changelog file (after its
// title), atomically. An entry for the same tag is never written twice.
func WriteChangelog(path, tag, entry string) error {
	old, err := os.ReadFile(path)
	if err != nil && !os.IsNotExist(err) {
		return err
	}
	if bytes.Contains(old, []byte("## "+tag+" ")) {
		return fmt.Errorf("%s already has an entry for %s", path, tag)
	}
	const title = "# Changelog of the events module\n\n"
	body := strings.TrimPrefix(string(old), title)
	content := title + entry + body
	return atomicfile.Write(path, []byte(content), 0o644)
}

// runtimeAPIChanges diffs the exported API of the events module's runtime
// at the last tag with the working tree's.
func runtimeAPIChanges(opts Options, last string) ([]Change, error) {
	oldFiles, err := opts.Repo.ReadDir(last, opts.ModuleDir, ".go")
	if err != nil {
		return nil, err
	}
	newFiles := map[string][]byte{}
	root := filepath.Join(opts.Repo.Dir, opts.ModuleDir)
	err = filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		newFiles[filepath.ToSlash(rel)] = data
		return nil
	})
	if err != nil {
		return nil, err
	}
	return DiffGoAPI(RuntimeAPI(oldFiles), RuntimeAPI(newFiles)), nil
}
