package interop

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"gitlab.com/acme/avroctl/interop/javaharness"
)

// TestHarnessMatchesRecordedJava checks the harness itself: on the 225
// recorded reader/writer pairs of the conformance data it must give the
// recorded Java verdicts and messages, and avroctl must agree with it there
// too. A harness that drifted from the reference would make every other
// test here meaningless.
func TestHarnessMatchesRecordedJava(t *testing.T) {
	h := javaharness.Shared(t)
	data, err := os.ReadFile(filepath.Join(conformanceDir(t, "compat"), "pairs.json"))
	if err != nil {
		t.Fatal(err)
	}
	var pairs []struct {
		Name         string          `json:"name"`
		Reader       json.RawMessage `json:"reader"`
		Writer       json.RawMessage `json:"writer"`
		Expected     string          `json:"expected"`
		JavaMessages []string        `json:"java_messages"`
	}
	if err := json.Unmarshal(data, &pairs); err != nil {
		t.Fatal(err)
	}
	for _, p := range pairs {
		r, err := h.Compat(p.Reader, p.Writer)
		if err != nil {
			t.Errorf("%s: %v", p.Name, err)
			continue
		}
		want := map[string]string{"compatible": "COMPATIBLE", "incompatible": "INCOMPATIBLE"}[p.Expected]
		if r.Compatibility != want {
			t.Errorf("%s: harness says %s, recorded %s", p.Name, r.Compatibility, p.Expected)
		}
		if p.JavaMessages != nil {
			var got []string
			for _, in := range r.Incompatibilities {
				got = append(got, in.Type+" "+in.Location+" "+in.Message)
			}
			if !slices.Equal(got, p.JavaMessages) {
				t.Errorf("%s: harness messages %q, recorded %q", p.Name, got, p.JavaMessages)
			}
		}
		if out := compareCompat(h, p.Reader, p.Writer); out.diff != "" && !excuse(t, out.diff) {
			t.Errorf("%s: %s", p.Name, out.diff)
		}
	}
	t.Logf("%d recorded pairs checked", len(pairs))
}
