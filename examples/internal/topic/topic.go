// Package topic stands in for a Kafka topic in the examples: records (key,
// headers, value) written as JSON lines to a file or a pipe.
package topic

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"

	"gitlab.com/acme/avroctl/gen/golang/runtime/serde"
)

// Record is one Kafka-like record.
type Record struct {
	Topic   string
	Key     string
	Headers []serde.Header
	Value   []byte // the framed event
}

// line is a Record's JSON form: header values are text (they are the
// CloudEvents attributes), the value is base64.
type line struct {
	Topic   string       `json:"topic"`
	Key     string       `json:"key"`
	Headers []lineHeader `json:"headers"`
	Value   []byte       `json:"value"`
}

type lineHeader struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// Writer writes records as JSON lines.
type Writer struct{ enc *json.Encoder }

// NewWriter returns a Writer on w.
func NewWriter(w io.Writer) *Writer { return &Writer{enc: json.NewEncoder(w)} }

// Write writes one record.
func (w *Writer) Write(r Record) error {
	l := line{Topic: r.Topic, Key: r.Key, Value: r.Value}
	for _, h := range r.Headers {
		l.Headers = append(l.Headers, lineHeader{h.Key, string(h.Value)})
	}
	return w.enc.Encode(l)
}

// Reader reads records written by Writer.
type Reader struct {
	sc   *bufio.Scanner
	name string
	line int
}

// NewReader returns a Reader on r; name is used in error positions.
func NewReader(r io.Reader, name string) *Reader {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	return &Reader{sc: sc, name: name}
}

// Read returns the next record, or io.EOF after the last.
func (r *Reader) Read() (Record, error) {
	for r.sc.Scan() {
		r.line++
		b := r.sc.Bytes()
		if len(b) == 0 {
			continue
		}
		var l line
		if err := json.Unmarshal(b, &l); err != nil {
			return Record{}, fmt.Errorf("%s:%d:1: not a record: %v", r.name, r.line, err)
		}
		rec := Record{Topic: l.Topic, Key: l.Key, Value: l.Value}
		for _, h := range l.Headers {
			rec.Headers = append(rec.Headers, serde.Header{Key: h.Key, Value: []byte(h.Value)})
		}
		return rec, nil
	}
	if err := r.sc.Err(); err != nil {
		return Record{}, fmt.Errorf("%s:%d:1: %v", r.name, r.line+1, err)
	}
	return Record{}, io.EOF
}

// Line returns the line number of the record last read.
func (r *Reader) Line() int { return r.line }
