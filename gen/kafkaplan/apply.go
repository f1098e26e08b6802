package kafkaplan

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"gitlab.com/acme/avroctl/gen/kafkastate"
	"gitlab.com/acme/avroctl/gen/registry"
)

// ApplyOptions tune Apply.
type ApplyOptions struct {
	// AllowDelete lets Apply delete topics and ACLs the state does not
	// declare; without it they are kept and counted as skipped.
	AllowDelete bool
	// Progress, when set, is told what Apply is doing.
	Progress func(msg string)
	// PollInterval is how often a reassignment's progress is read
	// (default 500ms).
	PollInterval time.Duration
}

// Applied says what Apply did.
type Applied struct {
	Changes int `json:"changes"`
	// SkippedDeletes were not made: AllowDelete was not set.
	SkippedDeletes int `json:"skipped_deletes"`
}

// ErrProblems is returned for a plan with problems.
var ErrProblems = errors.New("the plan has problems; fix them and plan again")

// Apply makes the plan's changes: topics (created, partitions added,
// configs set, replicas reassigned, then deleted), subject levels,
// schemas, then ACLs. Each step is idempotent: after a failure, fix the
// cause, plan again and apply; what was done is not planned again.
func Apply(ctx context.Context, cls Clients, p *Plan, o ApplyOptions) (Applied, error) {
	var res Applied
	if len(p.Problems) > 0 {
		return res, ErrProblems
	}
	progress := o.Progress
	if progress == nil {
		progress = func(string) {}
	}
	if len(p.Schemas) > 0 && p.steps == nil {
		return res, errors.New("the plan's schemas cannot be registered from a plan file alone; apply recomputes the plan from the state")
	}
	cl := cls.Kafka
	if err := applyTopics(ctx, cl, p, o, progress, &res); err != nil {
		return res, err
	}
	for _, s := range p.Subjects {
		progress("setting compatibility of " + s.Subject + " to " + s.To)
		if _, err := registry.SetConfig(ctx, cls.Registry, s.Subject, s.To); err != nil {
			return res, fmt.Errorf("set compatibility of %s: %w", s.Subject, err)
		}
		res.Changes++
	}
	if len(p.Schemas) > 0 {
		err := registry.Apply(ctx, cls.Registry, p.steps, registry.WithProgress(func(done, total int, st *registry.Step) {
			if st.Action != registry.Unchanged {
				progress("registering " + st.Subject)
			}
		}))
		if err != nil {
			return res, err
		}
		res.Changes += len(p.Schemas)
	}
	if err := applyACLs(ctx, cl, p, o, progress, &res); err != nil {
		return res, err
	}
	return res, awaitVisible(ctx, cl, p, o)
}

// awaitVisible waits until the brokers show what Apply changed. KRaft
// acknowledges a change once the controller has committed it; a broker's
// metadata and authorizer catch up a moment later, and a plan made in that
// moment would list the change again.
func awaitVisible(ctx context.Context, cl *kgo.Client, p *Plan, o ApplyOptions) error {
	interval := o.PollInterval
	if interval <= 0 {
		interval = 200 * time.Millisecond
	}
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		c, err := ReadCluster(ctx, cl, func(string) bool { return false })
		if err != nil {
			return err
		}
		missing := notVisible(p, c, o.AllowDelete)
		if missing == "" {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("applied, but the brokers do not show it yet (%s): %w", missing, ctx.Err())
		case <-tick.C:
		}
	}
}

// notVisible names a change of p that c does not show, or returns "".
func notVisible(p *Plan, c *Cluster, deleted bool) string {
	for _, tc := range p.Topics {
		t := c.Topics[tc.Topic]
		switch {
		case tc.Action == Delete:
			if deleted && t != nil {
				return "topic " + tc.Topic + " still listed"
			}
			continue
		case t == nil:
			return "topic " + tc.Topic + " not listed"
		case tc.Partitions != nil && t.Partitions < tc.Partitions.To:
			return "partitions of " + tc.Topic
		}
		for _, cc := range tc.Configs {
			if strings.TrimSpace(t.Configs[cc.Key].Value) != strings.TrimSpace(cc.To) {
				return "config " + cc.Key + " of " + tc.Topic
			}
		}
	}
	have := map[string]bool{}
	for _, a := range c.ACLs {
		have[a.Key()] = true
	}
	for _, a := range p.ACLs {
		if (a.Action == Create && !have[a.Key()]) || (a.Action == Delete && deleted && have[a.Key()]) {
			return "ACL " + a.Key()
		}
	}
	return ""
}

