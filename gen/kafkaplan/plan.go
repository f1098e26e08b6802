package kafkaplan

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
	"github.com/twmb/franz-go/pkg/sr"

	"gitlab.com/acme/avroctl/gen/kafkastate"
	"gitlab.com/acme/avroctl/gen/registry"
	"gitlab.com/acme/avroctl/gen/schema"
)

// Action is what a change does.
type Action string

// The actions.
const (
	Create Action = "create"
	Update Action = "update"
	Delete Action = "delete"
)

// Plan is the difference between the desired state and the cluster.
type Plan struct {
	// Version of the plan file format.
	Version int `json:"version"`
	// State is the state file the plan was made from.
	State string `json:"state"`
	// Fingerprint identifies the cluster and registry the plan was made
	// against; apply --plan refuses another.
	Fingerprint string          `json:"fingerprint"`
	Topics      []TopicChange   `json:"topics"`
	ACLs        []ACLChange     `json:"acls"`
	Subjects    []SubjectChange `json:"subjects"`
	Schemas     []SchemaChange  `json:"schemas"`
	// Problems make the plan impossible to apply: an incompatible schema,
	// a partition decrease, a change the broker refuses.
	Problems []Problem `json:"problems,omitempty"`

	steps *registry.RegisterPlan
}

// PlanVersion is the plan file format's version.
const PlanVersion = 1

// TopicChange creates, updates or deletes a topic.
type TopicChange struct {
	Action      Action         `json:"action"`
	Topic       string         `json:"topic"`
	Partitions  *IntChange     `json:"partitions,omitempty"`
	Replication *IntChange     `json:"replication,omitempty"`
	Configs     []ConfigChange `json:"configs,omitempty"`
	// Assignment is the replica list of each partition after a
	// replication change.
	Assignment [][]int32 `json:"assignment,omitempty"`
	// Keyed is set on a partition increase of a topic with a key: its
	// keys map to other partitions afterwards.
	Keyed bool `json:"keyed,omitempty"`
}

// IntChange is a number's current and desired value (From 0: new).
type IntChange struct {
	From int `json:"from,omitempty"`
	To   int `json:"to"`
}

// ConfigChange sets a topic config. The state never removes a config it
// does not mention.
type ConfigChange struct {
	Key string `json:"key"`
	// From is the current value, with Default set when the topic inherits
	// it from the brokers.
	From    string `json:"from,omitempty"`
	Default bool   `json:"default,omitempty"`
	To      string `json:"to"`
}

// ACLChange creates or deletes an ACL binding.
type ACLChange struct {
	Action Action `json:"action"`
	kafkastate.ACL
}

// SubjectChange sets a subject's compatibility level.
type SubjectChange struct {
	Subject string `json:"subject"`
	From    string `json:"from,omitempty"`
	// Inherited is set when the subject has no level of its own yet.
	Inherited bool   `json:"inherited,omitempty"`
	To        string `json:"to"`
}

// SchemaChange registers a schema.
type SchemaChange struct {
	Subject string          `json:"subject"`
	Type    string          `json:"type"`
	Action  registry.Action `json:"action"`
	// Level is the level the new version was checked at.
	Level      string `json:"level,omitempty"`
	Compatible bool   `json:"compatible"`
	// Findings explain an incompatibility, located in the local files.
	Findings []string `json:"findings,omitempty"`
	// Resolver lists RESOLVER_REJECTS findings of a compatible version:
	// the registry accepts it, a consumer's resolving reader cannot read
	// it. ResolverCheck says whether they block the plan (error) or not (warn).
	Resolver      []string      `json:"resolver,omitempty"`
	ResolverCheck ResolverCheck `json:"resolver_check,omitempty"`
}

// Problem blocks a plan.
type Problem struct {
	// Where is a file position or the resource concerned.
	Where string `json:"where,omitempty"`
	// Topic is the topic concerned, if any.
	Topic   string `json:"topic,omitempty"`
	Message string `json:"message"`
	// Pos locates the problem in the state or schema files, when it can.
	Pos schema.Position `json:"-"`
}

func (p Problem) String() string {
	if p.Where == "" {
		return p.Message
	}
	return p.Where + ": " + p.Message
}

// Changes counts the changes of the plan.
func (p *Plan) Changes() int {
	return len(p.Topics) + len(p.ACLs) + len(p.Subjects) + len(p.Schemas)
}

// Deletes counts the deletions of the plan.
func (p *Plan) Deletes() int {
	n := 0
	for _, t := range p.Topics {
		if t.Action == Delete {
			n++
		}
	}
	for _, a := range p.ACLs {
		if a.Action == Delete {
			n++
		}
	}
	return n
}

