package compat

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"gitlab.com/acme/avroctl/gen/schema"
)

// sharedCompat is the project's conformance data; a user's clone does not
// have it, so tests that need it skip.
const sharedCompat = "../../../shared/conformance/compat"

type pairCase struct {
	Name         string          `json:"name"`
	Reader       json.RawMessage `json:"reader"`
	Writer       json.RawMessage `json:"writer"`
	Expected     string          `json:"expected"`
	JavaMessages []string        `json:"java_messages"`
}

func loadPairs(t testing.TB) []pairCase {
	data, err := os.ReadFile(filepath.Join(sharedCompat, "pairs.json"))
	if err != nil {
		t.Skipf("conformance data not available: %v", err)
	}
	var cases []pairCase
	if err := json.Unmarshal(data, &cases); err != nil {
		t.Fatal(err)
	}
	return cases
}

// TestSharedPairs runs the reference pairs through the checker with models
// built by the test helper, so the checker is verified on its own.
func TestSharedPairs(t *testing.T) {
	for _, c := range loadPairs(t) {
		r, err := buildModel(c.Reader)
		if err != nil {
			t.Errorf("%s: reader: %v", c.Name, err)
			continue
		}
		w, err := buildModel(c.Writer)
		if err != nil {
			t.Errorf("%s: writer: %v", c.Name, err)
			continue
		}
		res := Check(r, w)
		got := "incompatible"
		if res.Compatible {
			got = "compatible"
		}
		if got != c.Expected {
			t.Errorf("%s: got %s, want %s (%v)", c.Name, got, c.Expected, res.Incompatibilities)
			continue
		}
		if c.JavaMessages == nil {
			continue
		}
		var msgs []string
		for _, in := range res.Incompatibilities {
			msgs = append(msgs, in.String())
		}
		want := append([]string(nil), c.JavaMessages...)
		sort.Strings(msgs)
		sort.Strings(want)
		if strings.Join(msgs, "\n") != strings.Join(want, "\n") {
			t.Errorf("%s:\n got %q\nwant %q", c.Name, msgs, want)
		}
	}
}

type levelCase struct {
	Name     string            `json:"name"`
	Level    string            `json:"level"`
	New      json.RawMessage   `json:"new"`
	Previous []json.RawMessage `json:"previous"`
	Expected string            `json:"expected"`
}

func TestSharedLevels(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(sharedCompat, "levels.json"))
	if err != nil {
		t.Skipf("conformance data not available: %v", err)
	}
	var cases []levelCase
	if err := json.Unmarshal(data, &cases); err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		level, err := ParseLevel(c.Level)
		if err != nil {
			t.Fatal(err)
		}
		n, err := buildModel(c.New)
		if err != nil {
			t.Fatalf("%s: %v", c.Name, err)
		}
		var prev []schema.Schema
		for _, p := range c.Previous {
			s, err := buildModel(p)
			if err != nil {
				t.Fatalf("%s: %v", c.Name, err)
			}
			prev = append(prev, s)
		}
		res := CheckLevel(level, n, prev)
		got := "incompatible"
		if res.Compatible {
			got = "compatible"
		}
		if got != c.Expected {
			t.Errorf("%s: got %s, want %s (%v)", c.Name, got, c.Expected, res.Incompatibilities)
		}
	}
}
