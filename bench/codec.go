package bench

import (
	_ "embed"
	"fmt"
)

// OrderSchema is testdata/order.avsc, the schema every codec is built from.
//
//go:embed testdata/order.avsc
var OrderSchema string

// Codec is one implementation under test, holding one value in that
// implementation's own types.
//
// Conversions to and from Order happen in Load and Order, outside the timed
// loops, so the benchmarks measure only Encode and Decode: what a producer or
// consumer pays per message once it already has its typed value.
type Codec interface {
	// Name is the sub-benchmark name ("avroctl", "hamba", ...).
	Name() string
	// Load replaces the held value with o converted to the codec's types.
	Load(o *Order) error
	// Encode appends the Avro binary encoding of the held value to dst. A
	// codec whose API cannot append (hamba) copies into dst; the note on each
	// codec says what its API allows.
	Encode(dst []byte) ([]byte, error)
	// Decode replaces the held value with src decoded into a fresh value, as a
	// consumer does for each message.
	Decode(src []byte) error
	// Order converts the held value back to an Order.
	Order() (*Order, error)
}

// Skipper is implemented by a Codec that cannot run yet; Skip returns why.
type Skipper interface {
	Skip() string
}

// Codecs returns a fresh instance of every implementation, avroctl first
// (ratios are relative to it).
func Codecs() ([]Codec, error) {
	ctors := []func() (Codec, error){
		newAvroctlCodec,
		newGogenCodec,
		newHambaCodec,
		newTwmbCodec,
		newGoavroCodec,
	}
	out := make([]Codec, 0, len(ctors))
	for _, ctor := range ctors {
		c, err := ctor()
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

// codecError wraps an implementation's error with the codec's name.
func codecError(name, op string, err error) error {
	return fmt.Errorf("%s: %s: %w", name, op, err)
}
