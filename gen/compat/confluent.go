package compat

import (
	"strconv"
	"strings"

	"gitlab.com/acme/avroctl/gen/schema"
)

// Previous is one registered version, as the registry's verbose messages
// need it.
type Previous struct {
	Schema schema.Schema
	// Version is the registry version number; 0 means unknown and leaves out
	// the "{oldSchemaVersion: N}" line, as Confluent does for a nil version.
	Version int
	// Text is the schema as the registry stores and prints it (Confluent's
	// AvroSchema.toString(): Java's compact Schema.toString()).
	Text string
	// Prepared, when set, is Prepare(Schema), kept by the caller across
	// checks (a registry keeps one per stored schema): checks against a
	// long history then skip what is equal (see CheckLevelPrepared).
	Prepared *Prepared
}

// maxSchemaSizeForLogging is Confluent's MAX_SCHEMA_SIZE_FOR_LOGGING.
const maxSchemaSizeForLogging = 10 * 1024

// ConfluentMessages returns the "messages" of a verbose compatibility
// response from Confluent Schema Registry (POST /compatibility/...?verbose=true)
// for newSchema at level against previous (oldest first). It is empty when
// compatible. It follows Confluent's SchemaValidatorBuilder: versions newest
// first, the latest only or (transitive) up to the first that fails; per
// version the Avro part of the strategy, with Difference.error() strings,
// then "{oldSchemaVersion: N}" and "{oldSchema: '...'}" after the
// new-reads-old half (or after the only half for FORWARD).
//
// Registry metadata checks (reserved fields) are not part of it.
//
// Previous versions with Prepared set are checked as CheckLevelPrepared
// checks them, with the same messages.
func ConfluentMessages(level Level, newSchema schema.Schema, previous []Previous) []string {
	var np *Prepared
	var passed map[[32]byte]bool
	for _, i := range levelRuns(level, len(previous)) {
		old := previous[i]
		if old.Prepared != nil {
			if passed[old.Prepared.key] {
				continue // equal to a version without messages
			}
			if np == nil {
				np = Prepare(newSchema)
			}
		}
		if msgs := confluentOne(level, newSchema, np, old); len(msgs) > 0 {
			return msgs
		}
		if old.Prepared != nil {
			if passed == nil {
				passed = map[[32]byte]bool{}
			}
			passed[old.Prepared.key] = true
		}
	}
	return nil
}

func confluentOne(level Level, newSchema schema.Schema, np *Prepared, old Previous) []string {
	oldReadsNew := func() Result { return Check(old.Schema, newSchema) }
	newReadsOld := func() Result { return Check(newSchema, old.Schema) }
	if np != nil && old.Prepared != nil {
		oldReadsNew = func() Result { return CheckPrepared(old.Prepared, np) }
		newReadsOld = func() Result { return CheckPrepared(np, old.Prepared) }
	}
	var msgs []string
	switch {
	case level.forward() && level.backward():
		msgs = append(msgs, formatDifferences(oldReadsNew(), old, "old", "new", false)...)
		msgs = append(msgs, formatDifferences(newReadsOld(), old, "new", "old", true)...)
	case level.forward():
		msgs = formatDifferences(oldReadsNew(), old, "old", "new", true)
	case level.backward():
		msgs = formatDifferences(newReadsOld(), old, "new", "old", true)
	}
	return msgs
}

// formatDifferences is Confluent's AvroSchema.isBackwardCompatible followed
// by SchemaValidatorBuilder.formatErrorMessages.
func formatDifferences(r Result, old Previous, reader, writer string, appendSchema bool) []string {
	var msgs []string
	if r.Err != nil {
		msgs = append(msgs, "Unexpected exception during compatibility check: "+javaExceptionMessage(r.Err))
	}
	// Confluent lists Java's incompatibilities as they come, repeats included;
	// avroctl removes exact repeats, which changes nothing a reader can see
	// but a repeated line.
	for _, in := range r.Incompatibilities {
		msgs = append(msgs, DifferenceString(in, reader, writer))
	}
	if len(msgs) == 0 || !appendSchema {
		return msgs
	}
	if old.Version != 0 {
		msgs = append(msgs, "{oldSchemaVersion: "+strconv.Itoa(old.Version)+"}")
	}
	if len(old.Text) <= maxSchemaSizeForLogging {
		msgs = append(msgs, "{oldSchema: '"+old.Text+"'}")
	} else {
		msgs = append(msgs, "{oldSchema: <truncated> '"+truncateUTF16(old.Text, maxSchemaSizeForLogging)+"...'}")
	}
	return msgs
}

// DifferenceString is Confluent's Difference.error() with its two "%s"
// filled in with the reader's and the writer's role ("new"/"old"):
//
//	{errorType:'TYPE', description:'...', additionalInfo:'message'}
func DifferenceString(in Incompatibility, reader, writer string) string {
	path := in.Location
	var d string
	switch in.Type {
	case FixedSizeMismatch:
		d = "The size of FIXED type field at path '" + path + "' in the " + reader + " schema does not match with the " + writer + " schema"
	case TypeMismatch:
		d = "The type (path '" + path + "') of a field in the " + reader + " schema does not match with the " + writer + " schema"
	case NameMismatch:
		d = "The name of the schema has changed (path '" + path + "')"
	case MissingEnumSymbols:
		d = "The " + reader + " schema is missing enum symbols '" + in.Message + "' at path '" + path + "' in the " + writer + " schema"
	case MissingUnionBranch:
		d = "The " + reader + " schema is missing a type inside a union field at path '" + path + "' in the " + writer + " schema"
	case ReaderFieldMissingDefaultValue:
		d = "The field '" + in.Message + "' at path '" + path + "' in the " + reader + " schema has no default value and is missing in the " + writer + " schema"
	}
	return "{errorType:'" + string(in.Type) + "', description:'" + d + "', additionalInfo:'" + in.Message + "'}"
}

// javaExceptionMessage is the AvroRuntimeException text Java would carry.
func javaExceptionMessage(err error) string {
	if a, ok := err.(ambiguousField); ok {
		return a.javaMessage()
	}
	return err.Error()
}

// truncateUTF16 cuts s to n UTF-16 code units, as Java's substring does,
// without splitting a UTF-8 sequence.
func truncateUTF16(s string, n int) string {
	units := 0
	for i, r := range s {
		w := 1
		if r >= 0x10000 {
			w = 2
		}
		if units+w > n {
			return s[:i]
		}
		units += w
	}
	return strings.Clone(s)
}
