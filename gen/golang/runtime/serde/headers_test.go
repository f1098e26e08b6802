package serde

import (
	"testing"
	"time"
)

func TestEventHeadersRoundTrip(t *testing.T) {
	in := EventHeaders{
		ID:     "0b9a1f0e-7c1d-4f3e-9a55-3b2b8f1d2c10",
		Type:   "com.acme.events.payments.PaymentValidated",
		Source: "payment-service",
		Time:   time.Date(2026, 11, 27, 14, 15, 16, 789_000_000, time.FixedZone("CET", 3600)),
	}
	hs := in.AppendHeaders(nil)
	want := []string{"ce_specversion=1.0", "ce_id=" + in.ID, "ce_source=payment-service",
		"ce_type=" + in.Type, "ce_time=2026-11-27T13:15:16.789Z", "content-type=application/avro"}
	if len(hs) != len(want) {
		t.Fatalf("%d headers, want %d", len(hs), len(want))
	}
	for i, h := range hs {
		if got := h.Key + "=" + string(h.Value); got != want[i] {
			t.Errorf("header %d = %s, want %s", i, got, want[i])
		}
	}
	out, err := ParseEventHeaders(append([]Header{{Key: "traceparent", Value: []byte("x")}}, hs...))
	if err != nil {
		t.Fatal(err)
	}
	if out.ID != in.ID || out.Type != in.Type || out.Source != in.Source || !out.Time.Equal(in.Time) {
		t.Fatalf("parsed %+v, want %+v", out, in)
	}
	if v, ok := HeaderValue(hs, HeaderContentType); !ok || string(v) != ContentType {
		t.Errorf("HeaderValue(content-type) = %q, %v", v, ok)
	}
	if _, ok := HeaderValue(hs, "missing"); ok {
		t.Error("HeaderValue found a missing header")
	}
}

func TestEventHeadersOptionalTime(t *testing.T) {
	hs := EventHeaders{ID: "i", Type: "t"}.AppendHeaders(nil)
	if _, ok := HeaderValue(hs, HeaderTime); ok {
		t.Error("zero Time wrote a ce_time header")
	}
	if h, err := ParseEventHeaders(hs); err != nil || !h.Time.IsZero() {
		t.Errorf("ParseEventHeaders = %+v, %v", h, err)
	}
}

func TestParseEventHeadersErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		hs   []Header
	}{
		{"NoID", []Header{{HeaderType, []byte("t")}}},
		{"NoType", []Header{{HeaderID, []byte("i")}}},
		{"BadTime", []Header{{HeaderID, []byte("i")}, {HeaderType, []byte("t")}, {HeaderTime, []byte("yesterday")}}},
	} {
		if _, err := ParseEventHeaders(tc.hs); err == nil {
			t.Errorf("%s: no error", tc.name)
		}
	}
}

func TestSubjectNameStrategies(t *testing.T) {
	const full = "com.acme.events.orders.OrderCreated"
	for _, tc := range []struct {
		s     SubjectNameStrategy
		key   bool
		topic string
		want  string
	}{
		{TopicName, false, "orders", "orders-value"},
		{TopicName, true, "orders", "orders-key"},
		{RecordName, false, "orders", full},
		{RecordName, true, "", full},
		{TopicRecordName, false, "orders", "orders-" + full},
		{TopicRecordName, true, "orders", "orders-" + full},
	} {
		got, err := tc.s.Subject(tc.topic, full, tc.key)
		if err != nil || got != tc.want {
			t.Errorf("%v.Subject(%q, key=%v) = %q, %v; want %q", tc.s, tc.topic, tc.key, got, err, tc.want)
		}
		back, err := ParseSubjectNameStrategy(tc.s.String())
		if err != nil || back != tc.s {
			t.Errorf("ParseSubjectNameStrategy(%q) = %v, %v", tc.s.String(), back, err)
		}
	}
	for _, s := range []SubjectNameStrategy{TopicName, TopicRecordName} {
		if _, err := s.Subject("", full, false); err == nil {
			t.Errorf("%v without a topic: no error", s)
		}
	}
	if _, err := SubjectNameStrategy(9).Subject("t", full, false); err == nil {
		t.Error("unknown strategy: no error")
	}
	if _, err := ParseSubjectNameStrategy("io.confluent.Whatever"); err == nil {
		t.Error("ParseSubjectNameStrategy accepted an unknown name")
	}
	if s, err := ParseSubjectNameStrategy("TopicRecordNameStrategy"); err != nil || s != TopicRecordName {
		t.Errorf("Java short name: %v, %v", s, err)
	}
}
