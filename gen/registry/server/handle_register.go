package server

import (
	"fmt"
	"math"
	"net/http"

	"gitlab.com/acme/avroctl/gen/registry/store"
)

// parse parses a request's schema. Schemas without references need no
// state and are parsed without any lock; the others read their references
// under the read lock.
func (s *Server) parse(req *registerRequest) (*parsedSchema, error) {
	if len(req.References) == 0 {
		return s.parseCached(req)
	}
	var ps *parsedSchema
	err := s.store.View(func(st *store.State) error {
		var err error
		ps, err = s.parseRequest(st, req)
		return err
	})
	return ps, storeErr(err)
}

// parseCached parses a schema without references, reusing the result for
// the same text: a schema without references always parses the same way,
// and serializers look up the same schemas over and over. It does not add
// to the cache: a handler calls remember once the request has succeeded,
// so that failed requests (a lookup of a schema that is not there) cannot
// fill it.
func (s *Server) parseCached(req *registerRequest) (*parsedSchema, error) {
	key := requestKey(req)
	if ps, ok := s.requestCache.get(key); ok {
		return ps, nil
	}
	ps, err := s.parseRequest(nil, req)
	if err != nil {
		return nil, err
	}
	ps.cacheKey, ps.cacheable = key, true
	return ps, nil
}

// remember caches the parse of a request that succeeded.
func (s *Server) remember(ps *parsedSchema) {
	if ps.cacheable {
		s.requestCache.put(ps.cacheKey, ps)
	}
}

// readSchemaRequest decodes and parses the schema request of the register,
// lookup and compatibility endpoints; check, when set, vets the decoded
// request before the parse, which may be costly.
func (s *Server) readSchemaRequest(r *http.Request, check func(*registerRequest) error) (*registerRequest, *parsedSchema, error) {
	var req registerRequest
	if err := decodeBody(r, &req); err != nil {
		return nil, nil, err
	}
	if check != nil {
		if err := check(&req); err != nil {
			return nil, nil, err
		}
	}
	if queryBool(r, "normalize") {
		req.normalize = true
		req.References = normalizeRefs(req.References)
	}
	ps, err := s.parse(&req)
	if err != nil {
		return nil, nil, err
	}
	return &req, ps, nil
}

// refsExist re-checks, under the write lock, that the references parse saw
// are still there (a delete may have run in between).
func refsExist(st *store.State, refs []store.Reference) error {
	for _, ref := range refs {
		sub := st.Subjects[ref.Subject]
		if sub == nil {
			return errorf(CodeInvalidSchema, "Invalid schema: reference %q: subject %q not found", ref.Name, ref.Subject)
		}
		if ref.Version != -1 && sub.Find(ref.Version) < 0 {
			return errorf(CodeInvalidSchema, "Invalid schema: reference %q: version %d of subject %q not found", ref.Name, ref.Version, ref.Subject)
		}
	}
	return nil
}

// maxWireInt is the largest schema ID or version: the wire format carries
// the ID as a signed 32-bit integer, and Confluent's clients hold both in a
// Java int.
const maxWireInt = math.MaxInt32

// checkImportRange refuses a request ID or version outside 1..2^31-1 (0 and
// -1 mean "not given"). A larger one would be accepted into the log and
// make every later ID (MaxID+1) unusable, also after a restart.
func checkImportRange(req *registerRequest) error {
	if req.ID < -1 || req.ID > maxWireInt {
		return errorf(CodeInvalidSchema, "Invalid schema id %d: ids are between 1 and 2^31-1 (%d), the range the wire format carries; omit the id to have one assigned", req.ID, maxWireInt)
	}
	if req.Version < -1 || req.Version > maxWireInt {
		return errorf(CodeInvalidVersion, "Invalid version %d: versions are between 1 and 2^31-1 (%d); omit the version to have the next one assigned", req.Version, maxWireInt)
	}
	return nil
}

// nextID is the ID of a new schema: one past the highest ever assigned,
// which IMPORT may have set anywhere in the wire range.
func nextID(st *store.State) (int, error) {
	if st.MaxID >= maxWireInt {
		return 0, errorf(CodeInvalidSchema, "No schema id left: %d, the highest the wire format carries, is taken (an import set it); import the schema with an explicit free id", st.MaxID)
	}
	return st.MaxID + 1, nil
}

// nextVersion is the version after sub's highest.
func nextVersion(sub *store.Subject) (int, error) {
	if sub == nil {
		return 1, nil
	}
	if max := sub.MaxVersion(); max >= maxWireInt {
		return 0, errorf(CodeInvalidVersion, "No version left in subject %s: %d, the highest allowed, is taken (an import set it)", sub.Name, max)
	}
	return sub.MaxVersion() + 1, nil
}

// registerSchema is registration in READWRITE mode, once the compatibility
// check (done outside the lock, see handleRegister) has passed.
func (s *Server) registerSchema(tx *store.Tx, subject string, req *registerRequest, ps *parsedSchema) (int, error) {
	st := tx.State()
	if id, done, err := registeredLive(st, subject, req, ps); done || err != nil {
		return id, err
	}
	existing, known := st.IDFor(ps.key)
	id := existing
	if !known {
		var err error
		if id, err = nextID(st); err != nil {
			return 0, err
		}
	}
	sub := st.Subjects[subject]
	version, err := nextVersion(sub)
	if err != nil {
		return 0, err
	}
	return id, s.appendRegister(tx, subject, version, id, !known, ps)
}

