package kcat

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
)

// TestRead: each start, partitions, count, and an error of fn, on a
// kfake topic of two partitions holding 3 and 1 records.
func TestRead(t *testing.T) {
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.Ports(0), kfake.SeedTopics(2, "t"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	connect := func(opts ...kgo.Opt) (*kgo.Client, error) {
		return kgo.NewClient(append([]kgo.Opt{kgo.SeedBrokers(c.ListenAddrs()...)}, opts...)...)
	}
	cl, err := connect(kgo.RecordPartitioner(kgo.ManualPartitioner()))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ctx := context.Background()
	past := time.Now().Add(-time.Hour)
	if err := cl.ProduceSync(ctx,
		&kgo.Record{Topic: "t", Partition: 0, Value: []byte("a"), Timestamp: past},
		&kgo.Record{Topic: "t", Partition: 0, Value: []byte("b")},
		&kgo.Record{Topic: "t", Partition: 0, Value: []byte("c")},
		&kgo.Record{Topic: "t", Partition: 1, Value: []byte("d")},
	).FirstErr(); err != nil {
		t.Fatal(err)
	}
	read := func(from string, o Options) (string, error) {
		st, err := ParseStart(from, time.Now())
		if err != nil {
			return "", err
		}
		o.From = st
		got := map[int32]string{}
		err = Read(ctx, connect, "t", o, func(r *kgo.Record) error {
			got[r.Partition] += string(r.Value)
			return nil
		})
		return fmt.Sprint(got), err
	}
	for _, tc := range []struct {
		from string
		o    Options
		want string
	}{
		{"beginning", Options{}, "map[0:abc 1:d]"},
		{"end", Options{}, "map[]"},
		{"1", Options{}, "map[0:bc]"},
		{"-1", Options{}, "map[0:c 1:d]"},
		{"-9", Options{Partitions: []int32{0}}, "map[0:abc]"},
		{"99", Options{}, "map[]"},
		{"30m", Options{Partitions: []int32{0}}, "map[0:bc]"},
		{"beginning", Options{Partitions: []int32{0}, Count: 2}, "map[0:ab]"},
	} {
		if got, err := read(tc.from, tc.o); err != nil || got != tc.want {
			t.Errorf("from %s %+v: %s, %v; want %s", tc.from, tc.o, got, err, tc.want)
		}
	}
	if _, err := read("beginning", Options{Partitions: []int32{5}}); err == nil {
		t.Error("partition 5 of 2: no error")
	}
	stop := errors.New("stop")
	if err := Read(ctx, connect, "t", Options{}, func(*kgo.Record) error { return stop }); err != stop {
		t.Errorf("fn's error: got %v", err)
	}
	if _, err := ParseStart("soon", time.Now()); err == nil {
		t.Error("ParseStart(soon): no error")
	}
}
