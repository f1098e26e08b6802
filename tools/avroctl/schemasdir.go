package main

import (
	"os"
	"path/filepath"
)

// requireSchemas refuses a schemas folder that does not exist or holds no
// .avsc file, saying what makes it: a fresh clone or a new repository has
// only the IDL until `avroctl compile` runs.
func requireSchemas(dir string) error {
	fi, err := os.Stat(dir)
	if err != nil || !fi.IsDir() {
		return usageErrorf("%s: no such folder: compile the IDL into it first (avroctl compile, or go run mage.go generate), or name another with --schemas or schemas: in %s", dir, configPath)
	}
	if matches, _ := filepath.Glob(filepath.Join(dir, "*.avsc")); len(matches) > 0 {
		return nil
	}
	found := false
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && filepath.Ext(p) == ".avsc" {
			found = true
			return filepath.SkipAll
		}
		return nil
	})
	if !found {
		return usageErrorf("%s: no .avsc files: compile the IDL into it first (avroctl compile, or go run mage.go generate)", dir)
	}
	return nil
}
