package kafka

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
)

// TestDeadLetterNotRepeatedAfterCrash: a member dead-letters poison records
// and is killed (SIGKILL, a real process) before it commits. The next owner
// of the partitions reads the poison records again and must not write
// their dead letters a second time: the dead-letter topic ends with exactly
// one copy of each.
func TestDeadLetterNotRepeatedAfterCrash(t *testing.T) {
	brokers := cluster(t, 3, "orders", "orders-dlt")
	const n, every = 60, 6
	var evs []*testEvent
	for i := range n {
		id := fmt.Sprintf("ok-%d", i)
		if i%every == 0 {
			id = fmt.Sprintf("poison-%d", i)
		}
		evs = append(evs, newEvent(id, fmt.Sprintf("order-%d", i%7), i))
	}
	produce(t, brokers, "orders", evs...)
	poison := (n + every - 1) / every

	child := exec.Command(os.Args[0], "-test.run=^TestDeadLetterCrashChild$", "-test.count=1")
	child.Env = append(os.Environ(), "KAFKA_CRASH_CHILD="+strings.Join(brokers, ","))
	child.Stdout, child.Stderr = os.Stderr, os.Stderr
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	killed := false
	defer func() {
		if !killed {
			child.Process.Kill()
			child.Wait()
		}
	}()
	adm := kadm.NewClient(client(t, brokers))
	dltEnd := func() int64 {
		ends, err := adm.ListEndOffsets(context.Background(), "orders-dlt")
		if err != nil {
			t.Fatal(err)
		}
		var sum int64
		ends.Each(func(o kadm.ListedOffset) { sum += o.Offset })
		return sum
	}
	eventually(t, "the child's dead letters", func() bool { return dltEnd() == int64(poison) })
	if err := child.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	child.Wait()
	killed = true
	if c := committed(t, brokers, "g", "orders"); len(c) != 0 {
		t.Fatalf("the child committed %v before it was killed; the test needs uncommitted dead letters", c)
	}

	// The dead child stays a member until its session times out: keep it
	// short.
	opts := consumerOpts(brokers, "g", "orders")
	opts.Opts = crashSession
	c, err := NewConsumer(Decoder[testEvent](&jsonCodec{id: 7}), poisonHandler, opts)
	if err != nil {
		t.Fatal(err)
	}
	stop := runConsumer(t, c)
	eventually(t, "commits at the end of every partition", func() bool {
		var sum int64
		for _, o := range committed(t, brokers, "g", "orders") {
			sum += o
		}
		return sum == n
	})
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if got := dltEnd(); got != int64(poison) {
		t.Errorf("%d dead letters after the crash and the takeover, want exactly %d", got, poison)
	}
	if s := c.Stats(); s.DeadLetterRepeats != int64(poison) || s.DeadLettered != 0 {
		t.Errorf("stats %+v: want %d repeats found and none written again", s, poison)
	}
	seen := map[int64]bool{}
	for _, d := range readAll(t, brokers, "orders-dlt", poison) {
		off, _ := headerInt64(d.Headers, HeaderDLTOriginalOffset)
		p, _ := headerInt32(d.Headers, HeaderDLTOriginalPartition)
		if d.Partition != p {
			t.Errorf("dead letter of partition %d written to partition %d; want the same partition", p, d.Partition)
		}
		k := int64(p)<<32 | off
		if seen[k] {
			t.Errorf("partition %d offset %d dead-lettered twice", p, off)
		}
		seen[k] = true
	}
}

var crashSession = []kgo.Opt{kgo.SessionTimeout(6 * time.Second), kgo.HeartbeatInterval(300 * time.Millisecond)}

func poisonHandler(_ context.Context, m *Message[testEvent]) error {
	if strings.HasPrefix(m.EventID, "poison-") {
		return Permanent(fmt.Errorf("event %s: %w", m.EventID, errRefused))
	}
	return nil
}

// TestDeadLetterCrashChild is the member that TestDeadLetterNotRepeatedAfterCrash
// kills: it never commits on its own (the interval is an hour), so the
// offsets of its dead letters stay uncommitted.
func TestDeadLetterCrashChild(t *testing.T) {
	brokers := os.Getenv("KAFKA_CRASH_CHILD")
	if brokers == "" {
		t.Skip("run by TestDeadLetterNotRepeatedAfterCrash as a process it kills")
	}
	opts := consumerOpts(strings.Split(brokers, ","), "g", "orders")
	opts.CommitInterval = time.Hour
	opts.Opts = crashSession
	c, err := NewConsumer(Decoder[testEvent](&jsonCodec{id: 7}), poisonHandler, opts)
	if err != nil {
		t.Fatal(err)
	}
	c.Run(context.Background()) // until killed
}
