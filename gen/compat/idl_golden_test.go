package compat_test

import (
	"bytes"
	"path/filepath"
	"testing"

	"gitlab.com/acme/avroctl/gen/compat"
	"gitlab.com/acme/avroctl/gen/compat/input"
	"gitlab.com/acme/avroctl/gen/compat/report"
	"gitlab.com/acme/avroctl/gen/schema"
)

// TestGoldenIDL checks IDL sources at a level: findings must point at the
// .avdl lines of the new schema, in both directions.
func TestGoldenIDL(t *testing.T) {
	dir := filepath.Join("testdata", "idl")
	load := func(name string) schema.Schema {
		s, err := input.Load(filepath.Join(dir, name), input.Options{})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	res := compat.CheckLevel(compat.Full, load("order_v2.avdl"), []schema.Schema{load("order_v1.avdl")})
	rep := report.Report{Compatible: res.Compatible, Findings: report.FromResult(res, "", "")}
	rep.Normalize()
	var buf bytes.Buffer
	if err := report.Print(&buf, report.Text, rep); err != nil {
		t.Fatal(err)
	}
	checkGolden(t, filepath.Join(dir, "expected_full.text"), buf.Bytes())
}
