package datum

import (
	"fmt"
	"sync/atomic"

	"gitlab.com/acme/avroctl/gen/golang/runtime/avro"
	"gitlab.com/acme/avroctl/gen/schema"
)

// Codec decodes data written with one writer schema, optionally read with
// a reader schema. Make one per writer schema and reuse it.
type Codec struct {
	writer *avro.WriterSchema
	// shown is the schema the JSON follows: the reader's when there is one.
	shown schema.Schema
	// plan transcodes writer bytes into reader bytes; nil when there is no
	// reader schema or it has the writer's canonical form.
	plan func(d *avro.Decoder, dst []byte) []byte
	// progs are shown compiled for each Format.
	progs [len(formatNames)]*Program
	// hint is the JSON length of the last datum: the next output buffer
	// is made that big at once instead of growing by doubling.
	hint atomic.Int64
}

// NewCodec parses the writer schema JSON and, when readerJSON is not
// empty, the reader schema, and plans the resolution of one into the
// other. Resolution is the runtime's (avro.Resolver): the data is
// transcoded into reader-schema bytes first, then decoded with the reader
// schema, so inspect shows exactly what a generated consumer would read.
func NewCodec(writerJSON, readerJSON string) (*Codec, error) {
	w, err := avro.ParseWriterSchema(writerJSON)
	if err != nil {
		return nil, fmt.Errorf("writer schema: %w", err)
	}
	shown, err := schema.Parse([]byte(writerJSON), schema.ParseOptions{Filename: "writer schema"})
	if err != nil {
		return nil, err
	}
	c := &Codec{writer: w, shown: shown}
	if readerJSON != "" {
		if c.shown, err = schema.Parse([]byte(readerJSON), schema.ParseOptions{Filename: "reader schema"}); err != nil {
			return nil, err
		}
		if c.plan, err = avro.NewResolver(readerJSON).Plan(w); err != nil {
			return nil, fmt.Errorf("the reader schema cannot read data of the writer schema: %w", err)
		}
	}
	for f := range c.progs {
		c.progs[f] = Compile(c.shown, Format(f))
	}
	return c, nil
}

// program returns the compiled schema for f.
func (c *Codec) program(f Format) (*Program, error) {
	if f < 0 || int(f) >= len(c.progs) {
		return nil, &Error{Msg: fmt.Sprintf("unknown format %v", f)}
	}
	return c.progs[f], nil
}

// Decode decodes one datum (the Avro body, without any framing) into JSON
// of format f. A resolution error is located in the writer's bytes; a
// decoding error of the transcoded bytes cannot happen for data the plan
// accepted, and is reported against them if it does.
func (c *Codec) Decode(data []byte, f Format) ([]byte, error) {
	out, n, err := c.DecodeNext(data, f)
	if err == nil && n != len(data) {
		return nil, &Error{Offset: n, Msg: fmt.Sprintf("%d trailing bytes after the value", len(data)-n)}
	}
	return out, err
}

// DecodeNext decodes the datum at the start of data, which may be followed
// by more (a stream of concatenated datums), and returns its JSON and the
// number of bytes it took.
func (c *Codec) DecodeNext(data []byte, f Format) ([]byte, int, error) {
	hint := min(c.hint.Load(), MaxOutput)
	js, n, err := c.AppendNext(make([]byte, 0, hint+hint/8), data, f)
	if err != nil {
		return nil, 0, err
	}
	c.hint.Store(int64(len(js)))
	return js, n, nil
}

// AppendNext is DecodeNext appending the JSON to dst, so that many datums
// (a container file's block) share one buffer. On an error dst is returned
// as it was given.
func (c *Codec) AppendNext(dst, data []byte, f Format) ([]byte, int, error) {
	p, err := c.program(f)
	if err != nil {
		return dst, 0, err
	}
	if c.plan == nil {
		return p.AppendNext(dst, data)
	}
	d := avro.NewDecoder(data)
	out := c.plan(&d, nil)
	if err := d.Err(); err != nil {
		if de, ok := err.(*avro.DecodeError); ok {
			return dst, 0, &Error{Offset: de.Offset, Msg: "resolving into the reader schema: " + de.Msg, Err: err}
		}
		return dst, 0, &Error{Offset: d.Offset(), Msg: "resolving into the reader schema: " + err.Error(), Err: err}
	}
	js, err := p.Decode(out)
	if err != nil {
		return dst, 0, err
	}
	return append(dst, js...), d.Offset(), nil
}

// Schema is the schema the JSON follows: the reader's when there is one.
func (c *Codec) Schema() schema.Schema { return c.shown }
