package compat_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"gitlab.com/acme/avroctl/gen/compat"
	"gitlab.com/acme/avroctl/gen/compat/report"
	"gitlab.com/acme/avroctl/gen/schema"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// TestGolden checks each testdata/pairs/<case>/{reader,writer}.avsc pair
// and compares every output format with the golden files next to them.
func TestGolden(t *testing.T) {
	dirs, err := filepath.Glob(filepath.Join("testdata", "pairs", "*"))
	if err != nil {
		t.Fatal(err)
	}
	if len(dirs) == 0 {
		t.Fatal("no test cases in testdata/pairs")
	}
	for _, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			// Chdir-free relative names keep the golden files portable.
			reader := mustParse(t, dir, "reader.avsc")
			writer := mustParse(t, dir, "writer.avsc")
			res := compat.Check(reader, writer)
			// expected.java holds the reference's view: "TYPE location message"
			// in the Java checker's order (checked against Java 1.12.1).
			var java bytes.Buffer
			for _, in := range res.Incompatibilities {
				java.WriteString(in.String() + "\n")
			}
			checkGolden(t, filepath.Join(dir, "expected.java"), java.Bytes())
			rep := report.Report{Compatible: res.Compatible, Findings: report.FromResult(res, "", "reader.avsc")}
			rep.Normalize()
			for _, f := range []report.Format{report.Text, report.JSON, report.JUnit, report.GitLabCodeQuality} {
				var buf bytes.Buffer
				if err := report.Print(&buf, f, rep); err != nil {
					t.Fatal(err)
				}
				checkGolden(t, filepath.Join(dir, "expected."+f.String()), buf.Bytes())
			}
		})
	}
}

func checkGolden(t *testing.T, golden string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs (run go test -update to accept):\n--- got\n%s\n--- want\n%s", golden, got, want)
	}
}

func mustParse(t *testing.T, dir, name string) schema.Schema {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	s, err := schema.Parse(data, schema.ParseOptions{Filename: name})
	if err != nil {
		t.Fatal(err)
	}
	return s
}
