// Package kafkastate reads the desired state of a Kafka cluster: topics,
// the services and users that use them (from which ACLs are derived),
// custom ACLs, and avroctl's additions (the event types a topic carries,
// subject compatibility levels, dead-letter and retry topics).
//
// The format is kafka-gitops's desired state file, read unchanged, so a
// team moving off kafka-gitops keeps its file and gets the same ACLs. The
// additions are optional keys that kafka-gitops does not know; a file that
// uses them is an avroctl file. Every error is located (file:line:col).
package kafkastate

import (
	"maps"
	"slices"

	"gitlab.com/acme/avroctl/gen/schema"
)

// State is a desired state file, with kafka-gitops's defaults applied and
// our additions validated.
type State struct {
	// File is the path the state was read from.
	File     string
	Settings Settings
	// Topics by name.
	Topics map[string]*Topic
	// Services by name (kafka-gitops: application, kafka-connect,
	// kafka-streams).
	Services map[string]*Service
	// Users by name, with kafka-gitops's roles.
	Users map[string]*User
	// CustomServiceACLs and CustomUserACLs: owner name -> ACL name -> ACL.
	CustomServiceACLs map[string]map[string]*CustomACL
	CustomUserACLs    map[string]map[string]*CustomACL
	// Subjects is an avroctl addition: subject -> settings.
	Subjects map[string]*Subject
}

// Settings is the `settings:` block.
type Settings struct {
	// CCloud is kafka-gitops's Confluent Cloud switch (settings.ccloud.enabled).
	CCloud bool
	// DefaultReplication is settings.topics.defaults.replication (0: unset).
	DefaultReplication int
	// DefaultPartitions is an avroctl addition:
	// settings.topics.defaults.partitions (0: unset).
	DefaultPartitions int
	// IgnorePrefixes are the topic prefixes never deleted nor listed as
	// drift: settings.topics.blacklist.prefixed (kafka-gitops's name) and
	// settings.topics.ignoreList.prefixed, plus the defaults and every
	// kafka-streams application id (their internal topics).
	IgnorePrefixes []string
	// DescribeACLs is settings.services.acls.describeTopicEnabled: derive a
	// DESCRIBE ACL for every topic a service uses, as kafka-gitops does.
	DescribeACLs bool
	// DeadLetter holds the naming of dead-letter and retry topics (an
	// avroctl addition: settings.deadLetter).
	DeadLetter DeadLetterNaming
}

// DefaultIgnorePrefixes are never touched, whatever the file says: the
// cluster's internal topics and Kafka Connect's.
var DefaultIgnorePrefixes = []string{"_", "__consumer_offsets", "connect-"}

// DeadLetterNaming says how dead-letter and retry topics are named, as
// avroctl's Kafka runtime names them: <topic>-<group>-retry-0 ...
// <topic>-<group>-retry-N-1 (a retry topic is the group's own queue: no
// other group handles its failures), then <topic>-dlt (Spring Kafka's
// default suffix).
type DeadLetterNaming struct {
	DLTSuffix   string // default "-dlt"
	RetrySuffix string // default "-retry"; the attempt index follows it
}

// Topic is one topic's desired state.
type Topic struct {
	Name        string
	Partitions  int
	Replication int
	// Configs are the topic configs the state manages; the others are left
	// as they are on the cluster.
	Configs map[string]string
	// Events are the record types published as values (avroctl addition).
	Events []string
	// Key is the key's type (avroctl addition): a record full name, or a
	// primitive ("string", "long", ...) for keys not in the registry.
	Key string
	// DeadLetterOf is set on a topic avroctl derived: the topic it takes
	// the failures of.
	DeadLetterOf string
	// Derived is set on a topic that only a dead-letter block declares.
	Derived bool
	// Pos is where the topic is declared (for a derived topic, the
	// consumer's dead-letter declaration).
	Pos schema.Position
	// ConfigPos locates each config value.
	ConfigPos map[string]schema.Position
	// EventPos locates each entry of Events.
	EventPos []schema.Position
}

// Keyed reports whether the topic declares a key.
func (t *Topic) Keyed() bool { return t.Key != "" }

// Service kinds.
const (
	Application  = "application"
	KafkaConnect = "kafka-connect"
	KafkaStreams = "kafka-streams"
)

// Service is one kafka-gitops service.
type Service struct {
	Name      string
	Type      string
	Principal string
	// GroupID of an application or a Connect cluster (default: the name).
	GroupID string
	// ApplicationID of a kafka-streams service (default: the name).
	ApplicationID string
	Produces      []string
	Consumes      []string
	// StorageTopics of a kafka-connect service.
	StorageTopics ConnectStorageTopics
	Connectors    map[string]*Connector
	// DeadLetter is an avroctl addition for consumers.
	DeadLetter *DeadLetter
	Pos        schema.Position
	// TopicPos locates each produced or consumed topic name.
	TopicPos map[string]schema.Position
}

// ConnectStorageTopics names a Connect cluster's internal topics; empty
// names default to connect-{configs,offsets,status}-<service>.
type ConnectStorageTopics struct{ Config, Offset, Status string }

// Connector is one connector of a kafka-connect service.
type Connector struct {
	Produces, Consumes []string
}

// DeadLetter declares a consumer's retry and dead-letter topics.
type DeadLetter struct {
	// Retries is the number of retry topics (0: only a dead-letter topic).
	Retries int
	// Configs are applied to the derived topics (retention.ms for one).
	Configs map[string]string
	Pos     schema.Position
}

// User is one kafka-gitops user.
type User struct {
	Name      string
	Principal string
	Roles     []string
	Pos       schema.Position
}

// CustomACL is an ACL written out in the file.
type CustomACL struct {
	Name       string // resource name
	Type       string // TOPIC, GROUP, CLUSTER, TRANSACTIONAL_ID
	Pattern    string // LITERAL, PREFIXED
	Host       string
	Principal  string // may be empty for a user's: the user's principal
	Operation  string
	Permission string // ALLOW, DENY
	Pos        schema.Position
}

// Subject is an avroctl addition: a subject's desired settings.
type Subject struct {
	Compatibility string
	Pos           schema.Position
}

// TopicNames returns the topic names, sorted.
func (s *State) TopicNames() []string { return slices.Sorted(maps.Keys(s.Topics)) }

// Ignored reports whether a topic the state does not declare must be left
// alone.
func (s *State) Ignored(topic string) bool {
	if _, ok := s.Topics[topic]; ok {
		return false
	}
	for _, p := range s.Settings.IgnorePrefixes {
		if len(topic) >= len(p) && topic[:len(p)] == p {
			return true
		}
	}
	return false
}
