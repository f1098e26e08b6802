// Package dlt reads dead-letter topics and replays their records: what
// `avroctl dlt inspect` and `avroctl dlt replay` do.
//
// The header convention is the Kafka runtime's (gitlab.com/acme/avroctl/
// kafka, see its headers.go and replay.go), which is Spring Kafka's: the
// kafka_dlt-* names and binary encodings of KafkaHeaders.DLT_*, plus the
// runtime's kafka_dlt-original-schema-id. This package is a second
// implementation of that convention, on purpose: the toolchain module must
// not import the runtime module, because `go install
// gitlab.com/acme/avroctl/tools/avroctl@vX` ignores replace directives, so
// the toolchain would build against whatever runtime version is published
// rather than the one beside it. The convention is a wire format (Spring
// writes it too), so it is pinned here by literal bytes in headers_test.go,
// as the runtime pins its own.
package dlt

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// Dead-letter headers, Spring Kafka's names (KafkaHeaders.DLT_*) and
// encodings:
//
//	kafka_dlt-original-topic           topic name, UTF-8
//	kafka_dlt-original-partition       int32, 4 bytes big-endian
//	kafka_dlt-original-offset          int64, 8 bytes big-endian
//	kafka_dlt-original-timestamp       int64 epoch millis, 8 bytes big-endian
//	kafka_dlt-original-timestamp-type  "CreateTime" or "LogAppendTime"
//	kafka_dlt-original-consumer-group  UTF-8
//	kafka_dlt-exception-fqcn           the error class
//	kafka_dlt-exception-cause-fqcn     the class of the innermost cause
//	kafka_dlt-exception-message        UTF-8
//	kafka_dlt-exception-stacktrace     UTF-8
//	kafka_dlt-original-schema-id       decimal (the runtime's, not Spring's)
const (
	HeaderOriginalTopic         = "kafka_dlt-original-topic"
	HeaderOriginalPartition     = "kafka_dlt-original-partition"
	HeaderOriginalOffset        = "kafka_dlt-original-offset"
	HeaderOriginalTimestamp     = "kafka_dlt-original-timestamp"
	HeaderOriginalTimestampType = "kafka_dlt-original-timestamp-type"
	HeaderOriginalConsumerGroup = "kafka_dlt-original-consumer-group"
	HeaderExceptionFQCN         = "kafka_dlt-exception-fqcn"
	HeaderExceptionCauseFQCN    = "kafka_dlt-exception-cause-fqcn"
	HeaderExceptionMessage      = "kafka_dlt-exception-message"
	HeaderExceptionStacktrace   = "kafka_dlt-exception-stacktrace"
	HeaderOriginalSchemaID      = "kafka_dlt-original-schema-id"
)

// Retry-topic headers, Spring's RetryTopicHeaders names: int32 and int64
// big-endian.
const (
	HeaderRetryAttempts         = "retry_topic-attempts"
	HeaderRetryBackoffTimestamp = "retry_topic-backoff-timestamp"
)

// IsRuntimeHeader reports whether key is a header added when a record is
// dead-lettered or retried (kafka_dlt-*, retry_topic-*): what a replay
// removes to give back the original record.
func IsRuntimeHeader(key string) bool {
	return strings.HasPrefix(key, "kafka_dlt-") || strings.HasPrefix(key, "retry_topic-")
}

// HeaderValue returns the value of the last header named key (Kafka's
// convention when a key repeats), and whether there is one.
func HeaderValue(hs []kgo.RecordHeader, key string) ([]byte, bool) {
	for i := len(hs) - 1; i >= 0; i-- {
		if hs[i].Key == key {
			return hs[i].Value, true
		}
	}
	return nil, false
}

// DeadLetter is what the kafka_dlt-* headers of a record say.
type DeadLetter struct {
	OriginalTopic     string    `json:"original_topic"`
	OriginalPartition int32     `json:"original_partition"`
	OriginalOffset    int64     `json:"original_offset"`
	OriginalTimestamp time.Time `json:"original_timestamp,omitzero"`
	TimestampType     string    `json:"original_timestamp_type,omitempty"`
	ConsumerGroup     string    `json:"consumer_group,omitempty"`
	ErrorClass        string    `json:"error_class,omitempty"`
	CauseClass        string    `json:"cause_class,omitempty"`
	Message           string    `json:"message,omitempty"`
	Stacktrace        string    `json:"stacktrace,omitempty"`
	// SchemaID is kafka_dlt-original-schema-id; -1 when absent (a frame
	// without a readable header, or a dead letter written by Spring).
	SchemaID int `json:"schema_id"`
}

