package server

import (
	"encoding/json"
	"fmt"
	"os"
	"testing"
)

// levelsFile holds Confluent's level test cases (see
// ../shared/conformance/README.md). Clones without it skip the test.
const levelsFile = "../../../../shared/conformance/compat/levels.json"

// TestConformanceLevels replays Confluent's compatibility-level cases
// through the HTTP API: previous versions registered under level NONE, then
// the case's level set and the new schema checked (POST /compatibility) and
// registered (200 or 409), both agreeing with the reference verdict.
func TestConformanceLevels(t *testing.T) {
	data, err := os.ReadFile(levelsFile)
	if err != nil {
		t.Skipf("conformance data not available (%v); it lives beside the project, not in a clone", err)
	}
	var cases []struct {
		Name     string            `json:"name"`
		Level    string            `json:"level"`
		New      json.RawMessage   `json:"new"`
		Previous []json.RawMessage `json:"previous"`
		Expected string            `json:"expected"`
	}
	if err := json.Unmarshal(data, &cases); err != nil {
		t.Fatal(err)
	}
	u := startServer(t, nil, Options{})
	for i, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			subject := fmt.Sprintf("case-%d", i)
			expect(t, u, "PUT", "/config/"+subject, `{"compatibility":"NONE"}`, 200, `{"compatibility":"NONE"}`)
			for _, p := range c.Previous {
				if status, got := call(t, u, "POST", "/subjects/"+subject+"/versions", body(string(p))); status != 200 {
					t.Fatalf("previous: %d %s", status, got)
				}
			}
			expect(t, u, "PUT", "/config/"+subject, `{"compatibility":"`+c.Level+`"}`, 200, `{"compatibility":"`+c.Level+`"}`)
			want := c.Expected == "compatible"
			expect(t, u, "POST", "/compatibility/subjects/"+subject+"/versions", body(string(c.New)), 200, fmt.Sprintf(`{"is_compatible":%v}`, want))
			status, got := call(t, u, "POST", "/subjects/"+subject+"/versions", body(string(c.New)))
			if (status == 200) != want || (!want && status != 409) {
				t.Errorf("register: %d %s, want compatible=%v", status, got, want)
			}
		})
	}
}
