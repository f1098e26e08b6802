package main

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the current output")

// TestGolden runs the command on a saved benchmark run and compares its
// table with the golden file.
func TestGolden(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := run([]string{"-in", filepath.Join("testdata", "run.txt")}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	golden := filepath.Join("testdata", "run.golden")
	if *update {
		if err := os.WriteFile(golden, stdout.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if got := stdout.String(); got != string(want) {
		t.Errorf("output differs from %s (run with -update to accept):\n--- got\n%s--- want\n%s", golden, got, want)
	}
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"BenchmarkEncode/a-2 10 5.0 ns/op 7", `run.txt:1:34: value "7" has no unit`},
		{"ok\nBenchmarkEncode/a-2 10 x ns/op", `run.txt:2:24: bad measurement "x": want a non-negative number`},
		{"BenchmarkEncode/a-2 10 -1 ns/op", `run.txt:1:24: bad measurement "-1": want a non-negative number`},
		{"BenchmarkEncode/a-2 10 5 B/op", `run.txt:1:1: result has no ns/op`},
	} {
		_, err := Parse(strings.NewReader(tc.in), "run.txt")
		if err == nil || err.Error() != tc.want {
			t.Errorf("Parse(%q) error = %v, want %s", tc.in, err, tc.want)
		}
	}
}

func TestSummarize(t *testing.T) {
	rows := Summarize([]Result{
		{Group: "Encode", Impl: "gogen", NsPerOp: 200, BytesPerOp: 0, AllocsPerOp: 0},
		{Group: "Encode", Impl: "avroctl", NsPerOp: 100, BytesPerOp: 0, AllocsPerOp: 0},
		{Group: "Encode", Impl: "gogen", NsPerOp: 600, BytesPerOp: 0, AllocsPerOp: 0},
		{Group: "Encode", Impl: "avroctl", NsPerOp: 300, BytesPerOp: 0, AllocsPerOp: 0},
		{Group: "Decode", Impl: "hamba", NsPerOp: 10, BytesPerOp: -1, AllocsPerOp: -1},
	})
	if len(rows) != 3 {
		t.Fatalf("got %d rows, want 3: %+v", len(rows), rows)
	}
	if r := rows[0]; r.Impl != "avroctl" || r.NsPerOp != 200 || r.Runs != 2 || r.Ratio != 1 {
		t.Errorf("baseline row = %+v, want avroctl first, median 200 over 2 runs, ratio 1", r)
	}
	// Paired per run: 200/100 and 600/300, although the medians (400 and
	// 200) would also give 2; the unpaired ratio of run 1 alone would be 2,
	// of gogen's run 2 against avroctl's run 1 it would be 6.
	if r := rows[1]; r.Impl != "gogen" || r.Ratio != 2 {
		t.Errorf("gogen row = %+v, want paired ratio 2", r)
	}
	if r := rows[2]; r.Ratio != 0 || r.BytesPerOp != -1 {
		t.Errorf("row without baseline = %+v, want ratio 0 and unknown B/op", r)
	}
	goals := Goals(rows)
	if len(goals) != 2 || !goals[0].Known || !goals[0].Met || goals[1].Known {
		t.Errorf("goals = %+v, want encode known and met, decode unknown", goals)
	}
}

func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{{"-nope"}, {"extra"}, {"-in", filepath.Join(t.TempDir(), "missing.txt")}} {
		var stdout, stderr bytes.Buffer
		if code := run(args, &stdout, &stderr); code != 2 {
			t.Errorf("run(%q) = %d, want 2 (stderr %q)", args, code, stderr.String())
		}
	}
}

// FuzzParse checks that no input makes the parser panic and that every
// error it reports is located.
func FuzzParse(f *testing.F) {
	seed, err := os.ReadFile(filepath.Join("testdata", "run.txt"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(string(seed))
	f.Add("BenchmarkEncode/a-2 10 5.0 ns/op 7")
	f.Add("BenchmarkX-\nBenchmark 1 2")
	f.Fuzz(func(t *testing.T, in string) {
		rs, err := Parse(strings.NewReader(in), "f.txt")
		if err != nil {
			if !strings.HasPrefix(err.Error(), "f.txt:") {
				t.Fatalf("unlocated error %q", err)
			}
			return
		}
		rows := Summarize(rs)
		var out bytes.Buffer
		if err := WriteMarkdown(&out, rows, Goals(rows)); err != nil {
			t.Fatal(err)
		}
	})
}
