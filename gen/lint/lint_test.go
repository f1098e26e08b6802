package lint_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gitlab.com/acme/avroctl/gen/compat/report"
	"gitlab.com/acme/avroctl/gen/idl"
	"gitlab.com/acme/avroctl/gen/lint"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// everything runs every rule.
var everything = lint.Config{Use: []string{lint.Default, lint.Comments}}

// TestGolden lints each testdata/golden/*.avdl with every rule and compares
// the text report with the .golden file beside it.
func TestGolden(t *testing.T) {
	files, _ := filepath.Glob("testdata/golden/*.avdl")
	if len(files) == 0 {
		t.Fatal("no golden inputs")
	}
	for _, in := range files {
		t.Run(filepath.Base(in), func(t *testing.T) {
			types, err := lint.Load([]string{in}, idl.Options{})
			if err != nil {
				t.Fatal(err)
			}
			res, err := lint.Run(types, everything)
			if err != nil {
				t.Fatal(err)
			}
			var b bytes.Buffer
			report.Print(&b, report.Text, res.Report())
			golden := strings.TrimSuffix(in, ".avdl") + ".golden"
			if *update {
				if err := os.WriteFile(golden, b.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update)", err)
			}
			if !bytes.Equal(b.Bytes(), want) {
				t.Errorf("report differs from %s (go test -update to accept):\n%s", golden, b.String())
			}
		})
	}
}

func rulesOf(res lint.Result) map[string]int {
	m := map[string]int{}
	for _, f := range res.Findings {
		m[f.Rule]++
	}
	return m
}

func loadOne(t *testing.T, path string) lint.Result {
	t.Helper()
	types, err := lint.Load([]string{path}, idl.Options{})
	if err != nil {
		t.Fatal(err)
	}
	res, err := lint.Run(types, lint.Config{})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// TestDefaultSet: with no configuration, DEFAULT runs and COMMENTS does not.
func TestDefaultSet(t *testing.T) {
	res := loadOne(t, "testdata/golden/naming_and_evolution.avdl")
	got := rulesOf(res)
	if got[lint.FieldDoc] != 0 || got[lint.TypeDoc] != 0 {
		t.Errorf("COMMENTS rules ran by default: %v", got)
	}
	for _, id := range []string{lint.EnumDefault, lint.OptionalFieldDefault, lint.LogicalTypeKnown, lint.MoneyNotFloat, lint.TimestampLogicalType} {
		if got[id] == 0 {
			t.Errorf("%s did not fire: %v", id, got)
		}
	}
	if clean := loadOne(t, "testdata/golden/clean.avdl"); len(clean.Findings) != 0 {
		t.Errorf("clean.avdl: %+v", clean.Findings)
	}
}

func TestConfig(t *testing.T) {
	types, err := lint.Load([]string{"testdata/golden"}, idl.Options{})
	if err != nil {
		t.Fatal(err)
	}
	run := func(cfg lint.Config) map[string]int {
		t.Helper()
		res, err := lint.Run(types, cfg)
		if err != nil {
			t.Fatal(err)
		}
		return rulesOf(res)
	}
	if got := run(lint.Config{Use: []string{lint.Minimal}}); got[lint.EnumDefault] != 0 || got[lint.LogicalTypeKnown] == 0 {
		t.Errorf("MINIMAL: %v", got)
	}
	if got := run(lint.Config{Except: []string{lint.Basic}}); got[lint.TypePascalCase] != 0 || got[lint.LogicalTypeKnown] != 0 || got[lint.EnumDefault] == 0 {
		t.Errorf("DEFAULT except BASIC (which holds MINIMAL): %v", got)
	}
	if got := run(lint.Config{Ignore: []string{"testdata/golden/naming_and_evolution.avdl"}}); got[lint.TypePascalCase] != 0 || got[lint.LogicalTypeKnown] == 0 {
		t.Errorf("ignore one file: %v", got)
	}
	if got := run(lint.Config{Ignore: []string{"testdata"}}); len(got) != 0 {
		t.Errorf("ignore the folder: %v", got)
	}
	if got := run(lint.Config{IgnoreOnly: map[string][]string{lint.LogicalTypeKnown: {"testdata/golden/nested.avdl"}}}); got[lint.LogicalTypeKnown] != 3 {
		t.Errorf("ignore_only keeps the other file's findings: %v", got)
	}
	if _, err := lint.Run(types, lint.Config{Use: []string{"NO_SUCH_RULE"}}); err == nil || !strings.Contains(err.Error(), `"NO_SUCH_RULE"`) {
		t.Errorf("unknown rule: %v", err)
	}
}

// TestAvsc lints compiled .avsc files: findings point into the .avsc, each
// type is reported once (at its own file, not where it is inlined), and the
// fixes are in JSON syntax.
func TestAvsc(t *testing.T) {
	dir := t.TempDir()
	f, err := idl.Compile("testdata/golden/naming_and_evolution.avdl", idl.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteSchemata(dir, true); err != nil {
		t.Fatal(err)
	}
	types, err := lint.Load([]string{dir}, idl.Options{})
	if err != nil {
		t.Fatal(err)
	}
	res, err := lint.Run(types, lint.Config{})
	if err != nil {
		t.Fatal(err)
	}
	enumDefaults := 0
	for _, fd := range res.Findings {
		if !strings.HasSuffix(fd.Pos.Filename, ".avsc") || !fd.Pos.IsValid() {
			t.Errorf("finding not located in an .avsc: %+v", fd)
		}
		if strings.Contains(fd.Fix, "@aliases") {
			t.Errorf("IDL syntax in a fix for an .avsc: %s", fd.Fix)
		}
		if fd.Rule == lint.EnumDefault {
			enumDefaults++
			if filepath.Base(fd.Pos.Filename) != "com.Acme.Shop.order_status.avsc" {
				t.Errorf("enum reported in %s, not its own file", fd.Pos.Filename)
			}
		}
	}
	if enumDefaults != 1 {
		t.Errorf("%d ENUM_DEFAULT findings, want 1", enumDefaults)
	}
}

func TestLoadErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.avdl")
	os.WriteFile(bad, []byte("protocol P { record R { int } }"), 0o644)
	txt := filepath.Join(dir, "notes.txt")
	os.WriteFile(txt, []byte("hi"), 0o644)
	_, err := lint.Load([]string{bad, txt, filepath.Join(dir, "missing.avsc")}, idl.Options{})
	if err == nil {
		t.Fatal("no error")
	}
	msg := err.Error()
	for _, want := range []string{"bad.avdl:1:", "notes.txt: not an Avro source", "missing.avsc: no such file"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q lacks %q", msg, want)
		}
	}
}

func TestRulesListed(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range lint.Rules() {
		if seen[r.ID] || r.Purpose == "" || len(r.Categories()) == 0 {
			t.Errorf("rule %+v", r)
		}
		seen[r.ID] = true
	}
}
