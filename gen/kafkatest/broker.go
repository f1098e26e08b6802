package kafkatest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Options configure a broker. The zero value is one PLAINTEXT listener, no
// authentication, no authorizer, and no topic auto-creation.
type Options struct {
	// Users, when not empty, makes the client listener SASL_PLAINTEXT with
	// the PLAIN mechanism and these user names and passwords. Clients must
	// then authenticate as one of them.
	Users map[string]string
	// Authorizer turns on KRaft's StandardAuthorizer: without an ACL that
	// allows it, an operation is denied (allow.everyone.if.no.acl.found is
	// false). It needs Users, since every PLAINTEXT client is ANONYMOUS.
	Authorizer bool
	// SuperUsers are user names (from Users) that the authorizer lets do
	// everything, e.g. the admin a test creates ACLs with.
	SuperUsers []string
	// AutoCreateTopics lets the broker create a topic on first use. Off by
	// default, as in production, so that a missing topic is an error a test
	// can see.
	AutoCreateTopics bool
	// Properties are extra server.properties entries; they override the
	// fixture's own.
	Properties map[string]string
	// StartTimeout bounds a start from launch to ready (default 2 minutes:
	// the broker takes about 10 s on an idle machine, far more on a busy
	// CI runner).
	StartTimeout time.Duration
	// Logf, when set, receives the fixture's progress lines (fetching the
	// jars, the broker's address). Start(tb, ...) uses tb.Logf.
	Logf func(format string, args ...any)
}

// Broker is one Apache Kafka process in KRaft combined mode (broker and
// controller in one JVM) on 127.0.0.1. Its methods are safe for concurrent
// use.
type Broker struct {
	opts      Options
	dir       string // temp dir: server.properties, data/, broker.log
	java      string
	classpath string
	port      int // client listener
	cport     int // controller listener

	mu   sync.Mutex
	proc *process // nil when stopped
	logs *os.File
}

// brokerUser is the broker's own SASL identity for inter-broker requests.
const brokerUser = "kafkatest-broker"

// StartBroker fetches the jars if needed, formats a fresh log directory and
// starts a broker, returning when it serves requests. The caller must Close
// it. Tests use Start instead.
func StartBroker(ctx context.Context, opts Options) (*Broker, error) {
	if opts.Authorizer && len(opts.Users) == 0 {
		return nil, errors.New("kafkatest: Options.Authorizer needs Options.Users: a PLAINTEXT client is ANONYMOUS, which the authorizer cannot tell apart")
	}
	for _, u := range opts.SuperUsers {
		if _, ok := opts.Users[u]; !ok {
			return nil, fmt.Errorf("kafkatest: super user %q is not in Options.Users", u)
		}
	}
	for u := range opts.Users {
		if u == brokerUser || strings.ContainsAny(u, "\"\\;=") {
			return nil, fmt.Errorf("kafkatest: user name %q is reserved or holds a character the JAAS config cannot carry (\" \\ ; =)", u)
		}
	}
	java, err := findJava()
	if err != nil {
		return nil, err
	}
	jars, err := FetchJars(ctx, opts.Logf)
	if err != nil {
		return nil, err
	}
	if opts.StartTimeout <= 0 {
		opts.StartTimeout = 2 * time.Minute
	}
	dir, err := os.MkdirTemp("", "kafkatest-")
	if err != nil {
		return nil, fmt.Errorf("kafkatest: %v", err)
	}
	b := &Broker{opts: opts, dir: dir, java: java, classpath: filepath.Join(jars.Dir, "*")}
	ports, err := freePorts(2)
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	b.port, b.cport = ports[0], ports[1]
	if err := b.format(ctx); err != nil {
		return nil, err // dir kept: it holds the log
	}
	if err := b.start(ctx); err != nil {
		return nil, err
	}
	return b, nil
}

// Bootstrap returns the client listener's address, "127.0.0.1:port".
func (b *Broker) Bootstrap() string { return "127.0.0.1:" + strconv.Itoa(b.port) }

// SASL reports whether the client listener wants SASL/PLAIN.
func (b *Broker) SASL() bool { return len(b.opts.Users) > 0 }

// Dir returns the broker's directory: server.properties, data/ and
// broker.log (the JVM's output).
func (b *Broker) Dir() string { return b.dir }

// LogPath returns the file the broker's output goes to.
func (b *Broker) LogPath() string { return filepath.Join(b.dir, "broker.log") }

// Running reports whether the broker process is up.
func (b *Broker) Running() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.proc != nil && !b.proc.exited()
}

// Stop shuts the broker down cleanly (SIGTERM: it flushes its logs and
// leaves the data directory ready for Restart), killing it if it has not
// exited within 60 s. Stopping a stopped broker does nothing.
func (b *Broker) Stop() error { return b.stop(false) }

// Kill ends the broker with SIGKILL, as a crash would: what it had not
// written to disk is lost, as on a real broker. Restart brings it back.
func (b *Broker) Kill() error { return b.stop(true) }

