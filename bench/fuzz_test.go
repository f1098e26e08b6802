package bench

import (
	"encoding/hex"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// FuzzDecode feeds arbitrary bytes to avroctl's generated decoder. It must
// never panic; whatever it accepts must survive a re-encode and decode
// unchanged; and when twmb/avro (an independent decoder) also accepts the
// input, both must read the same value. Inputs only one of them accepts are
// not failures: the libraries differ in how strict they are.
func FuzzDecode(f *testing.F) {
	raw, err := os.ReadFile(filepath.Join("testdata", "small_order.java.hex"))
	if err != nil {
		f.Fatal(err)
	}
	java, err := hex.DecodeString(strings.TrimSpace(string(raw)))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(java)
	f.Add(specEncode(SampleOrder()))
	f.Add(specEncode(emptyOrder()))
	f.Add(specEncode(edgeOrder()))
	f.Add([]byte{})

	all, err := Codecs()
	if err != nil {
		f.Fatal(err)
	}
	avroctl, twmb := findCodec(all, "avroctl"), findCodec(all, "twmb")
	if s, ok := avroctl.(Skipper); ok {
		f.Skip(s.Skip())
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if err := avroctl.Decode(data); err != nil {
			return
		}
		got, gotErr := avroctl.Order()

		again, err := avroctl.Encode(nil)
		if err != nil {
			t.Fatalf("re-encoding a decoded value: %v", err)
		}
		if err := avroctl.Decode(again); err != nil {
			t.Fatalf("decoding avroctl's own re-encoding: %v\nbytes %x", err, again)
		}
		if got2, err := avroctl.Order(); gotErr == nil && (err != nil || !sameOrder(got2, got)) {
			t.Fatalf("value changed in a re-encode round trip:\n got %s\nwant %s", describe(got2), describe(got))
		}

		if gotErr != nil || twmb.Decode(data) != nil {
			return // not comparable: out of the int64-cents range, or twmb rejects it
		}
		want, err := twmb.Order()
		if err != nil {
			return
		}
		if !sameOrder(got, want) {
			t.Fatalf("avroctl and twmb read different values from %x:\navroctl %s\n   twmb %s", data, describe(got), describe(want))
		}
	})
}

func findCodec(cs []Codec, name string) Codec {
	for _, c := range cs {
		if c.Name() == name {
			return c
		}
	}
	panic("no codec " + name)
}

// sameOrder compares decoded Orders up to representation choices: NaN
// weights are equal when their bits are, and the uuid is compared in lower
// case (avroctl holds a uuid as 16 bytes and prints it in lower case; twmb
// keeps the string as written, as Java's UUID.toString would not).
func sameOrder(a, b *Order) bool {
	x, y := *normalize(a), *normalize(b)
	if math.Float64bits(x.WeightKg) != math.Float64bits(y.WeightKg) {
		return false
	}
	x.WeightKg, y.WeightKg = 0, 0
	x.OrderID, y.OrderID = strings.ToLower(x.OrderID), strings.ToLower(y.OrderID)
	return reflect.DeepEqual(&x, &y)
}
