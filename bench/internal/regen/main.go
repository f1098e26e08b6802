// Command regen regenerates internal/avroctlgen, the Go code avroctl's
// generator (gen/golang) emits for testdata/order.avsc. It runs from the
// bench directory (go generate does that):
//
//	go run ./internal/regen          # rewrite internal/avroctlgen
//	go run ./internal/regen -check   # exit 1 if it is stale
//
// gen/golang emits a whole module (go.mod, doc.go, one package per namespace
// and its runtime package). Here the module path is set to the directory's
// import path inside the bench module and go.mod is left out, so the
// generated packages become ordinary packages of the bench module: no nested
// module, no replace directive.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"gitlab.com/acme/avroctl/gen/golang"
	"gitlab.com/acme/avroctl/gen/schema"
)

const (
	schemaFile = "testdata/order.avsc"
	outDir     = "internal/avroctlgen"
	modulePath = "gitlab.com/acme/avroctl/bench/internal/avroctlgen"
)

func main() { os.Exit(run(os.Args[1:], os.Stderr)) }

func run(args []string, stderr io.Writer) int {
	fset := flag.NewFlagSet("regen", flag.ContinueOnError)
	fset.SetOutput(stderr)
	check := fset.Bool("check", false, "report stale files instead of writing them")
	if err := fset.Parse(args); err != nil {
		return 2
	}
	files, err := generate(".")
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 2
	}
	if *check {
		stale, err := diff(outDir, files)
		if err != nil {
			fmt.Fprintln(stderr, err)
			return 2
		}
		for _, s := range stale {
			fmt.Fprintf(stderr, "%s: stale; run go generate in bench\n", filepath.Join(outDir, s))
		}
		if len(stale) > 0 {
			return 1
		}
		return 0
	}
	if err := write(outDir, files); err != nil {
		fmt.Fprintln(stderr, err)
		return 2
	}
	return 0
}

// generate returns the files of internal/avroctlgen, relative to it, for
// the bench module rooted at dir.
func generate(dir string) (golang.Files, error) {
	data, err := os.ReadFile(filepath.Join(dir, schemaFile))
	if err != nil {
		return nil, err
	}
	s, err := schema.Parse(data, schema.ParseOptions{Filename: schemaFile})
	if err != nil {
		return nil, err
	}
	named, ok := s.(schema.NamedSchema)
	if !ok {
		return nil, fmt.Errorf("%s: top-level schema is a %s, want a record", schemaFile, s.Type())
	}
	files, err := golang.Generate([]schema.NamedSchema{named}, golang.Options{
		ModulePath: modulePath,
		Packages:   map[string]string{"com.acme.orders": "orders"},
	})
	if err != nil {
		return nil, err
	}
	// go.mod (and any go.sum) would make the directory a separate module.
	return slices.DeleteFunc(files, func(f golang.File) bool {
		return f.Path == "go.mod" || f.Path == "go.sum"
	}), nil
}

// diff lists files under dir that differ from files: changed, missing, or
// generated files that generation no longer produces.
func diff(dir string, files golang.Files) ([]string, error) {
	var stale []string
	want := map[string]bool{}
	for _, f := range files {
		want[f.Path] = true
		got, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(f.Path)))
		if err != nil || !bytes.Equal(got, f.Content) {
			stale = append(stale, f.Path)
		}
	}
	old, err := generatedFiles(dir)
	if err != nil {
		return nil, err
	}
	for _, p := range old {
		if !want[p] {
			stale = append(stale, p)
		}
	}
	slices.Sort(stale)
	return stale, nil
}

// write puts files under dir, each through a temporary file and a rename,
// then deletes generated files (those starting with golang.Header) that
// generation no longer produces. Hand-written files are never touched.
func write(dir string, files golang.Files) error {
	want := map[string]bool{}
	for _, f := range files {
		want[f.Path] = true
		if err := writeFileAtomic(filepath.Join(dir, filepath.FromSlash(f.Path)), f.Content); err != nil {
			return err
		}
	}
	old, err := generatedFiles(dir)
	if err != nil {
		return err
	}
	for _, p := range old {
		if !want[p] {
			if err := os.Remove(filepath.Join(dir, filepath.FromSlash(p))); err != nil {
				return err
			}
		}
	}
	return nil
}

// generatedFiles lists the files under dir whose first line is golang.Header,
// as slash-separated paths relative to dir.
func generatedFiles(dir string) ([]string, error) {
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if os.IsNotExist(err) && p == dir {
				return filepath.SkipDir
			}
			return err
		}
		if d.IsDir() {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if !strings.HasPrefix(string(b), golang.Header) {
			return nil
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		out = append(out, filepath.ToSlash(rel))
		return nil
	})
	return out, err
}

func writeFileAtomic(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Chmod(f.Name(), 0o644); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}
