// Package kcat reads a topic as kcat -C does: directly by partition (no
// consumer group, nothing committed), from a chosen start, to the end
// offsets seen at start or on and on (follow). avroctl consume is its CLI.
package kcat

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"gitlab.com/acme/avroctl/gen/dlt"
)

// Start is where each partition is read from.
type Start struct {
	Kind   string // "beginning", "end", "offset" or "time"
	Offset int64  // Kind offset: >= 0 absolute, < 0 that many before the end
	Time   time.Time
}

// StartNames are the named starts (for completion).
var StartNames = []string{"beginning", "end"}

// ParseStart reads beginning, end, an offset N (or -N: N before the end),
// an RFC 3339 time or a duration ago (2h, before now).
func ParseStart(s string, now time.Time) (Start, error) {
	switch s {
	case "beginning", "start", "earliest":
		return Start{Kind: "beginning"}, nil
	case "end", "latest":
		return Start{Kind: "end"}, nil
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return Start{Kind: "offset", Offset: n}, nil
	}
	t, err := dlt.ParseTime(s, now)
	if err != nil {
		return Start{}, fmt.Errorf("%q: want beginning, end, an offset (N, or -N before the end), an RFC 3339 time or a duration ago (2h)", s)
	}
	return Start{Kind: "time", Time: t}, nil
}

// Connect makes a client with the connection settings and extra options.
type Connect func(opts ...kgo.Opt) (*kgo.Client, error)

// Options choose what Read reads.
type Options struct {
	From       Start
	Partitions []int32 // none: every partition
	Count      int     // stop after this many records; 0: no limit
	Follow     bool    // wait for new records until ctx ends
}

// Bounds returns [start, end) of each chosen partition: the start --from
// names (clamped into the log) and the end offset now.
func Bounds(ctx context.Context, cl *kgo.Client, topic string, parts []int32, from Start) (map[int32][2]int64, error) {
	adm := kadm.NewClient(cl)
	ends, err := adm.ListEndOffsets(ctx, topic)
	if err == nil {
		err = ends.Error()
	}
	if err != nil {
		return nil, fmt.Errorf("listing the end offsets of %s: %w", topic, err)
	}
	starts, err := adm.ListStartOffsets(ctx, topic)
	if err == nil {
		err = starts.Error()
	}
	if err != nil {
		return nil, fmt.Errorf("listing the start offsets of %s: %w", topic, err)
	}
	var at kadm.ListedOffsets
	if from.Kind == "time" {
		if at, err = adm.ListOffsetsAfterMilli(ctx, from.Time.UnixMilli(), topic); err == nil {
			err = at.Error()
		}
		if err != nil {
			return nil, fmt.Errorf("listing the offsets of %s at %s: %w", topic, from.Time.Format(time.RFC3339), err)
		}
	}
	out := map[int32][2]int64{}
	for p, e := range ends[topic] {
		if len(parts) > 0 && !slices.Contains(parts, p) {
			continue
		}
		lo, hi := starts[topic][p].Offset, e.Offset
		var s int64
		switch from.Kind {
		case "beginning":
			s = lo
		case "end":
			s = hi
		case "offset":
			if s = from.Offset; s < 0 {
				s = hi + s
			}
		case "time":
			if s = at[topic][p].Offset; s < 0 {
				s = hi // no record at or after the time
			}
		}
		out[p] = [2]int64{min(max(s, lo), hi), hi}
	}
	for _, p := range parts {
		if _, ok := out[p]; !ok {
			return nil, fmt.Errorf("partition %d: %s has %d partition(s)", p, topic, len(ends[topic]))
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("topic %s does not exist or has no partitions", topic)
	}
	return out, nil
}

// Read calls fn with each record of topic that opts choose, in offset
// order within a partition. Without Follow it stops at the end offsets
// seen when it starts, so it always ends. When ctx ends (Ctrl-C) it
// returns nil: a reader stopped on purpose. An error of fn stops it and
// is returned as is.
func Read(ctx context.Context, connect Connect, topic string, opts Options, fn func(*kgo.Record) error) error {
	admCl, err := connect()
	if err != nil {
		return err
	}
	bounds, err := Bounds(ctx, admCl, topic, opts.Partitions, opts.From)
	admCl.Close()
	if err != nil {
		return err
	}
	offsets := map[int32]kgo.Offset{}
	remaining := map[int32]int64{} // the end offsets still to reach (without Follow)
	for p, b := range bounds {
		offsets[p] = kgo.NewOffset().At(b[0])
		if b[0] < b[1] {
			remaining[p] = b[1]
		}
	}
	cl, err := connect(
		kgo.ConsumePartitions(map[string]map[int32]kgo.Offset{topic: offsets}),
		// Transaction markers are seen so that a partition ending in one
		// ends (read-uncommitted, as dlt.Read); they are not shown.
		kgo.KeepControlRecords(),
		// Offsets deleted by retention meanwhile: read from what is left.
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()),
	)
	if err != nil {
		return err
	}
	defer cl.Close()
	n := 0
	for opts.Follow || len(remaining) > 0 {
		fs := cl.PollFetches(ctx)
		if ctx.Err() != nil {
			return nil
		}
		var ferr error
		fs.EachError(func(t string, p int32, err error) {
			ferr = errors.Join(ferr, fmt.Errorf("reading %s/%d: %w", t, p, err))
		})
		if ferr != nil {
			return ferr
		}
		for it := fs.RecordIter(); !it.Done(); {
			r := it.Next()
			if !opts.Follow {
				end, ok := remaining[r.Partition]
				if !ok || r.Offset >= end {
					continue
				}
				// The partition is done at its last offset.
				if r.Offset >= end-1 {
					delete(remaining, r.Partition)
					cl.PauseFetchPartitions(map[string][]int32{topic: {r.Partition}})
				}
			}
			if r.Attrs.IsControl() {
				continue
			}
			if err := fn(r); err != nil {
				return err
			}
			if n++; opts.Count > 0 && n >= opts.Count {
				return nil
			}
		}
	}
	return nil
}
