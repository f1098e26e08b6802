//go:build unix

package main

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// runIdlWithin runs avroctl in a goroutine and fails the test when it has
// not returned within a minute (the bugs below made it block for ever on a
// pipe); unblock is called first, to let the goroutine end.
func runIdlWithin(t *testing.T, unblock func(), args ...string) (code int, stderr string) {
	t.Helper()
	type result struct {
		code   int
		stderr string
	}
	done := make(chan result, 1)
	go func() {
		var out, errb strings.Builder
		c := Main(args, strings.NewReader(""), &out, &errb)
		done <- result{c, errb.String()}
	}()
	select {
	case r := <-done:
		return r.code, r.stderr
	case <-time.After(time.Minute):
		unblock()
		t.Fatalf("avroctl %s did not return within a minute", strings.Join(args, " "))
		return 0, ""
	}
}

// TestIdlOutputToPipe: OUT that is a pipe (or a device such as /dev/stdout)
// is written to, not replaced by a regular file through a rename.
func TestIdlOutputToPipe(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "s.avdl")
	os.WriteFile(in, []byte("namespace n;\nschema R;\nrecord R { int x; }\n"), 0o644)
	fifo := filepath.Join(dir, "out.pipe")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	got := make(chan string, 1)
	go func() {
		f, err := os.Open(fifo) // blocks until avroctl opens it to write
		if err != nil {
			got <- err.Error()
			return
		}
		data, _ := io.ReadAll(f)
		f.Close()
		got <- string(data)
	}()
	unblock := func() {
		if f, err := os.OpenFile(fifo, os.O_RDWR, 0); err == nil {
			f.Close()
		}
	}
	code, errOut := runIdlWithin(t, unblock, "idl", in, fifo)
	if code != 0 {
		t.Fatalf("code %d: %s", code, errOut)
	}
	if data := <-got; !strings.HasPrefix(data, "{\n  \"type\" : \"record\"") || strings.HasSuffix(data, "\n") {
		t.Errorf("read from the pipe: %q", data)
	}
	if fi, err := os.Lstat(fifo); err != nil || fi.Mode()&os.ModeNamedPipe == 0 {
		t.Errorf("the pipe was replaced: %v %v", fi.Mode(), err)
	}
}

// TestCompileOverPipe: a pipe in the output folder where an .avsc goes
// used to be read to compare contents, which blocked for ever.
func TestCompileOverPipe(t *testing.T) {
	root := t.TempDir()
	idlDir, outDir := filepath.Join(root, "idl"), filepath.Join(root, "schemas")
	os.MkdirAll(idlDir, 0o755)
	os.MkdirAll(outDir, 0o755)
	os.WriteFile(filepath.Join(idlDir, "a.avdl"), []byte("namespace n;\nrecord R { int x; }\n"), 0o644)
	fifo := filepath.Join(outDir, "n.R.avsc")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	unblock := func() {
		if f, err := os.OpenFile(fifo, os.O_RDWR, 0); err == nil {
			f.Close()
		}
	}
	for _, check := range []bool{true, false} {
		args := []string{"compile", "--idl", idlDir, "--out", outDir}
		want := 0
		if check {
			args, want = append(args, "--check"), 1 // the pipe is not the schema: stale
		}
		if code, errOut := runIdlWithin(t, unblock, args...); code != want {
			t.Fatalf("%v: code %d, want %d: %s", args, code, want, errOut)
		}
	}
	if fi, err := os.Lstat(fifo); err != nil || !fi.Mode().IsRegular() {
		t.Errorf("n.R.avsc is not the compiled schema: %v", err)
	}
}
