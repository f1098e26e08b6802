package dlt

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/twmb/franz-go/pkg/kgo"
)

// retryTopic matches the names of retry topics: the runtime's
// <topic>-<group>-retry-<n> and Spring's <topic>-retry, <topic>-retry-<n>
// (an index or a delay).
var retryTopic = regexp.MustCompile(`-retry(-[0-9]+)?$`)

// LoopReason says why replaying into dest would loop, or "" when it
// would not. The rule is by name, so it is the same offline and online:
//
//   - dest is the dead-letter topic being read;
//   - dest is a dead-letter topic: its name ends in -dlt (the runtime's and
//     Spring's retry-topic default) or .DLT (Spring's recoverer default),
//     in any case;
//   - dest is a retry topic: its name ends in -retry or -retry-<digits>.
//
// A record replayed into such a topic is dead-lettered or retried again
// by the same consumer, not handled by the application.
func LoopReason(dest, dlt string) string {
	lower := strings.ToLower(dest)
	switch {
	case dest == dlt:
		return "it is the dead-letter topic being read"
	case strings.HasSuffix(lower, "-dlt") || strings.HasSuffix(lower, ".dlt"):
		return "it is a dead-letter topic (its name ends in -dlt or .DLT)"
	case retryTopic.MatchString(dest):
		return "it is a retry topic (its name ends in -retry or -retry-N)"
	}
	return ""
}

// Replay is the record to write back for a dead letter.
type Replay struct {
	// From is the dead letter.
	From *Record
	// Record is what is written: the original topic (or the --to topic),
	// the dead letter's key, value and headers without the runtime's.
	Record *kgo.Record
	// Err is why Produce could not write it.
	Err error
}

// ReplayRecord returns the record to write back for r: to the original
// topic, or to `to` when it is not empty; key, value and headers
// unchanged except the kafka_dlt-* and retry_topic-* headers removed (the
// event id header is kept, so a consumer whose inbox has the event skips
// it). It refuses a record that is not a dead letter and a destination
// that would loop (see LoopReason); the error names the record.
func ReplayRecord(r *Record, to string) (*kgo.Record, error) {
	if r.DeadLetter == nil {
		return nil, fmt.Errorf("%s: not replayed: %v", r.Where(), r.NotDeadLetter)
	}
	dest := r.DeadLetter.OriginalTopic
	if to != "" {
		dest = to
	}
	if why := LoopReason(dest, r.Topic); why != "" {
		return nil, fmt.Errorf("%s: refusing to replay into %q: %s, so the replay would loop; give --to with the source topic", r.Where(), dest, why)
	}
	return &kgo.Record{Topic: dest, Key: r.Key, Value: r.Value, Headers: StripRuntimeHeaders(r.Headers)}, nil
}

// ProducerOpts are the options of the client that writes replays: every
// in-sync replica acknowledges (acks=all) and writes are idempotent (no
// duplicates from the client's own retries); records go to the partition
// of their key by the default partitioner, Java's murmur2, as a Java
// producer of the source topic would have chosen.
func ProducerOpts() []kgo.Opt {
	return []kgo.Opt{kgo.RequiredAcks(kgo.AllISRAcks()), kgo.RecordPartitioner(kgo.StickyKeyPartitioner(nil))}
}

// Produce writes the replays and waits until each is acknowledged or has
// failed; the records of reps get their partition and offset. It returns
// the number written and an error naming each dead letter that was not
// (also set in its Err).
// The dead-letter topic is never changed, so a failed replay is run again.
func Produce(ctx context.Context, cl *kgo.Client, reps []Replay) (int, error) {
	recs := make([]*kgo.Record, len(reps))
	from := make(map[*kgo.Record]*Replay, len(reps))
	for i := range reps {
		recs[i] = reps[i].Record
		from[reps[i].Record] = &reps[i]
	}
	var errs []error
	n := 0
	for _, res := range cl.ProduceSync(ctx, recs...) {
		if res.Err != nil {
			rp := from[res.Record]
			rp.Err = fmt.Errorf("%s: replaying into %s: %w", rp.From.Where(), res.Record.Topic, res.Err)
			errs = append(errs, rp.Err)
			continue
		}
		n++
	}
	return n, errors.Join(errs...)
}
