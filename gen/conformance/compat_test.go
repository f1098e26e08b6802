package conformance

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// compatRoot is the shared conformance data; a user's clone does not have it.
var compatRoot = filepath.Join("..", "..", "..", "shared", "conformance", "compat")

func TestCompatConformance(t *testing.T) {
	if _, err := os.Stat(filepath.Join(compatRoot, "pairs.json")); err != nil {
		skipSuite(t, "compat", err)
	}
	var out strings.Builder
	sum, err := RunCompat(compatRoot, &out)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("compat conformance: %d passed, %d failed", sum.Passed, sum.Failed)
	if sum.Failed > 0 {
		t.Errorf("compat conformance failures:\n%s", out.String())
	}
	if n := sum.Passed + sum.Failed; n != suiteCases["compat"] {
		t.Errorf("ran %d cases, want %d (225 pairs + 33 levels)", n, suiteCases["compat"])
	}
}
