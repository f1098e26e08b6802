package golang

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/printer"
	"go/token"
	"sort"
	"strconv"
	"strings"
)

// generatedFile is one Go file being generated. It owns the text and the
// imports: code refers to another package only through qualify, which
// records the import and returns the right package-qualified name, so the
// import block never lists an unused package.
type generatedFile struct {
	path       string // relative to the output directory
	importPath string // import path of the file's own package
	pkgName    string
	header     string
	buf        bytes.Buffer
	imports    map[string]string // import path -> local name
	usedNames  map[string]bool   // local names taken by imports
}

// reservedLocals are the identifiers generated function bodies use for
// their own variables; an imported package may not take one as its name.
var reservedLocals = []string{"x", "d", "dst", "err", "b", "e", "f", "u", "w",
	"v", "k", "n", "i", "ks", "string", "error", "len", "append", "make", "new",
	"min", "nil", "true", "false", "any", "s", "seen", "more", "ok"}

func newGeneratedFile(path, importPath, pkgName, header string) *generatedFile {
	g := &generatedFile{path: path, importPath: importPath, pkgName: pkgName, header: header,
		imports: map[string]string{}, usedNames: map[string]bool{pkgName: true}}
	for _, n := range reservedLocals {
		g.usedNames[n] = true
	}
	return g
}

// P prints its arguments and a newline.
func (g *generatedFile) P(args ...any) {
	for _, a := range args {
		fmt.Fprint(&g.buf, a)
	}
	g.buf.WriteByte('\n')
}

// qualify returns name as seen from g: bare in g's own package, otherwise
// prefixed with the (possibly renamed) package of importPath.
func (g *generatedFile) qualify(importPath, name string) string {
	if importPath == g.importPath {
		return name
	}
	local, ok := g.imports[importPath]
	if !ok {
		base := importPath[strings.LastIndexByte(importPath, '/')+1:]
		base = goPackageName(base)
		if base == "" {
			base = "pkg"
		}
		local = base
		for i := 1; g.usedNames[local] || token.IsKeyword(local); i++ {
			local = base + strconv.Itoa(i)
		}
		g.usedNames[local] = true
		g.imports[importPath] = local
	}
	return local + "." + name
}

// content returns the gofmt'd file. Output that does not parse is a bug in
// the generator; the error carries a numbered listing so it can be found.
func (g *generatedFile) content() ([]byte, error) {
	var src bytes.Buffer
	src.WriteString(g.header)
	fmt.Fprintf(&src, "\npackage %s\n\n", g.pkgName)
	if len(g.imports) > 0 {
		paths := make([]string, 0, len(g.imports))
		for p := range g.imports {
			paths = append(paths, p)
		}
		sort.Strings(paths)
		// Standard library first, then the module's own packages, as
		// goimports groups them.
		src.WriteString("import (\n")
		for _, std := range []bool{true, false} {
			for _, p := range paths {
				if isStd := !strings.Contains(strings.Split(p, "/")[0], "."); isStd != std {
					continue
				}
				local := g.imports[p]
				if local == p[strings.LastIndexByte(p, '/')+1:] {
					fmt.Fprintf(&src, "\t%q\n", p)
				} else {
					fmt.Fprintf(&src, "\t%s %q\n", local, p)
				}
			}
			src.WriteString("\n")
		}
		src.WriteString(")\n\n")
	}
	src.Write(g.buf.Bytes())
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, g.path, src.Bytes(), parser.ParseComments)
	if err != nil {
		return nil, fmt.Errorf("generated %s does not parse: %v\n%s", g.path, err, numbered(src.Bytes()))
	}
	ast.SortImports(fset, f)
	var out bytes.Buffer
	if err := (&printer.Config{Mode: printer.TabIndent | printer.UseSpaces, Tabwidth: 8}).Fprint(&out, fset, f); err != nil {
		return nil, fmt.Errorf("printing generated %s: %v", g.path, err)
	}
	// go/printer output is gofmt'd except for simplifications; run
	// format.Source so the file is byte-identical to what gofmt writes.
	formatted, err := format.Source(out.Bytes())
	if err != nil {
		return nil, fmt.Errorf("formatting generated %s: %v\n%s", g.path, err, numbered(out.Bytes()))
	}
	return formatted, nil
}

// numbered returns src with line numbers, for error messages.
func numbered(src []byte) string {
	var b strings.Builder
	for i, line := range strings.Split(string(src), "\n") {
		fmt.Fprintf(&b, "%5d  %s\n", i+1, line)
	}
	return b.String()
}
