package lint

import (
	"fmt"
	"strings"
	"testing"

	"gitlab.com/acme/avroctl/gen/kafkastate"
)

func TestTopicRules(t *testing.T) {
	src := `topics:
  orders:
    partitions: 6
    replication: 3
    key: string
    events: [com.acme.OrderCreated, com.acme.OrderUpdated]
    configs:
      min.insync.replicas: "2"
  customers:
    partitions: 12
    replication: 2
    key: string
    events: [com.acme.Customer]
    configs:
      min.insync.replicas: "2"
  audit:
    partitions: 1
    replication: 3
    configs:
      min.insync.replicas: "3"
      cleanup.policy: delete
  orders-dlt:
    partitions: 6
    replication: 3
    configs:
      min.insync.replicas: "2"
services:
  billing:
    type: application
    principal: User:billing
    consumes: [orders]
    dead-letter: {retries: 0}
`
	st, err := kafkastate.Parse("state.yaml", []byte(src), nil)
	if err != nil {
		t.Fatal(err)
	}
	prev, err := kafkastate.Parse("state.yaml", []byte(strings.Replace(src, "partitions: 12", "partitions: 6", 1)), nil)
	if err != nil {
		t.Fatal(err)
	}
	res, err := RunWithTopics(nil, &Topics{State: st, Previous: prev, Events: map[string]string{"com.acme.OrderCreated": "orders", "com.acme.Refunded": "orders", "com.acme.Customer": "clients"}}, Config{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range res.Findings {
		got = append(got, fmt.Sprintf("%s %s %s", f.Pos, f.Rule, f.Location))
	}
	want := `state.yaml:1:1 EVENT_TYPE_TOPIC com.acme.Customer
state.yaml:1:1 EVENT_TYPE_TOPIC com.acme.Refunded
state.yaml:9:3 TOPIC_COMPACTION_HINT topic customers
state.yaml:9:3 TOPIC_KEYED_PARTITIONS_INCREASE topic customers
state.yaml:9:3 TOPIC_REPLICATION topic customers
state.yaml:15:28 TOPIC_REPLICATION_ABOVE_MIN_INSYNC topic customers
state.yaml:16:3 TOPIC_EVENT_TYPES topic audit
state.yaml:20:28 TOPIC_REPLICATION_ABOVE_MIN_INSYNC topic audit
state.yaml:22:3 DEAD_LETTER_RETENTION topic orders-dlt`
	if g := strings.Join(got, "\n"); g != want {
		t.Errorf("findings:\n%s\nwant:\n%s", g, want)
	}
	if res.Topics != 4 || !strings.Contains(res.Report().Checked, "4 topics") {
		t.Errorf("checked: %s", res.Report().Checked)
	}
	// Without a state the topic rules do not run, nor count.
	plain, err := Run(nil, Config{})
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range plain.Rules {
		if strings.HasPrefix(id, "TOPIC_") {
			t.Errorf("%s ran without a state", id)
		}
	}
}
