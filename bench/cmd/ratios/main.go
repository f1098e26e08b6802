// Command ratios runs the bench module's benchmarks (or reads a saved run),
// takes the median of each benchmark over its runs and prints time/op,
// allocs/op and the time ratio against avroctl, plus whether the generated
// code meets its performance goals.
//
// Usage, from the bench directory:
//
//	go run ./cmd/ratios                    # 10 rounds of every benchmark, -benchmem
//	go run ./cmd/ratios -count 3 -save raw.txt
//	go run ./cmd/ratios -in raw.txt        # summarize a saved run (also fine for benchstat)
//
// The test binary is built once and run -count times with -test.count 1,
// so each round runs every implementation once: on a shared machine, load
// that comes and goes then hits all implementations alike instead of
// whichever one happened to be running (go test -count 10 runs each
// benchmark ten times in a row). Medians, not means: the median ignores the
// few rounds that land on a busy core.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
)

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("ratios", flag.ContinueOnError)
	fs.SetOutput(stderr)
	count := fs.Int("count", 10, "rounds: how many times each benchmark runs")
	bench := fs.String("bench", ".", "benchmarks to run (go test -bench)")
	benchtime := fs.String("benchtime", "", "go test -benchtime, empty for the default")
	in := fs.String("in", "", "read saved `go test -bench` output from this file instead of running")
	save := fs.String("save", "", "also write the raw benchmark output to this file (input for benchstat)")
	dir := fs.String("C", ".", "the bench module directory to run go test in")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: ratios [flags]\n\nExample:\n  go run ./cmd/ratios -count 10 -save bench.txt\n  go run ./cmd/ratios -in bench.txt\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() != 0 {
		fmt.Fprintf(stderr, "ratios: unexpected arguments %q\n", fs.Args())
		return 2
	}

	var raw []byte
	name := *in
	if *in != "" {
		b, err := os.ReadFile(*in)
		if err != nil {
			fmt.Fprintf(stderr, "ratios: %v\n", err)
			return 2
		}
		raw = b
	} else {
		b, err := runRounds(*dir, *count, *bench, *benchtime, stderr)
		if err != nil {
			fmt.Fprintf(stderr, "ratios: %v\n", err)
			return 1
		}
		raw = b
		name = "go test output"
	}
	if *save != "" {
		if err := writeFileAtomic(*save, raw); err != nil {
			fmt.Fprintf(stderr, "ratios: %v\n", err)
			return 2
		}
	}

	results, err := Parse(bytes.NewReader(raw), name)
	if err != nil {
		fmt.Fprintf(stderr, "ratios: %v\n", err)
		return 2
	}
	if len(results) == 0 {
		fmt.Fprintf(stderr, "ratios: no Benchmark<Group>/<impl> results in %s\n", name)
		return 2
	}
	rows := Summarize(results)
	if err := WriteMarkdown(stdout, rows, Goals(rows)); err != nil {
		fmt.Fprintf(stderr, "ratios: %v\n", err)
		return 2
	}
	return 0
}

// writeFileAtomic writes through a temporary file and a rename, so a
// crash never leaves half a file behind.
func writeFileAtomic(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}

// runRounds builds the bench test binary and runs it count times, each time
// running every benchmark once, and returns the concatenated output.
func runRounds(dir string, count int, bench, benchtime string, stderr io.Writer) ([]byte, error) {
	if count < 1 {
		return nil, fmt.Errorf("-count %d: want at least 1", count)
	}
	tmp, err := os.MkdirTemp("", "ratios")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	bin := filepath.Join(tmp, "bench.test")
	build := exec.Command("go", "test", "-c", "-o", bin, ".")
	build.Dir = dir
	build.Stdout, build.Stderr = stderr, stderr
	if err := build.Run(); err != nil {
		return nil, fmt.Errorf("go test -c: %w", err)
	}
	args := []string{"-test.run", "^$", "-test.bench", bench, "-test.benchmem", "-test.count", "1"}
	if benchtime != "" {
		args = append(args, "-test.benchtime", benchtime)
	}
	var all bytes.Buffer
	for i := 1; i <= count; i++ {
		fmt.Fprintf(stderr, "ratios: round %d/%d\n", i, count)
		cmd := exec.Command(bin, args...)
		cmd.Dir = dir
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, stderr
		if err := cmd.Run(); err != nil {
			stderr.Write(out.Bytes())
			return nil, fmt.Errorf("round %d: %w", i, err)
		}
		all.Write(out.Bytes())
	}
	return all.Bytes(), nil
}
