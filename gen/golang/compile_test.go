package golang

import (
	"fmt"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"gitlab.com/acme/avroctl/gen/schema"
)

// conformanceDir holds the Avro IDL suite's expected .avsc outputs. It is
// beside the project in CI and absent from a user's clone.
const conformanceDir = "../../../shared/conformance/idl/outputs"

const testModule = "example.com/gentest"

// TestGeneratedCodeRuns generates the fixtures, and every standalone
// conformance schema, into one temporary module; adds a test that decodes
// seeded random data, re-encodes it byte for byte, and cross-checks with
// github.com/twmb/avro; and runs go test there.
func TestGeneratedCodeRuns(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a module with the go command")
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go command not found")
	}
	dir := t.TempDir()
	var cases []string // Go expressions constructing each record type
	imports := map[string]string{}
	addCase := func(files Files, schemas []schema.NamedSchema, opts Options, label string) error {
		m, err := buildModel(schemas, withDefaults(opts))
		if err != nil {
			return err
		}
		for _, f := range files {
			if f.Path == "go.mod" || f.Path == "doc.go" || isRuntimeDir(f.Path) {
				continue
			}
			if err := writeFileAtomic(filepath.Join(dir, filepath.FromSlash(f.Path)), f.Content); err != nil {
				return err
			}
		}
		for _, ti := range m.types {
			if _, ok := ti.schema.(*schema.Record); !ok {
				continue
			}
			alias := fmt.Sprintf("p%d", len(imports))
			if a, ok := imports[ti.pkg.importPath]; ok {
				alias = a
			}
			imports[ti.pkg.importPath] = alias
			cases = append(cases, fmt.Sprintf("{%q, func() avroType { return new(%s.%s) }},", label+"/"+ti.schema.Names().FullName(), alias, ti.goName))
		}
		return nil
	}

	// The fixtures, with the module files (go.mod, runtime) they bring.
	base := Options{ModulePath: testModule, GoVersion: "1.26", Packages: map[string]string{
		"com.acme.orders": "fixtures/orders", "com.acme.common": "fixtures/common"}}
	fixtures := fixtureSchemas(t)
	files, err := Generate(fixtures, base)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := WriteTree(dir, files); err != nil {
		t.Fatal(err)
	}
	if err := addCase(files, fixtures, base, "fixtures"); err != nil {
		t.Fatal(err)
	}

	// Standalone conformance schemas, each in its own package tree.
	// The real-world IDL outputs (650 more schemas) take a minute or two
	// to build, so they are opt-in: AVROCTL_GEN_REALWORLD names their
	// folder ("1": the one beside the project). `mage conformance` sets it.
	dirs := []string{conformanceDir}
	switch rw := os.Getenv("AVROCTL_GEN_REALWORLD"); rw {
	case "":
	case "1":
		dirs = append(dirs, "../../../shared/conformance/idl-realworld/outputs")
	default:
		dirs = append(dirs, rw)
	}
	var conf []string
	for _, dir := range dirs {
		filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() && strings.HasSuffix(p, ".avsc") {
				conf = append(conf, p)
			}
			return nil
		})
	}
	if len(conf) == 0 {
		t.Logf("%s not found: checking the fixtures only", conformanceDir)
	}
	sort.Strings(conf)
	// The shape fixtures (every kind of union, ...) always run, first.
	shapes, err := filepath.Glob("testdata/shapes/*.avsc")
	if err != nil || len(shapes) == 0 {
		t.Fatalf("no shape fixtures: %v", err)
	}
	conf = append(shapes, conf...)
	generated := 0
	for i, p := range conf {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		s, err := schema.Parse(data, schema.ParseOptions{Filename: p})
		if err != nil {
			t.Logf("skip %s: not standalone: %v", p, firstLine(err.Error()))
			continue
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
		files, err := Generate([]schema.NamedSchema{named}, opts)
		if err != nil {
			t.Errorf("%s: %v", p, err)
			continue
		}
		if err := addCase(files, []schema.NamedSchema{named}, opts, filepath.Base(p)); err != nil {
			t.Fatal(err)
		}
		generated++
	}
	t.Logf("generated %d shape and conformance schemas and the fixtures; %d record types under test", generated, len(cases))

	// Records that require themselves have no finite value, so the random
	// round trip cannot cover them: they must compile, and their own test
	// checks that every value is rejected without looping.
	if err := addCyclic(dir, base); err != nil {
		t.Fatal(err)
	}

	var h strings.Builder
	h.WriteString("package harness\n\nimport (\n")
	var paths []string
	for p := range imports {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		fmt.Fprintf(&h, "\t%s %q\n", imports[p], p)
	}
	h.WriteString(")\n\nvar cases = []testCase{\n")
	for _, c := range cases {
		h.WriteString("\t" + c + "\n")
	}
	h.WriteString("}\n")
	harness, err := os.ReadFile("testdata/harness/harness_test.go.in")
	if err != nil {
		t.Fatal(err)
	}
	for name, content := range map[string][]byte{"harness/cases_test.go": []byte(h.String()), "harness/harness_test.go": harness} {
		if err := writeFileAtomic(filepath.Join(dir, name), content); err != nil {
			t.Fatal(err)
		}
	}
	// The harness compares the Avro JSON with gen/datum's, from this
	// repository.
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	gomod := fmt.Sprintf("module %s\n\ngo 1.26\n\nrequire (\n\tgithub.com/twmb/avro v1.9.1\n\tgitlab.com/acme/avroctl v0.0.0\n)\n\nreplace gitlab.com/acme/avroctl => %s\n", testModule, root)
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte(gomod), 0o644); err != nil {
		t.Fatal(err)
	}
	// Resolve twmb/avro from the local module cache if it is there (no
	// network needed), else through the configured proxy; skip if neither
	// works rather than fail on a machine without network.
	env := append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off")
	offline := append(append([]string(nil), env...), "GOPROXY=off", "GOSUMDB=off")
	download := func(env []string) error {
		cmd := exec.Command(goBin, "mod", "download", "github.com/twmb/avro")
		cmd.Dir, cmd.Env = dir, env
		return cmd.Run()
	}
	if download(offline) == nil {
		env = offline
	} else if err := download(env); err != nil {
		t.Skipf("github.com/twmb/avro v1.9.1 is neither in the module cache nor downloadable: %v", err)
	}
	run := func(args ...string) {
		cmd := exec.Command(goBin, args...)
		cmd.Dir, cmd.Env = dir, env
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		t.Logf("go %s:\n%s", strings.Join(args, " "), out)
	}
	countFile := filepath.Join(t.TempDir(), "json-count")
	env = append(env, "AVROCTL_JSON_COUNT_FILE="+countFile)
	run("vet", "./...")
	run("test", "./...")
	if n, err := os.ReadFile(countFile); err == nil {
		t.Logf("Avro JSON of %s random values identical to gen/datum's, both ways", n)
	}
}

