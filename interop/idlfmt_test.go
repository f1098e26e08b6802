package interop

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"gitlab.com/acme/avroctl/gen/idl"
	"gitlab.com/acme/avroctl/gen/idlfmt"
	"gitlab.com/acme/avroctl/gen/schema"
	"gitlab.com/acme/avroctl/interop/evolve"
	"gitlab.com/acme/avroctl/interop/javaharness"
)

var idlfmtRandom = flag.Int("interop.idlfmtrandom", 400, "random schemas for TestIDLFormatMatchesJava")

// idlfmtCase is one input of the schema-to-IDL comparison: one or more
// schema texts (parsed with shared names, as one Schema.Parser does) or a
// protocol.
type idlfmtCase struct {
	name     string
	schemas  [][]byte
	protocol []byte
}

// TestIDLFormatMatchesJava writes schemas as IDL with gen/idlfmt and with
// Java's IdlSchemaFormatter / IdlUtils (harness op idlFormat), over every
// .avsc and .avpr of the conformance suites, the idl2schemata folders as
// schema sets, ../schemas and random schemas. Outputs must be
// byte-identical, or both sides must refuse. Then each IDL text avroctl wrote
// is read back with gen/idl and compared with the schema it came from.
func TestIDLFormatMatchesJava(t *testing.T) {
	h := javaharness.Shared(t)
	cases := idlfmtCases(t)
	agree, bothRefuse, parseRefused, jdk17Floats := 0, 0, 0, 0
	javaRefusals := map[string]int{}
	bySource := map[string]int{}
	sets, protocols := 0, 0
	var newer newerJDK
	rt := idlRoundTrip{h: h, dir: t.TempDir()}
	for _, c := range cases {
		req := map[string]any{"op": "idlFormat"}
		if c.protocol != nil {
			req["protocol"] = string(c.protocol)
		} else {
			texts := make([]string, len(c.schemas))
			for i, s := range c.schemas {
				texts[i] = string(s)
			}
			req["schemas"] = texts
		}
		raw, javaErr := h.Call(req)
		var javaOut struct {
			IDL string `json:"idl"`
		}
		if javaErr == nil {
			if err := json.Unmarshal(raw, &javaOut); err != nil {
				t.Fatal(err)
			}
		} else if !isJavaError(javaErr) {
			t.Fatalf("%s: %v", c.name, javaErr)
		}
		parsed, goOut, goErr := formatCase(c)
		if parsed == nil && goErr != nil {
			// Not this package's disagreement: gen/schema refused the input.
			if javaErr == nil {
				parseRefused++
				t.Errorf("%s: avroctl cannot parse what Java writes as IDL: %v", c.name, goErr)
			} else {
				bothRefuse++
			}
			continue
		}
		switch {
		case javaErr != nil && goErr != nil:
			bothRefuse++
			javaRefusals[refusalKind(javaErr.Error())]++
		case javaErr != nil:
			t.Errorf("%s: Java refuses (%v), avroctl writes:\n%s", c.name, javaErr, goOut)
		case goErr != nil:
			t.Errorf("%s: avroctl refuses (%v), Java writes:\n%s", c.name, goErr, javaOut.IDL)
		case string(goOut) != javaOut.IDL && newer.sameOnNewerJDK(t, req, goOut, javaOut.IDL):
			jdk17Floats++
			agree++
			bySource[sourceOf(c.name)]++
			rt.check(t, c, parsed, goOut)
		case string(goOut) != javaOut.IDL:
			t.Errorf("%s: output differs\n--- Java\n%s\n--- avroctl\n%s\n--- first difference at byte %d", c.name, javaOut.IDL, goOut, firstDiff(javaOut.IDL, string(goOut)))
		default:
			agree++
			bySource[sourceOf(c.name)]++
			if len(c.schemas) > 1 {
				sets++
			}
			if c.protocol != nil {
				protocols++
			}
			rt.check(t, c, parsed, goOut)
		}
	}
	t.Logf("%d of them schema sets (IdlUtils.writeIdlSchemas), %d protocols (writeIdlProtocol), the rest single schemas", sets, protocols)
	t.Logf("byte-identical by source: %d conformance idl, %d conformance idl-realworld, %d ../schemas, %d random", bySource["idl"], bySource["idl-realworld"], bySource["schemas"], bySource["random"])
	t.Logf("%d cases: %d byte-identical (%d of them only on JDK 19+: %s), %d refused by both, %d not parsed by avroctl", len(cases), agree, jdk17Floats, newer.describe(), bothRefuse, parseRefused)
	kinds := make([]string, 0, len(javaRefusals))
	for k := range javaRefusals {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	for _, k := range kinds {
		t.Logf("  %4d refused by both: Java says %s", javaRefusals[k], k)
	}
	newer.close()
	rt.report(t)
}

// TestIDLFormatMatchesIdlUtilsGolden: the text Apache Avro's own
// IdlUtilsTest expects from IdlSchemaFormatter, from the schema the
// reference reads it into. The suite's file is indented by two spaces where
// the 1.12.2 jar writes four (TestIDLFormatMatchesJava compares the same
// schema byte for byte with the jar), so lines are compared without their
// leading white space. (The suite's protocol file is not the writer's
// text: its enum and alias layout is hand-written, and Java's test builds
// that protocol from IDL, whose type order a .avpr does not keep.)
func TestIDLFormatMatchesIdlUtilsGolden(t *testing.T) {
	dir := conformanceDir(t, "idl")
	for _, name := range []string{"idl_utils_test_schema"} {
		want, err := os.ReadFile(filepath.Join(dir, "inputs", "idl_utils", name+".avdl"))
		if err != nil {
			t.Fatal(err)
		}
		src, err := os.ReadFile(filepath.Join(dir, "outputs", "oracle-generated", "idl_utils", name+".idl.json"))
		if err != nil {
			t.Fatal(err)
		}
		var got []byte
		if strings.HasSuffix(name, "protocol") {
			p, err := schema.ParseProtocol(src, schema.ParseOptions{Filename: name})
			if err != nil {
				t.Fatal(err)
			}
			got, err = idlfmt.Protocol(p)
			if err != nil {
				t.Fatal(err)
			}
		} else {
			s, err := schema.Parse(src, schema.ParseOptions{Filename: name})
			if err != nil {
				t.Fatal(err)
			}
			got, err = idlfmt.Schema(s)
			if err != nil {
				t.Fatal(err)
			}
		}
		if unindent(got) != unindent(want) {
			t.Errorf("%s: differs from IdlUtilsTest's expected text\n--- want\n%s\n--- got\n%s", name, want, got)
		}
	}
}

func isJavaError(err error) bool {
	var je *javaharness.Error
	return errors.As(err, &je)
}

func firstDiff(a, b string) int {
	for i := 0; i < len(a) && i < len(b); i++ {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

// formatCase parses the case as Java's harness does and writes it.
func formatCase(c idlfmtCase) (parsed any, out []byte, err error) {
	if c.protocol != nil {
		p, err := schema.ParseProtocol(c.protocol, schema.ParseOptions{Filename: c.name})
		if err != nil {
			return nil, nil, err
		}
		out, err := idlfmt.Protocol(p)
		return p, out, err
	}
	names := schema.NewNames()
	var list []schema.Schema
	for i, src := range c.schemas {
		s, err := schema.Parse(src, schema.ParseOptions{Filename: fmt.Sprintf("%s#%d", c.name, i), Names: names})
		if err != nil {
			return nil, nil, err
		}
		list = append(list, s)
	}
	if len(list) == 1 {
		out, err := idlfmt.Schema(list[0])
		return list, out, err
	}
	n, ok := list[0].(schema.NamedSchema)
	if !ok {
		return list, nil, fmt.Errorf("first schema is not named")
	}
	out, err = idlfmt.Schemas(n.Names().Namespace, list)
	return list, out, err
}

func idlfmtCases(t *testing.T) []idlfmtCase {
	var cases []idlfmtCase
	seen := map[string]bool{}
	add := func(c idlfmtCase) {
		key := string(c.protocol) + "\x00" + string(bytes.Join(c.schemas, []byte{0}))
		if !seen[key] {
			seen[key] = true
			cases = append(cases, c)
		}
	}
	base := filepath.Join(projectRoot(t), "..", "shared", "conformance")
	for _, sub := range []string{"idl", "idl-realworld"} {
		dir := filepath.Join(base, sub)
		if _, err := os.Stat(dir); err != nil {
			skipConformance(t, sub, dir)
			continue
		}
		sets := map[string][][]byte{}
		filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			rel, _ := filepath.Rel(base, p)
			switch filepath.Ext(p) {
			case ".avsc":
				b, err := os.ReadFile(p)
				if err != nil {
					t.Fatal(err)
				}
				add(idlfmtCase{name: rel, schemas: [][]byte{b}})
				if strings.Contains(p, "idl2schemata") || strings.HasSuffix(filepath.Dir(p), ".schemata") {
					sets[filepath.Dir(rel)] = append(sets[filepath.Dir(rel)], b)
				}
			case ".json":
				if !strings.Contains(p, "idl_utils") || !strings.HasSuffix(p, "_schema.idl.json") {
					return nil
				}
				b, err := os.ReadFile(p)
				if err != nil {
					t.Fatal(err)
				}
				add(idlfmtCase{name: rel, schemas: [][]byte{b}})
			case ".avpr":
				b, err := os.ReadFile(p)
				if err != nil {
					t.Fatal(err)
				}
				add(idlfmtCase{name: rel, protocol: b})
			}
			return nil
		})
		keys := make([]string, 0, len(sets))
		for k := range sets {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if len(sets[k]) > 1 {
				add(idlfmtCase{name: k + " (as one set)", schemas: sets[k]})
			}
		}
	}
	files, _ := filepath.Glob(filepath.Join(projectRoot(t), "schemas", "*.avsc"))
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		add(idlfmtCase{name: filepath.Base(f), schemas: [][]byte{b}})
	}
	n := *idlfmtRandom
	if testing.Short() {
		n = 60
	}
	g := evolve.New(*seedFlag + 2000)
	for i := 0; i < n; i++ {
		p := g.Pair()
		add(idlfmtCase{name: fmt.Sprintf("random %d reader", i), schemas: [][]byte{evolve.Marshal(p.Reader)}})
		add(idlfmtCase{name: fmt.Sprintf("random %d writer", i), schemas: [][]byte{evolve.Marshal(p.Writer)}})
		if proto := protocolAround(evolve.Marshal(p.Reader), i); proto != nil {
			add(idlfmtCase{name: fmt.Sprintf("random %d protocol", i), protocol: proto})
		}
	}
	return cases
}

