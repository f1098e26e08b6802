package dlt

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// The header names are a wire format shared with the runtime module
// (kafka/headers.go) and Spring Kafka (KafkaHeaders.DLT_*,
// RetryTopicHeaders): pinned here by their literal text.
func TestHeaderNames(t *testing.T) {
	for got, want := range map[string]string{
		HeaderOriginalTopic:         "kafka_dlt-original-topic",
		HeaderOriginalPartition:     "kafka_dlt-original-partition",
		HeaderOriginalOffset:        "kafka_dlt-original-offset",
		HeaderOriginalTimestamp:     "kafka_dlt-original-timestamp",
		HeaderOriginalTimestampType: "kafka_dlt-original-timestamp-type",
		HeaderOriginalConsumerGroup: "kafka_dlt-original-consumer-group",
		HeaderExceptionFQCN:         "kafka_dlt-exception-fqcn",
		HeaderExceptionCauseFQCN:    "kafka_dlt-exception-cause-fqcn",
		HeaderExceptionMessage:      "kafka_dlt-exception-message",
		HeaderExceptionStacktrace:   "kafka_dlt-exception-stacktrace",
		HeaderOriginalSchemaID:      "kafka_dlt-original-schema-id",
		HeaderRetryAttempts:         "retry_topic-attempts",
		HeaderRetryBackoffTimestamp: "retry_topic-backoff-timestamp",
	} {
		if got != want {
			t.Errorf("header %q, want %q", got, want)
		}
	}
}

// springHeaders are the headers of a dead letter as the runtime (and
// Spring) write them, with their encodings as literal bytes: partition
// int32 big-endian, offset and timestamp int64 big-endian, the schema id
// in decimal.
func springHeaders() []kgo.RecordHeader {
	return []kgo.RecordHeader{
		{Key: "ce_id", Value: []byte("evt-1")},
		{Key: "kafka_dlt-original-topic", Value: []byte("orders")},
		{Key: "kafka_dlt-original-partition", Value: []byte{0, 0, 0, 3}},
		{Key: "kafka_dlt-original-offset", Value: []byte{0, 0, 0, 0, 0, 0, 0x01, 0x02}},
		{Key: "kafka_dlt-original-timestamp", Value: []byte{0, 0, 0x01, 0x8b, 0xcf, 0xe5, 0x68, 0x00}},
		{Key: "kafka_dlt-original-timestamp-type", Value: []byte("CreateTime")},
		{Key: "kafka_dlt-original-consumer-group", Value: []byte("billing")},
		{Key: "kafka_dlt-exception-fqcn", Value: []byte("kafka.DecodeError")},
		{Key: "kafka_dlt-exception-cause-fqcn", Value: []byte("avro.DecodeError")},
		{Key: "kafka_dlt-exception-message", Value: []byte("bad frame")},
		{Key: "kafka_dlt-exception-stacktrace", Value: []byte("bad frame\nshort buffer")},
		{Key: "kafka_dlt-original-schema-id", Value: []byte("17")},
		{Key: "retry_topic-attempts", Value: []byte{0, 0, 0, 4}},
		{Key: "traceparent", Value: []byte("00-abc-def-01")},
	}
}

func TestParse(t *testing.T) {
	d, err := Parse(springHeaders())
	if err != nil {
		t.Fatal(err)
	}
	want := DeadLetter{OriginalTopic: "orders", OriginalPartition: 3, OriginalOffset: 258,
		OriginalTimestamp: time.UnixMilli(0x018bcfe56800).UTC(), TimestampType: "CreateTime", ConsumerGroup: "billing",
		ErrorClass: "kafka.DecodeError", CauseClass: "avro.DecodeError", Message: "bad frame",
		Stacktrace: "bad frame\nshort buffer", SchemaID: 17}
	if d != want {
		t.Fatalf("got %+v\nwant %+v", d, want)
	}
	// Spring writes no schema id: -1.
	hs := springHeaders()
	hs = append(hs[:11], hs[12:]...)
	if d, err := Parse(hs); err != nil || d.SchemaID != -1 {
		t.Fatalf("without a schema id: %+v, %v", d, err)
	}
	stripped := StripRuntimeHeaders(springHeaders())
	if len(stripped) != 2 || stripped[0].Key != "ce_id" || stripped[1].Key != "traceparent" {
		t.Fatalf("stripped: %+v", stripped)
	}
}

func TestParseBad(t *testing.T) {
	with := func(key string, v []byte) []kgo.RecordHeader {
		var out []kgo.RecordHeader
		for _, h := range springHeaders() {
			if h.Key == key {
				if v == nil {
					continue
				}
				h.Value = v
			}
			out = append(out, h)
		}
		return out
	}
	for _, c := range []struct {
		hs     []kgo.RecordHeader
		want   string
		notDLT bool
	}{
		{nil, "not a dead letter: no kafka_dlt-original-topic header", true},
		{with(HeaderOriginalTopic, nil), "not a dead letter: no kafka_dlt-original-topic header", true},
		{with(HeaderOriginalPartition, []byte{0, 3}), "kafka_dlt-original-partition must be a 4-byte big-endian int32, got 2 bytes", true},
		{with(HeaderOriginalOffset, nil), "kafka_dlt-original-offset must be an 8-byte big-endian int64, got no header", true},
		{with(HeaderOriginalTimestamp, []byte("1700000000000")), "kafka_dlt-original-timestamp must be an 8-byte", false},
		{with(HeaderOriginalSchemaID, []byte("x")), `kafka_dlt-original-schema-id must be a decimal schema id, got "x"`, false},
	} {
		_, err := Parse(c.hs)
		if err == nil || !strings.Contains(err.Error(), c.want) || errors.Is(err, ErrNotDeadLetter) != c.notDLT {
			t.Errorf("got %v, want %q (not a dead letter: %v)", err, c.want, c.notDLT)
		}
	}
}

