package kafka

import (
	"encoding/binary"
	"strconv"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// origin is where a record first came from: itself, or for a record read
// from a retry topic, what its kafka_dlt-original-* headers say.
type origin struct {
	topic         string
	partition     int32
	offset        int64
	timestamp     int64
	timestampType string
}

func originOf(r *kgo.Record) origin {
	o := origin{topic: r.Topic, partition: r.Partition, offset: r.Offset, timestamp: r.Timestamp.UnixMilli(),
		timestampType: timestampType(r)}
	t, ok := HeaderValue(r.Headers, HeaderDLTOriginalTopic)
	if !ok {
		return o
	}
	o.topic = string(t)
	if v, ok := headerInt32(r.Headers, HeaderDLTOriginalPartition); ok {
		o.partition = v
	}
	if v, ok := headerInt64(r.Headers, HeaderDLTOriginalOffset); ok {
		o.offset = v
	}
	if v, ok := headerInt64(r.Headers, HeaderDLTOriginalTimestamp); ok {
		o.timestamp = v
	}
	if v, ok := HeaderValue(r.Headers, HeaderDLTOriginalTimestampType); ok {
		o.timestampType = string(v)
	}
	return o
}

// timestampType is Java's TimestampType name.
func timestampType(r *kgo.Record) string {
	if r.Attrs.TimestampType() == 1 {
		return "LogAppendTime"
	}
	return "CreateTime"
}

// failedRecord is r with its original key, value and headers (the
// runtime's own headers from an earlier retry removed) plus the
// kafka_dlt-* headers for err.
func (c *Consumer[T]) failedRecord(r *kgo.Record, topic string, err error) *kgo.Record {
	o := originOf(r)
	hs := make([]kgo.RecordHeader, 0, len(r.Headers)+11)
	for _, h := range r.Headers {
		if !IsRuntimeHeader(h.Key) {
			hs = append(hs, h)
		}
	}
	hs = append(hs,
		kgo.RecordHeader{Key: HeaderDLTOriginalTopic, Value: []byte(o.topic)},
		kgo.RecordHeader{Key: HeaderDLTOriginalPartition, Value: int32Bytes(o.partition)},
		kgo.RecordHeader{Key: HeaderDLTOriginalOffset, Value: int64Bytes(o.offset)},
		kgo.RecordHeader{Key: HeaderDLTOriginalTimestamp, Value: int64Bytes(o.timestamp)},
		kgo.RecordHeader{Key: HeaderDLTOriginalTimestampType, Value: []byte(o.timestampType)},
		kgo.RecordHeader{Key: HeaderDLTOriginalConsumerGroup, Value: []byte(c.opts.Group)},
		kgo.RecordHeader{Key: HeaderDLTExceptionFQCN, Value: []byte(ErrorClass(err))},
		kgo.RecordHeader{Key: HeaderDLTExceptionCauseFQCN, Value: []byte(causeClass(err))},
		kgo.RecordHeader{Key: HeaderDLTExceptionMessage, Value: []byte(err.Error())},
		kgo.RecordHeader{Key: HeaderDLTExceptionStacktrace, Value: []byte(errorTrace(err))},
	)
	// A header-framed value (__value_schema_id) is plain Avro: its first
	// bytes are data, not a schema id; the header itself is kept above.
	if _, framed := HeaderValue(r.Headers, HeaderValueSchemaID); !framed {
		if id, ok := SchemaID(r.Value); ok {
			hs = append(hs, kgo.RecordHeader{Key: HeaderDLTOriginalSchemaID, Value: strconv.AppendInt(nil, int64(id), 10)})
		}
	}
	return &kgo.Record{Topic: topic, Partition: deadLetterPartition(o.partition, c.partitionsOf[topic]),
		Key: r.Key, Value: r.Value, Headers: hs}
}

// deadLetter is r for its dead-letter topic.
func (c *Consumer[T]) deadLetter(r *kgo.Record, err error) *kgo.Record {
	return c.failedRecord(r, c.deadLetterTopicOf(r), err)
}

// retryRecord is r for the group's retry topic next, after attempts
// deliveries, due after RetryDelays[next].
func (c *Consumer[T]) retryRecord(r *kgo.Record, next, attempts int, err error) *kgo.Record {
	src := r.Topic
	if s, ok := c.sourceOf[r.Topic]; ok {
		src = s
	}
	out := c.failedRecord(r, RetryTopic(src, c.opts.Group, next), err)
	due := time.Now().Add(c.opts.RetryDelays[next]).UnixMilli()
	out.Headers = append(out.Headers,
		kgo.RecordHeader{Key: HeaderRetryAttempts, Value: int32Bytes(int32(attempts))},
		kgo.RecordHeader{Key: HeaderRetryBackoffTimestamp, Value: int64Bytes(due)},
	)
	return out
}

// SchemaID returns the schema id of a Confluent frame with magic byte 0,
// and false for anything else (too short, another magic byte).
func SchemaID(frame []byte) (int, bool) {
	if len(frame) < 5 || frame[0] != 0 {
		return 0, false
	}
	return int(int32(binary.BigEndian.Uint32(frame[1:5]))), true
}