// idlRoundTrip reads avroctl's IDL back with gen/idl and compares the result
// with the schema it was written from: the Parsing Canonical Form (what
// the wire depends on) must be equal; the full JSON (docs, defaults,
// properties, aliases) may differ only by a listed property of Java's
// writer, which is then counted under its cause.
type idlRoundTrip struct {
	h                                   *javaharness.Harness
	dir                                 string
	total, canonical, full, bothRefused int
	causes                              map[string]int
}

func (rt *idlRoundTrip) check(t *testing.T, c idlfmtCase, parsed any, out []byte) {
	f, err := idl.CompileSource(c.name+".avdl", out, idl.Options{ReadFile: func(string) ([]byte, error) { return nil, fs.ErrNotExist }})
	rt.total++
	var before, after []schema.Schema
	switch p := parsed.(type) {
	case *schema.Protocol:
		if err != nil {
			rt.refused(t, c, p.Types, out, err)
			return
		}
		if f.Protocol == nil {
			t.Errorf("%s: the IDL avroctl wrote has no protocol", c.name)
			return
		}
		for _, s := range p.Types {
			before = append(before, s)
		}
		_ = p
		for _, s := range f.Protocol.Types {
			after = append(after, s)
		}
	case []schema.Schema:
		if err != nil {
			rt.refused(t, c, p, out, err)
			return
		}
		before = p
		if len(p) == 1 {
			after = []schema.Schema{f.MainSchema}
		} else {
			byName := map[string]schema.Schema{}
			for _, s := range f.NamedSchemas {
				byName[s.Names().FullName()] = s
			}
			for _, s := range p {
				after = append(after, byName[s.(schema.NamedSchema).Names().FullName()])
			}
		}
	}
	canon, full := len(before) == len(after), len(before) == len(after)
	diff := ""
	byName := map[string]schema.Schema{}
	for _, s := range after {
		if n, ok := s.(schema.NamedSchema); ok {
			byName[n.Names().FullName()] = s
		}
	}
	for i, s := range before {
		a := after[min(i, len(after)-1)]
		if n, ok := s.(schema.NamedSchema); ok {
			a = byName[n.Names().FullName()]
		}
		if a == nil {
			canon, full = false, false
			break
		}
		if !bytes.Equal(schema.CanonicalForm(s), schema.CanonicalForm(a)) {
			canon = false
		}
		if mb, ma := schema.Marshal(s), schema.Marshal(a); !bytes.Equal(mb, ma) {
			if full {
				i := firstDiff(string(mb), string(ma))
				diff = fmt.Sprintf("JSON before: ...%s\nJSON after:  ...%s", excerpt(mb, i), excerpt(ma, i))
			}
			full = false
		}
	}
	causes := lossyCauses(before)
	switch {
	case full:
		rt.canonical++
		rt.full++
	case len(causes) > 0:
		if canon {
			rt.canonical++
		}
		for _, c := range causes {
			rt.count(c)
		}
	default:
		t.Errorf("%s: round trip changes the schema and no known cause explains it\n%s\n--- IDL\n%s", c.name, diff, out)
	}
}

