package main

import (
	"encoding/json"
	"errors"
	"io"

	"github.com/spf13/cobra"

	"gitlab.com/acme/avroctl/gen/config"
	"gitlab.com/acme/avroctl/gen/schema"
)

// With -o json (or --error-format json) a failing command's stdout is
// still one JSON document: a script that parses the output gets the error,
// located where it can be, instead of an empty stdout and a text line on
// stderr (which is printed as well, for people).

// jsonError is the -o json document of a command that failed.
type jsonError struct {
	Error struct {
		Message  string           `json:"message"`
		ExitCode int              `json:"exit_code"`
		Errors   []jsonDiagnostic `json:"errors"`
	} `json:"error"`
}

// jsonDiagnostic is one located error; File and Line are empty when the
// error has no place.
type jsonDiagnostic struct {
	File    string `json:"file,omitempty"`
	Line    int    `json:"line,omitempty"`
	Column  int    `json:"column,omitempty"`
	Message string `json:"message"`
}

// wantsJSON reports whether cmd was asked for JSON output.
func wantsJSON(cmd *cobra.Command) bool {
	if cmd == nil {
		return false
	}
	for _, name := range []string{"output", "error-format"} {
		if f := cmd.Flags().Lookup(name); f != nil && f.Value.String() == "json" {
			return true
		}
	}
	return false
}

func writeJSONError(w io.Writer, err error, code int) {
	var doc jsonError
	doc.Error.Message = err.Error()
	doc.Error.ExitCode = code
	doc.Error.Errors = diagnostics(err)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(doc)
}

// diagnostics flattens err into located errors: schema and config errors
// keep their file:line:col, joined errors are listed one by one.
func diagnostics(err error) []jsonDiagnostic {
	if u, ok := err.(usageError); ok {
		err = u.err
	}
	var list schema.ErrorList
	if errors.As(err, &list) {
		out := make([]jsonDiagnostic, 0, len(list))
		for _, e := range list {
			out = append(out, jsonDiagnostic{e.Pos.Filename, e.Pos.Line, e.Pos.Column, e.Msg})
		}
		return out
	}
	if joined, ok := err.(interface{ Unwrap() []error }); ok {
		var out []jsonDiagnostic
		for _, e := range joined.Unwrap() {
			out = append(out, diagnostics(e)...)
		}
		return out
	}
	var se *schema.Error
	if errors.As(err, &se) {
		return []jsonDiagnostic{{se.Pos.Filename, se.Pos.Line, se.Pos.Column, se.Msg}}
	}
	var ce *config.Error
	if errors.As(err, &ce) {
		msg := ce.Msg
		if ce.Key != "" {
			msg = ce.Key + ": " + msg
		}
		return []jsonDiagnostic{{ce.File, ce.Line, ce.Col, msg}}
	}
	return []jsonDiagnostic{{Message: err.Error()}}
}
