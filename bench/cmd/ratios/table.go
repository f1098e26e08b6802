package main

import (
	"fmt"
	"io"
	"slices"
	"strings"
)

// Baseline is the implementation every ratio is relative to.
const Baseline = "avroctl"

// Row is the median of one benchmark over all its runs.
type Row struct {
	Group, Impl string
	Runs        int
	NsPerOp     float64
	// Spread is (slowest - fastest) / median time over the runs: how much
	// the machine's load moved this measurement.
	Spread      float64
	BytesPerOp  float64 // -1 when unknown
	AllocsPerOp float64 // -1 when unknown
	// Ratio is the median over runs of this run's time divided by the
	// baseline's time in the same run (the k-th result of each); 0 when the
	// group has no baseline result. Above 1 means slower than avroctl.
	// Pairing runs that ran close together cancels much of the machine's
	// load drift that the medians alone still carry.
	Ratio float64
}

// Summarize takes medians per (group, impl) and ratios against Baseline.
// Groups keep their first-seen order; within a group the baseline comes
// first, then the others in first-seen order, so the output is stable for a
// given benchmark order.
func Summarize(results []Result) []Row {
	type key struct{ group, impl string }
	var order []key
	samples := map[key][]Result{}
	for _, r := range results {
		k := key{r.Group, r.Impl}
		if _, seen := samples[k]; !seen {
			order = append(order, k)
		}
		samples[k] = append(samples[k], r)
	}
	var groups []string
	for _, k := range order {
		if !slices.Contains(groups, k.group) {
			groups = append(groups, k.group)
		}
	}
	var rows []Row
	for _, g := range groups {
		var inGroup []Row
		for _, k := range order {
			if k.group != g {
				continue
			}
			rs := samples[k]
			inGroup = append(inGroup, Row{
				Group:       g,
				Impl:        k.impl,
				Runs:        len(rs),
				NsPerOp:     median(rs, func(r Result) float64 { return r.NsPerOp }),
				Spread:      spread(rs),
				BytesPerOp:  median(rs, func(r Result) float64 { return r.BytesPerOp }),
				AllocsPerOp: median(rs, func(r Result) float64 { return r.AllocsPerOp }),
			})
		}
		slices.SortStableFunc(inGroup, func(a, b Row) int {
			return boolRank(a.Impl != Baseline) - boolRank(b.Impl != Baseline)
		})
		if base, ok := samples[key{g, Baseline}]; ok {
			for i := range inGroup {
				inGroup[i].Ratio = pairedRatio(samples[key{g, inGroup[i].Impl}], base)
			}
		}
		rows = append(rows, inGroup...)
	}
	return rows
}

// pairedRatio is the median of rs[k]/base[k] over the runs both have.
func pairedRatio(rs, base []Result) float64 {
	n := min(len(rs), len(base))
	ratios := make([]Result, 0, n)
	for k := 0; k < n; k++ {
		if base[k].NsPerOp > 0 {
			ratios = append(ratios, Result{NsPerOp: rs[k].NsPerOp / base[k].NsPerOp})
		}
	}
	if len(ratios) == 0 {
		return 0
	}
	return median(ratios, func(r Result) float64 { return r.NsPerOp })
}

// spread is (max - min) / median of the runs' times.
func spread(rs []Result) float64 {
	lo, hi := rs[0].NsPerOp, rs[0].NsPerOp
	for _, r := range rs[1:] {
		lo, hi = min(lo, r.NsPerOp), max(hi, r.NsPerOp)
	}
	m := median(rs, func(r Result) float64 { return r.NsPerOp })
	if m <= 0 {
		return 0
	}
	return (hi - lo) / m
}

func boolRank(b bool) int {
	if b {
		return 1
	}
	return 0
}

