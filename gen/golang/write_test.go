package golang

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"
)

func TestWriteTree(t *testing.T) {
	dir := t.TempDir()
	gen := func(body string) []byte { return []byte(Header + "\n\npackage p\n" + body) }
	files := Files{{Path: "p/a.go", Content: gen("// a")}, {Path: "p/b.go", Content: gen("// b")}}
	changed, err := WriteTree(dir, files)
	if err != nil || !reflect.DeepEqual(changed, []string{"p/a.go", "p/b.go"}) {
		t.Fatalf("first write: %v %v", changed, err)
	}
	// A hand-written file in the tree is never touched.
	hand := filepath.Join(dir, "p", "hand.go")
	os.WriteFile(hand, []byte("package p\n"), 0o644)
	old := time.Now().Add(-time.Hour)
	os.Chtimes(filepath.Join(dir, "p", "a.go"), old, old)

	// b changes, a stays, c is new; then a is dropped and must go.
	files = Files{{Path: "p/a.go", Content: gen("// a")}, {Path: "p/b.go", Content: gen("// b2")}, {Path: "p/c.go", Content: gen("// c")}}
	if stale, err := CheckTree(dir, files); err != nil || !reflect.DeepEqual(stale, []string{"p/b.go", "p/c.go"}) {
		t.Errorf("CheckTree = %v %v", stale, err)
	}
	changed, err = WriteTree(dir, files)
	if err != nil || !reflect.DeepEqual(changed, []string{"p/b.go", "p/c.go"}) {
		t.Fatalf("second write: %v %v", changed, err)
	}
	if fi, _ := os.Stat(filepath.Join(dir, "p", "a.go")); !fi.ModTime().Equal(old.Truncate(time.Second)) && fi.ModTime().After(old.Add(time.Minute)) {
		t.Errorf("unchanged file was rewritten")
	}
	changed, err = WriteTree(dir, files[1:])
	if err != nil || !reflect.DeepEqual(changed, []string{"p/a.go"}) {
		t.Fatalf("stale removal: %v %v", changed, err)
	}
	if _, err := os.Stat(filepath.Join(dir, "p", "a.go")); !os.IsNotExist(err) {
		t.Error("stale generated file not removed")
	}
	if _, err := os.Stat(hand); err != nil {
		t.Error("hand-written file removed")
	}
	if stale, _ := CheckTree(dir, files[1:]); len(stale) != 0 {
		t.Errorf("CheckTree after write = %v", stale)
	}
	// No temporary files are left behind.
	entries, _ := os.ReadDir(filepath.Join(dir, "p"))
	if len(entries) != 3 {
		t.Errorf("entries: %v", entries)
	}
	// A package that is no longer generated disappears with its folder.
	WriteTree(dir, append(Files{{Path: "gone/x.go", Content: gen("// x")}}, files[1:]...))
	if _, err := WriteTree(dir, files[1:]); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "gone")); !os.IsNotExist(err) {
		t.Errorf("empty folder of a removed package left behind: %v", err)
	}
	if _, err := WriteTree(dir, Files{{Path: "../evil.go", Content: gen("")}}); err == nil {
		t.Error("path escaping the output directory accepted")
	}
}
