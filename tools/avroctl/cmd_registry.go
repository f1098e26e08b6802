package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"
	"github.com/twmb/franz-go/pkg/sr"

	"gitlab.com/acme/avroctl/gen/compat/report"
	"gitlab.com/acme/avroctl/gen/config"
	"gitlab.com/acme/avroctl/gen/kafkaplan"
	"gitlab.com/acme/avroctl/gen/registry"
	"gitlab.com/acme/avroctl/gen/registry/server"
	"gitlab.com/acme/avroctl/gen/registry/store"
)

func init() { register(newRegistryCmd) }

// Flag names of the registry commands.
const (
	regFlagURL       = "url"
	regFlagUsername  = "username"
	regFlagToken     = "token"
	regFlagCert      = "cert"
	regFlagKey       = "key"
	regFlagCA        = "ca"
	regFlagTimeout   = "timeout"
	regFlagOutput    = "output"
	regFlagSchemas   = "schemas"
	regFlagStrategy  = "strategy"
	regFlagTopic     = "topic"
	regFlagDryRun    = "dry-run"
	regFlagListen    = "listen"
	regFlagData      = "data"
	regFlagBasicAuth = "basic-auth"
	regFlagAuthFile  = "basic-auth-file"
	// serve's deadlines and limits
	regFlagReadHeaderTimeout = "read-header-timeout"
	regFlagReadTimeout       = "read-timeout"
	regFlagWriteTimeout      = "write-timeout"
	regFlagIdleTimeout       = "idle-timeout"
	regFlagMaxConns          = "max-connections"
	regFlagMaxBodyInFlight   = "max-body-bytes-in-flight"
	regFlagParseCacheBytes   = "parse-cache-bytes"
	regFlagReadOnly          = "read-only"
	regFlagDeleted           = "deleted"
	regFlagVersion           = "version"
	regFlagDir               = "dir"
	regFlagPermanent         = "permanent"
)

// regClientFlags are the connection flags of every client command. The
// password and token are read from the environment only unless given as
// flags, and they are never printed.
type regClientFlags struct {
	opts    registry.ClientOptions
	timeout time.Duration
	output  string
}

func (f *regClientFlags) bind(cmd *cobra.Command) {
	env := registry.ClientOptionsFromEnv(nil)
	f.opts = env
	fl := cmd.PersistentFlags()
	fl.StringVar(&f.opts.URL, regFlagURL, env.URL, "registry URL ($"+registry.EnvURL+" when set)")
	// The variables are read when the client is made (client()), so that
	// help names them once instead of also printing their values.
	fl.StringVar(&f.opts.Username, regFlagUsername, "", "basic auth user (default $"+registry.EnvUsername+"; password from $"+registry.EnvPassword+")")
	fl.StringVar(&f.opts.Token, regFlagToken, "", "bearer token (prefer $"+registry.EnvToken+": flags show up in process lists)")
	fl.StringVar(&f.opts.CertFile, regFlagCert, "", "mTLS client certificate (PEM; default $"+registry.EnvCertFile+")")
	fl.StringVar(&f.opts.KeyFile, regFlagKey, "", "mTLS client key (PEM; default $"+registry.EnvKeyFile+")")
	fl.StringVar(&f.opts.CAFile, regFlagCA, "", "CA certificate that signed the registry (PEM; default $"+registry.EnvCAFile+")")
	fl.DurationVar(&f.timeout, regFlagTimeout, 30*time.Second, "timeout of each HTTP attempt (5xx and connection errors are retried with backoff)")
	fl.StringVarP(&f.output, regFlagOutput, "o", "text", "output format: text|json")
}

func (f *regClientFlags) client() (*sr.Client, error) {
	o := f.opts
	env := registry.ClientOptionsFromEnv(nil)
	for _, v := range []struct {
		dst *string
		env string
	}{
		{&o.Username, env.Username}, {&o.Token, env.Token}, {&o.CertFile, env.CertFile}, {&o.KeyFile, env.KeyFile}, {&o.CAFile, env.CAFile},
	} {
		if *v.dst == "" {
			*v.dst = v.env
		}
	}
	o.Timeout = f.timeout
	cl, err := registry.NewClient(o)
	if err != nil {
		return nil, usageErrorf("%v", err)
	}
	return cl, nil
}

func (f *regClientFlags) json() (bool, error) {
	switch f.output {
	case "text":
		return false, nil
	case "json":
		return true, nil
	}
	return false, usageErrorf("-o %q: want text or json", f.output)
}

