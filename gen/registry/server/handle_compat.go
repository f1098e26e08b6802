package server

import (
	"net/http"

	"gitlab.com/acme/avroctl/gen/compat"
	"gitlab.com/acme/avroctl/gen/registry/store"
)

// handleCompatibility is POST /compatibility/subjects/{subject}/versions
// (against what the subject's level says) and .../versions/{version}
// (against that one version). A subject with no versions accepts anything,
// as Confluent does. ?verbose=true adds the reasons.
func (s *Server) handleCompatibility(w http.ResponseWriter, r *http.Request) error {
	subject := r.PathValue("subject")
	rawVersion := r.PathValue("version")
	var spec versionSpec
	if rawVersion != "" {
		var err error
		if spec, err = parseVersion(rawVersion); err != nil {
			return err
		}
	}
	_, ps, err := s.readSchemaRequest(r, nil)
	if err != nil {
		return err
	}
	// The check itself runs after the read lock is released: a long one
	// under it would hold up writers, and readers queued behind them.
	var level string
	var prev []compat.Previous
	noVersions, proven := false, false
	err = s.store.View(func(st *store.State) error {
		level = st.EffectiveLevel(subject)
		sub := st.Subjects[subject]
		switch {
		case rawVersion == "" || spec.latest:
			if sub == nil || !sub.Live() {
				noVersions = true
				return nil
			}
			// Against every version a transitive level covers, the
			// subject's index may prove the verdict (compatible, no
			// messages) without the list of versions, as a registration
			// does.
			if rawVersion == "" {
				if lv, lerr := compat.ParseLevel(level); lerr == nil {
					p, err := s.provenCompatible(st, subject, lv, basisOf(st, subject).live, ps)
					if err != nil {
						return err
					}
					if p {
						proven = true
						return nil
					}
				}
			}
			all, err := s.previousVersions(st, sub, level)
			if err != nil {
				return err
			}
			prev = all
			if rawVersion != "" && len(all) > 0 {
				prev = all[len(all)-1:]
			}
		default:
			sub, err := findSubject(st, subject, false)
			if err != nil {
				return err
			}
			v, err := findVersion(sub, spec, false)
			if err != nil {
				return err
			}
			sc, err := s.schemaByID(st, v.ID)
			if err != nil {
				return err
			}
			prev = []compat.Previous{{Schema: sc, Version: v.Version, Text: st.Schemas[v.ID].Text}}
		}
		return nil
	})
	if err != nil {
		return storeErr(err)
	}
	ok, msgs := true, []string{}
	if !noVersions && !proven {
		var m []string
		ok, m = s.checker.Check(level, ps.schema, prev)
		if m != nil {
			msgs = m
		}
	}
	s.remember(ps)
	if queryBool(r, "verbose") {
		writeJSON(w, http.StatusOK, verboseCompatibilityResponse{IsCompatible: ok, Messages: msgs})
		return nil
	}
	writeJSON(w, http.StatusOK, compatibilityResponse{IsCompatible: ok})
	return nil
}
