package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestInitWithoutTerminal: stdin is not a terminal (closed, piped), so init
// asks nothing and takes the documented defaults; a second run refuses.
func TestInitWithoutTerminal(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "shipping")
	code, out, errOut := runAvroctl(t, "init", dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(errOut, "module example.com/shipping (the default") || strings.Contains(errOut, "[example.com/shipping]:") {
		t.Errorf("stderr: %s", errOut)
	}
	for _, f := range []string{"avroctl.yaml", "idl/shipping.avdl", "magefile.go", "mage.go", "go.mod", ".gitlab-ci.yml", ".gitignore", "README.md"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("%s not written: %v", f, err)
		}
	}
	if !strings.Contains(out, "Next:") {
		t.Errorf("stdout does not say what to do next: %s", out)
	}
	// The repository's avroctl.yaml and IDL are valid to this avroctl.
	if code, _, errOut := runAvroctl(t, "--config", filepath.Join(dir, "avroctl.yaml"), "lint"); code != 0 {
		t.Errorf("lint of the new repository: exit %d, %s", code, errOut)
	}
	// stdin from /dev/null is a character device, not a terminal.
	null, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	defer null.Close()
	var nout, nerr strings.Builder
	if code := Main([]string{"init", filepath.Join(t.TempDir(), "n")}, null, &nout, &nerr); code != 0 || strings.Contains(nerr.String(), "]: ") {
		t.Errorf("init < /dev/null: exit %d, asked: %q", code, nerr.String())
	}

	code, _, errOut = runAvroctl(t, "init", dir, "--module", "x.io/other")
	if code != 2 || !strings.Contains(errOut, "never overwrites") {
		t.Errorf("second init: exit %d, %s", code, errOut)
	}
	code, _, errOut = runAvroctl(t, "init", t.TempDir(), "--module", "Not A Path")
	if code != 2 || !strings.Contains(errOut, `"Not A Path" is not a Go module path`) {
		t.Errorf("bad module: exit %d, %s", code, errOut)
	}
}
