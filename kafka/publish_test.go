package kafka

import (
	"context"
	"testing"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// TestDeadLetterWriteOutlivesRevocation: a dead-letter write in flight
// when its partition is revoked completes, and the revocation waits for it
// (awaitPublishing, called by onRevoked and onLost). Before, the
// revocation returned after RevokeGrace while the write was still in
// flight (a broker restarting), the partition moved, and its next owner
// read the dead-letter topic before the write landed and wrote its own
// copy: CI saw 31 dead letters for 30 poison records that way.
func TestDeadLetterWriteOutlivesRevocation(t *testing.T) {
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(1, "orders", "orders-dlt"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	// Hold the writes (here only dead letters are written) until release.
	held, release := make(chan struct{}, 8), make(chan struct{})
	c.ControlKey(kmsg.Produce.Int16(), func(kmsg.Request) (kmsg.Response, error, bool) {
		c.KeepControl()
		select {
		case held <- struct{}{}:
		default:
		}
		c.SleepControl(func() { <-release })
		return nil, nil, false
	})
	brokers := c.ListenAddrs()
	cons, err := NewConsumer(Decoder[testEvent](&jsonCodec{id: 7}), poisonHandler, consumerOpts(brokers, "g", "orders"))
	if err != nil {
		t.Fatal(err)
	}
	cons.cl = client(t, brokers, kgo.RequiredAcks(kgo.AllISRAcks()), kgo.RecordPartitioner(kgo.ManualPartitioner()))
	cons.runCtx = context.Background()
	cons.partitionsOf["orders-dlt"] = 1
	src := &kgo.Record{Topic: "orders", Partition: 0, Offset: 0, Value: []byte("poison")}
	p := newPartition(context.Background(), src)

	published := make(chan bool, 1)
	go func() { published <- cons.publish(p, cons.deadLetter(src, Permanent(errRefused))) }()
	<-held // the write is at the broker
	p.revoke()
	p.cancel() // the handlers' context ends, as after RevokeGrace
	awaited := make(chan struct{})
	go func() { cons.awaitPublishing([]*partition{p}); close(awaited) }()
	select {
	case ok := <-published:
		t.Fatalf("publish returned %v while its write was held: the revocation did not wait for it", ok)
	case <-awaited:
		t.Fatal("awaitPublishing returned while a dead-letter write was held")
	default:
	}
	close(release)
	if !<-published {
		t.Fatal("the dead-letter write failed after the revocation; its record would be handled again by the next owner, and the write may still have landed")
	}
	<-awaited
	if n := len(readAll(t, brokers, "orders-dlt", 1)); n != 1 {
		t.Fatalf("%d dead letters, want 1", n)
	}
	// A partition already gone starts no write.
	if cons.publish(p, cons.deadLetter(src, Permanent(errRefused))) {
		t.Fatal("publish wrote for a revoked partition")
	}
}
