package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"gitlab.com/acme/avroctl/gen/compat/report"
	"gitlab.com/acme/avroctl/gen/config"
	"gitlab.com/acme/avroctl/gen/idl"
	"gitlab.com/acme/avroctl/gen/kafkaplan"
	"gitlab.com/acme/avroctl/gen/kafkastate"
	"gitlab.com/acme/avroctl/gen/registry"
)

func init() { register(newKafkaCmd) }

// Flag names of the kafka commands.
const (
	kafkaFlagState       = "state"
	kafkaFlagOut         = "out"
	kafkaFlagPlan        = "plan"
	kafkaFlagAllowDelete = "allow-delete"
	kafkaFlagDeadline    = "deadline"
	flagResolverCheck    = "resolver-check"
)

// kafkaFlags are the flags every kafka command shares.
type kafkaFlags struct {
	conn     kafkaConnFlags
	reg      regClientFlags
	state    string
	deadline time.Duration
	cmd      *cobra.Command
	// resolver is --resolver-check: what a RESOLVER_REJECTS finding on a
	// new schema version does (error, warn, off).
	resolver string
}

// bindResolverCheck adds --resolver-check to a command that checks new
// schema versions (kafka plan and apply, registry test).
func bindResolverCheck(cmd *cobra.Command, dst *string) {
	cmd.Flags().StringVar(dst, flagResolverCheck, "",
		"what a change the registry accepts but consumers' resolving readers cannot read (RESOLVER_REJECTS) does: error (blocks), warn (listed), off (default: breaking.resolver in avroctl.yaml, else error): "+strings.Join(kafkaplan.ResolverChecks, "|"))
	_ = cmd.RegisterFlagCompletionFunc(flagResolverCheck, cobra.FixedCompletions(kafkaplan.ResolverChecks, cobra.ShellCompDirectiveNoFileComp))
}

// resolverCheckSetting is --resolver-check when given (the flag's default
// is empty), else breaking.resolver from avroctl.yaml (so breaking, compat
// check, registry test, kafka plan and impact agree), else error.
func resolverCheckSetting(flag string, cfg *config.Config) string {
	if flag != "" {
		return flag
	}
	if cfg != nil && cfg.Breaking.Resolver != "" {
		return cfg.Breaking.Resolver
	}
	return string(kafkaplan.ResolverError)
}

func newKafkaCmd(s *streams) *cobra.Command {
	f := &kafkaFlags{}
	cmd := &cobra.Command{
		Use:   "kafka",
		Short: "Plan and apply one desired state of topics, ACLs, subject levels and schemas",
		Long: `The kafka commands keep a cluster and its Schema Registry in the desired state
written in one file (kafka.state in avroctl.yaml, default kafka-state.yaml):
kafka-gitops's format, read unchanged, plus avroctl's additions (the events a
topic carries, subject compatibility levels, dead-letter and retry topics).

'plan' prints what would change and changes nothing; 'apply' makes the changes
(topics, then subject levels, then schemas, then ACLs); 'import' writes a state
file from a live cluster.

` + kafkaConnHelp + `
The registry is reached with --url (or $REGISTRY_URL), as the registry commands.`,
		Example: `  avroctl kafka plan --bootstrap-servers 127.0.0.1:9092 --url http://127.0.0.1:8081
  avroctl kafka plan -o json --out plan.json
  avroctl kafka apply --plan plan.json
  avroctl kafka import --out kafka-state.yaml`,
	}
	f.cmd = cmd
	f.conn.bind(cmd)
	f.reg.bind(cmd)
	cmd.PersistentFlags().StringVar(&f.state, kafkaFlagState, "", "desired state file (default: kafka.state in avroctl.yaml)")
	cmd.PersistentFlags().DurationVar(&f.deadline, kafkaFlagDeadline, 10*time.Minute, "give up after this long (a reassignment goes on in the cluster)")
	cmd.AddCommand(newKafkaPlanCmd(s, f), newKafkaApplyCmd(s, f), newKafkaImportCmd(s, f))
	return cmd
}

// desired is what a plan needs from the project: the state and the
// schemas of its events.
type desired struct {
	input    kafkaplan.Input
	strategy registry.Strategy
}

