// Command e2eratios summarizes BenchmarkKafkaEndToEnd (bench/e2e) output:
// per way the median events/s, p50 and p99 over the rounds, and the paired
// ratios typed/raw and typed/srserde (the median over rounds of the ratio
// within one round, so load that comes and goes on a shared machine hits
// both sides of a ratio alike), then checks the two goals.
//
// Usage, from the bench directory:
//
//	go run ./cmd/e2eratios -rounds 5 -benchtime 100000x -save results/kafka-e2e.txt
//	go run ./cmd/e2eratios -in results/kafka-e2e.txt     # summarize a saved run
//
// With -rounds it builds the e2e test binary once and runs it once per
// round (-test.count 1, each round its own broker), rotating which way
// goes first (-e2e.rotate), so that every round runs the three ways side
// by side; `go test -count N` would instead run each way N times in a row,
// and a ratio would then compare different minutes of a shared machine.
//
// It exits 1 when a goal is not met, 2 on bad input or a failed run.
package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

func main() { os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)) }

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("e2eratios", flag.ContinueOnError)
	fs.SetOutput(stderr)
	in := fs.String("in", "", "read saved `go test -bench KafkaEndToEnd` output from this file (- for stdin) instead of running")
	rounds := fs.Int("rounds", 5, "rounds to run: each runs typed, raw and srserde once")
	benchtime := fs.String("benchtime", "100000x", "go test -benchtime of each run: events per run")
	save := fs.String("save", "", "also write the raw benchmark output to this file")
	dir := fs.String("C", ".", "the bench module directory")
	split := fs.Bool("split", false, "also run the diagnostic ways typed-producer and typed-consumer (-e2e.split)")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: e2eratios [flags]\n\nExample:\n  go run ./cmd/e2eratios -rounds 5 -benchtime 100000x -save results/kafka-e2e.txt\n  go run ./cmd/e2eratios -in results/kafka-e2e.txt\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() != 0 {
		fmt.Fprintf(stderr, "e2eratios: unexpected arguments %q\n", fs.Args())
		return 2
	}
	var r io.Reader
	name := *in
	switch *in {
	case "":
		if *rounds < 1 {
			fmt.Fprintf(stderr, "e2eratios: -rounds %d: want at least 1\n", *rounds)
			return 2
		}
		out, err := runRounds(*dir, *rounds, *benchtime, *split, stderr)
		if err != nil {
			fmt.Fprintf(stderr, "e2eratios: %v\n", err)
			return 2
		}
		if *save != "" {
			if err := writeFile(*save, out); err != nil {
				fmt.Fprintf(stderr, "e2eratios: %v\n", err)
				return 2
			}
		}
		r, name = bytes.NewReader(out), "the run"
	case "-":
		r, name = stdin, "<stdin>"
	default:
		f, err := os.Open(*in)
		if err != nil {
			fmt.Fprintf(stderr, "e2eratios: %v\n", err)
			return 2
		}
		defer f.Close()
		r = f
	}
	runs, err := parse(r, name)
	if err != nil {
		fmt.Fprintf(stderr, "e2eratios: %v\n", err)
		return 2
	}
	ok, err := summarize(stdout, runs)
	if err != nil {
		fmt.Fprintf(stderr, "e2eratios: %s: %v\n", name, err)
		return 2
	}
	if !ok {
		return 1
	}
	return 0
}

// runRounds builds bench/e2e's test binary once and runs the benchmark
// rounds times, returning the concatenated output.
func runRounds(dir string, rounds int, benchtime string, split bool, progress io.Writer) ([]byte, error) {
	tmp, err := os.MkdirTemp("", "e2eratios-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	bin := filepath.Join(tmp, "e2e.test")
	build := exec.Command("go", "test", "-c", "-o", bin, "./e2e")
	build.Dir = dir
	if out, err := build.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("go test -c ./e2e: %v\n%s", err, out)
	}
	var all bytes.Buffer
	for i := range rounds {
		fmt.Fprintf(progress, "e2eratios: round %d of %d\n", i+1, rounds)
		cmd := exec.Command(bin, "-test.run", "^$", "-test.bench", "^BenchmarkKafkaEndToEnd$",
			"-test.benchtime", benchtime, "-test.count", "1", "-test.timeout", "30m", "-e2e.rotate", strconv.Itoa(i), "-e2e.split="+strconv.FormatBool(split))
		cmd.Dir = filepath.Join(dir, "e2e")
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		err := cmd.Run()
		all.Write(out.Bytes())
		if err != nil {
			return nil, fmt.Errorf("round %d: %v\n%s", i+1, err, out.Bytes())
		}
	}
	return all.Bytes(), nil
}

