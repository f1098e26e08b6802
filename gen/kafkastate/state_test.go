package kafkastate

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

func aclLines(acls []ACL) string {
	var b strings.Builder
	for _, a := range acls {
		fmt.Fprintf(&b, "%s %s %s:%s:%s %s\n", a.Principal, a.Operation, a.ResourceType, a.Pattern, a.ResourceName, a.Permission)
	}
	return b.String()
}

// TestKafkaGitopsFile reads a kafka-gitops file unchanged and derives the
// ACLs kafka-gitops derives from it.
func TestKafkaGitopsFile(t *testing.T) {
	st, err := Load(filepath.Join("testdata", "kafka-gitops.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if got := st.Topics["test-topic"].Replication; got != 3 {
		t.Errorf("default replication: got %d, want 3", got)
	}
	if got := st.Topics["rabbitmq-data"].Configs["segment.bytes"]; got != "1000000" {
		t.Errorf("segment.bytes = %q", got)
	}
	for _, topic := range []string{"_confluent-metrics", "__consumer_offsets", "connect-offsets", "_schemas", "my-stream-store-changelog"} {
		if !st.Ignored(topic) {
			t.Errorf("%s is not ignored", topic)
		}
	}
	if st.Ignored("connect-configs-my-connect-cluster") {
		t.Errorf("a declared topic is managed even under an ignored prefix")
	}
	want := `User:alice READ GROUP:LITERAL:* ALLOW
User:alice READ TOPIC:LITERAL:* ALLOW
User:alice WRITE TOPIC:LITERAL:test-topic ALLOW
User:myapp READ GROUP:LITERAL:my-group ALLOW
User:myapp READ TOPIC:PREFIXED:kafka. ALLOW
User:myapp DESCRIBE TOPIC:LITERAL:test-topic ALLOW
User:myapp READ TOPIC:LITERAL:test-topic ALLOW
User:myapp WRITE TOPIC:LITERAL:test-topic ALLOW
User:myconnectcluster READ GROUP:LITERAL:connect-rabbitmq-sink ALLOW
User:myconnectcluster READ GROUP:LITERAL:my-connect-cluster ALLOW
User:myconnectcluster READ TOPIC:LITERAL:connect-configs-my-connect-cluster ALLOW
User:myconnectcluster WRITE TOPIC:LITERAL:connect-configs-my-connect-cluster ALLOW
User:myconnectcluster READ TOPIC:LITERAL:connect-offsets-my-connect-cluster ALLOW
User:myconnectcluster WRITE TOPIC:LITERAL:connect-offsets-my-connect-cluster ALLOW
User:myconnectcluster READ TOPIC:LITERAL:connect-status-my-connect-cluster ALLOW
User:myconnectcluster WRITE TOPIC:LITERAL:connect-status-my-connect-cluster ALLOW
User:myconnectcluster DESCRIBE TOPIC:LITERAL:rabbitmq-data ALLOW
User:myconnectcluster READ TOPIC:LITERAL:rabbitmq-data ALLOW
User:mystream DESCRIBE_CONFIGS CLUSTER:LITERAL:kafka-cluster ALLOW
User:mystream DELETE GROUP:LITERAL:my-stream ALLOW
User:mystream DESCRIBE GROUP:LITERAL:my-stream ALLOW
User:mystream READ GROUP:LITERAL:my-stream ALLOW
User:mystream ALTER TOPIC:PREFIXED:my-stream ALLOW
User:mystream ALTER_CONFIGS TOPIC:PREFIXED:my-stream ALLOW
User:mystream CREATE TOPIC:PREFIXED:my-stream ALLOW
User:mystream DELETE TOPIC:PREFIXED:my-stream ALLOW
User:mystream DESCRIBE TOPIC:PREFIXED:my-stream ALLOW
User:mystream DESCRIBE_CONFIGS TOPIC:PREFIXED:my-stream ALLOW
User:mystream READ TOPIC:PREFIXED:my-stream ALLOW
User:mystream WRITE TOPIC:PREFIXED:my-stream ALLOW
User:mystream DESCRIBE TOPIC:LITERAL:test-topic ALLOW
User:mystream READ TOPIC:LITERAL:test-topic ALLOW
`
	if got := aclLines(st.ACLs()); got != want {
		t.Errorf("ACLs:\n%s\nwant:\n%s", got, want)
	}
}

func TestDeadLetters(t *testing.T) {
	src := `
settings:
  dead-letter:
    dlt-suffix: .DLT
topics:
  orders:
    partitions: 6
    replication: 3
    key: string
    events: [com.acme.OrderCreated]
services:
  billing:
    type: application
    principal: User:billing
    consumes: [orders]
    dead-letter:
      retries: 2
      configs:
        retention.ms: "604800000"
`
	st, err := Parse("state.yaml", []byte(src), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"orders-billing-retry-0", "orders-billing-retry-1", "orders.DLT"} {
		d := st.Topics[name]
		if d == nil {
			t.Fatalf("%s not derived; topics: %v", name, st.TopicNames())
		}
		if d.Partitions != 6 || d.Replication != 3 || d.Configs["retention.ms"] != "604800000" || d.DeadLetterOf != "orders" {
			t.Errorf("%s = %+v", name, d)
		}
	}
	if !st.IsDeadLetter("orders.DLT") || st.IsDeadLetter("orders-billing-retry-0") {
		t.Errorf("IsDeadLetter is wrong")
	}
	want := `User:billing READ GROUP:LITERAL:billing ALLOW
User:billing READ TOPIC:LITERAL:orders ALLOW
User:billing READ TOPIC:LITERAL:orders-billing-retry-0 ALLOW
User:billing WRITE TOPIC:LITERAL:orders-billing-retry-0 ALLOW
User:billing READ TOPIC:LITERAL:orders-billing-retry-1 ALLOW
User:billing WRITE TOPIC:LITERAL:orders-billing-retry-1 ALLOW
User:billing WRITE TOPIC:LITERAL:orders.DLT ALLOW
`
	if got := aclLines(st.ACLs()); got != want {
		t.Errorf("ACLs:\n%s\nwant:\n%s", got, want)
	}
	evs := st.Events()
	if len(evs) != 1 || evs[0].Type != "com.acme.OrderCreated" || evs[0].Pos.Line != 10 {
		t.Errorf("events: %+v", evs)
	}
	err = st.CheckTypes(func(string) bool { return false })
	if err == nil || !strings.HasPrefix(err.Error(), "state.yaml:10:14: topics.orders.events: com.acme.OrderCreated is not a type") {
		t.Errorf("CheckTypes: %v", err)
	}
}

func TestErrorsAreLocated(t *testing.T) {
	cases := []struct{ src, want string }{
		{"topics:\n  a:\n    partitions: 0\n    replication: 1\n", "x.yaml:3:17: topics.a.partitions: 0 is out of range (1 to 1048576)"},
		{"topics:\n  a:\n    partitons: 3\n", "x.yaml:3:5: topics.a: unknown key \"partitons\" (known keys: configs, events, key, partitions, replication)"},
		{"topics:\n  a b:\n    partitions: 1\n    replication: 1\n", "x.yaml:2:3: topic name \"a b\" may only hold"},
		{"topics:\n  a:\n    partitions: 1\n", "x.yaml:2:3: topics.a: missing replication"},
		{"services:\n  s:\n    type: app\n    principal: User:s\n", "x.yaml:3:11: services.s.type: \"app\" is not a service type"},
		{"services:\n  s:\n    type: application\n    principal: s\n", "x.yaml:4:16: services.s.principal: \"s\" is not a principal"},
		{"services:\n  s:\n    type: kafka-connect\n    principal: User:s\n    consumes: [a]\n", "x.yaml:5:5: services.s: a kafka-connect service has no \"consumes\""},
		{"users:\n  u:\n    principal: User:u\n    roles: [admin]\n", "x.yaml:4:13: users.u.roles: role \"admin\" does not exist"},
		{"customUserAcls:\n  nobody:\n    a:\n      name: t\n      type: TOPIC\n      pattern: LITERAL\n      host: '*'\n      operation: READ\n      permission: ALLOW\n", "x.yaml:3:5: customUserAcls.nobody: there is no user \"nobody\""},
		{"users:\n  u:\n    principal: User:u\ncustomUserAcls:\n  u:\n    a:\n      name: t\n      type: TOPIK\n", "x.yaml:6:5: customUserAcls.u.a: missing host"},
		{"subjects:\n  s:\n    compatibility: SOMETIMES\n", "x.yaml:3:20: subjects.s.compatibility: \"SOMETIMES\" is not a compatibility level"},
		{"topics: [a]\n", "x.yaml:1:9: topics: want a mapping"},
		{"topics:\n  a: {partitions: 1, replication: 1, events: [Order]}\n", "x.yaml:2:47: topics.a.events: \"Order\" is not a full Avro name"},
		{"settings:\n  ccloud:\n    enabled: true\n", "x.yaml:3:14: settings.ccloud.enabled: avroctl does not look up"},
		{"topics:\n  a:\n  - x\n  b: [\n", "x.yaml:4:1: did not find expected node content (the state file is YAML)"},
		{"services:\n  s:\n    type: application\n    principal: User:s\n    dead-letter: {retries: 1}\n", "x.yaml:5:18: services.s.dead-letter: the service consumes no topic"},
		{"services:\n  s:\n    type: application\n    principal: User:s\n    consumes: [t]\n    dead-letter: {retries: 1}\n", "x.yaml:5:16: services.s.dead-letter: its topics copy the partitions of t"},
		{"settings:\n  files:\n    topics: topics.yaml\n", "x.yaml:3:13: settings.files.topics: included files are read only"},
		{"a: &x {b: 1}\ntopics: *x\n", "x.yaml:1:1: state: unknown key \"a\""},
	}
	for _, c := range cases {
		_, err := Parse("x.yaml", []byte(c.src), nil)
		if err == nil {
			t.Errorf("%q: no error, want %s", c.src, c.want)
			continue
		}
		if !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q:\n got %v\nwant %s", c.src, err, c.want)
		}
	}
}

