package evolve

import (
	"errors"

	"gitlab.com/acme/avroctl/gen/golang/runtime/avro"
	"gitlab.com/acme/avroctl/gen/schema"
)

// JavaReaderError reports why Java's resolving reader (Avro 1.12's
// GenericDatumReader over ResolvingDecoder) fails on a pair that avroctl's
// reader reads: Java-only behaviours that the registry's checker does not
// see either, so Java consumers fail at run time. nil when none applies.
// The checks run on the schemas alone; DataDependent marks the ones only
// some values trigger.
func JavaReaderError(reader, writer schema.Schema) *ResolverError {
	if e := javaAliasedDefaultError(reader, writer); e != nil {
		if e.Fix == "" {
			e.Fix = "give the renamed field's record its writer field names back in the writer's default (a new schema version whose default uses the new field names), or rename without the alias in a record that no writer default holds; every Java consumer fails until then"
		}
		return e
	}
	if w, err := avro.ParseWriterSchema(string(schema.Marshal(writer))); err == nil {
		err := avro.NewResolver(string(schema.Marshal(reader))).JavaDefaultError(w)
		var re *avro.ResolutionError
		if errors.As(err, &re) {
			return &ResolverError{Path: re.Path, Reason: re.Msg,
				Fix: "put the union branch the default is for first (for a null default: \"null\" first), or give the field a default Java's reader can encode for the first branch that fits it; Java fails before reading a value"}
		}
	}
	return nil
}
