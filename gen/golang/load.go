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
//
// A type is defined in every file that writes it out (avroctl compile
// writes each event with its shared types inline, and each type in a file
// of its own), and the first definition read would name the file it came
// from: EventMetadata would come from LoyaltyPointsAdded.avsc. So a type
// whose own file (a file whose top-level schema it is) is among paths is
// placed there instead.
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
	all := names.All()
	own := map[string]schema.Position{} // full name -> position in its own file
	for _, p := range paths {
		if top, err := schema.Parse(data[p], schema.ParseOptions{Filename: p}); err == nil {
			if n, ok := top.(schema.NamedSchema); ok {
				if _, seen := own[n.Names().FullName()]; !seen {
					own[n.Names().FullName()] = n.Names().Pos
				}
			}
		}
	}
	for _, n := range all {
		if pos, ok := own[n.Names().FullName()]; ok {
			n.Names().Pos = pos
		}
	}
	return all, nil
}