// registeredLive is what READWRITE registration decides before any
// compatibility check: a schema the subject has live already is answered
// with its ID, and an ID in the request is refused unless it is that
// schema's.
func registeredLive(st *store.State, subject string, req *registerRequest, ps *parsedSchema) (int, bool, error) {
	existing, known := st.IDFor(ps.key)
	if sub := st.Subjects[subject]; known && sub != nil {
		for _, v := range sub.Versions {
			if !v.Deleted && v.ID == existing {
				return v.ID, true, nil
			}
		}
	}
	if req.ID > 0 && (!known || req.ID != existing) {
		return 0, false, errorf(CodeOperationNotPermitted, "Subject %s is not in import mode: a schema ID may be given only in IMPORT mode", subject)
	}
	return 0, false, nil
}

// importSchema is registration in IMPORT mode: the client may fix the ID
// and the version (to copy another registry); no compatibility check.
func (s *Server) importSchema(tx *store.Tx, subject string, req *registerRequest, ps *parsedSchema) (int, error) {
	st := tx.State()
	existing, known := st.IDFor(ps.key)
	id := req.ID
	switch {
	case id <= 0 && known:
		id = existing
	case id <= 0:
		var err error
		if id, err = nextID(st); err != nil {
			return 0, err
		}
	case known && existing != id:
		return 0, errorf(CodeIDDoesNotMatch, "Schema already registered with id %d instead of input id %d", existing, id)
	case !known && st.Schemas[id] != nil:
		return 0, errorf(CodeIDDoesNotMatch, "Overwrite new schema with id %d is not permitted.", id)
	}
	sub := st.Subjects[subject]
	version := req.Version
	if version <= 0 {
		if sub != nil {
			for _, v := range sub.Versions {
				if !v.Deleted && v.ID == id {
					return id, nil
				}
			}
		}
		var err error
		if version, err = nextVersion(sub); err != nil {
			return 0, err
		}
	} else if sub != nil {
		if i := sub.Find(version); i >= 0 {
			if sub.Versions[i].ID == id && !sub.Versions[i].Deleted {
				return id, nil
			}
			return 0, errorf(CodeInvalidVersion, "Version %d already exists in subject %s with another schema", version, subject)
		}
	}
	newID := st.Schemas[id] == nil
	return id, s.appendRegister(tx, subject, version, id, newID, ps)
}

// registeredVersion is what Confluent's registerOrForward does before
// registering: look the schema up in the subject's live versions, by
// identity and then by parsed schema (equivalentVersion), and when a version
// matches answer with its ID and write nothing, if the request asks for no
// version and no other ID (or for exactly that version and ID). So
// re-registering a referencing schema with its references inlined finds
// the version that is there instead of adding one.
func (s *Server) registeredVersion(st *store.State, subject string, req *registerRequest, ps *parsedSchema) (int, bool, error) {
	sub := st.Subjects[subject]
	if sub == nil || req.Version == -1 {
		return 0, false, nil
	}
	var match *store.Version
	if id, known := st.IDFor(ps.key); known {
		for i := len(sub.Versions) - 1; i >= 0 && match == nil; i-- {
			if v := &sub.Versions[i]; !v.Deleted && v.ID == id {
				match = v
			}
		}
	}
	if match == nil {
		v, err := s.equivalentVersion(st, sub, ps, false)
		if err != nil || v == nil {
			return 0, false, err
		}
		match = v
	}
	if req.Version <= 0 && (req.ID <= 0 || req.ID == match.ID) ||
		req.Version == match.Version && req.ID == match.ID {
		return match.ID, true, nil
	}
	return 0, false, nil
}

func (s *Server) appendRegister(tx *store.Tx, subject string, version, id int, newID bool, ps *parsedSchema) error {
	e := store.Event{Op: store.OpRegister, Subject: subject, Version: version, ID: id}
	if newID {
		e.Schema = &store.Schema{ID: id, Text: ps.text, References: ps.refs, GUID: store.SchemaGUID(ps.text, ps.refs)}
	}
	if err := tx.Append(e); err != nil {
		return fmt.Errorf("register %s version %d: %w", subject, version, err)
	}
	s.parsedMu.Lock()
	if _, ok := s.parsed[id]; !ok {
		s.parsed[id] = ps.schema
	}
	s.parsedMu.Unlock()
	return nil
}

// handleLookup is POST /subjects/{subject}: is this schema registered
// under the subject, and as which version? It matches by identity (text and
// references), then as Confluent does by parsed schema (equivalentVersion).
func (s *Server) handleLookup(w http.ResponseWriter, r *http.Request) error {
	subject := r.PathValue("subject")
	deleted := queryBool(r, "deleted")
	_, ps, err := s.readSchemaRequest(r, nil)
	if err != nil {
		return err
	}
	var resp subjectVersionResponse
	err = s.store.View(func(st *store.State) error {
		sub, err := findSubject(st, subject, deleted)
		if err != nil {
			return err
		}
		// By identity first: the newest live version with the ID of
		// this text and these references; soft-deleted ones if asked.
		if id, known := st.IDFor(ps.key); known {
			for i := len(sub.Versions) - 1; i >= 0; i-- {
				v := &sub.Versions[i]
				if (deleted || !v.Deleted) && v.ID == id {
					resp = versionResponse(st, subject, v)
					return nil
				}
			}
		}
		// Then, for a request without references, by parsed schema
		// against the versions stored with references.
		v, err := s.equivalentVersion(st, sub, ps, deleted)
		if err != nil {
			return err
		}
		if v == nil {
			return errSchemaNotFound()
		}
		resp = versionResponse(st, subject, v)
		return nil
	})
	if err != nil {
		return storeErr(err)
	}
	s.remember(ps)
	writeJSON(w, http.StatusOK, resp)
	return nil
}