// Input is the desired side of a plan.
type Input struct {
	State *kafkastate.State
	// Items are the schemas the state's events need, with their subjects
	// (registry.Items over the schema set and the state's events).
	Items []registry.Item
	// DefaultLevel is the compatibility level of subjects the state does
	// not give one (avroctl.yaml's registry.compatibility; "" leaves them).
	DefaultLevel string
	// Resolver says what a RESOLVER_REJECTS finding on a new version does
	// (zero value: error, it blocks the plan).
	Resolver ResolverCheck
}

// Clients reach the cluster and the registry. Registry may be nil when
// the state has no events and no subjects.
type Clients struct {
	Kafka    *kgo.Client
	Registry *sr.Client
}

// Make reads the cluster and the registry and computes the plan, with the
// broker's validate-only calls and local compatibility checks. It returns
// an error when it cannot read; problems of the plan are in Problems.
func Make(ctx context.Context, cls Clients, in Input) (*Plan, error) {
	st := in.State
	cluster, err := ReadCluster(ctx, cls.Kafka, st.Ignored)
	if err != nil {
		return nil, err
	}
	p := &Plan{Version: PlanVersion, State: st.File, Topics: []TopicChange{}, ACLs: []ACLChange{},
		Subjects: []SubjectChange{}, Schemas: []SchemaChange{}}
	p.planTopics(st, cluster)
	p.planACLs(st, cluster)
	subjects, err := p.planRegistry(ctx, cls.Registry, in)
	if err != nil {
		return nil, err
	}
	p.Fingerprint = Fingerprint(cluster, subjects)
	if err := p.validate(ctx, cls.Kafka); err != nil {
		return nil, err
	}
	return p, nil
}

func (p *Plan) problem(where, topic, format string, args ...any) {
	p.Problems = append(p.Problems, Problem{Where: where, Topic: topic, Message: fmt.Sprintf(format, args...)})
}

// problemAt records a problem located in a file.
func (p *Plan) problemAt(pos schema.Position, topic, format string, args ...any) {
	p.problem(pos.String(), topic, format, args...)
	p.Problems[len(p.Problems)-1].Pos = pos
}

// hasProblem reports whether topic already has a problem, so that the
// broker's refusal of the same change is not listed twice.
func (p *Plan) hasProblem(topic string) bool {
	for _, pr := range p.Problems {
		if pr.Topic == topic {
			return true
		}
	}
	return false
}

func (p *Plan) planTopics(st *kafkastate.State, c *Cluster) {
	for _, name := range st.TopicNames() {
		want := st.Topics[name]
		have, ok := c.Topics[name]
		if !ok {
			tc := TopicChange{Action: Create, Topic: name, Partitions: &IntChange{To: want.Partitions},
				Replication: &IntChange{To: want.Replication}}
			for _, k := range slices.Sorted(maps.Keys(want.Configs)) {
				tc.Configs = append(tc.Configs, ConfigChange{Key: k, To: want.Configs[k]})
			}
			if want.Replication > len(c.Brokers) {
				p.problemAt(want.Pos, name, "topic %s: replication %d needs %d brokers; the cluster has %d", name, want.Replication, want.Replication, len(c.Brokers))
			}
			p.Topics = append(p.Topics, tc)
			continue
		}
		tc := TopicChange{Action: Update, Topic: name}
		switch {
		case want.Partitions < have.Partitions:
			p.problemAt(want.Pos, name, "topic %s: the state asks for %d partitions, the topic has %d; Kafka cannot remove partitions "+
				"(their records would be lost, and keys would map to other partitions); keep partitions: %d, or create a new topic and migrate to it",
				name, want.Partitions, have.Partitions, have.Partitions)
		case want.Partitions > have.Partitions:
			tc.Partitions = &IntChange{From: have.Partitions, To: want.Partitions}
			tc.Keyed = want.Keyed()
		}
		if want.Replication != have.Replication {
			if want.Replication > len(c.Brokers) {
				p.problemAt(want.Pos, name, "topic %s: replication %d needs %d brokers; the cluster has %d", name, want.Replication, want.Replication, len(c.Brokers))
			} else {
				tc.Replication = &IntChange{From: have.Replication, To: want.Replication}
				tc.Assignment = reassign(have.Replicas, want.Replication, c.Brokers)
			}
		}
		for _, k := range slices.Sorted(maps.Keys(want.Configs)) {
			cur, ok := have.Configs[k]
			if ok && strings.TrimSpace(cur.Value) == strings.TrimSpace(want.Configs[k]) {
				continue
			}
			tc.Configs = append(tc.Configs, ConfigChange{Key: k, From: cur.Value, Default: ok && !cur.Dynamic, To: want.Configs[k]})
		}
		if tc.Partitions != nil || tc.Replication != nil || len(tc.Configs) > 0 {
			p.Topics = append(p.Topics, tc)
		}
	}
	for _, name := range slices.Sorted(maps.Keys(c.Topics)) {
		if _, declared := st.Topics[name]; !declared {
			p.Topics = append(p.Topics, TopicChange{Action: Delete, Topic: name})
		}
	}
}

