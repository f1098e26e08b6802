package release

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/parser"
	"go/printer"
	"go/token"
	"path"
	"sort"
	"strings"
)

// runtimeMarker starts the source line of the runtime files that the
// generator copies into the events module. Their API does not follow from
// the schemas, so a generator upgrade can change it: DiffGoAPI catches that.
const runtimeMarker = "// source: avroctl runtime"

// GoAPI is the exported API of a set of Go files: one entry per exported
// identifier ("avro.Decimal", "avro.Decimal.Scale", "avro.NewDecimal"),
// mapped to its declaration as text.
type GoAPI map[string]string

// RuntimeAPI extracts the exported API of the runtime files among files
// (keyed by slash-separated path, as gitref.ReadDir returns them).
// Files that do not parse are skipped: the build catches those.
func RuntimeAPI(files map[string][]byte) GoAPI {
	api := GoAPI{}
	fset := token.NewFileSet()
	for name, src := range files {
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") || !bytes.Contains(src, []byte(runtimeMarker)) {
			continue
		}
		f, err := parser.ParseFile(fset, name, src, parser.SkipObjectResolution)
		if err != nil {
			continue
		}
		pkg := path.Base(path.Dir(name))
		for _, decl := range f.Decls {
			addDecl(api, fset, pkg, decl)
		}
	}
	return api
}

func addDecl(api GoAPI, fset *token.FileSet, pkg string, decl ast.Decl) {
	switch d := decl.(type) {
	case *ast.FuncDecl:
		if !d.Name.IsExported() {
			return
		}
		name := pkg + "." + d.Name.Name
		if d.Recv != nil && len(d.Recv.List) == 1 {
			recv := receiverName(d.Recv.List[0].Type)
			if !ast.IsExported(recv) {
				return
			}
			name = pkg + "." + recv + "." + d.Name.Name
		}
		api[name] = "func" + nodeText(fset, d.Type)[len("func"):]
	case *ast.GenDecl:
		for _, spec := range d.Specs {
			switch s := spec.(type) {
			case *ast.TypeSpec:
				if !s.Name.IsExported() {
					continue
				}
				name := pkg + "." + s.Name.Name
				switch t := s.Type.(type) {
				case *ast.StructType:
					api[name] = "struct"
					for _, f := range t.Fields.List {
						for _, n := range f.Names {
							if n.IsExported() {
								api[name+"."+n.Name] = "field " + nodeText(fset, f.Type)
							}
						}
					}
				case *ast.InterfaceType:
					api[name] = "interface"
					for _, m := range t.Methods.List {
						for _, n := range m.Names {
							if n.IsExported() {
								api[name+"."+n.Name] = "method " + nodeText(fset, m.Type)
							}
						}
					}
				default:
					api[name] = "type " + nodeText(fset, s.Type)
				}
			case *ast.ValueSpec:
				for _, n := range s.Names {
					if !n.IsExported() {
						continue
					}
					decl := d.Tok.String()
					if s.Type != nil {
						decl += " " + nodeText(fset, s.Type)
					}
					api[pkg+"."+n.Name] = decl
				}
			}
		}
	}
}

func receiverName(e ast.Expr) string {
	for {
		switch t := e.(type) {
		case *ast.StarExpr:
			e = t.X
		case *ast.IndexExpr: // generic receiver
			e = t.X
		case *ast.IndexListExpr:
			e = t.X
		case *ast.Ident:
			return t.Name
		default:
			return ""
		}
	}
}

func nodeText(fset *token.FileSet, n ast.Node) string {
	var b bytes.Buffer
	printer.Fprint(&b, fset, n)
	return strings.Join(strings.Fields(b.String()), " ")
}

// DiffGoAPI reports removed or changed identifiers as Go-API-breaking and
// added ones as additive.
func DiffGoAPI(old, new GoAPI) []Change {
	var changes []Change
	names := map[string]bool{}
	for n := range old {
		names[n] = true
	}
	for n := range new {
		names[n] = true
	}
	sorted := make([]string, 0, len(names))
	for n := range names {
		sorted = append(sorted, n)
	}
	sort.Strings(sorted)
	for _, n := range sorted {
		o, inOld := old[n]
		nw, inNew := new[n]
		switch {
		case !inNew:
			changes = append(changes, Change{GoBreaking, n, fmt.Sprintf("Go API of the runtime: %s removed (was %s)", n, o)})
		case !inOld:
			changes = append(changes, Change{Additive, n, fmt.Sprintf("Go API of the runtime: %s added", n)})
		case o != nw:
			changes = append(changes, Change{GoBreaking, n, fmt.Sprintf("Go API of the runtime: %s changed from %s to %s", n, o, nw)})
		}
	}
	return changes
}