func (rt *idlRoundTrip) count(cause string) {
	if rt.causes == nil {
		rt.causes = map[string]int{}
	}
	rt.causes[cause]++
}

// refused: gen/idl does not read back the IDL avroctl (and Java) wrote.
// Java's IdlReader must refuse it too, for a cause of the writer.
func (rt *idlRoundTrip) refused(t *testing.T, c idlfmtCase, schemas any, out []byte, err error) {
	file := filepath.Join(rt.dir, fmt.Sprintf("case%d.avdl", rt.total))
	if werr := os.WriteFile(file, out, 0o644); werr != nil {
		t.Fatal(werr)
	}
	if _, jerr := rt.h.IDL(file, nil); jerr == nil || !isJavaError(jerr) {
		t.Errorf("%s: gen/idl refuses the IDL written (%v) but Java's IdlReader reads it (%v)\n%s", c.name, err, jerr, out)
		return
	}
	rt.bothRefused++
	msg := err.Error()
	switch {
	case strings.Contains(msg, "expected JSON value"), strings.Contains(msg, "expected ':', found '}'"):
		rt.count("IDL not readable (by Java either): a bytes or fixed default is written as nothing (`bytes b = ;`)")
	case strings.Contains(msg, "still being defined"):
		rt.count("IDL not readable (by Java either): a default goes through a record declared after its first use (types are declared in order of first use; the reader checks defaults when it meets them)")
	default:
		t.Errorf("%s: IDL refused by both readers for a cause the test does not know: %v\n%s", c.name, err, out)
	}
}

