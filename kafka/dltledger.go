package kafka

import (
	"context"
	"fmt"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
)

// Dead letters are written exactly once per poison record, not at least
// once, although writing a dead letter and committing the source offset
// are two separate steps. The window between them is real: a member killed
// (or a partition revoked) after the dead letter is acknowledged and before
// the commit leaves a record that the partition's next owner reads again,
// fails again and would dead-letter a second time. A second copy is not
// harmless: a replay would send the event twice and alerts count it twice.
//
// The check that closes the window is cheap because of where dead letters
// go: partition p of a topic is dead-lettered to partition p mod n of its
// dead-letter topic (n its partition count; Spring Kafka's default is the
// same partition), so what a previous owner of p may have written is in one
// partition, after a known time. Before the first dead letter of an
// assignment, the consumer reads that partition from the time its first
// record of the assignment was written (minus ClockSkew: the dead letter's
// timestamp is the previous owner's clock, the record's the producer's) to
// the end, and collects the offsets of p that this group already
// dead-lettered. A record among them is finished without a second write.
//
// The scan happens once per assignment and only when a record is about to
// be dead-lettered: a consumer that never meets a poison record never
// reads its dead-letter topic. What it keeps is one int64 per dead letter
// of its own partition and group since the assignment's start.
//
// What remains: a dead-letter write that was still on the wire when its
// writer was killed and that the broker appends after the new owner's scan
// (the group's session timeout makes this very unlikely), and records read
// from retry topics (their dead letters are at least once). `avroctl dlt
// inspect` and `dlt replay` show and replay each original record once.

// deadLetterPartition is the partition of a dead-letter or retry topic of n
// partitions that the records of source partition p go to.
func deadLetterPartition(p int32, n int32) int32 {
	if n <= 0 {
		return 0
	}
	return p % n
}

// alreadyDeadLettered reports whether r, a record of a source topic about
// to be dead-lettered, already was by a previous owner of its partition.
// An error means the dead-letter topic could not be read; the caller then
// writes the dead letter (a possible second copy, never a lost one).
func (c *Consumer[T]) alreadyDeadLettered(p *partition, r *kgo.Record) (bool, error) {
	p.ledgerMu.Lock()
	defer p.ledgerMu.Unlock()
	if p.ledger == nil {
		seen, err := c.scanDeadLetters(p)
		if err != nil {
			return false, err
		}
		p.ledger = seen
	}
	return p.ledger[r.Offset], nil
}

// scanDeadLetters reads the dead-letter partition of p from the start of
// the assignment to its end offset and returns the source offsets of p
// that this group dead-lettered there.
func (c *Consumer[T]) scanDeadLetters(p *partition) (map[int64]bool, error) {
	ctx, cancel := context.WithTimeout(p.ctx, 30*time.Second)
	defer cancel()
	dlt := c.opts.DeadLetterTopic(p.topic)
	dp := deadLetterPartition(p.id, c.partitionCount(dlt))
	adm := kadm.NewClient(c.cl)
	since := max(p.startTime.Add(-c.opts.ClockSkew).UnixMilli(), 0)
	from, err := adm.ListOffsetsAfterMilli(ctx, since, dlt)
	if err == nil {
		err = from.Error()
	}
	if err != nil {
		return nil, fmt.Errorf("listing offsets of %s by time: %w", dlt, err)
	}
	ends, err := adm.ListEndOffsets(ctx, dlt)
	if err == nil {
		err = ends.Error()
	}
	if err != nil {
		return nil, fmt.Errorf("listing end offsets of %s: %w", dlt, err)
	}
	start, ok1 := from.Lookup(dlt, dp)
	end, ok2 := ends.Lookup(dlt, dp)
	seen := map[int64]bool{}
	if !ok1 || !ok2 || start.Offset < 0 || start.Offset >= end.Offset {
		return seen, nil
	}
	kopts, err := c.opts.Config.options()
	if err != nil {
		return nil, err
	}
	kopts = append(kopts, kgo.ConsumePartitions(map[string]map[int32]kgo.Offset{
		dlt: {dp: kgo.NewOffset().At(start.Offset)},
	}))
	cl, err := kgo.NewClient(append(kopts, c.opts.Config.Opts...)...)
	if err != nil {
		return nil, err
	}
	defer cl.Close()
	for next := start.Offset; next < end.Offset; {
		fs := cl.PollFetches(ctx)
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("reading %s/%d from offset %d to %d: stopped at %d: %w", dlt, dp, start.Offset, end.Offset, next, err)
		}
		var ferr error
		fs.EachError(func(_ string, _ int32, err error) { ferr = err })
		if ferr != nil {
			return nil, fmt.Errorf("reading %s/%d: %w", dlt, dp, ferr)
		}
		fs.EachRecord(func(d *kgo.Record) {
			next = d.Offset + 1
			if g, ok := HeaderValue(d.Headers, HeaderDLTOriginalConsumerGroup); !ok || string(g) != c.opts.Group {
				return
			}
			o := originOf(d)
			if o.topic == p.topic && o.partition == p.id && o.offset >= p.startOffset {
				seen[o.offset] = true
			}
		})
	}
	return seen, nil
}

// partitionCount is a topic's partition count as read at start, 0 if not
// known.
func (c *Consumer[T]) partitionCount(topic string) int32 {
	return c.partitionsOf[topic]
}