// writeFile writes data to a temp file in path's directory and renames it.
func writeFile(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), ".e2eratios-*")
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Chmod(0o644)
	}
	if err != nil {
		f.Close()
		os.Remove(f.Name())
		return err
	}
	if err := f.Close(); err != nil {
		os.Remove(f.Name())
		return err
	}
	return os.Rename(f.Name(), path)
}

// result is one benchmark line.
type result struct {
	events, p50, p99 float64
}

var lineRE = regexp.MustCompile(`^BenchmarkKafkaEndToEnd/([\w-]+?)(?:-\d+)?\s+\d+\s+(.*)$`)

// parse reads the runs of each way in order: the k-th line of a way is
// round k. Lines are matched by name, so the order of the ways within a
// round does not matter.
func parse(r io.Reader, name string) (map[string][]result, error) {
	out := map[string][]result{}
	sc := bufio.NewScanner(r)
	for ln := 1; sc.Scan(); ln++ {
		m := lineRE.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		f := strings.Fields(m[2])
		if len(f)%2 != 0 {
			return nil, fmt.Errorf("%s:%d: want value/unit pairs after the iteration count, got %q", name, ln, m[2])
		}
		var res result
		var seen int
		for i := 0; i < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				return nil, fmt.Errorf("%s:%d: %q is not a number: %v", name, ln, f[i], err)
			}
			switch f[i+1] {
			case "events/s":
				res.events, seen = v, seen|1
			case "p50-ms":
				res.p50, seen = v, seen|2
			case "p99-ms":
				res.p99, seen = v, seen|4
			}
		}
		if seen != 7 {
			return nil, fmt.Errorf("%s:%d: want events/s, p50-ms and p99-ms metrics; run the benchmark of bench/e2e", name, ln)
		}
		out[m[1]] = append(out[m[1]], res)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no BenchmarkKafkaEndToEnd lines", name)
	}
	return out, nil
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func column(rs []result, f func(result) float64) []float64 {
	out := make([]float64, len(rs))
	for i, r := range rs {
		out[i] = f(r)
	}
	return out
}

// summarize prints the table and the goals; ok is false when a goal is missed.
func summarize(w io.Writer, runs map[string][]result) (ok bool, err error) {
	typed := runs["typed"]
	for _, way := range []string{"typed", "raw", "srserde"} {
		if len(runs[way]) == 0 {
			return false, fmt.Errorf("no runs of %s", way)
		}
		if len(runs[way]) != len(typed) {
			return false, fmt.Errorf("%d runs of %s but %d of typed: rounds do not pair", len(runs[way]), way, len(typed))
		}
	}
	// paired is the median over rounds of a's events/s over b's.
	paired := func(a, b string) float64 {
		rs := make([]float64, 0, len(runs[a]))
		for i := range min(len(runs[a]), len(runs[b])) {
			rs = append(rs, runs[a][i].events/runs[b][i].events)
		}
		return median(rs)
	}
	order := []string{"typed", "raw", "srserde"}
	var extra []string
	for way := range runs {
		if !slices.Contains(order, way) {
			extra = append(extra, way)
		}
	}
	slices.Sort(extra)
	fmt.Fprintln(w, "| way | runs | events/s (median) | spread | p50 ms | p99 ms | typed/way (paired) | way/raw (paired) |")
	fmt.Fprintln(w, "|---|--:|--:|--:|--:|--:|--:|--:|")
	for _, way := range append(order, extra...) {
		rs := runs[way]
		ev := column(rs, func(r result) float64 { return r.events })
		med := median(ev)
		spread := (slices.Max(ev) - slices.Min(ev)) / med
		fmt.Fprintf(w, "| %s | %d | %.0f | %.0f%% | %.1f | %.1f | %.2fx | %.2fx |\n", way, len(rs), med, spread*100,
			median(column(rs, func(r result) float64 { return r.p50 })),
			median(column(rs, func(r result) float64 { return r.p99 })), paired("typed", way), paired(way, "raw"))
	}
	raw, sr := paired("typed", "raw"), paired("typed", "srserde")
	ok = true
	verdict := func(met bool) string {
		if met {
			return "met"
		}
		ok = false
		return "NOT met"
	}
	fmt.Fprintf(w, "\n- typed >= 0.9x raw franz-go throughput: %s: typed/raw %.2fx\n", verdict(raw >= 0.9), raw)
	fmt.Fprintf(w, "- typed beats franz-go sr.Serde+hamba: %s: typed/srserde %.2fx\n", verdict(sr > 1), sr)
	return ok, nil
}
