package main

import (
	"errors"
	"strings"

	"github.com/spf13/cobra"

	"gitlab.com/acme/avroctl/gen/compat"
	"gitlab.com/acme/avroctl/gen/impact"
)

func init() { register(newImpactCmd) }

// impactOptions are impact's flags. defaultAgainst is the revision used
// without --against; the lead connects it to the configured breaking ref.
type impactOptions struct {
	against, level, output, state string
	resolver                      string
	defaultAgainst                string
}

func newImpactCmd(s *streams) *cobra.Command {
	o := impactOptions{defaultAgainst: impact.DefaultAgainst}
	cmd := &cobra.Command{
		Use:   "impact [FILE|TYPE]...",
		Short: "List the subjects, events, topics, services and Go packages a schema change reaches, with the verdict of each",
		Long: `impact compares the schemas folder of the working tree with the same folder
at --against (a git revision, default HEAD; or a folder of schemas), finds the
named types that changed, walks the reference graph upward (a type is reached
when a record that uses it, transitively, is reached) and lists everything
reached:

  subjects     the events' subjects (registry.strategy) and the referenced
               types registered under their own subjects
  events       the topics' types (registry.topics in avroctl.yaml and the
               events of the desired state file, kafka.state), with the path
               from the event down to the change
  topics       the topics carrying a reached event
  principals   who produces (WRITE) or consumes (READ) those topics, from the
               desired state's ACLs (services and users)
  go packages  the generated packages (go.packages) of every reached type

Each comes with the verdict at its compatibility level (the subject's level in
the state file, else registry.compatibility, else BACKWARD; --level overrides
it): compatible or incompatible per direction (gen/compat, Java's check), and
RESOLVER_REJECTS when the registry accepts the change but consumers' resolving
readers cannot read it.

FILE (.avsc or .avdl: the types it defines) or TYPE (a full name, or a simple
name only one type has) start the walk at those types instead of every changed
type; an unchanged one shows what it reaches.

Output: -o text, json, or markdown (tables, for a merge-request comment).
Exit codes: 0 nothing reached is incompatible, 1 something is (or
RESOLVER_REJECTS, unless --resolver-check warn or off), 2 usage or input error.`,
		Example: `  avroctl impact
  avroctl impact --against origin/main -o markdown > impact.md
  avroctl impact com.acme.events.shared.Money
  avroctl impact idl/shared/money.avdl --level FULL_TRANSITIVE -o json
  avroctl impact --against events/v2.3.0`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := loadConfig()
			if err != nil {
				return err
			}
			o.resolver = resolverCheckSetting(o.resolver, cfg)
			return impactRun(s, &o, args, cmd.Flags().Changed(flagLevel))
		},
	}
	cmd.Flags().StringVar(&o.against, flagAgainst, "", "git revision (or folder of schemas) to compare the working tree with (default HEAD)")
	cmd.Flags().StringVar(&o.level, flagLevel, "", "compatibility level for every subject (default: the state's per-subject levels, else registry.compatibility, else BACKWARD): "+strings.Join(compat.AllLevelStrings(), "|"))
	cmd.Flags().StringVarP(&o.output, flagOutput, "o", "text", "output format: text|json|markdown")
	cmd.Flags().StringVar(&o.state, "state", "", "desired state file for topics and ACLs (default: kafka.state in avroctl.yaml, when it exists)")
	cmd.Flags().StringVar(&o.resolver, flagResolverCheck, "", "RESOLVER_REJECTS (the registry accepts, consumers' readers cannot read): error (exit 1), warn (listed, exit 0), off (not checked); default: breaking.resolver in avroctl.yaml, else error")
	_ = cmd.RegisterFlagCompletionFunc(flagOutput, cobra.FixedCompletions([]string{"text", "json", "markdown"}, cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc(flagLevel, cobra.FixedCompletions(compat.AllLevelStrings(), cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc(flagResolverCheck, cobra.FixedCompletions([]string{"error", "warn", "off"}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

func impactRun(s *streams, o *impactOptions, args []string, levelSet bool) error {
	switch o.output {
	case "text", "json", "markdown", "md":
	default:
		return usageErrorf("-o %q: use text, json or markdown", o.output)
	}
	switch o.resolver {
	case "error", "warn", "off":
	default:
		return usageErrorf("--%s %q: want error, warn or off", flagResolverCheck, o.resolver)
	}
	opts := impact.Options{Args: args, State: o.state, Against: o.against, NoResolver: o.resolver == "off", LevelSet: levelSet}
	if opts.Against == "" {
		opts.Against = o.defaultAgainst
	}
	if levelSet {
		l, err := compat.ParseLevel(o.level)
		if err != nil {
			return usageErrorf("--%s: %v", flagLevel, err)
		}
		opts.Level = l
	}
	cfg, err := loadConfig()
	if err != nil {
		return err
	}
	opts.Config = cfg
	in, err := impact.Load(opts)
	if err != nil {
		if errors.Is(err, impact.ErrInput) {
			return usageError{err}
		}
		return err
	}
	rep := impact.Analyze(in)
	switch o.output {
	case "json":
		err = impact.WriteJSON(s.Out, rep)
	case "markdown", "md":
		err = impact.WriteMarkdown(s.Out, rep)
	default:
		err = impact.WriteText(s.Out, rep)
	}
	if err != nil {
		return err
	}
	if impactBreaks(rep, o.resolver == "warn") {
		return errFindings
	}
	return nil
}

// impactBreaks decides the exit code: a breaking verdict on a changed type
// or a subject; under --resolver-check warn, RESOLVER_REJECTS alone does
// not break.
func impactBreaks(rep impact.Report, resolverWarns bool) bool {
	if !resolverWarns {
		return rep.Breaking
	}
	for _, c := range rep.Changed {
		if c.Verdict.Status == impact.Incompatible {
			return true
		}
	}
	for _, sub := range rep.Subjects {
		if sub.Verdict.Status == impact.Incompatible || sub.Verdict.Status == impact.Removed {
			return true
		}
	}
	return false
}
