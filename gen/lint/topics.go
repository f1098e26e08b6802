package lint

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"gitlab.com/acme/avroctl/gen/kafkastate"
	"gitlab.com/acme/avroctl/gen/schema"
)

// Topics is what the topic rules check: the desired state of the topics
// (gen/kafkastate), and what it is compared with.
type Topics struct {
	State *kafkastate.State
	// Previous is the state at the base revision, when known: the rule on
	// keyed topics' partitions compares with it.
	Previous *kafkastate.State
	// Events maps the record types that are events of their own to the
	// topic avroctl.yaml's registry.topics publishes them on (the subjects
	// 'registry register' derives); the state's topic of that name should
	// carry each, or the two commands derive different subjects.
	Events map[string]string
}

// The topic rule IDs.
const (
	TopicReplication          = "TOPIC_REPLICATION"
	TopicMinInsyncReplicas    = "TOPIC_MIN_INSYNC_REPLICAS"
	TopicReplicationAboveISR  = "TOPIC_REPLICATION_ABOVE_MIN_INSYNC"
	DeadLetterRetention       = "DEAD_LETTER_RETENTION"
	TopicCompactionHint       = "TOPIC_COMPACTION_HINT"
	TopicKeyedPartitions      = "TOPIC_KEYED_PARTITIONS_INCREASE"
	TopicEventTypes           = "TOPIC_EVENT_TYPES"
	EventTypeTopic            = "EVENT_TYPE_TOPIC"
	minReplication, minInsync = 3, 2
)

// topicRule is a rule on the desired state of topics.
type topicRule struct {
	Rule
	check func(c *topicChecker)
}

// Topic rules are rules like the others (same IDs, categories and
// configuration); they run when lint is given a state.
func init() {
	for _, r := range topicRules {
		rules = append(rules, r.Rule)
	}
}

func topicRuleByID(id string) (topicRule, bool) {
	for _, r := range topicRules {
		if r.ID == id {
			return r, true
		}
	}
	return topicRule{}, false
}

var topicRules = []topicRule{
	{Rule{ID: TopicReplication, Category: Default, Purpose: "a topic has replication 3 or more, so that it survives the loss of a broker and a rolling restart"}, checkReplication},
	{Rule{ID: TopicMinInsyncReplicas, Category: Default, Purpose: "a topic sets min.insync.replicas 2 or more, so that an acknowledged write is on two brokers"}, checkMinInsync},
	{Rule{ID: TopicReplicationAboveISR, Category: Minimal, Purpose: "replication is above min.insync.replicas, or the loss of one broker makes the topic refuse writes"}, checkReplicationAboveISR},
	{Rule{ID: DeadLetterRetention, Category: Default, Purpose: "a dead-letter topic sets retention.ms (or retention.bytes), so that failures are kept as long as someone needs to look at them"}, checkDeadLetterRetention},
	{Rule{ID: TopicCompactionHint, Category: Default, Purpose: "a topic keyed by an entity with one event type says its cleanup.policy (compact keeps the latest value per key)"}, checkCompaction},
	{Rule{ID: TopicKeyedPartitions, Category: Minimal, Purpose: "the partitions of a keyed topic do not grow (keys then map to other partitions, and order per key breaks)"}, checkKeyedPartitions},
	{Rule{ID: TopicEventTypes, Category: Default, Purpose: "a topic declares the event types it carries (events:), so that its subjects are known"}, checkTopicEvents},
	{Rule{ID: EventTypeTopic, Category: Default, Purpose: "each event type of avroctl.yaml's registry.topics is carried by that topic in the state"}, checkEventTopics},
}

// topicChecker runs topic rules; types locates event types.
type topicChecker struct {
	*checker
	in    *Topics
	types map[string]schema.NamedSchema
}

// eachTopic calls fn for the topics the rules look at, in name order.
func (c *topicChecker) eachTopic(fn func(name string, t *kafkastate.Topic)) {
	for _, name := range c.in.State.TopicNames() {
		fn(name, c.in.State.Topics[name])
	}
}

func intConfig(t *kafkastate.Topic, key string, def int) (int, bool) {
	v, ok := t.Configs[key]
	if !ok {
		return def, false
	}
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil {
		return def, true
	}
	return n, true
}

func configPos(t *kafkastate.Topic, key string) schema.Position {
	if p, ok := t.ConfigPos[key]; ok && p.IsValid() {
		return p
	}
	return t.Pos
}

func checkReplication(c *topicChecker) {
	c.eachTopic(func(name string, t *kafkastate.Topic) {
		if t.Replication < minReplication {
			c.report(t.Pos, "topic "+name, fmt.Sprintf("replication: %d", minReplication),
				"topic %s has replication %d; with fewer than %d copies a broker loss or a rolling restart can lose or block it", name, t.Replication, minReplication)
		}
	})
}