func applyTopics(ctx context.Context, cl *kgo.Client, p *Plan, o ApplyOptions, progress func(string), res *Applied) error {
	create, parts, alter := topicRequests(p.Topics, false)
	var reassign kadm.AlterPartitionAssignmentsReq
	var deletes []string
	for _, tc := range p.Topics {
		switch tc.Action {
		case Update:
			for i, rs := range tc.Assignment {
				reassign.Assign(tc.Topic, int32(i), rs)
			}
		case Delete:
			if o.AllowDelete {
				deletes = append(deletes, tc.Topic)
			} else {
				res.SkippedDeletes++
			}
		}
	}
	if len(create.Topics) > 0 {
		progress(fmt.Sprintf("creating %d topics", len(create.Topics)))
		resp, err := create.RequestWith(ctx, cl)
		if err != nil {
			return fmt.Errorf("create topics: %w", err)
		}
		for _, t := range resp.Topics {
			if err := kerr.ErrorForCode(t.ErrorCode); err != nil {
				return fmt.Errorf("create topic %s: %w%s", t.Topic, err, msg(t.ErrorMessage))
			}
			res.Changes++
		}
	}
	if len(parts.Topics) > 0 {
		progress(fmt.Sprintf("adding partitions to %d topics", len(parts.Topics)))
		resp, err := parts.RequestWith(ctx, cl)
		if err != nil {
			return fmt.Errorf("add partitions: %w", err)
		}
		for _, t := range resp.Topics {
			if err := kerr.ErrorForCode(t.ErrorCode); err != nil {
				return fmt.Errorf("add partitions to %s: %w%s", t.Topic, err, msg(t.ErrorMessage))
			}
		}
	}
	if len(alter.Resources) > 0 {
		progress(fmt.Sprintf("setting configs of %d topics", len(alter.Resources)))
		resp, err := alter.RequestWith(ctx, cl)
		if err != nil {
			return fmt.Errorf("set topic configs: %w", err)
		}
		for _, r := range resp.Resources {
			if err := kerr.ErrorForCode(r.ErrorCode); err != nil {
				return fmt.Errorf("set configs of %s: %w%s", r.ResourceName, err, msg(r.ErrorMessage))
			}
		}
	}
	if len(reassign) > 0 {
		if err := runReassignment(ctx, kadm.NewClient(cl), reassign, o, progress); err != nil {
			return err
		}
	}
	for _, tc := range p.Topics {
		if tc.Action == Update {
			res.Changes++
		}
	}
	if len(deletes) > 0 {
		progress(fmt.Sprintf("deleting %d topics", len(deletes)))
		resp, err := kadm.NewClient(cl).DeleteTopics(ctx, deletes...)
		if err != nil {
			return fmt.Errorf("delete topics: %w", err)
		}
		for _, r := range resp.Sorted() {
			if r.Err != nil && !errors.Is(r.Err, kerr.UnknownTopicOrPartition) {
				return fmt.Errorf("delete topic %s: %w%s", r.Topic, r.Err, msg(&r.ErrMessage))
			}
			res.Changes++
		}
	}
	return nil
}