func (rt *idlRoundTrip) report(t *testing.T) {
	t.Logf("round trip IDL -> gen/idl: %d compared, %d identical JSON, %d same canonical form, %d not readable by gen/idl nor Java's IdlReader", rt.total, rt.full, rt.canonical, rt.bothRefused)
	keys := make([]string, 0, len(rt.causes))
	for k := range rt.causes {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		t.Logf("  %4d cases: %s", rt.causes[k], k)
	}
}

// lossyCause names the first property of Java's IDL writer (copied by
// idlfmt) that changes schemas: the JSON a round trip cannot give back.
func lossyCauses(schemas []schema.Schema) []string {
	var causes []string
	seen := map[schema.Schema]bool{}
	var walk func(s schema.Schema, ns string, top bool)
	note := func(c string) {
		for _, x := range causes {
			if x == c {
				return
			}
		}
		causes = append(causes, c)
	}
	walk = func(s schema.Schema, ns string, top bool) {
		if seen[s] {
			return
		}
		seen[s] = true
		if n, ok := s.(schema.NamedSchema); ok {
			nm := n.Names()
			if nm.Namespace == "" && ns != "" {
				note(`a type without namespace under a namespace is written @namespace("null")`)
			}
			if nm.Doc != nil && docLossy(*nm.Doc) {
				note("a doc that an IDL doc comment cannot carry as is (blank, surrounding white space, leading '*' or line breaks, or '*/')")
			}
			ns = nm.Namespace
		}
		switch s := s.(type) {
		case *schema.Enum:
			if s.HasDefault {
				note("an enum default is not written")
			}
		case *schema.Record:
			for _, f := range s.Fields {
				if f.Doc != nil && docLossy(*f.Doc) {
					note("a doc that an IDL doc comment cannot carry as is (blank, surrounding white space, leading '*' or line breaks, or '*/')")
				}
				if f.HasDefault && defaultHasBytes(f.Default, f.Type) {
					note("a bytes or fixed default is written as nothing (in an array: the element vanishes)")
				}
				if f.HasDefault && defaultHasIntForFloat(f.Default, f.Type) {
					note("an integer default of a float or double is written as Java prints the float (1 -> 1.0, same value)")
				}
				if u, ok := f.Type.(*schema.Union); ok && nullableReordered(u, !f.HasDefault || f.Default == nil) {
					note("a union of null and one other type is written T? and read back with null first (second under a non-null default)")
				}
				walk(f.Type, ns, true)
			}
		case *schema.Array:
			walk(s.Items, ns, false)
		case *schema.Map:
			walk(s.Values, ns, false)
		case *schema.Union:
			if !top && nullableReordered(s, true) {
				note("a union of null and one other type is written T? and read back with null first (second under a non-null default)")
			}
			for _, b := range s.Branches {
				walk(b, ns, false)
			}
		}
	}
	for _, s := range schemas {
		ns := ""
		if n, ok := s.(schema.NamedSchema); ok && len(schemas) > 1 {
			ns = schemas[0].(schema.NamedSchema).Names().Namespace
			_ = n
		}
		walk(s, ns, true)
	}
	return causes
}

