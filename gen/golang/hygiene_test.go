package golang

import (
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// The generated module must require nothing: its users should not inherit
// dependencies from their event types.
func TestGeneratedModuleNeedsOnlyStdlib(t *testing.T) {
	files, err := Generate(fixtureSchemas(t), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if mod := string(files.Get("go.mod").Content); strings.Contains(mod, "require") {
		t.Errorf("go.mod requires modules:\n%s", mod)
	}
	for _, f := range files {
		if !strings.HasSuffix(f.Path, ".go") {
			continue
		}
		pf, err := parser.ParseFile(token.NewFileSet(), f.Path, f.Content, parser.ImportsOnly)
		if err != nil {
			t.Fatalf("%s: %v", f.Path, err)
		}
		for _, imp := range pf.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			first := strings.Split(p, "/")[0]
			if strings.Contains(first, ".") && !strings.HasPrefix(p, DefaultModulePath+"/") {
				t.Errorf("%s imports %s, outside the standard library and the module", f.Path, p)
			}
		}
	}
}

// TestEventsModuleHygiene checks the committed events/ module, if present:
// go list -m all must list the module alone.
func TestEventsModuleHygiene(t *testing.T) {
	dir := filepath.Join("..", "..", "events")
	if _, err := os.Stat(filepath.Join(dir, "go.mod")); err != nil {
		t.Skip("no events/go.mod in this tree")
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go command not found")
	}
	cmd := exec.Command(goBin, "list", "-m", "all")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOPROXY=off", "GOFLAGS=-mod=mod")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go list -m all: %v\n%s", err, out)
	}
	mod, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	var want string
	for _, line := range strings.Split(string(mod), "\n") {
		if rest, ok := strings.CutPrefix(line, "module "); ok {
			want = strings.TrimSpace(rest)
		}
	}
	if got := strings.TrimSpace(string(out)); got != want {
		t.Errorf("events/ depends on more than itself:\n%s", got)
	}
}
