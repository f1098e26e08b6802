package lint

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"gitlab.com/acme/avroctl/gen/idl"
	"gitlab.com/acme/avroctl/gen/schema"
)

// Load reads the named types to lint from paths: .avdl files (compiled),
// .avsc files, and folders holding either (a folder's .avdl files are
// compiled together, as `avroctl compile` does). Each full name is kept
// once, from the first place that declares it, so a type imported by
// several files is checked once, at its declaration. The error lists every
// problem of every input.
func Load(paths []string, opts idl.Options) ([]schema.NamedSchema, error) {
	var errs schema.ErrorList
	seen := map[string]bool{}
	var out []schema.NamedSchema
	add := func(list []schema.NamedSchema) {
		for _, t := range list {
			if n := t.Names().FullName(); !seen[n] {
				seen[n] = true
				out = append(out, t)
			}
		}
	}
	for _, p := range paths {
		fi, err := os.Stat(p)
		if err != nil {
			errs.Add(schema.Position{Filename: p}, "no such file or folder")
			continue
		}
		if fi.IsDir() {
			list, err := loadDir(p, opts)
			if err != nil {
				errs.AddError(schema.Position{Filename: p}, err)
			}
			add(list)
			continue
		}
		switch {
		case strings.HasSuffix(p, ".avdl"):
			f, err := idl.Compile(p, opts)
			if err != nil {
				errs.AddError(schema.Position{Filename: p}, err)
				continue
			}
			add(f.Schemata())
		case strings.HasSuffix(p, ".avsc"):
			list, err := loadAvsc([]string{p})
			if err != nil {
				errs.AddError(schema.Position{Filename: p}, err)
			}
			add(list)
		default:
			errs.Add(schema.Position{Filename: p}, "not an Avro source: want a .avdl or .avsc file, or a folder of them")
		}
	}
	if len(errs) > 0 {
		errs.Sort()
		return out, errs
	}
	return out, nil
}

// loadDir loads a folder: its .avdl files when it has any, else its .avsc
// files.
func loadDir(dir string, opts idl.Options) ([]schema.NamedSchema, error) {
	var avdl, avsc []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		switch {
		case d.IsDir():
		case strings.HasSuffix(path, ".avdl"):
			avdl = append(avdl, path)
		case strings.HasSuffix(path, ".avsc"):
			avsc = append(avsc, path)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(avdl) > 0 {
		tree, err := idl.LoadTree(dir, opts)
		if err != nil {
			return nil, err
		}
		return tree.Types, nil
	}
	if len(avsc) == 0 {
		return nil, fmt.Errorf("%s: no .avdl or .avsc files here", dir)
	}
	return loadAvsc(avsc)
}

// loadAvsc parses .avsc files, each on its own (as compiled schemas/ files
// are self-contained). A file's own top-level type comes first, so a type
// inlined in several files is reported at the file named after it.
func loadAvsc(files []string) ([]schema.NamedSchema, error) {
	sort.Strings(files)
	var errs schema.ErrorList
	var top, nested []schema.NamedSchema
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			errs.Add(schema.Position{Filename: f}, err.Error())
			continue
		}
		s, err := schema.Parse(data, schema.ParseOptions{Filename: f})
		if err != nil {
			errs.AddError(schema.Position{Filename: f}, err)
			continue
		}
		first := true
		schema.Walk(s, func(n schema.NamedSchema) {
			if first {
				top = append(top, n)
				first = false
				return
			}
			nested = append(nested, n)
		})
	}
	if len(errs) > 0 {
		return append(top, nested...), errs
	}
	return append(top, nested...), nil
}
