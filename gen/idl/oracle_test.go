package idl

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestJavaOracle compares this compiler with the Java reference on every
// .avdl under testdata (and on the folders listed in AVROCTL_ORACLE_DIRS,
// separated by the OS list separator). It runs only when
// AVROCTL_ORACLE_CP holds a classpath with avro-idl and avro 1.12.2 and
// their dependencies (for example avro-idl-1.12.2.jar:avro-1.12.2.jar:
// avro-tools-1.12.1.jar from ~/.m2) and javac/java are installed.
//
// Both sides must agree on success or failure; on success, the JSON must
// be equal (key and array order included) and the number of doc comment
// warnings the same.
func TestJavaOracle(t *testing.T) {
	cp := os.Getenv("AVROCTL_ORACLE_CP")
	if cp == "" {
		t.Skip("AVROCTL_ORACLE_CP not set")
	}
	classes := t.TempDir()
	if out, err := exec.Command("javac", "-nowarn", "-cp", cp, "-d", classes, "testdata/oracle/Oracle.java").CombinedOutput(); err != nil {
		t.Fatalf("javac: %v\n%s", err, out)
	}
	work := t.TempDir()
	var inputs []string
	dirs := []string{"testdata"}
	if extra := os.Getenv("AVROCTL_ORACLE_DIRS"); extra != "" {
		dirs = append(dirs, filepath.SplitList(extra)...)
	}
	for _, dir := range dirs {
		filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() && strings.HasSuffix(path, ".avdl") && !strings.Contains(path, "fuzz") {
				inputs = append(inputs, path)
			}
			return nil
		})
	}
	// Copy the inputs (with their folders, for imports) so that the Java
	// side can write its results next to them.
	var copies []string
	copied := map[string]bool{}
	for _, in := range inputs {
		dst := filepath.Join(work, in)
		if dir := filepath.Dir(in); !copied[dir] {
			copied[dir] = true
			if err := copyTree(dir, filepath.Dir(dst)); err != nil {
				t.Fatal(err)
			}
		}
		copies = append(copies, dst)
	}
	cmd := exec.Command("java", append([]string{"-cp", cp + string(os.PathListSeparator) + classes, "Oracle"}, copies...)...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("java: %v\n%s", err, out)
	}
	for _, in := range copies {
		javaOut, err := os.ReadFile(in + ".java.out")
		if err != nil {
			t.Fatal(err)
		}
		f, cerr := Compile(in, Options{})
		javaOK := bytes.HasPrefix(javaOut, []byte("OK\n"))
		switch {
		case javaOK && cerr != nil:
			t.Errorf("%s: Java accepts it, we fail: %v", in, cerr)
		case !javaOK && cerr == nil:
			t.Errorf("%s: Java fails (%s), we accept it", in, firstLine(string(javaOut)))
		case javaOK:
			body, warnings, _ := strings.Cut(strings.TrimPrefix(string(javaOut), "OK\n"), "\n--warnings ")
			if !sameJSON([]byte(body), f.OutputJSON(true)) {
				t.Errorf("%s: output differs\njava: %s\nours: %s", in, body, f.OutputJSON(false))
			}
			if warnings != fmt.Sprint(len(docWarnings(f.Warnings))) {
				t.Errorf("%s: %s doc comment warnings in Java, %d here", in, warnings, len(docWarnings(f.Warnings)))
			}
		}
	}
}

func firstLine(s string) string { l, _, _ := strings.Cut(s, "\n"); return l }

// docWarnings drops our lexer warnings, which the reference prints to the
// console instead of returning.
func docWarnings(ws []Warning) []Warning {
	var out []Warning
	for _, w := range ws {
		if w.Msg == outOfPlaceDoc {
			out = append(out, w)
		}
	}
	return out
}

// sameJSON compares two JSON documents token by token (order matters;
// numbers compare by value).
func sameJSON(a, b []byte) bool {
	ta, errA := jsonTokens(a)
	tb, errB := jsonTokens(b)
	if errA != nil || errB != nil || len(ta) != len(tb) {
		return false
	}
	for i := range ta {
		na, okA := ta[i].(json.Number)
		nb, okB := tb[i].(json.Number)
		if okA && okB {
			fa, _ := na.Float64()
			fb, _ := nb.Float64()
			if fa != fb {
				return false
			}
			continue
		}
		if ta[i] != tb[i] {
			return false
		}
	}
	return true
}

func jsonTokens(data []byte) ([]json.Token, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var out []json.Token
	for {
		tok, err := dec.Token()
		if err != nil {
			if err.Error() == "EOF" {
				return out, nil
			}
			return nil, err
		}
		out = append(out, tok)
	}
}

func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
}
