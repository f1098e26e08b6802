package interop

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"gitlab.com/acme/avroctl/gen/golang"
	"gitlab.com/acme/avroctl/gen/schema"
	"gitlab.com/acme/avroctl/interop/javaharness"
	"gitlab.com/acme/avroctl/interop/randdatum"
)

const datumsPerType = 40

// history is the versions of one record type, oldest first.
type history struct {
	name     string   // full name
	versions [][]byte // .avsc text
}

// TestWireBytesMatchJava checks the generated Go code against Java's
// GenericDatumWriter/Reader on random values:
//
//   - Java encodes a value; the generated type decodes it (UnmarshalAvro)
//     and re-encodes it (AppendAvro) to the same bytes, and Java decodes
//     those bytes back to the same value;
//   - for each older version of a type, Java encodes a value with the old
//     schema; Java's resolving decoder (old writer, new reader) and the
//     generated type's UnmarshalAvroFrom must produce the same value.
//
// Types come from ../events (the committed generated module) or, when that
// is empty, from generating ../schemas/*.avsc; plus the evolution fixtures
// in testdata/evolution, generated into a temporary module.
func TestWireBytesMatchJava(t *testing.T) {
	h := javaharness.Shared(t)
	tmp := t.TempDir()

	var modules []genModule
	var histories []history
	fx, fxHist := generateFixtures(t, filepath.Join(tmp, "fixtures"))
	modules = append(modules, fx)
	histories = append(histories, fxHist...)
	if m, hist, ok := projectModule(t, filepath.Join(tmp, "project")); ok {
		modules = append(modules, m)
		histories = append(histories, hist...)
	}

	d := buildDriver(t, modules)
	resp, err := d.call(map[string]string{"op": "list"})
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(*seedFlag, 99))
	for _, ty := range resp.Types {
		t.Run("roundtrip/"+ty.Name, func(t *testing.T) {
			roundTrip(t, h, d, r, ty.Name, ty.Schema, datumsPerType)
		})
	}
	t.Logf("%d values round-tripped; %d byte-identical to Java (the rest hold maps with 2+ keys, which Java writes in hash order)",
		d.roundTrips, d.identical)

	known := map[string]string{}
	for _, ty := range resp.Types {
		known[ty.Name] = ty.Schema
	}
	resolved := 0
	for _, hist := range histories {
		latest, ok := known[hist.name]
		if !ok {
			// Enums and fixed types have no generated record of their own;
			// their history is exercised through the records that use them.
			if isRecordSchema(hist.versions[len(hist.versions)-1]) {
				t.Errorf("no generated type for %s", hist.name)
			}
			continue
		}
		for vi, old := range hist.versions[:len(hist.versions)-1] {
			t.Run("resolve/"+hist.name+"/v"+strconv.Itoa(vi+1), func(t *testing.T) {
				s, err := schema.Parse(old, schema.ParseOptions{})
				if err != nil {
					t.Fatal(err)
				}
				for i := 0; i < datumsPerType; i++ {
					value, _ := randdatum.Generate(r, s, randdatum.Options{})
					if value == nil {
						t.Skip("the schema has no finite value (a record requires itself)")
					}
					written, err := h.Encode(old, value)
					if err != nil {
						t.Fatalf("Java cannot encode %s: %v", value, err)
					}
					javaView, _, javaErr := h.Decode(old, []byte(latest), written)
					goBytes, goErr := d.encode(t, "resolve", hist.name, string(old), written)
					switch {
					case javaErr != nil && goErr != "":
						continue // both refuse: incompatible data
					case javaErr != nil:
						t.Errorf("Java refuses to resolve %s (%v) but avroctl accepts", value, javaErr)
						continue
					case goErr != "":
						t.Errorf("avroctl refuses to resolve %s: %s; Java reads %s", value, goErr, javaView)
						continue
					}
					goView, _, err := h.Decode([]byte(latest), nil, goBytes)
					if err != nil {
						t.Errorf("Java cannot decode avroctl's resolved bytes %x: %v", goBytes, err)
						continue
					}
					if !sameJSON(goView, javaView) {
						t.Errorf("resolution differs for old value %s:\n java    %s\n avroctl %s", value, javaView, goView)
						continue
					}
					resolved++
				}
			})
		}
	}
	t.Logf("%d old-writer values resolved identically by Java and avroctl", resolved)
}

