package golang

import (
	"fmt"
	"path"
	"sort"
	"strings"

	"gitlab.com/acme/avroctl/gen/schema"
)

// The model is the precomputed layer between the schema graph and the
// emitters: every Go name is decided here, once, with collisions checked,
// so the gen* functions only print.

type goPackage struct {
	namespace  string
	dir        string // relative to the module root; "" is the root
	importPath string
	name       string
	names      nameSet // package-level identifiers
	files      nameSet // file names
	hasTypes   bool
}

type typeInfo struct {
	schema schema.NamedSchema
	pkg    *goPackage
	goName string
	file   string
	fields []string     // records: Go field names, in field order
	consts []string     // enums: Go constant names, in symbol order
	ctor   string       // records: the constructor's name (NewT)
	unions []*unionInfo // records: unions declared by this record's fields
}

// unionInfo is the Go shape of one union node.
type unionInfo struct {
	u   *schema.Union
	pkg *goPackage
	// nullable is set for [null, T] and [T, null]: T is a pointer (or a nil
	// slice or map for arrays and maps), and no interface is declared.
	nullable bool
	nullIdx  int      // index of the null branch, -1 if none
	valueIdx int      // nullable only: index of the non-null branch
	name     string   // interface type name (not nullable)
	marker   string   // the interface's sealing method
	wrappers []string // per branch: wrapper type name, "" for null
	ctors    []string // per non-null branch: constructor name
	owner    string   // the record.field the union belongs to, for docs

	// The Avro JSON functions of the interface (not nullable): methods
	// cannot be declared on it.
	appendJSON, marshalJSON, unmarshalJSON string
}

type model struct {
	opts    Options
	types   []*typeInfo
	byFull  map[string]*typeInfo
	unions  map[*schema.Union]*unionInfo
	pkgs    map[string]*goPackage // by namespace
	pkgList []*goPackage
	rootPkg *goPackage
	// cyclic marks record fields generated as pointers to break a cycle of
	// required record fields (see cycles.go).
	cyclic map[*schema.Field]bool
	// recursive marks records whose values can nest values of themselves.
	recursive map[*schema.Record]bool
}

// recordMethods are the method names generated on records; a field may not
// take one as its Go name.
var recordMethods = []string{"AppendAvro", "MarshalAvro", "UnmarshalAvro", "DecodeAvro",
	"UnmarshalAvroFrom", "AvroSchema", "AvroFingerprint",
	"AppendAvroJSON", "MarshalAvroJSON", "UnmarshalAvroJSON", "DecodeAvroJSON"}

