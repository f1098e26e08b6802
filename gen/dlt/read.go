package dlt

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
)

// Record is one record of a dead-letter topic and what its headers say.
type Record struct {
	Topic     string
	Partition int32
	Offset    int64
	Timestamp time.Time
	Key       []byte
	Value     []byte
	Headers   []kgo.RecordHeader
	// DeadLetter is nil when the record is not a dead letter (or its
	// headers are malformed); NotDeadLetter says why.
	DeadLetter    *DeadLetter
	NotDeadLetter error
}

// Where is "topic/partition@offset", how errors name a record.
func (r *Record) Where() string { return fmt.Sprintf("%s/%d@%d", r.Topic, r.Partition, r.Offset) }

func newRecord(kr *kgo.Record) *Record {
	r := &Record{Topic: kr.Topic, Partition: kr.Partition, Offset: kr.Offset, Timestamp: kr.Timestamp.UTC(),
		Key: kr.Key, Value: kr.Value, Headers: kr.Headers}
	d, err := Parse(kr.Headers)
	if err != nil {
		r.NotDeadLetter = err
	} else {
		r.DeadLetter = &d
	}
	return r
}

// Connect makes a Kafka client with the command's connection settings and
// the extra options given.
type Connect func(opts ...kgo.Opt) (*kgo.Client, error)

// ReadOptions say what Read reads.
type ReadOptions struct {
	Filter Filter
	// Progress, when set, is called after each fetch with the records
	// read so far and the records there were to read at the start.
	Progress func(read, total int64)
}

// ReadStats count what Read saw.
type ReadStats struct {
	Read          int64 `json:"read"`
	Matched       int64 `json:"matched"`
	NotDeadLetter int64 `json:"not_dead_letters"` // among those read, matched or not
}

// Read reads topic from its start offsets to the end offsets observed
// when it starts, so it always ends (records written meanwhile are left
// for the next run), and calls fn with each record the filter chooses, in
// offset order within a partition. It reads directly by partition: it
// joins no group and commits nothing, so reading changes nothing.
//
// Records of aborted transactions are read too (the isolation level is
// read-uncommitted): transaction markers are counted to know where a
// partition ends, which read-committed would hide.
func Read(ctx context.Context, connect Connect, topic string, opts ReadOptions, fn func(*Record) error) (ReadStats, error) {
	var st ReadStats
	bounds, err := offsetBounds(ctx, connect, topic, opts.Filter)
	if err != nil {
		return st, err
	}
	var total int64
	starts := map[int32]kgo.Offset{}
	for p, b := range bounds {
		starts[p] = kgo.NewOffset().At(b[0])
		total += b[1] - b[0]
	}
	if len(starts) == 0 {
		return st, nil
	}
	cl, err := connect(
		kgo.ConsumePartitions(map[string]map[int32]kgo.Offset{topic: starts}),
		kgo.KeepControlRecords(),
		// Offsets deleted by retention meanwhile: read from what is left.
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()),
	)
	if err != nil {
		return st, err
	}
	defer cl.Close()
	for len(bounds) > 0 {
		fs := cl.PollFetches(ctx)
		if err := ctx.Err(); err != nil {
			return st, fmt.Errorf("reading %s: %w (%d of %d records read)", topic, err, st.Read, total)
		}
		var ferr error
		fs.EachError(func(t string, p int32, err error) {
			ferr = errors.Join(ferr, fmt.Errorf("reading %s/%d: %w", t, p, err))
		})
		if ferr != nil {
			return st, ferr
		}
		var stop error
		fs.EachRecord(func(kr *kgo.Record) {
			b, ok := bounds[kr.Partition]
			if stop != nil || !ok {
				return
			}
			// The partition is done at its last offset, or past it when
			// that one is gone (compacted, or deleted with everything
			// before it by retention while we read).
			if kr.Offset >= b[1]-1 {
				delete(bounds, kr.Partition)
				cl.PauseFetchPartitions(map[string][]int32{topic: {kr.Partition}})
			}
			if kr.Offset >= b[1] || kr.Attrs.IsControl() {
				return
			}
			st.Read++
			r := newRecord(kr)
			if r.DeadLetter == nil {
				st.NotDeadLetter++
			}
			if opts.Filter.Match(r) {
				st.Matched++
				stop = fn(r)
			}
		})
		if stop != nil {
			return st, stop
		}
		if opts.Progress != nil {
			opts.Progress(st.Read, total)
		}
	}
	return st, nil
}

// offsetBounds returns [start, end) of each partition to read: the
// topic's start and end offsets now, narrowed by the filter's partitions
// and offsets; empty ranges are left out.
func offsetBounds(ctx context.Context, connect Connect, topic string, f Filter) (map[int32][2]int64, error) {
	cl, err := connect()
	if err != nil {
		return nil, err
	}
	defer cl.Close()
	adm := kadm.NewClient(cl)
	starts, err := adm.ListStartOffsets(ctx, topic)
	if err != nil {
		return nil, fmt.Errorf("listing the offsets of %s: %w", topic, err)
	}
	ends, err := adm.ListEndOffsets(ctx, topic)
	if err != nil {
		return nil, fmt.Errorf("listing the offsets of %s: %w", topic, err)
	}
	for _, err := range []error{starts.Error(), ends.Error()} {
		if errors.Is(err, kerr.UnknownTopicOrPartition) {
			return nil, fmt.Errorf("topic %s does not exist (or this user may not describe it)", topic)
		}
		if err != nil {
			return nil, fmt.Errorf("listing the offsets of %s: %w", topic, err)
		}
	}
	if _, ok := ends[topic]; !ok {
		return nil, fmt.Errorf("topic %s does not exist (or this user may not describe it)", topic)
	}
	out := map[int32][2]int64{}
	var known []int32
	for p, e := range ends[topic] {
		known = append(known, p)
		s, ok := starts.Lookup(topic, p)
		if !ok || !f.partition(p) {
			continue
		}
		from, to := s.Offset, e.Offset
		if f.FromOffset >= 0 && f.FromOffset > from {
			from = f.FromOffset
		}
		if f.ToOffset >= 0 && f.ToOffset+1 < to {
			to = f.ToOffset + 1
		}
		if from < to {
			out[p] = [2]int64{from, to}
		}
	}
	for _, p := range f.Partitions {
		if _, ok := ends[topic][p]; !ok {
			sort.Slice(known, func(i, j int) bool { return known[i] < known[j] })
			return nil, fmt.Errorf("--partition %d: %s has partitions %v", p, topic, known)
		}
	}
	return out, nil
}
