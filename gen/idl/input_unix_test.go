//go:build unix

package idl

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"gitlab.com/acme/avroctl/gen/schema"
)

// compileErr compiles name and returns its errors, failing when it
// compiles or the error is not a list.
func compileErr(t *testing.T, name string, opts Options) schema.ErrorList {
	t.Helper()
	_, err := Compile(name, opts)
	var el schema.ErrorList
	if !errors.As(err, &el) || len(el) == 0 {
		t.Fatalf("want compile errors, got %v", err)
	}
	return el
}

// compileWithin compiles name in a goroutine and fails the test if it has
// not returned after a minute: the bugs these tests guard against made
// Compile hang (a pipe) or run for ever (exponential import paths). unblock
// is called before failing, to let the goroutine end.
func compileWithin(t *testing.T, name string, opts Options, unblock func()) (*File, error) {
	t.Helper()
	type result struct {
		f   *File
		err error
	}
	done := make(chan result, 1)
	go func() {
		f, err := Compile(name, opts)
		done <- result{f, err}
	}()
	select {
	case r := <-done:
		return r.f, r.err
	case <-time.After(time.Minute):
		if unblock != nil {
			unblock()
		}
		t.Fatalf("Compile(%s) did not return within a minute", name)
		return nil, nil
	}
}

// TestDevZero: a device is never read, neither as the file to compile nor
// as an import (it used to be read until memory ran out).
func TestDevZero(t *testing.T) {
	el := compileErr(t, "/dev/zero", Options{})
	if got := el.Error(); !strings.Contains(got, "/dev/zero: cannot read file: it is a character device, not a regular file") {
		t.Errorf("got %q", got)
	}
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"main.avdl": "protocol P {\n  import idl \"/dev/zero\";\n}\n"})
	el = compileErr(t, filepath.Join(dir, "main.avdl"), Options{})
	if len(el) != 1 || el[0].Pos.Line != 2 || el[0].Pos.Column != 14 ||
		!strings.Contains(el[0].Msg, "Error importing /dev/zero: /dev/zero: it is a character device, not a regular file") {
		t.Errorf("got %v", el)
	}
}

// TestImportFIFO: importing a named pipe used to block for ever, waiting
// for a writer.
func TestImportFIFO(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "pipe.avdl")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	writeFiles(t, dir, map[string]string{"main.avdl": "protocol P {\n  import idl \"pipe.avdl\";\n}\n"})
	unblock := func() {
		if w, err := os.OpenFile(fifo, os.O_WRONLY, 0); err == nil {
			w.Close()
		}
	}
	_, err := compileWithin(t, filepath.Join(dir, "main.avdl"), Options{}, unblock)
	if err == nil || !strings.Contains(err.Error(), "main.avdl:2:14: Error importing pipe.avdl: "+fifo+": it is a named pipe (FIFO), not a regular file") {
		t.Errorf("got %v", err)
	}
	_, err = compileWithin(t, fifo, Options{}, unblock)
	if err == nil || !strings.Contains(err.Error(), "named pipe") {
		t.Errorf("got %v", err)
	}
}

// TestMaxFileSize: a file over the limit is refused before it is read,
// with the limit and how to raise it; one at the limit compiles.
func TestMaxFileSize(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big.avdl")
	// A sparse file: no disk or memory spent to make it.
	f, err := os.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(1 << 30); err != nil {
		t.Fatal(err)
	}
	f.Close()
	el := compileErr(t, big, Options{})
	if got := el.Error(); !strings.Contains(got, "over the limit of 4194304 bytes") || !strings.Contains(got, "--max-file-size") {
		t.Errorf("got %q", got)
	}
	writeFiles(t, dir, map[string]string{
		"main.avdl":  "protocol P {\n  import idl \"big.avdl\";\n}\n",
		"small.avdl": "protocol S { record R { int x; } }\n",
	})
	el = compileErr(t, filepath.Join(dir, "main.avdl"), Options{})
	if len(el) != 1 || el[0].Pos.Line != 2 || !strings.Contains(el[0].Msg, "over the limit") {
		t.Errorf("got %v", el)
	}
	small := filepath.Join(dir, "small.avdl")
	if _, err := Compile(small, Options{MaxFileSize: 35}); err != nil {
		t.Errorf("a file at the limit: %v", err)
	}
	if _, err := Compile(small, Options{MaxFileSize: 34}); err == nil || !strings.Contains(err.Error(), "over the limit of 34 bytes") {
		t.Errorf("a file one byte over the limit: %v", err)
	}
}

// TestImportSymlinkDedup: a file reached through several links is read
// once. Three links to "." used to make import paths (l1/l2/l3/...) grow
// exponentially, each one a "new" file.
func TestImportSymlinkDedup(t *testing.T) {
	dir := t.TempDir()
	for _, l := range []string{"l1", "l2", "l3"} {
		if err := os.Symlink(".", filepath.Join(dir, l)); err != nil {
			t.Fatal(err)
		}
	}
	imports := `import idl "l1/t.avdl"; import idl "l2/t.avdl"; import idl "l3/t.avdl";`
	writeFiles(t, dir, map[string]string{
		"main.avdl": "protocol P { " + imports + " }\n",
		// The misplaced doc comment makes a warning per read of t.avdl.
		"t.avdl": "protocol T { " + imports + " enum E { A, /** not a doc */ B } record T { int x; } }\n",
	})
	f, err := compileWithin(t, filepath.Join(dir, "main.avdl"), Options{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Warnings) != 1 {
		t.Errorf("t.avdl read %d times, want once: %v", len(f.Warnings), f.Warnings)
	}
	if len(f.Protocol.Types) != 2 {
		t.Errorf("types: %v", f.Protocol.Types)
	}
}

// TestImportSelfThroughLink: the top file imported through a link to its
// folder is already read.
func TestImportSelfThroughLink(t *testing.T) {
	dir := t.TempDir()
	if err := os.Symlink(".", filepath.Join(dir, "same")); err != nil {
		t.Fatal(err)
	}
	writeFiles(t, dir, map[string]string{"main.avdl": "protocol P { import idl \"same/main.avdl\"; enum E { A, /** not a doc */ B } record R { int x; } }\n"})
	f, err := Compile(filepath.Join(dir, "main.avdl"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Warnings) != 1 {
		t.Errorf("main.avdl read %d times, want once", len(f.Warnings))
	}
}

// TestImportSymlinkLoop: a link loop is reported as one, at the import,
// not as "file not found".
func TestImportSymlinkLoop(t *testing.T) {
	dir := t.TempDir()
	os.Symlink("loop2", filepath.Join(dir, "loop1"))
	os.Symlink("loop1", filepath.Join(dir, "loop2"))
	writeFiles(t, dir, map[string]string{"main.avdl": "protocol P {\n  import idl \"loop1\";\n}\n"})
	el := compileErr(t, filepath.Join(dir, "main.avdl"), Options{})
	if len(el) != 1 || el[0].Pos.Line != 2 || el[0].Pos.Column != 14 ||
		!strings.Contains(el[0].Msg, "Error importing loop1: "+filepath.Join(dir, "loop1")+": it is a loop of symbolic links") {
		t.Errorf("got %v", el)
	}
	el = compileErr(t, filepath.Join(dir, "loop1"), Options{})
	if !strings.Contains(el.Error(), "loop of symbolic links") {
		t.Errorf("got %v", el)
	}
}
