package conformance

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"gitlab.com/acme/avroctl/gen/compat"
	"gitlab.com/acme/avroctl/gen/schema"
)

// compatPair is one case of compat/pairs.json.
type compatPair struct {
	Name     string          `json:"name"`
	Reader   json.RawMessage `json:"reader"`
	Writer   json.RawMessage `json:"writer"`
	Expected string          `json:"expected"`
	// JavaMessages are "TYPE location message" strings, when present.
	JavaMessages []string `json:"java_messages"`
}

// compatLevel is one case of compat/levels.json.
type compatLevel struct {
	Name     string            `json:"name"`
	Level    string            `json:"level"`
	New      json.RawMessage   `json:"new"`
	Previous []json.RawMessage `json:"previous"`
	Expected string            `json:"expected"`
}

// RunCompat runs every reader/writer pair of root/pairs.json and every level
// case of root/levels.json (root is .../conformance/compat). A pair passes
// when the verdict equals "expected" and, where java_messages is given, the
// set of "TYPE location message" strings equals it. A level case passes when
// the verdict equals "expected". Each failure is printed to w as a "FAIL"
// line as it is found, then a final "N passed, M failed" line.
func RunCompat(root string, w io.Writer) (Summary, error) {
	var sum Summary
	var pairs []compatPair
	if err := readJSON(filepath.Join(root, "pairs.json"), &pairs); err != nil {
		return sum, err
	}
	var levels []compatLevel
	if err := readJSON(filepath.Join(root, "levels.json"), &levels); err != nil {
		return sum, err
	}
	for i, c := range pairs {
		if msg := runPair(c); msg != "" {
			sum.fail(w, fmt.Sprintf("FAIL pairs.json[%d] %s: %s", i, c.Name, msg))
		} else {
			sum.Passed++
		}
	}
	for i, c := range levels {
		if msg := runLevel(c); msg != "" {
			sum.fail(w, fmt.Sprintf("FAIL levels.json[%d] %s: %s", i, c.Name, msg))
		} else {
			sum.Passed++
		}
	}
	fmt.Fprintf(w, "%d passed, %d failed\n", sum.Passed, sum.Failed)
	return sum, nil
}

// fail records and prints one failed case.
func (s *Summary) fail(w io.Writer, msg string) {
	fmt.Fprintln(w, msg)
	s.Failed++
	s.Failures = append(s.Failures, msg)
}

func readJSON(path string, v any) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("%s: %v", path, err)
	}
	return nil
}

// runPair returns "" when the case passes, else what differs.
func runPair(c compatPair) string {
	reader, err := schema.Parse(c.Reader, schema.ParseOptions{Filename: "reader.avsc"})
	if err != nil {
		return "reader: " + err.Error()
	}
	writer, err := schema.Parse(c.Writer, schema.ParseOptions{Filename: "writer.avsc"})
	if err != nil {
		return "writer: " + err.Error()
	}
	res := compat.Check(reader, writer)
	if got := verdict(res); got != c.Expected {
		return fmt.Sprintf("got %s, want %s %v", got, c.Expected, messages(res))
	}
	if c.JavaMessages == nil {
		return ""
	}
	got, want := messages(res), append([]string(nil), c.JavaMessages...)
	sort.Strings(want)
	if strings.Join(got, "\n") != strings.Join(dedupeSorted(want), "\n") {
		return fmt.Sprintf("incompatibilities differ:\n  got  %q\n  want %q", got, want)
	}
	return ""
}

func runLevel(c compatLevel) string {
	level, err := compat.ParseLevel(c.Level)
	if err != nil {
		return err.Error()
	}
	newSchema, err := schema.Parse(c.New, schema.ParseOptions{Filename: "new.avsc"})
	if err != nil {
		return "new: " + err.Error()
	}
	var previous []schema.Schema
	for i, p := range c.Previous {
		s, err := schema.Parse(p, schema.ParseOptions{Filename: fmt.Sprintf("previous-%d.avsc", i)})
		if err != nil {
			return fmt.Sprintf("previous[%d]: %v", i, err)
		}
		previous = append(previous, s)
	}
	res := compat.CheckLevel(level, newSchema, previous)
	if got := verdict(res); got != c.Expected {
		return fmt.Sprintf("got %s, want %s %v", got, c.Expected, messages(res))
	}
	return ""
}

func verdict(r compat.Result) string {
	if r.Compatible {
		return "compatible"
	}
	return "incompatible"
}

// messages returns the sorted, deduplicated "TYPE location message" set.
func messages(r compat.Result) []string {
	out := []string{}
	for _, in := range r.Incompatibilities {
		out = append(out, in.String())
	}
	sort.Strings(out)
	return dedupeSorted(out)
}

func dedupeSorted(s []string) []string {
	out := s[:0]
	for i, x := range s {
		if i == 0 || x != s[i-1] {
			out = append(out, x)
		}
	}
	return out
}