func checkMinInsync(c *topicChecker) {
	c.eachTopic(func(name string, t *kafkastate.Topic) {
		n, set := intConfig(t, "min.insync.replicas", 1)
		if n < minInsync {
			what := "does not set min.insync.replicas (the broker default is 1)"
			if set {
				what = fmt.Sprintf("sets min.insync.replicas %d", n)
			}
			c.report(configPos(t, "min.insync.replicas"), "topic "+name, `configs: {min.insync.replicas: "2"}`,
				"topic %s %s: a write acknowledged by all in-sync replicas may then be on one broker only", name, what)
		}
	})
}

func checkReplicationAboveISR(c *topicChecker) {
	c.eachTopic(func(name string, t *kafkastate.Topic) {
		n, _ := intConfig(t, "min.insync.replicas", 1)
		if t.Replication <= n && t.Replication > 0 {
			c.report(configPos(t, "min.insync.replicas"), "topic "+name, fmt.Sprintf("replication: %d (min.insync.replicas + 1)", n+1),
				"topic %s has replication %d and min.insync.replicas %d: when one broker is down, producers with acks=all get NOT_ENOUGH_REPLICAS and the topic is read-only", name, t.Replication, n)
		}
	})
}

func checkDeadLetterRetention(c *topicChecker) {
	c.eachTopic(func(name string, t *kafkastate.Topic) {
		if !c.in.State.IsDeadLetter(name) {
			return
		}
		_, ms := t.Configs["retention.ms"]
		_, bytes := t.Configs["retention.bytes"]
		if !ms && !bytes {
			c.report(t.Pos, "topic "+name, `configs: {retention.ms: "1209600000"} (14 days), or the dead-letter block's configs`,
				"dead-letter topic %s sets no retention: it keeps the broker default (7 days), which may delete failures before anyone looks at them, or keep them forever if the default is -1", name)
		}
	})
}

func checkCompaction(c *topicChecker) {
	c.eachTopic(func(name string, t *kafkastate.Topic) {
		if !t.Keyed() || len(t.Events) != 1 || t.DeadLetterOf != "" {
			return
		}
		if _, set := t.Configs["cleanup.policy"]; set {
			return
		}
		c.report(t.Pos, "topic "+name, "configs: {cleanup.policy: compact} to keep the latest event per key, or cleanup.policy: delete to keep them all for the retention",
			"topic %s is keyed and carries one event type (%s): if each event is the entity's current state, compaction keeps the latest one per key forever; say which policy you mean", name, t.Events[0])
	})
}

func checkKeyedPartitions(c *topicChecker) {
	if c.in.Previous == nil {
		return
	}
	c.eachTopic(func(name string, t *kafkastate.Topic) {
		old, ok := c.in.Previous.Topics[name]
		if !ok || !t.Keyed() || t.Partitions <= old.Partitions {
			return
		}
		c.report(t.Pos, "topic "+name, fmt.Sprintf("keep partitions: %d, or create a new topic with %d partitions and move the producers and then the consumers to it", old.Partitions, t.Partitions),
			"topic %s is keyed and its partitions grow from %d to %d: keys map to other partitions afterwards, so a consumer may see a key's new events before its old ones", name, old.Partitions, t.Partitions)
	})
}

func checkTopicEvents(c *topicChecker) {
	c.eachTopic(func(name string, t *kafkastate.Topic) {
		if len(t.Events) > 0 || t.DeadLetterOf != "" {
			return
		}
		c.report(t.Pos, "topic "+name, "events: [namespace.EventType, ...]",
			"topic %s declares no event types: its subjects and consumers' expectations are unknown to avroctl", name)
	})
}

func checkEventTopics(c *topicChecker) {
	carried := map[string]bool{}
	for _, ev := range c.in.State.Events() {
		carried[ev.Type+"@"+ev.Topic] = true
	}
	for _, name := range slices.Sorted(maps.Keys(c.in.Events)) {
		topic := c.in.Events[name]
		if carried[name+"@"+topic] {
			continue
		}
		pos := schema.Position{Filename: c.in.State.File, Line: 1, Column: 1}
		if t, ok := c.types[name]; ok {
			pos = t.Names().Pos
		}
		c.report(pos, name, fmt.Sprintf("add %s to the events: of topic %s in %s", name, topic, c.in.State.File),
			"event type %s is published on topic %s (avroctl.yaml registry.topics), but the desired state's topic %s does not carry it", name, topic, topic)
	}
}
