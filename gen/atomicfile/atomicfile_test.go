package atomicfile

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func TestWrite(t *testing.T) {
	name := filepath.Join(t.TempDir(), "a.txt")
	if err := Write(name, []byte("one"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := Write(name, []byte("two"), 0o600); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(name)
	fi, _ := os.Stat(name)
	if string(data) != "two" || fi.Mode().Perm() != 0o600 {
		t.Errorf("content %q mode %v", data, fi.Mode())
	}
	entries, _ := os.ReadDir(filepath.Dir(name))
	if len(entries) != 1 {
		t.Errorf("temp files left: %v", entries)
	}
}

// TestErrorNamesTarget: the error names the file the user asked for, not
// ".a.txt.tmp123". (Tests run as root here, so the folder is made
// unusable by being a file rather than by its permissions.)
func TestErrorNamesTarget(t *testing.T) {
	notDir := filepath.Join(t.TempDir(), "schemas")
	os.WriteFile(notDir, nil, 0o644)
	target := filepath.Join(notDir, "com.acme.Order.avsc")
	err := Write(target, []byte("x"), 0o644)
	var pe *fs.PathError
	if !errors.As(err, &pe) || pe.Path != target || !errors.Is(err, syscall.ENOTDIR) {
		t.Fatalf("err = %#v", err)
	}
	if strings.Contains(err.Error(), ".tmp") || err.Error() != "write "+target+": not a directory" {
		t.Errorf("err = %v", err)
	}
}
