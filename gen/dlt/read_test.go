package dlt

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
)

func fakeCluster(t *testing.T, topics ...string) Connect {
	t.Helper()
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(2, topics...))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return func(opts ...kgo.Opt) (*kgo.Client, error) {
		return kgo.NewClient(append([]kgo.Opt{kgo.SeedBrokers(c.ListenAddrs()...)}, opts...)...)
	}
}

// deadLetter is a record as the runtime dead-letters it.
func deadLetter(i int, class string) *kgo.Record {
	hs := append([]kgo.RecordHeader{{Key: "ce_id", Value: []byte(fmt.Sprint("evt-", i))}}, springHeaders()[1:]...)
	for j := range hs {
		if hs[j].Key == HeaderExceptionFQCN {
			hs[j].Value = []byte(class)
		}
	}
	return &kgo.Record{Topic: "orders-dlt", Partition: int32(i % 2), Key: []byte(fmt.Sprint("key-", i)),
		Value: []byte{0, 0, 0, 0, 17, byte(i)}, Headers: hs}
}

func TestReadAndReplay(t *testing.T) {
	connect := fakeCluster(t, "orders-dlt", "orders")
	ctx := context.Background()
	cl, err := connect(kgo.RecordPartitioner(kgo.ManualPartitioner()))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	var recs []*kgo.Record
	for i := range 10 {
		class := "kafka.HandlerError"
		if i%3 == 0 {
			class = "kafka.TimeoutError"
		}
		recs = append(recs, deadLetter(i, class))
	}
	// A record someone wrote by hand: no dead-letter headers.
	recs = append(recs, &kgo.Record{Topic: "orders-dlt", Partition: 1, Key: []byte("stray"), Value: []byte("x")})
	if err := cl.ProduceSync(ctx, recs...).FirstErr(); err != nil {
		t.Fatal(err)
	}

	var got []*Record
	var progress int64
	st, err := Read(ctx, connect, "orders-dlt", ReadOptions{Filter: NewFilter(), Progress: func(read, total int64) { progress = total }},
		func(r *Record) error { got = append(got, r); return nil })
	if err != nil {
		t.Fatal(err)
	}
	if st.Read != 11 || st.Matched != 11 || st.NotDeadLetter != 1 || len(got) != 11 || progress != 11 {
		t.Fatalf("stats %+v, %d records, progress total %d", st, len(got), progress)
	}

	// The time-outs, by glob.
	f := NewFilter()
	f.ErrorClass = "*Timeout*"
	var chosen []*Record
	st, err = Read(ctx, connect, "orders-dlt", ReadOptions{Filter: f}, func(r *Record) error { chosen = append(chosen, r); return nil })
	if err != nil || st.Matched != 4 || len(chosen) != 4 {
		t.Fatalf("filtered: %+v %v", st, err)
	}
	// Partition and offsets narrow what is fetched.
	f = NewFilter()
	f.Partitions, f.FromOffset, f.ToOffset = []int32{1}, 1, 2
	var narrow []*Record
	if st, err = Read(ctx, connect, "orders-dlt", ReadOptions{Filter: f}, func(r *Record) error { narrow = append(narrow, r); return nil }); err != nil ||
		st.Read != 2 || narrow[0].Partition != 1 || narrow[0].Offset != 1 || narrow[1].Offset != 2 {
		t.Fatalf("narrow: %+v %v", st, err)
	}
	f.Partitions = []int32{7}
	if _, err := Read(ctx, connect, "orders-dlt", ReadOptions{Filter: f}, func(*Record) error { return nil }); err == nil {
		t.Fatal("a partition that does not exist was accepted")
	}
	if _, err := Read(ctx, connect, "nope", ReadOptions{Filter: NewFilter()}, func(*Record) error { return nil }); err == nil {
		t.Fatal("a topic that does not exist was accepted")
	}

	// Replay the time-outs; the stray record and a loop are refused.
	var reps []Replay
	for _, r := range chosen {
		rec, err := ReplayRecord(r, "")
		if err != nil {
			t.Fatal(err)
		}
		reps = append(reps, Replay{From: r, Record: rec})
	}
	var stray *Record
	for _, r := range got {
		if string(r.Key) == "stray" {
			stray = r
		}
	}
	if _, err := ReplayRecord(stray, ""); err == nil || err.Error() != "orders-dlt/1@5: not replayed: not a dead letter: no kafka_dlt-original-topic header" {
		t.Fatalf("stray: %v", err)
	}
	if _, err := ReplayRecord(chosen[0], "orders-dlt"); err == nil {
		t.Fatal("a replay into the dead-letter topic was accepted")
	}
	pcl, err := connect(ProducerOpts()...)
	if err != nil {
		t.Fatal(err)
	}
	defer pcl.Close()
	if n, err := Produce(ctx, pcl, reps); err != nil || n != 4 {
		t.Fatalf("produce: %d %v", n, err)
	}

	// The source topic has the records, headers minus the runtime's.
	var back []*Record
	if _, err := Read(ctx, connect, "orders", ReadOptions{Filter: NewFilter()}, func(r *Record) error { back = append(back, r); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(back) != 4 {
		t.Fatalf("%d records in orders", len(back))
	}
	for _, b := range back {
		i := slices.IndexFunc(chosen, func(c *Record) bool { return bytes.Equal(c.Key, b.Key) })
		if i < 0 || !bytes.Equal(chosen[i].Value, b.Value) {
			t.Fatalf("replayed %q: not a chosen record", b.Key)
		}
		if len(b.Headers) != 2 || b.Headers[0].Key != "ce_id" || b.Headers[1].Key != "traceparent" || b.DeadLetter != nil {
			t.Fatalf("headers of %q: %+v", b.Key, b.Headers)
		}
	}
	// The dead-letter topic is unchanged.
	st, err = Read(ctx, connect, "orders-dlt", ReadOptions{Filter: NewFilter()}, func(*Record) error { return nil })
	if err != nil || st.Read != 11 {
		t.Fatalf("after the replay: %+v %v", st, err)
	}
}

// An empty topic reads nothing and ends.
func TestReadEmpty(t *testing.T) {
	connect := fakeCluster(t, "empty-dlt")
	st, err := Read(context.Background(), connect, "empty-dlt", ReadOptions{Filter: NewFilter()}, func(*Record) error { return nil })
	if err != nil || st.Read != 0 {
		t.Fatalf("%+v %v", st, err)
	}
}
