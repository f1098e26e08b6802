// Package compat decides whether one Avro schema can read data written with
// another, the way Apache Avro 1.12's Java SchemaCompatibility does, and at
// which Confluent Schema Registry level a new schema may follow its history.
//
// Detection (Check, CheckLevel) never prints: it returns a Result whose
// incompatibilities carry the reference's type, JSON-pointer location and
// message, plus avroctl's own additions: where the offending element was
// written, what breaks for whom, and how to fix it. Rendering lives in
// gen/compat/report.
//
// A registry checks each new version against its whole history. Prepare
// fingerprints a schema once; CheckLevelPrepared (and Previous.Prepared for
// ConfluentMessages) then skips the sub-schemas and the previous versions
// that are equal, with the very Result the plain checks return.
package compat

import (
	"sort"

	"gitlab.com/acme/avroctl/gen/schema"
)

// Type is the kind of an incompatibility. The names are Java's
// SchemaIncompatibilityType constants and are never renamed: they appear in
// JSON output, registry responses and CI dashboards.
type Type string

// The incompatibility types, in the order Java declares them.
const (
	NameMismatch                   Type = "NAME_MISMATCH"
	FixedSizeMismatch              Type = "FIXED_SIZE_MISMATCH"
	MissingEnumSymbols             Type = "MISSING_ENUM_SYMBOLS"
	ReaderFieldMissingDefaultValue Type = "READER_FIELD_MISSING_DEFAULT_VALUE"
	TypeMismatch                   Type = "TYPE_MISMATCH"
	MissingUnionBranch             Type = "MISSING_UNION_BRANCH"
)

// AllTypes lists every incompatibility type.
var AllTypes = []Type{NameMismatch, FixedSizeMismatch, MissingEnumSymbols,
	ReaderFieldMissingDefaultValue, TypeMismatch, MissingUnionBranch}

// Direction says which way a level check read: it tells the reader and
// writer roles apart when a level compares a new schema with old ones.
type Direction int

// Directions of a check.
const (
	// ReaderWriter is a plain Check: no new/old roles.
	ReaderWriter Direction = iota
	// NewReadsOld is the backward half of a level: the new schema reads data
	// written with a previous one.
	NewReadsOld
	// OldReadsNew is the forward half: a previous schema reads data written
	// with the new one.
	OldReadsNew
)

// Incompatibility is one reason why a reader cannot decode a writer's data.
type Incompatibility struct {
	// Type, Location and Message are exactly what the Java reference reports
	// (Incompatibility.getType, getLocation, getMessage).
	Type     Type
	Location string
	Message  string

	// Source is where the offending element was written: the reader's side
	// for a plain check, the new schema's side for a level check, falling
	// back to the other side when that one has no position.
	Source schema.Position
	// ReaderPos and WriterPos are the positions on each side, when known.
	ReaderPos, WriterPos schema.Position

	// Explanation says in plain words what breaks and for whom; Fix says what
	// to change, in IDL syntax where possible.
	Explanation string
	Fix         string

	// Direction and Previous say which comparison of a level check found it:
	// Previous indexes the previous versions passed to CheckLevel (oldest
	// first); it is -1 for a plain Check.
	Direction Direction
	Previous  int

	// ReaderFragment and WriterFragment are the schema nodes involved, as in
	// Java. For READER_FIELD_MISSING_DEFAULT_VALUE they are the records and
	// Field is the reader field.
	ReaderFragment schema.Schema
	WriterFragment schema.Schema
	Field          *schema.Field

	// locTokens is the location stack while checking; Location is built
	// from it once the result is final.
	locTokens []string
}

// String returns "TYPE location message", the form the conformance data
// uses.
func (in Incompatibility) String() string {
	return string(in.Type) + " " + in.Location + " " + in.Message
}

// Result is the outcome of a check.
type Result struct {
	Compatible bool
	// Incompatibilities are in the order the reference finds them, with
	// exact repeats (Java reports a memoized pair again) removed.
	Incompatibilities []Incompatibility
	// Err is set when the check could not be completed; Java throws there
	// (a reader field whose aliases match several writer fields) and the
	// registry reports the check as failed. Compatible is then false.
	Err error
}

// Sorted returns the incompatibilities ordered for people: by source file,
// line and column, then location, type and message. The reference order is
// kept for ties, so the output is deterministic.
func (r Result) Sorted() []Incompatibility {
	out := append([]Incompatibility(nil), r.Incompatibilities...)
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Source.Filename != b.Source.Filename {
			return a.Source.Filename < b.Source.Filename
		}
		if a.Source.Line != b.Source.Line {
			return a.Source.Line < b.Source.Line
		}
		if a.Source.Column != b.Source.Column {
			return a.Source.Column < b.Source.Column
		}
		if a.Location != b.Location {
			return a.Location < b.Location
		}
		if a.Type != b.Type {
			return a.Type < b.Type
		}
		return a.Message < b.Message
	})
	return out
}

// dedupe drops later exact repeats (same type, location, message and
// comparison), keeping the first occurrence's place.
func dedupe(list []Incompatibility) []Incompatibility {
	type key struct {
		t        Type
		loc, msg string
		dir      Direction
		prev     int
	}
	seen := make(map[key]bool, len(list))
	out := list[:0]
	for _, in := range list {
		k := key{in.Type, in.Location, in.Message, in.Direction, in.Previous}
		if seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, in)
	}
	return out
}
