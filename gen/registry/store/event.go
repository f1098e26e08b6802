package store

import (
	"fmt"
	"sort"
)

// Op is the kind of an Event.
type Op string

// The events the log records. They describe outcomes, not requests: the
// server decides (ids, versions, compatibility) and the log records the
// result, so replay needs no schema parsing and is deterministic.
const (
	OpRegister      Op = "register"       // Subject gets Version pointing at ID; Schema set when the ID is new
	OpDeleteVersion Op = "delete_version" // soft (or Permanent) delete of Subject/Version
	OpDeleteSubject Op = "delete_subject" // soft (or Permanent) delete of every version of Subject
	OpSetLevel      Op = "set_level"      // Level for Subject ("" subject: global); Level "" clears
	OpSetMode       Op = "set_mode"       // Mode for Subject ("" subject: global); Mode "" clears
	OpSchema        Op = "schema"         // Schema kept under ID, whether or not a version uses it (compaction writes these)
	// OpReserve marks numbers as used without a schema: ID raises MaxID, and
	// Subject with Version raises that subject's VersionFloor. Open and
	// repair write it when records were lost (a cut tail, a repaired log, a
	// log started empty again), so no id or version they held is handed out
	// twice; compaction keeps it.
	OpReserve Op = "reserve"
)

// Event is one change to the State.
type Event struct {
	Op        Op      `json:"op"`
	Subject   string  `json:"subject,omitempty"`
	Version   int     `json:"version,omitempty"`
	ID        int     `json:"id,omitempty"`
	Schema    *Schema `json:"schema,omitempty"`
	Permanent bool    `json:"permanent,omitempty"`
	Level     string  `json:"level,omitempty"`
	Mode      string  `json:"mode,omitempty"`
}

// Apply changes st by e. It validates what replay needs to stay consistent
// and returns an error (leaving st unchanged) for an event that does not fit.
func (st *State) Apply(e Event) error {
	switch e.Op {
	case OpRegister:
		if e.Subject == "" || e.Version <= 0 || e.ID <= 0 {
			return fmt.Errorf("register event needs subject, version and id")
		}
		if e.Schema != nil {
			if err := checkGUID(e.Schema); err != nil {
				return fmt.Errorf("register event: %v", err)
			}
			if e.Schema.ID != e.ID {
				return fmt.Errorf("register event: schema id %d differs from id %d", e.Schema.ID, e.ID)
			}
			if old, ok := st.Schemas[e.ID]; ok && old.Key() != e.Schema.Key() {
				return fmt.Errorf("register event: id %d already holds another schema", e.ID)
			}
		} else if st.Schemas[e.ID] == nil {
			return fmt.Errorf("register event: unknown schema id %d", e.ID)
		}
		s := st.subject(e.Subject)
		if i := s.Find(e.Version); i >= 0 {
			if s.Versions[i].ID != e.ID {
				return fmt.Errorf("register event: %s version %d already exists", e.Subject, e.Version)
			}
			s.Versions[i].Deleted = false
		} else {
			// Versions normally arrive in order; IMPORT may fill a gap.
			s.Versions = append(s.Versions, Version{Version: e.Version, ID: e.ID})
			if n := len(s.Versions); n > 1 && s.Versions[n-2].Version > e.Version {
				sort.Slice(s.Versions, func(i, j int) bool { return s.Versions[i].Version < s.Versions[j].Version })
			}
		}
		if e.Schema != nil {
			st.putSchema(e.Schema)
		}
	case OpSchema:
		if e.Schema == nil || e.ID <= 0 || e.Schema.ID != e.ID {
			return fmt.Errorf("schema event needs a schema and its id")
		}
		if err := checkGUID(e.Schema); err != nil {
			return fmt.Errorf("schema event: %v", err)
		}
		if old, ok := st.Schemas[e.ID]; ok && old.Key() != e.Schema.Key() {
			return fmt.Errorf("schema event: id %d already holds another schema", e.ID)
		}
		st.putSchema(e.Schema)
	case OpDeleteVersion:
		s := st.Subjects[e.Subject]
		if s == nil {
			return fmt.Errorf("delete event: unknown subject %q", e.Subject)
		}
		i := s.Find(e.Version)
		if i < 0 {
			return fmt.Errorf("delete event: unknown version %s/%d", e.Subject, e.Version)
		}
		if e.Permanent {
			s.Versions = append(s.Versions[:i], s.Versions[i+1:]...)
			st.dropIfEmpty(e.Subject)
		} else {
			s.Versions[i].Deleted = true
		}
	case OpDeleteSubject:
		s := st.Subjects[e.Subject]
		if s == nil {
			return fmt.Errorf("delete event: unknown subject %q", e.Subject)
		}
		if e.Permanent {
			// Confluent drops the subject's configuration with it.
			delete(st.Subjects, e.Subject)
		} else {
			for i := range s.Versions {
				s.Versions[i].Deleted = true
			}
		}
	case OpSetLevel:
		if e.Subject == "" {
			st.Level = e.Level
		} else {
			st.subject(e.Subject).Level = e.Level
			st.dropIfEmpty(e.Subject)
		}
	case OpSetMode:
		if e.Subject == "" {
			st.Mode = e.Mode
		} else {
			st.subject(e.Subject).Mode = e.Mode
			st.dropIfEmpty(e.Subject)
		}
	case OpReserve:
		if e.ID < 0 || e.Version < 0 || (e.Version > 0) != (e.Subject != "") || (e.ID == 0 && e.Version == 0) {
			return fmt.Errorf("reserve event needs an id, or a subject and a version")
		}
		st.MaxID = max(st.MaxID, e.ID)
		if e.Subject != "" {
			sub := st.subject(e.Subject)
			sub.VersionFloor = max(sub.VersionFloor, e.Version)
		}
	default:
		return fmt.Errorf("unknown event %q", e.Op)
	}
	return nil
}

// checkGUID validates the GUID an event stores, if any.
func checkGUID(sc *Schema) error {
	if sc.GUID == "" {
		return nil
	}
	if _, err := ParseGUID(sc.GUID); err != nil {
		return fmt.Errorf("schema %d: %v", sc.ID, err)
	}
	return nil
}

// guidOf returns the GUID sc gets when stored: the one its ID already has,
// else the one the event carries (canonical form), else the derived one.
// "" only for a malformed stored GUID, which Apply rejects first.
func (st *State) guidOf(sc *Schema) string {
	if old := st.Schemas[sc.ID]; old != nil && old.GUID != "" && old.Key() == sc.Key() {
		return old.GUID
	}
	if sc.GUID != "" {
		g, err := normalGUID(sc.GUID)
		if err != nil {
			return ""
		}
		return g
	}
	return SchemaGUID(sc.Text, sc.References)
}

// putSchema stores a copy of sc under its ID. An identity already held by
// another ID keeps that ID (the first one seen wins, as on the live path).
// The GUID is the one the ID already has, else the event's, else derived.
func (st *State) putSchema(sc *Schema) {
	c := *sc
	c.GUID = st.guidOf(sc)
	st.Schemas[c.ID] = &c
	if _, ok := st.byKey[c.Key()]; !ok {
		st.byKey[c.Key()] = c.ID
	}
	if old, ok := st.byGUID[c.GUID]; !ok || c.ID < old {
		st.byGUID[c.GUID] = c.ID
	}
	if c.ID > st.MaxID {
		st.MaxID = c.ID
	}
}
