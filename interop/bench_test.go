package interop

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"gitlab.com/acme/avroctl/gen/compat"
	"gitlab.com/acme/avroctl/gen/compat/benchhistory"
	"gitlab.com/acme/avroctl/gen/schema"
	"gitlab.com/acme/avroctl/interop/javaharness"
)

// historySchema returns version v of a 40-field record whose history is
// FULL_TRANSITIVE compatible by construction (benchhistory, the history of
// every compatibility benchmark of the repository).
func historySchema(v int) []byte { return []byte(benchhistory.Version(v)) }

// compatWork is the work both sides time: the 1,001st version checked
// FULL_TRANSITIVE against 1,000 previous ones (2,000 reader/writer checks).
type compatWork struct {
	next     []byte
	previous [][]byte
}

func newCompatWork(versions int) compatWork {
	w := compatWork{next: historySchema(versions)}
	for v := 0; v < versions; v++ {
		w.previous = append(w.previous, historySchema(v))
	}
	return w
}

func (w compatWork) parse(tb testing.TB) (schema.Schema, []schema.Schema) {
	next, err := schema.Parse(w.next, schema.ParseOptions{})
	if err != nil {
		tb.Fatal(err)
	}
	prev := make([]schema.Schema, len(w.previous))
	for i, p := range w.previous {
		if prev[i], err = schema.Parse(p, schema.ParseOptions{}); err != nil {
			tb.Fatal(err)
		}
	}
	return next, prev
}

// BenchmarkCompatVsJava times compat.CheckLevel(FULL_TRANSITIVE) of a
// 40-field record against 1,000 previous versions (ns/op), then compares it
// with the JVM timing the same 2,000 reader/writer checks after warm-up, so
// the JIT has compiled the checker. On a shared machine the load changes
// from one second to the next, so the ratio is taken from interleaved
// rounds (Go, then Java, five times) and uses each side's fastest round.
// Parsing is excluded on both sides.
//
// The prepared figures (go-prep-*, x-*-prep) are the registry's way:
// compat.Prepare runs once per stored version, like parsing (excluded),
// and on the new schema inside every timed check (included); the check is
// compat.CheckLevelPrepared, which skips sub-schemas equal on both sides.
//
//	cd interop && go test -run '^$' -bench CompatVsJava -benchtime 20x .
func BenchmarkCompatVsJava(b *testing.B) {
	h := javaharness.Shared(b)
	work := newCompatWork(1000)
	next, prev := work.parse(b)
	if r := compat.CheckLevel(compat.FullTransitive, next, prev); !r.Compatible {
		b.Fatalf("benchmark history is not FULL_TRANSITIVE compatible in avroctl: %v", r.Incompatibilities)
	}
	prepared := make([]*compat.Prepared, len(prev))
	for i, p := range prev {
		prepared[i] = compat.Prepare(p)
	}
	checkPrepared := func() compat.Result {
		return compat.CheckLevelPrepared(compat.FullTransitive, compat.Prepare(next), prepared)
	}
	if r := checkPrepared(); !r.Compatible {
		b.Fatalf("prepared check disagrees: %v", r.Incompatibilities)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		compat.CheckLevel(compat.FullTransitive, next, prev)
	}
	b.StopTimer()

	const rounds, perRound = 5, 3
	goBest, javaBest := math.MaxFloat64, math.MaxFloat64
	goCPUBest, javaCPUBest := math.MaxFloat64, math.MaxFloat64
	prepBest, prepCPUBest := math.MaxFloat64, math.MaxFloat64
	for round := 0; round < rounds; round++ {
		// The prepared check is fast: time ten times as many to get above
		// the clock's and the CPU counter's resolution.
		cpu0, cpuOK := processCPU()
		start := time.Now()
		for i := 0; i < 10*perRound; i++ {
			checkPrepared()
		}
		prepBest = min(prepBest, float64(time.Since(start).Nanoseconds())/(10*perRound))
		if cpu1, _ := processCPU(); cpuOK {
			prepCPUBest = min(prepCPUBest, float64(cpu1-cpu0)/(10*perRound))
		}

		cpu0, cpuOK = processCPU()
		start = time.Now()
		for i := 0; i < perRound; i++ {
			compat.CheckLevel(compat.FullTransitive, next, prev)
		}
		goBest = min(goBest, float64(time.Since(start).Nanoseconds())/perRound)
		if cpu1, _ := processCPU(); cpuOK {
			goCPUBest = min(goCPUBest, float64(cpu1-cpu0)/perRound)
		}
		warmup := 0
		if round == 0 {
			warmup = 10
		}
		jr, err := h.BenchCompat(work.next, work.previous, perRound, warmup)
		if err != nil {
			b.Fatal(err)
		}
		if !jr.Compatible {
			b.Fatal("benchmark history is not FULL_TRANSITIVE compatible in Java")
		}
		javaBest = min(javaBest, float64(jr.ElapsedNs)/float64(jr.Iterations))
		javaCPUBest = min(javaCPUBest, float64(jr.CPUNs)/float64(jr.Iterations))
	}
	b.ReportMetric(goBest/1e6, "go-wall-ms")
	b.ReportMetric(javaBest/1e6, "java-wall-ms")
	b.ReportMetric(javaBest/goBest, "x-wall")
	b.ReportMetric(prepBest/1e6, "go-prep-wall-ms")
	b.ReportMetric(javaBest/prepBest, "x-wall-prep")
	if goCPUBest != math.MaxFloat64 {
		b.ReportMetric(goCPUBest/1e6, "go-cpu-ms")
		b.ReportMetric(javaCPUBest/1e6, "java-cpu-ms")
		b.ReportMetric(javaCPUBest/goCPUBest, "x-cpu")
		b.ReportMetric(prepCPUBest/1e6, "go-prep-cpu-ms")
		b.ReportMetric(javaCPUBest/prepCPUBest, "x-cpu-prep")
	}
}

