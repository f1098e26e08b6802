package evolve

import (
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
	return nil
}