func writeJSONOut(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

func newRegistryCmd(s *streams) *cobra.Command {
	f := &regClientFlags{}
	cmd := &cobra.Command{
		Use:   "registry",
		Short: "Run a Schema Registry, register schema sets, test compatibility against one",
		Long: `The registry commands talk to any Confluent-compatible Schema Registry, and
'registry serve' runs one: an embedded, durable, Avro-only registry with the
Confluent REST API.

Connection: --url (or $REGISTRY_URL), basic auth with --username (or
$REGISTRY_USERNAME) and $REGISTRY_PASSWORD, a bearer token in $REGISTRY_TOKEN,
mTLS with --cert/--key/--ca (or $REGISTRY_CERT_FILE, $REGISTRY_KEY_FILE,
$REGISTRY_CA_FILE). Secrets are never printed.`,
		Example: `  avroctl registry serve --listen 127.0.0.1:8081 --data .avroctl/registry
  avroctl registry register --schemas schemas/ --strategy topic --topic orders=com.acme.Order --dry-run
  avroctl registry test --schemas schemas/ --strategy record`,
	}
	f.bind(cmd)
	cmd.AddCommand(
		newRegistryServeCmd(s),
		newRegistryCompactCmd(s),
		newRegistryRepairCmd(s),
		newRegistryRegisterCmd(s, f),
		newRegistryTestCmd(s, f),
		newRegistryConfigCmd(s, f),
		newRegistryDownloadCmd(s, f),
		newRegistrySubjectsCmd(s, f),
		newRegistryVersionsCmd(s, f),
		newRegistryDeleteCmd(s, f),
	)
	return cmd
}

// envServeBasicAuth holds the serve command's "user:password", as the client
// commands take their password from $REGISTRY_PASSWORD: a flag's value is
// visible to every local user in the process list.
const envServeBasicAuth = "REGISTRY_SERVE_BASIC_AUTH"

// serveBasicAuth returns the credentials serve requires ("" for none): from
// --basic-auth-file, else $REGISTRY_SERVE_BASIC_AUTH, else the deprecated
// --basic-auth, which is warned about. No message quotes the secret.
func serveBasicAuth(cmd *cobra.Command, stderr io.Writer, flagValue, file string, getenv func(string) string) (string, error) {
	flagSet := cmd.Flags().Changed(regFlagBasicAuth)
	if flagSet {
		fmt.Fprintf(stderr, "registry: --%s is deprecated: its value is visible in the process list; use --%s FILE or $%s\n",
			regFlagBasicAuth, regFlagAuthFile, envServeBasicAuth)
	}
	var value, from string
	switch {
	case flagSet && file != "":
		return "", usageErrorf("--%s and --%s: give one of them", regFlagBasicAuth, regFlagAuthFile)
	case file != "":
		b, err := os.ReadFile(file)
		if err != nil {
			return "", usageErrorf("--%s: %v", regFlagAuthFile, err)
		}
		value, from = strings.TrimRight(string(b), "\r\n"), "--"+regFlagAuthFile+" "+file
	case flagSet:
		value, from = flagValue, "--"+regFlagBasicAuth
	case getenv(envServeBasicAuth) != "":
		value, from = getenv(envServeBasicAuth), "$"+envServeBasicAuth
	default:
		return "", nil
	}
	if _, _, err := server.ParseBasicAuth(value); err != nil {
		return "", usageErrorf("%s: %v", from, err)
	}
	return value, nil
}

func newRegistryServeCmd(s *streams) *cobra.Command {
	var listen, data, basicAuth, authFile string
	var opts server.Options
	var allowEmptyLog bool
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the embedded Confluent-compatible Schema Registry",
		Long: `serve runs an Avro Schema Registry with the Confluent REST API (same paths,
JSON, status and error codes). Its state is an append-only log in --data,
fsync'd before each reply, so a crash loses nothing acknowledged. The log is
compacted (rewritten as the current state, atomically) at start and whenever
it has grown to four times its compacted size. --data "" keeps everything in
memory. It stops on SIGINT or SIGTERM.

A damaged final record (a write torn by a crash) is cut at start; damage that
valid records follow stops the start, and 'registry repair' shows what a
repair drops. A directory that held a registry does not start with a missing
or empty log unless --allow-empty-log.

Basic auth: the "user:password" comes from --basic-auth-file (a file holding
that one line) or $REGISTRY_SERVE_BASIC_AUTH, never from argv, which every
local user can read; --basic-auth still works but is deprecated.`,
		Example: `  avroctl registry serve
  avroctl registry serve --listen 127.0.0.1:8081 --data /var/lib/avroctl-registry
  avroctl registry serve --data "" --basic-auth-file /run/secrets/registry-auth --read-only
  REGISTRY_SERVE_BASIC_AUTH="ci:$CI_REGISTRY_SECRET" avroctl registry serve`,
		Args: cobraArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			auth, err := serveBasicAuth(cmd, s.Err, basicAuth, authFile, os.Getenv)
			if err != nil {
				return err
			}
			for _, d := range []struct {
				flag string
				v    time.Duration
			}{{regFlagReadHeaderTimeout, opts.ReadHeaderTimeout}, {regFlagReadTimeout, opts.ReadTimeout},
				{regFlagWriteTimeout, opts.WriteTimeout}, {regFlagIdleTimeout, opts.IdleTimeout}} {
				if d.v <= 0 {
					return usageErrorf("--%s %v: want a positive duration", d.flag, d.v)
				}
			}
			if opts.MaxConns <= 0 || opts.MaxBodyBytesInFlight <= 0 || opts.ParseCacheBytes <= 0 {
				return usageErrorf("--%s, --%s and --%s must be positive", regFlagMaxConns, regFlagMaxBodyInFlight, regFlagParseCacheBytes)
			}
			opts.BasicAuth = auth
			return registryServeRun(cmd.Context(), s, listen, data, opts, allowEmptyLog)
		},
	}
	cmd.Flags().StringVar(&listen, regFlagListen, "127.0.0.1:8081", "address to listen on")
	cmd.Flags().StringVar(&data, regFlagData, ".avroctl/registry", `data directory ("" keeps the registry in memory)`)
	cmd.Flags().StringVar(&authFile, regFlagAuthFile, "", "require HTTP basic auth with the user:password in this file (or set $"+envServeBasicAuth+")")
	cmd.Flags().StringVar(&basicAuth, regFlagBasicAuth, "", "deprecated (visible in the process list): use --"+regFlagAuthFile+" or $"+envServeBasicAuth)
	cmd.Flags().BoolVar(&opts.ReadOnly, regFlagReadOnly, false, "refuse every write")
	cmd.Flags().BoolVar(&allowEmptyLog, regFlagAllowEmptyLog, false, "start although the log is missing or empty in a directory that held a registry (after a loss; ids continue above the old ones)")
	fl := cmd.Flags()
	fl.DurationVar(&opts.ReadHeaderTimeout, regFlagReadHeaderTimeout, server.DefaultReadHeaderTimeout, "a request's headers must arrive within this")
	fl.DurationVar(&opts.ReadTimeout, regFlagReadTimeout, server.DefaultReadTimeout, "a request (headers and body) must arrive within this; a slower one gets 408 and is closed")
	fl.DurationVar(&opts.WriteTimeout, regFlagWriteTimeout, server.DefaultWriteTimeout, "an answer must be written within this after the request's headers")
	fl.DurationVar(&opts.IdleTimeout, regFlagIdleTimeout, server.DefaultIdleTimeout, "an idle keep-alive connection is closed after this")
	fl.IntVar(&opts.MaxConns, regFlagMaxConns, server.DefaultMaxConns, "open connections at most; more wait to be accepted")
	fl.Int64Var(&opts.MaxBodyBytesInFlight, regFlagMaxBodyInFlight, server.DefaultMaxBodyBytesInFlight, "request body bytes being read at once, over all requests; a request over it gets 503 with Retry-After")
	fl.Int64Var(&opts.ParseCacheBytes, regFlagParseCacheBytes, server.DefaultParseCacheBytes, "estimated memory of the cache of parsed request schemas")
	return cmd
}

