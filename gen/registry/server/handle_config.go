package server

import (
	"net/http"
	"strings"

	"gitlab.com/acme/avroctl/gen/registry/store"
)

// Config (compatibility level) and mode endpoints, global (/config, /mode)
// and per subject (/config/{subject}, /mode/{subject}). A subject may be
// configured before it has any version, as Confluent allows.

var validModes = []string{"READWRITE", "READONLY", "READONLY_OVERRIDE", "IMPORT"}

func errInvalidLevel() *Error {
	return errorf(CodeInvalidCompatibilityLevel, "Invalid compatibility level. Valid values are none, backward, forward, full, backward_transitive, forward_transitive, and full_transitive")
}

// handleGetConfig is GET /config and GET /config/{subject}
// (?defaultToGlobal=true falls back to the global level).
func (s *Server) handleGetConfig(w http.ResponseWriter, r *http.Request) error {
	subject := r.PathValue("subject")
	var level string
	err := s.store.View(func(st *store.State) error {
		if subject == "" {
			level = st.EffectiveLevel("")
			return nil
		}
		if sub := st.Subjects[subject]; sub != nil && sub.Level != "" {
			level = sub.Level
			return nil
		}
		if queryBool(r, "defaultToGlobal") {
			level = st.EffectiveLevel("")
			return nil
		}
		return errorf(CodeSubjectLevelNotConfigured, "Subject '%s' does not have subject-level compatibility configured", subject)
	})
	if err != nil {
		return storeErr(err)
	}
	writeJSON(w, http.StatusOK, configResponse{CompatibilityLevel: level})
	return nil
}

// handlePutConfig is PUT /config and PUT /config/{subject}.
func (s *Server) handlePutConfig(w http.ResponseWriter, r *http.Request) error {
	subject := r.PathValue("subject")
	if subject != "" {
		if err := checkSubjectName(subject); err != nil {
			return err
		}
	}
	if s.opts.ReadOnly {
		return errReadOnly("")
	}
	var req configRequest
	if err := decodeBody(r, &req); err != nil {
		return err
	}
	level, ok := validLevel(req.Compatibility)
	if !ok {
		return errInvalidLevel()
	}
	err := s.store.Update(func(tx *store.Tx) error {
		return tx.Append(store.Event{Op: store.OpSetLevel, Subject: subject, Level: level})
	})
	if err != nil {
		return storeErr(err)
	}
	writeJSON(w, http.StatusOK, configRequest{Compatibility: level})
	return nil
}

// handleDeleteConfig is DELETE /config (back to the default) and DELETE
// /config/{subject} (back to the global level); it returns the level that
// was removed.
func (s *Server) handleDeleteConfig(w http.ResponseWriter, r *http.Request) error {
	subject := r.PathValue("subject")
	if s.opts.ReadOnly {
		return errReadOnly("")
	}
	var prev string
	err := s.store.Update(func(tx *store.Tx) error {
		st := tx.State()
		if subject == "" {
			prev = st.EffectiveLevel("")
		} else {
			sub := st.Subjects[subject]
			if sub == nil {
				return errSubjectNotFound(subject)
			}
			if sub.Level == "" {
				return errorf(CodeSubjectLevelNotConfigured, "Subject '%s' does not have subject-level compatibility configured", subject)
			}
			prev = sub.Level
		}
		return tx.Append(store.Event{Op: store.OpSetLevel, Subject: subject})
	})
	if err != nil {
		return storeErr(err)
	}
	writeJSON(w, http.StatusOK, configResponse{CompatibilityLevel: prev})
	return nil
}

// handleGetMode is GET /mode and GET /mode/{subject}.
func (s *Server) handleGetMode(w http.ResponseWriter, r *http.Request) error {
	subject := r.PathValue("subject")
	var mode string
	err := s.store.View(func(st *store.State) error {
		if subject == "" {
			mode = st.EffectiveMode("")
			return nil
		}
		if sub := st.Subjects[subject]; sub != nil && sub.Mode != "" {
			mode = sub.Mode
			return nil
		}
		if queryBool(r, "defaultToGlobal") {
			mode = st.EffectiveMode("")
			return nil
		}
		return errorf(CodeSubjectModeNotConfigured, "Subject '%s' does not have subject-level mode configured", subject)
	})
	if err != nil {
		return storeErr(err)
	}
	if s.opts.ReadOnly {
		mode = "READONLY"
	}
	writeJSON(w, http.StatusOK, modeBody{Mode: mode})
	return nil
}

// handlePutMode is PUT /mode and PUT /mode/{subject}. Entering IMPORT with
// schemas already registered needs ?force=true, as in Confluent.
func (s *Server) handlePutMode(w http.ResponseWriter, r *http.Request) error {
	subject := r.PathValue("subject")
	if subject != "" {
		if err := checkSubjectName(subject); err != nil {
			return err
		}
	}
	if s.opts.ReadOnly {
		return errReadOnly("")
	}
	var req modeBody
	if err := decodeBody(r, &req); err != nil {
		return err
	}
	mode := strings.ToUpper(strings.TrimSpace(req.Mode))
	valid := false
	for _, m := range validModes {
		valid = valid || m == mode
	}
	if !valid {
		return errorf(CodeInvalidMode, "Invalid mode. Valid values are READWRITE, READONLY, READONLY_OVERRIDE and IMPORT")
	}
	force := queryBool(r, "force")
	err := s.store.Update(func(tx *store.Tx) error {
		st := tx.State()
		if mode == "IMPORT" && !force {
			for _, name := range st.SubjectNames() {
				if (subject == "" || name == subject) && len(st.Subjects[name].Versions) > 0 {
					return errorf(CodeOperationNotPermitted, "Cannot import since found existing subjects")
				}
			}
		}
		return tx.Append(store.Event{Op: store.OpSetMode, Subject: subject, Mode: mode})
	})
	if err != nil {
		return storeErr(err)
	}
	writeJSON(w, http.StatusOK, modeBody{Mode: mode})
	return nil
}

// handleDeleteMode is DELETE /mode and DELETE /mode/{subject}; it returns the
// mode that was removed.
func (s *Server) handleDeleteMode(w http.ResponseWriter, r *http.Request) error {
	subject := r.PathValue("subject")
	if s.opts.ReadOnly {
		return errReadOnly("")
	}
	var prev string
	err := s.store.Update(func(tx *store.Tx) error {
		st := tx.State()
		if subject == "" {
			prev = st.EffectiveMode("")
		} else {
			sub := st.Subjects[subject]
			if sub == nil {
				return errSubjectNotFound(subject)
			}
			if sub.Mode == "" {
				return errorf(CodeSubjectModeNotConfigured, "Subject '%s' does not have subject-level mode configured", subject)
			}
			prev = sub.Mode
		}
		return tx.Append(store.Event{Op: store.OpSetMode, Subject: subject})
	})
	if err != nil {
		return storeErr(err)
	}
	writeJSON(w, http.StatusOK, modeBody{Mode: prev})
	return nil
}
