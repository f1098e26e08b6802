package conformance

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// sharedDir is where the reference suites live in CI; a user's clone does
// not have it, so the tests skip.
const sharedDir = "../../../shared/conformance"

func TestIDLConformance(t *testing.T) {
	for _, suite := range []string{"idl", "idl-realworld"} {
		t.Run(suite, func(t *testing.T) {
			root := filepath.Join(sharedDir, suite)
			if _, err := os.Stat(filepath.Join(root, "cases.tsv")); err != nil {
				t.Skipf("reference suite not available: %v", err)
			}
			var out strings.Builder
			sum, err := RunIDL(root, &out)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%s: %d passed, %d failed", suite, sum.Passed, sum.Failed)
			for _, f := range sum.Failures {
				t.Error(f)
			}
		})
	}
}
