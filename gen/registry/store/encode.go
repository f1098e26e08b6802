package store

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// encodeEvent encodes e for the log as JSON without HTML escaping: the log
// is not HTML, and escaping made each '<', '>' and '&' of a schema six bytes
// (\u003c), so a request well under the body limit became a record over the
// record limit.
func encodeEvent(e Event) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(e); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// batchBuf assembles a record's payload, the JSON array of its encoded
// events, so that its size is known before an event is added.
type batchBuf struct {
	buf []byte // "[" and the events so far, comma-separated, without the "]"
	n   int
}

func (b *batchBuf) len() int { return b.n }

// sizeWith returns the payload's size if enc were added.
func (b *batchBuf) sizeWith(enc []byte) int {
	if b.n == 0 {
		return 1 + len(enc) + 1
	}
	return len(b.buf) + 1 + len(enc) + 1
}

func (b *batchBuf) add(enc []byte) {
	if b.n == 0 {
		b.buf = append(b.buf, '[')
	} else {
		b.buf = append(b.buf, ',')
	}
	b.buf = append(b.buf, enc...)
	b.n++
}

// payload returns the complete JSON array.
func (b *batchBuf) payload() []byte {
	p := make([]byte, len(b.buf)+1)
	copy(p, b.buf)
	p[len(b.buf)] = ']'
	return p
}

func (b *batchBuf) reset() { b.buf, b.n = b.buf[:0], 0 }

// RecordTooLargeError is returned by Tx.Append for an event that would make
// the transaction's log record larger than the store accepts. The event is
// not applied and nothing is written; the store keeps serving.
type RecordTooLargeError struct {
	Event string // what the event is about (subject, version, schema id)
	Bytes int    // the record's size with the event
	Limit int    // the largest record the store accepts
}

func (e *RecordTooLargeError) Error() string {
	return fmt.Sprintf("%s would make a log record of %d bytes, over the %d byte limit", e.Event, e.Bytes, e.Limit)
}
