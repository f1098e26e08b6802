package server

import (
	"gitlab.com/acme/avroctl/gen/registry/store"
	"gitlab.com/acme/avroctl/gen/schema"
)

// equivalentVersion is the second way Confluent Schema Registry finds a
// schema in a subject, after the identity of text and references has
// missed (KafkaSchemaRegistry.lookUpSchemaUnderSubject, and register when
// no version is asked for): a request WITHOUT references matches a version
// stored WITH references when the two parsed schemas, references resolved,
// are equal (ParsedSchema.deepEquals, i.e. org.apache.avro.Schema.equals:
// names, types, fields, defaults, order and properties; docs and aliases
// aside). That is how a type's full inline schema finds the version that
// was registered with its named types written as references. A request that
// carries references, or a version stored without them, is matched by
// identity only.
//
// The versions are tried newest first; soft-deleted ones only when deleted
// is set. Only the versions stored with references can match; their
// positions come from a per-subject cache (refCandidates) rather than a
// scan of the whole history. It runs under the store lock.
func (s *Server) equivalentVersion(st *store.State, sub *store.Subject, ps *parsedSchema, deleted bool) (*store.Version, error) {
	if sub == nil || len(ps.refs) > 0 {
		return nil, nil
	}
	cand := s.refCandidates(st, sub)
	for k := len(cand) - 1; k >= 0; k-- {
		v := &sub.Versions[cand[k]]
		if v.Deleted && !deleted {
			continue
		}
		if rec := st.Schemas[v.ID]; rec == nil || len(rec.References) == 0 {
			continue
		}
		prev, err := s.schemaByID(st, v.ID)
		if err != nil {
			return nil, err
		}
		if schema.Equal(ps.schema, prev) {
			return v, nil
		}
	}
	return nil, nil
}
