// Package kafkaplan compares a desired state (gen/kafkastate) with a live
// cluster and Schema Registry, and applies the difference: topics,
// partitions, topic configs, replication, ACLs, subject compatibility and
// schema registrations, in one plan.
//
// The plan is computed without writing: the broker's validate-only calls
// and gen/compat's local verdicts run first, so a plan that would fail
// halfway fails before anything is touched. Apply runs in the order
// topics, subject config, schemas, ACLs; every step is idempotent, so a
// failed apply is fixed and re-run until it converges.
package kafkaplan

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"gitlab.com/acme/avroctl/gen/kafkastate"
)

// Cluster is what the plan reads from Kafka.
type Cluster struct {
	Brokers []int32                `json:"brokers"`
	Topics  map[string]*TopicState `json:"topics"`
	ACLs    []kafkastate.ACL       `json:"acls"`
	// NoAuthorizer is set when the brokers run without an authorizer:
	// they hold no ACLs and refuse to create any.
	NoAuthorizer bool `json:"no_authorizer,omitempty"`
}

// TopicState is one topic on the cluster.
type TopicState struct {
	Partitions  int `json:"partitions"`
	Replication int `json:"replication"`
	// Replicas by partition, leader first.
	Replicas [][]int32 `json:"replicas"`
	// Configs are the topic's configs; Dynamic ones are set on the topic,
	// the others come from broker defaults.
	Configs map[string]ConfigValue `json:"configs"`
}

// ConfigValue is a topic config's value and where it comes from.
type ConfigValue struct {
	Value   string `json:"value"`
	Dynamic bool   `json:"dynamic,omitempty"`
}

// ReadCluster reads brokers, topics (with configs) and ACLs. Topics that
// skip reports true for (ignored prefixes) are left out, and so are the
// ACLs on them.
func ReadCluster(ctx context.Context, cl *kgo.Client, skip func(topic string) bool) (*Cluster, error) {
	adm := kadm.NewClient(cl)
	c := &Cluster{Topics: map[string]*TopicState{}}
	// A metadata request of our own: kadm's listing may answer from the
	// client's metadata cache, which misses a topic created a moment ago.
	req := kmsg.NewPtrMetadataRequest()
	resp, err := req.RequestWith(ctx, cl)
	if err != nil {
		return nil, fmt.Errorf("read cluster metadata: %w", err)
	}
	for _, b := range resp.Brokers {
		c.Brokers = append(c.Brokers, b.NodeID)
	}
	slices.Sort(c.Brokers)
	var names []string
	for _, t := range resp.Topics {
		if t.Topic == nil || t.IsInternal || skip(*t.Topic) {
			continue
		}
		name := *t.Topic
		if err := kerr.ErrorForCode(t.ErrorCode); err != nil {
			return nil, fmt.Errorf("describe topic %s: %w", name, err)
		}
		ts := &TopicState{Partitions: len(t.Partitions), Configs: map[string]ConfigValue{}, Replicas: make([][]int32, len(t.Partitions))}
		for _, p := range t.Partitions {
			if p.Partition < 0 || int(p.Partition) >= len(t.Partitions) {
				return nil, fmt.Errorf("topic %s: the broker lists partition %d of %d", name, p.Partition, len(t.Partitions))
			}
			ts.Replicas[p.Partition] = slices.Clone(p.Replicas)
			ts.Replication = max(ts.Replication, len(p.Replicas))
		}
		c.Topics[name] = ts
		names = append(names, name)
	}
	slices.Sort(names)
	if len(names) > 0 {
		rcs, err := adm.DescribeTopicConfigs(ctx, names...)
		if err != nil {
			return nil, fmt.Errorf("describe topic configs: %w", err)
		}
		for _, rc := range rcs {
			ts := c.Topics[rc.Name]
			if ts == nil {
				continue
			}
			if rc.Err != nil {
				return nil, fmt.Errorf("describe configs of %s: %w", rc.Name, rc.Err)
			}
			for _, cfg := range rc.Configs {
				if cfg.Sensitive {
					continue
				}
				ts.Configs[cfg.Key] = ConfigValue{Value: cfg.MaybeValue(), Dynamic: cfg.Source == kmsg.ConfigSourceDynamicTopicConfig}
			}
		}
	}
	acls, err := describeACLs(ctx, cl)
	if errors.Is(err, kerr.SecurityDisabled) {
		c.NoAuthorizer, err = true, nil
	}
	if err != nil {
		return nil, err
	}
	for _, a := range acls {
		if a.ResourceType == "TOPIC" && a.Pattern == "LITERAL" && skip(a.ResourceName) {
			continue
		}
		c.ACLs = append(c.ACLs, a)
	}
	slices.SortFunc(c.ACLs, kafkastate.CompareACLs)
	return c, nil
}

