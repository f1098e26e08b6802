package impact

import (
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"gitlab.com/acme/avroctl/gen/compat"
	"gitlab.com/acme/avroctl/gen/config"
	"gitlab.com/acme/avroctl/gen/diff"
	"gitlab.com/acme/avroctl/gen/kafkastate"
	"gitlab.com/acme/avroctl/gen/registry"
)

// DefaultAgainst is the revision the working tree is compared with when
// neither the command line nor the configuration names one.
const DefaultAgainst = "HEAD"

// Options say which project and which change to analyse.
type Options struct {
	// Config is the project's avroctl.yaml (its folder is the git working
	// tree's folder the schemas are read from).
	Config *config.Config
	// State is the desired state file; "" uses kafka.state from the config
	// when that file exists. A state file is optional.
	State string
	// Against is the git revision to compare with ("" means DefaultAgainst),
	// or a folder or file of schemas on disk.
	Against string
	// Args are FILE or TYPE arguments: the starting points. None means every
	// changed type.
	Args []string
	// Level, when LevelSet, is the level of every subject (else each
	// subject's level in the state file, else registry.compatibility, else
	// BACKWARD).
	Level    compat.Level
	LevelSet bool
	// NoResolver skips the RESOLVER_REJECTS check.
	NoResolver bool
}

// ErrInput marks errors in what the user gave (exit 2).
var ErrInput = errors.New("impact: bad input")

type inputError struct{ err error }

func (e inputError) Error() string        { return e.err.Error() }
func (e inputError) Unwrap() error        { return e.err }
func (e inputError) Is(target error) bool { return target == ErrInput }

// Load builds the Input of a project: the schemas folder now and at the
// revision, the events from avroctl.yaml's registry.topics and the desired
// state, the ACLs, the levels and the Go packages.
func Load(opts Options) (Input, error) {
	cfg := opts.Config
	if cfg == nil {
		return Input{}, inputError{errors.New("no configuration")}
	}
	against := opts.Against
	if against == "" {
		against = DefaultAgainst
	}
	in := Input{Against: against, NoResolver: opts.NoResolver, Levels: map[string]compat.Level{}}

	schemasDir := cfg.Path(cfg.Schemas)
	if fi, err := os.Stat(schemasDir); err != nil || !fi.IsDir() {
		return Input{}, inputError{fmt.Errorf("%s: no schemas folder (run avroctl compile first, or set schemas: in %s)", schemasDir, config.FileName)}
	}
	var err error
	if in.New, err = diff.Load(schemasDir, ""); err != nil {
		return Input{}, inputError{err}
	}
	rel := path.Clean(filepath.ToSlash(cfg.Schemas))
	if filepath.IsAbs(cfg.Schemas) {
		if r, err := filepath.Rel(cfg.Dir, cfg.Schemas); err == nil {
			rel = filepath.ToSlash(r)
		}
	}
	// A folder or file on disk is compared as it is (an old copy, a
	// download from the registry); anything else is a git revision of the
	// schemas folder.
	oldSpec := against + ":" + rel
	if _, err := os.Stat(against); err == nil {
		oldSpec = against
	}
	if in.Old, err = diff.Load(oldSpec, cfg.Dir); err != nil {
		return Input{}, inputError{err}
	}

	// Levels: the flag, else registry.compatibility, else BACKWARD.
	in.Level = compat.Backward
	switch {
	case opts.LevelSet:
		in.Level = opts.Level
	case cfg.Registry.Compatibility != "":
		if in.Level, err = compat.ParseLevel(cfg.Registry.Compatibility); err != nil {
			return Input{}, inputError{fmt.Errorf("%s: registry.compatibility: %w", config.FileName, err)}
		}
	}
	if in.Strategy, err = registry.ParseStrategy(cfg.Registry.Strategy); err != nil {
		return Input{}, inputError{fmt.Errorf("%s: registry.strategy: %w", config.FileName, err)}
	}
	for _, typ := range sortedKeys(cfg.Registry.Topics) {
		in.Events = append(in.Events, EventRef{Topic: cfg.Registry.Topics[typ], Type: typ})
	}

	statePath := opts.State
	mustExist := statePath != ""
	if statePath == "" && cfg.Kafka.State != "" {
		statePath = cfg.Path(cfg.Kafka.State)
	}
	if statePath != "" {
		st, err := kafkastate.Load(statePath)
		switch {
		case err == nil:
			for _, ev := range st.Events() {
				ref := EventRef{Topic: ev.Topic, Key: ev.Key, Type: ev.Type}
				if !slices.Contains(in.Events, ref) {
					in.Events = append(in.Events, ref)
				}
			}
			in.ACLs = st.ACLs()
			for name, s := range st.Subjects {
				if s.Compatibility == "" || opts.LevelSet { // the flag is for every subject
					continue
				}
				l, err := compat.ParseLevel(s.Compatibility)
				if err != nil {
					return Input{}, inputError{fmt.Errorf("%s: subjects.%s.compatibility: %w", statePath, name, err)}
				}
				in.Levels[name] = l
			}
		case errors.Is(err, os.ErrNotExist) && !mustExist:
			// No desired state: topics come from avroctl.yaml only.
		default:
			return Input{}, inputError{err}
		}
	}

	module := cfg.Go.Module
	in.Package = func(ns string) string {
		dir := cfg.PackageFor(ns)
		if dir == "" {
			return ""
		}
		if module == "" {
			return path.Join(filepath.ToSlash(cfg.Go.Out), dir)
		}
		return module + "/" + dir
	}

	for _, arg := range opts.Args {
		names, err := resolveTarget(arg, in)
		if err != nil {
			return Input{}, inputError{err}
		}
		for _, n := range names {
			if !slices.Contains(in.Targets, n) {
				in.Targets = append(in.Targets, n)
			}
		}
	}
	return in, nil
}