func buildModel(schemas []schema.NamedSchema, opts Options) (*model, error) {
	m := &model{opts: opts, byFull: map[string]*typeInfo{}, unions: map[*schema.Union]*unionInfo{},
		pkgs: map[string]*goPackage{}}
	rootName := goPackageName(path.Base(opts.ModulePath))
	m.rootPkg = &goPackage{dir: "", importPath: opts.ModulePath, name: rootName, names: nameSet{}, files: nameSet{"doc": true}}

	// Collect every named type reachable from the inputs, in a
	// deterministic depth-first order.
	var ordered []schema.NamedSchema
	seen := map[schema.Schema]bool{}
	// Files compiled separately (IDL imports) may each carry their own copy
	// of a shared type; the first copy wins, and copies must agree.
	first := map[string]schema.NamedSchema{}
	var dupErr error
	var walk func(s schema.Schema)
	walk = func(s schema.Schema) {
		if n, ok := s.(schema.NamedSchema); ok && !seen[s] {
			full := n.Names().FullName()
			if prev, ok := first[full]; ok && prev != s {
				seen[s] = true
				if dupErr == nil && string(schema.CanonicalForm(prev)) != string(schema.CanonicalForm(n)) {
					dupErr = fmt.Errorf("%s: type %s is defined differently at %s; the generated Go type can only have one definition",
						n.Names().Pos, full, prev.Names().Pos)
				}
				return
			}
			first[full] = n
		}
		switch s := s.(type) {
		case *schema.Record:
			if seen[s] {
				return
			}
			seen[s] = true
			ordered = append(ordered, s)
			for _, f := range s.Fields {
				walk(f.Type)
			}
		case *schema.Enum:
			if !seen[s] {
				seen[s] = true
				ordered = append(ordered, s)
			}
		case *schema.Fixed:
			if !seen[s] {
				seen[s] = true
				if schema.LogicalOf(s).Name == "" {
					ordered = append(ordered, s)
				}
			}
		case *schema.Array:
			walk(s.Items)
		case *schema.Map:
			walk(s.Values)
		case *schema.Union:
			for _, b := range s.Branches {
				walk(b)
			}
		}
	}
	for _, s := range schemas {
		walk(s)
	}
	if dupErr != nil {
		return nil, dupErr
	}

	// Packages.
	dirOwner := map[string]string{} // dir -> namespace
	for _, s := range ordered {
		ns := s.Names().Namespace
		if _, ok := m.pkgs[ns]; ok {
			continue
		}
		dir, explicit := opts.Packages[ns]
		if !explicit {
			if ns != "" {
				dir = defaultPackageDir(ns)
			}
		}
		dir = strings.Trim(path.Clean("/"+dir), "/")
		if !explicit {
			for isRuntimeDir(dir) {
				dir += "types"
			}
		}
		if isRuntimeDir(dir) {
			return nil, fmt.Errorf("namespace %q: package directory %q is reserved for the runtime; map it elsewhere with --package %s=DIR", ns, dir, ns)
		}
		if other, ok := dirOwner[dir]; ok {
			_, otherExplicit := opts.Packages[other]
			if !(explicit && otherExplicit) {
				return nil, fmt.Errorf("namespaces %q and %q both map to package directory %q; give one its own directory with --package %s=DIR", other, ns, dir, ns)
			}
		}
		dirOwner[dir] = ns
		var p *goPackage
		if dir == "" {
			p = m.rootPkg
		} else {
			for _, q := range m.pkgList {
				if q.dir == dir {
					p = q
				}
			}
			if p == nil {
				p = &goPackage{namespace: ns, dir: dir, importPath: opts.ModulePath + "/" + dir,
					name: goPackageName(dir), names: nameSet{}, files: nameSet{}}
			}
		}
		if p.namespace == "" {
			p.namespace = ns
		}
		if !containsPkg(m.pkgList, p) {
			m.pkgList = append(m.pkgList, p)
		}
		m.pkgs[ns] = p
	}
	sort.SliceStable(m.pkgList, func(i, j int) bool { return m.pkgList[i].dir < m.pkgList[j].dir })

	// Type names first, so that types keep their natural names and derived
	// names (constants, unions) are the ones that yield on a clash.
	for _, s := range ordered {
		n := s.Names()
		p := m.pkgs[n.Namespace]
		p.hasTypes = true
		t := &typeInfo{schema: s, pkg: p, goName: p.names.claim(GoName(n.Name))}
		t.file = path.Join(p.dir, p.files.claim(snakeFile(t.goName))+".avro.go")
		m.types = append(m.types, t)
		m.byFull[n.FullName()] = t
	}
	for _, t := range m.types {
		switch s := t.schema.(type) {
		case *schema.Record:
			for _, suffix := range []string{"AvroFingerprint", "AvroFingerprintMD5", "AvroFingerprintSHA256"} {
				t.pkg.names.claim(t.goName + suffix)
			}
			t.ctor = t.pkg.names.claim("New" + t.goName)
			fieldNames := nameSet{}
			for _, mname := range recordMethods {
				fieldNames[mname] = true
			}
			for _, f := range s.Fields {
				t.fields = append(t.fields, fieldNames.claim(GoName(f.Name)))
			}
		case *schema.Enum:
			for _, sym := range s.Symbols {
				t.consts = append(t.consts, t.pkg.names.claim(t.goName+GoEnumName(sym)))
			}
			if s.HasDefault {
				t.pkg.names.claim(t.goName + "AvroDefault")
			}
		}
	}
	for _, t := range m.types {
		if r, ok := t.schema.(*schema.Record); ok {
			for i, f := range r.Fields {
				m.collectUnions(t, f.Type, t.goName+t.fields[i], r.Name+"."+f.Name)
			}
		}
	}
	if err := m.checkImportCycles(); err != nil {
		return nil, err
	}
	m.findRequiredCycles()
	m.findRecursive()
	return m, nil
}

