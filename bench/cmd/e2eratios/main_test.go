package main

import (
	"bytes"
	"strings"
	"testing"
)

const sample = `goos: linux
BenchmarkKafkaEndToEnd/typed-2         	   20000	     19294 ns/op	     50000 events/s	       150.3 p50-ms	       250.2 p99-ms
BenchmarkKafkaEndToEnd/raw-2           	   20000	     22078 ns/op	     50000 events/s	       322.6 p50-ms	       390.0 p99-ms
BenchmarkKafkaEndToEnd/srserde-2       	   20000	     24414 ns/op	     40000 events/s	       301.9 p50-ms	       443.4 p99-ms
BenchmarkKafkaEndToEnd/typed-2         	   20000	     33494 ns/op	     30000 events/s	       453.6 p50-ms	       557.0 p99-ms
BenchmarkKafkaEndToEnd/raw-2           	   20000	     16921 ns/op	     40000 events/s	       263.1 p50-ms	       283.5 p99-ms
BenchmarkKafkaEndToEnd/srserde-2       	   20000	     39051 ns/op	     20000 events/s	       494.7 p50-ms	       637.9 p99-ms
BenchmarkKafkaEndToEnd/typed-2         	   20000	     27911 ns/op	     36000 events/s	       169.4 p50-ms	       277.0 p99-ms
BenchmarkKafkaEndToEnd/raw-2           	   20000	     32047 ns/op	     40000 events/s	       600.3 p50-ms	       608.5 p99-ms
BenchmarkKafkaEndToEnd/srserde-2       	   20000	      9450 ns/op	     40000 events/s	        99.11 p50-ms	       122.2 p99-ms
BenchmarkKafkaEndToEnd/typed-producer-2       	   20000	      9450 ns/op	     20000 events/s	        1.0 p50-ms	       2.0 p99-ms
PASS
`

func TestSummary(t *testing.T) {
	var out, errs bytes.Buffer
	code := run([]string{"-in", "-"}, strings.NewReader(sample), &out, &errs)
	// typed/raw per round: 1.0, 0.75, 0.9 -> median 0.9 (met);
	// typed/srserde: 1.25, 1.5, 0.9 -> median 1.25 (met).
	if code != 0 {
		t.Fatalf("exit %d, stderr %q, out:\n%s", code, errs.String(), out.String())
	}
	for _, want := range []string{
		"| typed | 3 | 36000 | 56% | 169.4 | 277.0 | 1.00x | 0.90x |",
		"| raw | 3 | 40000 | 25% | 322.6 | 390.0 | 0.90x | 1.00x |",
		"| typed-producer | 1 | 20000 | 0% | 1.0 | 2.0 | 2.50x | 0.40x |",
		"typed >= 0.9x raw franz-go throughput: met: typed/raw 0.90x",
		"typed beats franz-go sr.Serde+hamba: met: typed/srserde 1.25x",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}

func TestGoalMissedExitsOne(t *testing.T) {
	in := strings.ReplaceAll(sample, "36000 events/s", "1000 events/s")
	in = strings.ReplaceAll(in, "50000 events/s", "1000 events/s")
	var out, errs bytes.Buffer
	if code := run([]string{"-in", "-"}, strings.NewReader(in), &out, &errs); code != 1 || !strings.Contains(out.String(), "NOT met") {
		t.Fatalf("exit %d, out:\n%s", code, out.String())
	}
}

func TestBadInput(t *testing.T) {
	for name, in := range map[string]string{
		"empty":    "PASS\n",
		"unpaired": "BenchmarkKafkaEndToEnd/typed-2 1 1 ns/op 1 events/s 1 p50-ms 1 p99-ms\n",
		"metrics":  "goos: linux\nBenchmarkKafkaEndToEnd/typed-2 1 1 ns/op\n",
		"number":   "BenchmarkKafkaEndToEnd/typed-2 1 x ns/op 1 events/s 1 p50-ms 1 p99-ms\n",
	} {
		var out, errs bytes.Buffer
		if code := run([]string{"-in", "-"}, strings.NewReader(in), &out, &errs); code != 2 || errs.Len() == 0 {
			t.Errorf("%s: exit %d, stderr %q", name, code, errs.String())
		}
	}
	var out, errs bytes.Buffer
	if code := run([]string{"-in", "/nonexistent/x"}, nil, &out, &errs); code != 2 {
		t.Errorf("missing file: exit %d", code)
	}
}
