package kafkastate

import (
	"slices"

	"gitlab.com/acme/avroctl/gen/schema"
)

// Event is a record type a topic carries, as its value or its key.
type Event struct {
	Topic string
	Key   bool
	Type  string // full name
	Pos   schema.Position
}

// Events lists the record types the topics carry (keys of a primitive
// type are not records and are left out), by topic, key first.
func (st *State) Events() []Event {
	var out []Event
	for _, name := range st.TopicNames() {
		t := st.Topics[name]
		if t.Key != "" && !slices.Contains(primitiveKeys, t.Key) {
			out = append(out, Event{Topic: name, Key: true, Type: t.Key, Pos: t.Pos})
		}
		for i, ev := range t.Events {
			out = append(out, Event{Topic: name, Type: ev, Pos: t.EventPos[i]})
		}
	}
	return out
}

// CheckTypes reports, located, each event or key type that known (the
// schema set's full names) does not hold.
func (st *State) CheckTypes(known func(fullName string) bool) error {
	var errs schema.ErrorList
	for _, ev := range st.Events() {
		if !known(ev.Type) {
			part := "events"
			if ev.Key {
				part = "key"
			}
			errs.Addf(ev.Pos, "topics.%s.%s: %s is not a type of the schema set (run avroctl compile, or fix the name)", ev.Topic, part, ev.Type)
		}
	}
	return errs.Err()
}