// Restart stops the broker cleanly if it runs, then starts it again on the
// same ports and data, returning when it serves requests. Clients keep their
// bootstrap address and reconnect on their own.
func (b *Broker) Restart(ctx context.Context) error {
	if err := b.Stop(); err != nil {
		return err
	}
	return b.start(ctx)
}

// Close kills the broker and removes its directory. The data is thrown
// away, so there is nothing a clean shutdown would save, and a kill takes
// milliseconds where a clean shutdown takes seconds.
func (b *Broker) Close() error {
	err := b.Kill()
	b.mu.Lock()
	if b.logs != nil {
		b.logs.Close()
		b.logs = nil
	}
	b.mu.Unlock()
	if rmErr := os.RemoveAll(b.dir); err == nil {
		err = rmErr
	}
	return err
}

// LogTail returns up to the last n bytes of the broker's output.
func (b *Broker) LogTail(n int) string {
	data, _ := os.ReadFile(b.LogPath())
	return string(tail(data, n))
}

func (b *Broker) stop(kill bool) error {
	b.mu.Lock()
	p := b.proc
	b.proc = nil
	b.mu.Unlock()
	if p == nil {
		return nil
	}
	if kill {
		p.signal(true)
		<-p.done
		return nil
	}
	p.signal(false)
	select {
	case <-p.done:
	case <-time.After(60 * time.Second):
		p.signal(true)
		<-p.done
		return fmt.Errorf("kafkatest: broker did not stop within 60 s of SIGTERM; killed it (log: %s)", b.LogPath())
	}
	return nil
}

// properties returns server.properties: one node that is broker and
// controller (KRaft combined mode), sized for one machine.
func (b *Broker) properties() string {
	listener := "PLAINTEXT"
	if b.SASL() {
		listener = "SASL_PLAINTEXT"
	}
	p := map[string]string{
		"process.roles":                    "broker,controller",
		"node.id":                          "1",
		"controller.quorum.voters":         fmt.Sprintf("1@127.0.0.1:%d", b.cport),
		"controller.listener.names":        "CONTROLLER",
		"listeners":                        fmt.Sprintf("%s://127.0.0.1:%d,CONTROLLER://127.0.0.1:%d", listener, b.port, b.cport),
		"advertised.listeners":             fmt.Sprintf("%s://127.0.0.1:%d", listener, b.port),
		"inter.broker.listener.name":       listener,
		"listener.security.protocol.map":   "PLAINTEXT:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT",
		"log.dirs":                         filepath.Join(b.dir, "data"),
		"num.partitions":                   "1",
		"default.replication.factor":       "1",
		"min.insync.replicas":              "1",
		"offsets.topic.replication.factor": "1",
		// Fewer internal partitions than the default 50: creating them is
		// most of a first consumer group's join time on a fresh broker.
		"offsets.topic.num.partitions":                     "4",
		"transaction.state.log.replication.factor":         "1",
		"transaction.state.log.min.isr":                    "1",
		"transaction.state.log.num.partitions":             "4",
		"share.coordinator.state.topic.replication.factor": "1",
		"share.coordinator.state.topic.min.isr":            "1",
		"group.initial.rebalance.delay.ms":                 "0",
		"auto.create.topics.enable":                        strconv.FormatBool(b.opts.AutoCreateTopics),
	}
	if b.SASL() {
		p["sasl.enabled.mechanisms"] = "PLAIN"
		p["sasl.mechanism.inter.broker.protocol"] = "PLAIN"
		// The JAAS entry holds the passwords; it lives in this file (mode
		// 0600), never in argv, and Kafka prints it as [hidden].
		pass := randomID()
		jaas := `org.apache.kafka.common.security.plain.PlainLoginModule required username="` + brokerUser +
			`" password="` + pass + `" user_` + brokerUser + `="` + pass + `"`
		for _, u := range sortedKeys(b.opts.Users) {
			jaas += ` user_` + u + `="` + jaasEscape(b.opts.Users[u]) + `"`
		}
		p["listener.name.sasl_plaintext.plain.sasl.jaas.config"] = jaas + ";"
	}
	if b.opts.Authorizer {
		p["authorizer.class.name"] = "org.apache.kafka.metadata.authorizer.StandardAuthorizer"
		p["allow.everyone.if.no.acl.found"] = "false"
		// ANONYMOUS is the broker talking to its own controller over the
		// PLAINTEXT controller listener; clients only reach the SASL
		// listener, where nobody is ANONYMOUS.
		supers := []string{"User:ANONYMOUS", "User:" + brokerUser}
		for _, u := range b.opts.SuperUsers {
			supers = append(supers, "User:"+u)
		}
		p["super.users"] = strings.Join(supers, ";")
	}
	for k, v := range b.opts.Properties {
		p[k] = v
	}
	var sb strings.Builder
	for _, k := range sortedKeys(p) {
		sb.WriteString(k + "=" + propEscape(p[k]) + "\n")
	}
	return sb.String()
}