// roundTrip checks n random values of one generated type: Java's bytes
// decode and re-encode to the same bytes; when a map has several entries
// (whose order may differ), Java must read both byte strings as the same
// value.
func roundTrip(t *testing.T, h *javaharness.Harness, d *driver, r *rand.Rand, name, schemaJSON string, n int) {
	t.Helper()
	s, err := schema.Parse([]byte(schemaJSON), schema.ParseOptions{Filename: name})
	if err != nil {
		// A nested type whose field default goes through the type itself
		// is valid inside its parent but not as a root: Java refuses it
		// too ("Schema fields not set yet"), so there is nothing to
		// compare. Any other refusal is a bug.
		if _, jerr := h.Schema([]byte(schemaJSON)); jerr != nil {
			t.Skipf("neither avroctl nor Java accepts the type as a root schema: %v / %v", err, jerr)
		}
		t.Fatalf("AvroSchema() of the generated type does not parse, but Java accepts it: %v", err)
	}
	for i := 0; i < n; i++ {
		value, multiKeyMap := randdatum.Generate(r, s, randdatum.Options{})
		if value == nil {
			t.Skip("the schema has no finite value (a record requires itself)")
		}
		javaBytes, err := h.Encode([]byte(schemaJSON), value)
		if err != nil {
			t.Fatalf("Java cannot encode %s: %v", value, err)
		}
		goBytes, goErr := d.encode(t, "roundtrip", name, "", javaBytes)
		if goErr != "" {
			t.Errorf("generated UnmarshalAvro/AppendAvro fails on Java's bytes %x (value %s): %s", javaBytes, value, goErr)
			continue
		}
		d.roundTrips++
		if bytes.Equal(goBytes, javaBytes) {
			d.identical++
			continue
		}
		if !multiKeyMap {
			t.Errorf("bytes differ for value %s:\n java    %x\n avroctl %x", value, javaBytes, goBytes)
			continue
		}
		// Map entries in another order: compare what Java reads from each
		// (both printed by Java, so float spelling cannot differ).
		javaView, _, err := h.Decode([]byte(schemaJSON), nil, javaBytes)
		if err != nil {
			t.Fatal(err)
		}
		goView, _, err := h.Decode([]byte(schemaJSON), nil, goBytes)
		if err != nil {
			t.Errorf("Java cannot decode avroctl's bytes %x (value %s): %v", goBytes, value, err)
			continue
		}
		if !sameJSON(goView, javaView) {
			t.Errorf("value changed through avroctl:\n java    %s\n avroctl %s", javaView, goView)
		}
	}
}

// sameJSON compares two JSON texts as values (key order and number
// spelling do not matter).
func sameJSON(a, b []byte) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	return reflect.DeepEqual(x, y)
}

var versionFile = regexp.MustCompile(`^v(\d+)\.avsc$`)

// generateFixtures generates the latest version of every type under
// testdata/evolution into a module in dir and returns the histories.
func generateFixtures(t *testing.T, dir string) (genModule, []history) {
	t.Helper()
	typeDirs, _ := filepath.Glob(filepath.Join("testdata", "evolution", "*"))
	var latest []string
	var hists []history
	for _, td := range typeDirs {
		entries, err := os.ReadDir(td)
		if err != nil {
			t.Fatal(err)
		}
		type ver struct {
			n    int
			path string
		}
		var vs []ver
		for _, e := range entries {
			if m := versionFile.FindStringSubmatch(e.Name()); m != nil {
				n, _ := strconv.Atoi(m[1])
				vs = append(vs, ver{n, filepath.Join(td, e.Name())})
			}
		}
		sort.Slice(vs, func(i, j int) bool { return vs[i].n < vs[j].n })
		if len(vs) == 0 {
			continue
		}
		h := history{}
		for _, v := range vs {
			b, err := os.ReadFile(v.path)
			if err != nil {
				t.Fatal(err)
			}
			h.versions = append(h.versions, b)
		}
		s, err := schema.Parse(h.versions[len(h.versions)-1], schema.ParseOptions{Filename: vs[len(vs)-1].path})
		if err != nil {
			t.Fatal(err)
		}
		h.name = s.(schema.NamedSchema).Names().FullName()
		hists = append(hists, h)
		latest = append(latest, vs[len(vs)-1].path)
	}
	return generateModule(t, dir, "example.com/interop/fixtures", latest), hists
}

