package ocftojson

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"gitlab.com/acme/avroctl/events/v2/avro"
	"gitlab.com/acme/avroctl/events/v2/orders"
	"gitlab.com/acme/avroctl/events/v2/shared"
	"gitlab.com/acme/avroctl/gen/avrotools"
	"gitlab.com/acme/avroctl/gen/ocf"
)

// TestOCFToJSONVsAvroTools writes a container file of seeded random
// OrderCreated events (deflate, then null) of a given size, checks that
// avroctl and avro-tools print the same lines for a small one, then runs
// `avroctl ocf tojson FILE > /dev/null` and
// `java -jar avro-tools.jar tojson FILE > /dev/null` on the big one, one
// after the other, and prints the wall-time ratio, CPU times and each
// process's peak RSS (the kernel's VmHWM of each). avroctl's RSS on the small and the big file
// shows that its memory does not grow with the file.
//
// The size is AVROCTL_BENCH_OCF_GB gigabytes (of file, per codec; e.g. 1),
// else 16 MiB: a smoke run for CI, where JVM start-up dominates the ratio.
// AVROCTL_BENCH_OCF_CODECS picks the codecs (default deflate,null);
// AVROCTL_BENCH_OCF_DIR keeps the files for a rerun.
// Nothing asserts on time; the test fails when the outputs differ or when
// avroctl's peak RSS grows with the file.
func TestOCFToJSONVsAvroTools(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: writes a container file and starts a JVM")
	}
	jar := avroTools(t)
	size := int64(16 << 20)
	if v := os.Getenv("AVROCTL_BENCH_OCF_GB"); v != "" {
		gb, err := strconv.ParseFloat(v, 64)
		if err != nil || gb <= 0 {
			t.Fatalf("AVROCTL_BENCH_OCF_GB=%q: want a positive number of gigabytes", v)
		}
		size = int64(gb * (1 << 30))
	}
	dir := t.TempDir()
	if d := os.Getenv("AVROCTL_BENCH_OCF_DIR"); d != "" {
		dir = d // a disk with room for the files, kept for a rerun
	}
	bin := filepath.Join(dir, "avroctl")
	build := exec.Command("go", "build", "-o", bin, "./tools/avroctl")
	build.Dir = "../.."
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build avroctl: %v\n%s", err, out)
	}
	schemaText, err := os.ReadFile("../../schemas/com.acme.events.orders.OrderCreated.avsc")
	if err != nil {
		t.Fatal(err)
	}

	codecs := []string{ocf.CodecDeflate, ocf.CodecNull}
	if v := os.Getenv("AVROCTL_BENCH_OCF_CODECS"); v != "" {
		codecs = strings.Split(v, ",") // e.g. null: one codec of a rerun
	}
	for _, codec := range codecs {
		small := filepath.Join(dir, "small-"+codec+".avro")
		writeEvents(t, small, string(schemaText), codec, 1<<20)
		ourSmall := run(t, io.Discard, bin, "ocf", "tojson", small)
		var a, b bytes.Buffer
		run(t, &a, bin, "ocf", "tojson", small)
		run(t, &b, "java", "-cp", jar, "org.apache.avro.tool.Main", "tojson", small)
		if a.Len() == 0 || !bytes.Equal(a.Bytes(), b.Bytes()) {
			t.Fatalf("%s: avroctl and avro-tools print different lines (%d and %d bytes, sha256 %x %x)", codec, a.Len(), b.Len(), sha256.Sum256(a.Bytes()), sha256.Sum256(b.Bytes()))
		}

		big := filepath.Join(dir, fmt.Sprintf("events-%s-%d.avro", codec, size))
		if st, err := os.Stat(big); err != nil || st.Size() < size {
			writeEvents(t, big, string(schemaText), codec, size)
		}
		st, _ := os.Stat(big)
		ours := run(t, io.Discard, bin, "ocf", "tojson", big)
		java := run(t, io.Discard, "java", "-cp", jar, "org.apache.avro.tool.Main", "tojson", big)
		t.Logf("%s, %.2f GiB file (%s records): avroctl %v (cpu %v, peak RSS %d MiB; %d MiB on a 1 MiB file), avro-tools %v (cpu %v, peak RSS %d MiB): avroctl %.1fx faster (wall), %.1fx less CPU",
			codec, float64(st.Size())/(1<<30), records(t, bin, big),
			ours.wall.Round(time.Millisecond), ours.cpu.Round(time.Millisecond), ours.rss>>20, ourSmall.rss>>20,
			java.wall.Round(time.Millisecond), java.cpu.Round(time.Millisecond), java.rss>>20,
			java.wall.Seconds()/ours.wall.Seconds(), java.cpu.Seconds()/ours.cpu.Seconds())
		// Streaming: the big file costs about what the small one does. The
		// margin is the GC's slack: on a loaded machine the collector runs
		// late and the heap overshoots (1 GiB runs measured 29-152 MiB); a
		// reader that held the file would need at least its size.
		if ours.rss > 2*ourSmall.rss+64<<20+st.Size()/8 {
			t.Errorf("%s: avroctl's peak RSS is %d MiB on %d MiB of file, %d MiB on 1 MiB: memory grows with the file", codec, ours.rss>>20, st.Size()>>20, ourSmall.rss>>20)
		}
	}
}

