package server

import "gitlab.com/acme/avroctl/gen/registry/store"

// Wire shapes of the Confluent REST API. Field order follows the reference's
// JSON so that byte comparisons with it are meaningful.

// registerRequest is the body of POST /subjects/{s}/versions, POST
// /subjects/{s} and the compatibility endpoints.
type registerRequest struct {
	Schema     string            `json:"schema"`
	SchemaType string            `json:"schemaType,omitempty"`
	References []store.Reference `json:"references,omitempty"`
	// ID and Version are honoured in IMPORT mode only.
	ID      int `json:"id,omitempty"`
	Version int `json:"version,omitempty"`
	// Metadata and rule sets are accepted and ignored (Avro-only server).
	Metadata any `json:"metadata,omitempty"`
	RuleSet  any `json:"ruleSet,omitempty"`

	// normalize is the ?normalize=true query parameter.
	normalize bool
}

type registerResponse struct {
	ID int `json:"id"`
}

// subjectVersionResponse is a schema as seen through a subject version.
type subjectVersionResponse struct {
	Subject    string            `json:"subject"`
	Version    int               `json:"version"`
	ID         int               `json:"id"`
	SchemaType string            `json:"schemaType,omitempty"`
	References []store.Reference `json:"references,omitempty"`
	Schema     string            `json:"schema"`
	// GUID: Confluent Platform 8 answers carry it (see store.SchemaGUID).
	GUID string `json:"guid,omitempty"`
}

// schemaByIDResponse is GET /schemas/ids/{id} and GET /schemas/guids/{guid}.
type schemaByIDResponse struct {
	SchemaType string            `json:"schemaType,omitempty"`
	Schema     string            `json:"schema"`
	References []store.Reference `json:"references,omitempty"`
	GUID       string            `json:"guid,omitempty"`
}

type subjectVersionPair struct {
	Subject string `json:"subject"`
	Version int    `json:"version"`
}

type compatibilityResponse struct {
	IsCompatible bool `json:"is_compatible"`
}

// verboseCompatibilityResponse always has messages, [] when compatible.
type verboseCompatibilityResponse struct {
	IsCompatible bool     `json:"is_compatible"`
	Messages     []string `json:"messages"`
}

// configResponse is what GET and DELETE /config return.
type configResponse struct {
	CompatibilityLevel string `json:"compatibilityLevel"`
}

// configRequest is the body of PUT /config; the reply echoes it.
type configRequest struct {
	Compatibility string `json:"compatibility"`
}

type modeBody struct {
	Mode string `json:"mode"`
}

type errorResponse struct {
	ErrorCode int    `json:"error_code"`
	Message   string `json:"message"`
}