// registryServeRun serves until ctx ends or a signal comes; opts.Logger is
// set here.
func registryServeRun(ctx context.Context, s *streams, listen, data string, opts server.Options, allowEmptyLog bool) error {
	if ctx == nil {
		ctx = context.Background()
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	logger := slog.New(slog.NewTextHandler(s.Err, nil))
	st, err := openRegistryData(data, store.Options{AllowEmptyLog: allowEmptyLog, OnCompact: func(info store.CompactInfo, err error) {
		if err != nil {
			logger.Error("log compaction failed; the log in use is intact", "err", err)
			return
		}
		logger.Info("log compacted", "bytes_before", info.BytesBefore, "bytes_after", info.BytesAfter,
			"records_before", info.RecordsBefore, "records_after", info.RecordsAfter)
	}})
	if err != nil {
		return err
	}
	defer st.Close()
	reportRecovery(s.Err, st)
	opts.Logger = logger
	srv := server.New(st, opts)
	if err := srv.Open(listen); err != nil {
		return err
	}
	where := data
	if where == "" {
		where = "memory"
	}
	fmt.Fprintf(s.Err, "registry: listening on %s (data: %s, %d records replayed)\n", srv.URL(), where, st.Recovered.Records)
	<-ctx.Done()
	fmt.Fprintln(s.Err, "registry: shutting down")
	return srv.Close()
}

func newRegistryCompactCmd(s *streams) *cobra.Command {
	var data string
	cmd := &cobra.Command{
		Use:   "compact",
		Short: "Rewrite the embedded registry's log as its current state",
		Long: `compact rewrites the log of a stopped embedded registry as the shortest list
of events that rebuilds its state, and reports the sizes. The server does this
by itself at start and as the log grows; this command is for operators who
want it now (for example before a backup). The rewrite is atomic: a crash
leaves the old log or the new one, never a mix. It fails if a server holds
the directory.`,
		Example: `  avroctl registry compact --data .avroctl/registry`,
		Args:    cobraArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			if data == "" {
				return usageErrorf("--%s is required", regFlagData)
			}
			if _, err := os.Stat(filepath.Join(data, store.LogFile)); err != nil {
				return usageErrorf("%s: no registry log here (%v)", data, err)
			}
			st, err := store.Open(data)
			if err != nil {
				return fmt.Errorf("open registry data: %w", err)
			}
			defer st.Close()
			info, err := st.Compact()
			if err != nil {
				return err
			}
			if c := st.Recovered.Compacted; c != nil {
				info.BytesBefore, info.RecordsBefore = c.BytesBefore, c.RecordsBefore
			}
			fmt.Fprintf(s.Out, "compacted %s: %d records, %d bytes -> %d records, %d bytes\n",
				filepath.Join(data, store.LogFile), info.RecordsBefore, info.BytesBefore, info.RecordsAfter, info.BytesAfter)
			return nil
		},
	}
	cmd.Flags().StringVar(&data, regFlagData, ".avroctl/registry", "data directory")
	return cmd
}