type usage struct {
	wall, cpu time.Duration
	rss       int64 // bytes
}

// run runs a command with stdout to w (io.Discard: /dev/null) and returns
// its wall time, user+system CPU (rusage) and peak RSS (VmHWM).
func run(t *testing.T, w io.Writer, name string, args ...string) usage {
	t.Helper()
	cmd := exec.Command(name, args...)
	if w == io.Discard {
		null, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
		if err != nil {
			t.Fatal(err)
		}
		defer null.Close()
		cmd.Stdout = null
	} else {
		cmd.Stdout = w
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	start := time.Now()
	// Start returns once the child has exec'd (os/exec forks with
	// CLONE_VFORK), so from here /proc/PID/status is the child's own
	// memory. Its VmHWM is the kernel's peak RSS of that program, sampled
	// until it exits. Why not rusage's ru_maxrss: the child is forked
	// sharing this test's memory until exec, and Linux counts that memory
	// in ru_maxrss, so every child would report at least the test's RSS.
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	peak := make(chan int64)
	go func() {
		var hwm int64
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		for {
			if v := vmHWM(cmd.Process.Pid); v > hwm {
				hwm = v
			}
			select {
			case <-done:
				peak <- hwm
				return
			case <-tick.C:
			}
		}
	}()
	err := cmd.Wait()
	wall := time.Since(start)
	close(done)
	rss := <-peak
	if err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, stderr.String())
	}
	return usage{wall: wall, cpu: cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime(), rss: rss}
}

// vmHWM reads a process's peak resident set size (bytes) from
// /proc/PID/status; 0 when it cannot.
func vmHWM(pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range bytes.Split(b, []byte("\n")) {
		if v, ok := bytes.CutPrefix(line, []byte("VmHWM:")); ok {
			kb, _ := strconv.ParseInt(string(bytes.TrimSpace(bytes.TrimSuffix(bytes.TrimSpace(v), []byte("kB")))), 10, 64)
			return kb << 10
		}
	}
	return 0
}

func records(t *testing.T, bin, file string) string {
	var b bytes.Buffer
	run(t, &b, bin, "ocf", "count", file)
	return string(bytes.TrimSpace(b.Bytes()))
}

