package main

import (
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"

	"gitlab.com/acme/avroctl/gen/gitref"
	"gitlab.com/acme/avroctl/gen/release"
)

func init() { register(newReleaseCmd) }

type releaseOptions struct {
	initial string
	write   bool
	tag     bool
	output  string
}

func newReleaseCmd(s *streams) *cobra.Command {
	o := &releaseOptions{}
	cmd := &cobra.Command{
		Use:   "release",
		Short: "Compute the next events/vX.Y.Z from the schema change since the last tag",
		Long: `release compares schemas/ with the schemas at the last events/vX.Y.Z tag and
derives the next version of the generated events module:

  major  the wire breaks (old and new schemas cannot read each other's data)
         or Go callers break (type/field/enum symbol removed, Go type changed);
         from v2 on the module path needs the /vN suffix
  minor  additions: new types, new fields, new enum symbols
  patch  documentation, properties or defaults only

Without flags it prints the plan. --write adds the entry to the changelog;
--tag creates the annotated tag at HEAD. A tag is never moved or reused.`,
		Example: `  # What would the next release be?
  avroctl release

  # Write the changelog entry and tag HEAD
  avroctl release --write --tag`,
		Args: cobraArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error { return releaseRun(s, o) },
	}
	cmd.Flags().StringVar(&o.initial, "initial", "v1.0.0", "the first version, when there is no tag yet")
	cmd.Flags().BoolVar(&o.write, "write", false, "add the entry to the changelog file")
	cmd.Flags().BoolVar(&o.tag, "tag", false, "create the tag at HEAD")
	cmd.Flags().StringVarP(&o.output, "output", "o", "text", "output format: text or json")
	return cmd
}

func releaseRun(s *streams, o *releaseOptions) error {
	cfg, err := loadConfig()
	if err != nil {
		return err
	}
	initial, err := release.ParseVersion(o.initial)
	if err != nil {
		return usageErrorf("--initial: %v", err)
	}
	repo := gitref.Repo{Dir: cfg.Dir}
	plan, err := release.Compute(release.Options{
		Repo: repo, SchemasDir: cfg.Schemas, TagPrefix: cfg.Release.TagPrefix,
		ModulePath: cfg.Go.Module, ModuleDir: cfg.Go.Out, Initial: initial,
	})
	if err != nil {
		return err
	}
	date, err := repo.CommitTime("HEAD")
	if err != nil {
		return err
	}
	entry := ""
	if plan.Next != "" {
		entry = plan.Entry(date)
	}
	switch o.output {
	case "json":
		e := json.NewEncoder(s.Out)
		e.SetIndent("", "  ")
		changes := make([]map[string]string, len(plan.Changes))
		for i, c := range plan.Changes {
			changes[i] = map[string]string{"kind": c.Kind.String(), "type": c.Type, "text": c.Text}
		}
		if err := e.Encode(map[string]any{"last": plan.Last, "next": plan.Next, "bump": plan.Bump.String(),
			"module": plan.ModulePath, "changes": changes}); err != nil {
			return err
		}
	case "text":
		if plan.Next == "" {
			fmt.Fprintf(s.Out, "Nothing changed since %s (schemas, runtime Go API): nothing to release.\n", plan.Last)
			return nil
		}
		fmt.Fprint(s.Out, entry)
	default:
		return usageErrorf("-o %q: use text or json", o.output)
	}
	if plan.Next == "" {
		return nil
	}
	if plan.Bump == release.Major && plan.Version.Major >= 2 && plan.ModulePath != cfg.Go.Module {
		if !o.write && !o.tag {
			fmt.Fprintf(s.Err, "note: %s needs the module path %s: set go.module in %s and run `avroctl generate` before releasing\n",
				plan.Next, plan.ModulePath, configPath)
			return nil
		}
		return usageErrorf("%s is a major release: set go.module in %s to %s, run `avroctl generate`, commit, then release again",
			plan.Next, configPath, plan.ModulePath)
	}
	if o.write {
		if err := release.WriteChangelog(cfg.Path(cfg.Release.Changelog), plan.Next, entry); err != nil {
			return err
		}
		fmt.Fprintf(s.Err, "wrote %s\n", cfg.Release.Changelog)
	}
	if o.tag {
		if err := repo.CreateTag(plan.Next, entry); err != nil {
			return err
		}
		fmt.Fprintf(s.Err, "tagged %s\n", plan.Next)
	}
	return nil
}