// regSetFlags select a schema set and map it to subjects.
type regSetFlags struct {
	schemas  string
	strategy string
	topics   []string
	cmd      *cobra.Command
	// level is registry.compatibility from avroctl.yaml, once items ran.
	level string
}

func (f *regSetFlags) bind(cmd *cobra.Command) {
	f.cmd = cmd
	cmd.Flags().StringVar(&f.schemas, regFlagSchemas, "schemas", "directory of .avsc files, one <full.name>.avsc per named type")
	cmd.Flags().StringVar(&f.strategy, regFlagStrategy, string(registry.RecordName), "subject name strategy: topic|record|topic-record")
	cmd.Flags().StringArrayVar(&f.topics, regFlagTopic, nil, "topic mapping TOPIC=full.Name or TOPIC:key=full.Name (repeatable; needed by topic strategies)")
}

// fromConfig fills what no flag set from avroctl.yaml: the schemas folder,
// the strategy and the topic mappings.
func (f *regSetFlags) fromConfig() error {
	cfg, err := loadConfig()
	if err != nil {
		return err
	}
	f.level = cfg.Registry.Compatibility
	flags := f.cmd.Flags()
	if !flags.Changed(regFlagSchemas) {
		f.schemas = cfg.Path(cfg.Schemas)
	}
	if _, statErr := os.Stat(configPath); statErr != nil {
		return nil // no file: the flags' own defaults stand
	}
	if !flags.Changed(regFlagStrategy) {
		f.strategy = cfg.Registry.Strategy
	}
	if !flags.Changed(regFlagTopic) {
		f.topics = configTopics(cfg)
	}
	return nil
}

// configTopics is avroctl.yaml's registry.topics as --topic values
// (TOPIC=full.Name, TOPIC:key=full.Name), in type-name order.
func configTopics(cfg *config.Config) []string {
	names := make([]string, 0, len(cfg.Registry.Topics))
	for name := range cfg.Registry.Topics {
		names = append(names, name)
	}
	sort.Strings(names)
	var out []string
	for _, name := range names {
		out = append(out, cfg.Registry.Topics[name]+"="+name)
	}
	return out
}

