package interop

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"testing"

	"gitlab.com/acme/avroctl/gen/compat"
	"gitlab.com/acme/avroctl/gen/schema"
	"gitlab.com/acme/avroctl/interop/evolve"
	"gitlab.com/acme/avroctl/interop/javaharness"
)

// TestCompatRandomPairs checks avroctl's compatibility engine against Java's
// SchemaCompatibility on thousands of randomly evolved schema pairs: same
// verdict, and the same incompatibilities (type, location and message) in
// the same order. On disagreement it shrinks the smallest failing pair and
// prints it as JSON, ready to become a regression test.
func TestCompatRandomPairs(t *testing.T) {
	h := javaharness.Shared(t)
	n := *pairsFlag
	if testing.Short() {
		n = 300
	}
	g := evolve.New(*seedFlag)
	var (
		agree      int
		known      int
		outcomes   = map[string]int{}
		typesSeen  = map[string]int{}
		firstSteps = map[string]int{}
		rejections = map[string]int{}
		classes    = map[string][]compatCase{}
	)
	for i := 0; i < n; i++ {
		p := g.Pair()
		c := compatCase{Seed: *seedFlag, Case: i, Steps: p.Steps, reader: p.Reader, writer: p.Writer}
		out := c.run(h)
		outcomes[out.java]++
		if out.javaMsg != "" {
			rejections[firstLine(out.javaMsg, 70)]++
		}
		for _, in := range out.javaList {
			typesSeen[in.Type]++
		}
		for _, s := range p.Steps {
			firstSteps[strings.Fields(s)[0]]++
		}
		if out.diff == "" {
			agree++
			continue
		}
		c.Diff = out.diff
		if excuse(t, out.diff) {
			known++
			continue
		}
		classes[out.class] = append(classes[out.class], c)
	}
	t.Logf("seed %d: %d/%d pairs agree (%.2f%%), %d disagree as known issues; Java outcomes %v",
		*seedFlag, agree, n, 100*float64(agree)/float64(n), known, outcomes)
	t.Logf("incompatibility types Java reported: %v", typesSeen)
	t.Logf("evolution steps applied: %v", firstSteps)
	t.Logf("Java rejected pairs (avroctl must reject them too): %v", rejections)
	// One report per kind of disagreement, each with its smallest pair
	// shrunk further, so that one noisy kind cannot hide another.
	for _, class := range slices.Sorted(maps.Keys(classes)) {
		failures := classes[class]
		sort.SliceStable(failures, func(i, j int) bool { return failures[i].size() < failures[j].size() })
		cases := []int{}
		for _, f := range failures[:min(10, len(failures))] {
			cases = append(cases, f.Case)
		}
		small := shrink(h, failures[0], class)
		var js strings.Builder
		enc := json.NewEncoder(&js)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		enc.Encode(small.report())
		t.Errorf("%s: %d of %d pairs (cases %v...); minimal failing pair (shrunk from case %d):\n%s",
			class, len(failures), n, cases, failures[0].Case, js.String())
	}
}

func firstLine(s string, max int) string {
	s, _, _ = strings.Cut(s, "\n")
	if len(s) > max {
		s = s[:max] + "..."
	}
	return s
}

// compatCase is one generated pair.
type compatCase struct {
	Seed           uint64
	Case           int
	Steps          []string
	Diff           string
	reader, writer *evolve.Node
}

func (c compatCase) size() int {
	return len(evolve.Marshal(c.reader)) + len(evolve.Marshal(c.writer))
}

func (c compatCase) report() any {
	return struct {
		Seed   uint64          `json:"seed"`
		Case   int             `json:"case"`
		Steps  []string        `json:"stepsBeforeShrinking"`
		Diff   string          `json:"disagreement"`
		Reader json.RawMessage `json:"reader"`
		Writer json.RawMessage `json:"writer"`
	}{c.Seed, c.Case, c.Steps, c.Diff, evolve.Marshal(c.reader), evolve.Marshal(c.writer)}
}

type compatOutcome struct {
	java     string // "COMPATIBLE", "INCOMPATIBLE" or "REJECTED"
	class    string // kind of disagreement, for the summary
	javaMsg  string // why Java rejected, when it did
	javaList []javaharness.Incompatibility
	diff     string // "" when avroctl agrees
}

func (c compatCase) run(h *javaharness.Harness) compatOutcome {
	r, w := evolve.Marshal(c.reader), evolve.Marshal(c.writer)
	return compareCompat(h, r, w)
}

