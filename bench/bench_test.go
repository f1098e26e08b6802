package bench

import (
	"testing"
)

// The benchmarks run every codec on SampleOrder. Each sub-benchmark is named
// after the codec, so `-bench Encode/avroctl` picks one and cmd/ratios can
// line them up. SetBytes is the encoded size, so MB/s compares throughput.

func BenchmarkEncode(b *testing.B)      { benchEncode(b, Codecs) }
func BenchmarkDecode(b *testing.B)      { benchDecode(b, Codecs) }
func BenchmarkSerdeEncode(b *testing.B) { benchEncode(b, SerdeCodecs) }
func BenchmarkSerdeDecode(b *testing.B) { benchDecode(b, SerdeCodecs) }

// benchEncode measures appending one message to a buffer that is reused
// across iterations, as a producer that batches messages would.
func benchEncode(b *testing.B, codecs func() ([]Codec, error)) {
	for _, c := range loadCodecs(b, codecs) {
		b.Run(c.Name(), func(b *testing.B) {
			skipIfSkipper(b, c)
			buf, err := c.Encode(nil)
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(len(buf)))
			b.ReportAllocs()
			for b.Loop() {
				buf, err = c.Encode(buf[:0])
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// benchDecode measures decoding one message into a fresh value, as a
// consumer that hands each message on would.
func benchDecode(b *testing.B, codecs func() ([]Codec, error)) {
	for _, c := range loadCodecs(b, codecs) {
		b.Run(c.Name(), func(b *testing.B) {
			skipIfSkipper(b, c)
			data, err := c.Encode(nil)
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				if err := c.Decode(data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// loadCodecs builds the codecs and loads SampleOrder into each one that can
// run.
func loadCodecs(b *testing.B, codecs func() ([]Codec, error)) []Codec {
	b.Helper()
	cs, err := codecs()
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range cs {
		if _, skip := c.(Skipper); skip {
			continue
		}
		if err := c.Load(SampleOrder()); err != nil {
			b.Fatalf("%s: %v", c.Name(), err)
		}
	}
	return cs
}

func skipIfSkipper(b *testing.B, c Codec) {
	if s, ok := c.(Skipper); ok {
		b.Skip(s.Skip())
	}
}