func (f *regSetFlags) items() ([]registry.Item, error) {
	if err := f.fromConfig(); err != nil {
		return nil, err
	}
	if err := requireSchemas(f.schemas); err != nil {
		return nil, err
	}
	return registryItems(f.schemas, f.strategy, f.topics)
}

// registryItems is what `registry register` registers: the types of the
// schemas folder under their subjects by strategy and --topic mappings.
func registryItems(schemas, strategy string, topicSpecs []string) ([]registry.Item, error) {
	st, err := registry.ParseStrategy(strategy)
	if err != nil {
		return nil, usageErrorf("--%s: %v", regFlagStrategy, err)
	}
	var topics []registry.Topic
	for _, t := range topicSpecs {
		tp, err := registry.ParseTopic(t)
		if err != nil {
			return nil, usageErrorf("--%s: %v", regFlagTopic, err)
		}
		topics = append(topics, tp)
	}
	types, err := registry.LoadDir(schemas)
	if err != nil {
		return nil, usageError{err}
	}
	items, err := registry.Items(types, st, topics)
	if err != nil {
		return nil, usageError{err}
	}
	return items, nil
}

func newRegistryRegisterCmd(s *streams, cf *regClientFlags) *cobra.Command {
	var set regSetFlags
	var dryRun bool
	cmd := &cobra.Command{
		Use:   "register",
		Short: "Register a schema set, with references, in dependency order",
		Long: `register maps each named type of the schema set to a subject and registers it.
A type used by another one that has a subject of its own becomes a schema
reference: it is registered first and the user names it instead of inlining it.
Registration is idempotent: an unchanged schema is left alone, and a run that
failed halfway can simply be run again. --dry-run only prints the plan.`,
		Example: `  avroctl registry register --schemas schemas/ --dry-run
  avroctl registry register --strategy topic --topic orders=com.acme.Order --topic orders:key=com.acme.OrderKey
  avroctl registry register --strategy topic-record --topic events=com.acme.OrderPlaced -o json`,
		Args: cobraArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			asJSON, err := cf.json()
			if err != nil {
				return err
			}
			items, err := set.items()
			if err != nil {
				return err
			}
			cl, err := cf.client()
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			plan, err := registry.Plan(ctx, cl, items, registry.PlanOptions{})
			if err != nil {
				return err
			}
			if !dryRun && set.level != "" {
				subjects := make([]string, len(plan.Steps))
				for i, st := range plan.Steps {
					subjects[i] = st.Subject
				}
				changed, err := registry.EnsureCompatibility(ctx, cl, subjects, set.level)
				if err != nil {
					return err
				}
				for _, subj := range changed {
					fmt.Fprintf(s.Err, "set compatibility of %s to %s (registry.compatibility in %s)\n", subj, set.level, configPath)
				}
			}
			if !dryRun {
				bar := newProgress(s.Err)
				err := registry.Apply(ctx, cl, plan, registry.WithProgress(func(done, total int, st *registry.Step) {
					bar.step(done, total, "registering "+st.Subject)
				}))
				bar.clear()
				if err != nil {
					printPlan(s.Out, plan, asJSON, false)
					return fmt.Errorf("%w (re-run to finish: registration is idempotent)", err)
				}
			}
			return printPlan(s.Out, plan, asJSON, dryRun)
		},
	}
	set.bind(cmd)
	cmd.Flags().BoolVar(&dryRun, regFlagDryRun, false, "print what would change, change nothing")
	return cmd
}

func printPlan(w io.Writer, p *registry.RegisterPlan, asJSON, dryRun bool) error {
	if asJSON {
		return writeJSONOut(w, struct {
			DryRun bool            `json:"dry_run"`
			Steps  []registry.Step `json:"steps"`
		}{dryRun, p.Steps})
	}
	for _, st := range p.Steps {
		line := fmt.Sprintf("%-12s %s (%s)", st.Action, st.Subject, st.Type)
		if st.ID != 0 {
			line += fmt.Sprintf(" id %d version %d", st.ID, st.Version)
		}
		for _, r := range st.References {
			line += fmt.Sprintf("\n             references %s -> %s", r.Name, r.Subject)
			if r.Version != 0 {
				line += fmt.Sprintf(" version %d", r.Version)
			}
		}
		fmt.Fprintln(w, line)
	}
	verb := "changed"
	if dryRun {
		verb = "would change"
	}
	fmt.Fprintf(w, "%d subjects, %d %s\n", len(p.Steps), p.Changes(), verb)
	return nil
}