var avroctlBin struct {
	once sync.Once
	path string
	err  error
}

// buildAvroctl builds the CLI once per test binary into a temp directory.
func buildAvroctl(tb testing.TB) string {
	tb.Helper()
	avroctlBin.once.Do(func() {
		dir, err := os.MkdirTemp("", "avroctl-interop-")
		if err != nil {
			avroctlBin.err = err
			return
		}
		avroctlBin.path = filepath.Join(dir, "avroctl")
		cmd := exec.Command("go", "build", "-o", avroctlBin.path, "./tools/avroctl")
		cmd.Dir = projectRoot(tb)
		if out, err := cmd.CombinedOutput(); err != nil {
			avroctlBin.err = fmt.Errorf("go build ./tools/avroctl: %v\n%s", err, out)
		}
	})
	if avroctlBin.err != nil {
		tb.Fatal(avroctlBin.err)
	}
	return avroctlBin.path
}

// idlBenchFiles are the example domain's IDL files.
func idlBenchFiles(tb testing.TB) []string {
	files, _ := filepath.Glob(filepath.Join(projectRoot(tb), "idl", "*", "*.avdl"))
	if len(files) == 0 {
		tb.Skip("no idl/*/*.avdl files in the project")
	}
	return files
}

// BenchmarkIDLvsJava compares whole processes, start-up included, because
// that is what a build pays: `avroctl idl FILE` against `java -jar
// harness.jar idl FILE` (which does what `avro-tools idl FILE` does). It
// runs avroctl b.N times over the example domain's files, then java a fixed
// number of times over the same files, and reports ms per invocation and
// the ratio.
func BenchmarkIDLvsJava(b *testing.B) {
	jar := javaharness.Jar(b)
	bin := buildAvroctl(b)
	files := idlBenchFiles(b)
	if out, err := exec.Command(bin, "idl", "--help").CombinedOutput(); err != nil {
		b.Skipf("avroctl has no idl command yet: %v\n%s", err, out)
	}
	// run runs one process and returns its wall and CPU time (all threads:
	// the JVM's JIT and GC threads count).
	run := func(name string, args ...string) (wall, cpu time.Duration) {
		cmd := exec.Command(name, args...)
		var stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = nil, &stderr
		start := time.Now()
		if err := cmd.Run(); err != nil {
			b.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, stderr.String())
		}
		wall = time.Since(start)
		return wall, cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	}
	b.ResetTimer()
	i := 0
	for b.Loop() {
		run(bin, "idl", files[i%len(files)])
		i++
	}
	b.StopTimer()

	// Interleaved rounds, fastest of each side: see BenchmarkCompatVsJava.
	const rounds = 5
	best := func(cur *time.Duration, d time.Duration) {
		if *cur == 0 || d < *cur {
			*cur = d
		}
	}
	var goWall, goCPU, javaWall, javaCPU time.Duration
	for round := 0; round < rounds; round++ {
		file := files[round%len(files)]
		w, c := run(bin, "idl", file)
		best(&goWall, w)
		best(&goCPU, c)
		w, c = run("java", "-jar", jar, "idl", file)
		best(&javaWall, w)
		best(&javaCPU, c)
	}
	ms := func(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1e6 }
	b.ReportMetric(ms(goWall), "avroctl-wall-ms")
	b.ReportMetric(ms(javaWall), "java-wall-ms")
	b.ReportMetric(ms(javaWall)/ms(goWall), "x-wall")
	b.ReportMetric(ms(goCPU), "avroctl-cpu-ms")
	b.ReportMetric(ms(javaCPU), "java-cpu-ms")
	b.ReportMetric(ms(javaCPU)/max(ms(goCPU), 0.001), "x-cpu")
}
