package schema

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// conformanceDir finds the shared conformance data, which a user's clone
// does not have: tests that need it skip when it is absent, saying what
// they did not test (what).
func conformanceDir(t testing.TB, what string) string {
	t.Helper()
	dir := os.Getenv("AVROCTL_CONFORMANCE")
	if dir == "" {
		dir = filepath.Join("..", "..", "..", "shared", "conformance")
	}
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("SKIPPED %s: conformance data not found at %s (it sits beside the project in CI, or set AVROCTL_CONFORMANCE; see the README's \"Conformance and performance\"): %v", what, dir, err)
	}
	return dir
}

// conformanceSchemas lists the pretty-printed .avsc goldens written by
// avro-tools idl2schemata.
func conformanceSchemas(t testing.TB) []string {
	dir := conformanceDir(t, "the 720 idl2schemata .avsc goldens of the idl and idl-realworld suites")
	var files []string
	for _, pattern := range []string{
		"idl/outputs/idl2schemata/*/*.avsc",
		"idl-realworld/outputs/*/*.schemata/*.avsc",
		"idl-realworld/outputs/*.schemata/*.avsc",
	} {
		m, _ := filepath.Glob(filepath.Join(dir, pattern))
		files = append(files, m...)
	}
	// Deeper layouts, whatever their nesting.
	_ = filepath.WalkDir(filepath.Join(dir, "idl-realworld", "outputs"), func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".avsc") && strings.HasSuffix(filepath.Dir(path), ".schemata") {
			files = append(files, path)
		}
		return nil
	})
	return dedupe(files)
}

func TestRoundTripPrettyConformance(t *testing.T) {
	files := conformanceSchemas(t)
	pass := 0
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		s, err := Parse(data, ParseOptions{Filename: file})
		if err != nil {
			t.Errorf("%v", err)
			continue
		}
		got := MarshalPretty(s)
		want := bytes.TrimRight(data, "\n")
		if !bytes.Equal(got, want) {
			t.Errorf("%s: MarshalPretty differs:\n%s", file, firstDiff(got, want))
			continue
		}
		pass++
	}
	t.Logf("pretty round trip: %d/%d .avsc files byte-identical", pass, len(files))
}

// firstDiff shows the first differing line of got and want.
func firstDiff(got, want []byte) string {
	g := strings.Split(string(got), "\n")
	w := strings.Split(string(want), "\n")
	for i := 0; i < len(g) || i < len(w); i++ {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			return "line " + strconv.Itoa(i+1) + ":\n got: " + gl + "\nwant: " + wl
		}
	}
	return "(no line differs)"
}
