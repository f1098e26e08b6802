package schema

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Error is one located problem in a schema source: "file:line:col: msg".
type Error struct {
	Pos Position
	Msg string
}

// Error formats the error the way compilers do, so editors can jump to it.
func (e *Error) Error() string {
	if e.Pos.Filename != "" || e.Pos.IsValid() {
		return e.Pos.String() + ": " + e.Msg
	}
	return e.Msg
}

// ErrorList is a list of located errors. Like go/scanner.ErrorList, it is an
// error itself when non-empty (use Err to get a nil error for an empty list).
type ErrorList []*Error

// Add appends an error at pos.
func (l *ErrorList) Add(pos Position, msg string) {
	*l = append(*l, &Error{Pos: pos, Msg: msg})
}

// AddError appends err: its entries when it is (or wraps) an ErrorList,
// itself when it is an *Error, else one error at pos.
func (l *ErrorList) AddError(pos Position, err error) {
	var el ErrorList
	var e *Error
	switch {
	case errors.As(err, &el):
		*l = append(*l, el...)
	case errors.As(err, &e):
		*l = append(*l, e)
	default:
		l.Add(pos, err.Error())
	}
}

// Addf appends a formatted error at pos.
func (l *ErrorList) Addf(pos Position, format string, args ...any) {
	l.Add(pos, fmt.Sprintf(format, args...))
}

// Len, Swap and Less make ErrorList a sort.Interface ordered by position.
func (l ErrorList) Len() int      { return len(l) }
func (l ErrorList) Swap(i, j int) { l[i], l[j] = l[j], l[i] }
func (l ErrorList) Less(i, j int) bool {
	if c := ComparePositions(l[i].Pos, l[j].Pos); c != 0 {
		return c < 0
	}
	return l[i].Msg < l[j].Msg
}

// Sort sorts the list by file, line, column and message. It is stable so
// that errors at the same place keep the order in which they were found.
func (l ErrorList) Sort() { sort.Stable(l) }

// Error returns the first error and a count of the others, or every error on
// its own line when there are only a few.
func (l ErrorList) Error() string {
	switch len(l) {
	case 0:
		return "no errors"
	case 1:
		return l[0].Error()
	}
	var b strings.Builder
	for i, e := range l {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.Error())
	}
	return b.String()
}

// Err returns nil for an empty list and the list itself otherwise.
func (l ErrorList) Err() error {
	if len(l) == 0 {
		return nil
	}
	return l
}