func generateModule(t *testing.T, dir, modulePath string, files []string) genModule {
	t.Helper()
	schemas, err := golang.ParseFiles(files)
	if err != nil {
		t.Fatalf("golang.ParseFiles: %v", err)
	}
	out, err := golang.Generate(schemas, golang.Options{ModulePath: modulePath})
	if err != nil {
		t.Fatalf("golang.Generate: %v", err)
	}
	if _, err := golang.WriteTree(dir, out); err != nil {
		t.Fatal(err)
	}
	return genModule{path: modulePath, dir: dir}
}

// projectModule returns the project's generated module: ../events when it
// holds generated code, else ../schemas/*.avsc generated into dir. The
// histories come from the git history of ../schemas.
func projectModule(t *testing.T, dir string) (genModule, []history, bool) {
	t.Helper()
	root := projectRoot(t)
	files, _ := filepath.Glob(filepath.Join(root, "schemas", "*.avsc"))
	hists := schemaHistories(t, root, files)
	events := filepath.Join(root, "events")
	if mod, err := os.ReadFile(filepath.Join(events, "go.mod")); err == nil {
		m := genModule{path: modulePathOf(mod), dir: events}
		if types, _ := findRecordTypes(m); len(types) > 0 && m.path != "" {
			t.Logf("using the committed generated module %s (%d types)", m.path, len(types))
			return m, hists, true
		}
	}
	if len(files) == 0 {
		t.Logf("no ../events module and no ../schemas/*.avsc yet: only the evolution fixtures are tested")
		return genModule{}, nil, false
	}
	t.Logf("../events has no generated code; generating %d schemas from ../schemas", len(files))
	return generateModule(t, dir, golang.DefaultModulePath, files), hists, true
}

func modulePathOf(gomod []byte) string {
	for _, line := range strings.Split(string(gomod), "\n") {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(line), "module "); ok {
			return strings.Trim(strings.TrimSpace(rest), `"`)
		}
	}
	return ""
}

// schemaHistories reads each schema's committed versions from git, oldest
// first, with the working copy last when it differs.
func schemaHistories(t *testing.T, root string, files []string) []history {
	var hists []history
	for _, f := range files {
		rel, _ := filepath.Rel(root, f)
		rel = filepath.ToSlash(rel)
		out, err := exec.Command("git", "-C", root, "log", "--reverse", "--format=%H", "--", rel).Output()
		if err != nil {
			return nil // not a git checkout: no history to test
		}
		var h history
		for _, c := range strings.Fields(string(out)) {
			b, err := exec.Command("git", "-C", root, "show", c+":"+rel).Output()
			if err != nil || (len(h.versions) > 0 && bytes.Equal(h.versions[len(h.versions)-1], b)) {
				continue
			}
			h.versions = append(h.versions, b)
		}
		cur, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if len(h.versions) == 0 || !bytes.Equal(h.versions[len(h.versions)-1], cur) {
			h.versions = append(h.versions, cur)
		}
		s, err := schema.Parse(cur, schema.ParseOptions{Filename: f})
		if err != nil {
			t.Errorf("%v", err)
			continue
		}
		n, ok := s.(schema.NamedSchema)
		if !ok || len(h.versions) < 2 {
			continue
		}
		h.name = n.Names().FullName()
		hists = append(hists, h)
	}
	return hists
}

// isRecordSchema reports whether an .avsc text defines a record or error.
func isRecordSchema(avsc []byte) bool {
	s, err := schema.Parse(avsc, schema.ParseOptions{})
	if err != nil {
		return true // let the caller report it
	}
	t := s.Type()
	return t == schema.RecordType || t == schema.ErrorType
}
