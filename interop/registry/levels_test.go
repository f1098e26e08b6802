package registry

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
)

// levelsFile holds Confluent's compatibility-level cases; clones without
// ../shared skip these tests.
const levelsFile = "../../../shared/conformance/compat/levels.json"

type levelCase struct {
	Name     string            `json:"name"`
	Level    string            `json:"level"`
	New      json.RawMessage   `json:"new"`
	Previous []json.RawMessage `json:"previous"`
	Expected string            `json:"expected"`
}

// replayLevels runs each case against the registry at u and returns the
// names of the cases whose verdict differs from the reference.
func replayLevels(t *testing.T, u string) (differ []string, total int) {
	data, err := os.ReadFile(levelsFile)
	if err != nil {
		t.Skipf("conformance data not available: %v", err)
	}
	var cases []levelCase
	if err := json.Unmarshal(data, &cases); err != nil {
		t.Fatal(err)
	}
	reg := func(s json.RawMessage) string { b, _ := json.Marshal(string(s)); return `{"schema":` + string(b) + `}` }
	for i, c := range cases {
		subject := fmt.Sprintf("levels-%d", i)
		rawCall(t, u, "PUT", "/config/"+subject, `{"compatibility":"NONE"}`)
		for _, p := range c.Previous {
			if status, got := rawCall(t, u, "POST", "/subjects/"+subject+"/versions", reg(p)); status != 200 {
				t.Fatalf("%s: previous: %d %s", c.Name, status, got)
			}
		}
		rawCall(t, u, "PUT", "/config/"+subject, `{"compatibility":"`+c.Level+`"}`)
		_, got := rawCall(t, u, "POST", "/compatibility/subjects/"+subject+"/versions", reg(c.New))
		want := fmt.Sprintf(`{"is_compatible":%v}`, c.Expected == "compatible")
		if !strings.HasPrefix(got, want[:len(want)-1]) {
			differ = append(differ, fmt.Sprintf("%s (%s): got %s, reference %s", c.Name, c.Level, got, c.Expected))
		}
	}
	return differ, len(cases)
}

// TestLevelsEmbedded: the embedded server agrees with Confluent on every case.
func TestLevelsEmbedded(t *testing.T) {
	differ, total := replayLevels(t, startEmbedded(t))
	for _, d := range differ {
		t.Error(d)
	}
	t.Logf("%d/%d level cases agree with the reference", total-len(differ), total)
}

// TestLevelsAxonOps records where AxonOps departs from the reference. It
// never fails on a verdict: AxonOps is used to test the API, not to judge
// compatibility.
func TestLevelsAxonOps(t *testing.T) {
	differ, total := replayLevels(t, startAxonOps(t))
	for _, d := range differ {
		t.Logf("AxonOps differs: %s", d)
	}
	t.Logf("AxonOps: %d/%d level cases agree with the reference", total-len(differ), total)
}
