package kafka

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
)

// Permanent marks err as an error that retrying cannot fix (a business
// rule refuses the event, a reference it needs does not exist): the record
// goes to the dead-letter topic at once. Permanent(nil) is nil.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return &classified{err: err, permanent: true}
}

// Transient marks err as an error that may pass on retry (a database or a
// downstream service is unavailable). Unmarked errors are treated as
// transient too; the mark documents intent. Transient(nil) is nil.
func Transient(err error) error {
	if err == nil {
		return nil
	}
	return &classified{err: err}
}

type classified struct {
	err       error
	permanent bool
}

func (e *classified) Error() string { return e.err.Error() }
func (e *classified) Unwrap() error { return e.err }

// IsPermanent reports whether err (or an error it wraps) was marked with
// Permanent.
func IsPermanent(err error) bool {
	var c *classified
	for errors.As(err, &c) {
		if c.permanent {
			return true
		}
		err = c.err
	}
	return false
}

// DecodeError is a frame the consumer could not decode: a wrong magic
// byte, a truncated body, a schema id the registry does not know, or a
// writer schema that cannot be resolved to T. It goes to the dead-letter
// topic unchanged. Err is the codec's error.
type DecodeError struct{ Err error }

func (e *DecodeError) Error() string { return "decode: " + e.Err.Error() }
func (e *DecodeError) Unwrap() error { return e.Err }

// PanicError is a handler that panicked. The record is dead-lettered with
// the goroutine's stack; the consumer keeps running.
type PanicError struct {
	Value any
	Stack []byte
}

func (e *PanicError) Error() string { return fmt.Sprintf("handler panicked: %v", e.Value) }

// RetriesExhaustedError wraps the last error of a record whose in-place
// retries (and retry topics) are used up.
type RetriesExhaustedError struct {
	Attempts int
	Err      error
}

func (e *RetriesExhaustedError) Error() string {
	return fmt.Sprintf("gave up after %d attempts: %v", e.Attempts, e.Err)
}
func (e *RetriesExhaustedError) Unwrap() error { return e.Err }

// ErrorClass names the class of err for the kafka_dlt-exception-fqcn
// header, the way Java names an exception's class: the package path and
// type name of the first error in the chain that is not a plain wrapper
// (errors.New, fmt.Errorf, errors.Join, and this package's Permanent and
// Transient marks). "error" when every error in the chain is plain.
// The runtime's own kinds are stable names:
//
//	gitlab.com/acme/avroctl/kafka.DecodeError            undecodable frame
//	gitlab.com/acme/avroctl/kafka.PanicError             handler panicked
//	gitlab.com/acme/avroctl/kafka.RetriesExhaustedError  retries used up
//
// `avroctl dlt inspect --class` filters on this value.
func ErrorClass(err error) string {
	for e := err; e != nil; e = unwrapOne(e) {
		if !plainError(e) {
			return typeName(e)
		}
	}
	return "error"
}

// causeClass is the class of the innermost error of the chain.
func causeClass(err error) string {
	last := err
	for e := err; e != nil; e = unwrapOne(e) {
		last = e
	}
	if last == nil || plainError(last) {
		return "error"
	}
	return typeName(last)
}

func plainError(e error) bool {
	switch e.(type) {
	case *classified:
		return true
	}
	switch typeName(e) {
	case "errors.errorString", "fmt.wrapError", "fmt.wrapErrors", "errors.joinError":
		return true
	}
	return false
}

func typeName(e error) string {
	t := reflect.TypeOf(e)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.PkgPath() == "" {
		return t.String()
	}
	return t.PkgPath() + "." + t.Name()
}

// errorTrace is the kafka_dlt-exception-stacktrace value: Go errors carry
// no stack, so it lists the chain, outermost first, each with its class,
// and for a panic the goroutine's stack.
func errorTrace(err error) string {
	var b strings.Builder
	for e := err; e != nil; e = unwrapOne(e) {
		if _, ok := e.(*classified); ok {
			continue
		}
		fmt.Fprintf(&b, "%s: %s\n", typeName(e), e.Error())
		var p *PanicError
		if errors.As(e, &p) && len(p.Stack) > 0 {
			b.Write(p.Stack)
		}
	}
	return b.String()
}

// unwrapOne follows an error chain one step; for an error wrapping
// several (errors.Join, fmt.Errorf with several %w) it follows the first.
func unwrapOne(e error) error {
	switch x := e.(type) {
	case interface{ Unwrap() error }:
		return x.Unwrap()
	case interface{ Unwrap() []error }:
		if es := x.Unwrap(); len(es) > 0 {
			return es[0]
		}
	}
	return nil
}