func withDefaults(o Options) Options {
	if o.ModulePath == "" {
		o.ModulePath = DefaultModulePath
	}
	if o.GoVersion == "" {
		o.GoVersion = DefaultGoVersion
	}
	return o
}

func defaultOr(ns string) string {
	if ns == "" {
		return "root"
	}
	return strings.ReplaceAll(ns, ".", "_")
}

// namespaces lists the namespaces of the named types reachable from s.
func namespaces(s schema.Schema) []string {
	seen := map[schema.Schema]bool{}
	set := map[string]bool{}
	var walk func(schema.Schema)
	walk = func(s schema.Schema) {
		if seen[s] {
			return
		}
		seen[s] = true
		switch s := s.(type) {
		case *schema.Record:
			set[s.Namespace] = true
			for _, f := range s.Fields {
				walk(f.Type)
			}
		case *schema.Enum:
			set[s.Namespace] = true
		case *schema.Fixed:
			set[s.Namespace] = true
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
	walk(s)
	var out []string
	for ns := range set {
		out = append(out, ns)
	}
	sort.Strings(out)
	return out
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// addCyclic generates testdata/cyclic into dir/cyclic with its test.
func addCyclic(dir string, base Options) error {
	schemas, err := ParseFiles([]string{"testdata/cyclic/cyclic.avsc"})
	if err != nil {
		return err
	}
	opts := base
	opts.Packages = map[string]string{"shapes.cyclic": "cyclic"}
	files, err := Generate(schemas, opts)
	if err != nil {
		return err
	}
	for _, f := range files {
		if f.Path == "go.mod" || f.Path == "doc.go" || isRuntimeDir(f.Path) {
			continue
		}
		if err := writeFileAtomic(filepath.Join(dir, filepath.FromSlash(f.Path)), f.Content); err != nil {
			return err
		}
	}
	test, err := os.ReadFile("testdata/cyclic/cyclic_test.go.in")
	if err != nil {
		return err
	}
	return writeFileAtomic(filepath.Join(dir, "cyclic", "cyclic_test.go"), test)
}
