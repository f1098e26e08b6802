package kafkaplan

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sr"

	"gitlab.com/acme/avroctl/gen/kafkaconn"
	"gitlab.com/acme/avroctl/gen/kafkastate"
	"gitlab.com/acme/avroctl/gen/registry"
	"gitlab.com/acme/avroctl/gen/registry/server"
	"gitlab.com/acme/avroctl/gen/registry/store"
	"gitlab.com/acme/avroctl/gen/schema"
)

// env is a kfake cluster and an embedded registry, both in memory.
type env struct {
	kafka *kgo.Client
	adm   *kadm.Client
	reg   *sr.Client
}

func newEnv(t testing.TB, brokers int) *env {
	t.Helper()
	// The tool runs as a superuser, as it would on a cluster with an
	// authorizer: kfake then hides nothing from it.
	c, err := kfake.NewCluster(kfake.NumBrokers(brokers), kfake.Ports(make([]int, brokers)...),
		kfake.EnableSASL(), kfake.Superuser("PLAIN", "admin", "admin-secret"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return newEnvWith(t, kafkaconn.Options{Brokers: c.ListenAddrs(), SASLMechanism: "PLAIN", Username: "admin", Password: "admin-secret"})
}

// newEnvWith connects to a cluster and starts an embedded registry.
func newEnvWith(t testing.TB, conn kafkaconn.Options) *env {
	t.Helper()
	cl, err := conn.NewClient()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cl.Close)
	stor, err := store.Open("")
	if err != nil {
		t.Fatal(err)
	}
	srv := server.New(stor, server.Options{})
	if err := srv.Open("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close(); stor.Close() })
	reg, err := registry.NewClient(registry.ClientOptions{URL: srv.URL(), Retries: -1})
	if err != nil {
		t.Fatal(err)
	}
	return &env{kafka: cl, adm: kadm.NewClient(cl), reg: reg}
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return c
}

func parseTypes(t *testing.T, srcs ...string) []schema.NamedSchema {
	t.Helper()
	var out []schema.NamedSchema
	for i, s := range srcs {
		sch, err := schema.Parse([]byte(s), schema.ParseOptions{Filename: "t" + itoa(i) + ".avsc"})
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, sch.(schema.NamedSchema))
	}
	return out
}

const orderV1 = `{"type":"record","name":"OrderCreated","namespace":"com.acme","fields":[{"name":"id","type":"string"}]}`

// plan makes a plan of src (a state file) with the given types.
func (e *env) plan(t *testing.T, src string, types []schema.NamedSchema) *Plan {
	t.Helper()
	st, err := kafkastate.Parse("state.yaml", []byte(src), nil)
	if err != nil {
		t.Fatal(err)
	}
	items, err := Items(st, types, registry.TopicRecordName)
	if err != nil {
		t.Fatal(err)
	}
	p, err := Make(ctx(t), Clients{Kafka: e.kafka, Registry: e.reg}, Input{State: st, Items: items, DefaultLevel: "FULL_TRANSITIVE"})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func textOf(p *Plan) string { return text(p) }

func text(p *Plan) string {
	var b bytes.Buffer
	p.WriteText(&b)
	return b.String()
}

func (e *env) apply(t *testing.T, p *Plan, allowDelete bool) Applied {
	t.Helper()
	res, err := Apply(ctx(t), Clients{Kafka: e.kafka, Registry: e.reg}, p, ApplyOptions{AllowDelete: allowDelete})
	if err != nil {
		t.Fatalf("apply: %v\n%s", err, text(p))
	}
	return res
}

const stateV1 = `
topics:
  orders:
    partitions: 3
    replication: 1
    key: string
    events: [com.acme.OrderCreated]
    configs:
      retention.ms: "86400000"
services:
  billing:
    type: application
    principal: User:billing
    consumes: [orders]
    dead-letter:
      retries: 1
      configs: {retention.ms: "604800000"}
  shop:
    type: application
    principal: User:shop
    produces: [orders]
`

// TestPlanApplyReplan: a fresh cluster gets everything, a second plan is
// empty, and the plan's fingerprint stays the same while nothing changes.
func TestPlanApplyReplan(t *testing.T) {
	e := newEnv(t, 1)
	types := parseTypes(t, orderV1)
	p := e.plan(t, stateV1, types)
	out := text(p)
	for _, want := range []string{
		"Topics: 3 to create, 0 to update, 0 to delete.",
		"+ topic orders (partitions 3, replication 1)\n    + retention.ms: 86400000\n",
		"+ topic orders-dlt (partitions 3, replication 1)\n    + retention.ms: 604800000\n",
		"+ topic orders-billing-retry-0 (partitions 3, replication 1)",
		"ACLs: 6 to create, 0 to update, 0 to delete.",
		"+ acl User:billing ALLOW READ GROUP:LITERAL:billing host * (service billing)",
		"+ acl User:shop ALLOW WRITE TOPIC:LITERAL:orders host * (service shop)",
		"~ subject orders-com.acme.OrderCreated compatibility: BACKWARD (global) -> FULL_TRANSITIVE",
		"+ schema orders-com.acme.OrderCreated (com.acme.OrderCreated, new-subject)",
		"Plan: 11 changes, of which 0 deletions",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("plan lacks %q:\n%s", want, out)
		}
	}
	if res := e.apply(t, p, false); res.Changes != 11 {
		t.Errorf("applied %d changes, want 11", res.Changes)
	}
	again := e.plan(t, stateV1, types)
	if again.Changes() != 0 {
		t.Fatalf("second plan is not empty:\n%s", text(again))
	}
	if third := e.plan(t, stateV1, types); third.Fingerprint != again.Fingerprint {
		t.Errorf("fingerprint changed without a change: %s then %s", again.Fingerprint, third.Fingerprint)
	}
}

// TestDriftAndDeletes: a config changed and an ACL added behind the tool's
// back show as changes; the ACL is deleted only with AllowDelete, and
// ignored topics are never touched.
func TestDriftAndDeletes(t *testing.T) {
	e := newEnv(t, 1)
	types := parseTypes(t, orderV1)
	e.apply(t, e.plan(t, stateV1, types), false)
	c := ctx(t)
	if _, err := e.adm.AlterTopicConfigs(c, []kadm.AlterConfig{{Name: "retention.ms", Value: kadm.StringPtr("1000")}}, "orders"); err != nil {
		t.Fatal(err)
	}
	b := kadm.NewACLs().Topics("orders").Allow("User:mallory").Operations(kadm.OpRead).ResourcePatternType(kadm.ACLPatternLiteral)
	if _, err := e.adm.CreateACLs(c, b); err != nil {
		t.Fatal(err)
	}
	for _, topic := range []string{"stray", "_internal-ish", "connect-offsets"} {
		if _, err := e.adm.CreateTopic(c, 1, 1, nil, topic); err != nil {
			t.Fatal(err)
		}
	}
	p := e.plan(t, stateV1, types)
	out := text(p)
	for _, want := range []string{
		"~ topic orders\n    ~ retention.ms: 1000 -> 86400000\n",
		"- topic stray\n",
		"- acl User:mallory ALLOW READ TOPIC:LITERAL:orders host *\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("plan lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "_internal-ish") || strings.Contains(out, "connect-offsets") {
		t.Errorf("plan touches an ignored topic:\n%s", out)
	}
	res := e.apply(t, p, false)
	if res.SkippedDeletes != 2 {
		t.Errorf("skipped %d deletions, want 2", res.SkippedDeletes)
	}
	p = e.plan(t, stateV1, types)
	if p.Changes() != 2 || p.Deletes() != 2 {
		t.Fatalf("after apply without --allow-delete, want only the 2 deletions:\n%s", text(p))
	}
	e.apply(t, p, true)
	if p = e.plan(t, stateV1, types); p.Changes() != 0 {
		t.Fatalf("not converged:\n%s", text(p))
	}
	all, err := ReadCluster(c, e.kafka, func(string) bool { return false })
	if err != nil {
		t.Fatal(err)
	}
	if all.Topics["_internal-ish"] == nil || all.Topics["connect-offsets"] == nil || all.Topics["stray"] != nil {
		t.Errorf("topics after apply: %v", slices.Sorted(maps.Keys(all.Topics)))
	}
}

// TestPartitions: an increase is planned and applied; a decrease is a
// problem that explains itself, and Apply refuses the plan.
func TestPartitions(t *testing.T) {
	e := newEnv(t, 1)
	types := parseTypes(t, orderV1)
	e.apply(t, e.plan(t, stateV1, types), false)
	more := strings.Replace(stateV1, "partitions: 3", "partitions: 5", 1)
	p := e.plan(t, more, types)
	if out := text(p); !strings.Contains(out, "~ topic orders\n    ~ partitions: 3 -> 5 (keyed topic: keys map to other partitions") {
		t.Fatalf("plan:\n%s", out)
	}
	e.apply(t, p, false)
	if p = e.plan(t, more, types); p.Changes() != 0 {
		t.Fatalf("not converged:\n%s", text(p))
	}
	less := strings.Replace(stateV1, "partitions: 3", "partitions: 2", 1)
	p = e.plan(t, less, types)
	// The retry and dead-letter topics follow the partitions of orders.
	if len(p.Problems) != 3 || !strings.Contains(p.Problems[0].String(), "state.yaml:3:3: topic orders: the state asks for 2 partitions, the topic has 5; Kafka cannot remove partitions") {
		t.Fatalf("problems: %v", p.Problems)
	}
	if _, err := Apply(ctx(t), Clients{Kafka: e.kafka, Registry: e.reg}, p, ApplyOptions{}); err != ErrProblems {
		t.Fatalf("apply of a plan with problems: %v", err)
	}
}

// TestIncompatibleSchemaTouchesNothing: a schema the subject's level
// refuses makes the plan fail, before any topic, ACL or level changes.
func TestIncompatibleSchemaTouchesNothing(t *testing.T) {
	e := newEnv(t, 1)
	e.apply(t, e.plan(t, stateV1, parseTypes(t, orderV1)), false)
	// A new required field without a default: not FULL_TRANSITIVE.
	v2 := parseTypes(t, `{"type":"record","name":"OrderCreated","namespace":"com.acme","fields":[{"name":"id","type":"string"},{"name":"total","type":"long"}]}`)
	changed := strings.Replace(stateV1, "partitions: 3", "partitions: 4", 1)
	p := e.plan(t, changed, v2)
	out := text(p)
	if len(p.Problems) != 1 || !strings.Contains(out, "NOT FULL_TRANSITIVE compatible") || !strings.Contains(out, "t0.avsc:1:") {
		t.Fatalf("plan:\n%s", out)
	}
	if _, err := Apply(ctx(t), Clients{Kafka: e.kafka, Registry: e.reg}, p, ApplyOptions{}); err != ErrProblems {
		t.Fatalf("apply: %v", err)
	}
	c, err := ReadCluster(ctx(t), e.kafka, func(string) bool { return false })
	if err != nil {
		t.Fatal(err)
	}
	if n := c.Topics["orders"].Partitions; n != 3 {
		t.Errorf("orders has %d partitions: the cluster was touched", n)
	}
}

func TestReassign(t *testing.T) {
	got := reassign([][]int32{{1}, {2}, {3}, {1}}, 2, []int32{1, 2, 3})
	want := "[[1 2] [2 3] [3 1] [1 2]]"
	if s := strings.Join(strings.Fields(strings.Trim(strings.ReplaceAll(fmtSlice(got), "  ", " "), " ")), " "); s != want {
		t.Errorf("reassign up: %s, want %s", s, want)
	}
	if s := fmtSlice(reassign([][]int32{{3, 1, 2}}, 1, []int32{1, 2, 3})); s != "[[3]]" {
		t.Errorf("reassign down: %s", s)
	}
}

func fmtSlice(v [][]int32) string {
	var parts []string
	for _, rs := range v {
		var s []string
		for _, b := range rs {
			s = append(s, itoa(int(b)))
		}
		parts = append(parts, "["+strings.Join(s, " ")+"]")
	}
	return "[" + strings.Join(parts, " ") + "]"
}

// BenchmarkPlan plans a state of n topics (two configs each) and n/10
// services (4n ACLs) against a kfake cluster that already matches it, so
// the cost is reading the cluster and comparing. Compare the sizes: the
// time per topic should stay flat.
func BenchmarkPlan(b *testing.B) {
	for _, n := range []int{100, 1000} {
		b.Run(fmt.Sprintf("topics=%d", n), func(b *testing.B) {
			benchPlan(b, newEnv(b, 1), n)
		})
	}
}

// benchState is a state of n topics (6 partitions, two configs each) and
// n/10 services, each producing 10 topics and consuming 10 others: 4n ACLs
// with DESCRIBE on.
func benchState(b *testing.B, n int) *kafkastate.State {
	var src strings.Builder
	src.WriteString("settings:\n  topics:\n    defaults: {replication: 1, partitions: 6}\n  services:\n    acls: {describeTopicEnabled: true}\ntopics:\n")
	for i := range n {
		fmt.Fprintf(&src, "  t%05d:\n    configs: {min.insync.replicas: \"1\", retention.ms: \"%d\"}\n", i, 86400000+i)
	}
	src.WriteString("services:\n")
	for s := range n / 10 {
		var prod, cons []string
		for j := range 10 {
			prod = append(prod, fmt.Sprintf("t%05d", s*10+j))
			cons = append(cons, fmt.Sprintf("t%05d", ((s+1)%(n/10))*10+j))
		}
		fmt.Fprintf(&src, "  svc%04d:\n    type: application\n    principal: User:svc%04d\n    produces: [%s]\n    consumes: [%s]\n",
			s, s, strings.Join(prod, ", "), strings.Join(cons, ", "))
	}
	st, err := kafkastate.Parse("bench.yaml", []byte(src.String()), nil)
	if err != nil {
		b.Fatal(err)
	}
	return st
}

// benchPlan applies a state of n topics on e's cluster, then measures
// plans that find no change.
func benchPlan(b *testing.B, e *env, n int) {
	st := benchState(b, n)
	cls := Clients{Kafka: e.kafka}
	c := context.Background()
	p, err := Make(c, cls, Input{State: st})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := Apply(c, cls, p, ApplyOptions{}); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		p, err := Make(c, cls, Input{State: st})
		if err != nil {
			b.Fatal(err)
		}
		if p.Changes() != 0 {
			b.Fatalf("%d changes", p.Changes())
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/float64(n), "µs/topic")
}

// TestReplicationChange: a replication change is planned as a
// reassignment onto the least loaded brokers and applied with progress.
// (kfake accepts reassignments without moving replicas, so the new
// replication is checked on a real cluster only.)
func TestReplicationChange(t *testing.T) {
	e := newEnv(t, 3)
	src := "topics:\n  t:\n    partitions: 3\n    replication: 1\n"
	e.apply(t, e.plan(t, src, nil), false)
	p := e.plan(t, strings.Replace(src, "replication: 1", "replication: 2", 1), nil)
	if len(p.Topics) != 1 || p.Topics[0].Replication == nil || len(p.Topics[0].Assignment) != 3 {
		t.Fatalf("plan:\n%s", text(p))
	}
	for i, rs := range p.Topics[0].Assignment {
		if len(rs) != 2 || rs[0] == rs[1] {
			t.Errorf("partition %d: replicas %v", i, rs)
		}
	}
	if out := text(p); !strings.Contains(out, "~ replication: 1 -> 2 (partition reassignment)") {
		t.Errorf("plan:\n%s", out)
	}
	var progress []string
	_, err := Apply(ctx(t), Clients{Kafka: e.kafka}, p, ApplyOptions{Progress: func(m string) { progress = append(progress, m) }})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(progress, "\n"); !strings.Contains(got, "reassigning 3 partitions of 1 topics\nreassignment: 3 of 3 partitions done") {
		t.Errorf("progress:\n%s", got)
	}
}

// TestFailedApplyIsRerun: an apply that fails halfway (a topic created
// behind the tool's back between plan and apply) is fixed by planning and
// applying again.
func TestFailedApplyIsRerun(t *testing.T) {
	e := newEnv(t, 1)
	types := parseTypes(t, orderV1)
	p := e.plan(t, stateV1, types)
	if _, err := e.adm.CreateTopic(ctx(t), 3, 1, nil, "orders-dlt"); err != nil {
		t.Fatal(err)
	}
	_, err := Apply(ctx(t), Clients{Kafka: e.kafka, Registry: e.reg}, p, ApplyOptions{})
	if err == nil || !strings.Contains(err.Error(), "create topic orders-dlt: TOPIC_ALREADY_EXISTS") {
		t.Fatalf("apply: %v", err)
	}
	p = e.plan(t, stateV1, types)
	// The other topics were created; what remains is planned again.
	if out := text(p); len(p.Problems) > 0 || !strings.Contains(out, "Topics: 0 to create") || !strings.Contains(out, "ACLs: 6 to create") {
		t.Fatalf("re-plan:\n%s", out)
	}
	e.apply(t, p, false)
	if p = e.plan(t, stateV1, types); p.Changes() != 0 {
		t.Fatalf("not converged:\n%s", text(p))
	}
}
