package server

import (
	"net/http"
	"sort"
	"strings"

	"gitlab.com/acme/avroctl/gen/registry/store"
)

// handleSubjects is GET /subjects (?deleted, ?deletedOnly, ?subjectPrefix).
func (s *Server) handleSubjects(w http.ResponseWriter, r *http.Request) error {
	deleted, deletedOnly := queryBool(r, "deleted"), queryBool(r, "deletedOnly")
	prefix := r.URL.Query().Get("subjectPrefix")
	names := []string{}
	err := s.store.View(func(st *store.State) error {
		for _, name := range st.SubjectNames() {
			sub := st.Subjects[name]
			if len(sub.Versions) == 0 || !strings.HasPrefix(name, prefix) {
				continue
			}
			live := sub.Live()
			switch {
			case deletedOnly && live:
				continue
			case !deleted && !deletedOnly && !live:
				continue
			}
			names = append(names, name)
		}
		return nil
	})
	if err != nil {
		return storeErr(err)
	}
	writeJSON(w, http.StatusOK, names)
	return nil
}

// handleVersions is GET /subjects/{subject}/versions.
func (s *Server) handleVersions(w http.ResponseWriter, r *http.Request) error {
	subject := r.PathValue("subject")
	deleted, deletedOnly := queryBool(r, "deleted"), queryBool(r, "deletedOnly")
	versions := []int{}
	err := s.store.View(func(st *store.State) error {
		sub, err := findSubject(st, subject, deleted || deletedOnly)
		if err != nil {
			return err
		}
		for _, v := range sub.Versions {
			if (deletedOnly && !v.Deleted) || (!deleted && !deletedOnly && v.Deleted) {
				continue
			}
			versions = append(versions, v.Version)
		}
		return nil
	})
	if err != nil {
		return storeErr(err)
	}
	writeJSON(w, http.StatusOK, versions)
	return nil
}

// subjectVersion resolves the {subject}/{version} of a GET request.
func (s *Server) subjectVersion(r *http.Request, fn func(st *store.State, sub *store.Subject, v *store.Version) error) error {
	subject := r.PathValue("subject")
	spec, err := parseVersion(r.PathValue("version"))
	if err != nil {
		return err
	}
	deleted := queryBool(r, "deleted")
	return storeErr(s.store.View(func(st *store.State) error {
		sub, err := findSubject(st, subject, deleted)
		if err != nil {
			return err
		}
		v, err := findVersion(sub, spec, deleted)
		if err != nil {
			return err
		}
		return fn(st, sub, v)
	}))
}

// handleVersion is GET /subjects/{subject}/versions/{version}.
func (s *Server) handleVersion(w http.ResponseWriter, r *http.Request) error {
	var resp subjectVersionResponse
	err := s.subjectVersion(r, func(st *store.State, sub *store.Subject, v *store.Version) error {
		resp = versionResponse(st, sub.Name, v)
		return nil
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, resp)
	return nil
}

// handleVersionSchema is GET /subjects/{subject}/versions/{version}/schema:
// the schema itself, not wrapped in a string.
func (s *Server) handleVersionSchema(w http.ResponseWriter, r *http.Request) error {
	var text string
	err := s.subjectVersion(r, func(st *store.State, sub *store.Subject, v *store.Version) error {
		text = st.Schemas[v.ID].Text
		return nil
	})
	if err != nil {
		return err
	}
	writeRaw(w, text)
	return nil
}

// handleReferencedBy is GET /subjects/{subject}/versions/{version}/referencedby.
func (s *Server) handleReferencedBy(w http.ResponseWriter, r *http.Request) error {
	var ids []int
	err := s.subjectVersion(r, func(st *store.State, sub *store.Subject, v *store.Version) error {
		ids = referencedBy(st, sub.Name, v.Version)
		return nil
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, ids)
	return nil
}

// handleDeleteSubject is DELETE /subjects/{subject} (?permanent=true). It
// returns the versions it deleted.
func (s *Server) handleDeleteSubject(w http.ResponseWriter, r *http.Request) error {
	subject := r.PathValue("subject")
	permanent := queryBool(r, "permanent")
	if s.opts.ReadOnly {
		return errReadOnly("")
	}
	deleted := []int{}
	err := s.store.Update(func(tx *store.Tx) error {
		st := tx.State()
		if err := checkWritable(st, subject); err != nil {
			return err
		}
		sub := st.Subjects[subject]
		if sub == nil || len(sub.Versions) == 0 {
			return errSubjectNotFound(subject)
		}
		if !permanent && !sub.Live() {
			return errorf(CodeSubjectSoftDeleted, "Subject '%s' was soft deleted.Set permanent=true to delete permanently", subject)
		}
		if permanent && sub.Live() {
			return errorf(CodeSubjectNotSoftDeleted, "Subject '%s' was not deleted first before being permanently deleted", subject)
		}
		for _, v := range sub.Versions {
			if !permanent && v.Deleted {
				continue
			}
			if len(referencedBy(st, subject, v.Version)) > 0 {
				return errReferenceExists(subject, v.Version)
			}
			deleted = append(deleted, v.Version)
		}
		return tx.Append(store.Event{Op: store.OpDeleteSubject, Subject: subject, Permanent: permanent})
	})
	if err != nil {
		return storeErr(err)
	}
	sort.Ints(deleted)
	writeJSON(w, http.StatusOK, deleted)
	return nil
}

// handleDeleteVersion is DELETE /subjects/{subject}/versions/{version}
// (?permanent=true). It returns the version it deleted.
func (s *Server) handleDeleteVersion(w http.ResponseWriter, r *http.Request) error {
	subject := r.PathValue("subject")
	spec, err := parseVersion(r.PathValue("version"))
	if err != nil {
		return err
	}
	permanent := queryBool(r, "permanent")
	if s.opts.ReadOnly {
		return errReadOnly("")
	}
	var deleted int
	err = s.store.Update(func(tx *store.Tx) error {
		st := tx.State()
		if err := checkWritable(st, subject); err != nil {
			return err
		}
		// Soft-deleted versions count: a permanent delete needs them, and
		// soft-deleting one again is 40406, not "not found".
		sub, err := findSubject(st, subject, true)
		if err != nil {
			return err
		}
		v, err := findVersion(sub, spec, true)
		if err != nil {
			return err
		}
		if !permanent && v.Deleted {
			return errorf(CodeVersionSoftDeleted, "Subject '%s' Version %d was soft deleted.Set permanent=true to delete permanently", subject, v.Version)
		}
		if permanent && !v.Deleted {
			return errorf(CodeVersionNotSoftDeleted, "Subject '%s' Version %d was not deleted first before being permanently deleted", subject, v.Version)
		}
		if len(referencedBy(st, subject, v.Version)) > 0 {
			return errReferenceExists(subject, v.Version)
		}
		deleted = v.Version
		return tx.Append(store.Event{Op: store.OpDeleteVersion, Subject: subject, Version: v.Version, Permanent: permanent})
	})
	if err != nil {
		return storeErr(err)
	}
	writeJSON(w, http.StatusOK, deleted)
	return nil
}

// checkWritable refuses schema writes to a subject in a read-only mode.
func checkWritable(st *store.State, subject string) error {
	switch st.EffectiveMode(subject) {
	case "READONLY", "READONLY_OVERRIDE":
		return errReadOnly(subject)
	}
	return nil
}

// writeRaw writes a schema's own JSON (the /schema endpoints).
func writeRaw(w http.ResponseWriter, text string) {
	w.Header().Set("Content-Type", ContentType)
	w.WriteHeader(http.StatusOK)
	w.Write([]byte(text))
}
