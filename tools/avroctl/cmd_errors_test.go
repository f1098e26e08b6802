package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestWriteErrorsNameTheTarget: a file that cannot be written is named as
// the user knows it, not as the temporary file it was written through.
func TestWriteErrorsNameTheTarget(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "idl"), 0o755)
	os.WriteFile(filepath.Join(dir, "idl", "order.avdl"), []byte("namespace com.acme;\nschema Order;\nrecord Order { string id; }\n"), 0o644)
	blocked := filepath.Join(dir, "schemas", "com.acme.Order.avsc")
	os.MkdirAll(blocked, 0o755) // a folder where the file goes
	code, _, errOut := runAvroctl(t, "compile", "--idl", filepath.Join(dir, "idl"), "--out", filepath.Join(dir, "schemas"))
	if code == 0 || !strings.Contains(errOut, "write "+blocked+": ") || strings.Contains(errOut, ".tmp") {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
}
