package main

import (
	"errors"
	"os"
	"path/filepath"

	"gitlab.com/acme/avroctl/gen/config"
	"gitlab.com/acme/avroctl/gen/gitref"
	"gitlab.com/acme/avroctl/gen/kafkastate"
	"gitlab.com/acme/avroctl/gen/lint"
)

// lintTopics loads what the topic rules check: the desired state (--state,
// else kafka.state of avroctl.yaml when the file exists) and, with
// against, the state at that git revision. It returns nil when there is no
// state to check.
func lintTopics(cfg *config.Config, statePath, against string) (*lint.Topics, error) {
	explicit := statePath != ""
	if !explicit {
		statePath = cfg.Path(cfg.Kafka.State)
	}
	st, err := kafkastate.Load(statePath)
	if errors.Is(err, os.ErrNotExist) && !explicit {
		return nil, nil
	}
	if err != nil {
		return nil, usageError{err}
	}
	in := &lint.Topics{State: st, Events: cfg.Registry.Topics}
	if against != "" {
		rel, err := filepath.Rel(cfg.Dir, statePath)
		if err != nil {
			return nil, usageError{err}
		}
		files, err := gitref.Repo{Dir: cfg.Dir}.ReadDir(against, filepath.ToSlash(filepath.Dir(rel)), filepath.Base(rel))
		if err != nil {
			return nil, usageError{err}
		}
		if data, ok := files[filepath.Base(rel)]; ok {
			// A state that did not parse then is no base to compare with.
			if prev, err := kafkastate.Parse(statePath+"@"+against, data, nil); err == nil {
				in.Previous = prev
			}
		}
	}
	return in, nil
}