// resolveTarget turns a FILE (.avsc or .avdl: the types it defines) or a
// TYPE (a full name, or a simple name that only one type has) into full
// names.
func resolveTarget(arg string, in Input) ([]string, error) {
	if fi, err := os.Stat(arg); err == nil && !fi.IsDir() {
		set, err := diff.Load(arg, "")
		if err != nil {
			return nil, err
		}
		names := sortedKeys(set)
		if strings.HasSuffix(arg, ".avsc") {
			// One type per file: the file's own, not the ones it nests.
			base := strings.TrimSuffix(filepath.Base(arg), ".avsc")
			if _, ok := set[base]; ok {
				return []string{base}, nil
			}
		}
		// An .avdl file's own types, not the ones it imports.
		var own []string
		for _, n := range names {
			if f := set[n].Names().Pos.Filename; f == "" || filepath.Clean(f) == filepath.Clean(arg) {
				own = append(own, n)
			}
		}
		if len(own) > 0 {
			return own, nil
		}
		return names, nil
	}
	if _, ok := in.New[arg]; ok {
		return []string{arg}, nil
	}
	if _, ok := in.Old[arg]; ok {
		return []string{arg}, nil
	}
	var matches []string
	for _, set := range []diff.Set{in.New, in.Old} {
		for n := range set {
			if _, simple := splitName(n); simple == arg && !slices.Contains(matches, n) {
				matches = append(matches, n)
			}
		}
	}
	sort.Strings(matches)
	switch len(matches) {
	case 1:
		return matches, nil
	case 0:
		return nil, fmt.Errorf("%s: no such file, and no type of that name in the schemas (give a .avsc/.avdl file or a type's full name)", arg)
	}
	return nil, fmt.Errorf("%s: several types have that name: %s; give the full name", arg, strings.Join(matches, ", "))
}

func splitName(full string) (string, string) {
	if i := strings.LastIndexByte(full, '.'); i >= 0 {
		return full[:i], full[i+1:]
	}
	return "", full
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
