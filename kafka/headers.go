package kafka

import (
	"encoding/binary"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// CloudEvents 1.0 Kafka protocol binding, binary content mode: the headers
// the producer writes next to each frame (the same names as the events
// module's serde package).
const (
	HeaderSpecVersion = "ce_specversion"
	HeaderID          = "ce_id"
	HeaderSource      = "ce_source"
	HeaderType        = "ce_type"
	HeaderTime        = "ce_time"
	HeaderContentType = "content-type"
)

// ContentType is the content-type of a framed event: Avro binary behind
// the Confluent schema-registry header.
const ContentType = "application/avro"

// Dead-letter headers: Spring Kafka's names (KafkaHeaders.DLT_*), with
// Spring's encodings, so that Java tooling (Spring's DLT handlers, Kafka UI
// plug-ins) reads our dead letters and `avroctl dlt` reads Spring's.
//
//	kafka_dlt-original-topic           topic name, UTF-8
//	kafka_dlt-original-partition       int32, 4 bytes big-endian
//	kafka_dlt-original-offset          int64, 8 bytes big-endian
//	kafka_dlt-original-timestamp       int64 epoch millis, 8 bytes big-endian
//	kafka_dlt-original-timestamp-type  "CreateTime" or "LogAppendTime"
//	kafka_dlt-original-consumer-group  the group that gave up, UTF-8
//	kafka_dlt-exception-fqcn           the error class (see ErrorClass)
//	kafka_dlt-exception-cause-fqcn     the class of the innermost cause
//	kafka_dlt-exception-message        the error message, UTF-8
//	kafka_dlt-exception-stacktrace     the error chain, one error a line
//	                                   (and the goroutine stack of a panic)
//
// One header is ours, in the same family:
//
//	kafka_dlt-original-schema-id       the frame's schema id, decimal;
//	                                   absent when the frame has no
//	                                   readable header
const (
	HeaderDLTOriginalTopic         = "kafka_dlt-original-topic"
	HeaderDLTOriginalPartition     = "kafka_dlt-original-partition"
	HeaderDLTOriginalOffset        = "kafka_dlt-original-offset"
	HeaderDLTOriginalTimestamp     = "kafka_dlt-original-timestamp"
	HeaderDLTOriginalTimestampType = "kafka_dlt-original-timestamp-type"
	HeaderDLTOriginalConsumerGroup = "kafka_dlt-original-consumer-group"
	HeaderDLTExceptionFQCN         = "kafka_dlt-exception-fqcn"
	HeaderDLTExceptionCauseFQCN    = "kafka_dlt-exception-cause-fqcn"
	HeaderDLTExceptionMessage      = "kafka_dlt-exception-message"
	HeaderDLTExceptionStacktrace   = "kafka_dlt-exception-stacktrace"
	HeaderDLTOriginalSchemaID      = "kafka_dlt-original-schema-id"
)

// Retry-topic headers, Spring's RetryTopicHeaders names.
//
//	retry_topic-attempts           int32, 4 bytes big-endian: deliveries so far
//	retry_topic-backoff-timestamp  int64 epoch millis, 8 bytes big-endian:
//	                               not to be handled before
const (
	HeaderRetryAttempts         = "retry_topic-attempts"
	HeaderRetryBackoffTimestamp = "retry_topic-backoff-timestamp"
)

// IsRuntimeHeader reports whether key is a header the runtime adds when it
// dead-letters or retries a record (kafka_dlt-*, retry_topic-*): what a
// replay removes to give back the original record.
func IsRuntimeHeader(key string) bool {
	return len(key) >= len("kafka_dlt-") && key[:len("kafka_dlt-")] == "kafka_dlt-" ||
		len(key) >= len("retry_topic-") && key[:len("retry_topic-")] == "retry_topic-"
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

func int32Bytes(v int32) []byte { return binary.BigEndian.AppendUint32(nil, uint32(v)) }
func int64Bytes(v int64) []byte { return binary.BigEndian.AppendUint64(nil, uint64(v)) }

// headerInt64 reads an 8-byte big-endian header; ok is false when it is
// absent or not 8 bytes.
func headerInt64(hs []kgo.RecordHeader, key string) (int64, bool) {
	v, ok := HeaderValue(hs, key)
	if !ok || len(v) != 8 {
		return 0, false
	}
	return int64(binary.BigEndian.Uint64(v)), true
}

func headerInt32(hs []kgo.RecordHeader, key string) (int32, bool) {
	v, ok := HeaderValue(hs, key)
	if !ok || len(v) != 4 {
		return 0, false
	}
	return int32(binary.BigEndian.Uint32(v)), true
}

// formatCETime is ce_time: RFC 3339 in UTC with the millisecond precision
// of timestamp-millis.
func formatCETime(t time.Time) []byte { return appendCETime(nil, t) }

const ceTimeLayout = "2006-01-02T15:04:05.000Z07:00"

// appendCETime appends ce_time without time.AppendFormat's layout
// interpretation (a quarter of Producer.Record's time before).
func appendCETime(dst []byte, t time.Time) []byte {
	t = t.UTC()
	y, mo, d := t.Date()
	if y < 0 || y > 9999 {
		return t.AppendFormat(dst, ceTimeLayout)
	}
	h, mi, s := t.Clock()
	ms := t.Nanosecond() / 1e6
	dst = append(dst, byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10), '-',
		byte('0'+int(mo)/10), byte('0'+int(mo)%10), '-', byte('0'+d/10), byte('0'+d%10), 'T',
		byte('0'+h/10), byte('0'+h%10), ':', byte('0'+mi/10), byte('0'+mi%10), ':', byte('0'+s/10), byte('0'+s%10), '.',
		byte('0'+ms/100), byte('0'+ms/10%10), byte('0'+ms%10), 'Z')
	return dst
}
