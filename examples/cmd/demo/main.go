// Command demo runs the example flow end to end on a fresh clone, with
// nothing but Go and Java 17, and prints what happened: `go run mage.go
// demo` from the repository root.
//
//  1. Apache Kafka 4.4.0 starts on a free 127.0.0.1 port (gen/kafkatest;
//     the first run fetches its jars from Maven Central);
//  2. avroctl serves an in-memory Schema Registry, and `avroctl registry
//     register` registers the contracts, as CI would;
//  3. payment-service publishes payments, some twice, some in CHF;
//  4. order-service makes one order per EUR payment, skips the duplicates,
//     dead-letters the CHF payments to payments-dlt;
//  5. `avroctl dlt inspect` shows the dead letters; order-service is fixed
//     (--currencies EUR,CHF) and `avroctl dlt replay` sends them back;
//  6. every payment has its order, once.
//
// Every process is a real binary built from this checkout, and all of
// them are stopped at the end, on Ctrl-C too.
package main

import (
	"bufio"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
	_ "modernc.org/sqlite"

	"gitlab.com/acme/avroctl/examples/internal/payment"
	"gitlab.com/acme/avroctl/gen/kafkatest"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "demo:", err)
		os.Exit(1)
	}
}

// The run's size: payments, every n-th sent twice, every m-th in CHF.
const (
	count        = 200
	dupEvery     = 10
	foreignEvery = 17
)

func run(ctx context.Context) error {
	root, err := repoRoot()
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "avroctl-demo-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	var procs []*exec.Cmd
	defer func() {
		for _, p := range procs {
			p.Process.Signal(syscall.SIGTERM)
			p.Wait()
		}
	}()

	step("building avroctl, payment-service and order-service")
	bins := map[string]string{}
	for name, pkg := range map[string]string{"avroctl": "./tools/avroctl", "payment-service": "./examples/payment-service", "order-service": "./examples/order-service"} {
		bins[name] = filepath.Join(tmp, name)
		dir, p := root, pkg
		if strings.HasPrefix(pkg, "./examples/") {
			dir, p = filepath.Join(root, "examples"), "./"+strings.TrimPrefix(pkg, "./examples/")
		}
		if err := runIn(ctx, dir, nil, io.Discard, "go", "build", "-o", bins[name], p); err != nil {
			return err
		}
	}

	step("starting Apache Kafka 4.4.0 (KRaft, one node)")
	t0 := time.Now()
	b, err := kafkatest.StartBroker(ctx, kafkatest.Options{Logf: func(f string, a ...any) { fmt.Printf("   "+f+"\n", a...) }})
	if err != nil {
		return err
	}
	defer b.Close()
	fmt.Printf("   ready on %s in %v\n", b.Bootstrap(), time.Since(t0).Round(100*time.Millisecond))

	step("serving a Schema Registry: avroctl registry serve --data \"\"")
	reg := exec.CommandContext(ctx, bins["avroctl"], "registry", "serve", "--listen", "127.0.0.1:0", "--data", "")
	out, err := reg.StderrPipe()
	if err != nil {
		return err
	}
	if err := reg.Start(); err != nil {
		return err
	}
	procs = append(procs, reg)
	url, err := readURL(out)
	if err != nil {
		return err
	}
	fmt.Println("   " + url)
	env := []string{"KAFKA_BOOTSTRAP_SERVERS=" + b.Bootstrap(), "REGISTRY_URL=" + url}

	step("registering the contracts, as CI does: avroctl registry register")
	var regOut strings.Builder
	if err := runIn(ctx, root, env, &regOut, bins["avroctl"], "registry", "register", "--url", url); err != nil {
		fmt.Print(regOut.String())
		return err
	}
	lines := strings.Split(strings.TrimSpace(regOut.String()), "\n")
	fmt.Println("   " + lines[len(lines)-1] + " (shared types such as Money as schema references)")

	step("creating the topics payments, payments-dlt and orders (3 partitions each)")
	cl, err := kgo.NewClient(kgo.SeedBrokers(b.Bootstrap()))
	if err != nil {
		return err
	}
	defer cl.Close()
	adm := kadm.NewClient(cl)
	if res, err := adm.CreateTopics(ctx, 3, 1, nil, "payments", "payments-dlt", "orders"); err != nil || res.Error() != nil {
		return errors.Join(err, res.Error())
	}

	step(fmt.Sprintf("payment-service: %d payments, every %dth sent twice, every %dth in CHF", count, dupEvery, foreignEvery))
	if err := runIn(ctx, root, env, indent(os.Stdout), bins["payment-service"], "--count", fmt.Sprint(count),
		"--duplicate-every", fmt.Sprint(dupEvery), "--foreign-every", fmt.Sprint(foreignEvery)); err != nil {
		return err
	}
	foreign := 0
	for n := 1; n <= count; n++ {
		if _, f := (payment.Options{DuplicateEvery: dupEvery, ForeignEvery: foreignEvery}).Kind(n); f {
			foreign++
		}
	}

	dbPath := filepath.Join(tmp, "orders.db")
	db, err := sql.Open("sqlite", "file:"+dbPath+"?_pragma=busy_timeout(10000)&mode=ro")
	if err != nil {
		return err
	}
	defer db.Close()
	orders := func() int {
		var n int
		if db.QueryRowContext(ctx, `SELECT COUNT(*) FROM orders`).Scan(&n) != nil {
			return -1
		}
		return n
	}

	step("order-service: consuming payments (its database: orders, inbox and outbox)")
	svc, err := startService(ctx, bins["order-service"], env, "--db", dbPath, "--register")
	if err != nil {
		return err
	}
	if err := waitUntil(ctx, fmt.Sprintf("%d orders and %d dead letters", count-foreign, foreign), func() bool {
		return orders() == count-foreign && endOffsets(ctx, adm, "payments-dlt") == int64(foreign)
	}); err != nil {
		return err
	}
	if err := stopService(svc); err != nil {
		return err
	}

	step("what is in partition 0 of the dead-letter topic: avroctl dlt inspect payments-dlt --partition 0")
	// Exit 1 would mean findings (a record that is not a dead letter, or
	// does not decode): there are none here.
	if err := runIn(ctx, root, env, indent(os.Stdout), bins["avroctl"], "dlt", "inspect", "payments-dlt", "--partition", "0"); err != nil {
		return err
	}

	step("the fix: order-service takes CHF (--currencies EUR,CHF); then avroctl dlt replay payments-dlt")
	svc, err = startService(ctx, bins["order-service"], env, "--db", dbPath, "--currencies", "EUR,CHF")
	if err != nil {
		return err
	}
	if err := runIn(ctx, root, env, indent(os.Stdout), bins["avroctl"], "dlt", "replay", "payments-dlt"); err != nil {
		return err
	}
	if err := waitUntil(ctx, fmt.Sprintf("%d orders", count), func() bool { return orders() == count }); err != nil {
		return err
	}
	if err := stopService(svc); err != nil {
		return err
	}
	created := endOffsets(ctx, adm, "orders")
	step(fmt.Sprintf("done: %d payments, %d orders in order-service's database, %d OrderCreated events on the orders topic", count, orders(), created))
	return nil
}

