package kafkaplan

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"gitlab.com/acme/avroctl/gen/kafkastate"
	"gitlab.com/acme/avroctl/gen/registry"
)

// ImportOptions tune Import.
type ImportOptions struct {
	// IgnorePrefixes add to kafkastate.DefaultIgnorePrefixes.
	IgnorePrefixes []string
	// Strategy is the subject name strategy that maps subjects back to
	// topics (avroctl.yaml's registry.strategy).
	Strategy registry.Strategy
}

// Import writes a state file from a live cluster (topics with the configs
// set on them, ACLs grouped into one application service per principal)
// and, when cls.Registry is set, the registry (subject levels, and the
// events of topics whose subjects the strategy names). Planning the file
// against the same cluster shows no change: Import checks that itself, and
// fails rather than write a file that would.
func Import(ctx context.Context, cls Clients, o ImportOptions) ([]byte, error) {
	ignore := append(slices.Clone(kafkastate.DefaultIgnorePrefixes), o.IgnorePrefixes...)
	skip := func(topic string) bool {
		for _, p := range ignore {
			if strings.HasPrefix(topic, p) {
				return true
			}
		}
		return false
	}
	c, err := ReadCluster(ctx, cls.Kafka, skip)
	if err != nil {
		return nil, err
	}
	doc := newMap()
	if len(o.IgnorePrefixes) > 0 {
		settings := newMap()
		topics := newMap()
		bl := newMap()
		put(bl, "prefixed", strList(o.IgnorePrefixes))
		put(topics, "ignoreList", bl)
		put(settings, "topics", topics)
		put(doc, "settings", settings)
	}
	topics := newMap()
	var events map[string]*topicEvents
	if cls.Registry != nil {
		if events, err = importEvents(ctx, cls, o.Strategy, c); err != nil {
			return nil, err
		}
	}
	for _, name := range slices.Sorted(maps.Keys(c.Topics)) {
		t := c.Topics[name]
		tm := newMap()
		put(tm, "partitions", scalar(itoa(t.Partitions)))
		put(tm, "replication", scalar(itoa(t.Replication)))
		if ev := events[name]; ev != nil {
			if ev.key != "" {
				put(tm, "key", scalar(ev.key))
			}
			if len(ev.values) > 0 {
				put(tm, "events", strList(ev.values))
			}
		}
		cfgs := newMap()
		for _, k := range slices.Sorted(maps.Keys(t.Configs)) {
			if v := t.Configs[k]; v.Dynamic {
				put(cfgs, k, str(v.Value))
			}
		}
		if len(cfgs.Content) > 0 {
			put(tm, "configs", cfgs)
		}
		put(topics, name, tm)
	}
	put(doc, "topics", topics)
	services, custom := importServices(c.ACLs)
	if len(services.Content) > 0 {
		put(doc, "services", services)
	}
	if len(custom.Content) > 0 {
		put(doc, "customServiceAcls", custom)
	}
	if cls.Registry != nil {
		subjects, err := importSubjects(ctx, cls)
		if err != nil {
			return nil, err
		}
		if len(subjects.Content) > 0 {
			put(doc, "subjects", subjects)
		}
	}
	var buf bytes.Buffer
	buf.WriteString("# Desired state imported from the cluster by 'avroctl kafka import'.\n")
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(doc); err != nil {
		return nil, err
	}
	enc.Close()
	out := buf.Bytes()
	return out, selfCheck(out, c)
}

// selfCheck parses the imported file and compares what it derives with
// the cluster it came from.
func selfCheck(out []byte, c *Cluster) error {
	st, err := kafkastate.Parse("imported state", out, nil)
	if err != nil {
		return fmt.Errorf("import wrote a state it cannot read (a bug): %w", err)
	}
	p := &Plan{}
	p.planTopics(st, c)
	p.planACLs(st, c)
	if p.Changes() > 0 || len(p.Problems) > 0 {
		var diff bytes.Buffer
		p.WriteText(&diff)
		return fmt.Errorf("the imported state does not describe the cluster exactly (a bug; the file was not written):\n%s", diff.String())
	}
	return nil
}

