package main

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Result is one line of `go test -bench` output.
type Result struct {
	// Group is the top-level benchmark without "Benchmark" ("Encode").
	Group string
	// Impl is the sub-benchmark name ("avroctl").
	Impl        string
	NsPerOp     float64
	BytesPerOp  float64 // -1 when the line has no B/op
	AllocsPerOp float64 // -1 when the line has no allocs/op
}

// ParseError is a malformed benchmark line, located as file:line:col.
type ParseError struct {
	File string
	Line int
	Col  int
	Msg  string
}

func (e *ParseError) Error() string { return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Col, e.Msg) }

// Parse reads `go test -bench` output and returns the results of the
// benchmarks written as BenchmarkGroup/impl. Other lines (goos, PASS, logs,
// skips) are ignored; a line that starts like a benchmark result but does
// not parse is an error, so a truncated run is not silently half-counted.
func Parse(r io.Reader, filename string) ([]Result, error) {
	var out []Result
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if !strings.HasPrefix(line, "Benchmark") {
			continue
		}
		fields := strings.Fields(line)
		if len(fields) < 2 {
			continue // "BenchmarkX" alone: a name printed before a skip or log
		}
		if _, err := strconv.ParseInt(fields[1], 10, 64); err != nil {
			continue // not a result line (for example "BenchmarkFoo: some log")
		}
		res, col, err := parseResult(fields, line)
		if err != nil {
			return nil, &ParseError{File: filename, Line: n, Col: col, Msg: err.Error()}
		}
		if res.Impl == "" {
			continue // a benchmark without sub-benchmarks is not ours
		}
		out = append(out, res)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", filename, err)
	}
	return out, nil
}

// parseResult parses the fields of one result line: name, iterations, then
// value/unit pairs. col is the 1-based column of the offending field.
func parseResult(fields []string, line string) (res Result, col int, err error) {
	name := trimProcs(strings.TrimPrefix(fields[0], "Benchmark"))
	res.Group, res.Impl, _ = strings.Cut(name, "/")
	res.NsPerOp, res.BytesPerOp, res.AllocsPerOp = -1, -1, -1
	pairs := fields[2:]
	if len(pairs)%2 != 0 {
		return res, columnOf(line, fields, len(fields)-1), fmt.Errorf("value %q has no unit", pairs[len(pairs)-1])
	}
	for i := 0; i < len(pairs); i += 2 {
		v, err := strconv.ParseFloat(pairs[i], 64)
		if err != nil || v < 0 {
			return res, columnOf(line, fields, 2+i), fmt.Errorf("bad measurement %q: want a non-negative number", pairs[i])
		}
		switch pairs[i+1] {
		case "ns/op":
			res.NsPerOp = v
		case "B/op":
			res.BytesPerOp = v
		case "allocs/op":
			res.AllocsPerOp = v
		}
	}
	if res.NsPerOp < 0 {
		return res, columnOf(line, fields, 0), fmt.Errorf("result has no ns/op")
	}
	return res, 0, nil
}

// trimProcs removes the "-N" GOMAXPROCS suffix go test adds to names.
func trimProcs(name string) string {
	i := strings.LastIndexByte(name, '-')
	if i < 0 || i == len(name)-1 {
		return name
	}
	for _, c := range name[i+1:] {
		if c < '0' || c > '9' {
			return name
		}
	}
	return name[:i]
}

// columnOf returns the 1-based byte column where fields[k] starts in line.
func columnOf(line string, fields []string, k int) int {
	off := 0
	for i := 0; i <= k && i < len(fields); i++ {
		j := strings.Index(line[off:], fields[i])
		if j < 0 {
			return 1
		}
		if i == k {
			return off + j + 1
		}
		off += j + len(fields[i])
	}
	return 1
}
