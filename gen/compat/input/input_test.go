package input

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLoadAVSC(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "a.avsc")
	if err := os.WriteFile(p, []byte(`{"type":"fixed","name":"F","size":4}`), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := Load(p, Options{})
	if err != nil || s.Type().String() != "fixed" {
		t.Fatalf("Load = %v, %v", s, err)
	}
	bad := filepath.Join(dir, "bad.avsc")
	if err := os.WriteFile(bad, []byte(`{"type":"fixed","name":"F"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(bad, Options{}); err == nil || !strings.HasPrefix(err.Error(), bad+":1:") {
		t.Errorf("want a located error, got %v", err)
	}
	if _, err := Load(filepath.Join(dir, "x.txt"), Options{}); err == nil || !strings.Contains(err.Error(), ".avsc or .avdl") {
		t.Errorf("unknown extension: %v", err)
	}
}

func TestLoadIDL(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "a.avdl")
	src := "namespace com.acme;\nrecord A { int x; }\nrecord B { A a; }\n"
	if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(p, Options{}); err == nil || !strings.Contains(err.Error(), "no main schema") {
		t.Errorf("no main schema: %v", err)
	}
	s, err := Load(p+"#com.acme.B", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if s.Type().String() != "record" {
		t.Errorf("got %v", s.Type())
	}
	if _, err := Load(p+"#C", Options{}); err == nil || !strings.Contains(err.Error(), "com.acme.A, com.acme.B") {
		t.Errorf("unknown type: %v", err)
	}
}
