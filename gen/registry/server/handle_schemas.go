package server

import (
	"bytes"
	"encoding/json"
	"math"
	"net/http"
	"strconv"
	"strings"

	"gitlab.com/acme/avroctl/gen/registry/store"
)

// schemaID parses the {id} path segment; a malformed id is simply not found.
func schemaID(r *http.Request) (int, error) {
	raw := r.PathValue("id")
	id, err := strconv.Atoi(raw)
	if err != nil || id <= 0 || id > math.MaxInt32 {
		return 0, errorf(CodeSchemaNotFound, "Schema %s not found", raw)
	}
	return id, nil
}

// withSchema runs fn on the schema with the request's {id}.
func (s *Server) withSchema(r *http.Request, fn func(st *store.State, sc *store.Schema) error) error {
	id, err := schemaID(r)
	if err != nil {
		return err
	}
	return storeErr(s.store.View(func(st *store.State) error {
		sc := st.Schemas[id]
		if sc == nil || !usedByVersion(st, id) {
			return errSchemaIDNotFound(id)
		}
		return fn(st, sc)
	}))
}

// handleSchemaByID is GET /schemas/ids/{id}.
func (s *Server) handleSchemaByID(w http.ResponseWriter, r *http.Request) error {
	var resp schemaByIDResponse
	err := s.withSchema(r, func(st *store.State, sc *store.Schema) error {
		resp = schemaByIDResponse{SchemaType: sc.Type, Schema: sc.Text, References: sc.References, GUID: sc.GUID}
		return nil
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, resp)
	return nil
}

// handleSchemaByGUID is GET /schemas/guids/{guid} (Confluent Platform 8):
// the schema whose content has the GUID, answered like GET
// /schemas/ids/{id}. Like an id, a GUID is served while a subject version
// (soft-deleted ones included) uses its schema. A malformed GUID is simply
// not found (40403), as a malformed id is, with the reason in the message.
func (s *Server) handleSchemaByGUID(w http.ResponseWriter, r *http.Request) error {
	raw := r.PathValue("guid")
	b, err := store.ParseGUID(raw)
	if err != nil {
		return errorf(CodeSchemaNotFound, "Schema %s not found: %v", strconv.Quote(raw), err)
	}
	guid := store.FormatGUID(b)
	var resp schemaByIDResponse
	err = storeErr(s.store.View(func(st *store.State) error {
		id, ok := st.IDForGUID(guid)
		if ok && !usedByVersion(st, id) {
			// IMPORT can store one content under two ids; the index names
			// the lowest, and another may be the one still in use.
			id, ok = usedIDWithGUID(st, guid)
		}
		sc := st.Schemas[id]
		if !ok || sc == nil {
			return errorf(CodeSchemaNotFound, "Schema %s not found", guid)
		}
		resp = schemaByIDResponse{SchemaType: sc.Type, Schema: sc.Text, References: sc.References, GUID: sc.GUID}
		return nil
	}))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, resp)
	return nil
}

// handleSchemaTextByID is GET /schemas/ids/{id}/schema.
func (s *Server) handleSchemaTextByID(w http.ResponseWriter, r *http.Request) error {
	var text string
	err := s.withSchema(r, func(st *store.State, sc *store.Schema) error {
		text = sc.Text
		return nil
	})
	if err != nil {
		return err
	}
	writeRaw(w, text)
	return nil
}

// usages lists the subject versions that use schema id, sorted by subject
// then version.
func usages(st *store.State, id int, deleted bool) []subjectVersionPair {
	pairs := []subjectVersionPair{}
	for _, name := range st.SubjectNames() {
		for _, v := range st.Subjects[name].Versions {
			if v.ID == id && (deleted || !v.Deleted) {
				pairs = append(pairs, subjectVersionPair{Subject: name, Version: v.Version})
			}
		}
	}
	return pairs
}

