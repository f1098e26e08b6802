package golang

import (
	"errors"
	"os"

	"gitlab.com/acme/avroctl/gen/schema"
)

// ParseFiles reads .avsc files into one shared name registry, so a file may
// refer to types defined in another. Files are parsed in the order given,
// and a file that fails (possibly only for a reference defined in a later
// file) is retried after the others, as long as a pass makes progress. It
// returns every named type in definition order; errors are located
// ("file:line:col: msg").
func ParseFiles(paths []string) ([]schema.NamedSchema, error) {
	names := schema.NewNames()
	data := make(map[string][]byte, len(paths))
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		data[p] = b
	}
	pending := append([]string(nil), paths...)
	for len(pending) > 0 {
		var failed []string
		var errs []error
		for _, p := range pending {
			if _, err := schema.Parse(data[p], schema.ParseOptions{Filename: p, Names: names}); err != nil {
				failed = append(failed, p)
				errs = append(errs, err)
			}
		}
		if len(failed) == len(pending) {
			return nil, errors.Join(errs...)
		}
		pending = failed
	}
	return names.All(), nil
}