func docLossy(d string) bool {
	return strings.TrimSpace(d) != d || d == "" || strings.ContainsAny(d, "\r\n\v\f\u0085\u2028\u2029") || strings.Contains(d, "*/") || strings.HasPrefix(d, "*")
}

func defaultHasBytes(v schema.Value, s schema.Schema) bool {
	switch s := s.(type) {
	case *schema.Union:
		for _, b := range s.Branches {
			if defaultHasBytes(v, b) {
				return true
			}
		}
	case *schema.Primitive:
		_, isText := v.(string)
		return isText && s.T == schema.Bytes
	case *schema.Fixed:
		_, isText := v.(string)
		return isText
	case *schema.Array:
		if l, ok := v.([]schema.Value); ok {
			for _, e := range l {
				if defaultHasBytes(e, s.Items) {
					return true
				}
			}
		}
	case *schema.Map:
		if o, ok := v.(*schema.Object); ok && o != nil {
			for _, m := range o.Members {
				if defaultHasBytes(m.Value, s.Values) {
					return true
				}
			}
		}
	case *schema.Record:
		if o, ok := v.(*schema.Object); ok && o != nil {
			for _, m := range o.Members {
				if f := s.FieldByName(m.Key); f != nil && defaultHasBytes(m.Value, f.Type) {
					return true
				}
			}
		}
	}
	return false
}

func excerpt(b []byte, i int) string {
	lo, hi := max(0, i-60), min(len(b), i+60)
	return string(b[lo:hi])
}

// nullableReordered: u is written T? (two branches, one null, the other not
// an array or map) and gen/idl reads T? back in the other order: null first
// when nullFirst, else null second.
func nullableReordered(u *schema.Union, nullFirst bool) bool {
	if len(u.Branches) != 2 {
		return false
	}
	a, b := u.Branches[0].Type(), u.Branches[1].Type()
	if (a == schema.Null) == (b == schema.Null) {
		return false
	}
	other := a
	if a == schema.Null {
		other = b
	}
	if other == schema.ArrayType || other == schema.MapType {
		return false
	}
	return (a == schema.Null) != nullFirst
}

