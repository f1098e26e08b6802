package order

import (
	"encoding/binary"
	"errors"

	"github.com/twmb/franz-go/pkg/kgo"
)

// encodeHeaders stores record headers in one outbox column: for each
// header, its key and its value, each as a uvarint length and the bytes.
func encodeHeaders(hs []kgo.RecordHeader) []byte {
	var b []byte
	for _, h := range hs {
		b = binary.AppendUvarint(b, uint64(len(h.Key)))
		b = append(b, h.Key...)
		b = binary.AppendUvarint(b, uint64(len(h.Value)))
		b = append(b, h.Value...)
	}
	return b
}

var errBadHeaders = errors.New("malformed headers column")

// decodeHeaders reads what encodeHeaders wrote. Lengths are checked against
// the bytes left, so a damaged row cannot make it allocate more than the
// row holds.
func decodeHeaders(b []byte) ([]kgo.RecordHeader, error) {
	var hs []kgo.RecordHeader
	next := func() ([]byte, error) {
		n, k := binary.Uvarint(b)
		if k <= 0 || n > uint64(len(b)-k) {
			return nil, errBadHeaders
		}
		v := b[k : k+int(n)]
		b = b[k+int(n):]
		return v, nil
	}
	for len(b) > 0 {
		k, err := next()
		if err != nil {
			return nil, err
		}
		v, err := next()
		if err != nil {
			return nil, err
		}
		hs = append(hs, kgo.RecordHeader{Key: string(k), Value: append([]byte(nil), v...)})
	}
	return hs, nil
}
