package server

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"gitlab.com/acme/avroctl/gen/compat"
	"gitlab.com/acme/avroctl/gen/schema"
)

// TestTransitiveMessagesPrepared registers a history under NONE, then an
// incompatible version under each transitive level, and requires the
// registry's answer (which checks against cached prepared schemas and
// skips equal versions) to carry exactly the messages of a plain check of
// the same history. The history repeats a version with only its doc
// changed, so the skip of an equal version is on the way to the one that
// fails (the oldest).
func TestTransitiveMessagesPrepared(t *testing.T) {
	u := startServer(t, nil, Options{})
	const subject = "hist"
	history := []string{
		`{"type":"record","name":"R","fields":[{"name":"a","type":"int"},{"name":"m","type":{"type":"record","name":"M","fields":[{"name":"x","type":"long"}]}}]}`,
		`{"type":"record","name":"R","fields":[{"name":"a","type":"long"},{"name":"m","type":{"type":"record","name":"M","fields":[{"name":"x","type":"long"}]}},{"name":"b","type":"string","default":""}]}`,
		`{"type":"record","name":"R","doc":"same as v2","fields":[{"name":"a","type":"long"},{"name":"m","type":{"type":"record","name":"M","fields":[{"name":"x","type":"long"}]}},{"name":"b","type":"string","default":""}]}`,
	}
	expect(t, u, "PUT", "/config/"+subject, `{"compatibility":"NONE"}`, 200, `{"compatibility":"NONE"}`)
	for i, h := range history {
		if code, got := call(t, u, "POST", "/subjects/"+subject+"/versions", body(h)); code != 200 {
			t.Fatalf("version %d: %d %s", i+1, code, got)
		}
	}
	// Compatible both ways with v3 and v2 (equal to the checker), not with
	// v1: backward, b has no default and v1 lacks it; forward, v1 reads its
	// int a from a long.
	next := `{"type":"record","name":"R","fields":[{"name":"a","type":"long"},{"name":"m","type":{"type":"record","name":"M","fields":[{"name":"x","type":"long"}]}},{"name":"b","type":"string"}]}`
	var previous []compat.Previous
	for v := 1; v <= len(history); v++ {
		_, got := call(t, u, "GET", fmt.Sprintf("/subjects/%s/versions/%d", subject, v), "")
		var resp struct {
			Schema string `json:"schema"`
		}
		if err := json.Unmarshal([]byte(got), &resp); err != nil {
			t.Fatal(err)
		}
		s, err := schema.Parse([]byte(resp.Schema), schema.ParseOptions{})
		if err != nil {
			t.Fatal(err)
		}
		previous = append(previous, compat.Previous{Schema: s, Version: v, Text: resp.Schema})
	}
	ns, err := schema.Parse([]byte(next), schema.ParseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, level := range []string{"BACKWARD_TRANSITIVE", "FORWARD_TRANSITIVE", "FULL_TRANSITIVE"} {
		lv, _ := compat.ParseLevel(level)
		msgs := compat.ConfluentMessages(lv, ns, previous)
		if !slices.Contains(msgs, "{oldSchemaVersion: 1}") {
			t.Fatalf("%s: the plain check does not fail on version 1 (the test needs it to): %q", level, msgs)
		}
		msgs = append(msgs, fmt.Sprintf("{compatibility: '%s'}", level))
		want := fmt.Sprintf("Schema being registered is incompatible with an earlier schema for subject \"%s\", details: [%s]", subject, strings.Join(msgs, ", "))
		expect(t, u, "PUT", "/config/"+subject, `{"compatibility":"`+level+`"}`, 200, `{"compatibility":"`+level+`"}`)
		code, got := call(t, u, "POST", "/subjects/"+subject+"/versions", body(next))
		var e errorResponse
		if err := json.Unmarshal([]byte(got), &e); err != nil {
			t.Fatalf("%s: %d %s", level, code, got)
		}
		if code != HTTPStatus(CodeIncompatible) || e.Message != want {
			t.Errorf("%s:\n got %d %s\nwant %s", level, code, e.Message, want)
		}
	}
}
