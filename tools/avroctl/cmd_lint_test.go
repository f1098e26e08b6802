package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLintCommand(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.avdl")
	os.WriteFile(bad, []byte("namespace a.b;\nenum E { X, Y }\nrecord R { int? n; }\n"), 0o644)
	good := filepath.Join(dir, "good.avdl")
	os.WriteFile(good, []byte("namespace a.b;\nenum E { X, Y } = X;\nrecord R { int? n = null; }\n"), 0o644)

	code, out, _ := runAvroctl(t, "lint", bad)
	if code != 1 || !strings.Contains(out, "bad.avdl:2:6: ENUM_DEFAULT a.b.E:") || !strings.Contains(out, "bad.avdl:3:17: OPTIONAL_FIELD_DEFAULT a.b.R.n:") ||
		!strings.Contains(out, "fix: default it to null: int? n = null;") {
		t.Errorf("lint bad: exit %d\n%s", code, out)
	}
	if code, out, _ := runAvroctl(t, "lint", good); code != 0 || !strings.Contains(out, "no lint findings") {
		t.Errorf("lint good: exit %d\n%s", code, out)
	}
	if code, out, _ := runAvroctl(t, "lint", bad, "--except", "ENUM_DEFAULT,OPTIONAL_FIELD_DEFAULT"); code != 0 {
		t.Errorf("--except: exit %d\n%s", code, out)
	}
	if code, _, errOut := runAvroctl(t, "lint", bad, "--use", "NOPE"); code != 2 || !strings.Contains(errOut, `"NOPE"`) {
		t.Errorf("unknown rule: exit %d\n%s", code, errOut)
	}
	if code, _, errOut := runAvroctl(t, "lint", filepath.Join(dir, "missing.avdl")); code != 2 || !strings.Contains(errOut, "missing.avdl") {
		t.Errorf("missing file: exit %d\n%s", code, errOut)
	}

	code, out, _ = runAvroctl(t, "lint", bad, "-o", "json")
	var rep struct {
		Findings []struct{ Rule, Location, Source, Message, Fix string }
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil || code != 1 || len(rep.Findings) != 2 || rep.Findings[0].Source != bad+":2:6" {
		t.Errorf("json: exit %d, %v\n%s", code, err, out)
	}
	code, out, _ = runAvroctl(t, "lint", bad, "--error-format", "gitlab-code-quality")
	if code != 1 || !strings.Contains(out, `"check_name": "ENUM_DEFAULT"`) || !strings.Contains(out, `"severity": "minor"`) {
		t.Errorf("code quality: exit %d\n%s", code, out)
	}

	code, out, _ = runAvroctl(t, "lint", "--list-rules", "-o", "json")
	var rules []struct {
		ID      string
		Default bool
	}
	if err := json.Unmarshal([]byte(out), &rules); err != nil || code != 0 || len(rules) < 10 {
		t.Errorf("--list-rules: exit %d, %v\n%s", code, err, out)
	}
}
