package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kfake"
)

// kafkaProject writes a project (avroctl.yaml, one schema, a state file)
// and starts kfake and a registry; it returns the project's config path
// and the connection arguments. The password is in the environment only.
func kafkaProject(t *testing.T) (cfg string, conn []string) {
	t.Helper()
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.Ports(0), kfake.EnableSASL(), kfake.Superuser("SCRAM-SHA-512", "admin", "kafka-s3cret"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	t.Setenv("KAFKA_SASL_PASSWORD", "kafka-s3cret")
	dir := t.TempDir()
	write := func(name, text string) {
		os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755)
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("avroctl.yaml", "version: 1\nregistry:\n  strategy: topic-record\n  compatibility: FULL_TRANSITIVE\n  topics:\n    com.acme.Order: orders\nkafka:\n  state: kafka/state.yaml\n")
	write("schemas/com.acme.Order.avsc", `{"type":"record","name":"Order","namespace":"com.acme","fields":[{"name":"id","type":"string"}]}`)
	write("kafka/state.yaml", `topics:
  orders:
    partitions: 3
    replication: 1
    events: [com.acme.Order]
services:
  shop:
    type: application
    principal: User:shop
    produces: [orders]
`)
	return filepath.Join(dir, "avroctl.yaml"), []string{"--bootstrap-servers", c.ListenAddrs()[0], "--sasl-mechanism", "SCRAM-SHA-512",
		"--sasl-username", "admin", "--url", startRegistry(t)}
}

func TestKafkaPlanApplyImport(t *testing.T) {
	cfg, conn := kafkaProject(t)
	dir := filepath.Dir(cfg)
	run := func(args ...string) (int, string, string) {
		t.Helper()
		code, out, errs := runRegistryCLI(t, append(append([]string{"--config", cfg}, args...), conn...)...)
		if strings.Contains(out+errs, "kafka-s3cret") {
			t.Fatalf("a secret was printed:\n%s%s", out, errs)
		}
		return code, out, errs
	}
	plan := filepath.Join(dir, "plan.json")
	code, out, errs := run("kafka", "plan", "--out", plan)
	if code != 1 || !strings.Contains(out, "+ topic orders (partitions 3, replication 1)") || !strings.Contains(out, "+ schema orders-com.acme.Order") {
		t.Fatalf("plan: exit %d\n%s%s", code, out, errs)
	}
	code, out, errs = run("kafka", "plan", "--error-format", "junit")
	if code != 1 || !strings.Contains(out, `<testsuite name="avroctl kafka plan" tests="4" failures="4"`) || !strings.Contains(out, "TOPIC_CREATE topic orders") {
		t.Fatalf("plan as JUnit: exit %d\n%s%s", code, out, errs)
	}
	if code, out, errs = run("kafka", "apply", "--plan", plan); code != 0 || !strings.Contains(out, "Applied 4 changes.") {
		t.Fatalf("apply --plan: exit %d\n%s%s", code, out, errs)
	}
	if code, out, errs = run("kafka", "plan"); code != 0 || !strings.Contains(out, "No changes") {
		t.Fatalf("re-plan: exit %d\n%s%s", code, out, errs)
	}
	// The saved plan no longer matches the cluster: apply refuses it.
	if code, _, errs = run("kafka", "apply", "--plan", plan); code != 2 || !strings.Contains(errs, "changed since the plan was made") {
		t.Fatalf("stale plan: exit %d\n%s", code, errs)
	}
	imported := filepath.Join(dir, "imported.yaml")
	if code, out, errs = run("kafka", "import", "--out", imported); code != 0 {
		t.Fatalf("import: exit %d\n%s%s", code, out, errs)
	}
	if code, out, errs = run("kafka", "plan", "--state", imported, "-o", "json"); code != 0 || !strings.Contains(out, `"topics": []`) {
		t.Fatalf("plan of the imported state: exit %d\n%s%s", code, out, errs)
	}
}

func TestKafkaPlanErrors(t *testing.T) {
	cfg, conn := kafkaProject(t)
	bad := filepath.Join(filepath.Dir(cfg), "bad.yaml")
	os.WriteFile(bad, []byte("topics:\n  orders:\n    partitions: three\n"), 0o644)
	code, _, errs := runRegistryCLI(t, append([]string{"--config", cfg, "kafka", "plan", "--state", bad}, conn...)...)
	if code != 2 || !strings.Contains(errs, "bad.yaml:3:17: topics.orders.partitions: want a whole number") {
		t.Errorf("bad state: exit %d\n%s", code, errs)
	}
	code, _, errs = runRegistryCLI(t, "--config", cfg, "kafka", "plan", "--bootstrap-servers", "")
	if code != 2 || !strings.Contains(errs, "no bootstrap servers") {
		t.Errorf("no servers: exit %d\n%s", code, errs)
	}
}

func TestLintTopics(t *testing.T) {
	cfg, _ := kafkaProject(t)
	code, out, errs := runRegistryCLI(t, "--config", cfg, "lint")
	if code != 1 || !strings.Contains(out, "state.yaml:2:3: TOPIC_REPLICATION topic orders: topic orders has replication 1") ||
		!strings.Contains(out, "TOPIC_MIN_INSYNC_REPLICAS") {
		t.Errorf("lint: exit %d\n%s%s", code, out, errs)
	}
}

// TestKafkaConnectionFromEnvironment: with the KAFKA_* variables alone (as
// CI passes them), no connection flag is needed, and help does not print
// their values.
func TestKafkaConnectionFromEnvironment(t *testing.T) {
	cfg, conn := kafkaProject(t)
	t.Setenv("KAFKA_BOOTSTRAP_SERVERS", conn[1])
	t.Setenv("KAFKA_SASL_MECHANISM", "scram-sha-512")
	t.Setenv("KAFKA_SASL_USERNAME", "admin")
	code, out, errs := runRegistryCLI(t, "--config", cfg, "kafka", "plan", "--url", conn[len(conn)-1])
	if code != 1 || !strings.Contains(out, "+ topic orders") {
		t.Fatalf("plan from the environment: exit %d\n%s%s", code, out, errs)
	}
	_, help, _ := runRegistryCLI(t, "kafka", "plan", "--help")
	if strings.Contains(help, conn[1]) || strings.Contains(help, "kafka-s3cret") {
		t.Errorf("help prints the environment's values:\n%s", help)
	}
}
