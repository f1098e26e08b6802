package main

import (
	"context"
	"strings"

	"github.com/spf13/cobra"
	"github.com/twmb/franz-go/pkg/sr"

	"gitlab.com/acme/avroctl/gen/diff"
)

func init() { register(newDiffCmd) }

func newDiffCmd(s *streams) *cobra.Command {
	var repoDir string
	var reg regClientFlags
	cmd := &cobra.Command{
		Use:   "diff A B",
		Short: "List the field-level changes between two versions of the schemas, with the verdict per level",
		Long: `diff compares the named types of A (before) and B (after) and lists, per
type: types added, removed or moved (through aliases or detected), fields
added, removed, renamed (through aliases or detected, as compat check's
FIELD_RENAMED), retyped (in IDL syntax), default, doc and order changes, enum
symbols and default, fixed size, union branches; then the BACKWARD, FORWARD
and FULL verdicts of each changed type (for two versions the transitive
levels are the same).

A and B are each:
  a .avsc or .avdl file, or a folder (its .avsc files, else its .avdl files)
  REV            the schemas/ folder at a git revision (branch, tag, commit)
  REV:path       a folder or file at a git revision
  events/vX.Y.Z  a release tag: its schemas/ folder
  registry:SUBJECT@VERSION  a version (a number or "latest") of a subject in
                 the Schema Registry at --url (references written in)

Output: -o text, json, or markdown (a table per type, for a merge-request
comment). Exit codes: 0 no change, 1 changes, 2 usage or input error.`,
		Example: `  avroctl diff origin/main schemas
  avroctl diff events/v1.4.0 events/v1.5.0 -o markdown > diff.md
  avroctl diff HEAD~1:idl idl -o json
  avroctl diff old/order.avsc schemas/com.acme.Order.avsc
  avroctl diff registry:orders-value@latest schemas/com.acme.Order.avsc --url http://localhost:8081`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			output := reg.output
			switch output {
			case "text", "json", "markdown", "md":
			default:
				return usageErrorf("-o %q: use text, json or markdown", output)
			}
			a, err := loadDiffSide(cmd.Context(), args[0], repoDir, reg.client)
			if err != nil {
				return err
			}
			b, err := loadDiffSide(cmd.Context(), args[1], repoDir, reg.client)
			if err != nil {
				return err
			}
			rep := diff.Compare(a, b)
			rep.A, rep.B = args[0], args[1]
			switch output {
			case "json":
				err = diff.WriteJSON(s.Out, rep)
			case "markdown", "md":
				err = diff.WriteMarkdown(s.Out, rep)
			default:
				err = diff.WriteText(s.Out, rep)
			}
			if err != nil {
				return err
			}
			if rep.Changed {
				return errFindings
			}
			return nil
		},
	}
	// The registry client flags (for registry:SUBJECT@VERSION) include -o.
	reg.bind(cmd)
	cmd.PersistentFlags().Lookup(flagOutput).Usage = "output format: text|json|markdown"
	cmd.Flags().StringVar(&repoDir, "repo", "", "git working tree that revisions are read from (default: the current directory)")
	_ = cmd.RegisterFlagCompletionFunc(flagOutput, cobra.FixedCompletions([]string{"text", "json", "markdown"}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

// loadDiffSide loads A or B; every failure is an input error (exit 2).
func loadDiffSide(ctx context.Context, spec, repoDir string, client func() (*sr.Client, error)) (diff.Set, error) {
	if strings.HasPrefix(spec, "registry:") {
		s, err := registrySchema(ctx, spec, client)
		if err != nil {
			return nil, err
		}
		set := diff.Set{}
		set.Add(s)
		return set, nil
	}
	set, err := diff.Load(spec, repoDir)
	if err != nil {
		return nil, usageError{err}
	}
	return set, nil
}
