package main

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"

	"github.com/twmb/franz-go/pkg/sr"

	"gitlab.com/acme/avroctl/gen/datum"
	"gitlab.com/acme/avroctl/gen/golang/runtime/serde"
)

// frameCodecs decodes Confluent-framed data with writer schemas fetched
// from the registry once each (consume's values and keys).
type frameCodecs struct {
	ws         *writerSchemas
	readerJSON string
	codecs     map[schemaRef]*datum.Codec
	findings   map[schemaRef]*dataFinding
}

func newFrameCodecs(cl *sr.Client, url, readerJSON, unknownFix string) *frameCodecs {
	return &frameCodecs{ws: &writerSchemas{cl: cl, url: url, cache: map[schemaRef]fetched{}, unknownFix: unknownFix},
		readerJSON: readerJSON, codecs: map[schemaRef]*datum.Codec{}, findings: map[schemaRef]*dataFinding{}}
}

func (c *frameCodecs) codec(ctx context.Context, ref schemaRef) (*datum.Codec, *dataFinding, error) {
	if cd, ok := c.codecs[ref]; ok {
		return cd, nil, nil
	}
	if f, ok := c.findings[ref]; ok {
		return nil, f, nil
	}
	f, err := c.ws.get(ctx, ref)
	if err != nil {
		return nil, nil, err
	}
	if f.finding != nil {
		c.findings[ref] = f.finding
		return nil, f.finding, nil
	}
	cd, err := datum.NewCodec(f.text, c.readerJSON)
	if err != nil {
		fd := &dataFinding{typ: dltUndecodable, msg: fmt.Sprintf("%s: %v", ref, err)}
		c.findings[ref] = fd
		return nil, fd, nil
	}
	c.codecs[ref] = cd
	return cd, nil, nil
}

// decode decodes data: a frame, or (header non-nil, the value of a
// __value_schema_id/__key_schema_id header) the Avro body alone. Errors
// name the byte offset within data; a registry failure is the error.
func (c *frameCodecs) decode(ctx context.Context, data, header []byte, vf datum.Format) (schemaRef, []byte, *dataFinding, error) {
	var ref schemaRef
	skip := 0
	var err error
	if header != nil {
		var n int
		if ref, n, err = parseSchemaPrefix(header, "the schema id header"); err == nil && n != len(header) {
			err = fmt.Errorf("the schema id header has %d bytes, want %d", len(header), n)
		}
	} else {
		ref, skip, err = parseSchemaPrefix(data, "the frame")
	}
	if err != nil {
		typ := dataTruncatedFrame
		if header == nil && len(data) > 0 && data[0] > serde.MagicByteGUID {
			typ = dltNotFramed
		}
		// decode's hint (--raw --writer) does not apply to a record.
		msg, _, _ := strings.Cut(err.Error(), "; for data without a frame")
		return ref, nil, &dataFinding{typ: typ, msg: msg}, nil
	}
	cd, fd, err := c.codec(ctx, ref)
	if err != nil || fd != nil {
		return ref, nil, fd, err
	}
	js, err := cd.Decode(data[skip:], vf)
	if err != nil {
		var de *datum.Error
		if errors.As(err, &de) {
			de.Offset += skip // located in the frame, prefix included
		}
		return ref, nil, &dataFinding{typ: dltUndecodable, msg: fmt.Sprintf("%s: %v", ref, err),
			fix: "the data does not match the schema its frame names: the producer's serializer is at fault"}, nil
	}
	return ref, js, nil, nil
}

// appendFrame frames an Avro body with schema id (magic byte 0).
func appendFrame(id int, body []byte) []byte {
	return append(binary.BigEndian.AppendUint32([]byte{serde.MagicByte}, uint32(id)), body...)
}