// loadDesired reads the state file and, when the state has events, the
// project's schema set.
func (f *kafkaFlags) loadDesired() (*desired, error) {
	cfg, err := loadConfig()
	if err != nil {
		return nil, err
	}
	path := f.state
	if path == "" {
		path = cfg.Path(cfg.Kafka.State)
	}
	st, err := kafkastate.Load(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, usageErrorf("%v (write one, run 'avroctl kafka import', or give --%s)", err, kafkaFlagState)
		}
		return nil, usageError{err}
	}
	strategy, err := registry.ParseStrategy(cfg.Registry.Strategy)
	if err != nil {
		return nil, usageError{err}
	}
	resolver, err := kafkaplan.ParseResolverCheck(resolverCheckSetting(f.resolver, cfg))
	if err != nil {
		return nil, usageErrorf("--%s %v", flagResolverCheck, err)
	}
	d := &desired{input: kafkaplan.Input{State: st, DefaultLevel: cfg.Registry.Compatibility, Resolver: resolver}, strategy: strategy}
	if len(st.Events()) > 0 {
		types, err := registry.LoadDir(cfg.Path(cfg.Schemas))
		if err != nil {
			return nil, usageError{err}
		}
		if d.input.Items, err = kafkaplan.Items(st, types, strategy); err != nil {
			return nil, usageError{err}
		}
	}
	return d, nil
}

// clients connects to the cluster, and to the registry when the state
// needs it. The caller closes the Kafka client.
func (f *kafkaFlags) clients(needRegistry bool) (kafkaplan.Clients, error) {
	var cls kafkaplan.Clients
	if needRegistry {
		reg, err := f.reg.client()
		if err != nil {
			return cls, err
		}
		cls.Registry = reg
	}
	kcl, err := f.conn.client()
	if err != nil {
		return cls, err
	}
	cls.Kafka = kcl
	return cls, nil
}

func (d *desired) needsRegistry() bool {
	return len(d.input.Items) > 0 || len(d.input.State.Subjects) > 0
}

// makePlan reads the project and the cluster and computes the plan.
func (f *kafkaFlags) makePlan(ctx context.Context) (*kafkaplan.Plan, kafkaplan.Clients, error) {
	d, err := f.loadDesired()
	if err != nil {
		return nil, kafkaplan.Clients{}, err
	}
	cls, err := f.clients(d.needsRegistry())
	if err != nil {
		return nil, cls, err
	}
	p, err := kafkaplan.Make(ctx, cls, d.input)
	if err != nil {
		cls.Kafka.Close()
		return nil, cls, fmt.Errorf("%w (cluster: %s)", err, f.conn.options())
	}
	return p, cls, nil
}

func (f *kafkaFlags) context(cmd *cobra.Command) (context.Context, context.CancelFunc) {
	return context.WithTimeout(cmd.Context(), f.deadline)
}

