package examples_test

import (
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sasl/plain"

	"gitlab.com/acme/avroctl/examples/internal/order"
	"gitlab.com/acme/avroctl/examples/internal/payment"
	"gitlab.com/acme/avroctl/gen/kafkatest"
	"gitlab.com/acme/avroctl/kafka"
)

// TestBadInputOnKafka gives the shipped binaries what a bad day gives them,
// on Kafka 4.4 with SASL/PLAIN: each gets a clear error naming the cause,
// and nothing is lost.
func TestBadInputOnKafka(t *testing.T) {
	ctx := context.Background()
	b := kafkatest.Start(t, kafkatest.Options{Users: map[string]string{"svc": "right-password"}})
	_, url := startRegistry(t)
	bins := buildBinaries(t, t.TempDir())
	saslEnv := []string{"KAFKA_SASL_MECHANISM=PLAIN", "KAFKA_SASL_USERNAME=svc", "KAFKA_SASL_PASSWORD=right-password", "REGISTRY_URL=" + url}
	cl, err := kgo.NewClient(kgo.SeedBrokers(b.Bootstrap()), kgo.SASL(plain.Auth{User: "svc", Pass: "right-password"}.AsMechanism()))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	adm := kadm.NewClient(cl)
	ends := func(topic string) int64 {
		t.Helper()
		o, err := adm.ListEndOffsets(ctx, topic)
		if err == nil {
			err = o.Error()
		}
		if err != nil {
			t.Fatal(err)
		}
		var n int64
		o.Each(func(l kadm.ListedOffset) { n += l.Offset })
		return n
	}
	// run runs a binary and returns its exit code and output.
	run := func(env []string, bin string, args ...string) (int, string) {
		t.Helper()
		cmd := exec.Command(bin, args...)
		cmd.Env = append(os.Environ(), env...)
		out, err := cmd.CombinedOutput()
		if ee, ok := err.(*exec.ExitError); ok {
			return ee.ExitCode(), string(out)
		}
		if err != nil {
			t.Fatal(err)
		}
		return 0, string(out)
	}
	expect := func(code int, out string, wantCode int, want ...string) {
		t.Helper()
		if code != wantCode {
			t.Errorf("exit %d, want %d:\n%s", code, wantCode, out)
		}
		for _, w := range want {
			if !strings.Contains(out, w) {
				t.Errorf("output lacks %q:\n%s", w, out)
			}
		}
		t.Logf("exit %d: %s", code, strings.TrimSpace(lastLine(out)))
	}

	t.Run("unreachable broker", func(t *testing.T) {
		closed := closedPort(t)
		env := append([]string{"KAFKA_BOOTSTRAP_SERVERS=" + closed}, saslEnv...)
		code, out := run(env, bins["payment-service"], "--register", "--count", "1", "--connect-timeout", "1s")
		expect(code, out, 1, "cannot reach the cluster at "+closed, "connection refused", "check the bootstrap servers")
		code, out = run(env, bins["order-service"], "--register", "--db", filepath.Join(t.TempDir(), "o.db"), "--connect-timeout", "1s")
		expect(code, out, 1, "cannot reach the cluster at "+closed, "check the bootstrap servers")
	})

	t.Run("wrong SASL password", func(t *testing.T) {
		// A credentials error is not waited out: the connect timeout is
		// long, and the service still fails at once.
		env := []string{"KAFKA_BOOTSTRAP_SERVERS=" + b.Bootstrap(), "KAFKA_SASL_MECHANISM=PLAIN", "KAFKA_SASL_USERNAME=svc", "KAFKA_SASL_PASSWORD=wrong", "REGISTRY_URL=" + url}
		code, out := run(env, bins["payment-service"], "--register", "--count", "1", "--connect-timeout", "10m")
		expect(code, out, 1, "SASL", "check the SASL and TLS settings")
		if strings.Contains(out, "wrong") {
			t.Errorf("the password is in the output:\n%s", out)
		}
	})

	env := append([]string{"KAFKA_BOOTSTRAP_SERVERS=" + b.Bootstrap()}, saslEnv...)
	t.Run("missing topic", func(t *testing.T) {
		code, out := run(env, bins["order-service"], "--register", "--db", filepath.Join(t.TempDir(), "o.db"))
		expect(code, out, 1, "needs topics that do not exist: [payments payments-dlt]", "avroctl kafka apply")
	})

	if res, err := adm.CreateTopics(ctx, 1, 1, nil, payment.Topic, payment.Topic+"-dlt", order.OutTopic); err != nil || res.Error() != nil {
		t.Fatal(err, res.Error())
	}

	t.Run("unknown schema id", func(t *testing.T) {
		// A frame naming schema id 4242, which the registry never gave,
		// between two good payments.
		if code, out := run(env, bins["payment-service"], "--register", "--first", "1", "--count", "1"); code != 0 {
			t.Fatal(out)
		}
		bad := &kgo.Record{Topic: payment.Topic, Key: []byte("k"), Value: []byte{0, 0, 0, 0x10, 0x92, 2, 4, 6},
			Headers: []kgo.RecordHeader{{Key: kafka.HeaderID, Value: []byte("evt-unknown-schema")}}}
		if err := cl.ProduceSync(ctx, bad).FirstErr(); err != nil {
			t.Fatal(err)
		}
		if code, out := run(env, bins["payment-service"], "--first", "2", "--count", "1"); code != 0 {
			t.Fatal(out)
		}
		dbPath := filepath.Join(t.TempDir(), "o.db")
		svc := exec.Command(bins["order-service"], "--register", "--db", dbPath)
		svc.Env = append(os.Environ(), env...)
		var log strings.Builder
		svc.Stdout, svc.Stderr = &log, &log
		if err := svc.Start(); err != nil {
			t.Fatal(err)
		}
		db := openOrderDB(t, dbPath)
		waitFor(t, "2 orders and 1 dead letter", func() bool {
			n, _, _, err := order.Counts(ctx, db)
			return err == nil && n == 2 && ends(payment.Topic+"-dlt") == 1
		})
		svc.Process.Signal(syscall.SIGTERM)
		if err := svc.Wait(); err != nil {
			t.Fatalf("order-service: %v\n%s", err, log.String())
		}
		dlt := readTopicWith(t, cl, payment.Topic+"-dlt", 1)
		d, err := kafka.ParseDeadLetter(dlt[0])
		if err != nil {
			t.Fatal(err)
		}
		if string(dlt[0].Value) != string(bad.Value) || !strings.Contains(d.Message, "4242") || d.SchemaID != 4242 {
			t.Errorf("dead letter %+v, value %x", d, dlt[0].Value)
		}
		t.Logf("dead-lettered as %s: %s", d.ErrorClass, d.Message)
		offs, err := adm.FetchOffsets(ctx, order.Name)
		if err != nil {
			t.Fatal(err)
		}
		if o, _ := offs.Lookup(payment.Topic, 0); o.At != 3 {
			t.Errorf("group committed %d, want 3 (every record accounted for)", o.At)
		}
	})

	t.Run("dead-letter record without headers", func(t *testing.T) {
		before := ends(payment.Topic)
		stray := &kgo.Record{Topic: payment.Topic + "-dlt", Key: []byte("stray"), Value: []byte("not a dead letter")}
		if err := cl.ProduceSync(ctx, stray).FirstErr(); err != nil {
			t.Fatal(err)
		}
		code, out := run(env, bins["avroctl"], "dlt", "inspect", payment.Topic+"-dlt", "--url", url)
		expect(code, out, 1, "not a dead letter", "kafka_dlt-original-topic")
		code, out = run(env, bins["avroctl"], "dlt", "replay", payment.Topic+"-dlt")
		expect(code, out, 1, "skipped")
		// The stray record was not replayed; the real dead letter was.
		if n := ends(payment.Topic); n != before+1 {
			t.Errorf("payments grew by %d, want 1 (the real dead letter only)", n-before)
		}
		if n := ends(payment.Topic + "-dlt"); n != 2 {
			t.Errorf("the dead-letter topic holds %d records, want 2: replay only reads it", n)
		}
	})
}

// closedPort returns a 127.0.0.1 address nothing listens on.
func closedPort(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

func lastLine(s string) string {
	s = strings.TrimSpace(s)
	return s[strings.LastIndexByte(s, '\n')+1:]
}

// readTopicWith reads n records of topic from the start with cl's settings.
func readTopicWith(t *testing.T, base *kgo.Client, topic string, n int) []*kgo.Record {
	t.Helper()
	opts := base.Opts()
	cl, err := kgo.NewClient(append(opts, kgo.ConsumeTopics(topic), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))...)
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	var out []*kgo.Record
	waitFor(t, "records of "+topic, func() bool {
		ctx, cancel := context.WithTimeout(context.Background(), 200*1e6)
		defer cancel()
		out = append(out, cl.PollFetches(ctx).Records()...)
		return len(out) >= n
	})
	return out
}