func defaultHasIntForFloat(v schema.Value, s schema.Schema) bool {
	switch s := s.(type) {
	case *schema.Union:
		for _, b := range s.Branches {
			if defaultHasIntForFloat(v, b) {
				return true
			}
		}
	case *schema.Primitive:
		n, ok := v.(schema.Number)
		return ok && !n.IsFloat && (s.T == schema.Float || s.T == schema.Double)
	case *schema.Array:
		if l, ok := v.([]schema.Value); ok {
			for _, e := range l {
				if defaultHasIntForFloat(e, s.Items) {
					return true
				}
			}
		}
	case *schema.Map:
		if o, ok := v.(*schema.Object); ok && o != nil {
			for _, m := range o.Members {
				if defaultHasIntForFloat(m.Value, s.Values) {
					return true
				}
			}
		}
	case *schema.Record:
		if o, ok := v.(*schema.Object); ok && o != nil {
			for _, m := range o.Members {
				if f := s.FieldByName(m.Key); f != nil && defaultHasIntForFloat(m.Value, f.Type) {
					return true
				}
			}
		}
	}
	return false
}

// refusalKind shortens Java's refusal to its kind (the message without the
// names and values of the case).
func refusalKind(msg string) string {
	msg = strings.TrimPrefix(msg, "java idlFormat: ")
	if i := strings.Index(msg, " (through reference chain"); i >= 0 {
		msg = msg[:i]
	}
	if strings.Contains(msg, "Not a named type") {
		return "Not a named type (the file's schema is a union, array, map or primitive)"
	}
	if len(msg) > 90 {
		msg = msg[:90] + "..."
	}
	return msg
}

// newerJDK is a second harness on a JDK 19 or later, for the one thing the
// JDK changes in this output: Java 17's Float.toString (and, rarely,
// Double.toString) does not always print the shortest digits
// (JDK-4511638, fixed in JDK 19: 1.21770279E11 there, 1.2177028E11 since).
// gen/idlfmt prints the shortest digits, as gen/schema does everywhere. A
// case whose output differs from Java 17's is run again on the newer JDK and
// must be byte-identical there. The JDK is $AVROCTL_JAVA_LATEST (a java
// binary) or the newest of /usr/lib/jvm/*/bin/java; without one, the
// difference must be float literals only, each the same float value.
type newerJDK struct {
	tried bool
	h     *javaharness.Harness
	java  string
}

func (n *newerJDK) start(t *testing.T) {
	if n.tried {
		return
	}
	n.tried = true
	candidates, _ := filepath.Glob("/usr/lib/jvm/*/bin/java")
	if env := os.Getenv("AVROCTL_JAVA_LATEST"); env != "" {
		candidates = []string{env}
	}
	best := 0
	for _, j := range candidates {
		out, err := exec.Command(j, "-version").CombinedOutput()
		if err != nil {
			continue
		}
		m := regexp.MustCompile(`version "(\d+)`).FindSubmatch(out)
		if m == nil {
			continue
		}
		v, _ := strconv.Atoi(string(m[1]))
		if v >= 19 && v > best {
			best, n.java = v, j
		}
	}
	if n.java == "" {
		return
	}
	jar := javaharness.Jar(t)
	old := os.Getenv("PATH")
	os.Setenv("PATH", filepath.Dir(n.java)+string(os.PathListSeparator)+old)
	h, err := javaharness.Start(jar)
	os.Setenv("PATH", old)
	if err != nil {
		t.Logf("newer JDK %s: %v", n.java, err)
		n.java = ""
		return
	}
	n.h = h
}

func (n *newerJDK) sameOnNewerJDK(t *testing.T, req map[string]any, goOut []byte, java17 string) bool {
	n.start(t)
	if n.h == nil {
		return floatSpellingOnly(string(goOut), java17)
	}
	raw, err := n.h.Call(req)
	if err != nil {
		return false
	}
	var r struct {
		IDL string `json:"idl"`
	}
	return json.Unmarshal(raw, &r) == nil && r.IDL == string(goOut)
}

func (n *newerJDK) describe() string {
	if n.java == "" {
		return "no JDK 19+ found, checked as float spellings of the same value"
	}
	return "checked on " + n.java
}

func (n *newerJDK) close() {
	if n.h != nil {
		n.h.Close()
	}
}

var floatLiteral = regexp.MustCompile(`-?\d+\.\d+(E-?\d+)?`)

