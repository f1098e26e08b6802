package kafkastate

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	"gitlab.com/acme/avroctl/gen/schema"
)

func (st *State) applyDefaults() {
	s := &st.Settings
	for _, p := range DefaultIgnorePrefixes {
		if !slices.Contains(s.IgnorePrefixes, p) {
			s.IgnorePrefixes = append(s.IgnorePrefixes, p)
		}
	}
	if s.DeadLetter.DLTSuffix == "" {
		s.DeadLetter.DLTSuffix = "-dlt"
	}
	if s.DeadLetter.RetrySuffix == "" {
		s.DeadLetter.RetrySuffix = "-retry"
	}
	for _, name := range slices.Sorted(maps.Keys(st.Services)) {
		svc := st.Services[name]
		switch svc.Type {
		case Application, KafkaConnect:
			if svc.GroupID == "" {
				svc.GroupID = name
			}
		case KafkaStreams:
			if svc.ApplicationID == "" {
				svc.ApplicationID = name
			}
			// A streams application's internal topics start with its id;
			// kafka-gitops leaves them alone, so do we.
			s.IgnorePrefixes = append(s.IgnorePrefixes, svc.ApplicationID)
		}
		if svc.Type == KafkaConnect {
			def := func(v *string, kind string) {
				if *v == "" {
					*v = "connect-" + kind + "-" + name
				}
			}
			def(&svc.StorageTopics.Config, "configs")
			def(&svc.StorageTopics.Offset, "offsets")
			def(&svc.StorageTopics.Status, "status")
		}
	}
	for _, t := range st.Topics {
		if t.Replication == 0 {
			t.Replication = s.DefaultReplication
		}
		if t.Partitions == 0 {
			t.Partitions = s.DefaultPartitions
		}
	}
}