// reassign computes replica lists with n replicas per partition: the
// current replicas stay in order (the leader first), and new ones go to
// the brokers holding the fewest replicas of the topic.
func reassign(current [][]int32, n int, brokers []int32) [][]int32 {
	load := map[int32]int{}
	for _, rs := range current {
		for _, b := range rs {
			load[b]++
		}
	}
	out := make([][]int32, len(current))
	for i, rs := range current {
		if len(rs) >= n {
			out[i] = slices.Clone(rs[:n])
			continue
		}
		next := slices.Clone(rs)
		for len(next) < n {
			var best int32 = -1
			for _, b := range brokers {
				if slices.Contains(next, b) {
					continue
				}
				if best < 0 || load[b] < load[best] {
					best = b
				}
			}
			if best < 0 {
				break
			}
			load[best]++
			next = append(next, best)
		}
		out[i] = next
	}
	return out
}

func (p *Plan) planACLs(st *kafkastate.State, c *Cluster) {
	want := st.ACLs()
	if c.NoAuthorizer {
		if len(want) > 0 {
			p.problemAt(want[0].Pos, "", "the state derives %d ACLs, but the brokers run without an authorizer (authorizer.class.name), so they hold none and refuse to create any; "+
				"turn the authorizer on (KRaft: org.apache.kafka.metadata.authorizer.StandardAuthorizer), or remove the services and users from the state", len(want))
		}
		return
	}
	have := map[string]bool{}
	for _, a := range c.ACLs {
		have[a.Key()] = true
	}
	wanted := map[string]bool{}
	for _, a := range want {
		wanted[a.Key()] = true
		if !have[a.Key()] {
			p.ACLs = append(p.ACLs, ACLChange{Action: Create, ACL: a})
		}
	}
	for _, a := range c.ACLs {
		if !wanted[a.Key()] {
			p.ACLs = append(p.ACLs, ACLChange{Action: Delete, ACL: a})
		}
	}
}

// planRegistry plans subject levels and registrations, and checks each
// new version locally at the level the subject will have.
func (p *Plan) planRegistry(ctx context.Context, cl *sr.Client, in Input) ([]SubjectState, error) {
	levels := map[string]string{}
	for _, it := range in.Items {
		if _, ok := levels[it.Subject]; !ok {
			levels[it.Subject] = in.DefaultLevel
		}
	}
	for name, s := range in.State.Subjects {
		levels[name] = s.Compatibility
	}
	if len(levels) == 0 {
		return nil, nil
	}
	if cl == nil {
		return nil, fmt.Errorf("the state names subjects, so the plan needs a registry (--url or $%s)", registry.EnvURL)
	}
	var states []SubjectState
	current := map[string]string{}
	for _, subject := range slices.Sorted(maps.Keys(levels)) {
		cur, err := registry.GetConfig(ctx, cl, subject)
		if err != nil {
			return nil, fmt.Errorf("compatibility of %s: %w", subject, err)
		}
		ss := SubjectState{Subject: subject, Level: cur.Level, Inherited: cur.Inherited}
		current[subject] = cur.Level
		versions, err := cl.Schemas(ctx, subject)
		if err != nil && registry.ErrorCode(err) != 40401 {
			return nil, fmt.Errorf("versions of %s: %w", subject, err)
		}
		for _, v := range versions {
			ss.Versions = append(ss.Versions, v.ID)
		}
		states = append(states, ss)
		if want := levels[subject]; want != "" && (cur.Inherited || cur.Level != want) {
			p.Subjects = append(p.Subjects, SubjectChange{Subject: subject, From: cur.Level, Inherited: cur.Inherited, To: want})
		}
	}
	if len(in.Items) == 0 {
		return states, nil
	}
	steps, err := registry.Plan(ctx, cl, in.Items, registry.PlanOptions{})
	if err != nil {
		return nil, err
	}
	p.steps = steps
	for _, step := range steps.Steps {
		if step.Action == registry.Unchanged {
			continue
		}
		sc := SchemaChange{Subject: step.Subject, Type: step.Type, Action: step.Action, Compatible: true}
		if step.Action == registry.NewVersion {
			// The level the subject will have: the state's, else the
			// registry's current one.
			level := cmp.Or(levels[step.Subject], current[step.Subject])
			sc.Level = level
			res, err := registry.CheckLocal(ctx, cl, step, level)
			if err != nil {
				return nil, err
			}
			sc.Compatible = res.Compatible
			for _, inc := range res.Sorted() {
				sc.Findings = append(sc.Findings, inc.String())
			}
			if res.Err != nil {
				sc.Findings = append(sc.Findings, res.Err.Error())
			}
			if !sc.Compatible {
				p.problemAt(step.Pos, "", "%s is not %s compatible with the versions registered under %s; the registry would refuse it",
					step.Type, level, step.Subject)
			}
			if err := p.checkResolver(ctx, cl, in, step, &sc); err != nil {
				return nil, err
			}
		}
		p.Schemas = append(p.Schemas, sc)
	}
	return states, nil
}

