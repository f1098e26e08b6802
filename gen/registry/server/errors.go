package server

import (
	"fmt"
	"net/http"
)

// Error codes of the Confluent Schema Registry API. The HTTP status is the
// first three digits (code/100), except for 409 and the plain HTTP codes.
const (
	CodeUnauthorized              = 401
	CodeBadRequest                = 400
	CodeNotFound                  = 404
	CodeMethodNotAllowed          = 405
	CodeRequestTimeout            = 408
	CodeIncompatible              = 409
	CodeSubjectNotFound           = 40401
	CodeVersionNotFound           = 40402
	CodeSchemaNotFound            = 40403
	CodeSubjectSoftDeleted        = 40404
	CodeSubjectNotSoftDeleted     = 40405
	CodeVersionSoftDeleted        = 40406
	CodeVersionNotSoftDeleted     = 40407
	CodeSubjectLevelNotConfigured = 40408
	CodeSubjectModeNotConfigured  = 40409
	CodeInvalidSchema             = 42201
	CodeInvalidVersion            = 42202
	CodeInvalidCompatibilityLevel = 42203
	CodeInvalidMode               = 42204
	CodeOperationNotPermitted     = 42205
	CodeReferenceExists           = 42206
	CodeIDDoesNotMatch            = 42207
	CodeInvalidSubject            = 42208
	CodeSchemaTooLarge            = 42209
	CodeStoreError                = 50001
	// CodeBusy is a plain 503: the server is at its limit of request
	// bodies in flight; the answer carries Retry-After.
	CodeBusy           = 503
	CodeJSONParseError = 50005
)

// Error is a domain error: a Confluent error code and a message for the
// client. Anything else a handler returns is an internal error, logged and
// reported as a generic 50001 store error.
type Error struct {
	Code    int
	Message string
}

func (e *Error) Error() string { return fmt.Sprintf("%d: %s", e.Code, e.Message) }

func errorf(code int, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// HTTPStatus maps an error code to its HTTP status, the one table that does.
func HTTPStatus(code int) int {
	switch {
	case code >= 10000:
		return code / 100
	case code >= 100 && code < 600:
		return code
	}
	return http.StatusInternalServerError
}

// The errors whose wording Confluent fixes; tests and clients match on codes,
// but the messages follow the reference to ease comparison.
func errSubjectNotFound(subject string) *Error {
	return errorf(CodeSubjectNotFound, "Subject '%s' not found.", subject)
}

func errVersionNotFound(subject string, version int) *Error {
	return errorf(CodeVersionNotFound, "Version %d not found.", version)
}

func errSchemaNotFound() *Error { return errorf(CodeSchemaNotFound, "Schema not found") }

func errSchemaIDNotFound(id int) *Error {
	return errorf(CodeSchemaNotFound, "Schema %d not found", id)
}

func errInvalidVersion(v string) *Error {
	return errorf(CodeInvalidVersion, "The specified version '%s' is not a valid version id. Allowed values are between [1, 2^31-1] and the string \"latest\"", v)
}

func errReadOnly(subject string) *Error {
	if subject == "" {
		return errorf(CodeOperationNotPermitted, "Server is in read-only mode")
	}
	return errorf(CodeOperationNotPermitted, "Subject %s is in read-only mode", subject)
}
