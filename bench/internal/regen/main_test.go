package main

import (
	"testing"
)

// TestUpToDate fails when internal/avroctlgen is not what the generator in
// this tree produces, so benchmarks never run on stale generated code.
func TestUpToDate(t *testing.T) {
	files, err := generate("../..")
	if err != nil {
		t.Skipf("the generator cannot build the bench schema yet: %v", err)
	}
	stale, err := diff("../../"+outDir, files)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range stale {
		t.Errorf("%s/%s is stale: run go generate in bench", outDir, s)
	}
}
