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
		skipConformance(t, sub, dir)
	}
	return dir
}

// conformanceContents says what each suite of ../shared/conformance holds,
// so that a test run without it says what it did not test.
var conformanceContents = map[string]string{
	"compat":        "225 recorded compatibility pairs",
	"idl":           "51 IDL files (71 cases) of Apache Avro's IDL suite",
	"idl-realworld": "186 real-world IDL files (295 cases)",
}

// skipConformance skips t, naming the suite, how much it holds and where
// it was looked for.
func skipConformance(t testing.TB, suite, dir string) {
	t.Helper()
	t.Skipf("SKIPPED %s: %s is not present (it sits beside the project in CI; see the README's \"Conformance and performance\")",
		conformanceContents[suite], dir)
}
