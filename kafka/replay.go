package kafka

import (
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// DeadLetter is what the kafka_dlt-* headers of a dead-letter record say.
type DeadLetter struct {
	OriginalTopic     string
	OriginalPartition int32
	OriginalOffset    int64
	OriginalTimestamp time.Time
	TimestampType     string // "CreateTime" or "LogAppendTime"
	ConsumerGroup     string
	ErrorClass        string // kafka_dlt-exception-fqcn
	CauseClass        string // kafka_dlt-exception-cause-fqcn
	Message           string
	Stacktrace        string
	// SchemaID is kafka_dlt-original-schema-id; -1 when absent (a frame
	// without a readable header, or a dead letter written by Spring).
	SchemaID int
}

// ErrNotDeadLetter is wrapped by ParseDeadLetter's errors for a record
// without the headers every dead letter has.
var ErrNotDeadLetter = errors.New("not a dead-letter record")

// ParseDeadLetter reads the kafka_dlt-* headers of r, written by this
// runtime or by Spring Kafka. The original topic, partition and offset are
// required; the others are read when present.
func ParseDeadLetter(r *kgo.Record) (DeadLetter, error) {
	d := DeadLetter{SchemaID: -1}
	t, ok := HeaderValue(r.Headers, HeaderDLTOriginalTopic)
	if !ok || len(t) == 0 {
		return d, fmt.Errorf("%s/%d offset %d: %w: no %s header", r.Topic, r.Partition, r.Offset, ErrNotDeadLetter, HeaderDLTOriginalTopic)
	}
	d.OriginalTopic = string(t)
	var okP, okO bool
	d.OriginalPartition, okP = headerInt32(r.Headers, HeaderDLTOriginalPartition)
	d.OriginalOffset, okO = headerInt64(r.Headers, HeaderDLTOriginalOffset)
	if !okP || !okO {
		return d, fmt.Errorf("%s/%d offset %d: %w: %s and %s must be 4- and 8-byte big-endian integers",
			r.Topic, r.Partition, r.Offset, ErrNotDeadLetter, HeaderDLTOriginalPartition, HeaderDLTOriginalOffset)
	}
	if ms, ok := headerInt64(r.Headers, HeaderDLTOriginalTimestamp); ok {
		d.OriginalTimestamp = time.UnixMilli(ms)
	}
	str := func(k string) string { v, _ := HeaderValue(r.Headers, k); return string(v) }
	d.TimestampType = str(HeaderDLTOriginalTimestampType)
	d.ConsumerGroup = str(HeaderDLTOriginalConsumerGroup)
	d.ErrorClass = str(HeaderDLTExceptionFQCN)
	d.CauseClass = str(HeaderDLTExceptionCauseFQCN)
	d.Message = str(HeaderDLTExceptionMessage)
	d.Stacktrace = str(HeaderDLTExceptionStacktrace)
	if v, ok := HeaderValue(r.Headers, HeaderDLTOriginalSchemaID); ok {
		if id, err := strconv.Atoi(string(v)); err == nil {
			d.SchemaID = id
		}
	}
	return d, nil
}

// ReplayRecord returns the record to write back to the source topic for
// a dead letter: its original topic, key, value and headers, with the
// runtime's kafka_dlt-* and retry_topic-* headers removed. The event id
// header is kept, so a consumer whose inbox already has the event skips
// it. It refuses a dead letter whose original topic is itself a dead-letter
// or retry topic of the same consumer (a replay loop), as isLoop says.
func ReplayRecord(dl *kgo.Record, isLoop func(originalTopic string) bool) (*kgo.Record, error) {
	d, err := ParseDeadLetter(dl)
	if err != nil {
		return nil, err
	}
	if d.OriginalTopic == dl.Topic || isLoop != nil && isLoop(d.OriginalTopic) {
		return nil, fmt.Errorf("%s/%d offset %d: refusing to replay into %q: it is a dead-letter or retry topic, the replay would loop",
			dl.Topic, dl.Partition, dl.Offset, d.OriginalTopic)
	}
	hs := make([]kgo.RecordHeader, 0, len(dl.Headers))
	for _, h := range dl.Headers {
		if !IsRuntimeHeader(h.Key) {
			hs = append(hs, h)
		}
	}
	return &kgo.Record{Topic: d.OriginalTopic, Key: dl.Key, Value: dl.Value, Headers: hs}, nil
}
