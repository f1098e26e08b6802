package server

import (
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
		resp = schemaByIDResponse{SchemaType: sc.Type, Schema: sc.Text, References: sc.References}
		return nil
	})
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

// handleSchemas is GET /schemas: every subject version (?subjectPrefix,
// ?deleted, ?latestOnly).
func (s *Server) handleSchemas(w http.ResponseWriter, r *http.Request) error {
	prefix := r.URL.Query().Get("subjectPrefix")
	deleted, latestOnly := queryBool(r, "deleted"), queryBool(r, "latestOnly")
	out := []subjectVersionResponse{}
	err := s.store.View(func(st *store.State) error {
		for _, name := range st.SubjectNames() {
			if !strings.HasPrefix(name, prefix) {
				continue
			}
			var vs []subjectVersionResponse
			for i := range st.Subjects[name].Versions {
				v := &st.Subjects[name].Versions[i]
				if deleted || !v.Deleted {
					vs = append(vs, versionResponse(st, name, v))
				}
			}
			if latestOnly && len(vs) > 1 {
				vs = vs[len(vs)-1:]
			}
			out = append(out, vs...)
		}
		return nil
	})
	if err != nil {
		return storeErr(err)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}
