package diff

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"gitlab.com/acme/avroctl/gen/gitref"
	"gitlab.com/acme/avroctl/gen/idl"
	"gitlab.com/acme/avroctl/gen/schema"
)

// DefaultSchemas is the folder read at a git revision named without a path
// (`REV`, `events/v1.2.0`).
const DefaultSchemas = "schemas"

// Load reads one side of a diff: a .avsc or .avdl file, a folder (its .avsc
// files, or its .avdl files when it has none), or else a git revision
// `REV` (its schemas/ folder) or `REV:path` read in the repository at
// repoDir ("" for the current directory).
func Load(spec, repoDir string) (Set, error) {
	if spec == "" {
		return nil, errors.New("empty schema source: pass a file, a folder, REV or REV:path")
	}
	if fi, err := os.Stat(spec); err == nil {
		if fi.IsDir() {
			return loadFiles(dirReader(spec), spec, "")
		}
		return loadFiles(dirReader(filepath.Dir(spec)), filepath.Dir(spec), filepath.Base(spec))
	}
	rev, p, hasPath := strings.Cut(spec, ":")
	if !hasPath || p == "" {
		p = DefaultSchemas
	}
	p = path.Clean(filepath.ToSlash(p))
	repo := gitref.Repo{Dir: repoDir}
	if _, err := repo.Resolve(rev); err != nil {
		if !hasPath && !strings.ContainsAny(spec, "/~^@") && looksLikePath(spec) {
			return nil, fmt.Errorf("%s: no such file or folder, and not a git revision", spec)
		}
		if !hasPath {
			return nil, fmt.Errorf("%s: no such file or folder; as a git revision: %w", spec, err)
		}
		return nil, err
	}
	dir, only := p, ""
	if ext := path.Ext(p); ext == ".avsc" || ext == ".avdl" {
		dir, only = path.Dir(p), path.Base(p)
	}
	files := map[string][]byte{}
	for _, ext := range []string{".avsc", ".avdl"} {
		var got map[string][]byte
		var err error
		if dir == "." {
			return nil, fmt.Errorf("%s: name a folder after the revision, for example %s:schemas", spec, rev)
		}
		got, err = repo.ReadDir(rev, dir, ext)
		if err != nil {
			return nil, err
		}
		for k, v := range got {
			files[k] = v
		}
	}
	if only != "" {
		if _, ok := files[only]; !ok {
			return nil, fmt.Errorf("%s: no such file at %s", p, rev)
		}
	} else if len(files) == 0 {
		return nil, fmt.Errorf("%s: no .avsc or .avdl files under %s at %s", spec, p, rev)
	}
	return loadFiles(mapReader(files), rev+":"+dir, only)
}

func looksLikePath(s string) bool {
	return strings.HasSuffix(s, ".avsc") || strings.HasSuffix(s, ".avdl") || strings.HasPrefix(s, ".")
}

// reader lists and reads the files of one side, keyed by slash path.
type reader struct {
	// disk is set for a folder on disk: IDL imports are then read from
	// disk, so they may leave the folder (../common.avdl).
	disk bool
	list func() ([]string, error)
	read func(name string) ([]byte, error)
}

func dirReader(dir string) reader {
	return reader{
		disk: true,
		list: func() ([]string, error) {
			var out []string
			err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
				if err != nil {
					return err
				}
				if ext := filepath.Ext(p); !d.IsDir() && (ext == ".avsc" || ext == ".avdl") {
					rel, err := filepath.Rel(dir, p)
					if err != nil {
						return err
					}
					out = append(out, filepath.ToSlash(rel))
				}
				return nil
			})
			sort.Strings(out)
			return out, err
		},
		read: func(name string) ([]byte, error) { return os.ReadFile(filepath.Join(dir, filepath.FromSlash(name))) },
	}
}

func mapReader(files map[string][]byte) reader {
	return reader{
		list: func() ([]string, error) {
			out := make([]string, 0, len(files))
			for k := range files {
				out = append(out, k)
			}
			sort.Strings(out)
			return out, nil
		},
		read: func(name string) ([]byte, error) {
			if data, ok := files[name]; ok {
				return data, nil
			}
			return nil, fs.ErrNotExist
		},
	}
}

// loadFiles parses the .avsc files (or, when there are none, the .avdl
// files) of a side; only, when set, restricts it to that one file. label
// prefixes file names in error positions.
func loadFiles(r reader, label, only string) (Set, error) {
	names, err := r.list()
	if err != nil {
		return nil, err
	}
	var avsc, avdl []string
	for _, n := range names {
		if only != "" && n != only {
			continue
		}
		if strings.HasSuffix(n, ".avsc") {
			avsc = append(avsc, n)
		} else {
			avdl = append(avdl, n)
		}
	}
	set := Set{}
	if len(avsc) > 0 {
		return set, parseAvsc(r, label, avsc, set)
	}
	for _, n := range avdl {
		// Imports are read through r, relative to the importing file, so
		// IDL at a git revision compiles without a checkout.
		var f *idl.File
		var err error
		if r.disk {
			f, err = idl.Compile(filepath.Join(label, filepath.FromSlash(n)), idl.Options{})
		} else {
			f, err = idl.Compile(label+"/"+n, idl.Options{ReadFile: func(name string) ([]byte, error) {
				return r.read(strings.TrimPrefix(path.Clean(filepath.ToSlash(name)), path.Clean(label)+"/"))
			}})
		}
		if err != nil {
			return nil, err
		}
		for _, s := range f.NamedSchemas {
			set.Add(s)
		}
	}
	return set, nil
}

// parseAvsc parses the files; one that refers to a type defined in another
// is parsed again against the types of the files that stood alone.
func parseAvsc(r reader, label string, files []string, set Set) error {
	failed := map[string]error{}
	data := map[string][]byte{}
	for _, n := range files {
		b, err := r.read(n)
		if err != nil {
			return err
		}
		data[n] = b
		s, err := schema.Parse(b, schema.ParseOptions{Filename: label + "/" + n})
		if err != nil {
			failed[n] = err
			continue
		}
		set.Add(s)
	}
	if len(failed) == 0 {
		return nil
	}
	names := schema.NewNames()
	for _, k := range sortedNames(set) {
		_ = names.Add(set[k])
	}
	for _, n := range files {
		first, ok := failed[n]
		if !ok {
			continue
		}
		s, err := schema.Parse(data[n], schema.ParseOptions{Filename: label + "/" + n, Names: names})
		if err != nil {
			return first
		}
		set.Add(s)
	}
	return nil
}
