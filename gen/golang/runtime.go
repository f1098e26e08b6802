package golang

import (
	"embed"
	"fmt"
	"go/format"
	"io/fs"
	"path"
	"sort"
	"strings"
)

// The runtime packages (avro: encoding, decoding, resolution; serde: the
// Schema Registry wire format) are real packages in this repository,
// compiled and tested here, and copied into every generated module, so a
// generated module needs nothing but the standard library. Imports between
// them are rewritten from this repository's paths to the module's.
//
//go:embed runtime/*/*.go
var runtimeFS embed.FS

// runtimeImportPrefix is the import path prefix of the runtime packages in
// this repository.
const runtimeImportPrefix = "gitlab.com/acme/avroctl/gen/golang/runtime/"

// runtimePackages returns the directories of the runtime packages, which
// generated packages may not use.
func runtimePackages() []string {
	entries, _ := fs.ReadDir(runtimeFS, "runtime")
	var dirs []string
	for _, e := range entries {
		if e.IsDir() {
			dirs = append(dirs, e.Name())
		}
	}
	return dirs
}

// runtimeFiles returns the runtime packages as generated files at the
// module root (avro/, serde/), test files excluded.
func runtimeFiles(modulePath string) (Files, error) {
	entries, err := fs.Glob(runtimeFS, "runtime/*/*.go")
	if err != nil {
		return nil, err
	}
	sort.Strings(entries)
	var out Files
	for _, e := range entries {
		if strings.HasSuffix(e, "_test.go") {
			continue
		}
		src, err := runtimeFS.ReadFile(e)
		if err != nil {
			return nil, err
		}
		rel := strings.TrimPrefix(e, "runtime/")
		body := strings.ReplaceAll(string(src), `"`+runtimeImportPrefix, `"`+modulePath+"/")
		content := Header + "\n// source: avroctl runtime gen/golang/runtime/" + rel + "\n\n" + body
		formatted, err := format.Source([]byte(content))
		if err != nil {
			return nil, fmt.Errorf("runtime file %s: %v", rel, err)
		}
		out = append(out, File{Path: path.Clean(rel), Content: formatted})
	}
	return out, nil
}
