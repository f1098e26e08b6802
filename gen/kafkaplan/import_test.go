package kafkaplan

import (
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kadm"

	"gitlab.com/acme/avroctl/gen/registry"
)

// TestImportRoundTrip: a state imported from a cluster (with ACLs that no
// service derives, added by hand) plans no change against that cluster.
func TestImportRoundTrip(t *testing.T) {
	e := newEnv(t, 1)
	types := parseTypes(t, orderV1)
	e.apply(t, e.plan(t, stateV1, types), false)
	c := ctx(t)
	for _, b := range []*kadm.ACLBuilder{
		kadm.NewACLs().Topics("audit.").Allow("User:auditor").Operations(kadm.OpRead).ResourcePatternType(kadm.ACLPatternPrefixed),
		kadm.NewACLs().Topics("orders").Deny("User:shop").Operations(kadm.OpDelete).ResourcePatternType(kadm.ACLPatternLiteral),
		kadm.NewACLs().Groups("reporting").Allow("User:auditor").Operations(kadm.OpRead).ResourcePatternType(kadm.ACLPatternLiteral),
	} {
		if _, err := e.adm.CreateACLs(c, b); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.adm.CreateTopic(c, 2, 1, map[string]*string{"cleanup.policy": kadm.StringPtr("compact")}, "customers"); err != nil {
		t.Fatal(err)
	}
	out, err := Import(c, Clients{Kafka: e.kafka, Registry: e.reg}, ImportOptions{Strategy: registry.TopicRecordName})
	if err != nil {
		t.Fatal(err)
	}
	text := string(out)
	for _, want := range []string{
		"  customers:\n    partitions: 2\n    replication: 1\n    configs:\n      cleanup.policy: compact\n",
		"  orders:\n    partitions: 3\n    replication: 1\n    events:\n      - com.acme.OrderCreated\n    configs:\n      retention.ms: \"86400000\"\n",
		"  billing:\n    type: application\n    principal: User:billing\n    produces:\n      - orders-billing-retry-0\n      - orders-dlt\n    consumes:\n      - orders\n      - orders-billing-retry-0\n",
		"orders-com.acme.OrderCreated:\n    compatibility: FULL_TRANSITIVE\n",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("import lacks %q:\n%s", want, text)
		}
	}
	if p := e.plan(t, text, types); p.Changes() != 0 || len(p.Problems) > 0 {
		t.Fatalf("the imported state plans changes:\n%s\n%s", text, textOf(p))
	}
}
