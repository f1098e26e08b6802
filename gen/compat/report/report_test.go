package report

import (
	"bytes"
	"strings"
	"testing"

	"gitlab.com/acme/avroctl/gen/schema"
)

func TestParseFormat(t *testing.T) {
	for _, name := range AllFormatStrings() {
		f, err := ParseFormat(name)
		if err != nil || f.String() != name {
			t.Errorf("ParseFormat(%q) = %v, %v", name, f, err)
		}
	}
	if _, err := ParseFormat("msvs"); err == nil || !strings.Contains(err.Error(), "gitlab-code-quality") {
		t.Errorf("unknown format error should list the formats: %v", err)
	}
}

func TestNormalizeSortsAndDedupes(t *testing.T) {
	f := func(line int, typ string) Finding {
		return Finding{Subject: "s", Type: typ, Location: "/", Source: schema.Position{Filename: "a.avsc", Line: line, Column: 1}}
	}
	r := Report{Findings: []Finding{f(9, "B"), f(2, "A"), f(9, "B"), f(2, "C")}}
	r.Normalize()
	var got []string
	for _, x := range r.Findings {
		got = append(got, x.where()+" "+x.Type)
	}
	want := "a.avsc:2:1 A|a.avsc:2:1 C|a.avsc:9:1 B"
	if strings.Join(got, "|") != want {
		t.Errorf("got %v, want %s", got, want)
	}
}

// TestFingerprintIgnoresLines: moving a field must not make GitLab see a
// new issue.
func TestFingerprintIgnoresLines(t *testing.T) {
	a := Finding{Type: "TYPE_MISMATCH", Location: "/fields/0/type", Message: "m", Source: schema.Position{Filename: "x.avsc", Line: 3}}
	b := a
	b.Source.Line = 30
	if Fingerprint(a) != Fingerprint(b) {
		t.Error("fingerprint depends on the line")
	}
	b.Location = "/fields/1/type"
	if Fingerprint(a) == Fingerprint(b) {
		t.Error("fingerprint ignores the location")
	}
}

func TestCompatibleOutputs(t *testing.T) {
	for _, f := range []Format{Text, JSON, JUnit, GitLabCodeQuality} {
		var buf bytes.Buffer
		if err := Print(&buf, f, Report{Compatible: true}); err != nil {
			t.Fatal(err)
		}
		if f == JSON && buf.String() != "{\n  \"compatible\": true,\n  \"incompatibilities\": []\n}\n" {
			t.Errorf("json: %q", buf.String())
		}
		if f == GitLabCodeQuality && buf.String() != "[]\n" {
			t.Errorf("code quality: %q", buf.String())
		}
	}
}
