// Package store keeps the Schema Registry's state durably: an in-memory
// State rebuilt at start by replaying an append-only log of Events.
//
// The log is the only thing written to disk. Every Update appends one framed
// record (length, CRC-32C, JSON batch of events) and waits for an fsync that
// covers it before returning, so an acknowledged write survives kill -9. A
// damaged final record with nothing valid after it (a write cut short) is
// truncated on open; damage that valid records follow stops the open and
// changes nothing (Repair is the way on). A meta file beside the log keeps
// a ceiling of the ids used, so lost records never have their ids reused.
// Concurrent writers share fsyncs (group commit): while one fsync runs, the
// records appended behind it wait and are covered by the next one.
package store

import (
	"fmt"
	"slices"
	"sort"
)

// Compatibility levels and modes as the Confluent API spells them.
const (
	DefaultLevel = "BACKWARD"
	DefaultMode  = "READWRITE"
)

// Reference is a schema reference: the named type Name is defined by the
// schema registered under Subject at Version.
type Reference struct {
	Name    string `json:"name"`
	Subject string `json:"subject"`
	Version int    `json:"version"`
}

// Schema is one registered schema; it is identified by its global ID and
// shared by every subject version that registered the same text.
type Schema struct {
	ID         int         `json:"id"`
	Type       string      `json:"type,omitempty"` // "" means AVRO
	Text       string      `json:"text"`
	References []Reference `json:"references,omitempty"`
	// GUID is the schema's GUID (see SchemaGUID), stored so that the log
	// says what the registry served. Events written before GUIDs existed
	// lack it; replay derives it then, the same value (guid.go).
	GUID string `json:"guid,omitempty"`
}

// Key is the identity under which equal schemas share an ID: the schema
// type, the stored text and the references.
func (s *Schema) Key() string { return SchemaKey(s.Type, s.Text, s.References) }

// SchemaKey builds the identity of a schema; see Schema.Key.
func SchemaKey(typ, text string, refs []Reference) string {
	if typ == "AVRO" {
		typ = ""
	}
	k := typ + "\x00" + text
	for _, r := range refs {
		k += fmt.Sprintf("\x00%s\x00%s\x00%d", r.Name, r.Subject, r.Version)
	}
	return k
}

// Version is one version of a subject.
type Version struct {
	Version int  `json:"version"`
	ID      int  `json:"id"`
	Deleted bool `json:"deleted,omitempty"`
}

// Subject is a subject with its versions in ascending order and its own
// configuration ("" when it inherits the global one).
type Subject struct {
	Name     string
	Versions []Version
	Level    string
	Mode     string
	// VersionFloor is the highest version number known to have been used
	// by records that were lost (see OpReserve): new versions go above it.
	VersionFloor int
}

// Live reports whether the subject has at least one version that is not
// soft-deleted.
func (s *Subject) Live() bool {
	for _, v := range s.Versions {
		if !v.Deleted {
			return true
		}
	}
	return false
}

// Find returns the index of version n, or -1.
func (s *Subject) Find(n int) int {
	i := sort.Search(len(s.Versions), func(i int) bool { return s.Versions[i].Version >= n })
	if i < len(s.Versions) && s.Versions[i].Version == n {
		return i
	}
	return -1
}

// MaxVersion returns the highest version number kept or reserved (0 if
// none); the next version is the one after it.
func (s *Subject) MaxVersion() int {
	if len(s.Versions) == 0 {
		return s.VersionFloor
	}
	return max(s.Versions[len(s.Versions)-1].Version, s.VersionFloor)
}

// State is the registry's whole state. Only Apply changes it; readers get it
// under the store's lock.
type State struct {
	Schemas  map[int]*Schema
	Subjects map[string]*Subject
	// Level and Mode are the global settings ("" means the default).
	Level string
	Mode  string
	// MaxID is the highest ID ever assigned.
	MaxID int
	// byKey indexes Schemas by identity (Schema.Key).
	byKey map[string]int
	// byGUID indexes Schemas by GUID; see IDForGUID.
	byGUID map[string]int
}

