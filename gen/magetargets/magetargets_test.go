package magetargets

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"sort"
	"strings"
	"testing"
)

// TestTargets: mage makes every exported function of an imported package
// a target, so the package exports exactly the targets a contracts
// repository documents (README of `avroctl init`), and helpers stay
// unexported or in magerun.
func TestTargets(t *testing.T) {
	pkgs, err := parser.ParseDir(token.NewFileSet(), ".", func(fi fs.FileInfo) bool {
		return !strings.HasSuffix(fi.Name(), "_test.go")
	}, 0)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range pkgs {
		for _, f := range p.Files {
			for _, d := range f.Decls {
				if fn, ok := d.(*ast.FuncDecl); ok && fn.Recv == nil && fn.Name.IsExported() {
					got = append(got, fn.Name.Name)
					if fn.Type.Params.NumFields() != 0 || fn.Type.Results.NumFields() != 1 {
						t.Errorf("%s is not a mage target's func() error", fn.Name.Name)
					}
				}
			}
		}
	}
	sort.Strings(got)
	if want := "All Compat Compile Generate Lint Register Release Tags Test Verify"; strings.Join(got, " ") != want {
		t.Errorf("exported functions (mage targets) = %v, want %s", got, want)
	}
}