func TestSchemaID(t *testing.T) {
	id, body, ok := SchemaID([]byte{0, 0, 0, 1, 2, 0xaa})
	if !ok || id != 258 || len(body) != 1 || body[0] != 0xaa {
		t.Fatalf("%d %x %v", id, body, ok)
	}
	for _, v := range [][]byte{nil, {0, 0, 0, 1}, {1, 0, 0, 0, 1}} {
		if _, _, ok := SchemaID(v); ok {
			t.Errorf("%x: framed", v)
		}
	}
}

func TestLoopReason(t *testing.T) {
	for dest, loops := range map[string]bool{
		"orders":                      false,
		"orders-dlt":                  true,
		"orders.DLT":                  true,
		"orders-billing-retry-0":      true,
		"orders-retry":                true,
		"orders-retry-5000":           true,
		"retry-orders":                false,
		"dlt.orders":                  false,
		"payments-dlt-archive":        false,
		"orders-dlt-for-this-reading": false,
	} {
		if got := LoopReason(dest, "some-dlt") != ""; got != loops {
			t.Errorf("%s: loops %v, want %v", dest, got, loops)
		}
	}
	if LoopReason("dead", "dead") == "" {
		t.Error("the topic being read is a loop")
	}
}

func TestFilter(t *testing.T) {
	d := &DeadLetter{ErrorClass: "kafka.TimeoutError", OriginalTimestamp: time.Date(2026, 12, 4, 5, 0, 0, 0, time.UTC)}
	rec := &Record{Partition: 1, Offset: 10, Key: []byte("k1"), DeadLetter: d}
	notDLT := &Record{Partition: 1, Offset: 11, Key: []byte("k1"), NotDeadLetter: ErrNotDeadLetter}
	now := time.Date(2026, 12, 4, 6, 0, 0, 0, time.UTC)
	since := func(s string) time.Time {
		t.Helper()
		v, err := ParseTime(s, now)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for i, c := range []struct {
		f           func(*Filter)
		rec, notDLT bool
	}{
		{func(*Filter) {}, true, true},
		{func(f *Filter) { f.ErrorClass = "kafka.TimeoutError" }, true, false},
		{func(f *Filter) { f.ErrorClass = "*Timeout*" }, true, false},
		{func(f *Filter) { f.ErrorClass = "kafka.Decode*" }, false, false},
		{func(f *Filter) { f.Key, f.HasKey = []byte("k1"), true }, true, true},
		{func(f *Filter) { f.Key, f.HasKey = []byte("k2"), true }, false, false},
		{func(f *Filter) { f.Since = since("2h") }, true, false},
		{func(f *Filter) { f.Since = since("30m") }, false, false},
		{func(f *Filter) { f.Until = since("2026-12-04T05:00:00Z") }, false, false},
		{func(f *Filter) { f.Until = since("2026-12-04T05:00:00.001Z") }, true, false},
		{func(f *Filter) { f.Partitions = []int32{0} }, false, false},
		{func(f *Filter) { f.FromOffset, f.ToOffset = 11, 11 }, false, true},
	} {
		f := NewFilter()
		c.f(&f)
		if err := f.Check(); err != nil {
			t.Fatal(err)
		}
		if f.Match(rec) != c.rec || f.Match(notDLT) != c.notDLT {
			t.Errorf("case %d: %+v: got %v %v", i, f, f.Match(rec), f.Match(notDLT))
		}
	}
	bad := NewFilter()
	bad.ErrorClass = "["
	if err := bad.Check(); err == nil {
		t.Error("bad glob accepted")
	}
	if _, err := ParseTime("yesterday", now); err == nil {
		t.Error("yesterday accepted")
	}
	for s, ok := range map[string]bool{"5": true, "5-9": true, "9-5": false, "-1": false, "x": false} {
		if _, _, err := ParseOffsets(s); (err == nil) != ok {
			t.Errorf("%s: %v", s, err)
		}
	}
}

// FuzzParse: any header values: a dead letter or an error, never a panic;
// a parsed dead letter keeps the topic it was given.
func FuzzParse(f *testing.F) {
	f.Add("orders", []byte{0, 0, 0, 3}, []byte{0, 0, 0, 0, 0, 0, 1, 2}, []byte{0, 0, 1, 0x8b, 0xcf, 0xe5, 0x68, 0}, []byte("17"))
	f.Add("", []byte{}, []byte{}, []byte{}, []byte{})
	f.Fuzz(func(t *testing.T, topic string, part, off, ts, id []byte) {
		hs := []kgo.RecordHeader{
			{Key: HeaderOriginalTopic, Value: []byte(topic)}, {Key: HeaderOriginalPartition, Value: part},
			{Key: HeaderOriginalOffset, Value: off}, {Key: HeaderOriginalTimestamp, Value: ts}, {Key: HeaderOriginalSchemaID, Value: id},
		}
		d, err := Parse(hs)
		if err == nil && d.OriginalTopic != topic {
			t.Fatalf("topic %q, want %q", d.OriginalTopic, topic)
		}
	})
}
