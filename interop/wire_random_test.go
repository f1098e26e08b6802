package interop

import (
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"gitlab.com/acme/avroctl/gen/golang"
	"gitlab.com/acme/avroctl/gen/schema"
	"gitlab.com/acme/avroctl/interop/evolve"
	"gitlab.com/acme/avroctl/interop/javaharness"
	"gitlab.com/acme/avroctl/interop/randdatum"
)

// randomWireCase is one random schema and a random evolution of it: code
// is generated for the evolved schema (the reader); the original is the
// writer of old data.
type randomWireCase struct {
	file           string // the reader's .avsc
	reader, writer []byte
	readerName     string
	steps          []string
}

// TestWireRandomSchemas generates Go code for random schemas (nested and
// recursive records, unions, enums, fixed, arrays, maps) that are random
// evolutions of other random schemas, then checks against Java:
// round trips of random values (as TestWireBytesMatchJava does), and
// resolution of values written with the pre-evolution schema, where Java
// and the generated UnmarshalAvroFrom must agree on the value or both
// refuse.
func TestWireRandomSchemas(t *testing.T) {
	h := javaharness.Shared(t)
	n := 30
	if testing.Short() {
		n = 8
	}
	g := evolve.New(*seedFlag + 2000)
	dir := t.TempDir()
	cases := map[int]randomWireCase{}
	packages := map[string]string{}
	for i := 0; len(cases) < n; i++ {
		base := g.SchemaIn(fmt.Sprintf("rand.s%d", i), 6, 2)
		next := evolve.Clone(base)
		c := randomWireCase{steps: g.Mutate(next, 1+g.R.IntN(3)), reader: evolve.Marshal(next),
			writer: evolve.Marshal(base), readerName: next.FullName()}
		// Java rejects a few generated schemas (see README); they are the
		// schema tests' business, not this one's.
		if _, err := h.Schema(c.reader); err != nil {
			continue
		}
		if _, err := h.Schema(c.writer); err != nil {
			continue
		}
		// A record that requires itself has no finite value, and Java's
		// readers and writers overflow the stack on it: nothing to compare.
		if !finiteAvsc(c.reader) || !finiteAvsc(c.writer) {
			continue
		}
		// One package per case, so that cases never share a package and a
		// broken one can be left out. A case's namespaces share it: they
		// may refer to each other in a cycle (rand.s9 -> rand.s9.sub ->
		// rand.s9), which Go packages cannot, and the generator refuses.
		evolve.Walk(next, func(x *evolve.Node) {
			if x.Kind.IsNamed() {
				if _, ok := packages[x.Namespace]; !ok {
					packages[x.Namespace] = fmt.Sprintf("s%d", i)
				}
			}
		})
		c.file = filepath.Join(dir, fmt.Sprintf("s%d.avsc", i))
		if err := os.WriteFile(c.file, c.reader, 0o644); err != nil {
			t.Fatal(err)
		}
		cases[i] = c
	}
	// Schemas whose generated code does not compile are reported, then left
	// out, so that one generator bug does not hide the others.
	const modulePath = "example.com/interop/random"
	var d *driver
	for attempt := 0; d == nil; attempt++ {
		modDir := filepath.Join(dir, fmt.Sprintf("module%d", attempt))
		var files []string
		for _, i := range slices.Sorted(maps.Keys(cases)) {
			files = append(files, cases[i].file)
		}
		schemas, err := golang.ParseFiles(files)
		if err != nil {
			t.Fatalf("golang.ParseFiles: %v", err)
		}
		out, err := golang.Generate(schemas, golang.Options{ModulePath: modulePath, Packages: packages})
		if err != nil {
			t.Fatalf("golang.Generate: %v", err)
		}
		if _, err := golang.WriteTree(modDir, out); err != nil {
			t.Fatal(err)
		}
		d, err = startDriver(t, []genModule{{path: modulePath, dir: modDir}})
		var be *buildError
		if !errors.As(err, &be) {
			if err != nil {
				t.Fatal(err)
			}
			break
		}
		dropped := 0
		for _, i := range slices.Sorted(maps.Keys(cases)) {
			var msgs []string
			for _, line := range strings.Split(be.output, "\n") {
				if regexp.MustCompile(fmt.Sprintf(`/s%dp\d+/.*\.go:\d+:\d+: `, i)).MatchString(line) {
					msgs = append(msgs, line)
				}
			}
			if len(msgs) == 0 {
				continue
			}
			if !excuse(t, msgs[0]) {
				t.Errorf("generated code for this schema does not compile:\n%s\n%s", strings.Join(msgs, "\n"), cases[i].reader)
			}
			delete(cases, i)
			dropped++
		}
		if dropped == 0 || len(cases) == 0 || attempt == 3 {
			t.Fatalf("generated code does not build:\n%s", be.output)
		}
	}
	resp, err := d.call(map[string]string{"op": "list"})
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(*seedFlag, 98))
	for _, ty := range resp.Types {
		t.Run("roundtrip/"+ty.Name, func(t *testing.T) {
			roundTrip(t, h, d, r, ty.Name, ty.Schema, 20)
		})
	}
	var resolved, refused, aliasQuirk int
	for _, i := range slices.Sorted(maps.Keys(cases)) {
		c := cases[i]
		t.Run(fmt.Sprintf("resolve/s%d", i), func(t *testing.T) {
			ws, err := schema.Parse(c.writer, schema.ParseOptions{})
			if err != nil {
				t.Fatalf("avroctl rejects the writer schema Java accepts: %v\n%s", err, c.writer)
			}
			for k := 0; k < 20; k++ {
				value, _ := randdatum.Generate(r, ws, randdatum.Options{})
				if value == nil {
					t.Skip("the writer schema has no finite value (a record requires itself)")
				}
				written, err := h.Encode(c.writer, value)
				if err != nil {
					t.Fatalf("Java cannot encode %s: %v", value, err)
				}
				javaView, _, javaErr := h.Decode(c.writer, c.reader, written)
				goBytes, goErr := d.encode(t, "resolve", c.readerName, string(c.writer), written)
				switch {
				case javaErr != nil && goErr != "":
					refused++
					continue
				case javaErr != nil && javaAliasDefaultQuirk(h, javaErr, c.reader, c.writer):
					// A deliberate difference (README: Known differences):
					// avroctl reads the value; what it produced must still
					// be a valid value of the reader schema for Java.
					if _, _, err := h.Decode(c.reader, nil, goBytes); err != nil {
						t.Fatalf("Java cannot decode avroctl's resolved bytes %x: %v", goBytes, err)
					}
					aliasQuirk++
					continue
				case javaErr != nil:
					t.Fatalf("Java refuses to resolve (%v) but avroctl accepts\nvalue %s\nwriter %s\nreader %s\nsteps %q", javaErr, value, c.writer, c.reader, c.steps)
				case goErr != "" && excuse(t, goErr):
					return
				case goErr != "":
					t.Fatalf("avroctl refuses to resolve (%s) but Java reads %s\nvalue %s\nwriter %s\nreader %s\nsteps %q", goErr, javaView, value, c.writer, c.reader, c.steps)
				}
				goView, _, err := h.Decode(c.reader, nil, goBytes)
				if err != nil {
					t.Fatalf("Java cannot decode avroctl's resolved bytes %x: %v", goBytes, err)
				}
				if !sameJSON(goView, javaView) {
					t.Fatalf("resolution differs:\n java    %s\n avroctl %s\nvalue %s\nwriter %s\nreader %s\nsteps %q", javaView, goView, value, c.writer, c.reader, c.steps)
				}
				resolved++
			}
		})
	}
	t.Logf("%d random evolved schemas (%d left out, see above), %d generated record types, %d values round-tripped (%d byte-identical); %d old values resolved identically, %d refused by both, %d read by avroctl where Java's alias rewrite rejects a writer default",
		len(cases), n-len(cases), len(resp.Types), d.roundTrips, d.identical, resolved, refused, aliasQuirk)
}

// javaAliasDefaultQuirk reports whether Java's refusal to resolve is its
// alias rewrite, not a resolution rule. Java's resolving reader first
// rewrites the writer schema with the reader's aliases
// (Schema.applyAliases), re-creating every field with its default
// validated; when a renamed field makes a writer field's default invalid
// (the default still names the field's old name), it throws "Invalid
// default for field" before reading anything. The specification ignores
// writer defaults when reading, Java's own SchemaCompatibility calls the
// pair compatible, and avroctl reads the value. So: a Java error of that
// kind, and a compatible verdict from Java for the pair.
func javaAliasDefaultQuirk(h *javaharness.Harness, javaErr error, reader, writer []byte) bool {
	if !strings.Contains(javaErr.Error(), "Invalid default for field") {
		return false
	}
	res, err := h.Compat(reader, writer)
	return err == nil && res.Compatible()
}

// finiteAvsc reports whether every record reachable in the schema has a
// finite value.
func finiteAvsc(avsc []byte) bool {
	s, err := schema.Parse(avsc, schema.ParseOptions{})
	return err == nil && randdatum.AllFinite(s)
}