// median of one measurement; -1 if any run lacks it.
func median(rs []Result, get func(Result) float64) float64 {
	vs := make([]float64, 0, len(rs))
	for _, r := range rs {
		v := get(r)
		if v < 0 {
			return -1
		}
		vs = append(vs, v)
	}
	slices.Sort(vs)
	n := len(vs)
	if n%2 == 1 {
		return vs[n/2]
	}
	return (vs[n/2-1] + vs[n/2]) / 2
}

// Goal is one of the performance goals of the generated code (issue: "avroctl
// encode <= gogen-avro's time with 0 allocs; avroctl decode <= 0.5x hamba's
// time").
type Goal struct {
	Text   string
	Met    bool
	Known  bool // false when a needed result is missing
	Detail string
}

// Goals evaluates the goals on summarized rows.
func Goals(rows []Row) []Goal {
	find := func(group, impl string) (Row, bool) {
		for _, r := range rows {
			if r.Group == group && r.Impl == impl {
				return r, true
			}
		}
		return Row{}, false
	}
	var goals []Goal
	g := Goal{Text: "Encode: avroctl time <= gogen time, 0 allocs/op"}
	if a, ok := find("Encode", Baseline); ok {
		if o, ok := find("Encode", "gogen"); ok && a.AllocsPerOp >= 0 {
			g.Known = true
			g.Met = o.Ratio >= 1 && a.AllocsPerOp == 0
			g.Detail = fmt.Sprintf("avroctl %s, %s allocs; gogen %s; gogen/avroctl paired ratio %.2fx",
				formatNs(a.NsPerOp), formatCount(a.AllocsPerOp), formatNs(o.NsPerOp), o.Ratio)
		}
	}
	goals = append(goals, g)
	g = Goal{Text: "Decode: avroctl time <= 0.5x hamba time"}
	if a, ok := find("Decode", Baseline); ok {
		if o, ok := find("Decode", "hamba"); ok {
			g.Known = true
			g.Met = o.Ratio >= 2
			g.Detail = fmt.Sprintf("avroctl %s; hamba %s; hamba/avroctl paired ratio %.2fx (goal >= 2x)",
				formatNs(a.NsPerOp), formatNs(o.NsPerOp), o.Ratio)
		}
	}
	goals = append(goals, g)
	return goals
}

// WriteMarkdown prints rows and goals as a Markdown table, which also reads
// well as plain text.
func WriteMarkdown(w io.Writer, rows []Row, goals []Goal) error {
	var b strings.Builder
	b.WriteString("| benchmark | impl | runs | time/op (median) | spread | B/op | allocs/op | time vs avroctl |\n")
	b.WriteString("|---|---|--:|--:|--:|--:|--:|--:|\n")
	for _, r := range rows {
		ratio := "n/a"
		if r.Ratio > 0 {
			ratio = fmt.Sprintf("%.2fx", r.Ratio)
		}
		fmt.Fprintf(&b, "| %s | %s | %d | %s | %.0f%% | %s | %s | %s |\n",
			r.Group, r.Impl, r.Runs, formatNs(r.NsPerOp), 100*r.Spread, formatCount(r.BytesPerOp), formatCount(r.AllocsPerOp), ratio)
	}
	if len(goals) > 0 {
		b.WriteString("\n")
		for _, g := range goals {
			status := "UNKNOWN (avroctl or peer result missing)"
			if g.Known {
				status = "MISSED"
				if g.Met {
					status = "met"
				}
				status += ": " + g.Detail
			}
			fmt.Fprintf(&b, "- %s: %s\n", g.Text, status)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func formatNs(ns float64) string {
	switch {
	case ns >= 1e6:
		return fmt.Sprintf("%.2f ms", ns/1e6)
	case ns >= 1e3:
		return fmt.Sprintf("%.2f µs", ns/1e3)
	}
	return fmt.Sprintf("%.1f ns", ns)
}

func formatCount(v float64) string {
	if v < 0 {
		return "-"
	}
	return fmt.Sprintf("%.0f", v)
}
