package server

import (
	"net/http"
	"strings"

	"gitlab.com/acme/avroctl/gen/compat"
	"gitlab.com/acme/avroctl/gen/registry/store"
)

// registerAttempts bounds how often a registration is checked again when
// the subject changed between its compatibility check and its write.
const registerAttempts = 3

// checkBasis is what a registration's compatibility verdict depends on: the
// subject's mode and level and its live versions. The check runs outside
// the store lock; the write, under it, goes ahead only if the basis is
// still the same.
type checkBasis struct {
	mode, level string
	live        []store.Version
}

func basisOf(st *store.State, subject string) checkBasis {
	b := checkBasis{mode: st.EffectiveMode(subject), level: st.EffectiveLevel(subject)}
	if sub := st.Subjects[subject]; sub != nil {
		b.live = make([]store.Version, 0, len(sub.Versions))
		for _, v := range sub.Versions {
			if !v.Deleted {
				b.live = append(b.live, v)
			}
		}
	}
	return b
}

// still reports whether a registration planned on b may be written on st:
// in IMPORT mode, which checks nothing, as long as the mode is the same;
// otherwise only if the level and the live versions are also unchanged
// (compared in place: a long history is not copied again).
func (b checkBasis) still(st *store.State, subject string) bool {
	mode := st.EffectiveMode(subject)
	if b.mode == "IMPORT" {
		return mode == "IMPORT"
	}
	if b.mode != mode || b.level != st.EffectiveLevel(subject) {
		return false
	}
	k := 0
	if sub := st.Subjects[subject]; sub != nil {
		for _, v := range sub.Versions {
			if v.Deleted {
				continue
			}
			if k >= len(b.live) || b.live[k] != v {
				return false
			}
			k++
		}
	}
	return k == len(b.live)
}

// registerPlan is the read-locked first half of a registration.
type registerPlan struct {
	// done: the subject has the schema already; id is the answer.
	done bool
	id   int
	// basis is what the check saw; prev what it checks against, when
	// check is set.
	basis checkBasis
	check bool
	prev  []compat.Previous
}

// alreadyRegistered is what both halves of a registration check first: the
// subject is writable, the references are there, and whether the subject
// has the schema already (registeredVersion).
func (s *Server) alreadyRegistered(st *store.State, subject string, req *registerRequest, ps *parsedSchema) (int, bool, error) {
	if err := checkWritable(st, subject); err != nil {
		return 0, false, err
	}
	if err := refsExist(st, ps.refs); err != nil {
		return 0, false, err
	}
	return s.registeredVersion(st, subject, req, ps)
}

// planRegister decides, under the read lock, everything a registration can
// decide before its compatibility check, and gathers what the check needs.
func (s *Server) planRegister(subject string, req *registerRequest, ps *parsedSchema) (registerPlan, error) {
	var p registerPlan
	err := s.store.View(func(st *store.State) error {
		id, ok, err := s.alreadyRegistered(st, subject, req, ps)
		if err != nil || ok {
			p.done, p.id = ok, id
			return err
		}
		p.basis = basisOf(st, subject)
		if p.basis.mode == "IMPORT" {
			return nil // no compatibility check in IMPORT mode
		}
		if id, ok, err := registeredLive(st, subject, req, ps); err != nil || ok {
			p.done, p.id = ok, id
			return err
		}
		// A transitive check the subject's index proves needs neither the
		// list of previous versions nor a visit of each: the verdict is
		// compatible, with no messages.
		if lv, err := compat.ParseLevel(p.basis.level); err == nil {
			proven, err := s.provenCompatible(st, subject, lv, p.basis.live, ps)
			if err != nil || proven {
				return err
			}
		}
		p.check = true
		p.prev, err = s.previousVersions(st, st.Subjects[subject], p.basis.level)
		return err
	})
	return p, storeErr(err)
}

// handleRegister is POST /subjects/{subject}/versions. The same schema
// (text and references) gets the same ID in every subject; registering a
// schema the subject already has, or its equivalent with the references
// inlined, returns its ID and writes nothing (registeredVersion).
//
// The compatibility check runs outside the store lock: a transitive check
// against a long history of wide records takes seconds, and under the write
// lock it stalled every read of every subject. The write then runs under
// the lock, from the duplicate check to the append, so concurrent
// registrations of one schema agree on one ID and one version; it goes
// ahead only if the subject's mode, level and live versions are what the
// check saw, and otherwise the registration is checked again.
// Registrations into one subject take turns (s.subjects), so they do not
// invalidate each other's checks; only a delete or a configuration change
// in between can, and after registerAttempts of those the answer is 409.
func (s *Server) handleRegister(w http.ResponseWriter, r *http.Request) error {
	subject := r.PathValue("subject")
	if err := checkSubjectName(subject); err != nil {
		return err
	}
	if s.opts.ReadOnly {
		return errReadOnly("")
	}
	req, ps, err := s.readSchemaRequest(r, checkImportRange)
	if err != nil {
		return err
	}
	unlock := s.subjects.lock(subject)
	defer unlock()
	var id int
	for attempt := 1; ; attempt++ {
		plan, err := s.planRegister(subject, req, ps)
		if err != nil {
			return err
		}
		if plan.done {
			id = plan.id
			break
		}
		if plan.check {
			if ok, msgs := s.checker.Check(plan.basis.level, ps.schema, plan.prev); !ok {
				return errorf(CodeIncompatible, "Schema being registered is incompatible with an earlier schema for subject \"%s\", details: [%s]", subject, strings.Join(msgs, ", "))
			}
		}
		stale := false
		err = s.store.Update(func(tx *store.Tx) error {
			st := tx.State()
			existing, ok, err := s.alreadyRegistered(st, subject, req, ps)
			if err != nil || ok {
				id = existing
				return err
			}
			if !plan.basis.still(st, subject) {
				stale = true
				return nil
			}
			if plan.basis.mode == "IMPORT" {
				id, err = s.importSchema(tx, subject, req, ps)
			} else {
				id, err = s.registerSchema(tx, subject, req, ps)
			}
			return err
		})
		if err != nil {
			return storeErr(err)
		}
		if !stale {
			break
		}
		if attempt == registerAttempts {
			return errorf(CodeIncompatible, "Subject \"%s\" changed while the schema's compatibility was being checked, %d times in a row; retry the registration", subject, registerAttempts)
		}
	}
	s.remember(ps)
	writeJSON(w, http.StatusOK, registerResponse{ID: id})
	return nil
}
