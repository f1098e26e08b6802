// Package input loads the schema files that compatibility commands take:
// .avsc (Java Schema.Parser semantics) or .avdl (Avro IDL: the file's main
// schema, or the type named in "file.avdl#full.Name").
package input

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"gitlab.com/acme/avroctl/gen/schema"
)

// Options configure Load.
type Options struct {
	// ImportDirs are searched for IDL imports given by bare name.
	ImportDirs []string
}

// Load reads the schema in path. Errors are "file:line:col: message".
func Load(path string, opts Options) (schema.Schema, error) {
	file, typeName := path, ""
	if i := strings.LastIndexByte(path, '#'); i >= 0 && strings.EqualFold(filepath.Ext(path[:i]), ".avdl") {
		file, typeName = path[:i], path[i+1:]
	}
	switch strings.ToLower(filepath.Ext(file)) {
	case ".avdl":
		return loadIDL(file, typeName, opts)
	case ".avsc", ".json":
		data, err := os.ReadFile(file)
		if err != nil {
			return nil, err
		}
		return schema.Parse(data, schema.ParseOptions{Filename: file})
	}
	return nil, fmt.Errorf("%s: unknown schema file type %q: want .avsc or .avdl", path, filepath.Ext(file))
}
