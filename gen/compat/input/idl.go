package input

import (
	"fmt"

	"gitlab.com/acme/avroctl/gen/idl"
	"gitlab.com/acme/avroctl/gen/schema"
)

// loadIDL compiles an .avdl file and returns its main schema, or the named
// type selected with "file.avdl#full.Name".
func loadIDL(path, typeName string, opts Options) (schema.Schema, error) {
	f, err := idl.Compile(path, idl.Options{ImportDirs: opts.ImportDirs})
	if err != nil {
		return nil, err
	}
	if typeName != "" {
		for _, n := range f.NamedSchemas {
			if n.Names().FullName() == typeName || n.Names().Name == typeName {
				return n, nil
			}
		}
		return nil, fmt.Errorf("%s: no type %s in the file; it defines %s", path, typeName, namedList(f.NamedSchemas))
	}
	if f.MainSchema == nil {
		return nil, fmt.Errorf("%s:1:1: the file has no main schema: add `schema <Type>;`, or name the type: %s#<full.Name> (it defines %s)", path, path, namedList(f.NamedSchemas))
	}
	return f.MainSchema, nil
}

func namedList(list []schema.NamedSchema) string {
	if len(list) == 0 {
		return "no named types"
	}
	s := ""
	for i, n := range list {
		if i > 0 {
			s += ", "
		}
		if i == 8 {
			return s + fmt.Sprintf("and %d more", len(list)-i)
		}
		s += n.Names().FullName()
	}
	return s
}
