package server

import (
	"fmt"
	"math/rand"
	"strings"
	"testing"

	"gitlab.com/acme/avroctl/gen/compat"
	"gitlab.com/acme/avroctl/gen/registry/store"
	"gitlab.com/acme/avroctl/gen/schema"
)

// plainChecker is the default checker behind another type, so that the
// server neither proves checks from its per-subject index nor keeps one:
// every registration visits every version, as before the index.
type plainChecker struct{}

func (plainChecker) Check(level string, newSchema schema.Schema, previous []compat.Previous) (bool, []string) {
	return defaultChecker{}.Check(level, newSchema, previous)
}

// TestHistoryIndexMatchesPlain runs one random sequence of registrations,
// soft and hard deletes of versions and of the subject, and level changes
// against two servers, one with the per-subject index (the default
// checker) and one without (plainChecker), and requires the same status
// and body for every request: the index is extended, rebuilt or bypassed
// correctly whenever the set of versions a check covers changes, and a
// check it cannot prove gets the same messages.
func TestHistoryIndexMatchesPlain(t *testing.T) {
	st, err := store.Open("")
	if err != nil {
		t.Fatal(err)
	}
	srv := New(st, Options{})
	if err := srv.Open("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		closeIdle()
		srv.Close()
		st.Close()
	})
	withIndex := srv.URL()
	plain := startServer(t, nil, Options{Checker: plainChecker{}})
	rng := rand.New(rand.NewSource(5))
	types := []string{`"int"`, `"long"`, `"string"`, `"double"`, `["null","string"]`, `{"type":"enum","name":"E","symbols":["A","B"],"default":"A"}`}
	defaults := []string{`0`, `0`, `""`, `0`, `null`, `"A"`}
	// cur is the field declarations of the schema the sequence evolves:
	// mostly one optional field added or dropped at a time (compatible),
	// sometimes a field redrawn at random.
	cur := map[int]string{0: `{"name":"f0","type":"int"}`, 1: `{"name":"f1","type":"long","default":0}`}
	schemaText := func() string {
		i := rng.Intn(10)
		switch {
		case cur[i] != "" && rng.Intn(2) == 0:
			delete(cur, i)
		case rng.Intn(5) == 0:
			k := rng.Intn(len(types))
			f := fmt.Sprintf(`{"name":"f%d","type":%s`, i, types[k])
			if rng.Intn(4) != 0 {
				f += `,"default":` + defaults[k]
			}
			if rng.Intn(6) == 0 {
				f += fmt.Sprintf(`,"aliases":["f%d"]`, rng.Intn(10))
			}
			cur[i] = f + "}"
		default:
			cur[i] = fmt.Sprintf(`{"name":"f%d","type":["null","string"],"default":null}`, i)
		}
		var fields []string
		for i := 0; i < 10; i++ {
			if f := cur[i]; f != "" {
				fields = append(fields, f)
			}
		}
		return `{"type":"record","name":"Order","fields":[` + strings.Join(fields, ",") + `]}`
	}
	levels := compat.AllLevelStrings()
	registered, provenChecks := 0, 0
	for step := 0; step < 600; step++ {
		var method, path, reqBody string
		switch k := rng.Intn(23); {
		case k < 13:
			method, path, reqBody = "POST", "/subjects/s/versions", body(schemaText())
		case k >= 20:
			// A check without registering, against every version the
			// level covers (the index may prove it) or the latest.
			path = "/compatibility/subjects/s/versions"
			if k == 22 {
				path += "/latest"
			}
			if rng.Intn(2) == 0 {
				path += "?verbose=true"
			}
			method, reqBody = "POST", body(schemaText())
		case k < 15:
			method, path = "DELETE", fmt.Sprintf("/subjects/s/versions/%d", 1+rng.Intn(12))
		case k == 15:
			method, path = "DELETE", fmt.Sprintf("/subjects/s/versions/%d?permanent=true", 1+rng.Intn(12))
		case k == 16:
			method, path = "DELETE", "/subjects/s"
			if rng.Intn(2) == 0 {
				path += "?permanent=true"
			}
		default:
			lv := levels[rng.Intn(len(levels))]
			if rng.Intn(4) != 0 {
				lv = []string{"BACKWARD_TRANSITIVE", "FORWARD_TRANSITIVE", "FULL_TRANSITIVE"}[rng.Intn(3)]
			}
			method, path, reqBody = "PUT", "/config/s", `{"compatibility":"`+lv+`"}`
		}
		before := srv.histories.proven.Load()
		c1, b1 := call(t, withIndex, method, path, reqBody)
		if strings.HasPrefix(path, "/compatibility/") && srv.histories.proven.Load() > before {
			provenChecks++
		}
		c2, b2 := call(t, plain, method, path, reqBody)
		if c1 != c2 || b1 != b2 {
			t.Fatalf("step %d: %s %s %s\nwith index: %d %s\nplain:      %d %s", step, method, path, reqBody, c1, b1, c2, b2)
		}
		if method == "POST" && c1 == 200 {
			registered++
		}
	}
	_, cfg := call(t, withIndex, "GET", "/config/s", "")
	proven := srv.histories.proven.Load()
	t.Logf("%d registrations accepted, %d checks proven by the index, %d of them on /compatibility (last config %s)", registered, proven, provenChecks, cfg)
	if registered < 20 || proven < 10 || provenChecks < 3 {
		t.Errorf("too few registrations accepted (%d) for the comparison to mean something", registered)
	}
}