// floatSpellingOnly: a and b differ only in float literals that denote the
// same float32 value.
func floatSpellingOnly(a, b string) bool {
	if floatLiteral.ReplaceAllString(a, "F") != floatLiteral.ReplaceAllString(b, "F") {
		return false
	}
	fa, fb := floatLiteral.FindAllString(a, -1), floatLiteral.FindAllString(b, -1)
	for i := range fa {
		x, err1 := strconv.ParseFloat(fa[i], 32)
		y, err2 := strconv.ParseFloat(fb[i], 32)
		if err1 != nil || err2 != nil || x != y {
			return false
		}
	}
	return true
}

func unindent(b []byte) string {
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimLeft(l, " ")
	}
	return strings.Join(lines, "\n")
}

func sourceOf(name string) string {
	switch {
	case strings.HasPrefix(name, "idl-realworld/"):
		return "idl-realworld"
	case strings.HasPrefix(name, "idl/"):
		return "idl"
	case strings.HasPrefix(name, "random "):
		return "random"
	}
	return "schemas"
}

// FuzzIDLFormatVsJava: any schema text both sides accept is written as the
// same IDL, or refused by both writers.
//
//	go test -run '^$' -fuzz FuzzIDLFormatVsJava -fuzztime 10s
func FuzzIDLFormatVsJava(f *testing.F) {
	g := evolve.New(11)
	for i := 0; i < 20; i++ {
		f.Add(evolve.Marshal(g.Schema(4, 2)))
	}
	f.Add([]byte(`{"type":"record","name":"R","fields":[{"name":"b","type":"bytes","default":"x"},{"name":"e","type":{"type":"enum","name":"E","symbols":["A"],"default":"A"}}]}`))
	f.Fuzz(func(t *testing.T, src []byte) {
		if !utf8.Valid(src) {
			t.Skip("invalid UTF-8 cannot reach the Java harness unchanged")
		}
		s, err := schema.Parse(src, schema.ParseOptions{Filename: "f.avsc"})
		if err != nil {
			return // parser agreement is FuzzSchemaVsJava's job
		}
		h := javaharness.Shared(t)
		raw, javaErr := h.Call(map[string]any{"op": "idlFormat", "schemas": []string{string(src)}})
		if javaErr != nil && !isJavaError(javaErr) {
			t.Fatal(javaErr)
		}
		got, goErr := idlfmt.Schema(s)
		var java struct {
			IDL string `json:"idl"`
		}
		if javaErr == nil {
			json.Unmarshal(raw, &java)
		}
		switch {
		case (javaErr == nil) != (goErr == nil):
			t.Fatalf("Java error %v, avroctl error %v\n%s", javaErr, goErr, src)
		case javaErr == nil && java.IDL != string(got) && !floatSpellingOnly(string(got), java.IDL):
			t.Fatalf("differs\n--- Java\n%s\n--- avroctl\n%s", java.IDL, got)
		}
	})
}

// protocolAround wraps a random record schema into a protocol with a
// message taking and returning it and an error, so that protocols with
// nested and recursive types are compared too (Java's Protocol.getTypes
// order decides the declaration order).
func protocolAround(src []byte, i int) []byte {
	var top map[string]any
	if json.Unmarshal(src, &top) != nil || top["type"] != "record" {
		return nil
	}
	full, _ := top["name"].(string)
	if ns, _ := top["namespace"].(string); ns != "" && !strings.Contains(full, ".") {
		full = ns + "." + full
	}
	p := map[string]any{
		"protocol":  fmt.Sprintf("P%d", i),
		"namespace": "com.acme.proto",
		"doc":       "not written by Java",
		"version":   i,
		"types":     []any{json.RawMessage(src), map[string]any{"type": "error", "name": "Failed", "fields": []any{map[string]any{"name": "why", "type": "string"}}}},
		"messages": map[string]any{
			"put": map[string]any{"doc": "Stores one.", "request": []any{map[string]any{"name": "v", "type": full, "doc": "the value"}, map[string]any{"name": "n", "type": "int", "default": 1}},
				"response": full, "errors": []any{"Failed"}},
			"ping": map[string]any{"request": []any{}, "response": "null", "one-way": true},
		},
	}
	b, err := json.Marshal(p)
	if err != nil {
		return nil
	}
	return b
}