func step(s string) { fmt.Printf("\n== %s\n", s) }

// service is an order-service process and its output.
type service struct {
	cmd *exec.Cmd
	out *strings.Builder
}

func startService(ctx context.Context, bin string, env []string, args ...string) (*service, error) {
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = append(os.Environ(), env...)
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	return &service{cmd: cmd, out: &out}, nil
}

// stopService stops it as an orchestrator would (SIGTERM), and prints its
// summary.
func stopService(s *service) error {
	s.cmd.Process.Signal(syscall.SIGTERM)
	err := s.cmd.Wait()
	for _, l := range strings.Split(strings.TrimSpace(s.out.String()), "\n") {
		if !strings.Contains(l, "level=WARN") {
			fmt.Println("   " + l)
		}
	}
	if err != nil {
		return fmt.Errorf("order-service: %v", err)
	}
	return nil
}

func runIn(ctx context.Context, dir string, env []string, out io.Writer, name string, args ...string) error {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s %s: %w", filepath.Base(name), strings.Join(args, " "), err)
	}
	return nil
}

// indent prefixes each line written to w with three spaces.
func indent(w io.Writer) io.Writer {
	pr, pw := io.Pipe()
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			fmt.Fprintln(w, "   "+sc.Text())
		}
	}()
	return pw
}

// readURL reads the registry's first line, "registry: listening on URL ...",
// and keeps draining its output.
func readURL(r io.Reader) (string, error) {
	br := bufio.NewReader(r)
	line, err := br.ReadString('\n')
	if err != nil {
		return "", fmt.Errorf("avroctl registry serve: %w", err)
	}
	go io.Copy(io.Discard, br)
	f := strings.Fields(line)
	for _, w := range f {
		if strings.HasPrefix(w, "http://") {
			return w, nil
		}
	}
	return "", fmt.Errorf("avroctl registry serve said %q, not its URL", line)
}

func endOffsets(ctx context.Context, adm *kadm.Client, topic string) int64 {
	ends, err := adm.ListEndOffsets(ctx, topic)
	if err != nil || ends.Error() != nil {
		return -1
	}
	var n int64
	ends.Each(func(o kadm.ListedOffset) { n += o.Offset })
	return n
}

// waitUntil polls cond (state observed in the database or the broker)
// until it holds, for at most two minutes.
func waitUntil(ctx context.Context, what string, cond func() bool) error {
	limit := time.Now().Add(2 * time.Minute)
	for !cond() {
		if time.Now().After(limit) {
			return fmt.Errorf("timed out waiting for %s", what)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
	return nil
}

// repoRoot is the checkout's root: the parent of the examples module.
func repoRoot() (string, error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for d := wd; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "examples", "go.mod")); err == nil {
			return d, nil
		}
		if filepath.Dir(d) == d {
			return "", errors.New("run the demo inside the avroctl checkout (go run mage.go demo)")
		}
	}
}
