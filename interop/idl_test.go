package interop

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"gitlab.com/acme/avroctl/gen/idl"
	"gitlab.com/acme/avroctl/gen/schema"
	"gitlab.com/acme/avroctl/interop/javaharness"
)

// idlInput is one .avdl file and the folders its bare-name imports are
// searched in.
type idlInput struct {
	file       string
	importDirs []string
}

// TestIDLMatchesJava compiles every .avdl of the project's idl/ folder, and
// every input of the shared conformance suites when they are present, with
// gen/idl and with Java's IdlReader, and requires:
//   - the same accept/reject decision (avroctl's errors located file:line:col);
//   - `avro-tools idl` output byte for byte (OutputJSON(true));
//   - for files without protocol or main schema, IdlFile.outputString's
//     compact list (OutputJSON(false));
//   - the idl2schemata files, byte for byte;
//   - warnings at the same places (file, line, column).
func TestIDLMatchesJava(t *testing.T) {
	h := javaharness.Shared(t)
	inputs := projectIDLInputs(t)
	if len(inputs) == 0 {
		t.Fatal("the project has no idl/**/*.avdl files")
	}
	inputs = append(inputs, conformanceIDLInputs(t)...)
	var agree, rejected int
	hung := false
	for _, in := range inputs {
		if hung {
			break
		}
		name := in.file
		if rel, err := filepath.Rel(filepath.Dir(projectRoot(t)), in.file); err == nil {
			name = rel
		}
		ok := t.Run(name, func(t *testing.T) {
			if compareIDLWithJava(t, h, in, &hung) {
				rejected++
			}
		})
		if ok {
			agree++
		}
	}
	t.Logf("%d of %d IDL files agree with Java's IdlReader (%d rejected by both)", agree, len(inputs), rejected)
}

// compareIDLWithJava compiles in with avroctl and with Java's IdlReader and
// fails t on any difference: the accept/reject decision, the idl output,
// the idl2schemata files, the warnings' places. It reports whether both
// rejected the file, and sets *hung when avroctl did not finish in time.
func compareIDLWithJava(t *testing.T, h *javaharness.Harness, in idlInput, hung *bool) (bothRejected bool) {
	t.Helper()
	java, jerr := h.IDL(in.file, in.importDirs)
	f, gerr, done := compileWithDeadline(in)
	if !done {
		*hung = true
		t.Fatalf("avroctl's idl.Compile did not finish within %v (a hang or a loop); the remaining files are not tested", idlDeadline)
	}
	switch {
	case jerr != nil && gerr != nil:
		checkLocated(t, gerr)
		return true
	case jerr != nil:
		t.Fatalf("Java rejects the file (%v) but avroctl accepts it", jerr)
	case gerr != nil && refusesEmptyUnion(gerr, java):
		t.Logf("avroctl refuses, on purpose, the empty union Java writes (see gen/idl TestNestedUnionLast):\n%v", gerr)
		return false
	case gerr != nil:
		t.Fatalf("avroctl rejects the file but Java accepts it:\n%v", gerr)
	}
	if java.Output != "" {
		if got := string(f.OutputJSON(true)); got != java.Output {
			t.Errorf("idl output differs from avro-tools idl:\n%s", lineDiff(java.Output, got))
		}
	} else if got := string(f.OutputJSON(false)); got != java.Compact {
		t.Errorf("named-schema list differs from IdlFile.outputString:\n%s", lineDiff(java.Compact, got))
	}
	got := map[string]string{}
	for _, s := range f.Schemata() {
		got[s.Names().Name+".avsc"] = string(schema.MarshalPretty(s)) + "\n"
	}
	for _, file := range java.SchemataNames() {
		if g, ok := got[file]; !ok {
			t.Errorf("idl2schemata: avroctl writes no %s", file)
		} else if g != java.Schemata[file] {
			t.Errorf("idl2schemata %s differs:\n%s", file, lineDiff(java.Schemata[file], g))
		}
	}
	if len(got) != len(java.Schemata) {
		t.Errorf("idl2schemata: avroctl writes %d files, Java %d", len(got), len(java.Schemata))
	}
	if jw, gw := javaWarningPlaces(java.Warnings, in.file), goWarningPlaces(f.Warnings); !slices.Equal(jw, gw) {
		t.Errorf("warnings differ (file:line:col of each):\n java    %q\n avroctl %q", jw, gw)
	}
	return false
}

// refusesEmptyUnion reports whether avroctl's only errors are its
// deliberate refusal of a nested union that Java compiles to an empty
// union, and Java's output has one.
func refusesEmptyUnion(gerr error, java *javaharness.IDLResult) bool {
	var el schema.ErrorList
	if !errors.As(gerr, &el) {
		return false
	}
	for _, e := range el {
		if !strings.HasPrefix(e.Msg, "Nested union") || !strings.Contains(e.Msg, "empty union") {
			return false
		}
	}
	return strings.Contains(java.Output, "[ ]") || strings.Contains(java.Compact, "[]")
}

// idlDeadline bounds one idl.Compile call. A compiler that loops must
// fail this test with the file's name, not time the whole binary out.
const idlDeadline = 20 * time.Second