// handleSubjectsByID is GET /schemas/ids/{id}/subjects.
func (s *Server) handleSubjectsByID(w http.ResponseWriter, r *http.Request) error {
	subjects := []string{}
	err := s.withSchema(r, func(st *store.State, sc *store.Schema) error {
		for _, p := range usages(st, sc.ID, queryBool(r, "deleted")) {
			if len(subjects) == 0 || subjects[len(subjects)-1] != p.Subject {
				subjects = append(subjects, p.Subject)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, subjects)
	return nil
}

// handleVersionsByID is GET /schemas/ids/{id}/versions.
func (s *Server) handleVersionsByID(w http.ResponseWriter, r *http.Request) error {
	var pairs []subjectVersionPair
	err := s.withSchema(r, func(st *store.State, sc *store.Schema) error {
		pairs = usages(st, sc.ID, queryBool(r, "deleted"))
		return nil
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, pairs)
	return nil
}

// schemaRow is one item of GET /schemas, gathered under the store lock:
// the schema's strings are shared with the state (immutable once
// registered), not copied.
type schemaRow struct {
	subject string
	version int
	sc      *store.Schema
}

// handleSchemas is GET /schemas: every subject version, by subject then
// version (?subjectPrefix, ?deleted, ?latestOnly), paged as Confluent pages
// it: ?offset skips that many items, ?limit (when positive) caps the answer.
//
// The answer is streamed, one item encoded at a time, outside the store
// lock: a 2 MiB schema used by 100 subjects made every answer a 200 MB
// buffer, and holding the lock while a slow client reads would stall the
// writers (and, behind a waiting writer, the readers).
func (s *Server) handleSchemas(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	prefix := q.Get("subjectPrefix")
	deleted, latestOnly := queryBool(r, "deleted"), queryBool(r, "latestOnly")
	offset, err := queryInt(r, "offset", 0)
	if err != nil {
		return err
	}
	limit, err := queryInt(r, "limit", -1)
	if err != nil {
		return err
	}
	var rows []schemaRow
	err = s.store.View(func(st *store.State) error {
		skipped := 0
		for _, name := range st.SubjectNames() {
			if !strings.HasPrefix(name, prefix) {
				continue
			}
			versions := st.Subjects[name].Versions
			first := 0
			if latestOnly {
				// The newest version the filter lets through.
				first = len(versions)
				for i := len(versions) - 1; i >= 0; i-- {
					if deleted || !versions[i].Deleted {
						first = i
						break
					}
				}
			}
			for i := first; i < len(versions); i++ {
				v := &versions[i]
				if !deleted && v.Deleted {
					continue
				}
				if skipped < offset {
					skipped++
					continue
				}
				if limit > 0 && len(rows) >= limit {
					return nil
				}
				if sc := st.Schemas[v.ID]; sc != nil {
					rows = append(rows, schemaRow{subject: name, version: v.Version, sc: sc})
				}
			}
		}
		return nil
	})
	if err != nil {
		return storeErr(err)
	}
	w.Header().Set("Content-Type", ContentType)
	w.WriteHeader(http.StatusOK)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	buf.WriteByte('[')
	for i, row := range rows {
		if i > 0 {
			buf.WriteByte(',')
		}
		err := enc.Encode(subjectVersionResponse{Subject: row.subject, Version: row.version, ID: row.sc.ID,
			SchemaType: row.sc.Type, References: row.sc.References, Schema: row.sc.Text, GUID: row.sc.GUID})
		if err != nil {
			// The status is sent; all that is left is to cut the answer
			// short, which the client sees as invalid JSON.
			s.log.Error("GET /schemas: encoding", "subject", row.subject, "version", row.version, "err", err)
			return nil
		}
		buf.Truncate(buf.Len() - 1) // Encode's newline
		if _, err := w.Write(buf.Bytes()); err != nil {
			return nil // the client went away
		}
		buf.Reset()
	}
	buf.WriteByte(']')
	w.Write(buf.Bytes())
	return nil
}

// queryInt reads an integer query parameter, def when absent.
func queryInt(r *http.Request, name string, def int) (int, error) {
	raw := r.URL.Query().Get(name)
	if raw == "" {
		return def, nil
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < math.MinInt32 || n > math.MaxInt32 {
		return 0, errorf(CodeBadRequest, "Query parameter %s=%s is not an integer", name, strconv.Quote(raw))
	}
	return n, nil
}

// usedIDWithGUID returns the lowest id with guid that a subject version
// uses. It scans every schema: it runs only when the indexed id is unused.
func usedIDWithGUID(st *store.State, guid string) (int, bool) {
	best := 0
	for id, sc := range st.Schemas {
		if sc.GUID == guid && (best == 0 || id < best) && usedByVersion(st, id) {
			best = id
		}
	}
	return best, best != 0
}