func newRegistryTestCmd(s *streams, cf *regClientFlags) *cobra.Command {
	var set regSetFlags
	var resolver string
	cmd := &cobra.Command{
		Use:   "test",
		Short: "Test a schema set's compatibility against the registry",
		Long: `test asks the registry whether each schema of the set may be registered under
its subject's compatibility level, and repeats the check locally so that every
reason points at a line of your files. A subject that does not exist yet
passes. A version the registry accepts but consumers' resolving readers cannot
read (RESOLVER_REJECTS: a record moved namespace and renamed a field with an
alias) counts as incompatible too, or as a warning with --resolver-check warn.
Exit code 1 when something is incompatible.`,
		Example: `  avroctl registry test --schemas schemas/
  avroctl registry test --strategy topic --topic orders=com.acme.Order -o json
  avroctl registry test --resolver-check warn`,
		Args: cobraArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			asJSON, err := cf.json()
			if err != nil {
				return err
			}
			cfg, err := loadConfig()
			if err != nil {
				return err
			}
			mode, err := kafkaplan.ParseResolverCheck(resolverCheckSetting(resolver, cfg))
			if err != nil {
				return usageErrorf("--%s %v", flagResolverCheck, err)
			}
			items, err := set.items()
			if err != nil {
				return err
			}
			cl, err := cf.client()
			if err != nil {
				return err
			}
			results, err := registry.Test(cmd.Context(), cl, items)
			if err != nil {
				return err
			}
			resolverFindings, err := registryTestResolver(cmd.Context(), cl, items, results, mode)
			if err != nil {
				return err
			}
			bad := printTestResults(s.Out, results, resolverFindings, mode, asJSON)
			if bad > 0 {
				return errFindings
			}
			return nil
		},
	}
	set.bind(cmd)
	bindResolverCheck(cmd, &resolver)
	return cmd
}

// registryTestResolver runs the resolver check (RESOLVER_REJECTS) on each
// new version the registry accepts, against the subject's registered
// versions at its level; results with a level are the checked ones.
func registryTestResolver(ctx context.Context, cl *sr.Client, items []registry.Item, results []registry.TestResult, mode kafkaplan.ResolverCheck) (map[string][]report.Finding, error) {
	if mode == kafkaplan.ResolverOff {
		return nil, nil
	}
	out := map[string][]report.Finding{}
	for _, r := range results {
		if !r.Compatible || r.Level == "" {
			continue
		}
		for _, it := range items {
			if it.Subject != r.Subject {
				continue
			}
			found, err := kafkaplan.RegisteredResolverFindings(ctx, cl, r.Subject, it.Schema, r.Level, r.Pos.Filename)
			if err != nil {
				return nil, err
			}
			if len(found) > 0 {
				out[r.Subject] = found
			}
			break
		}
	}
	return out, nil
}

type regFindingJSON struct {
	File     string `json:"file,omitempty"`
	Line     int    `json:"line,omitempty"`
	Column   int    `json:"column,omitempty"`
	Type     string `json:"type"`
	Location string `json:"location"`
	Message  string `json:"message"`
	Fix      string `json:"fix,omitempty"`
}

