package idl

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"gitlab.com/acme/avroctl/gen/schema"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// TestGolden compiles every testdata/golden/*.avdl and compares the JSON
// avro-tools would print, plus the warnings, with the .golden file next to it.
func TestGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/golden/*.avdl")
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden inputs: %v", err)
	}
	for _, in := range files {
		t.Run(filepath.Base(in), func(t *testing.T) {
			f, err := Compile(in, Options{})
			if err != nil {
				t.Fatalf("compile: %v", err)
			}
			var got bytes.Buffer
			got.Write(f.OutputJSON(true))
			got.WriteString("\n-- warnings --\n")
			for _, w := range f.Warnings {
				fmt.Fprintln(&got, w)
			}
			got.WriteString("-- schemata --\n")
			for _, s := range f.Schemata() {
				fmt.Fprintln(&got, s.Names().FullName())
			}
			golden := strings.TrimSuffix(in, ".avdl") + ".golden"
			if *update {
				if err := os.WriteFile(golden, got.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if !bytes.Equal(want, got.Bytes()) {
				t.Errorf("output differs from %s (run go test -update after checking):\n%s", golden, firstDiff(string(want), got.String()))
			}
			// The compact form must be the same JSON on one line.
			if bytes.Contains(f.OutputJSON(false), []byte("\n")) {
				t.Errorf("compact output has a newline")
			}
		})
	}
}

func firstDiff(want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(wl) || i < len(gl); i++ {
		var a, b string
		if i < len(wl) {
			a = wl[i]
		}
		if i < len(gl) {
			b = gl[i]
		}
		if a != b {
			return fmt.Sprintf("line %d:\nwant %q\ngot  %q", i+1, a, b)
		}
	}
	return ""
}

var errRx = regexp.MustCompile(`/\* ERROR "((?:[^"\\]|\\.)*)" \*/`)

// TestErrors compiles each testdata/errors/*.avdl. A comment
// /* ERROR "regexp" */ says that an error matching regexp is reported on
// that line; errors on lines without such a comment fail the test.
func TestErrors(t *testing.T) {
	files, _ := filepath.Glob("testdata/errors/*.avdl")
	if len(files) == 0 {
		t.Fatal("no error inputs")
	}
	for _, in := range files {
		t.Run(filepath.Base(in), func(t *testing.T) {
			src, err := os.ReadFile(in)
			if err != nil {
				t.Fatal(err)
			}
			want := map[int]*regexp.Regexp{}
			for i, line := range strings.Split(string(src), "\n") {
				if m := errRx.FindStringSubmatch(line); m != nil {
					rx := strings.ReplaceAll(m[1], `\"`, `"`)
					want[i+1] = regexp.MustCompile(rx)
				}
			}
			_, err = Compile(in, Options{})
			var el schema.ErrorList
			if !errors.As(err, &el) {
				t.Fatalf("want errors, got %v", err)
			}
			matched := map[int]bool{}
			for _, e := range el {
				if e.Pos.Filename != in || !e.Pos.IsValid() {
					t.Errorf("error without a position in %s: %v", in, e)
					continue
				}
				rx, ok := want[e.Pos.Line]
				if !ok {
					t.Errorf("unexpected error: %v", e)
					continue
				}
				if rx.MatchString(e.Msg) {
					matched[e.Pos.Line] = true
				}
			}
			for line, rx := range want {
				if !matched[line] {
					t.Errorf("%s:%d: no error matching %q; got:\n%v", in, line, rx, err)
				}
			}
		})
	}
}

func TestEmptyFile(t *testing.T) {
	_, err := CompileSource("empty.avdl", nil, Options{})
	if err == nil || !strings.HasPrefix(err.Error(), "empty.avdl:1:1: ") {
		t.Fatalf("want a located error, got %v", err)
	}
}

// TestWhitespaceOnly: a file with nothing but comments is a schema-syntax
// file without types; its output is an empty JSON array (avroctl's
// extension: avro-tools 1.12 idl fails on a file without a main schema).
func TestWhitespaceOnly(t *testing.T) {
	f, err := CompileSource("c.avdl", []byte("// nothing\n"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := string(f.OutputJSON(true)); got != "[ ]" && got != "[]" {
		t.Fatalf("got %q", got)
	}
}

func TestReadFileOption(t *testing.T) {
	files := map[string]string{
		"dir/main.avdl":  `protocol M { import idl "types.avdl"; record R { T t; } }`,
		"dir/types.avdl": `protocol T0 { record T { int x; } void ping(); }`,
	}
	opts := Options{ReadFile: func(name string) ([]byte, error) {
		if s, ok := files[filepath.ToSlash(name)]; ok {
			return []byte(s), nil
		}
		return nil, os.ErrNotExist
	}}
	f, err := Compile("dir/main.avdl", opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Protocol.Types) != 2 || f.Protocol.Types[0].Names().Name != "T" {
		t.Fatalf("types: %v", f.Protocol.Types)
	}
	// Messages of an imported protocol are merged.
	if len(f.Protocol.Messages) != 1 || f.Protocol.Messages[0].Name != "ping" {
		t.Fatalf("messages: %v", f.Protocol.Messages)
	}
}

func TestImportDirs(t *testing.T) {
	dir := t.TempDir()
	lib := filepath.Join(dir, "lib")
	if err := os.MkdirAll(lib, 0o755); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(lib, "shared.avdl"), []byte("namespace s; record Shared { int x; }"), 0o644)
	main := filepath.Join(dir, "main.avdl")
	os.WriteFile(main, []byte(`namespace m; schema s.Shared; import idl "shared.avdl";`), 0o644)
	if _, err := Compile(main, Options{}); err == nil {
		t.Fatal("import found without the import dir")
	}
	f, err := Compile(main, Options{ImportDirs: []string{lib}})
	if err != nil {
		t.Fatal(err)
	}
	if f.MainSchema.(*schema.Record).FullName() != "s.Shared" {
		t.Fatalf("main schema: %s", schema.Marshal(f.MainSchema))
	}
}

// TestImportDirsDotDot: the reference looks imports up in its import dirs
// through a class loader, which refuses a name whose ".." leaves the dir;
// next to the importing file, ".." may go anywhere.
func TestImportDirsDotDot(t *testing.T) {
	dir := t.TempDir()
	for _, d := range []string{"src", "inc/sub", "other"} {
		os.MkdirAll(filepath.Join(dir, d), 0o755)
	}
	os.WriteFile(filepath.Join(dir, "other", "t.avdl"), []byte("namespace o; record T { int x; }"), 0o644)
	os.WriteFile(filepath.Join(dir, "inc", "u.avdl"), []byte("namespace o; record U { int x; }"), 0o644)
	inc := filepath.Join(dir, "inc")
	for _, tc := range []struct {
		src string
		ok  bool
	}{
		{`namespace m; schema o.T; import idl "../other/t.avdl";`, true},     // next to src/: fine
		{`namespace m; schema o.T; import idl "../../other/t.avdl";`, false}, // only via inc/, escaping it
		{`namespace m; schema o.U; import idl "sub/../u.avdl";`, true},       // via inc/, staying inside
	} {
		main := filepath.Join(dir, "src", "main.avdl")
		os.WriteFile(main, []byte(tc.src), 0o644)
		_, err := Compile(main, Options{ImportDirs: []string{filepath.Join(inc, "sub")}})
		if tc.src == `namespace m; schema o.U; import idl "sub/../u.avdl";` {
			_, err = Compile(main, Options{ImportDirs: []string{inc}})
		}
		if (err == nil) != tc.ok {
			t.Errorf("%s: err = %v, want ok=%v", tc.src, err, tc.ok)
		}
	}
}

// TestColumnsCountCharacters: columns count characters, as the reference's
// lexer (and editors) do, so a warning after a Cyrillic name lands where
// Java puts it.
func TestColumnsCountCharacters(t *testing.T) {
	f, err := CompileSource("t.avdl", []byte("protocol P { record R { float Строковый/** d */ ; string x; } }"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Warnings) != 1 || f.Warnings[0].Pos.Line != 1 || f.Warnings[0].Pos.Column != 40 || f.Warnings[0].Pos.Offset != 48 {
		t.Fatalf("warnings %+v, want one at 1:40 (byte offset 48)", f.Warnings)
	}
}

func TestStripIndents(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"single line", "single line"},
		{"* Star\n   * lines\n   *   indented", "Star\nlines\n  indented"},
		{"** Two\n ** stars", "Two\nstars"},
		{"First\n    second\n    third", "First\nsecond\nthird"},
		{"First\n    second\n  third", "First\n  second\nthird"},
		{"First\n    second\n\n    third", "First\n    second\n\n    third"},
		{"* a\n b", "* a\nb"},
	} {
		if got := stripIndents(tc.in); got != tc.want {
			t.Errorf("stripIndents(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestScanner(t *testing.T) {
	src := "protocol `record` a.b-c 0x1F -12L 1.5e3 NaN -Infinity .5 \"a\\tb\\u00e9\\101\" /** d */ ? @"
	var errs []string
	s := newScanner("x", []byte(src), func(p schema.Position, m string) { errs = append(errs, m) })
	var got []string
	for _, tk := range s.scanAll() {
		got = append(got, fmt.Sprintf("%s:%s", tk.tok, tk.lit))
	}
	want := []string{"protocol:protocol", "identifier:record", "identifier:a.b-c", "integer:0x1F", "integer:-12L",
		"floating-point number:1.5e3", "floating-point number:NaN", "floating-point number:-Infinity",
		"floating-point number:.5", "string:a\tbéA", "doc comment:/** d */", "?:", "@:", "EOF:"}
	if strings.Join(got, " | ") != strings.Join(want, " | ") {
		t.Errorf("tokens:\n got %q\nwant %q", got, want)
	}
	if len(errs) > 0 {
		t.Errorf("errors: %v", errs)
	}
}

func TestDecodeLong(t *testing.T) {
	for in, want := range map[string]int64{"0x10": 16, "-0X1f": -31, "017": 15, "0": 0, "5L": 5, "-9223372036854775808": -9223372036854775808} {
		if got, err := decodeLong(in); err != nil || got != want {
			t.Errorf("decodeLong(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	if _, err := decodeLong("9223372036854775808"); err == nil {
		t.Error("overflow not reported")
	}
}

// FuzzParse feeds arbitrary bytes through the scanner, parser and builder.
// It only checks that nothing panics and that every error is located.
// Seeds: every .avdl under testdata (imports resolve against testdata).
func FuzzParse(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/*/*.avdl")
	more, _ := filepath.Glob("testdata/*/*/*.avdl")
	for _, name := range append(seeds, more...) {
		if data, err := os.ReadFile(name); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte("protocol P { record R { array<array<map<union{null,R}>>> x = [[{}]]; } }"))
	f.Add([]byte("namespace a.b; schema union { null, int };"))
	f.Fuzz(func(t *testing.T, src []byte) {
		file, err := CompileSource("testdata/golden/fuzz.avdl", src, Options{})
		if err != nil {
			var el schema.ErrorList
			if !errors.As(err, &el) || len(el) == 0 {
				t.Fatalf("error is not a non-empty ErrorList: %v", err)
			}
			for _, e := range el {
				if !e.Pos.IsValid() && e.Pos.Filename == "" {
					t.Fatalf("unlocated error: %v", e)
				}
			}
			return
		}
		file.OutputJSON(true)
		file.OutputJSON(false)
	})
}

// BenchmarkCompileConformance compiles every input .avdl of the reference
// suites (skipped when ../shared is absent).
func BenchmarkCompileConformance(b *testing.B) {
	var inputs []string
	for _, suite := range []string{"idl", "idl-realworld"} {
		root := filepath.Join("../../../shared/conformance", suite)
		filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() && strings.HasSuffix(path, ".avdl") && strings.Contains(path, "input") {
				inputs = append(inputs, path)
			}
			return nil
		})
	}
	if len(inputs) == 0 {
		b.Skip("SKIPPED compiling the .avdl inputs of the idl and idl-realworld conformance suites: ../shared/conformance is not beside the project (see the README's \"Conformance and performance\")")
	}
	srcs := map[string][]byte{}
	var total int64
	for _, in := range inputs {
		data, err := os.ReadFile(in)
		if err != nil {
			b.Fatal(err)
		}
		srcs[in] = data
		total += int64(len(data))
	}
	// Imports are served from memory too, so the benchmark measures the
	// compiler rather than the disk.
	opts := Options{ReadFile: func(name string) ([]byte, error) {
		if d, ok := srcs[name]; ok {
			return d, nil
		}
		return os.ReadFile(name)
	}}
	b.SetBytes(total)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, in := range inputs {
			CompileSource(in, srcs[in], opts)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(inputs)), "ns/file")
}