// compileWithDeadline runs idl.Compile, giving up after idlDeadline. A
// compile that never returns keeps its goroutine until the binary exits,
// which is why the caller stops after the first one.
func compileWithDeadline(in idlInput) (f *idl.File, err error, done bool) {
	type result struct {
		f   *idl.File
		err error
	}
	ch := make(chan result, 1)
	go func() {
		defer func() {
			if p := recover(); p != nil {
				ch <- result{err: fmt.Errorf("PANIC in idl.Compile: %v", p)}
			}
		}()
		f, err := idl.Compile(in.file, idl.Options{ImportDirs: in.importDirs})
		ch <- result{f, err}
	}()
	select {
	case r := <-ch:
		return r.f, r.err, true
	case <-time.After(idlDeadline):
		return nil, nil, false
	}
}

// javaWarning is where IdlReader puts a warning's place: "Line 21, char 8:
// ..." for the file itself, "<import> line 1, char 1: ..." for an imported
// one (IdlFile.getWarnings(importFile)).
var javaWarning = regexp.MustCompile(`^(?:(.+) )?[Ll]ine (\d+), char (\d+): `)

// javaWarningPlaces returns "file:line:col" (base name) of each warning,
// sorted, so that the two sides compare regardless of message wording.
func javaWarningPlaces(warnings []string, file string) []string {
	places := []string{}
	for _, w := range warnings {
		m := javaWarning.FindStringSubmatch(w)
		if m == nil {
			places = append(places, "?: "+w)
			continue
		}
		// Nested imports chain their names ("a.avdl b.avdl line 2, ..."):
		// the last one is the file the warning is in.
		f := file
		if names := strings.Fields(m[1]); len(names) > 0 {
			f = names[len(names)-1]
		}
		places = append(places, fmt.Sprintf("%s:%s:%s", placeName(f), m[2], m[3]))
	}
	slices.Sort(places)
	return places
}

// placeName is the base name, lower-cased: getWarnings(importFile)
// lower-cases the first letter of a nested import's warning, and with it
// the inner file's name ("commonInterpreted.avdl" for CommonInterpreted.avdl).
func placeName(file string) string { return strings.ToLower(filepath.Base(file)) }

// goWarningPlaces is the Go side of javaWarningPlaces. Lexical warnings
// are left out: Java's lexer prints those on the console, not as warnings.
func goWarningPlaces(warnings []idl.Warning) []string {
	places := []string{}
	for _, w := range warnings {
		if w.Lexical {
			continue
		}
		places = append(places, fmt.Sprintf("%s:%d:%d", placeName(w.Pos.Filename), w.Pos.Line, w.Pos.Column))
	}
	slices.Sort(places)
	return places
}

var located = regexp.MustCompile(`^[^\n]*:\d+:\d+: `)

// checkLocated requires avroctl's error to start with file:line:col.
func checkLocated(t *testing.T, err error) {
	t.Helper()
	if !located.MatchString(err.Error()) {
		t.Errorf("avroctl's error is not located (want file:line:col: msg): %v", err)
	}
}

func projectIDLInputs(t *testing.T) []idlInput {
	var inputs []idlInput
	filepath.WalkDir(filepath.Join(projectRoot(t), "idl"), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".avdl") {
			inputs = append(inputs, idlInput{file: p})
		}
		return nil
	})
	return inputs
}

// conformanceIDLInputs reads the distinct inputs of the conformance suites'
// cases.tsv files (they are absent in a user's clone).
func conformanceIDLInputs(t *testing.T) []idlInput {
	base := filepath.Join(projectRoot(t), "..", "shared", "conformance")
	seen := map[string]bool{}
	var inputs []idlInput
	for _, suite := range []string{"idl", "idl-realworld"} {
		dir := filepath.Join(base, suite)
		f, err := os.Open(filepath.Join(dir, "cases.tsv"))
		if err != nil {
			// A subtest that skips, so that the run shows what is not
			// tested (the project's own files still are).
			t.Run("conformance-"+suite, func(t *testing.T) { skipConformance(t, suite, dir) })
			continue
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(nil, 1<<20)
		for first := true; sc.Scan(); first = false {
			cols := strings.Split(sc.Text(), "\t")
			if first || len(cols) < 5 {
				continue
			}
			in := idlInput{file: filepath.Join(dir, cols[1])}
			for _, d := range strings.Split(cols[4], ",") {
				if d != "" {
					in.importDirs = append(in.importDirs, filepath.Join(dir, d))
				}
			}
			key := in.file + "\x00" + strings.Join(in.importDirs, ",")
			if !seen[key] {
				seen[key] = true
				inputs = append(inputs, in)
			}
		}
		f.Close()
	}
	sort.SliceStable(inputs, func(i, j int) bool { return inputs[i].file < inputs[j].file })
	return inputs
}

// lineDiff shows where two outputs first differ: the line and column, and
// about 60 bytes of each side around that point (compact JSON is one line).
func lineDiff(want, got string) string {
	i := 0
	for i < len(want) && i < len(got) && want[i] == got[i] {
		i++
	}
	if i == len(want) && i == len(got) {
		return "(equal)"
	}
	line := 1 + strings.Count(want[:i], "\n")
	col := i - strings.LastIndexByte(want[:i], '\n')
	from := max(0, i-60)
	snip := func(s string) string { return s[min(from, len(s)):min(i+60, len(s))] }
	return fmt.Sprintf("first difference at line %d, column %d (byte %d; Java %d bytes, avroctl %d):\n java    …%q\n avroctl …%q",
		line, col, i, len(want), len(got), snip(want), snip(got))
}
