package kafka

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

func TestDeadLetterRoundTrip(t *testing.T) {
	c, err := NewConsumer[testEvent](&jsonCodec{id: 7}, nil, ConsumerOptions{Config: Config{Brokers: []string{"x:1"}}, Group: "g", Topics: []string{"orders"}})
	if err != nil {
		t.Fatal(err)
	}
	orig := &kgo.Record{Topic: "orders", Partition: 2, Offset: 41, Timestamp: time.UnixMilli(1700000000123),
		Key: []byte("k"), Value: []byte{0, 0, 0, 0, 7, 'x'},
		Headers: []kgo.RecordHeader{{Key: HeaderID, Value: []byte("e-1")}, {Key: "x-trace", Value: []byte("t")}}}
	dl := c.deadLetter(orig, Permanent(errRefused))
	dl.Topic, dl.Partition, dl.Offset = "orders-dlt", 0, 3
	d, err := ParseDeadLetter(dl)
	if err != nil {
		t.Fatal(err)
	}
	want := DeadLetter{OriginalTopic: "orders", OriginalPartition: 2, OriginalOffset: 41,
		OriginalTimestamp: time.UnixMilli(1700000000123), TimestampType: "CreateTime", ConsumerGroup: "g",
		ErrorClass: "gitlab.com/acme/avroctl/kafka.testRefusal", CauseClass: "gitlab.com/acme/avroctl/kafka.testRefusal",
		Message: "refused by rule R1", SchemaID: 7}
	d.Stacktrace = ""
	if d != want {
		t.Errorf("ParseDeadLetter:\n got %+v\nwant %+v", d, want)
	}
	r, err := ReplayRecord(dl, nil)
	if err != nil {
		t.Fatal(err)
	}
	if r.Topic != "orders" || string(r.Key) != "k" || string(r.Value) != string(orig.Value) || len(r.Headers) != 2 ||
		r.Headers[0].Key != HeaderID || string(r.Headers[1].Value) != "t" {
		t.Errorf("ReplayRecord = %+v, want the original record", r)
	}
	if _, err := ReplayRecord(dl, func(topic string) bool { return topic == "orders" }); err == nil || !strings.Contains(err.Error(), "loop") {
		t.Errorf("replay loop not refused: %v", err)
	}
}

func TestParseDeadLetterWithoutHeaders(t *testing.T) {
	for _, hs := range [][]kgo.RecordHeader{
		nil,
		{{Key: HeaderDLTOriginalTopic, Value: []byte("orders")}},
		{{Key: HeaderDLTOriginalTopic, Value: []byte("orders")}, {Key: HeaderDLTOriginalPartition, Value: []byte("2")}, {Key: HeaderDLTOriginalOffset, Value: make([]byte, 8)}},
	} {
		_, err := ParseDeadLetter(&kgo.Record{Topic: "orders-dlt", Headers: hs})
		if !errors.Is(err, ErrNotDeadLetter) || !strings.Contains(err.Error(), "orders-dlt/0 offset 0") {
			t.Errorf("headers %v: err = %v, want ErrNotDeadLetter with the record's place", hs, err)
		}
		if _, err := ReplayRecord(&kgo.Record{Topic: "orders-dlt", Headers: hs}, nil); err == nil {
			t.Errorf("headers %v: replayed", hs)
		}
	}
}

func TestErrorClass(t *testing.T) {
	for _, c := range []struct {
		err         error
		class, root string
	}{
		{errors.New("x"), "error", "error"},
		{Permanent(errors.New("x")), "error", "error"},
		{Permanent(errRefusedWrapped), "gitlab.com/acme/avroctl/kafka.testRefusal", "gitlab.com/acme/avroctl/kafka.testRefusal"},
		{&DecodeError{Err: errUnknownSchema}, "gitlab.com/acme/avroctl/kafka.DecodeError", "error"},
		{&RetriesExhaustedError{Attempts: 3, Err: errRefused}, "gitlab.com/acme/avroctl/kafka.RetriesExhaustedError", "gitlab.com/acme/avroctl/kafka.testRefusal"},
	} {
		if got := ErrorClass(c.err); got != c.class {
			t.Errorf("ErrorClass(%v) = %s, want %s", c.err, got, c.class)
		}
		if got := causeClass(c.err); got != c.root {
			t.Errorf("causeClass(%v) = %s, want %s", c.err, got, c.root)
		}
	}
	if !IsPermanent(Transient(Permanent(errRefused))) || IsPermanent(Transient(errRefused)) || IsPermanent(nil) {
		t.Error("IsPermanent")
	}
}

var errRefusedWrapped = errors.Join(errRefused)
