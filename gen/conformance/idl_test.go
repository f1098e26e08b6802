package conformance

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// sharedDir is where the reference suites live in CI; a user's clone does
// not have it, so the tests skip, saying what they did not test.
const sharedDir = "../../../shared/conformance"

// suiteCases is how many cases each suite holds: a skip names it, and a
// run that finds another number fails (a suite that lost files would
// otherwise pass with fewer cases).
var suiteCases = map[string]int{"idl": 71, "idl-realworld": 295, "compat": 225 + 33}

func skipSuite(t *testing.T, suite string, err error) {
	t.Helper()
	t.Skipf("SKIPPED the %d cases of the %s conformance suite: %v (the data sits beside the project in CI; see the README's \"Conformance and performance\")",
		suiteCases[suite], suite, err)
}

func TestIDLConformance(t *testing.T) {
	for _, suite := range []string{"idl", "idl-realworld"} {
		t.Run(suite, func(t *testing.T) {
			root := filepath.Join(sharedDir, suite)
			if _, err := os.Stat(filepath.Join(root, "cases.tsv")); err != nil {
				skipSuite(t, suite, err)
			}
			var out strings.Builder
			sum, err := RunIDL(root, &out)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%s: %d passed, %d failed", suite, sum.Passed, sum.Failed)
			if n := sum.Passed + sum.Failed; n != suiteCases[suite] {
				t.Errorf("ran %d cases of %s, want %d", n, suite, suiteCases[suite])
			}
			for _, f := range sum.Failures {
				t.Error(f)
			}
		})
	}
}