// NewState returns an empty state.
func NewState() *State {
	return &State{Schemas: map[int]*Schema{}, Subjects: map[string]*Subject{}, byKey: map[string]int{}, byGUID: map[string]int{}}
}

// IDFor returns the ID already assigned to a schema identity, if any.
func (st *State) IDFor(key string) (int, bool) {
	id, ok := st.byKey[key]
	return id, ok
}

// SubjectNames returns the subject names in sorted order.
func (st *State) SubjectNames() []string {
	names := make([]string, 0, len(st.Subjects))
	for n := range st.Subjects {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// EffectiveLevel returns the compatibility level that applies to subject.
func (st *State) EffectiveLevel(subject string) string {
	if s := st.Subjects[subject]; s != nil && s.Level != "" {
		return s.Level
	}
	if st.Level != "" {
		return st.Level
	}
	return DefaultLevel
}

// EffectiveMode returns the mode that applies to subject.
func (st *State) EffectiveMode(subject string) string {
	if s := st.Subjects[subject]; s != nil && s.Mode != "" {
		return s.Mode
	}
	if st.Mode != "" {
		return st.Mode
	}
	return DefaultMode
}

// subject returns the named subject, creating it.
func (st *State) subject(name string) *Subject {
	s := st.Subjects[name]
	if s == nil {
		s = &Subject{Name: name}
		st.Subjects[name] = s
	}
	return s
}

// dropIfEmpty removes a subject that has neither versions nor settings.
func (st *State) dropIfEmpty(name string) {
	if s := st.Subjects[name]; s != nil && len(s.Versions) == 0 && s.Level == "" && s.Mode == "" && s.VersionFloor == 0 {
		delete(st.Subjects, name)
	}
}

// undoFor returns a function that puts back everything Apply(e) may change:
// the global settings and MaxID, e's subject and e's schema. A transaction
// whose record cannot be written undoes its events in reverse order and
// leaves the state as the log has it, without replaying the log.
func (st *State) undoFor(e Event) func() {
	level, mode, maxID := st.Level, st.Mode, st.MaxID
	var sub *Subject
	if old := st.Subjects[e.Subject]; old != nil {
		// The undo keeps the old version list itself, capped at its
		// length so that nothing appended later writes into it, and the
		// list is never changed in place after that: a registration of a
		// version above the last one only appends (Apply neither sorts
		// nor flips a flag then), and any other event first gives the
		// subject a copy to change. So a registration, the common event,
		// copies nothing; before, every event copied the list, and a long
		// history cost its length on every registration.
		c := *old
		n := len(old.Versions)
		c.Versions = old.Versions[:n:n]
		if !(e.Op == OpRegister && (n == 0 || old.Versions[n-1].Version < e.Version)) {
			old.Versions = slices.Clone(old.Versions)
		}
		sub = &c
	}
	var oldSchema *Schema
	var key, guid string
	var oldKeyID, oldGUIDID int
	var hadKey, hadGUID bool
	if e.Schema != nil {
		oldSchema = st.Schemas[e.ID]
		key = e.Schema.Key()
		oldKeyID, hadKey = st.byKey[key]
		guid = st.guidOf(e.Schema)
		oldGUIDID, hadGUID = st.byGUID[guid]
	}
	return func() {
		st.Level, st.Mode, st.MaxID = level, mode, maxID
		if e.Subject != "" {
			if sub != nil {
				st.Subjects[e.Subject] = sub
			} else {
				delete(st.Subjects, e.Subject)
			}
		}
		if e.Schema == nil {
			return
		}
		if oldSchema != nil {
			st.Schemas[e.ID] = oldSchema
		} else {
			delete(st.Schemas, e.ID)
		}
		if hadKey {
			st.byKey[key] = oldKeyID
		} else {
			delete(st.byKey, key)
		}
		if guid == "" {
			return
		}
		if hadGUID {
			st.byGUID[guid] = oldGUIDID
		} else {
			delete(st.byGUID, guid)
		}
	}
}
