package serde

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"gitlab.com/acme/avroctl/gen/golang/runtime/avro"
)

// Serde frames and unframes Avro values in the Confluent wire format over a
// schema registry. It holds the caches every Codec made from it shares:
// writer schemas by id and schema ids by subject. Create one per registry
// and share it; it is safe for concurrent use.
type Serde struct {
	reg Registry

	// writers maps a schema id to its parsed writer schema. Reads are
	// lock-free and allocation-free (a copy-on-write map behind an atomic
	// pointer): ids are few and, once known, never change meaning.
	writers cowMap[int, *writerSchema]
	fetches flight[int, *writerSchema]
	// unknownIDs remembers the ids the registry does not know, for
	// NotFoundTTL. (Lookups by a producer's schema are not remembered: a
	// producer started before its schema is registered finds it on the
	// next Encode, and producers' schemas are few and not chosen by
	// whoever writes the topic.)
	unknownIDs notFound[int]

	// The same three for schemas named by GUID (magic byte 1, or a GUID
	// schema id header): GUIDs come from frames too, so they are cached
	// only once the registry knows them, and the ones it does not know go
	// to a bounded not-found cache.
	guidWriters  cowMap[GUID, *writerSchema]
	guidFetches  flight[GUID, *writerSchema]
	unknownGUIDs notFound[GUID]

	idsMu   sync.Mutex
	ids     map[subjectSchema]int // (subject, schema text) -> id
	lookups flight[subjectSchema, int]
}

// subjectSchema keys the id cache.
type subjectSchema struct{ subject, schema string }

// writerSchema is a registry schema ready for resolution.
type writerSchema struct {
	key      schemaKey
	text     string // standalone: references written out in full
	fullName string // of the top-level named type; "" for other types
	parsed   *avro.WriterSchema
}

// New returns a Serde over reg.
func New(reg Registry) *Serde {
	return &Serde{reg: reg, ids: map[subjectSchema]int{}}
}

// Registry returns the registry s was created with.
func (s *Serde) Registry() Registry { return s.reg }

// WriterSchema returns the writer schema with id as standalone JSON (its
// references written out in full), fetching it on first use.
func (s *Serde) WriterSchema(ctx context.Context, id int) (string, error) {
	w, err := s.writer(ctx, id)
	if err != nil {
		return "", err
	}
	return w.text, nil
}

// TypeOf returns the schema id of a frame and the Avro full name of the
// type its writer schema defines, so that a consumer of a topic carrying
// several event types can pick the Codec. A frame naming its schema by
// GUID (magic byte 1) gives id -1. Errors are *DecodeError.
func (s *Serde) TypeOf(ctx context.Context, frame []byte) (id int, fullName string, err error) {
	k, _, err := parseFrame(frame)
	id, guid := k.ref()
	if err != nil {
		return id, "", &DecodeError{Data: frame, ID: id, GUID: guid, Err: err}
	}
	w, err := s.writerFor(ctx, k)
	if err != nil {
		return id, "", &DecodeError{Data: frame, ID: id, GUID: guid, Err: err}
	}
	return id, w.fullName, nil
}

// TypeOfWithHeaders is TypeOf for a record value whose schema id may be in
// the ValueSchemaIDHeader header (see Codec.DecodeWithHeaders): the header
// when present with a non-nil value, else the payload's prefix. A schema
// named by GUID gives id -1. Errors are *DecodeError.
func (s *Serde) TypeOfWithHeaders(ctx context.Context, header func(key string) ([]byte, bool), payload []byte) (id int, fullName string, err error) {
	if header == nil {
		return s.TypeOf(ctx, payload)
	}
	value, ok := header(ValueSchemaIDHeader)
	if !ok || value == nil {
		return s.TypeOf(ctx, payload)
	}
	k, err := parseIDHeader(value, ValueSchemaIDHeader)
	id, guid := k.ref()
	if err == nil {
		var w *writerSchema
		if w, err = s.writerFor(ctx, k); err == nil {
			return id, w.fullName, nil
		}
	}
	return id, "", &DecodeError{Data: payload, ID: id, GUID: guid, Header: ValueSchemaIDHeader, Err: err}
}

// writerFor returns the writer schema k names.
func (s *Serde) writerFor(ctx context.Context, k schemaKey) (*writerSchema, error) {
	if k.byGUID {
		return s.guidWriter(ctx, k.guid)
	}
	return s.writer(ctx, k.id)
}

// guidWriter returns the parsed writer schema with guid, from the cache or
// the registry, by the rules writer follows for ids.
func (s *Serde) guidWriter(ctx context.Context, guid GUID) (*writerSchema, error) {
	if w, ok := s.guidWriters.load(guid); ok {
		return w, nil
	}
	if err := s.unknownGUIDs.get(guid); err != nil {
		return nil, err
	}
	return s.guidFetches.do(ctx, guid, func() (*writerSchema, error) {
		if w, ok := s.guidWriters.load(guid); ok { // fetched while we queued
			return w, nil
		}
		w, err := s.fetchGUIDWriter(ctx, guid)
		if err != nil {
			if errors.Is(err, ErrUnknownSchema) {
				s.unknownGUIDs.put(guid, err)
			}
			return nil, err
		}
		s.guidWriters.store(guid, w)
		return w, nil
	})
}

// fetchGUIDWriter asks the registry for the schema with guid.
func (s *Serde) fetchGUIDWriter(ctx context.Context, guid GUID) (*writerSchema, error) {
	gr, ok := s.reg.(GUIDRegistry)
	if !ok {
		return nil, fmt.Errorf("%w: schema GUID %s: the registry client (%T) cannot resolve GUIDs (GET /schemas/guids/{guid})", ErrUnknownSchema, guid, s.reg)
	}
	ss, err := gr.SchemaByGUID(ctx, guid)
	if err != nil {
		return nil, err
	}
	return s.fetchWriterFrom(ctx, schemaKey{guid: guid, byGUID: true}, ss)
}

