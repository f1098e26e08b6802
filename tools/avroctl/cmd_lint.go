package main

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"gitlab.com/acme/avroctl/gen/compat/report"
	"gitlab.com/acme/avroctl/gen/idl"
	"gitlab.com/acme/avroctl/gen/lint"
)

func init() { register(newLintCmd) }

func newLintCmd(s *streams) *cobra.Command {
	var (
		out        findingFlags
		importDirs []string
		use        []string
		except     []string
		listRules  bool
		state      string
		against    string
	)
	cmd := &cobra.Command{
		Use:   "lint [PATH...]",
		Short: "Check schemas against style and safe-evolution rules",
		Long: `Check Avro schemas against lint rules, like buf lint: naming conventions,
enums without defaults, optional fields without defaults, misspelt logical
types, money in floating point, timestamps without a logical type, missing
docs. Each finding names its rule, its place in the .avdl (or .avsc) source
and the fix.

PATH may be .avdl or .avsc files, or folders of them; the default is the IDL
folder of avroctl.yaml (or its schemas folder when there is no IDL).
avroctl.yaml's lint section selects rules, as buf's does:

  lint:
    use: [DEFAULT]            # rules or categories: MINIMAL, BASIC, DEFAULT, COMMENTS
    except: [TIMESTAMP_LOGICAL_TYPE]
    ignore: [idl/legacy]      # files or folders no rule checks
    ignore_only:
      ENUM_DEFAULT: [idl/orders/v1.avdl]

In .avdl sources, a comment "// avroctl:lint:ignore RULE_ID..." on the
element's line or just above it (among its comments and annotations)
silences those rules for that element.

The topic rules (TOPIC_*, DEAD_LETTER_RETENTION, EVENT_TYPE_TOPIC) check the
Kafka desired state (kafka.state of avroctl.yaml, or --state) when it exists:
replication, min.insync.replicas, dead-letter retention, compaction of
entity-keyed topics, event types; with --state-against REV also the growth of
a keyed topic's partitions since REV.

--use and --except override the file's lists.
Exit codes: 0 no findings, 1 findings, 2 bad input.`,
		Example: `  avroctl lint
  avroctl lint idl/orders --use DEFAULT,COMMENTS
  avroctl lint schemas/com.acme.events.orders.OrderCreated.avsc -o json
  avroctl lint --error-format gitlab-code-quality > gl-code-quality-lint.json
  avroctl lint --list-rules`,
		Args: cobraArgs(cobra.ArbitraryArgs),
		ValidArgsFunction: func(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
			return []string{"avdl", "avsc"}, cobra.ShellCompDirectiveFilterFileExt
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			format, err := out.format()
			if err != nil {
				return err
			}
			if listRules {
				return printLintRules(s, format)
			}
			cfg, err := loadConfig()
			if err != nil {
				return err
			}
			lc := cfg.LintConfig()
			if cmd.Flags().Changed("use") {
				lc.Use = use
			}
			if cmd.Flags().Changed("except") {
				lc.Except = except
			}
			if len(importDirs) == 0 {
				for _, d := range cfg.ImportDirs {
					importDirs = append(importDirs, cfg.Path(d))
				}
			}
			paths := args
			if len(paths) == 0 {
				paths = []string{cfg.Path(cfg.IDL)}
				if _, err := os.Stat(paths[0]); err != nil {
					paths = []string{cfg.Path(cfg.Schemas)}
				}
			}
			types, err := lint.Load(paths, idl.Options{ImportDirs: importDirs})
			if err != nil {
				return reportCompileError(s, strings.Join(paths, " "), err)
			}
			topics, err := lintTopics(cfg, state, against)
			if err != nil {
				return err
			}
			res, err := lint.RunWithTopics(types, topics, lc)
			if err != nil {
				return usageError{err}
			}
			if err := report.Print(s.Out, format, res.Report()); err != nil {
				return err
			}
			if len(res.Findings) > 0 {
				return errFindings
			}
			return nil
		},
	}
	out.bind(cmd)
	bindImportDirs(cmd, &importDirs)
	cmd.Flags().StringSliceVar(&use, "use", nil, "rules or categories to run (overrides lint.use)")
	cmd.Flags().StringSliceVar(&except, "except", nil, "rules or categories to skip (overrides lint.except)")
	cmd.Flags().BoolVar(&listRules, "list-rules", false, "list the rules, their categories and purpose, and exit")
	cmd.Flags().StringVar(&state, "state", "", "Kafka desired state whose topics the TOPIC_* rules check (default: kafka.state of avroctl.yaml, when it exists)")
	cmd.Flags().StringVar(&against, "state-against", "", "git revision whose state the partitions of keyed topics are compared with (for example origin/main)")
	complete := func(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		return lint.IDs(), cobra.ShellCompDirectiveNoFileComp
	}
	cmd.RegisterFlagCompletionFunc("use", complete)
	cmd.RegisterFlagCompletionFunc("except", complete)
	return cmd
}

// printLintRules lists the rules: a table for text, an array for JSON.
func printLintRules(s *streams, format report.Format) error {
	rules := lint.Rules()
	if format == report.JSON {
		type jsonRule struct {
			ID         string   `json:"id"`
			Categories []string `json:"categories"`
			Default    bool     `json:"default"`
			Purpose    string   `json:"purpose"`
		}
		out := make([]jsonRule, 0, len(rules))
		for _, r := range rules {
			cats := r.Categories()
			out = append(out, jsonRule{r.ID, cats, r.Category != lint.Comments, r.Purpose})
		}
		enc := json.NewEncoder(s.Out)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	tw := tabwriter.NewWriter(s.Out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tCATEGORIES\tPURPOSE")
	for _, r := range rules {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", r.ID, strings.Join(r.Categories(), ", "), r.Purpose)
	}
	return tw.Flush()
}
