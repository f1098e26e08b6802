package serde

import (
	"errors"
	"fmt"
	"time"

	"gitlab.com/acme/avroctl/gen/golang/runtime/avro"
)

// Header is one transport header (a Kafka record header), kept
// transport-agnostic so this package needs no Kafka client.
type Header struct {
	Key   string
	Value []byte
}

// Header keys: the CloudEvents 1.0 Kafka protocol binding, binary content
// mode. See the package documentation.
const (
	HeaderSpecVersion = "ce_specversion"
	HeaderID          = "ce_id"
	HeaderSource      = "ce_source"
	HeaderType        = "ce_type"
	HeaderTime        = "ce_time"
	HeaderContentType = "content-type"
)

// SpecVersion is the CloudEvents version the headers follow.
const SpecVersion = "1.0"

// ContentType is the content-type header of a framed event: Avro binary
// behind the 5-byte Confluent schema-registry header.
const ContentType = "application/avro"

// EventHeaders are the technical facts about an event that travel next to
// its bytes, so that a consumer can deduplicate, route and trace without
// decoding the value.
type EventHeaders struct {
	// ID is the event's unique id (metadata.eventId, a UUID string).
	// Redeliveries of the same event carry the same id.
	ID string
	// Type is the Avro full name of the value's record, e.g.
	// "com.acme.events.payments.PaymentValidated".
	Type string
	// Source is the producing service (metadata.producer), e.g.
	// "payment-service".
	Source string
	// Time is when the business fact happened (metadata.occurredAt).
	// The zero Time omits the header.
	Time time.Time
}

// AppendHeaders appends h's headers to dst in a fixed order.
func (h EventHeaders) AppendHeaders(dst []Header) []Header {
	dst = append(dst,
		Header{HeaderSpecVersion, []byte(SpecVersion)},
		Header{HeaderID, []byte(h.ID)},
		Header{HeaderSource, []byte(h.Source)},
		Header{HeaderType, []byte(h.Type)},
	)
	if !h.Time.IsZero() {
		// RFC 3339 in UTC with the millisecond precision of timestamp-millis.
		dst = append(dst, Header{HeaderTime, h.Time.UTC().AppendFormat(nil, "2006-01-02T15:04:05.000Z07:00")})
	}
	return append(dst, Header{HeaderContentType, []byte(ContentType)})
}

// Errors of ParseEventHeaders.
var (
	errNoID   = errors.New("serde: missing " + HeaderID + " header")
	errNoType = errors.New("serde: missing " + HeaderType + " header")
)

// ParseEventHeaders reads the event headers from hs. ce_id and ce_type are
// required; the others are optional. Unknown headers are ignored, and when
// a key repeats the last value wins (Kafka's convention for lookups).
func ParseEventHeaders(hs []Header) (EventHeaders, error) {
	var h EventHeaders
	for _, x := range hs {
		switch x.Key {
		case HeaderID:
			h.ID = string(x.Value)
		case HeaderType:
			h.Type = string(x.Value)
		case HeaderSource:
			h.Source = string(x.Value)
		case HeaderTime:
			t, err := time.Parse(time.RFC3339Nano, string(x.Value))
			if err != nil {
				return h, fmt.Errorf("serde: %s header %s: want an RFC 3339 time", HeaderTime, avro.Quote(string(x.Value)))
			}
			h.Time = t
		}
	}
	switch {
	case h.ID == "":
		return h, errNoID
	case h.Type == "":
		return h, errNoType
	}
	return h, nil
}

// HeaderValue returns the value of the last header with key, and whether
// there is one.
func HeaderValue(hs []Header, key string) ([]byte, bool) {
	for i := len(hs) - 1; i >= 0; i-- {
		if hs[i].Key == key {
			return hs[i].Value, true
		}
	}
	return nil, false
}
