package registry

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"gitlab.com/acme/avroctl/gen/schema"
)

// Strategy is a Confluent subject name strategy.
type Strategy string

// The subject name strategies.
const (
	TopicName       Strategy = "topic"        // <topic>-value / <topic>-key
	RecordName      Strategy = "record"       // <full.name>
	TopicRecordName Strategy = "topic-record" // <topic>-<full.name>
)

// AllStrategies lists the strategies, for flag help.
var AllStrategies = []Strategy{TopicName, RecordName, TopicRecordName}

// ParseStrategy reads a strategy name.
func ParseStrategy(s string) (Strategy, error) {
	for _, st := range AllStrategies {
		if string(st) == s {
			return st, nil
		}
	}
	return "", fmt.Errorf("unknown subject strategy %q (want topic, record or topic-record)", s)
}

// Topic maps a topic's key or value to a named type.
type Topic struct {
	Topic string
	Key   bool
	Type  string // full name
}

// ParseTopic reads TOPIC=full.Name, TOPIC:value=full.Name or
// TOPIC:key=full.Name.
func ParseTopic(s string) (Topic, error) {
	lhs, typ, ok := strings.Cut(s, "=")
	if !ok || lhs == "" || typ == "" {
		return Topic{}, fmt.Errorf("topic mapping %q: want TOPIC=full.Name or TOPIC:key=full.Name", s)
	}
	t := Topic{Topic: lhs, Type: typ}
	if name, part, ok := strings.Cut(lhs, ":"); ok {
		switch part {
		case "key":
			t.Key = true
		case "value":
		default:
			return Topic{}, fmt.Errorf("topic mapping %q: %q is neither key nor value", s, part)
		}
		t.Topic = name
	}
	return t, nil
}

// SubjectName names the subject of type fullName under strategy st.
func SubjectName(st Strategy, topic string, key bool, fullName string) string {
	switch st {
	case RecordName:
		return fullName
	case TopicRecordName:
		return topic + "-" + fullName
	}
	if key {
		return topic + "-key"
	}
	return topic + "-value"
}

// Item is one schema to register under one subject. Its Schema is the
// whole graph, named types inline; Plan decides which of those become
// references (the ones that are items of their own).
type Item struct {
	Subject string
	Schema  schema.NamedSchema
}

// LoadDir reads every .avsc file in dir, one named type per file (as
// idl2schemata writes them), in file name order.
func LoadDir(dir string) ([]schema.NamedSchema, error) {
	paths, err := filepath.Glob(filepath.Join(dir, "*.avsc"))
	if err != nil {
		return nil, err
	}
	if len(paths) == 0 {
		return nil, fmt.Errorf("%s: no .avsc files (want one <full.name>.avsc per named type)", dir)
	}
	sort.Strings(paths)
	var types []schema.NamedSchema
	var errs []string
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		// Each file stands alone: idl2schemata inlines what a type uses.
		s, err := schema.Parse(data, schema.ParseOptions{Filename: p})
		if err != nil {
			errs = append(errs, err.Error())
			continue
		}
		n, ok := s.(schema.NamedSchema)
		if !ok {
			errs = append(errs, fmt.Sprintf("%s:1:1: the file holds a %s, not a named type; registry subjects here are one record, enum or fixed per file", p, s.Type()))
			continue
		}
		types = append(types, n)
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("%s", strings.Join(errs, "\n"))
	}
	return types, nil
}

// Items maps a schema set to subjects. With the record strategy every type
// gets its own subject. With the topic strategies only the mapped types do,
// plus, under their full names, the types of the set they use (they become
// references).
func Items(types []schema.NamedSchema, st Strategy, topics []Topic) ([]Item, error) {
	byName := map[string]schema.NamedSchema{}
	for _, t := range types {
		byName[t.Names().FullName()] = t
	}
	if st == RecordName {
		items := make([]Item, 0, len(types))
		for _, t := range types {
			items = append(items, Item{Subject: t.Names().FullName(), Schema: t})
		}
		return items, nil
	}
	if len(topics) == 0 {
		return nil, fmt.Errorf("--strategy %s needs at least one --topic TOPIC=full.Name mapping", st)
	}
	var items []Item
	have := map[string]bool{}
	var addDeps func(t schema.NamedSchema)
	addDeps = func(t schema.NamedSchema) {
		for _, dep := range directRefs(t, func(n string) bool { return byName[n] != nil }) {
			if !have[dep] {
				have[dep] = true
				items = append(items, Item{Subject: dep, Schema: byName[dep]})
				addDeps(byName[dep])
			}
		}
	}
	for _, tp := range topics {
		t := byName[tp.Type]
		if t == nil {
			return nil, fmt.Errorf("topic %s: type %s is not in the schema set", tp.Topic, tp.Type)
		}
		subject := SubjectName(st, tp.Topic, tp.Key, tp.Type)
		if !have[subject] {
			have[subject] = true
			items = append(items, Item{Subject: subject, Schema: t})
		}
		addDeps(t)
	}
	return items, nil
}

// directRefs returns, in first-use order, the full names of the named types
// that root uses and isRef accepts, without looking inside them: those are
// the schema references of root. Other named types are walked through.
func directRefs(root schema.NamedSchema, isRef func(fullName string) bool) []string {
	var refs []string
	seen := map[string]bool{root.Names().FullName(): true}
	var walk func(s schema.Schema)
	walk = func(s schema.Schema) {
		switch s := s.(type) {
		case *schema.Record:
			if !visit(s, seen, isRef, &refs) {
				return
			}
			for _, f := range s.Fields {
				walk(f.Type)
			}
		case *schema.Enum:
			visit(s, seen, isRef, &refs)
		case *schema.Fixed:
			visit(s, seen, isRef, &refs)
		case *schema.Array:
			walk(s.Items)
		case *schema.Map:
			walk(s.Values)
		case *schema.Union:
			for _, b := range s.Branches {
				walk(b)
			}
		}
	}
	if r, ok := root.(*schema.Record); ok {
		for _, f := range r.Fields {
			walk(f.Type)
		}
	}
	return refs
}

// visit marks a named type seen; it reports whether to walk inside it.
func visit(n schema.NamedSchema, seen map[string]bool, isRef func(string) bool, refs *[]string) bool {
	full := n.Names().FullName()
	if seen[full] {
		return false
	}
	seen[full] = true
	if isRef(full) {
		*refs = append(*refs, full)
		return false
	}
	return true
}

// findNamed returns the node for full in root's graph.
func findNamed(root schema.Schema, full string) schema.NamedSchema {
	seen := map[schema.Schema]bool{}
	var found schema.NamedSchema
	var walk func(s schema.Schema)
	walk = func(s schema.Schema) {
		if found != nil || seen[s] {
			return
		}
		seen[s] = true
		switch s := s.(type) {
		case *schema.Record:
			if s.FullName() == full {
				found = s
				return
			}
			for _, f := range s.Fields {
				walk(f.Type)
			}
		case *schema.Enum:
			if s.FullName() == full {
				found = s
			}
		case *schema.Fixed:
			if s.FullName() == full {
				found = s
			}
		case *schema.Array:
			walk(s.Items)
		case *schema.Map:
			walk(s.Values)
		case *schema.Union:
			for _, b := range s.Branches {
				walk(b)
			}
		}
	}
	walk(root)
	return found
}
