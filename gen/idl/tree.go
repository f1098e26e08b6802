package idl

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"gitlab.com/acme/avroctl/gen/atomicfile"
	"gitlab.com/acme/avroctl/gen/schema"
)

// TreeResult reports what CompileTree did. Paths are in the output folder.
type TreeResult struct {
	Sources   []string // .avdl files compiled
	Written   []string // .avsc files created or changed
	Unchanged []string // .avsc files already up to date (not touched)
	Removed   []string // stale .avsc files deleted
	Warnings  []Warning
}

// CompileTree compiles every .avdl under idlDir and writes one pretty .avsc
// per named type to outDir, named <full.name>.avsc. It writes nothing when
// any file fails (the error lists every problem of every file), leaves
// files whose content is unchanged alone (so their mtimes stay), writes the
// others through a temporary file and a rename, and deletes the .avsc files
// in outDir that no type produces any more.
func CompileTree(idlDir, outDir string, opts Options) (TreeResult, error) {
	return compileTree(idlDir, outDir, opts, false)
}

// CheckTree reports what CompileTree would write and remove, writing
// nothing: CI uses it to fail when committed schemas are stale.
func CheckTree(idlDir, outDir string, opts Options) (TreeResult, error) {
	return compileTree(idlDir, outDir, opts, true)
}

// Tree is every named type compiled from a folder of .avdl files.
type Tree struct {
	Sources  []string // the .avdl files, in walk order
	Warnings []Warning
	// Types are the named types, one per full name (a type imported by
	// several files is compiled once per importer and must come out the
	// same), sorted by full name. Positions point into the .avdl sources.
	Types []schema.NamedSchema
	// pretty holds each type's .avsc text, by full name.
	pretty map[string][]byte
}

// LoadTree compiles every .avdl under idlDir in memory. The error lists
// every problem of every file.
func LoadTree(idlDir string, opts Options) (*Tree, error) {
	t := &Tree{pretty: map[string][]byte{}}
	if fi, err := os.Stat(idlDir); err != nil || !fi.IsDir() {
		return t, fmt.Errorf("%s: not an IDL folder (set it with --idl DIR)", idlDir)
	}
	err := filepath.WalkDir(idlDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(path, ".avdl") {
			t.Sources = append(t.Sources, path)
		}
		return nil
	})
	if err != nil {
		return t, err
	}
	var errs schema.ErrorList
	origin := map[string]string{}
	byName := map[string]schema.NamedSchema{}
	warned := map[Warning]bool{}
	for _, src := range t.Sources {
		f, err := Compile(src, opts)
		if err != nil {
			errs.AddError(schema.Position{Filename: src}, err)
			continue
		}
		for _, w := range f.Warnings {
			// Files imported by several roots would warn once per root.
			if !warned[w] {
				warned[w] = true
				t.Warnings = append(t.Warnings, w)
			}
		}
		for _, s := range f.Schemata() {
			name := s.Names().FullName()
			data := append(schema.MarshalPretty(s), '\n')
			if old, ok := t.pretty[name]; ok {
				if !bytes.Equal(old, data) {
					errs.Add(s.Names().Pos, fmt.Sprintf("type %s differs from its definition compiled from %s; one name, one definition", name, origin[name]))
				}
				continue
			}
			t.pretty[name] = data
			origin[name] = src
			byName[name] = s
		}
	}
	if len(errs) > 0 {
		errs.Sort()
		return t, dedupe(errs)
	}
	names := make([]string, 0, len(byName))
	for n := range byName {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		t.Types = append(t.Types, byName[n])
	}
	return t, nil
}

func compileTree(idlDir, outDir string, opts Options, dryRun bool) (TreeResult, error) {
	tree, err := LoadTree(idlDir, opts)
	res := TreeResult{Sources: tree.Sources, Warnings: tree.Warnings}
	if err != nil {
		return res, err
	}
	outputs := map[string][]byte{}
	for name, data := range tree.pretty {
		outputs[name+".avsc"] = data
	}
	if !dryRun {
		if err := os.MkdirAll(outDir, 0o755); err != nil {
			return res, err
		}
	}
	names := make([]string, 0, len(outputs))
	for n := range outputs {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		path := filepath.Join(outDir, n)
		var changed bool
		if dryRun {
			changed = !holds(path, outputs[n])
		} else if changed, err = WriteFileAtomic(path, outputs[n]); err != nil {
			return res, err
		}
		if changed {
			res.Written = append(res.Written, path)
		} else {
			res.Unchanged = append(res.Unchanged, path)
		}
	}
	entries, err := os.ReadDir(outDir)
	if err != nil && !(dryRun && os.IsNotExist(err)) {
		return res, err
	}
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".avsc") {
			continue
		}
		if _, ok := outputs[e.Name()]; !ok {
			path := filepath.Join(outDir, e.Name())
			if dryRun {
				res.Removed = append(res.Removed, path)
				continue
			}
			if err := os.Remove(path); err != nil {
				return res, err
			}
			res.Removed = append(res.Removed, path)
		}
	}
	return res, nil
}

// WriteSchemata writes what idl2schemata writes: <SimpleName>.avsc per
// named type (a later type with the same simple name overwrites an earlier
// one, as in the reference), or <full.name>.avsc with fullNames. It returns
// the files written.
func (f *File) WriteSchemata(dir string, fullNames bool) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	var written []string
	seen := map[string]bool{}
	for _, s := range f.Schemata() {
		name := s.Names().Name
		if fullNames {
			name = s.Names().FullName()
		}
		path := filepath.Join(dir, name+".avsc")
		if _, err := WriteFileAtomic(path, append(schema.MarshalPretty(s), '\n')); err != nil {
			return written, err
		}
		if !seen[path] {
			seen[path] = true
			written = append(written, path)
		}
	}
	return written, nil
}

// holds reports whether name is a regular file whose content is data. A
// special file (reading a pipe would block) or a larger file is not read.
func holds(name string, data []byte) bool {
	old, _, err := Options{MaxFileSize: int64(len(data)) + 1}.readSource(name)
	return err == nil && bytes.Equal(old, data)
}

// WriteFileAtomic writes data to name through a temporary file in the same
// folder and a rename, so readers never see half a file. When the file
// already holds data it is left untouched and changed is false.
func WriteFileAtomic(name string, data []byte) (changed bool, err error) {
	if holds(name, data) {
		return false, nil
	}
	if err := atomicfile.Write(name, data, 0o644); err != nil {
		return false, err
	}
	return true, nil
}