func TestIncludedFiles(t *testing.T) {
	files := map[string]string{"topics.yaml": "topics:\n  t:\n    partitions: 2\n    replication: 1\n", "users.yaml": "users:\n  u:\n    principal: User:u\n    roles: [sudo]\n"}
	read := func(name string) ([]byte, error) { return []byte(files[name]), nil }
	st, err := Parse("dir/state.yaml", []byte("settings:\n  files:\n    topics: topics.yaml\n"), read)
	if err != nil {
		t.Fatal(err)
	}
	if st.Topics["t"] == nil || st.Topics["t"].Pos.Filename != filepath.Join("dir", "topics.yaml") {
		t.Errorf("included topic: %+v", st.Topics["t"])
	}
	_, err = Parse("dir/state.yaml", []byte("settings:\n  files:\n    users: users.yaml\n"), read)
	if err == nil || !strings.Contains(err.Error(), filepath.Join("dir", "users.yaml")+":4:13: users.u.roles") {
		t.Errorf("error in an included file: %v", err)
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte("topics:\n  a:\n    partitions: 1\n    replication: 1\n"))
	f.Add([]byte("services:\n  s: {type: application, principal: 'User:s', consumes: [a], dead-letter: {retries: 2}}\ntopics: {a: {partitions: 1, replication: 1}}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		st, err := Parse("f.yaml", data, nil)
		if err == nil {
			st.ACLs()
			st.Events()
		}
	})
}