// ErrNotDeadLetter is wrapped by Parse's errors for a record without the
// headers every dead letter has.
var ErrNotDeadLetter = errors.New("not a dead letter")

// Parse reads the kafka_dlt-* headers, written by the runtime or by Spring
// Kafka. The original topic, partition and offset are required (with
// Spring's encodings); the others are read when present, and a malformed
// optional header is reported rather than guessed at.
func Parse(hs []kgo.RecordHeader) (DeadLetter, error) {
	d := DeadLetter{SchemaID: -1}
	t, ok := HeaderValue(hs, HeaderOriginalTopic)
	if !ok || len(t) == 0 {
		return d, fmt.Errorf("%w: no %s header", ErrNotDeadLetter, HeaderOriginalTopic)
	}
	d.OriginalTopic = string(t)
	p, ok := HeaderValue(hs, HeaderOriginalPartition)
	if !ok || len(p) != 4 {
		return d, fmt.Errorf("%w: %s must be a 4-byte big-endian int32, got %s", ErrNotDeadLetter, HeaderOriginalPartition, describe(p, ok))
	}
	d.OriginalPartition = int32(binary.BigEndian.Uint32(p))
	o, ok := HeaderValue(hs, HeaderOriginalOffset)
	if !ok || len(o) != 8 {
		return d, fmt.Errorf("%w: %s must be an 8-byte big-endian int64, got %s", ErrNotDeadLetter, HeaderOriginalOffset, describe(o, ok))
	}
	d.OriginalOffset = int64(binary.BigEndian.Uint64(o))
	if ts, ok := HeaderValue(hs, HeaderOriginalTimestamp); ok {
		if len(ts) != 8 {
			return d, fmt.Errorf("%s must be an 8-byte big-endian int64 (epoch millis), got %s", HeaderOriginalTimestamp, describe(ts, ok))
		}
		d.OriginalTimestamp = time.UnixMilli(int64(binary.BigEndian.Uint64(ts))).UTC()
	}
	str := func(k string) string { v, _ := HeaderValue(hs, k); return string(v) }
	d.TimestampType = str(HeaderOriginalTimestampType)
	d.ConsumerGroup = str(HeaderOriginalConsumerGroup)
	d.ErrorClass = str(HeaderExceptionFQCN)
	d.CauseClass = str(HeaderExceptionCauseFQCN)
	d.Message = str(HeaderExceptionMessage)
	d.Stacktrace = str(HeaderExceptionStacktrace)
	if v, ok := HeaderValue(hs, HeaderOriginalSchemaID); ok {
		id, err := strconv.Atoi(string(v))
		if err != nil || id < 0 {
			return d, fmt.Errorf("%s must be a decimal schema id, got %q", HeaderOriginalSchemaID, v)
		}
		d.SchemaID = id
	}
	return d, nil
}

func describe(v []byte, ok bool) string {
	if !ok {
		return "no header"
	}
	return fmt.Sprintf("%d bytes", len(v))
}

// StripRuntimeHeaders returns hs without the kafka_dlt-* and retry_topic-*
// headers, the others in their order.
func StripRuntimeHeaders(hs []kgo.RecordHeader) []kgo.RecordHeader {
	out := make([]kgo.RecordHeader, 0, len(hs))
	for _, h := range hs {
		if !IsRuntimeHeader(h.Key) {
			out = append(out, h)
		}
	}
	return out
}

// SchemaID returns the schema id of a Confluent wire-format frame (magic
// byte 0, then a 4-byte big-endian id) and the Avro body after it.
func SchemaID(value []byte) (id int, body []byte, ok bool) {
	if len(value) < 5 || value[0] != 0 {
		return 0, nil, false
	}
	return int(binary.BigEndian.Uint32(value[1:5])), value[5:], true
}
