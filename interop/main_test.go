package interop

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"gitlab.com/acme/avroctl/interop/javaharness"
)

var (
	pairsFlag = flag.Int("interop.pairs", 3000, "number of random reader/writer pairs in TestCompatRandomPairs (300 with -short)")
	seedFlag  = flag.Uint64("interop.seed", 1, "seed of the random schema generator")
)

func TestMain(m *testing.M) {
	flag.Parse()
	code := m.Run()
	javaharness.CloseShared()
	os.Exit(code)
}

// projectRoot is the avroctl repository root (this module lives in interop/).
func projectRoot(t testing.TB) string {
	t.Helper()
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// conformanceDir returns ../shared/conformance/<sub> next to the project, or
// skips: a user's clone does not have it.
func conformanceDir(t testing.TB, sub string) string {
	t.Helper()
	dir := filepath.Join(projectRoot(t), "..", "shared", "conformance", sub)
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("conformance data not present (%s); it sits beside the project only in CI", dir)
	}
	return dir
}
