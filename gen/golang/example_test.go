package golang

import (
	"fmt"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"gitlab.com/acme/avroctl/gen/random"
	"gitlab.com/acme/avroctl/gen/schema"
)

// TestExamplesRoundTrip generates the fixtures, the shape fixtures and the
// conformance suite's standalone schemas into a temporary module with a
// test that calls every ExampleT: the value must encode (AppendAvro) to
// exactly the example bytes gen/random made, decode back (UnmarshalAvro)
// and encode again to the same bytes. Records without a finite value must
// have no ExampleT.
func TestExamplesRoundTrip(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a module with the go command")
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go command not found")
	}
	const module = "example.com/examples"
	dir := t.TempDir()
	var cases []string
	imports := map[string]string{}
	withExample, without, asCode := 0, 0, 0
	add := func(schemas []schema.NamedSchema, opts Options) error {
		files, err := Generate(schemas, opts)
		if err != nil {
			return err
		}
		if len(cases) == 0 && without == 0 {
			// The first (the fixtures) brings the module's runtime.
			if _, err := WriteTree(dir, files); err != nil {
				return err
			}
		} else {
			for _, f := range files {
				if f.Path == "go.mod" || f.Path == "doc.go" || isRuntimeDir(f.Path) {
					continue
				}
				if err := writeFileAtomic(filepath.Join(dir, filepath.FromSlash(f.Path)), f.Content); err != nil {
					return err
				}
			}
		}
		m, err := buildModel(schemas, withDefaults(opts))
		if err != nil {
			return err
		}
		for _, ti := range m.types {
			r, ok := ti.schema.(*schema.Record)
			if !ok {
				continue
			}
			name, ok := exampleFuncName(ti)
			want, exErr := random.Example(r)
			src := string(files.Get(ti.file).Content)
			declared := strings.Contains(src, "\nfunc "+name+"() ")
			switch {
			case !ok || exErr != nil:
				if exErr != nil && declared {
					return fmt.Errorf("%s has no finite value but %s is generated", r.FullName(), name)
				}
				without++
				continue
			case !declared:
				return fmt.Errorf("%s: %s is missing from %s", r.FullName(), name, ti.file)
			}
			alias, ok := imports[ti.pkg.importPath]
			if !ok {
				alias = fmt.Sprintf("p%d", len(imports))
				imports[ti.pkg.importPath] = alias
			}
			if m.exampleAsCode(r) {
				want = nil // Go code: its own values, checked by the round trip only
				asCode++
			}
			cases = append(cases, fmt.Sprintf("{%q, %s, func() ([]byte, []byte, error) { x := %s.%s(); b, err := x.AppendAvro(nil); if err != nil { return nil, nil, err }; var y %s.%s; if err := y.UnmarshalAvro(b); err != nil { return b, nil, err }; b2, err := y.AppendAvro(nil); return b, b2, err }},",
				r.FullName(), strconv.Quote(string(want)), alias, name, alias, ti.goName))
			withExample++
		}
		return nil
	}
	base := Options{ModulePath: module, GoVersion: "1.26", Packages: map[string]string{
		"com.acme.orders": "fixtures/orders", "com.acme.common": "fixtures/common"}}
	if err := add(fixtureSchemas(t), base); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob("testdata/shapes/*.avsc")
	dirs := []string{conformanceDir}
	if os.Getenv("AVROCTL_GEN_REALWORLD") == "1" { // as TestGeneratedCodeRuns: 650 more schemas, minutes
		dirs = append(dirs, "../../../shared/conformance/idl-realworld/outputs")
	}
	for _, d := range dirs {
		walkAvsc(d, &files)
	}
	if len(files) < 10 {
		t.Logf("%s not found: the fixtures and shapes only", conformanceDir)
	}
	files = append(files, "testdata/cyclic/cyclic.avsc")
	for i, p := range files {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		s, err := schema.Parse(data, schema.ParseOptions{Filename: p})
		if err != nil {
			continue // not standalone
		}
		named, ok := s.(schema.NamedSchema)
		if !ok {
			continue
		}
		opts := base
		opts.Packages = map[string]string{}
		for _, ns := range namespaces(named) {
			opts.Packages[ns] = path.Join(fmt.Sprintf("conf%03d", i), defaultOr(ns))
		}
		if err := add([]schema.NamedSchema{named}, opts); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
	}
	if without == 0 {
		t.Error("no record without a finite value was checked (testdata/cyclic has some)")
	}
	var b strings.Builder
	b.WriteString("package examples\n\nimport (\n\t\"bytes\"\n\t\"testing\"\n\n")
	var paths []string
	for p := range imports {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		fmt.Fprintf(&b, "\t%s %q\n", imports[p], p)
	}
	b.WriteString(`)

var cases = []struct {
	name string
	want string
	run  func() (first, second []byte, err error)
}{
`)
	for _, c := range cases {
		b.WriteString("\t" + c + "\n")
	}
	b.WriteString(`}

func TestExamples(t *testing.T) {
	for _, c := range cases {
		first, second, err := c.run()
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if (c.want != "" && string(first) != c.want) || !bytes.Equal(first, second) {
			t.Errorf("%s: example encodes to\n% x\nwant\n% x\nand again to\n% x", c.name, first, []byte(c.want), second)
		}
	}
	t.Logf("%d examples round-trip", len(cases))
}
`)
	if err := writeFileAtomic(filepath.Join(dir, "examples", "examples_test.go"), []byte(b.String())); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module "+module+"\n\ngo 1.26\n"), 0o644)
	cmd := exec.Command(goBin, "test", "-count=1", "-v", "./examples")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off", "GOPROXY=off")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go test: %v\n%s", err, out)
	}
	t.Logf("%d record types with an example (%d as Go code, the others decoded from bytes), %d without a finite value (no example)\n%s", withExample, asCode, without, lastLines(string(out), 3))
}

func walkAvsc(dir string, files *[]string) {
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".avsc") {
			*files = append(*files, p)
		}
		return nil
	})
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
