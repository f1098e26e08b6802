// Package schematext prints a schema the way Confluent Schema Registry
// stores it: Java's compact Schema.toString(), and, for a schema with
// references, toString(referencedSchemas), where the types the references
// define are written as names instead of being inlined. The embedded server
// uses it to decide identity; the client uses it to build what it registers,
// so both sides agree byte for byte.
package schematext

import "gitlab.com/acme/avroctl/gen/schema"

// Text returns sc printed with the named types in known written as names.
// known are the types the schema's references make available (in any
// order); nil gives plain Schema.toString().
func Text(sc schema.Schema, known []schema.NamedSchema) (string, error) {
	if len(known) == 0 {
		return string(schema.Marshal(sc)), nil
	}
	refs := make([]schema.Schema, len(known))
	for i, k := range known {
		refs[i] = k
	}
	return string(schema.MarshalWithReferences(sc, refs, false)), nil
}
