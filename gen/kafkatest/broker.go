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
	// Brokers is the number of broker processes (default 1). Node 1 is
	// broker and controller (KRaft combined mode); nodes 2..n are brokers
	// only, voting nothing, so that more brokers cost one JVM each and no
	// quorum. Internal topics are replicated min(Brokers, 3) times; topics
	// a test creates get the replication it asks for.
	Brokers int
	// StartTimeout bounds a start from launch to ready (default 2 minutes:
	// the broker takes about 10 s on an idle machine, far more on a busy
	// CI runner).
	StartTimeout time.Duration
	// Logf, when set, receives the fixture's progress lines (fetching the
	// jars, the broker's address). Start(tb, ...) uses tb.Logf.
	Logf func(format string, args ...any)
}

// Broker is a Kafka cluster of Options.Brokers processes on 127.0.0.1
// (one by default; "broker" because that is what tests talk to). Its
// methods are safe for concurrent use.
type Broker struct {
	opts      Options
	dir       string // temp dir: one sub-directory per node
	java      string
	classpath string
	cport     int    // node 1's controller listener
	brokerPwd string // the nodes' own SASL password
	nodes     []*node
}

// node is one broker process: its config, data and log in dir.
type node struct {
	id   int
	port int // client listener
	dir  string

	mu   sync.Mutex
	proc *process // nil when stopped
	logs *os.File
}

// brokerUser is the broker's own SASL identity for inter-broker requests.
const brokerUser = "kafkatest-broker"

// StartBroker fetches the jars if needed, formats fresh log directories and
// starts the cluster, returning when every node serves requests. The
// caller must Close it. Tests use Start instead.
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
	if opts.Brokers <= 0 {
		opts.Brokers = 1
	}
	if opts.Brokers > 9 {
		return nil, fmt.Errorf("kafkatest: %d brokers: at most 9 (each is a JVM of up to 1 GiB)", opts.Brokers)
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
	b := &Broker{opts: opts, dir: dir, java: java, classpath: filepath.Join(jars.Dir, "*"), brokerPwd: randomID()}
	ports, err := freePorts(opts.Brokers + 1)
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	b.cport = ports[0]
	for i := range opts.Brokers {
		nd := &node{id: i + 1, port: ports[i+1], dir: filepath.Join(dir, fmt.Sprintf("node-%d", i+1))}
		if err := os.MkdirAll(nd.dir, 0o700); err != nil {
			os.RemoveAll(dir)
			return nil, fmt.Errorf("kafkatest: %v", err)
		}
		b.nodes = append(b.nodes, nd)
	}
	cluster := clusterID()
	if err := b.each(func(nd *node) error { return b.format(ctx, nd, cluster) }); err != nil {
		return nil, err // dir kept: it holds the output
	}
	if err := b.each(func(nd *node) error { return b.start(ctx, nd) }); err != nil {
		b.Kill()
		return nil, err
	}
	return b, nil
}