// writer returns the parsed writer schema with id, from the cache or the
// registry. Concurrent misses for one id share one fetch.
func (s *Serde) writer(ctx context.Context, id int) (*writerSchema, error) {
	if w, ok := s.writers.load(id); ok {
		return w, nil
	}
	if id < 0 {
		// Registries number schemas from 1; asking would only cost a 404.
		return nil, fmt.Errorf("%w: negative schema id %d", ErrUnknownSchema, id)
	}
	if err := s.unknownIDs.get(id); err != nil {
		return nil, err
	}
	return s.fetches.do(ctx, id, func() (*writerSchema, error) {
		if w, ok := s.writers.load(id); ok { // fetched while we queued
			return w, nil
		}
		w, err := s.fetchWriter(ctx, id)
		if err != nil {
			if errors.Is(err, ErrUnknownSchema) {
				s.unknownIDs.put(id, err)
			}
			return nil, err
		}
		s.writers.store(id, w)
		return w, nil
	})
}

// fetchWriter asks the registry for schema id and completes it.
func (s *Serde) fetchWriter(ctx context.Context, id int) (*writerSchema, error) {
	ss, err := s.reg.SchemaByID(ctx, id)
	if err != nil {
		return nil, err
	}
	return s.fetchWriterFrom(ctx, schemaKey{id: id}, ss)
}

// fetchWriterFrom completes ss, the registry's answer for id: references
// fetched and written out, the result parsed.
func (s *Serde) fetchWriterFrom(ctx context.Context, k schemaKey, ss SubjectSchema) (*writerSchema, error) {
	if err := checkAvro(ss.SchemaType); err != nil {
		return nil, err
	}
	refs, err := fetchReferences(ctx, s.reg, ss.References)
	if err != nil {
		return nil, err
	}
	text, err := inlineReferences(ss.Schema, refs)
	if err != nil {
		return nil, err
	}
	parsed, err := avro.ParseWriterSchema(text)
	if err != nil {
		return nil, &IncompatibleError{Reason: fmt.Sprintf("writer schema %s does not parse: %v", k.describe(), err)}
	}
	return &writerSchema{key: k, text: text, fullName: topLevelName(text), parsed: parsed}, nil
}

// schemaID returns the id of schema (parsed: own) under subject, looking it
// up (or registering it, if register) once.
func (s *Serde) schemaID(ctx context.Context, subject, schema string, own *avro.WriterSchema, register bool) (int, error) {
	k := subjectSchema{subject, schema}
	s.idsMu.Lock()
	id, ok := s.ids[k]
	s.idsMu.Unlock()
	if ok {
		return id, nil
	}
	return s.lookups.do(ctx, k, func() (int, error) {
		var id int
		if register {
			var err error
			if id, err = s.reg.RegisterSchema(ctx, subject, Schema{Schema: schema}); err != nil {
				return 0, err
			}
		} else {
			ss, err := s.reg.LookupSchema(ctx, subject, Schema{Schema: schema})
			if err != nil {
				var ok bool
				if id, ok = s.latestMatches(ctx, subject, own, err); !ok {
					return 0, err
				}
			} else {
				id = ss.ID
			}
		}
		s.idsMu.Lock()
		s.ids[k] = id
		s.idsMu.Unlock()
		return id, nil
	})
}

// latestMatches is the fallback when a lookup finds nothing: avroctl
// registers event schemas with references to shared types, while a Go type
// carries its schema with every type written out. Confluent's registry
// matches the two (it compares the parsed schemas when the lookup has no
// references and the version has some); registries that compare only the
// text do not. So, on a 404, the subject's latest version is fetched,
// its references resolved, and its id used if its Parsing Canonical Form
// is the type's own: data framed with it decodes the same everywhere. The
// forms are compared by SHA-256, never by CRC-64, which anyone able to
// register a version could forge.
func (s *Serde) latestMatches(ctx context.Context, subject string, own *avro.WriterSchema, lookupErr error) (int, bool) {
	if !errors.Is(lookupErr, ErrUnknownSchema) {
		return 0, false
	}
	latest, err := s.reg.SchemaByVersion(ctx, subject, -1)
	if err != nil || len(latest.References) == 0 {
		return 0, false
	}
	if w, ok := s.writers.load(latest.ID); ok {
		return latest.ID, w.parsed.SameCanonicalForm(own)
	}
	w, err := s.fetchWriterFrom(ctx, schemaKey{id: latest.ID}, latest)
	if err != nil || !w.parsed.SameCanonicalForm(own) {
		return 0, false
	}
	s.writers.store(latest.ID, w)
	return latest.ID, true
}

// cowMap is a copy-on-write map: loads are an atomic pointer read and a
// map lookup, with no lock and no allocation; stores copy the map. It suits
// caches that fill once and are then only read.
type cowMap[K comparable, V any] struct {
	mu sync.Mutex // serializes stores
	m  atomic.Pointer[map[K]V]
}

func (c *cowMap[K, V]) load(k K) (V, bool) {
	if m := c.m.Load(); m != nil {
		v, ok := (*m)[k]
		return v, ok
	}
	var zero V
	return zero, false
}

func (c *cowMap[K, V]) store(k K, v V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	old := c.m.Load()
	next := make(map[K]V, 1+lenOf(old))
	if old != nil {
		for k2, v2 := range *old {
			next[k2] = v2
		}
	}
	next[k] = v
	c.m.Store(&next)
}

func lenOf[K comparable, V any](m *map[K]V) int {
	if m == nil {
		return 0
	}
	return len(*m)
}
