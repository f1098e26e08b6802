package javaharness

import "encoding/base64"

// Formats is what Java 1.12 prints and hashes for `avroctl canonical` and
// `avroctl fingerprint`: SchemaFormatter.format by format name, and the
// CRC-64-AVRO fingerprint as parsingFingerprint's bytes (hex) and as
// parsingFingerprint64's signed long (decimal).
type Formats struct {
	Canonical  string `json:"canonical"`
	JSON       string `json:"json"`
	JSONPretty string `json:"json/pretty"`
	JSONInline string `json:"json/inline"`
	CRC64Hex   string `json:"crc64Hex"`
	CRC64Long  string `json:"crc64Long"`
}

// Formats asks Java for every format and the CRC-64-AVRO forms of schema.
func (h *Harness) Formats(schema []byte) (*Formats, error) {
	raw, err := h.Call(map[string]any{"op": "formats", "schema": string(schema)})
	if err != nil {
		return nil, err
	}
	var r Formats
	return &r, decode(raw, &r)
}

// DecodeLogical reads data (one datum of schema, nothing after it) with
// every logical-type conversion registered, as a Java consumer with
// conversions would, and returns GenericData's text of the value.
func (h *Harness) DecodeLogical(schema, data []byte) (string, error) {
	raw, err := h.Call(map[string]any{"op": "decodeLogical", "schema": string(schema), "data": base64.StdEncoding.EncodeToString(data)})
	if err != nil {
		return "", err
	}
	var r struct {
		Text string `json:"text"`
	}
	return r.Text, decode(raw, &r)
}