// each runs f on every node at once and returns the first error.
func (b *Broker) each(f func(*node) error) error {
	errs := make([]error, len(b.nodes))
	var wg sync.WaitGroup
	for i, nd := range b.nodes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = f(nd)
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// Bootstrap returns the client listeners' addresses, comma-separated as
// bootstrap.servers wants them: "127.0.0.1:port[,127.0.0.1:port...]".
func (b *Broker) Bootstrap() string { return strings.Join(b.Addrs(), ",") }

// Addrs returns each node's client listener address, node 1 first.
func (b *Broker) Addrs() []string {
	out := make([]string, len(b.nodes))
	for i, nd := range b.nodes {
		out[i] = nd.addr()
	}
	return out
}

func (nd *node) addr() string { return "127.0.0.1:" + strconv.Itoa(nd.port) }

// Nodes returns the number of broker processes.
func (b *Broker) Nodes() int { return len(b.nodes) }

// SASL reports whether the client listeners want SASL/PLAIN.
func (b *Broker) SASL() bool { return len(b.opts.Users) > 0 }

// Dir returns the cluster's directory: per node, node-<id>/ with
// server.properties, data/ and broker.log (the JVM's output).
func (b *Broker) Dir() string { return b.dir }

// LogPath returns the file node 1's output goes to.
func (b *Broker) LogPath() string { return b.nodes[0].logPath() }

func (nd *node) logPath() string { return filepath.Join(nd.dir, "broker.log") }

// Running reports whether every node's process is up.
func (b *Broker) Running() bool {
	for _, nd := range b.nodes {
		if !nd.running() {
			return false
		}
	}
	return true
}

func (nd *node) running() bool {
	nd.mu.Lock()
	defer nd.mu.Unlock()
	return nd.proc != nil && !nd.proc.exited()
}

// Stop shuts every node down cleanly (SIGTERM: each flushes its logs and
// leaves its data ready for Restart), killing one that has not exited
// within 60 s. Stopping a stopped broker does nothing.
func (b *Broker) Stop() error {
	// Brokers before the controller, so that their controlled shutdowns
	// have a controller to talk to.
	var errs []error
	for i := len(b.nodes) - 1; i >= 0; i-- {
		errs = append(errs, b.nodes[i].stop(false))
	}
	return errors.Join(errs...)
}

// Kill ends every node with SIGKILL, as a crash would: what a node had not
// written to disk is lost, as on a real broker. Restart brings them back.
func (b *Broker) Kill() error {
	for _, nd := range b.nodes {
		nd.stop(true)
	}
	return nil
}

// Restart stops the running nodes cleanly, then starts them all again on
// the same ports and data, returning when they serve requests. Clients
// keep their bootstrap addresses and reconnect on their own.
func (b *Broker) Restart(ctx context.Context) error {
	if err := b.Stop(); err != nil {
		return err
	}
	return b.each(func(nd *node) error { return b.start(ctx, nd) })
}

// StopNode stops node id (1..Nodes) cleanly, or with SIGKILL if kill; the
// other nodes keep running. StartNode brings it back.
func (b *Broker) StopNode(id int, kill bool) error {
	nd, err := b.node(id)
	if err != nil {
		return err
	}
	return nd.stop(kill)
}

// StartNode starts node id again and waits until it serves requests.
func (b *Broker) StartNode(ctx context.Context, id int) error {
	nd, err := b.node(id)
	if err != nil {
		return err
	}
	return b.start(ctx, nd)
}

func (b *Broker) node(id int) (*node, error) {
	if id < 1 || id > len(b.nodes) {
		return nil, fmt.Errorf("kafkatest: no node %d (nodes are 1..%d)", id, len(b.nodes))
	}
	return b.nodes[id-1], nil
}

// Close kills the cluster and removes its directory. The data is thrown
// away, so there is nothing a clean shutdown would save, and a kill takes
// milliseconds where a clean shutdown takes seconds.
func (b *Broker) Close() error {
	b.Kill()
	for _, nd := range b.nodes {
		nd.mu.Lock()
		if nd.logs != nil {
			nd.logs.Close()
			nd.logs = nil
		}
		nd.mu.Unlock()
	}
	return os.RemoveAll(b.dir)
}

// LogTail returns up to the last n bytes of each node's output, node 1
// first, each under a heading when there are several nodes.
func (b *Broker) LogTail(n int) string {
	var sb strings.Builder
	for _, nd := range b.nodes {
		data, _ := os.ReadFile(nd.logPath())
		if len(b.nodes) > 1 {
			fmt.Fprintf(&sb, "--- node %d (%s) ---\n", nd.id, nd.logPath())
		}
		sb.Write(tail(data, n))
	}
	return sb.String()
}

func (nd *node) logTail(n int) string {
	data, _ := os.ReadFile(nd.logPath())
	return string(tail(data, n))
}

func (nd *node) stop(kill bool) error {
	nd.mu.Lock()
	p := nd.proc
	nd.proc = nil
	nd.mu.Unlock()
	if p == nil {
		return nil
	}
	if kill {
		p.signal(true)
		<-p.done
		return nil
	}
	p.signal(false)
	t := time.NewTimer(60 * time.Second)
	defer t.Stop()
	select {
	case <-p.done:
	case <-t.C:
		p.signal(true)
		<-p.done
		return fmt.Errorf("kafkatest: node %d did not stop within 60 s of SIGTERM; killed it (log: %s)", nd.id, nd.logPath())
	}
	return nil
}

// properties returns server.properties: one node that is broker and
// controller (KRaft combined mode), sized for one machine.
func (b *Broker) properties(nd *node) string {
	listener := "PLAINTEXT"
	if b.SASL() {
		listener = "SASL_PLAINTEXT"
	}
	rf := strconv.Itoa(min(len(b.nodes), 3))
	p := map[string]string{
		"process.roles":                    "broker",
		"node.id":                          strconv.Itoa(nd.id),
		"controller.quorum.voters":         fmt.Sprintf("1@127.0.0.1:%d", b.cport),
		"controller.listener.names":        "CONTROLLER",
		"listeners":                        fmt.Sprintf("%s://127.0.0.1:%d", listener, nd.port),
		"advertised.listeners":             fmt.Sprintf("%s://127.0.0.1:%d", listener, nd.port),
		"inter.broker.listener.name":       listener,
		"listener.security.protocol.map":   "PLAINTEXT:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT",
		"log.dirs":                         filepath.Join(nd.dir, "data"),
		"num.partitions":                   "1",
		"default.replication.factor":       "1",
		"min.insync.replicas":              "1",
		"offsets.topic.replication.factor": rf,
		// Fewer internal partitions than the default 50: creating them is
		// most of a first consumer group's join time on a fresh broker.
		"offsets.topic.num.partitions":                     "4",
		"transaction.state.log.replication.factor":         "1",
		"transaction.state.log.min.isr":                    "1",
		"transaction.state.log.num.partitions":             "4",
		"share.coordinator.state.topic.replication.factor": rf,
		"share.coordinator.state.topic.min.isr":            "1",
		"group.initial.rebalance.delay.ms":                 "0",
		"auto.create.topics.enable":                        strconv.FormatBool(b.opts.AutoCreateTopics),
	}
	if nd.id == 1 {
		p["process.roles"] = "broker,controller"
		p["listeners"] += fmt.Sprintf(",CONTROLLER://127.0.0.1:%d", b.cport)
	}
	if b.SASL() {
		p["sasl.enabled.mechanisms"] = "PLAIN"
		p["sasl.mechanism.inter.broker.protocol"] = "PLAIN"
		// The JAAS entry holds the passwords; it lives in this file (mode
		// 0600), never in argv, and Kafka prints it as [hidden].
		pass := b.brokerPwd
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
func (b *Broker) format(ctx context.Context, nd *node, cluster string) error {
	conf := filepath.Join(nd.dir, "server.properties")
	if err := os.WriteFile(conf, []byte(b.properties(nd)), 0o600); err != nil {
		return fmt.Errorf("kafkatest: %v", err)
	}
	cmd := exec.CommandContext(ctx, b.java, append(jvmArgs(b.classpath, true),
		"kafka.tools.StorageTool", "format", "--cluster-id", cluster, "--config", conf)...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("kafkatest: formatting node %d's log directory failed: %v\n%s", nd.id, err, tail(out.Bytes(), 4000))
	}
	return nil
}

// startedLine is what KafkaRaftServer logs once the broker is unfenced and
// its listeners accept requests.
const startedLine = "Kafka Server started"

// start launches the JVM and waits until it is ready: the started line in
// its output, then an ApiVersions round trip on the client listener. It
// never sleeps: it waits on the output, the process's exit and the timeout.
func (b *Broker) start(ctx context.Context, nd *node) error {
	nd.mu.Lock()
	defer nd.mu.Unlock()
	if nd.proc != nil {
		return fmt.Errorf("kafkatest: node %d already running", nd.id)
	}
	if nd.logs == nil {
		f, err := os.OpenFile(nd.logPath(), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
		if err != nil {
			return fmt.Errorf("kafkatest: %v", err)
		}
		nd.logs = f
	}
	fmt.Fprintf(nd.logs, "=== kafkatest: starting Apache Kafka %s node %d at %s ===\n", Version, nd.id, time.Now().UTC().Format(time.RFC3339Nano))
	w := newWatcher(nd.logs, startedLine)
	cmd := exec.Command(b.java, append(jvmArgs(b.classpath, false),
		"kafka.Kafka", filepath.Join(nd.dir, "server.properties"))...)
	cmd.Dir = nd.dir
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
		return fmt.Errorf("kafkatest: node %d exited before it was ready (%v); its output:\n%s", nd.id, p.err, nd.logTail(6000))
	case <-ctx.Done():
		p.signal(true)
		<-p.done
		return fmt.Errorf("kafkatest: node %d was not ready within %v (%v); its output:\n%s", nd.id, b.opts.StartTimeout, ctx.Err(), nd.logTail(6000))
	}
	if err := apiVersions(ctx, nd.addr()); err != nil {
		p.signal(true)
		<-p.done
		return fmt.Errorf("kafkatest: node %d logged %q but does not answer ApiVersions on %s: %v", nd.id, startedLine, nd.addr(), err)
	}
	nd.proc = p
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
//
// Like Kafka's Uuid.randomUuid, it never returns an id that begins with '-':
// one id in 64 would, and kafka-storage's argument parser reads such a value
// as an option ("argument --cluster-id/-t: expected one argument"), which
// failed a CI run.
func clusterID() string {
	for {
		var u [16]byte
		rand.Read(u[:])
		u[6] = u[6]&0x0f | 0x40 // version 4, as Kafka's Uuid.randomUuid
		u[8] = u[8]&0x3f | 0x80
		if id := base64.RawURLEncoding.EncodeToString(u[:]); id[0] != '-' {
			return id
		}
	}
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