// validate asks the brokers whether they would accept the topic changes,
// without making them.
func (p *Plan) validate(ctx context.Context, cl *kgo.Client) error {
	create, parts, alter := topicRequests(p.Topics, true)
	if len(create.Topics) > 0 {
		resp, err := create.RequestWith(ctx, cl)
		if err != nil {
			return fmt.Errorf("validate topic creation: %w", err)
		}
		for _, t := range resp.Topics {
			if err := kerr.ErrorForCode(t.ErrorCode); err != nil && !p.hasProblem(t.Topic) {
				p.problem("topic "+t.Topic, t.Topic, "the broker would refuse to create it: %v%s", err, msg(t.ErrorMessage))
			}
		}
	}
	if len(parts.Topics) > 0 {
		resp, err := parts.RequestWith(ctx, cl)
		if err != nil {
			return fmt.Errorf("validate partition increase: %w", err)
		}
		for _, t := range resp.Topics {
			if err := kerr.ErrorForCode(t.ErrorCode); err != nil && !p.hasProblem(t.Topic) {
				p.problem("topic "+t.Topic, t.Topic, "the broker would refuse the partition increase: %v%s", err, msg(t.ErrorMessage))
			}
		}
	}
	if len(alter.Resources) > 0 {
		resp, err := alter.RequestWith(ctx, cl)
		if err != nil {
			return fmt.Errorf("validate config changes: %w", err)
		}
		for _, r := range resp.Resources {
			if err := kerr.ErrorForCode(r.ErrorCode); err != nil && !p.hasProblem(r.ResourceName) {
				p.problem("topic "+r.ResourceName, r.ResourceName, "the broker would refuse the config change: %v%s", err, msg(r.ErrorMessage))
			}
		}
	}
	return nil
}

// topicRequests builds the requests that create topics, add partitions
// and set configs; validateOnly makes the brokers check them only.
func topicRequests(changes []TopicChange, validateOnly bool) (*kmsg.CreateTopicsRequest, *kmsg.CreatePartitionsRequest, *kmsg.IncrementalAlterConfigsRequest) {
	create := kmsg.NewPtrCreateTopicsRequest()
	create.ValidateOnly, create.TimeoutMillis = validateOnly, 60000
	parts := kmsg.NewPtrCreatePartitionsRequest()
	parts.ValidateOnly, parts.TimeoutMillis = validateOnly, 60000
	alter := kmsg.NewPtrIncrementalAlterConfigsRequest()
	alter.ValidateOnly = validateOnly
	for _, tc := range changes {
		switch tc.Action {
		case Create:
			create.Topics = append(create.Topics, createTopic(tc))
		case Update:
			if tc.Partitions != nil {
				t := kmsg.NewCreatePartitionsRequestTopic()
				t.Topic, t.Count = tc.Topic, int32(tc.Partitions.To)
				parts.Topics = append(parts.Topics, t)
			}
			if len(tc.Configs) > 0 {
				alter.Resources = append(alter.Resources, alterResource(tc))
			}
		}
	}
	return create, parts, alter
}

func createTopic(tc TopicChange) kmsg.CreateTopicsRequestTopic {
	t := kmsg.NewCreateTopicsRequestTopic()
	t.Topic = tc.Topic
	t.NumPartitions = int32(tc.Partitions.To)
	t.ReplicationFactor = int16(tc.Replication.To)
	for _, c := range tc.Configs {
		cfg := kmsg.NewCreateTopicsRequestTopicConfig()
		cfg.Name, cfg.Value = c.Key, kmsg.StringPtr(c.To)
		t.Configs = append(t.Configs, cfg)
	}
	return t
}

func alterResource(tc TopicChange) kmsg.IncrementalAlterConfigsRequestResource {
	r := kmsg.NewIncrementalAlterConfigsRequestResource()
	r.ResourceType = kmsg.ConfigResourceTypeTopic
	r.ResourceName = tc.Topic
	for _, c := range tc.Configs {
		cfg := kmsg.NewIncrementalAlterConfigsRequestResourceConfig()
		cfg.Name, cfg.Op, cfg.Value = c.Key, kmsg.IncrementalAlterConfigOpSet, kmsg.StringPtr(c.To)
		r.Configs = append(r.Configs, cfg)
	}
	return r
}