// checkImportCycles rejects namespaces that refer to each other: Avro
// allows it, Go packages cannot import each other. The fix is to put the
// namespaces in one package.
func (m *model) checkImportCycles() error {
	type edge struct{ from, to string } // full names of the referring and referred types
	deps := map[*goPackage]map[*goPackage]edge{}
	var refs func(t *typeInfo, s schema.Schema, seen map[schema.Schema]bool)
	refs = func(t *typeInfo, s schema.Schema, seen map[schema.Schema]bool) {
		switch s := s.(type) {
		case schema.NamedSchema:
			if u := m.byFull[s.Names().FullName()]; u != nil && u.pkg != t.pkg {
				if deps[t.pkg] == nil {
					deps[t.pkg] = map[*goPackage]edge{}
				}
				if _, ok := deps[t.pkg][u.pkg]; !ok {
					deps[t.pkg][u.pkg] = edge{t.schema.Names().FullName(), s.Names().FullName()}
				}
			}
		case *schema.Array:
			refs(t, s.Items, seen)
		case *schema.Map:
			refs(t, s.Values, seen)
		case *schema.Union:
			for _, b := range s.Branches {
				refs(t, b, seen)
			}
		}
	}
	for _, t := range m.types {
		if r, ok := t.schema.(*schema.Record); ok {
			for _, f := range r.Fields {
				refs(t, f.Type, nil)
			}
		}
	}
	// Depth-first search in a fixed order, so the reported cycle is stable.
	state := map[*goPackage]int{} // 1 visiting, 2 done
	var stack []*goPackage
	var visit func(p *goPackage) error
	visit = func(p *goPackage) error {
		state[p] = 1
		stack = append(stack, p)
		for _, q := range m.pkgList {
			e, ok := deps[p][q]
			if !ok {
				continue
			}
			if state[q] == 1 {
				var names []string
				for i := len(stack) - 1; i >= 0; i-- {
					names = append([]string{stack[i].namespace}, names...)
					if stack[i] == q {
						break
					}
				}
				back := deps[p][q]
				return fmt.Errorf("namespaces %s refer to each other in a cycle (%s uses %s), which Go packages cannot do; "+
					"put them in one package, e.g. --package %s=%s", strings.Join(append(names, q.namespace), " -> "),
					back.from, e.to, p.namespace, q.dir)
			}
			if state[q] == 0 {
				if err := visit(q); err != nil {
					return err
				}
			}
		}
		stack = stack[:len(stack)-1]
		state[p] = 2
		return nil
	}
	for _, p := range m.pkgList {
		if state[p] == 0 {
			if err := visit(p); err != nil {
				return err
			}
		}
	}
	return nil
}

// isRuntimeDir reports whether dir is, or is inside, a runtime package.
func isRuntimeDir(dir string) bool {
	first, _, _ := strings.Cut(dir, "/")
	for _, r := range runtimePackages() {
		if first == r {
			return true
		}
	}
	return false
}

func containsPkg(list []*goPackage, p *goPackage) bool {
	for _, q := range list {
		if q == p {
			return true
		}
	}
	return false
}

// collectUnions names the unions inside a field's type (not inside named
// types, which have their own records).
func (m *model) collectUnions(t *typeInfo, s schema.Schema, base, owner string) {
	switch s := s.(type) {
	case *schema.Array:
		m.collectUnions(t, s.Items, base+"Item", owner+"[]")
	case *schema.Map:
		m.collectUnions(t, s.Values, base+"Value", owner+"{}")
	case *schema.Union:
		if _, done := m.unions[s]; done {
			return
		}
		u := &unionInfo{u: s, pkg: t.pkg, nullIdx: -1, owner: owner}
		for i, b := range s.Branches {
			if b.Type() == schema.Null {
				u.nullIdx = i
			}
		}
		if len(s.Branches) == 2 && u.nullIdx >= 0 {
			u.nullable = true
			u.valueIdx = 1 - u.nullIdx
			m.unions[s] = u
			m.collectUnions(t, s.Branches[u.valueIdx], base, owner)
			return
		}
		u.name = t.pkg.names.claim(base)
		u.marker = "is" + u.name
		for _, b := range s.Branches {
			if b.Type() == schema.Null {
				u.wrappers = append(u.wrappers, "")
				continue
			}
			w := t.pkg.names.claim(u.name + branchName(b))
			u.wrappers = append(u.wrappers, w)
			u.ctors = append(u.ctors, t.pkg.names.claim("New"+w))
		}
		u.appendJSON = t.pkg.names.claim("Append" + u.name + "AvroJSON")
		u.marshalJSON = t.pkg.names.claim("Marshal" + u.name + "AvroJSON")
		u.unmarshalJSON = t.pkg.names.claim("Unmarshal" + u.name + "AvroJSON")
		m.unions[s] = u
		t.unions = append(t.unions, u)
		for _, b := range s.Branches {
			m.collectUnions(t, b, base, owner)
		}
	}
}

// branchName is the part of a union wrapper's name that says which branch
// it holds.
func branchName(s schema.Schema) string {
	if l := schema.LogicalOf(s); l.Name != "" {
		return GoName(l.Name)
	}
	switch s := s.(type) {
	case schema.NamedSchema:
		return GoName(s.Names().Name)
	case *schema.Array:
		return "Array"
	case *schema.Map:
		return "Map"
	}
	return GoName(s.Type().String())
}

// newFile starts the generated file for a named type.
func (m *model) newFile(t *typeInfo) *generatedFile {
	n := t.schema.Names()
	header := Header + "\n// source: " + n.FullName()
	if n.Pos.Filename != "" {
		header += " (" + path.Base(n.Pos.Filename) + ")"
	}
	header += "\n"
	return newGeneratedFile(t.file, t.pkg.importPath, t.pkg.name, header)
}

// runtimeImport is the import path of the runtime package.
func (m *model) runtimeImport() string {
	if m.opts.runtimeImport != "" {
		return m.opts.runtimeImport
	}
	return m.opts.ModulePath + "/" + RuntimeDir
}