// writeEvents writes OrderCreated events from a fixed seed until the file
// reaches size bytes: the same file every time.
func writeEvents(t *testing.T, path, schemaText, codec string, size int64) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cw := &countingWriter{w: f}
	w, err := ocf.NewWriter(cw, schemaText, ocf.WriterOptions{Codec: codec, Sync: [16]byte{'b', 'e', 'n', 'c', 'h'}})
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(1, 2))
	var buf []byte
	for i := int64(0); cw.n < size; i++ {
		ev := event(r, i)
		if buf, err = ev.AppendAvro(buf[:0]); err != nil {
			t.Fatal(err)
		}
		if err := w.Append(buf); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

var (
	skus     = []string{"SKU-1001", "SKU-2002", "SKU-3003", "SKU-4004", "SKU-5005", "SKU-6006"}
	names    = []string{"Espresso beans 1kg", "Grinder, conical burr", "Milk jug 600 ml", "Tamper 58 mm", "Descaler (3 pack)", "Café crème cups ×6"}
	cities   = []string{"Lyon", "Berlin", "Zürich", "Madrid", "Porto", "Gdańsk"}
	channels = []string{"web", "app", "store"}
)

func uuid(r *rand.Rand) avro.UUID {
	var u avro.UUID
	for i := range u {
		u[i] = byte(r.Uint32())
	}
	u[6] = u[6]&0x0f | 0x40 // version 4
	u[8] = u[8]&0x3f | 0x80
	return u
}

// event is a plausible OrderCreated: 1-5 lines, prices in cents, an
// address, a few attributes, an optional coupon and channel.
func event(r *rand.Rand, i int64) orders.OrderCreated {
	str := func(s string) *string { return &s }
	var corr *string
	if r.IntN(2) == 0 {
		corr = str(fmt.Sprintf("saga-%08d", r.IntN(1e8)))
	}
	ev := orders.OrderCreated{
		Metadata: shared.EventMetadata{
			EventID:       uuid(r),
			EventType:     "OrderCreated",
			OccurredAt:    time.UnixMilli(1_760_000_000_000 + i*37).UTC(),
			Producer:      "order-service",
			CorrelationID: corr,
		},
		OrderID:    uuid(r),
		CustomerID: fmt.Sprintf("cust-%06d", r.IntN(1e6)),
		ShippingAddress: orders.Address{
			Line1:      fmt.Sprintf("%d rue de la Gare", 1+r.IntN(200)),
			PostalCode: fmt.Sprintf("%05d", r.IntN(1e5)),
			City:       cities[r.IntN(len(cities))],
			Country:    "FR",
		},
		Attributes: map[string]string{"source": "checkout", "ab": strconv.Itoa(r.IntN(4))},
	}
	if r.IntN(3) == 0 {
		ev.ShippingAddress.Line2 = str("Bâtiment B")
	}
	if r.IntN(5) == 0 {
		ev.Coupon = str("WELCOME10")
	}
	if r.IntN(4) != 0 {
		ev.Channel = str(channels[r.IntN(len(channels))])
	}
	var total int64
	for range 1 + r.IntN(5) {
		k := r.IntN(len(skus))
		q, cents := 1+r.IntN(3), int64(199+r.IntN(20000))
		total += int64(q) * cents
		ev.Items = append(ev.Items, orders.LineItem{SKU: skus[k], Name: names[k], Quantity: int32(q),
			UnitPrice: shared.Money{Amount: avro.NewDecimal(cents, 2), Currency: "EUR"}})
	}
	ev.Total = shared.Money{Amount: avro.NewDecimal(total, 2), Currency: "EUR"}
	return ev
}

// avroTools returns the class path of avro-tools (and zstd-jni, for a
// zstandard rerun) from gen/avrotools, which fetches them once with Maven;
// skips when this machine cannot run avro-tools (fails when
// AVROCTL_REQUIRE_JAVA=1).
func avroTools(t *testing.T) string {
	t.Helper()
	jars, err := avrotools.Find(t.Context(), t.Logf)
	if errors.Is(err, avrotools.ErrUnavailable) {
		if os.Getenv("AVROCTL_REQUIRE_JAVA") == "1" {
			t.Fatal(err)
		}
		t.Skip("skipped the benchmark against avro-tools: " + err.Error())
	} else if err != nil {
		t.Fatal(err)
	}
	return jars.Classpath()
}
