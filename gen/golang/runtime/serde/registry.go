package serde

import "context"

// Registry is the part of the Confluent Schema Registry API that a serde
// needs. Client implements it over HTTP; tests substitute their own.
// Implementations must be safe for concurrent use. Serde caches every
// answer, so an implementation need not.
type Registry interface {
	// SchemaByID returns the schema with a global id
	// (GET /schemas/ids/{id}). Subject and Version of the result are unset.
	SchemaByID(ctx context.Context, id int) (SubjectSchema, error)
	// SchemaByVersion returns one version of a subject
	// (GET /subjects/{subject}/versions/{version}); it resolves references.
	SchemaByVersion(ctx context.Context, subject string, version int) (SubjectSchema, error)
	// LookupSchema finds s among the versions of subject
	// (POST /subjects/{subject}).
	LookupSchema(ctx context.Context, subject string, s Schema) (SubjectSchema, error)
	// RegisterSchema registers s under subject, or returns the id of the
	// identical version already there (POST /subjects/{subject}/versions).
	RegisterSchema(ctx context.Context, subject string, s Schema) (id int, err error)
}

// GUIDRegistry is implemented by registries that resolve schema GUIDs
// (GET /schemas/guids/{guid}, Confluent Platform 8), which frames with
// magic byte 1 and GUID schema id headers name. Client implements it; a
// Registry without it fails those frames with ErrUnknownSchema.
type GUIDRegistry interface {
	// SchemaByGUID returns the schema with guid. ID, Subject and Version
	// of the result are unset: a GUID names content, not a registration.
	SchemaByGUID(ctx context.Context, guid GUID) (SubjectSchema, error)
}

// Schema is a schema as the registry stores it: its text, type and the
// named types it takes from other subjects.
type Schema struct {
	Schema     string      `json:"schema"`
	SchemaType string      `json:"schemaType,omitempty"` // "" means AVRO
	References []Reference `json:"references,omitempty"`
}

// Reference names a type defined by another subject's version.
type Reference struct {
	Name    string `json:"name"` // the Avro full name the schema uses
	Subject string `json:"subject"`
	Version int    `json:"version"`
}

// SubjectSchema is a schema with its place in the registry.
type SubjectSchema struct {
	Subject    string      `json:"subject,omitempty"`
	Version    int         `json:"version,omitempty"`
	ID         int         `json:"id,omitempty"`
	Schema     string      `json:"schema"`
	SchemaType string      `json:"schemaType,omitempty"` // "" means AVRO
	References []Reference `json:"references,omitempty"`
	// GUID is the schema's GUID when the registry reports one (Confluent
	// Platform 8 and avroctl's registry do), in 8-4-4-4-12 form.
	GUID string `json:"guid,omitempty"`
}