func printTestResults(w io.Writer, results []registry.TestResult, resolver map[string][]report.Finding, mode kafkaplan.ResolverCheck, asJSON bool) (bad int) {
	type resultJSON struct {
		registry.TestResult
		Findings []regFindingJSON `json:"findings,omitempty"`
		// Resolver are RESOLVER_REJECTS findings of a version the registry
		// accepts; under --resolver-check error they make it incompatible.
		Resolver []regFindingJSON `json:"resolver,omitempty"`
	}
	var out []resultJSON
	for _, r := range results {
		rj := resultJSON{TestResult: r}
		for _, f := range r.Findings {
			rj.Findings = append(rj.Findings, regFindingJSON{File: f.Source.Filename, Line: f.Source.Line, Column: f.Source.Column,
				Type: string(f.Type), Location: f.Location, Message: f.Message, Fix: f.Fix})
		}
		for _, f := range resolver[r.Subject] {
			rj.Resolver = append(rj.Resolver, regFindingJSON{File: f.Source.Filename, Line: f.Source.Line, Column: f.Source.Column,
				Type: f.Type, Location: f.Location, Message: f.Message, Fix: f.Fix})
		}
		if len(rj.Resolver) > 0 && mode == kafkaplan.ResolverError {
			rj.Compatible = false
		}
		if !rj.Compatible {
			bad++
		}
		out = append(out, rj)
	}
	if asJSON {
		writeJSONOut(w, struct {
			Compatible bool         `json:"compatible"`
			Results    []resultJSON `json:"results"`
		}{bad == 0, out})
		return bad
	}
	for _, r := range out {
		verdict := "compatible"
		if !r.Compatible {
			verdict = "INCOMPATIBLE"
		}
		line := fmt.Sprintf("%s: %s (%s)", r.Subject, verdict, r.Type)
		if r.Level != "" {
			line += " at " + r.Level
		}
		if r.Note != "" {
			line += ": " + r.Note
		}
		fmt.Fprintln(w, line)
		for _, f := range r.Resolver {
			label := "error"
			if mode == kafkaplan.ResolverWarn {
				label = "warning"
			}
			pos := f.File
			if f.Line > 0 {
				pos = fmt.Sprintf("%s:%d:%d", f.File, f.Line, f.Column)
			}
			fmt.Fprintf(w, "  %s: %s: %s %s: %s\n", label, pos, f.Type, f.Location, f.Message)
			if f.Fix != "" {
				fmt.Fprintf(w, "    fix: %s\n", f.Fix)
			}
		}
		if r.Compatible {
			continue
		}
		for _, f := range r.Findings {
			pos := f.File
			if f.Line > 0 {
				pos = fmt.Sprintf("%s:%d:%d", f.File, f.Line, f.Column)
			}
			fmt.Fprintf(w, "  %s: %s %s: %s\n", pos, f.Type, f.Location, f.Message)
			if f.Fix != "" {
				fmt.Fprintf(w, "    fix: %s\n", f.Fix)
			}
		}
		for _, m := range r.Messages {
			fmt.Fprintf(w, "  registry: %s\n", m)
		}
	}
	fmt.Fprintf(w, "%d subjects, %d incompatible\n", len(results), bad)
	return bad
}

func newRegistryConfigCmd(s *streams, cf *regClientFlags) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "config",
		Short: "Get or set compatibility levels",
		Example: `  avroctl registry config get
  avroctl registry config get orders-value
  avroctl registry config set orders-value FULL_TRANSITIVE`,
	}
	get := &cobra.Command{
		Use:   "get [SUBJECT]",
		Short: "Print the global level, or a subject's (inherited from the global one if unset)",
		Example: `  avroctl registry config get
  avroctl registry config get orders-value -o json`,
		Args: cobraArgs(cobra.MaximumNArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			return registryConfigRun(cmd.Context(), s, cf, args, "")
		},
	}
	set := &cobra.Command{
		Use:   "set [SUBJECT] LEVEL",
		Short: "Set the global level, or a subject's (allowed before the subject has versions)",
		Example: `  avroctl registry config set FULL
  avroctl registry config set orders-value BACKWARD_TRANSITIVE`,
		Args: cobraArgs(cobra.RangeArgs(1, 2)),
		RunE: func(cmd *cobra.Command, args []string) error {
			return registryConfigRun(cmd.Context(), s, cf, args[:len(args)-1], args[len(args)-1])
		},
	}
	cmd.AddCommand(get, set)
	return cmd
}

func registryConfigRun(ctx context.Context, s *streams, cf *regClientFlags, args []string, level string) error {
	asJSON, err := cf.json()
	if err != nil {
		return err
	}
	cl, err := cf.client()
	if err != nil {
		return err
	}
	subject := ""
	if len(args) > 0 {
		subject = args[0]
	}
	var c registry.Config
	if level != "" {
		c, err = registry.SetConfig(ctx, cl, subject, level)
	} else {
		c, err = registry.GetConfig(ctx, cl, subject)
	}
	if err != nil {
		return err
	}
	if asJSON {
		return writeJSONOut(s.Out, c)
	}
	name := c.Subject
	if name == "" {
		name = "(global)"
	}
	suffix := ""
	if c.Inherited {
		suffix = " (inherited from the global level)"
	}
	fmt.Fprintf(s.Out, "%s: %s%s\n", name, c.Level, suffix)
	return nil
}