// format writes server.properties and runs Kafka's StorageTool, what
// `kafka-storage.sh format` does.
func (b *Broker) format(ctx context.Context) error {
	conf := filepath.Join(b.dir, "server.properties")
	if err := os.WriteFile(conf, []byte(b.properties()), 0o600); err != nil {
		return fmt.Errorf("kafkatest: %v", err)
	}
	cmd := exec.CommandContext(ctx, b.java, append(jvmArgs(b.classpath, true),
		"kafka.tools.StorageTool", "format", "--cluster-id", clusterID(), "--config", conf)...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("kafkatest: formatting the log directory failed: %v\n%s", err, tail(out.Bytes(), 4000))
	}
	return nil
}

// startedLine is what KafkaRaftServer logs once the broker is unfenced and
// its listeners accept requests.
const startedLine = "Kafka Server started"

// start launches the JVM and waits until it is ready: the started line in
// its output, then an ApiVersions round trip on the client listener. It
// never sleeps: it waits on the output, the process's exit and the timeout.
func (b *Broker) start(ctx context.Context) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.proc != nil {
		return errors.New("kafkatest: broker already running")
	}
	if b.logs == nil {
		f, err := os.OpenFile(b.LogPath(), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
		if err != nil {
			return fmt.Errorf("kafkatest: %v", err)
		}
		b.logs = f
	}
	fmt.Fprintf(b.logs, "=== kafkatest: starting Apache Kafka %s at %s ===\n", Version, time.Now().UTC().Format(time.RFC3339Nano))
	w := newWatcher(b.logs, startedLine)
	cmd := exec.Command(b.java, append(jvmArgs(b.classpath, false),
		"kafka.Kafka", filepath.Join(b.dir, "server.properties"))...)
	cmd.Dir = b.dir
	cmd.Stdout, cmd.Stderr = w, w
	p, err := launch(cmd)
	if err != nil {
		return fmt.Errorf("kafkatest: starting java: %v", err)
	}
	ctx, cancel := context.WithTimeout(ctx, b.opts.StartTimeout)
	defer cancel()
	select {
	case <-w.found:
	case <-p.done:
		return fmt.Errorf("kafkatest: the broker exited before it was ready (%v); its output:\n%s", p.err, b.LogTail(6000))
	case <-ctx.Done():
		p.signal(true)
		<-p.done
		return fmt.Errorf("kafkatest: the broker was not ready within %v (%v); its output:\n%s", b.opts.StartTimeout, ctx.Err(), b.LogTail(6000))
	}
	if err := apiVersions(ctx, b.Bootstrap()); err != nil {
		p.signal(true)
		<-p.done
		return fmt.Errorf("kafkatest: the broker logged %q but does not answer ApiVersions on %s: %v", startedLine, b.Bootstrap(), err)
	}
	b.proc = p
	return nil
}

// jvmArgs are the java flags before the main class. The short-lived
// StorageTool stops at the C1 compiler, which halves its start; the broker
// keeps the full JIT for throughput (benchmarks run on it).
func jvmArgs(classpath string, tool bool) []string {
	args := []string{"-cp", classpath, "-Djava.awt.headless=true",
		"-Dorg.slf4j.simpleLogger.logFile=System.out",
		"-Dorg.slf4j.simpleLogger.showDateTime=true",
		"-Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS",
		"-Dorg.slf4j.simpleLogger.defaultLogLevel=info",
	}
	if tool {
		return append(args, "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-Xmx256m")
	}
	return append(args, "-Xms256m", "-Xmx1g", "-XX:+UseG1GC")
}

// findJava returns $JAVA_HOME/bin/java when JAVA_HOME is set, else java
// on the PATH.
func findJava() (string, error) {
	if home := os.Getenv("JAVA_HOME"); home != "" {
		j := filepath.Join(home, "bin", "java")
		if _, err := os.Stat(j); err == nil {
			return j, nil
		}
	}
	j, err := exec.LookPath("java")
	if err != nil {
		return "", &MissingToolError{Tool: "java", Why: "the Kafka " + Version + " broker runs on it"}
	}
	return j, nil
}

// freePorts reserves n distinct free ports on 127.0.0.1 by listening on
// port 0, then releases them for the broker to bind.
func freePorts(n int) ([]int, error) {
	var ports []int
	var ls []net.Listener
	defer func() {
		for _, l := range ls {
			l.Close()
		}
	}()
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("kafkatest: no free port on 127.0.0.1: %v", err)
		}
		ls = append(ls, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

// clusterID returns a random KRaft cluster id: 16 bytes, base64url without
// padding, as `kafka-storage random-uuid` prints.
func clusterID() string {
	var u [16]byte
	rand.Read(u[:])
	u[6] = u[6]&0x0f | 0x40 // version 4, as Kafka's Uuid.randomUuid
	u[8] = u[8]&0x3f | 0x80
	return base64.RawURLEncoding.EncodeToString(u[:])
}

func randomID() string {
	var u [18]byte
	rand.Read(u[:])
	return base64.RawURLEncoding.EncodeToString(u[:])
}

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// jaasEscape escapes a quoted JAAS option value.
func jaasEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s)
}

// propEscape escapes a java.util.Properties value: backslashes, and
// newlines that would end the entry.
func propEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, "\n", `\n`, "\r", `\r`).Replace(s)
}
