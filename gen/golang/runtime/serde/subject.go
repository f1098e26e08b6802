package serde

import "fmt"

// SubjectNameStrategy decides the registry subject a type's schema is
// registered under, as Confluent's serializers do (the
// key.subject.name.strategy and value.subject.name.strategy settings).
type SubjectNameStrategy int

const (
	// TopicName is "<topic>-key" or "<topic>-value": one schema lineage
	// per topic, so a topic carries one record type. Confluent's default.
	TopicName SubjectNameStrategy = iota
	// RecordName is the record's Avro full name, whatever the topic: the
	// type evolves in one lineage shared by every topic it appears on.
	RecordName
	// TopicRecordName is "<topic>-<full name>": several record types on one
	// topic, each evolving separately per topic. avroctl.yaml's default.
	TopicRecordName
)

var strategyNames = [...]string{TopicName: "topic", RecordName: "record", TopicRecordName: "topic-record"}

// String returns the name avroctl.yaml uses: topic, record or topic-record.
func (s SubjectNameStrategy) String() string {
	if s >= 0 && int(s) < len(strategyNames) {
		return strategyNames[s]
	}
	return fmt.Sprintf("SubjectNameStrategy(%d)", int(s))
}

// ParseSubjectNameStrategy parses the names String returns, and the Java
// class names' short forms (TopicNameStrategy, RecordNameStrategy,
// TopicRecordNameStrategy).
func ParseSubjectNameStrategy(name string) (SubjectNameStrategy, error) {
	switch name {
	case "topic", "TopicNameStrategy":
		return TopicName, nil
	case "record", "RecordNameStrategy":
		return RecordName, nil
	case "topic-record", "TopicRecordNameStrategy":
		return TopicRecordName, nil
	}
	return 0, fmt.Errorf("serde: unknown subject name strategy %q: want topic, record or topic-record", name)
}

// Subject returns the subject for a record with Avro full name fullName on
// topic; isKey selects the key rather than the value. Strategies that use
// the topic need a non-empty topic.
func (s SubjectNameStrategy) Subject(topic, fullName string, isKey bool) (string, error) {
	switch s {
	case TopicName:
		if topic == "" {
			return "", fmt.Errorf("serde: the topic subject name strategy needs a topic")
		}
		if isKey {
			return topic + "-key", nil
		}
		return topic + "-value", nil
	case RecordName:
		return fullName, nil
	case TopicRecordName:
		if topic == "" {
			return "", fmt.Errorf("serde: the topic-record subject name strategy needs a topic")
		}
		return topic + "-" + fullName, nil
	}
	return "", fmt.Errorf("serde: unknown subject name strategy %d", int(s))
}
