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
	w, err := avro.ParseWriterSchema(string(schema.Marshal(writer)))
	if err != nil {
		return nil
	}
	res := avro.NewResolver(string(schema.Marshal(reader)))
	var re *avro.ResolutionError
	if errors.As(res.JavaDefaultError(w), &re) {
		return &ResolverError{Path: re.Path, Reason: re.Msg,
			Fix: "put the union branch the default is for first (for a null default: \"null\" first), or give the field a default Java's reader can encode for the first branch that fits it; Java fails before reading a value"}
	}
	return nil
}

// JavaReaderWarning reports a failure of Java's resolving reader that only
// some valid values trigger (DataDependent is set): Avro 1.12.2's
// collection size guard, which sizes an array or map block by the reader's
// item type (see avro.Resolver.JavaCollectionError). nil when none applies.
// It is not part of CheckResolver (RESOLVER_REJECTS blocks a change; this
// does not): CheckResolverWarnings reports it as RESOLVER_MAY_REJECT.
func JavaReaderWarning(reader, writer schema.Schema) *ResolverError {
	w, err := avro.ParseWriterSchema(string(schema.Marshal(writer)))
	if err != nil {
		return nil
	}
	var re *avro.ResolutionError
	if errors.As(avro.NewResolver(string(schema.Marshal(reader))).JavaCollectionError(w), &re) {
		return &ResolverError{Path: re.Path, Reason: re.Msg, DataDependent: true,
			Fix: "for Java consumers keep the collection's item type the same minimum size (no int/long->float/double promotion, no field added to an item record), or add a new field of the new type instead; Avro 1.12.2's guard cannot be configured per type"}
	}
	return nil
}