var nameRx = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// importServices groups ACLs into one application service per principal:
// literal WRITEs are what it produces, literal READs what it consumes (when
// it may read a group, which becomes its group-id); every other ACL is
// kept as a custom ACL of the service.
func importServices(acls []kafkastate.ACL) (services, custom *yaml.Node) {
	services, custom = newMap(), newMap()
	byPrincipal := map[string][]kafkastate.ACL{}
	for _, a := range acls {
		byPrincipal[a.Principal] = append(byPrincipal[a.Principal], a)
	}
	used := map[string]bool{}
	for _, principal := range slices.Sorted(maps.Keys(byPrincipal)) {
		_, base, _ := strings.Cut(principal, ":")
		name := strings.Trim(nameRx.ReplaceAllString(base, "-"), "-")
		if name == "" {
			name = "principal"
		}
		for i := 2; used[name]; i++ {
			name = fmt.Sprintf("%s-%d", strings.TrimSuffix(name, fmt.Sprintf("-%d", i-1)), i)
		}
		used[name] = true
		simple := func(a kafkastate.ACL, typ, op string) bool {
			return a.ResourceType == typ && a.Operation == op && a.Pattern == "LITERAL" && a.Host == "*" && a.Permission == "ALLOW" &&
				kafkastate.TopicNameError(a.ResourceName) == ""
		}
		var produces, consumes, groups []string
		for _, a := range byPrincipal[principal] {
			switch {
			case simple(a, "TOPIC", "WRITE"):
				produces = append(produces, a.ResourceName)
			case simple(a, "TOPIC", "READ"):
				consumes = append(consumes, a.ResourceName)
			case simple(a, "GROUP", "READ"):
				groups = append(groups, a.ResourceName)
			}
		}
		group := ""
		if len(consumes) > 0 && len(groups) > 0 {
			group = groups[0]
			if slices.Contains(groups, name) {
				group = name
			}
		}
		svc := newMap()
		put(svc, "type", scalar(kafkastate.Application))
		put(svc, "principal", str(principal))
		if group != "" && group != name {
			put(svc, "group-id", str(group))
		}
		if len(produces) > 0 {
			put(svc, "produces", strList(produces))
		}
		if group != "" {
			put(svc, "consumes", strList(consumes))
		}
		put(services, name, svc)
		mine := newMap()
		n := 0
		for _, a := range byPrincipal[principal] {
			switch {
			case simple(a, "TOPIC", "WRITE"):
				continue
			case group != "" && (simple(a, "TOPIC", "READ") || simple(a, "GROUP", "READ") && a.ResourceName == group):
				continue
			}
			n++
			m := newMap()
			put(m, "name", str(a.ResourceName))
			put(m, "type", scalar(a.ResourceType))
			put(m, "pattern", scalar(a.Pattern))
			put(m, "host", str(a.Host))
			put(m, "principal", str(a.Principal))
			put(m, "operation", scalar(a.Operation))
			put(m, "permission", scalar(a.Permission))
			put(mine, fmt.Sprintf("%s-%d", strings.ToLower(a.Operation), n), m)
		}
		if n > 0 {
			put(custom, name, mine)
		}
	}
	return services, custom
}

// topicEvents are the record types found in the registry for a topic.
type topicEvents struct {
	key    string
	values []string
	// subjects are the subjects they were found under.
	subjects []string
}

// importEvents maps subjects back to topics with the strategy: topic
// (<topic>-value, <topic>-key) and topic-record (<topic>-<full.Name>).
func importEvents(ctx context.Context, cls Clients, strategy registry.Strategy, c *Cluster) (map[string]*topicEvents, error) {
	out := map[string]*topicEvents{}
	if strategy == registry.RecordName {
		return out, nil // record names say nothing about topics
	}
	subjects, err := registry.Subjects(ctx, cls.Registry, false)
	if err != nil {
		return nil, fmt.Errorf("list subjects: %w", err)
	}
	for _, subject := range subjects {
		topic, key, fullName := "", false, ""
		switch strategy {
		case registry.TopicName:
			for _, suffix := range []string{"-value", "-key"} {
				if t, ok := strings.CutSuffix(subject, suffix); ok && c.Topics[t] != nil {
					topic, key = t, suffix == "-key"
				}
			}
		case registry.TopicRecordName:
			// The longest topic that prefixes the subject.
			for name := range c.Topics {
				if strings.HasPrefix(subject, name+"-") && len(name) > len(topic) {
					topic, fullName = name, subject[len(name)+1:]
				}
			}
		}
		if topic == "" {
			continue
		}
		ss, err := cls.Registry.SchemaByVersion(ctx, subject, -1)
		if err != nil {
			return nil, fmt.Errorf("latest schema of %s: %w", subject, err)
		}
		var head struct{ Type, Name, Namespace string }
		if json.Unmarshal([]byte(ss.Schema.Schema), &head) != nil || head.Type != "record" || head.Name == "" {
			continue // not a record: not an event
		}
		name := head.Name
		if head.Namespace != "" && !strings.Contains(name, ".") {
			name = head.Namespace + "." + name
		}
		if fullName != "" && fullName != name {
			continue
		}
		ev := out[topic]
		if ev == nil {
			ev = &topicEvents{}
			out[topic] = ev
		}
		if key {
			ev.key = name
		} else if !slices.Contains(ev.values, name) {
			ev.values = append(ev.values, name)
		}
		ev.subjects = append(ev.subjects, subject)
	}
	return out, nil
}

// importSubjects writes the level of every subject that has one of its own.
func importSubjects(ctx context.Context, cls Clients) (*yaml.Node, error) {
	subjects, err := registry.Subjects(ctx, cls.Registry, false)
	if err != nil {
		return nil, fmt.Errorf("list subjects: %w", err)
	}
	out := newMap()
	for _, s := range subjects {
		cfg, err := registry.GetConfig(ctx, cls.Registry, s)
		if err != nil {
			return nil, fmt.Errorf("compatibility of %s: %w", s, err)
		}
		if cfg.Inherited {
			continue
		}
		m := newMap()
		put(m, "compatibility", scalar(cfg.Level))
		put(out, s, m)
	}
	return out, nil
}

func newMap() *yaml.Node { return &yaml.Node{Kind: yaml.MappingNode} }

// put adds key: v to the mapping m.
func put(m *yaml.Node, key string, v *yaml.Node) {
	m.Content = append(m.Content, str(key), v)
}

func scalar(s string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Value: s} }

// str is a string scalar, quoted when it would read back as another type.
func str(s string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s}
}

func strList(ss []string) *yaml.Node {
	n := &yaml.Node{Kind: yaml.SequenceNode}
	for _, s := range ss {
		n.Content = append(n.Content, str(s))
	}
	return n
}
