package idl

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gitlab.com/acme/avroctl/gen/schema"
)

func writeFiles(t *testing.T, root string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		path := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestCompileTree(t *testing.T) {
	root := t.TempDir()
	idlDir, outDir := filepath.Join(root, "idl"), filepath.Join(root, "schemas")
	writeFiles(t, root, map[string]string{
		"idl/a.avdl":     "namespace n;\nrecord A { int x = 1; }\n",
		"idl/sub/b.avdl": "@namespace(\"n\") protocol B { import idl \"../a.avdl\"; record B { A a; } }\n",
	})
	res, err := CompileTree(idlDir, outDir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Sources) != 2 || len(res.Written) != 2 {
		t.Fatalf("result: %+v", res)
	}
	aPath := filepath.Join(outDir, "n.A.avsc")
	data, err := os.ReadFile(aPath)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(string(data), "}\n") || !strings.Contains(string(data), `"name" : "A"`) {
		t.Fatalf("n.A.avsc:\n%s", data)
	}

	// Unchanged files keep their modification time.
	old := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	if err := os.Chtimes(aPath, old, old); err != nil {
		t.Fatal(err)
	}
	writeFiles(t, root, map[string]string{
		"schemas/stale.avsc": "{}",
		"schemas/notes.txt":  "kept",
	})
	res, err = CompileTree(idlDir, outDir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Written) != 0 || len(res.Unchanged) != 2 || len(res.Removed) != 1 {
		t.Fatalf("second run: %+v", res)
	}
	if fi, _ := os.Stat(aPath); !fi.ModTime().Equal(old) {
		t.Errorf("unchanged file was rewritten")
	}
	if _, err := os.Stat(filepath.Join(outDir, "stale.avsc")); !os.IsNotExist(err) {
		t.Errorf("stale .avsc not removed")
	}
	if _, err := os.Stat(filepath.Join(outDir, "notes.txt")); err != nil {
		t.Errorf("non-.avsc file removed: %v", err)
	}

	// With an error anywhere, nothing is written; every error is listed.
	writeFiles(t, root, map[string]string{
		"idl/a.avdl":     "namespace n;\nrecord A { long x = 1; }\n",
		"idl/c.avdl":     "protocol C { record C { Nope n; } }\n",
		"idl/sub/b.avdl": "protocol B { record B { int x } }\n",
	})
	_, err = CompileTree(idlDir, outDir, Options{})
	var el schema.ErrorList
	if !errors.As(err, &el) || len(el) < 2 {
		t.Fatalf("want errors from both files, got %v", err)
	}
	if got, _ := os.ReadFile(aPath); string(got) != string(data) {
		t.Errorf("a file was written although compilation failed")
	}
}

func TestWriteSchemataLastWins(t *testing.T) {
	f, err := CompileSource("x.avdl", []byte(`protocol P { record a.T { int x; } record b.T { string y; } }`), Options{})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	written, err := f.WriteSchemata(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(written) != 1 {
		t.Fatalf("written: %v", written)
	}
	data, _ := os.ReadFile(filepath.Join(dir, "T.avsc"))
	if !strings.Contains(string(data), `"namespace" : "b"`) {
		t.Errorf("last type should win:\n%s", data)
	}
	written, err = f.WriteSchemata(dir, true)
	if err != nil || len(written) != 2 {
		t.Fatalf("full names: %v %v", written, err)
	}
}

func TestCheckTreeWritesNothing(t *testing.T) {
	root := t.TempDir()
	idlDir, outDir := filepath.Join(root, "idl"), filepath.Join(root, "schemas")
	writeFiles(t, idlDir, map[string]string{"a.avdl": "namespace n; record A { int x; }\n"})
	res, err := CheckTree(idlDir, outDir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Written) != 1 {
		t.Fatalf("check on an empty output folder: written = %v, want the one missing file", res.Written)
	}
	if _, err := os.Stat(outDir); !os.IsNotExist(err) {
		t.Fatalf("CheckTree created %s", outDir)
	}
	if _, err := CompileTree(idlDir, outDir, Options{}); err != nil {
		t.Fatal(err)
	}
	stale := filepath.Join(outDir, "n.Gone.avsc")
	writeFiles(t, outDir, map[string]string{"n.Gone.avsc": "{}"})
	res, err = CheckTree(idlDir, outDir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Written) != 0 || len(res.Removed) != 1 || res.Removed[0] != stale {
		t.Fatalf("check after compile: written %v removed %v", res.Written, res.Removed)
	}
	if _, err := os.Stat(stale); err != nil {
		t.Fatalf("CheckTree removed a file: %v", err)
	}
}
