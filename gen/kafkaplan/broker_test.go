package kafkaplan

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"

	"gitlab.com/acme/avroctl/gen/kafkaconn"
	"gitlab.com/acme/avroctl/gen/kafkatest"
	"gitlab.com/acme/avroctl/gen/registry"
)

// brokerUsers are the SASL/PLAIN users of the real broker: admin is the
// super user avroctl runs as; the others are the services of the state.
var brokerUsers = map[string]string{
	"admin": "admin-secret", "shop": "shop-secret", "billing": "billing-secret", "mallory": "mallory-secret",
}

// realEnv starts Apache Kafka 4.4 with SASL/PLAIN and KRaft's
// StandardAuthorizer (nothing is allowed without an ACL), and an embedded
// registry.
func realEnv(t *testing.T) (*env, kafkaconn.Options) {
	t.Helper()
	b := kafkatest.Start(t, kafkatest.Options{Users: brokerUsers, Authorizer: true, SuperUsers: []string{"admin"}})
	conn := kafkaconn.Options{Brokers: []string{b.Bootstrap()}, SASLMechanism: "PLAIN", Username: "admin", Password: brokerUsers["admin"]}
	e := newEnvWith(t, conn)
	return e, conn
}

// as connects as one of the broker's users.
func as(t *testing.T, conn kafkaconn.Options, user string, opts ...kgo.Opt) *kgo.Client {
	t.Helper()
	conn.Username, conn.Password = user, brokerUsers[user]
	cl, err := conn.NewClient(append([]kgo.Opt{kgo.RetryTimeout(5 * time.Second)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cl.Close)
	return cl
}

const brokerState = `
topics:
  orders:
    partitions: 3
    replication: 1
    key: string
    events: [com.acme.OrderCreated]
    configs:
      retention.ms: "86400000"
  invoices:
    partitions: 1
    replication: 1
services:
  shop:
    type: application
    principal: User:shop
    produces: [orders]
  billing:
    type: application
    principal: User:billing
    consumes: [orders]
    produces: [invoices]
`

// TestRealBroker runs the plan/apply cycle on a real broker with the
// authorizer on, and proves the ACLs are enforced, not only listed.
func TestRealBroker(t *testing.T) {
	e, conn := realEnv(t)
	types := parseTypes(t, orderV1)

	t.Run("plan apply replan", func(t *testing.T) {
		p := e.plan(t, brokerState, types)
		if p.Changes() == 0 || len(p.Problems) > 0 {
			t.Fatalf("first plan:\n%s", text(p))
		}
		t.Logf("first plan:\n%s", text(p))
		e.apply(t, p, false)
		if again := e.plan(t, brokerState, types); again.Changes() != 0 {
			t.Fatalf("second plan is not empty:\n%s", text(again))
		}
	})

	t.Run("ACLs enforced", func(t *testing.T) {
		produce := func(user, topic string) error {
			cl := as(t, conn, user, kgo.DefaultProduceTopic(topic))
			c, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			return cl.ProduceSync(c, &kgo.Record{Key: []byte("k"), Value: []byte("v")}).FirstErr()
		}
		err := produce("shop", "orders")
		t.Logf("shop produces to orders: %v", orOK(err))
		if err != nil {
			t.Errorf("shop producing to orders (produces: [orders]): %v", err)
		}
		err = produce("shop", "invoices")
		t.Logf("shop produces to invoices: %v", orOK(err))
		if !errors.Is(err, kerr.TopicAuthorizationFailed) {
			t.Errorf("shop producing to invoices: got %v, want TOPIC_AUTHORIZATION_FAILED", err)
		}
		err = produce("mallory", "orders")
		t.Logf("mallory produces to orders: %v", orOK(err))
		if !errors.Is(err, kerr.TopicAuthorizationFailed) {
			t.Errorf("mallory (no service) producing to orders: got %v, want TOPIC_AUTHORIZATION_FAILED", err)
		}
		consume := func(user, group string) error {
			cl := as(t, conn, user, kgo.ConsumerGroup(group), kgo.ConsumeTopics("orders"),
				kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
			c, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			for {
				fs := cl.PollFetches(c)
				if err := fs.Err0(); err != nil {
					return err
				}
				if fs.NumRecords() > 0 {
					return nil
				}
			}
		}
		err = consume("billing", "billing")
		t.Logf("billing reads orders in group billing: %v", orOK(err))
		if err != nil {
			t.Errorf("billing reading orders with its group: %v", err)
		}
		err = consume("billing", "someone-else")
		t.Logf("billing reads orders in group someone-else: %v", orOK(err))
		if !errors.Is(err, kerr.GroupAuthorizationFailed) {
			t.Errorf("billing reading with another group: got %v, want GROUP_AUTHORIZATION_FAILED", err)
		}
		err = consume("shop", "shop")
		t.Logf("shop reads orders in group shop: %v", orOK(err))
		if err == nil {
			t.Errorf("shop (produces only) could read orders")
		}
	})

	t.Run("drift", func(t *testing.T) {
		c := ctx(t)
		if _, err := e.adm.AlterTopicConfigs(c, []kadm.AlterConfig{{Name: "retention.ms", Value: kadm.StringPtr("1000")}}, "orders"); err != nil {
			t.Fatal(err)
		}
		b := kadm.NewACLs().Topics("orders").Allow("User:mallory").Operations(kadm.OpRead).ResourcePatternType(kadm.ACLPatternLiteral)
		if _, err := e.adm.CreateACLs(c, b); err != nil {
			t.Fatal(err)
		}
		p := e.plan(t, brokerState, types)
		out := text(p)
		if !strings.Contains(out, "~ retention.ms: 1000 -> 86400000") || !strings.Contains(out, "- acl User:mallory ALLOW READ TOPIC:LITERAL:orders") {
			t.Fatalf("drift not planned:\n%s", out)
		}
		e.apply(t, p, true)
		if p = e.plan(t, brokerState, types); p.Changes() != 0 {
			t.Fatalf("not converged:\n%s", text(p))
		}
	})

	t.Run("broker validation", func(t *testing.T) {
		bad := strings.Replace(brokerState, `retention.ms: "86400000"`, `retention.ms: "forever"`, 1)
		bad = strings.Replace(bad, "partitions: 3", "partitions: 4", 1)
		p := e.plan(t, bad, types)
		if len(p.Problems) != 1 || !strings.Contains(p.Problems[0].String(), "topic orders: the broker would refuse the config change") {
			t.Fatalf("problems: %v\n%s", p.Problems, text(p))
		}
		if _, err := Apply(ctx(t), Clients{Kafka: e.kafka, Registry: e.reg}, p, ApplyOptions{}); err != ErrProblems {
			t.Fatalf("apply: %v", err)
		}
		if again := e.plan(t, brokerState, types); again.Changes() != 0 {
			t.Fatalf("the refused plan touched the cluster:\n%s", text(again))
		}
	})

	t.Run("incompatible schema", func(t *testing.T) {
		v2 := parseTypes(t, `{"type":"record","name":"OrderCreated","namespace":"com.acme","fields":[{"name":"id","type":"string"},{"name":"total","type":"long"}]}`)
		p := e.plan(t, strings.Replace(brokerState, "partitions: 3", "partitions: 4", 1), v2)
		if len(p.Problems) != 1 || !strings.Contains(p.Problems[0].String(), "is not FULL_TRANSITIVE compatible") {
			t.Fatalf("problems: %v", p.Problems)
		}
		if _, err := Apply(ctx(t), Clients{Kafka: e.kafka, Registry: e.reg}, p, ApplyOptions{}); err != ErrProblems {
			t.Fatalf("apply: %v", err)
		}
		if again := e.plan(t, brokerState, types); again.Changes() != 0 {
			t.Fatalf("the refused plan touched the cluster:\n%s", text(again))
		}
	})

	t.Run("partition increase", func(t *testing.T) {
		more := strings.Replace(brokerState, "partitions: 3", "partitions: 6", 1)
		p := e.plan(t, more, types)
		if !strings.Contains(text(p), "~ partitions: 3 -> 6") {
			t.Fatalf("plan:\n%s", text(p))
		}
		e.apply(t, p, false)
		if p = e.plan(t, more, types); p.Changes() != 0 {
			t.Fatalf("not converged:\n%s", text(p))
		}
		less := e.plan(t, brokerState, types)
		if len(less.Problems) != 1 || !strings.Contains(less.Problems[0].String(), "Kafka cannot remove partitions") {
			t.Fatalf("decrease: %v", less.Problems)
		}
	})

	t.Run("import round trip", func(t *testing.T) {
		out, err := Import(ctx(t), Clients{Kafka: e.kafka, Registry: e.reg}, ImportOptions{Strategy: registry.TopicRecordName})
		if err != nil {
			t.Fatal(err)
		}
		if p := e.plan(t, string(out), types); p.Changes() != 0 || len(p.Problems) > 0 {
			t.Fatalf("the imported state plans changes:\n%s\n%s", out, text(p))
		}
	})
}

func orOK(err error) any {
	if err == nil {
		return "ok"
	}
	return err
}

// TestRealBrokerWithoutAuthorizer: a state with services on a cluster
// without an authorizer is a problem of the plan, found before anything
// is created.
func TestRealBrokerWithoutAuthorizer(t *testing.T) {
	b := kafkatest.Start(t, kafkatest.Options{})
	e := newEnvWith(t, kafkaconn.Options{Brokers: []string{b.Bootstrap()}})
	p := e.plan(t, brokerState, parseTypes(t, orderV1))
	if len(p.Problems) != 1 || !strings.Contains(p.Problems[0].String(), "state.yaml:18:3: the state derives 4 ACLs, but the brokers run without an authorizer") {
		t.Fatalf("problems: %v", p.Problems)
	}
	if p := e.plan(t, "topics:\n  t:\n    partitions: 1\n    replication: 1\n", nil); len(p.Problems) != 0 || p.Changes() != 1 {
		t.Fatalf("a state without ACLs:\n%s", text(p))
	}
}

// BenchmarkPlanRealBroker plans 1,000 topics (6,000 partitions, 4,000
// ACLs) that match the state, on Apache Kafka 4.4 with the authorizer:
// the cost of a scheduled drift check.
func BenchmarkPlanRealBroker(b *testing.B) {
	k := kafkatest.Start(b, kafkatest.Options{Users: brokerUsers, Authorizer: true, SuperUsers: []string{"admin"}})
	e := newEnvWith(b, kafkaconn.Options{Brokers: []string{k.Bootstrap()}, SASLMechanism: "PLAIN", Username: "admin", Password: brokerUsers["admin"]})
	benchPlan(b, e, 1000)
}

// TestRealBrokerExampleDomain applies the repository's example state
// (with replication 1 for the one broker) and plans again at once: nothing
// may be left. Before apply waited for the brokers to show its changes,
// the second plan listed the new ACLs again (the authorizer had not caught
// up with the controller yet).
func TestRealBrokerExampleDomain(t *testing.T) {
	e, _ := realEnv(t)
	src, err := os.ReadFile(filepath.Join("..", "..", "kafka-state.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	state := strings.NewReplacer("replication: 3", "replication: 1", `min.insync.replicas: "2"`, `min.insync.replicas: "1"`).Replace(string(src))
	types, err := registry.LoadDir(filepath.Join("..", "..", "schemas"))
	if err != nil {
		t.Fatal(err)
	}
	p := e.plan(t, state, types)
	t.Logf("plan of the example domain on Kafka 4.4:\n%s", text(p))
	e.apply(t, p, false)
	if again := e.plan(t, state, types); again.Changes() != 0 {
		t.Fatalf("a plan right after apply is not empty:\n%s", text(again))
	}
}
