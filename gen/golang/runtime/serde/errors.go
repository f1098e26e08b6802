package serde

import (
	"errors"
	"fmt"
	"strconv"
)

// Sentinel errors. Every error returned by this package wraps at most one of
// them, so callers route failures with errors.Is without parsing messages.
var (
	// ErrMagicByte: the first byte of a frame (or of a schema id header) is
	// neither 0 (schema id) nor 1 (schema GUID), so the bytes were not
	// written by a Confluent-compatible serializer (plain Avro, JSON, or a
	// newer wire format); or a schema id header has bytes after the id.
	ErrMagicByte = errors.New("wrong magic byte")
	// ErrTruncated: the frame is shorter than its header (5 bytes, 17 with
	// a GUID), or the Avro body ends early.
	ErrTruncated = errors.New("truncated frame")
	// ErrUnknownSchema: the registry does not know the schema id or GUID
	// (404 on GET /schemas/ids/{id} or /schemas/guids/{guid}), or does not
	// know the type's schema under its subject when encoding without
	// auto-registration.
	ErrUnknownSchema = errors.New("unknown schema")
	// ErrIncompatible: the writer schema cannot be resolved to the Go type
	// (the error explains why), or it is not an Avro schema at all.
	ErrIncompatible = errors.New("writer schema incompatible with the reader type")
	// ErrRegistryUnavailable: the registry could not be reached, timed out,
	// answered 5xx, or answered something that is not the registry API.
	// Retrying later may succeed; the other sentinels are permanent.
	ErrRegistryUnavailable = errors.New("schema registry unavailable")
)

// DecodeError is returned by every failed Decode. It keeps the original
// bytes so that a consumer can route the record to a dead-letter topic
// unchanged; Data is the caller's slice, not a copy.
type DecodeError struct {
	Data []byte // the whole frame (the record value) as passed to Decode
	ID   int    // the schema id from the frame or header; -1 if unreadable or a GUID
	// GUID is the schema GUID from the frame or header (8-4-4-4-12 form),
	// "" when the schema was named by id.
	GUID string
	// Header is the record header the schema id came from
	// (ValueSchemaIDHeader or KeySchemaIDHeader); "" for a frame prefix.
	Header string
	Err    error // the cause; wraps one of the sentinels or an *avro.DecodeError
}

func (e *DecodeError) Error() string {
	where := ""
	if e.Header != "" {
		where = " (schema id in header " + e.Header + ")"
	}
	switch {
	case e.GUID != "":
		return fmt.Sprintf("serde: decode %d bytes with schema GUID %s%s: %v", len(e.Data), e.GUID, where, e.Err)
	case e.ID < 0:
		return fmt.Sprintf("serde: decode %d bytes%s: %v", len(e.Data), where, e.Err)
	}
	return fmt.Sprintf("serde: decode %d bytes with schema id %d%s: %v", len(e.Data), e.ID, where, e.Err)
}

func (e *DecodeError) Unwrap() error { return e.Err }

// EncodeError is returned by a failed Encode: the schema id could not be
// obtained, or the value does not fit its schema.
type EncodeError struct {
	Subject string // the subject the schema id was looked up under
	Err     error
}

func (e *EncodeError) Error() string {
	return fmt.Sprintf("serde: encode for subject %q: %v", e.Subject, e.Err)
}

func (e *EncodeError) Unwrap() error { return e.Err }

// RegistryError is an error answer from the registry, or a failure to get
// one. Is maps it to ErrUnknownSchema (40401, 40402, 40403 and plain 404s)
// or ErrRegistryUnavailable (transport errors, 5xx, non-registry answers).
type RegistryError struct {
	Method, URL string
	StatusCode  int    // HTTP status; 0 when no answer was received
	Code        int    // Confluent error_code, or 0
	Message     string // Confluent message, or the raw body (bounded)
	Err         error  // transport error, when StatusCode is 0
}

func (e *RegistryError) Error() string {
	msg := e.Method + " " + e.URL + ": "
	switch {
	case e.StatusCode == 0:
		return msg + e.Err.Error()
	case e.Code == codeNotRegistry:
		return msg + "HTTP " + strconv.Itoa(e.StatusCode) + ": " + e.Message
	case e.Code != 0:
		return msg + e.Message + " (" + strconv.Itoa(e.StatusCode) + ", error_code " + strconv.Itoa(e.Code) + ")"
	default:
		return msg + "HTTP " + strconv.Itoa(e.StatusCode) + ": " + e.Message
	}
}

func (e *RegistryError) Unwrap() error { return e.Err }

// Is reports whether the error matches a sentinel.
func (e *RegistryError) Is(target error) bool {
	switch target {
	case ErrUnknownSchema:
		return e.StatusCode == 404
	case ErrRegistryUnavailable:
		return e.StatusCode == 0 || e.StatusCode >= 500 || e.Code == codeNotRegistry
	}
	return false
}

// IncompatibleError explains why a writer schema cannot be read into a Go
// type. It matches ErrIncompatible.
type IncompatibleError struct {
	Reader string // the reader type's Avro full name; "" when the writer schema itself is unusable
	Reason string
}

func (e *IncompatibleError) Error() string {
	if e.Reader == "" {
		return "unusable writer schema: " + e.Reason
	}
	return fmt.Sprintf("cannot read writer schema as %s: %s", e.Reader, e.Reason)
}

func (e *IncompatibleError) Is(target error) bool { return target == ErrIncompatible }