func newKafkaPlanCmd(s *streams, f *kafkaFlags) *cobra.Command {
	var out, errorFormat string
	cmd := &cobra.Command{
		Use:   "plan",
		Short: "Print what apply would change in the cluster and the registry; change nothing",
		Long: `plan compares the desired state with the cluster and the registry and prints
the changes: topics, partitions, topic configs, replication, ACLs, subject
compatibility levels and schema registrations. The brokers validate the topic
changes (validate-only requests) and avroctl checks each new schema version
against the subject's level, so a plan that could fail halfway fails here. A
version the registry accepts but consumers' resolving readers cannot read
(RESOLVER_REJECTS: a record moved namespace and renamed a field with an alias)
is a problem too, or a warning with --resolver-check warn.

Configs the state does not mention are left alone; topics under the ignored
prefixes (_, __consumer_offsets, connect- and the state's own) are never
touched. Topics and ACLs the state does not declare are listed as deletions;
apply makes them only with --allow-delete.

Exit codes: 0 no change, 1 changes (drift, when run on a schedule), 2 error or
a plan that cannot be applied.`,
		Example: `  avroctl kafka plan
  avroctl kafka plan --state kafka/prod.yaml -o json --out plan.json
  avroctl kafka plan --error-format junit > kafka-plan-junit.xml
  avroctl kafka plan --resolver-check warn`,
		Args: cobraArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			asJSON, err := f.reg.json()
			if err != nil {
				return err
			}
			ctx, cancel := f.context(cmd)
			defer cancel()
			p, cls, err := f.makePlan(ctx)
			if err != nil {
				return err
			}
			cls.Kafka.Close()
			if out != "" {
				data, err := json.MarshalIndent(p, "", "  ")
				if err != nil {
					return err
				}
				if _, err := idl.WriteFileAtomic(out, append(data, '\n')); err != nil {
					return err
				}
			}
			if errorFormat != "" {
				fm, err := report.ParseFormat(errorFormat)
				if err != nil {
					return usageErrorf("--%s: %v", flagErrorFormat, err)
				}
				if err := report.Print(s.Out, fm, p.Report()); err != nil {
					return err
				}
			} else if err := printKafkaPlan(s.Out, p, asJSON); err != nil {
				return err
			}
			return planOutcome(p)
		},
	}
	cmd.Flags().StringVar(&out, kafkaFlagOut, "", "also write the plan as JSON to this file (for 'apply --plan')")
	cmd.Flags().StringVar(&errorFormat, flagErrorFormat, "", "print the plan as a report, one finding per change: "+strings.Join(report.AllFormatStrings(), "|")+" (overrides -o)")
	bindResolverCheck(cmd, &f.resolver)
	cmd.RegisterFlagCompletionFunc(flagErrorFormat, cobra.FixedCompletions(report.AllFormatStrings(), cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

func printKafkaPlan(w io.Writer, p *kafkaplan.Plan, asJSON bool) error {
	if asJSON {
		return writeJSONOut(w, p)
	}
	p.WriteText(w)
	return nil
}

// planOutcome maps a plan to the exit code: problems are errors (2),
// changes are findings (1).
func planOutcome(p *kafkaplan.Plan) error {
	switch {
	case len(p.Problems) > 0:
		return usageErrorf("the plan has %d problems (listed above); nothing was changed", len(p.Problems))
	case p.Changes() > 0:
		return errFindings
	}
	return nil
}

func newKafkaApplyCmd(s *streams, f *kafkaFlags) *cobra.Command {
	var planFile string
	var allowDelete bool
	cmd := &cobra.Command{
		Use:   "apply",
		Short: "Make the cluster and the registry match the desired state",
		Long: `apply plans (see 'avroctl kafka plan') and makes the changes, in this order:
topics (created, partitions added, configs set, replicas reassigned with
progress shown), subject compatibility levels, schemas, ACLs. Nothing is
deleted without --allow-delete. A plan with problems is not applied at all.

With --plan FILE, apply makes the plan written by 'plan --out FILE', and
refuses when the cluster or the registry changed since (the plan's
fingerprint) or when the state or schemas did (the changes differ).

Every step is idempotent: a second apply plans nothing, and a failed apply is
fixed and run again until it converges.`,
		Example: `  avroctl kafka apply
  avroctl kafka plan --out plan.json && avroctl kafka apply --plan plan.json
  avroctl kafka apply --allow-delete`,
		Args: cobraArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			asJSON, err := f.reg.json()
			if err != nil {
				return err
			}
			var saved *kafkaplan.Plan
			if planFile != "" {
				if saved, err = readPlanFile(planFile); err != nil {
					return err
				}
			}
			ctx, cancel := f.context(cmd)
			defer cancel()
			p, cls, err := f.makePlan(ctx)
			if err != nil {
				return err
			}
			defer cls.Kafka.Close()
			if saved != nil {
				if err := samePlan(saved, p); err != nil {
					return err
				}
			}
			if len(p.Problems) > 0 {
				printKafkaPlan(s.Out, p, asJSON)
				return planOutcome(p)
			}
			// Progress goes to stderr line by line, in CI logs too: a
			// reassignment can take long, and its advance is the news.
			last := ""
			res, err := kafkaplan.Apply(ctx, cls, p, kafkaplan.ApplyOptions{
				AllowDelete: allowDelete,
				Progress: func(msg string) {
					if msg != last {
						fmt.Fprintln(s.Err, "apply:", msg)
						last = msg
					}
				},
			})
			if err != nil {
				printKafkaPlan(s.Err, p, false)
				return fmt.Errorf("%w\n(%d changes made; fix the cause and run apply again: every step is idempotent)", err, res.Changes)
			}
			if asJSON {
				return writeJSONOut(s.Out, struct {
					Plan    *kafkaplan.Plan   `json:"plan"`
					Applied kafkaplan.Applied `json:"applied"`
				}{p, res})
			}
			p.WriteText(s.Out)
			fmt.Fprintf(s.Out, "Applied %d changes.\n", res.Changes)
			if res.SkippedDeletes > 0 {
				fmt.Fprintf(s.Out, "Kept %d topics or ACLs the state does not declare (give --%s to delete them).\n", res.SkippedDeletes, kafkaFlagAllowDelete)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&planFile, kafkaFlagPlan, "", "apply this saved plan (from 'plan --out'); refused if the cluster changed since")
	cmd.Flags().BoolVar(&allowDelete, kafkaFlagAllowDelete, false, "delete topics and ACLs the state does not declare")
	bindResolverCheck(cmd, &f.resolver) // the plan apply computes without --plan
	return cmd
}

// readPlanFile reads a plan written by 'plan --out'.
func readPlanFile(path string) (*kafkaplan.Plan, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, usageError{err}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var p kafkaplan.Plan
	if err := dec.Decode(&p); err != nil {
		return nil, usageErrorf("%s: not a plan written by 'avroctl kafka plan --out': %v", path, err)
	}
	if p.Version != kafkaplan.PlanVersion {
		return nil, usageErrorf("%s: plan format version %d; this avroctl reads version %d", path, p.Version, kafkaplan.PlanVersion)
	}
	return &p, nil
}

// samePlan refuses a saved plan that no longer describes what apply would
// do.
func samePlan(saved, now *kafkaplan.Plan) error {
	if saved.Fingerprint != now.Fingerprint {
		return usageErrorf("the cluster or the registry changed since the plan was made (fingerprint %s, now %s); plan again", saved.Fingerprint, now.Fingerprint)
	}
	a, _ := json.Marshal(saved)
	b, _ := json.Marshal(now)
	if !bytes.Equal(a, b) {
		return usageErrorf("the state or the schemas changed since the plan was made (%s): the changes differ; plan again", saved.State)
	}
	return nil
}

func newKafkaImportCmd(s *streams, f *kafkaFlags) *cobra.Command {
	var out string
	var ignore []string
	var noRegistry bool
	cmd := &cobra.Command{
		Use:   "import",
		Short: "Write a desired state file from a live cluster and registry",
		Long: `import reads the cluster's topics (with the configs set on them), its ACLs
(grouped into one application service per principal: literal WRITEs become
what it produces, literal READs with a group what it consumes, anything else a
custom ACL) and, unless --no-registry, the registry (subjects' own
compatibility levels, and the events of each topic, found through
avroctl.yaml's subject strategy). Planning the file against the same cluster
shows no change; import checks this before writing.

The file goes to stdout, or to --out (written whole or not at all).`,
		Example: `  avroctl kafka import --out kafka-state.yaml
  avroctl kafka import --no-registry --ignore-prefix legacy.`,
		Args: cobraArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := loadConfig()
			if err != nil {
				return err
			}
			strategy, err := registry.ParseStrategy(cfg.Registry.Strategy)
			if err != nil {
				return usageError{err}
			}
			ctx, cancel := f.context(cmd)
			defer cancel()
			cls, err := f.clients(!noRegistry)
			if err != nil {
				return err
			}
			defer cls.Kafka.Close()
			data, err := kafkaplan.Import(ctx, cls, kafkaplan.ImportOptions{IgnorePrefixes: ignore, Strategy: strategy})
			if err != nil {
				return fmt.Errorf("%w (cluster: %s)", err, f.conn.options())
			}
			if out == "" {
				_, err := s.Out.Write(data)
				return err
			}
			if _, err := idl.WriteFileAtomic(out, data); err != nil {
				return err
			}
			fmt.Fprintf(s.Err, "wrote %s\n", out)
			return nil
		},
	}
	cmd.Flags().StringVar(&out, kafkaFlagOut, "", "write the state to this file instead of stdout")
	cmd.Flags().StringSliceVar(&ignore, "ignore-prefix", nil, "also leave out topics with this prefix (repeatable)")
	cmd.Flags().BoolVar(&noRegistry, "no-registry", false, "read only the cluster")
	return cmd
}