var (
	fullNameRx = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)+$`)
	// primitiveKeys are key types that are not registered schemas.
	primitiveKeys = []string{"string", "int", "long", "bytes", "float", "double", "boolean", "uuid"}
)

func (p *parser) validate() {
	st := p.st
	if st.Settings.CCloud {
		p.errs.Addf(p.ccloudPos, "settings.ccloud.enabled: avroctl does not look up Confluent Cloud service accounts; set each service's principal (User:sa-...) and remove this setting")
	}
	for _, name := range st.TopicNames() {
		t := st.Topics[name]
		if t.Partitions == 0 {
			p.errs.Addf(t.Pos, "topics.%s: missing partitions (or set settings.topics.defaults.partitions)", name)
		}
		if t.Replication == 0 {
			p.errs.Addf(t.Pos, "topics.%s: missing replication (or set settings.topics.defaults.replication)", name)
		}
		seen := map[string]bool{}
		for i, ev := range t.Events {
			switch {
			case !fullNameRx.MatchString(ev):
				p.errs.Addf(t.EventPos[i], "topics.%s.events: %q is not a full Avro name (namespace.Name)", name, ev)
			case seen[ev]:
				p.errs.Addf(t.EventPos[i], "topics.%s.events: %s is listed twice", name, ev)
			}
			seen[ev] = true
		}
		if t.Key != "" && !slices.Contains(primitiveKeys, t.Key) && !fullNameRx.MatchString(t.Key) {
			p.errs.Addf(t.Pos, "topics.%s.key: %q is neither a full Avro name nor one of %s", name, t.Key, strings.Join(primitiveKeys, ", "))
		}
	}
	for _, name := range slices.Sorted(maps.Keys(st.Services)) {
		svc := st.Services[name]
		if svc.Principal == "" && svc.Type != "" {
			p.errs.Addf(svc.Pos, "services.%s: missing principal (for example principal: User:%s)", name, name)
		}
		if svc.DeadLetter != nil && len(svc.Consumes) == 0 {
			p.errs.Addf(svc.DeadLetter.Pos, "services.%s.dead-letter: the service consumes no topic, so it has no failures to route", name)
		}
	}
	for _, name := range slices.Sorted(maps.Keys(st.Users)) {
		if u := st.Users[name]; u.Principal == "" {
			p.errs.Addf(u.Pos, "users.%s: missing principal", name)
		}
	}
	for _, owner := range slices.Sorted(maps.Keys(st.CustomServiceACLs)) {
		acls := st.CustomServiceACLs[owner]
		for _, an := range slices.Sorted(maps.Keys(acls)) {
			a := acls[an]
			if _, ok := st.Services[owner]; !ok {
				p.errs.Addf(a.Pos, "customServiceAcls.%s: there is no service %q; custom ACLs belong to a declared service", owner, owner)
				break
			}
			if a.Principal == "" {
				p.errs.Addf(a.Pos, "customServiceAcls.%s.%s: missing principal (custom service ACLs name theirs)", owner, an)
			}
		}
	}
	for _, owner := range slices.Sorted(maps.Keys(st.CustomUserACLs)) {
		acls := st.CustomUserACLs[owner]
		for _, an := range slices.Sorted(maps.Keys(acls)) {
			if _, ok := st.Users[owner]; !ok {
				p.errs.Addf(acls[an].Pos, "customUserAcls.%s: there is no user %q; custom ACLs belong to a declared user", owner, owner)
				break
			}
		}
	}
	p.deriveDeadLetters()
}

// deriveDeadLetters declares, for each consumer with a dead-letter block,
// the retry and dead-letter topics of each topic it consumes. They copy the
// partitions and replication of the consumed topic: records keep their key
// and partition when they are retried, as Spring Kafka does.
func (p *parser) deriveDeadLetters() {
	st := p.st
	for _, name := range slices.Sorted(maps.Keys(st.Services)) {
		svc := st.Services[name]
		if svc.DeadLetter == nil {
			continue
		}
		for _, src := range svc.Consumes {
			from, ok := st.Topics[src]
			if !ok {
				p.errs.Addf(svc.TopicPos[src], "services.%s.dead-letter: its topics copy the partitions of %s, which the state does not declare; declare it under topics", name, src)
				continue
			}
			for _, dn := range st.DeadLetterTopics(svc, src) {
				t, declared := st.Topics[dn]
				if !declared {
					t = &Topic{Name: dn, Partitions: from.Partitions, Replication: from.Replication,
						Configs: maps.Clone(svc.DeadLetter.Configs), ConfigPos: map[string]schema.Position{},
						Pos: svc.DeadLetter.Pos, Derived: true}
					if t.Configs == nil {
						t.Configs = map[string]string{}
					}
					st.Topics[dn] = t
				} else if !t.Derived {
					// Declared by hand: the declaration wins; it only
					// must not contradict another consumer's configs.
					t.DeadLetterOf = src
					continue
				}
				if t.DeadLetterOf != "" && t.DeadLetterOf != src {
					p.errs.Addf(svc.DeadLetter.Pos, "services.%s.dead-letter: topic %s is also the dead-letter topic of %s", name, dn, t.DeadLetterOf)
				}
				t.DeadLetterOf = src
				for k, v := range svc.DeadLetter.Configs {
					if old, ok := t.Configs[k]; ok && old != v {
						p.errs.Addf(svc.DeadLetter.Pos, "services.%s.dead-letter.configs.%s: %q contradicts %q set for %s by another consumer", name, k, v, old, dn)
					}
					t.Configs[k] = v
				}
			}
		}
	}
}

// DeadLetterTopics returns the retry topics then the dead-letter topic a
// consumer uses for the failures of topic, or nil without a dead-letter
// block.
func (st *State) DeadLetterTopics(svc *Service, topic string) []string {
	if svc.DeadLetter == nil {
		return nil
	}
	group := svc.GroupID
	if svc.Type == KafkaStreams {
		group = svc.ApplicationID
	}
	var out []string
	for i := range svc.DeadLetter.Retries {
		out = append(out, fmt.Sprintf("%s-%s%s-%d", topic, group, st.Settings.DeadLetter.RetrySuffix, i))
	}
	return append(out, topic+st.Settings.DeadLetter.DLTSuffix)
}

// IsDeadLetter reports whether topic is a dead-letter topic (not a retry
// topic) of the state.
func (st *State) IsDeadLetter(topic string) bool {
	_, ok := st.Topics[topic]
	return ok && strings.HasSuffix(topic, st.Settings.DeadLetter.DLTSuffix)
}
