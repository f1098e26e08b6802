package kafkaplan

import (
	"gitlab.com/acme/avroctl/gen/kafkastate"
	"gitlab.com/acme/avroctl/gen/registry"
	"gitlab.com/acme/avroctl/gen/schema"
)

// Items maps the state's events to registry items: each event type under
// the subject the strategy derives from its topic (avroctl.yaml's
// registry.strategy), plus the types it uses as references. An event type
// that the schema set lacks is a located error.
func Items(st *kafkastate.State, types []schema.NamedSchema, strategy registry.Strategy) ([]registry.Item, error) {
	known := map[string]bool{}
	for _, t := range types {
		known[t.Names().FullName()] = true
	}
	if err := st.CheckTypes(func(name string) bool { return known[name] }); err != nil {
		return nil, err
	}
	events := st.Events()
	if len(events) == 0 {
		return nil, nil
	}
	topics := make([]registry.Topic, len(events))
	for i, ev := range events {
		topics[i] = registry.Topic{Topic: ev.Topic, Key: ev.Key, Type: ev.Type}
	}
	if strategy == registry.RecordName {
		// Every type of the set has its own subject under this strategy;
		// the events only say which ones matter here.
		var used []schema.NamedSchema
		for _, t := range types {
			for _, ev := range events {
				if ev.Type == t.Names().FullName() {
					used = append(used, t)
					break
				}
			}
		}
		types = used
	}
	return registry.Items(types, strategy, topics)
}