// compareCompat runs one reader/writer pair through both implementations.
func compareCompat(h *javaharness.Harness, reader, writer []byte) (out compatOutcome) {
	jres, jerr := h.Compat(reader, writer)
	var rejected *javaharness.Error
	if jerr != nil && !errors.As(jerr, &rejected) {
		return compatOutcome{java: "HARNESS-ERROR", diff: jerr.Error()}
	}

	goRes, goErr := checkInGo(reader, writer)
	switch {
	case rejected != nil && goErr != nil:
		return compatOutcome{java: "REJECTED", javaMsg: rejected.Msg}
	case rejected != nil:
		return compatOutcome{java: "REJECTED", javaMsg: rejected.Msg, class: "Java rejects, avroctl accepts",
			diff: fmt.Sprintf("Java rejects (%s) but avroctl accepts: %s", rejected.Msg, summarizeGo(goRes))}
	case goErr != nil:
		return compatOutcome{java: jres.Compatibility, javaList: jres.Incompatibilities, class: "avroctl rejects, Java accepts",
			diff: fmt.Sprintf("avroctl rejects (%v) but Java answers %s", goErr, summarizeJava(jres))}
	}
	out = compatOutcome{java: jres.Compatibility, javaList: dedupe(jres.Incompatibilities)}
	if jres.Compatible() != goRes.Compatible {
		out.diff = fmt.Sprintf("verdict: Java %s, avroctl %s", summarizeJava(jres), summarizeGo(goRes))
		out.class = "verdict differs"
		return out
	}
	got := make([]javaharness.Incompatibility, len(goRes.Incompatibilities))
	for i, in := range goRes.Incompatibilities {
		got[i] = javaharness.Incompatibility{Type: string(in.Type), Location: in.Location, Message: in.Message}
	}
	if !slices.Equal(got, out.javaList) {
		out.diff = fmt.Sprintf("incompatibilities: Java %s, avroctl %s", summarizeJava(jres), summarizeGo(goRes))
		out.class = "incompatibilities differ"
		if sameTypesAndLocations(got, out.javaList) {
			out.class = "messages differ"
		}
	}
	return out
}

func sameTypesAndLocations(a, b []javaharness.Incompatibility) bool {
	return slices.EqualFunc(a, b, func(x, y javaharness.Incompatibility) bool {
		return x.Type == y.Type && x.Location == y.Location
	})
}

// checkInGo parses and checks with avroctl. A schema avroctl rejects, a
// check that cannot complete (Result.Err, where Java throws) and a panic
// are all returned as errors.
func checkInGo(reader, writer []byte) (res compat.Result, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("PANIC: %v", p)
		}
	}()
	rs, err := schema.Parse(reader, schema.ParseOptions{Filename: "reader.avsc"})
	if err != nil {
		return res, err
	}
	ws, err := schema.Parse(writer, schema.ParseOptions{Filename: "writer.avsc"})
	if err != nil {
		return res, err
	}
	res = compat.Check(rs, ws)
	return res, res.Err
}

// dedupe drops exact repeats, which Java reports when a memoized pair is
// reached twice; avroctl documents that it drops them.
func dedupe(list []javaharness.Incompatibility) []javaharness.Incompatibility {
	out := []javaharness.Incompatibility{}
	for _, in := range list {
		if !slices.Contains(out, in) {
			out = append(out, in)
		}
	}
	return out
}

func summarizeJava(r *javaharness.CompatResult) string {
	var b strings.Builder
	b.WriteString(r.Compatibility)
	for _, in := range r.Incompatibilities {
		fmt.Fprintf(&b, "\n\t\t%s %s %q", in.Type, in.Location, in.Message)
	}
	return b.String()
}

func summarizeGo(r compat.Result) string {
	var b strings.Builder
	if r.Compatible {
		b.WriteString("COMPATIBLE")
	} else {
		b.WriteString("INCOMPATIBLE")
	}
	for _, in := range r.Incompatibilities {
		fmt.Fprintf(&b, "\n\t\t%s %s %q", in.Type, in.Location, in.Message)
	}
	return b.String()
}

// shrink removes fields from either side while the pair still disagrees in
// the same way (class), to print the smallest pair that shows the problem.
func shrink(h *javaharness.Harness, c compatCase, class string) compatCase {
	budget := 400
	for changed := true; changed && budget > 0; {
		changed = false
		for _, side := range []int{0, 1} {
			root := c.reader
			if side == 1 {
				root = c.writer
			}
			for _, loc := range fieldLocations(root) {
				if budget == 0 {
					break
				}
				budget--
				try := c
				try.reader, try.writer = evolve.Clone(c.reader), evolve.Clone(c.writer)
				target := try.reader
				if side == 1 {
					target = try.writer
				}
				if !removeField(target, loc) {
					continue
				}
				if out := try.run(h); out.diff != "" && out.class == class {
					try.Diff = out.diff
					c = try
					changed = true
					break
				}
			}
			if changed {
				break
			}
		}
	}
	return c
}

// fieldLoc names a field by its record's index in Walk order and its index.
type fieldLoc struct{ record, field int }

func fieldLocations(root *evolve.Node) []fieldLoc {
	var locs []fieldLoc
	ri := 0
	evolve.Walk(root, func(n *evolve.Node) {
		if n.Kind == evolve.Record {
			for fi := range n.Fields {
				locs = append(locs, fieldLoc{ri, fi})
			}
			ri++
		}
	})
	return locs
}

func removeField(root *evolve.Node, loc fieldLoc) bool {
	ri := 0
	done := false
	evolve.Walk(root, func(n *evolve.Node) {
		if n.Kind != evolve.Record || done {
			return
		}
		if ri == loc.record && loc.field < len(n.Fields) {
			n.Fields = slices.Delete(n.Fields, loc.field, loc.field+1)
			done = true
		}
		ri++
	})
	return done
}