// runReassignment starts a reassignment and reports its progress until
// no partition of it is moving.
func runReassignment(ctx context.Context, adm *kadm.Client, req kadm.AlterPartitionAssignmentsReq, o ApplyOptions, progress func(string)) error {
	total := 0
	var topics []string
	for t, ps := range req {
		total += len(ps)
		topics = append(topics, t)
	}
	progress(fmt.Sprintf("reassigning %d partitions of %d topics", total, len(topics)))
	resp, err := adm.AlterPartitionAssignments(ctx, req)
	if err != nil {
		return fmt.Errorf("reassign partitions: %w", err)
	}
	for _, r := range resp.Sorted() {
		if r.Err != nil {
			return fmt.Errorf("reassign %s partition %d: %w%s", r.Topic, r.Partition, r.Err, msg(&r.ErrMessage))
		}
	}
	interval := o.PollInterval
	if interval <= 0 {
		interval = 500 * time.Millisecond
	}
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		moving, err := adm.ListPartitionReassignments(ctx, kadm.TopicsSet{})
		if err != nil {
			return fmt.Errorf("reassignment progress: %w", err)
		}
		n := 0
		for _, t := range topics {
			n += len(moving[t])
		}
		progress(fmt.Sprintf("reassignment: %d of %d partitions done", total-n, total))
		if n == 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("reassignment still running (%d partitions moving; it goes on in the cluster, plan again to follow it): %w", n, ctx.Err())
		case <-tick.C:
		}
	}
}

func applyACLs(ctx context.Context, cl *kgo.Client, p *Plan, o ApplyOptions, progress func(string), res *Applied) error {
	create := kmsg.NewPtrCreateACLsRequest()
	del := kmsg.NewPtrDeleteACLsRequest()
	for _, c := range p.ACLs {
		rt, pt, op, perm, err := aclEnums(c.ACL)
		if err != nil {
			return err
		}
		switch c.Action {
		case Create:
			cr := kmsg.NewCreateACLsRequestCreation()
			cr.ResourceType, cr.ResourceName, cr.ResourcePatternType = rt, c.ResourceName, pt
			cr.Principal, cr.Host, cr.Operation, cr.PermissionType = c.Principal, c.Host, op, perm
			create.Creations = append(create.Creations, cr)
		case Delete:
			if !o.AllowDelete {
				res.SkippedDeletes++
				continue
			}
			f := kmsg.NewDeleteACLsRequestFilter()
			f.ResourceType, f.ResourceName, f.ResourcePatternType = rt, kmsg.StringPtr(c.ResourceName), pt
			f.Principal, f.Host, f.Operation, f.PermissionType = kmsg.StringPtr(c.Principal), kmsg.StringPtr(c.Host), op, perm
			del.Filters = append(del.Filters, f)
		}
	}
	if len(create.Creations) > 0 {
		progress(fmt.Sprintf("creating %d ACLs", len(create.Creations)))
		resp, err := create.RequestWith(ctx, cl)
		if err != nil {
			return fmt.Errorf("create ACLs: %w", err)
		}
		for i, r := range resp.Results {
			if err := kerr.ErrorForCode(r.ErrorCode); err != nil {
				c := create.Creations[i]
				return fmt.Errorf("create ACL %s %s on %s %s: %w%s", c.Principal, c.Operation, c.ResourceType, c.ResourceName, err, msg(r.ErrorMessage))
			}
			res.Changes++
		}
	}
	if len(del.Filters) > 0 {
		progress(fmt.Sprintf("deleting %d ACLs", len(del.Filters)))
		resp, err := del.RequestWith(ctx, cl)
		if err != nil {
			return fmt.Errorf("delete ACLs: %w", err)
		}
		for _, r := range resp.Results {
			if err := kerr.ErrorForCode(r.ErrorCode); err != nil {
				return fmt.Errorf("delete ACLs: %w%s", err, msg(r.ErrorMessage))
			}
			res.Changes++
		}
	}
	return nil
}

func aclEnums(a kafkastate.ACL) (kmsg.ACLResourceType, kmsg.ACLResourcePatternType, kmsg.ACLOperation, kmsg.ACLPermissionType, error) {
	rt, err1 := kmsg.ParseACLResourceType(a.ResourceType)
	pt, err2 := kmsg.ParseACLResourcePatternType(a.Pattern)
	op, err3 := kmsg.ParseACLOperation(a.Operation)
	perm, err4 := kmsg.ParseACLPermissionType(a.Permission)
	if err := errors.Join(err1, err2, err3, err4); err != nil {
		return 0, 0, 0, 0, fmt.Errorf("ACL %s: %w", a.Key(), err)
	}
	return rt, pt, op, perm, nil
}
