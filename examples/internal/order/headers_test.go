package order

import (
	"testing"

	"github.com/twmb/franz-go/pkg/kgo"
)

func TestHeadersRoundTrip(t *testing.T) {
	hs := []kgo.RecordHeader{{Key: "ce_id", Value: []byte("x")}, {Key: "empty"}, {Key: "", Value: []byte{0, 1}}}
	got, err := decodeHeaders(encodeHeaders(hs))
	if err != nil {
		t.Fatal(err)
	}
	for i := range hs {
		if got[i].Key != hs[i].Key || string(got[i].Value) != string(hs[i].Value) {
			t.Fatalf("got %+v, want %+v", got, hs)
		}
	}
	if got, err := decodeHeaders(nil); err != nil || got != nil {
		t.Fatalf("empty: %v %v", got, err)
	}
}

// FuzzDecodeHeaders: a damaged outbox row is an error, never a panic or an
// allocation larger than the row.
func FuzzDecodeHeaders(f *testing.F) {
	f.Add(encodeHeaders([]kgo.RecordHeader{{Key: "k", Value: []byte("v")}}))
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01})
	f.Fuzz(func(t *testing.T, b []byte) {
		hs, err := decodeHeaders(b)
		if err != nil {
			return
		}
		if again, err := decodeHeaders(encodeHeaders(hs)); err != nil || len(again) != len(hs) {
			t.Fatalf("round trip: %v", err)
		}
	})
}