// describeACLs lists every ACL binding of the cluster.
func describeACLs(ctx context.Context, cl *kgo.Client) ([]kafkastate.ACL, error) {
	req := kmsg.NewPtrDescribeACLsRequest()
	req.ResourceType = kmsg.ACLResourceTypeAny
	req.ResourcePatternType = kmsg.ACLResourcePatternTypeAny
	req.Operation = kmsg.ACLOperationAny
	req.PermissionType = kmsg.ACLPermissionTypeAny
	resp, err := req.RequestWith(ctx, cl)
	if err != nil {
		return nil, fmt.Errorf("describe ACLs: %w", err)
	}
	if err := kerr.ErrorForCode(resp.ErrorCode); err != nil {
		return nil, fmt.Errorf("describe ACLs: %w%s", err, msg(resp.ErrorMessage))
	}
	var out []kafkastate.ACL
	for _, r := range resp.Resources {
		for _, a := range r.ACLs {
			out = append(out, kafkastate.ACL{
				ResourceType: r.ResourceType.String(), ResourceName: r.ResourceName,
				Pattern: r.ResourcePatternType.String(), Principal: a.Principal, Host: a.Host,
				Operation: a.Operation.String(), Permission: a.PermissionType.String(),
			})
		}
	}
	return out, nil
}

func msg(m *string) string {
	if m == nil || *m == "" {
		return ""
	}
	return ": " + *m
}

// Fingerprint identifies what the cluster and registry held when a plan
// was made, so that applying a saved plan can refuse a cluster that has
// changed since.
func Fingerprint(c *Cluster, subjects []SubjectState) string {
	h := sha256.New()
	enc := json.NewEncoder(h)
	// Only what a plan depends on: defaults inherited from the brokers
	// are left out (they are not the topic's), dynamic configs are in.
	type topic struct {
		Name     string
		Replicas [][]int32
		Configs  []string
	}
	var ts []topic
	for _, name := range slices.Sorted(maps.Keys(c.Topics)) {
		t := c.Topics[name]
		var cfgs []string
		for _, k := range slices.Sorted(maps.Keys(t.Configs)) {
			if v := t.Configs[k]; v.Dynamic {
				cfgs = append(cfgs, k+"="+v.Value)
			}
		}
		ts = append(ts, topic{name, t.Replicas, cfgs})
	}
	acls := make([]string, len(c.ACLs))
	for i, a := range c.ACLs {
		acls[i] = a.Key()
	}
	slices.Sort(acls)
	enc.Encode(struct {
		Brokers  []int32
		Topics   []topic
		ACLs     []string
		Subjects []SubjectState
	}{c.Brokers, ts, acls, subjects})
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// SubjectState is what the registry holds for a subject the plan manages.
type SubjectState struct {
	Subject string `json:"subject"`
	Level   string `json:"level"`
	// Inherited is set when the subject has no level of its own.
	Inherited bool `json:"inherited,omitempty"`
	// Versions are the schema ids of the subject's versions, in order.
	Versions []int `json:"versions,omitempty"`
}

func itoa(n int) string { return strconv.Itoa(n) }

// quote writes a config value so that blanks show.
func quote(s string) string {
	if s == "" || strings.ContainsAny(s, " \t,") {
		return strconv.Quote(s)
	}
	return s
}
