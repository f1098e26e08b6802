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
}
