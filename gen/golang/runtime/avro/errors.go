package avro

import (
	"errors"
	"fmt"
	"strconv"
	"unicode/utf8"
)

// ErrShortBuffer is wrapped by decode errors caused by input that ends early.
var ErrShortBuffer = errors.New("unexpected end of input")

// DecodeError is an error found while decoding, located by byte offset.
type DecodeError struct {
	Offset int    // byte offset into the input where the bad value starts
	Msg    string // what is wrong
	Err    error  // optional cause, for errors.Is
}

func (e *DecodeError) Error() string {
	return fmt.Sprintf("avro: decode at byte %d: %s", e.Offset, e.Msg)
}

func (e *DecodeError) Unwrap() error { return e.Err }

// EncodeError is a Go value that cannot be encoded with its schema.
type EncodeError struct {
	Path string // the Avro path of the value, e.g. "Order.status"
	Msg  string
}

func (e *EncodeError) Error() string {
	return fmt.Sprintf("avro: encode %s: %s", e.Path, e.Msg)
}

// Errorf returns an *EncodeError for the value at path. Generated code uses
// it for invalid enum values, empty unions and out-of-range decimals.
func Errorf(path, format string, args ...any) error {
	return &EncodeError{Path: path, Msg: fmt.Sprintf(format, args...)}
}

// maxQuoted is how many bytes of an input an error message quotes. Inputs
// come from frames and registries anyone may write to: an error that
// quoted a 1 MiB value in full would carry it into every log line.
const maxQuoted = 48

// Quote returns s as %q prints it, cut to its first bytes (on a character
// boundary) with its full length noted when it is longer than maxQuoted.
// Error messages quote input values through it.
func Quote(s string) string {
	if len(s) <= maxQuoted {
		return strconv.Quote(s)
	}
	cut := maxQuoted
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return strconv.Quote(s[:cut]) + "… (" + strconv.Itoa(len(s)) + " bytes)"
}

// FieldError returns err, an error encoding the value of a field, as an
// *EncodeError at path, the field: generated records wrap the errors of
// the enums they hold with it, so that a bad symbol names the field that
// holds it and not only the enum type.
func FieldError(path string, err error) error {
	var e *EncodeError
	if errors.As(err, &e) {
		return &EncodeError{Path: path, Msg: e.Msg}
	}
	return &EncodeError{Path: path, Msg: err.Error()}
}
