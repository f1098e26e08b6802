package breaking

import (
	"strings"
	"testing"
)

// FuzzParseMarker: any comment text gives an ignore or an error, never a
// panic, and an accepted marker always has a rule and a reason.
func FuzzParseMarker(f *testing.F) {
	f.Add(` JSON_FIELD_RENAMED reason="no JSON consumers" until=2027-03-01`)
	f.Add(` WIRE_JSON,GO_API reason="x \" y" */`)
	f.Add(` reason="`)
	f.Add(` GO_API until=2027-02-30 reason="x"`)
	f.Fuzz(func(t *testing.T, s string) {
		ig, err := parseMarker(s)
		if err == nil && (len(ig.Rules) == 0 || strings.TrimSpace(ig.Reason) == "") {
			t.Fatalf("accepted %q without rule or reason: %+v", s, ig)
		}
		lines := strings.Split("x\n// "+IgnoreMarker+s+"\n", "\n")
		if n := markerTarget(lines, 1, 3); n < 1 || n > len(lines) {
			t.Fatalf("target %d out of range", n)
		}
	})
}