func newRegistryDownloadCmd(s *streams, cf *regClientFlags) *cobra.Command {
	var version, dir string
	cmd := &cobra.Command{
		Use:   "download PATTERN",
		Short: "Download the schemas of subjects matching a glob into <dir>/<subject>.avsc",
		Example: `  avroctl registry download 'com.acme.*' --dir registry-schemas/
  avroctl registry download orders-value --version 3 --dir /tmp/v3`,
		Args: cobraArgs(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			asJSON, err := cf.json()
			if err != nil {
				return err
			}
			v, err := registry.ParseVersion(version)
			if err != nil {
				return usageErrorf("--%s: %v", regFlagVersion, err)
			}
			cl, err := cf.client()
			if err != nil {
				return err
			}
			files, err := registry.Download(cmd.Context(), cl, args[0], v, dir)
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSONOut(s.Out, files)
			}
			for _, f := range files {
				fmt.Fprintf(s.Out, "%s: version %d (id %d) -> %s\n", f.Subject, f.Version, f.ID, f.File)
			}
			if len(files) == 0 {
				fmt.Fprintf(s.Err, "no subject matches %q\n", args[0])
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&version, regFlagVersion, "latest", "version to download: a number or latest")
	cmd.Flags().StringVar(&dir, regFlagDir, ".", "directory to write into")
	return cmd
}

func newRegistrySubjectsCmd(s *streams, cf *regClientFlags) *cobra.Command {
	var deleted bool
	cmd := &cobra.Command{
		Use:     "subjects",
		Short:   "List subjects",
		Example: "  avroctl registry subjects\n  avroctl registry subjects --deleted -o json",
		Args:    cobraArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			asJSON, err := cf.json()
			if err != nil {
				return err
			}
			cl, err := cf.client()
			if err != nil {
				return err
			}
			subs, err := registry.Subjects(cmd.Context(), cl, deleted)
			if err != nil {
				return err
			}
			return printList(s.Out, asJSON, subs)
		},
	}
	cmd.Flags().BoolVar(&deleted, regFlagDeleted, false, "include soft-deleted subjects")
	return cmd
}

func newRegistryVersionsCmd(s *streams, cf *regClientFlags) *cobra.Command {
	var deleted bool
	cmd := &cobra.Command{
		Use:     "versions SUBJECT",
		Short:   "List a subject's versions",
		Example: "  avroctl registry versions orders-value\n  avroctl registry versions orders-value --deleted -o json",
		Args:    cobraArgs(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			asJSON, err := cf.json()
			if err != nil {
				return err
			}
			cl, err := cf.client()
			if err != nil {
				return err
			}
			vs, err := registry.Versions(cmd.Context(), cl, args[0], deleted)
			if err != nil {
				return err
			}
			return printList(s.Out, asJSON, vs)
		},
	}
	cmd.Flags().BoolVar(&deleted, regFlagDeleted, false, "include soft-deleted versions")
	return cmd
}

func newRegistryDeleteCmd(s *streams, cf *regClientFlags) *cobra.Command {
	var version string
	var permanent bool
	cmd := &cobra.Command{
		Use:   "delete SUBJECT",
		Short: "Delete a subject or one of its versions (soft, or --permanent)",
		Example: `  avroctl registry delete orders-value --version 3
  avroctl registry delete orders-value --permanent`,
		Args: cobraArgs(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			asJSON, err := cf.json()
			if err != nil {
				return err
			}
			v := 0
			if version != "" {
				if v, err = registry.ParseVersion(version); err != nil {
					return usageErrorf("--%s: %v", regFlagVersion, err)
				}
			}
			cl, err := cf.client()
			if err != nil {
				return err
			}
			deleted, err := registry.Delete(cmd.Context(), cl, args[0], v, permanent)
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSONOut(s.Out, struct {
					Subject   string `json:"subject"`
					Versions  []int  `json:"versions"`
					Permanent bool   `json:"permanent"`
				}{args[0], deleted, permanent})
			}
			how := "soft-deleted"
			if permanent {
				how = "permanently deleted"
			}
			fmt.Fprintf(s.Out, "%s: %s versions %v\n", args[0], how, deleted)
			return nil
		},
	}
	cmd.Flags().StringVar(&version, regFlagVersion, "", "delete only this version (a number or latest); default: the whole subject")
	cmd.Flags().BoolVar(&permanent, regFlagPermanent, false, "delete permanently (soft-deletes first when needed)")
	return cmd
}

// printList prints one item per line, or a JSON array ([] when empty).
func printList[T any](w io.Writer, asJSON bool, items []T) error {
	if asJSON {
		if items == nil {
			items = []T{}
		}
		return writeJSONOut(w, items)
	}
	for _, it := range items {
		fmt.Fprintln(w, it)
	}
	return nil
}
