// Package scaffold writes a new Avro contracts repository: avroctl.yaml with
// every key commented, an example in idl/, a magefile that imports avroctl's
// shared targets (gen/magetargets), a go.mod that pins avroctl with a tool
// directive, a GitLab pipeline that includes avroctl's template, .gitignore
// and a README. `avroctl init` is its command.
package scaffold

import (
	"bytes"
	"embed"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"text/template"

	"gitlab.com/acme/avroctl/gen/atomicfile"
)

//go:embed templates
var templates embed.FS

// MageVersion is the mage a new repository requires: the one avroctl's own
// go.mod requires (a test keeps them in step).
const MageVersion = "v1.17.2"

// GoVersion is the go line of a new repository's go.mod and go.work: the
// one avroctl's own go.mod declares (a test keeps them in step). A lower
// one fails at once, because the pinned avroctl (or the checkout go.work
// lists) requires it: "module ... requires go >= 1.26.0".
const GoVersion = "1.26.0"

// DevelVersion is the avroctl version pinned by a development build, which
// has no version of its own: only a go.work listing an avroctl checkout
// makes such a repository build.
const DevelVersion = "v0.0.0-00010101000000-000000000000"

// Options describe the repository to create. Zero values take the
// documented defaults (see Defaults).
type Options struct {
	// Module is the repository's Go module path; the generated events
	// module is Module + "/events". Default: example.com/<folder name>.
	Module string
	// Namespace is the Avro namespace of the example. Default: derived
	// from Module (gitlab.com/acme/shipping -> com.acme.shipping).
	Namespace string
	// AvroctlVersion is the avroctl version go.mod pins (and the CI
	// template's ref). Default: DevelVersion.
	AvroctlVersion string
	// AvroctlDir, when set, is an avroctl checkout: a go.work lists it.
	AvroctlDir string
	// CIProject is the GitLab project holding avroctl's CI template.
	CIProject string
}

// DefaultCIProject is the GitLab project of avroctl.
const DefaultCIProject = "acme/avroctl"

// Defaults fills the zero values of o for a repository in dir.
func (o Options) Defaults(dir string) (Options, error) {
	if o.Module == "" {
		abs, err := filepath.Abs(dir)
		if err != nil {
			return o, err
		}
		o.Module = "example.com/" + pathSegment(filepath.Base(abs))
	}
	if !modulePathRx.MatchString(o.Module) {
		return o, fmt.Errorf("%q is not a Go module path (for example gitlab.com/acme/shipping)", o.Module)
	}
	if o.Namespace == "" {
		o.Namespace = namespaceFor(o.Module)
	}
	if !namespaceRx.MatchString(o.Namespace) {
		return o, fmt.Errorf("%q is not an Avro namespace in lower case (for example com.acme.shipping)", o.Namespace)
	}
	if o.AvroctlVersion == "" {
		o.AvroctlVersion = DevelVersion
	}
	if o.CIProject == "" {
		o.CIProject = DefaultCIProject
	}
	return o, nil
}

var (
	modulePathRx = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]*\.[a-z]+(/[A-Za-z0-9._~-]+)+$`)
	namespaceRx  = regexp.MustCompile(`^[a-z][a-z0-9]*(\.[a-z][a-z0-9]*)*$`)
	nonAlnum     = regexp.MustCompile(`[^a-z0-9]+`)
)

// codeHosts are hosts whose name says nothing about the owner: the
// namespace starts at the path (gitlab.com/acme/x -> com.acme.x).
var codeHosts = map[string]bool{"gitlab.com": true, "github.com": true, "bitbucket.org": true}

// namespaceFor derives a reverse-DNS namespace from a module path.
func namespaceFor(module string) string {
	parts := strings.Split(module, "/")
	var segs []string
	if codeHosts[parts[0]] {
		segs = append(segs, "com")
	} else {
		host := strings.Split(parts[0], ".")
		for i := len(host) - 1; i >= 0; i-- {
			segs = append(segs, host[i])
		}
	}
	segs = append(segs, parts[1:]...)
	var out []string
	for _, s := range segs {
		s = nonAlnum.ReplaceAllString(strings.ToLower(s), "")
		if s == "" || (len(s) >= 2 && s[0] == 'v' && strings.Trim(s[1:], "0123456789") == "") {
			continue // empty, or a /vN suffix
		}
		if s[0] >= '0' && s[0] <= '9' {
			s = "n" + s
		}
		out = append(out, s)
	}
	return strings.Join(out, ".")
}

// pathSegment makes a folder name usable in a module path.
func pathSegment(name string) string {
	s := strings.Trim(nonAlnum.ReplaceAllString(strings.ToLower(name), "-"), "-")
	if s == "" {
		return "contracts"
	}
	return s
}

// File is one file to write, its path relative to the repository root.
type File struct {
	Path string
	Data []byte
	Mode fs.FileMode
}

// data is what the templates see.
type data struct {
	Options
	Name, EventsModule, Package, Record, MageVersion, GoVersion, CIRef string
	// Devel: no avroctl version to pin (a development build).
	Devel bool
}

// Render returns the repository's files, sorted by path. o must have its
// defaults (see Defaults).
func Render(o Options) ([]File, error) {
	d := data{Options: o, EventsModule: o.Module + "/events", Record: "SomethingHappened", MageVersion: MageVersion, GoVersion: GoVersion}
	d.Name = path.Base(o.Module)
	d.Package = o.Namespace[strings.LastIndexByte(o.Namespace, '.')+1:]
	d.CIRef = o.AvroctlVersion
	if o.AvroctlVersion == DevelVersion {
		d.CIRef, d.Devel = "main", true
	}
	// Template file -> repository path; dotfiles are stored without their
	// dot so that tools walking the module do not treat them as config.
	names := map[string]string{
		"gitignore.tmpl":        ".gitignore",
		"gitlab-ci.yml.tmpl":    ".gitlab-ci.yml",
		"idl/example.avdl.tmpl": "idl/" + d.Package + ".avdl",
	}
	var files []File
	err := fs.WalkDir(templates, "templates", func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		rel := strings.TrimPrefix(p, "templates/")
		if rel == "go.work.tmpl" && o.AvroctlDir == "" {
			return nil
		}
		src, err := templates.ReadFile(p)
		if err != nil {
			return err
		}
		t, err := template.New(rel).Option("missingkey=error").Parse(string(src))
		if err != nil {
			return err
		}
		var b bytes.Buffer
		if err := t.Execute(&b, d); err != nil {
			return err
		}
		name, ok := names[rel]
		if !ok {
			name = strings.TrimSuffix(rel, ".tmpl")
		}
		files = append(files, File{Path: name, Data: b.Bytes(), Mode: 0o644})
		return nil
	})
	sort.Slice(files, func(i, j int) bool { return files[i].Path < files[j].Path })
	return files, err
}

// Write writes files under dir, creating folders. It never overwrites: when
// any file exists, nothing is written and the error lists them. Each file is
// written to a temp file and renamed.
func Write(dir string, files []File) error {
	var exist []string
	for _, f := range files {
		if _, err := os.Lstat(filepath.Join(dir, f.Path)); err == nil {
			exist = append(exist, f.Path)
		}
	}
	if len(exist) > 0 {
		return fmt.Errorf("%s already has %s: avroctl init never overwrites; run it in an empty folder, or move them away", dir, strings.Join(exist, ", "))
	}
	for _, f := range files {
		target := filepath.Join(dir, f.Path)
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return err
		}
		if err := atomicfile.Write(target, f.Data, f.Mode); err != nil {
			return err
		}
	}
	return nil
}
