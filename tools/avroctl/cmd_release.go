package main

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"gitlab.com/acme/avroctl/gen/config"
	"gitlab.com/acme/avroctl/gen/gitref"
	"gitlab.com/acme/avroctl/gen/idl"
	"gitlab.com/acme/avroctl/gen/release"
)

func init() { register(newReleaseCmd) }

type releaseOptions struct {
	initial string
	write   bool
	tag     bool
	restore bool
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
--tag creates the annotated tag at HEAD (with --write too, it commits the
changelog first). A tag is never moved or reused, so --write and --tag
refuse, saying what to do, when:

  - the working tree has uncommitted changes, or schemas/ or <go.out> is
    stale (compile --check or generate --check fails) (--tag);
  - the version's major does not match the module path in <go.out>/go.mod
    (a /v2 path needs v2.x.y; v0 and v1 need no suffix);
  - the version is not above every existing tag and every changelog entry
    (a clone without the tags: git fetch --tags, or go run mage.go tags).`,
		Example: `  # What would the next release be?
  avroctl release

  # Write the changelog entry, commit it and tag it
  avroctl release --write --tag

  # A clone without the tags: recreate them from the changelog
  avroctl release --restore-tags`,
		Args: cobraArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error { return releaseRun(s, o) },
	}
	cmd.Flags().StringVar(&o.initial, "initial", "", "the first version, when there is no tag yet (default v1.0.0, or vN.0.0 when go.module ends in /vN)")
	cmd.Flags().BoolVar(&o.write, "write", false, "add the entry to the changelog file")
	cmd.Flags().BoolVar(&o.tag, "tag", false, "create the tag at HEAD")
	cmd.Flags().BoolVar(&o.restore, "restore-tags", false, "create the changelog's missing tags, each at the commit that added its entry")
	cmd.Flags().StringVarP(&o.output, "output", "o", "text", "output format: text or json")
	return cmd
}

func releaseRun(s *streams, o *releaseOptions) error {
	cfg, err := loadConfig()
	if err != nil {
		return err
	}
	initial := release.InitialFor(cfg.Go.Module)
	if o.initial != "" {
		if initial, err = release.ParseVersion(o.initial); err != nil {
			return usageErrorf("--initial: %v", err)
		}
	}
	repo := gitref.Repo{Dir: cfg.Dir}
	if err := requireSchemas(cfg.Path(cfg.Schemas)); err != nil && !o.restore {
		return err
	}
	if o.restore {
		restored, err := release.RestoreTags(repo, cfg.Release.Changelog, cfg.Release.TagPrefix)
		for _, r := range restored {
			fmt.Fprintf(s.Out, "tagged %s at %.12s\n", r.Tag, r.Commit)
		}
		if err == nil && len(restored) == 0 {
			fmt.Fprintf(s.Out, "every entry of %s has its tag\n", cfg.Release.Changelog)
		}
		return err
	}
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
	if o.output != "text" && o.output != "json" {
		return usageErrorf("-o %q: use text or json", o.output)
	}
	var problems []error
	if plan.Next != "" {
		problems = releaseProblems(plan, cfg, repo, o.tag)
	}
	if len(problems) > 0 && (o.write || o.tag) {
		return usageError{refusal{plan.Next, problems}}
	}
	switch o.output {
	case "json":
		e := json.NewEncoder(s.Out)
		e.SetIndent("", "  ")
		changes := make([]map[string]string, len(plan.Changes))
		for i, c := range plan.Changes {
			changes[i] = map[string]string{"kind": c.Kind.String(), "type": c.Type, "text": c.Text}
		}
		refusals := make([]string, len(problems))
		for i, p := range problems {
			refusals[i] = p.Error()
		}
		if err := e.Encode(map[string]any{"last": plan.Last, "next": plan.Next, "bump": plan.Bump.String(),
			"module": plan.ModulePath, "changes": changes, "tag_would_refuse": refusals}); err != nil {
			return err
		}
	case "text":
		if plan.Next == "" {
			fmt.Fprintf(s.Out, "Nothing changed since %s (schemas, runtime Go API): nothing to release.\n", plan.Last)
			return nil
		}
		fmt.Fprint(s.Out, entry)
		for _, p := range problems {
			fmt.Fprintf(s.Err, "note: release --tag would refuse: %v\n", p)
		}
	}
	if plan.Next == "" {
		return nil
	}
	if o.write {
		if err := release.WriteChangelog(cfg.Path(cfg.Release.Changelog), plan.Next, entry); err != nil {
			return err
		}
		fmt.Fprintf(s.Err, "wrote %s\n", cfg.Release.Changelog)
		if o.tag {
			// The tag must name a commit that has the entry.
			if err := repo.Commit(plan.Next+": changelog", cfg.Release.Changelog); err != nil {
				return err
			}
			fmt.Fprintf(s.Err, "committed %s\n", cfg.Release.Changelog)
		}
	}
	if o.tag {
		if err := repo.CreateTag(plan.Next, entry); err != nil {
			return err
		}
		fmt.Fprintf(s.Err, "tagged %s\n", plan.Next)
	}
	return nil
}

// releaseProblems lists why the plan must not be released now: the checks
// of release.Plan.Check and, when tagging, schemas/ or the generated module
// not being what the sources make.
func releaseProblems(plan *release.Plan, cfg *config.Config, repo gitref.Repo, tagging bool) []error {
	ropts := release.Options{Repo: repo, TagPrefix: cfg.Release.TagPrefix, ModuleDir: cfg.Go.Out}
	problems := plan.Check(ropts, cfg.Release.Changelog, tagging)
	if tagging {
		if err := staleSchemas(cfg); err != nil {
			problems = append(problems, err)
		}
		if stale, err := staleGenerated(); err != nil {
			problems = append(problems, err)
		} else if len(stale) > 0 {
			problems = append(problems, fmt.Errorf("%s is stale (%s): run avroctl generate (go run mage.go generate), commit, then release again",
				cfg.Go.Out, strings.Join(stale, ", ")))
		}
	}
	return problems
}

// refusal is release's error for a release it will not make: every reason,
// one per line (and one per entry of -o json's errors).
type refusal struct {
	next     string
	problems []error
}

func (r refusal) Error() string {
	msgs := make([]string, len(r.problems))
	for i, p := range r.problems {
		msgs[i] = "  - " + p.Error()
	}
	return fmt.Sprintf("refusing to release %s:\n%s", r.next, strings.Join(msgs, "\n"))
}

func (r refusal) Unwrap() []error { return r.problems }

// staleSchemas says whether schemas/ is what idl/ compiles to (as compile
// --check does); a project without idl/ keeps its .avsc files by hand.
func staleSchemas(cfg *config.Config) error {
	idlDir := cfg.Path(cfg.IDL)
	if fi, err := os.Stat(idlDir); err != nil || !fi.IsDir() {
		return nil
	}
	var importDirs []string
	for _, d := range cfg.ImportDirs {
		importDirs = append(importDirs, cfg.Path(d))
	}
	res, err := idl.CheckTree(idlDir, cfg.Path(cfg.Schemas), idl.Options{ImportDirs: importDirs})
	if err != nil {
		return fmt.Errorf("%s does not compile: %v", cfg.IDL, err)
	}
	stale := append(append([]string{}, res.Written...), res.Removed...)
	if len(stale) > 0 {
		return fmt.Errorf("%s is stale (%s): run avroctl compile and avroctl generate (go run mage.go generate), commit, then release again",
			cfg.Schemas, strings.Join(stale, ", "))
	}
	return nil
}
