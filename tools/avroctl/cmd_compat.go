package main

import (
	"errors"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"gitlab.com/acme/avroctl/gen/breaking"
	"gitlab.com/acme/avroctl/gen/compat"
	"gitlab.com/acme/avroctl/gen/compat/input"
	"gitlab.com/acme/avroctl/gen/compat/report"
	"gitlab.com/acme/avroctl/gen/config"
	"gitlab.com/acme/avroctl/gen/evolve"
	"gitlab.com/acme/avroctl/gen/registry"
	"gitlab.com/acme/avroctl/gen/schema"
)

func init() {
	register(newCompatCmd)
	register(newBreakingCmd)
}

// Flag names shared by the compatibility commands.
const (
	flagReader       = "reader"
	flagWriter       = "writer"
	flagLevel        = "level"
	flagPrevious     = "previous"
	flagOutput       = "output"
	flagErrorFormat  = "error-format"
	flagImportDir    = "import-dir"
	flagAgainst      = "against"
	flagSchemas      = "schemas"
	flagAllowRemoved = "allow-removed"
)

// findingFlags are the output flags every compatibility command has.
type findingFlags struct {
	output      string
	errorFormat string
}

func (f *findingFlags) bind(cmd *cobra.Command) {
	cmd.Flags().StringVarP(&f.output, flagOutput, "o", "text", "output format: text|json")
	cmd.Flags().StringVar(&f.errorFormat, flagErrorFormat, "",
		"findings format: "+strings.Join(report.AllFormatStrings(), "|")+" (overrides -o)")
}

// format resolves -o and --error-format into one report format.
func (f *findingFlags) format() (report.Format, error) {
	if f.errorFormat != "" {
		fm, err := report.ParseFormat(f.errorFormat)
		if err != nil {
			return 0, usageErrorf("--%s: %v", flagErrorFormat, err)
		}
		return fm, nil
	}
	switch f.output {
	case "text":
		return report.Text, nil
	case "json":
		return report.JSON, nil
	}
	return 0, usageErrorf("-o %q: want text or json", f.output)
}

func newCompatCmd(s *streams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "compat",
		Short: "Check Avro schema compatibility offline (Java/Confluent rules)",
		Example: `  avroctl compat check --reader new.avsc --writer old.avsc
  avroctl compat check --level FULL_TRANSITIVE schemas/Order.avsc --previous v1.avsc --previous v2.avsc`,
	}
	cmd.AddCommand(newCompatCheckCmd(s))
	return cmd
}

type compatCheckOptions struct {
	reader, writer string
	level          string
	previous       []string
	importDirs     []string
	out            findingFlags
}

func newCompatCheckCmd(s *streams) *cobra.Command {
	var o compatCheckOptions
	cmd := &cobra.Command{
		Use:   "check (--reader R --writer W | --level LEVEL NEW --previous OLD...)",
		Short: "Check a reader against a writer, or a new schema against its history at a level",
		Long: `Check a reader schema against a writer schema, exactly as Apache Avro 1.12's
SchemaCompatibility does, or a new schema against previous versions (oldest
first) at a Confluent Schema Registry level: ` + strings.Join(compat.AllLevelStrings(), ", ") + `.

Schema files may be .avsc or .avdl (the file's main schema).
Besides Java's verdict, findings say where a removed and an added field (or a
moved named type) look like a rename, with the alias edit (FIELD_RENAMED,
TYPE_MOVED), and where the registry accepts a change that a consumer's
resolving reader cannot read (RESOLVER_REJECTS).
Exit codes: 0 compatible, 1 incompatible or RESOLVER_REJECTS, 2 bad input.`,
		Example: `  # can consumers on new.avsc read events written with old.avsc?
  avroctl compat check --reader new.avsc --writer old.avsc

  # is v3 a FULL_TRANSITIVE successor of v1 and v2? JUnit for GitLab
  avroctl compat check --level FULL_TRANSITIVE v3.avsc --previous v1.avsc --previous v2.avsc --error-format junit`,
		Args: cobraArgs(cobra.MaximumNArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			return compatCheckRun(s, &o, args)
		},
	}
	cmd.Flags().StringVar(&o.reader, flagReader, "", "reader schema (.avsc or .avdl): the schema that decodes")
	cmd.Flags().StringVar(&o.writer, flagWriter, "", "writer schema (.avsc or .avdl): the schema the data was written with")
	cmd.Flags().StringVar(&o.level, flagLevel, "", "compatibility level: "+strings.Join(compat.AllLevelStrings(), "|"))
	cmd.Flags().StringArrayVar(&o.previous, flagPrevious, nil, "a previous version (repeatable, oldest first)")
	cmd.Flags().StringArrayVar(&o.importDirs, flagImportDir, nil, "folder searched for IDL imports (repeatable)")
	o.out.bind(cmd)
	return cmd
}

func compatCheckRun(s *streams, o *compatCheckOptions, args []string) error {
	format, err := o.out.format()
	if err != nil {
		return err
	}
	load := func(path string) (schema.Schema, error) {
		return input.Load(path, input.Options{ImportDirs: o.importDirs})
	}
	var res compat.Result
	var blame string
	var extra []report.Finding // evolution findings: never change the verdict
	switch {
	case o.level != "":
		if o.reader != "" || o.writer != "" {
			return usageErrorf("use either --reader/--writer or --level with NEW and --previous, not both")
		}
		if len(args) != 1 {
			return usageErrorf("--level needs the new schema as an argument: avroctl compat check --level %s NEW.avsc --previous OLD.avsc", o.level)
		}
		level, err := compat.ParseLevel(o.level)
		if err != nil {
			return usageErrorf("--%s: %v", flagLevel, err)
		}
		newSchema, err := load(args[0])
		if err != nil {
			return err
		}
		var previous []schema.Schema
		for _, p := range o.previous {
			ps, err := load(p)
			if err != nil {
				return err
			}
			previous = append(previous, ps)
		}
		res = compat.CheckLevel(level, newSchema, previous)
		blame = args[0]
		extra = evolve.Findings(level, newSchema, previous, "", blame)
	default:
		if o.reader == "" || o.writer == "" || len(args) > 0 || len(o.previous) > 0 {
			return usageErrorf("give --reader R.avsc --writer W.avsc, or --level LEVEL NEW.avsc --previous OLD.avsc")
		}
		reader, err := load(o.reader)
		if err != nil {
			return err
		}
		writer, err := load(o.writer)
		if err != nil {
			return err
		}
		res = compat.Check(reader, writer)
		blame = o.reader
		pair := []evolve.Pair{{Reader: reader, Writer: writer}}
		extra = evolve.ResolverFindings(pair, "", blame)
		extra = append(extra, evolve.ResolverWarningFindings(pair, "", blame)...)
		extra = append(extra, evolve.RenameFindings(writer, reader, "", blame)...)
	}
	// breaking.resolver in avroctl.yaml decides whether RESOLVER_REJECTS
	// fails this check too, so both commands agree.
	cfg, err := loadConfig()
	if err != nil {
		return err
	}
	resolver, _ := breaking.ResolverLevel(cfg.Breaking.Resolver) // validated by config
	for i := range extra {
		if extra[i].Type == evolve.ResolverRejects && resolver == breaking.LevelWarn {
			extra[i].Severity = "minor"
			extra[i].Message = "warning (breaking.resolver: warn): " + extra[i].Message
		}
	}
	rep := report.Report{Compatible: res.Compatible, Findings: append(report.FromResult(res, "", blame), extra...)}
	rep.Normalize()
	if err := report.Print(s.Out, format, rep); err != nil {
		return err
	}
	return findingsExit(rep, resolver)
}

// findingsExit is the exit status of a compatibility report: 1 when the
// verdict is incompatible, and also when a consumer's resolving reader
// rejects a change the verdict (Java's) accepts, since consumers would fail
// at run time, unless breaking.resolver is warn. Rename findings alone are
// informational.
func findingsExit(rep report.Report, resolver string) error {
	if !rep.Compatible {
		return errFindings
	}
	if resolver == breaking.LevelWarn {
		return nil
	}
	for _, f := range rep.Findings {
		if f.Type == evolve.ResolverRejects {
			return errFindings
		}
	}
	return nil
}

type breakingOptions struct {
	against      string
	level        string
	schemas      string
	allowRemoved bool
	listRules    bool
	today        string
	out          findingFlags
}

func newBreakingCmd(s *streams) *cobra.Command {
	var o breakingOptions
	cmd := &cobra.Command{
		Use:   "breaking --against REF",
		Short: "Check the schemas folder against a git revision for breaking changes",
		Long: `Check every <full.name>.avsc in the schemas folder (each file is a subject)
against the same file at git revision REF. A transitive level also checks
every release tag <release.tag_prefix>v* (events/v* by default, in version
order) before REF. The schemas folder and tag prefix come from avroctl.yaml
when there is one; run from the repository root.

Rules come in categories, chosen as buf chooses its breaking categories
(breaking.use / breaking.except in avroctl.yaml; --list-rules prints them).
They nest as buf's do (FILE ⊃ PACKAGE ⊃ WIRE_JSON ⊃ WIRE, strictest first):

  WIRE ⊂ WIRE_JSON ⊂ GO_API        REGISTRY (the checker's rules + its own)

  WIRE       binary data at the compatibility level: Java's checker, plus
             RESOLVER_REJECTS (the registry accepts it, a consumer's
             resolving reader cannot read it). The default.
  WIRE_JSON  WIRE, plus Avro JSON text: a field renamed with an alias, a
             union branch's full name, a removed enum symbol.
  GO_API     WIRE_JSON, plus the generated Go API: removed types, fields
             and enum constants, changed field types.
  REGISTRY   what the registry decides: the checker's rules, a change that
             prints or normalizes to the registered schema (no new
             version), a referenced subject that changed.

New subjects are fine; removed subjects are an error unless --allow-removed.
Renames (FIELD_RENAMED, TYPE_MOVED, with the alias edit) are reported too.
breaking.resolver: warn makes RESOLVER_REJECTS a warning (compat check
follows it too).

Ignores are audited: each says why, and may say until when.
  breaking:
    ignore:
      - {rule: JSON_FIELD_RENAMED, type: com.acme.Order, field: note,
         reason: "no JSON consumers", until: 2027-03-01}
    ignore_unstable_namespaces: ["*.v1alpha*"]
or, in the IDL, on the element (its line or the comments above it):
  // avroctl:breaking:ignore JSON_FIELD_RENAMED reason="no JSON consumers" until=2027-03-01
An ignore without a reason is an error (exit 2); an expired one is an
IGNORE_EXPIRED finding, one that silenced nothing is IGNORE_UNUSED (a
warning), and the report lists every ignore with what it silenced.

Exit codes: 0 no finding of level error, 1 breaking changes, 2 bad input or
missing revision (the message says which git fetch to run).`,
		Example: `  avroctl breaking --against origin/main
  avroctl breaking --against origin/main --level FULL_TRANSITIVE --error-format gitlab-code-quality > gl-code-quality-report.json
  avroctl breaking --list-rules -o json`,
		Args: cobraArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			if o.listRules {
				return breakingListRules(s, &o)
			}
			return breakingRun(s, &o, cmd.Flags().Changed(flagSchemas), cmd.Flags().Changed(flagLevel))
		},
	}
	cmd.Flags().StringVar(&o.against, flagAgainst, "", "git revision to compare with (required), e.g. origin/main")
	cmd.Flags().StringVar(&o.level, flagLevel, "", "compatibility level (default: registry.compatibility in avroctl.yaml, else BACKWARD): "+strings.Join(compat.AllLevelStrings(), "|"))
	cmd.Flags().StringVar(&o.schemas, flagSchemas, "schemas", "folder of compiled .avsc files, one per named type")
	cmd.Flags().BoolVar(&o.allowRemoved, flagAllowRemoved, false, "accept subjects that were removed")
	cmd.Flags().BoolVar(&o.listRules, "list-rules", false, "print the categories and rules (-o text|json) and exit")
	// --today pins the date expired ignores are judged by, for tests.
	cmd.Flags().StringVar(&o.today, "today", "", "date to judge until= against (YYYY-MM-DD; default today, UTC)")
	_ = cmd.Flags().MarkHidden("today")
	o.out.bind(cmd)
	return cmd
}

func breakingRun(s *streams, o *breakingOptions, schemasSet, levelSet bool) error {
	format, err := o.out.format()
	if err != nil {
		return err
	}
	if o.against == "" {
		return usageErrorf("--%s REF is required, e.g. --against origin/main", flagAgainst)
	}
	var today time.Time
	if o.today != "" {
		if today, err = time.Parse(breaking.DateLayout, o.today); err != nil {
			return usageErrorf("--today %q: want YYYY-MM-DD", o.today)
		}
	}
	// avroctl.yaml (when present) names the schemas folder, the level the
	// registry enforces, the release tag prefix and the breaking section.
	cfg, err := loadConfig()
	if err != nil {
		return err
	}
	if !levelSet && cfg.Registry.Compatibility != "" {
		o.level = cfg.Registry.Compatibility
	}
	if o.level == "" {
		o.level = "BACKWARD"
	}
	level, err := compat.ParseLevel(o.level)
	if err != nil {
		return usageErrorf("--%s: %v", flagLevel, err)
	}
	if !schemasSet && cfg.Schemas != "" {
		o.schemas = cfg.Schemas
	}
	if _, err := os.Stat(o.schemas); errors.Is(err, os.ErrNotExist) {
		return requireSchemas(o.schemas)
	}
	tagPrefix := ""
	if cfg.Release.TagPrefix != "" {
		tagPrefix = cfg.Release.TagPrefix + "v"
	}
	regSubjects, err := registrySubjectsOf(cfg, o.schemas)
	if err != nil {
		return err
	}
	res, err := breaking.Check(breaking.Options{
		RegistrySubjects:   regSubjects,
		Sources:            idlSources(cfg),
		Schemas:            o.schemas,
		Against:            o.against,
		Level:              level,
		AllowRemoved:       o.allowRemoved,
		TagPrefix:          tagPrefix,
		Use:                cfg.Breaking.Use,
		Except:             cfg.Breaking.Except,
		Ignores:            breaking.ConfigIgnores(cfg),
		UnstableNamespaces: cfg.Breaking.IgnoreUnstableNamespaces,
		Resolver:           cfg.Breaking.Resolver,
		Today:              today,
	})
	if err != nil {
		return usageError{err}
	}
	if err := breaking.Print(s.Out, format, res); err != nil {
		return err
	}
	if !res.Report.Compatible {
		return errFindings
	}
	return nil
}

// breakingListRules prints the categories (with how they nest) and every
// rule with the categories that include it.
func breakingListRules(s *streams, o *breakingOptions) error {
	switch o.out.output {
	case "text", "json":
		return breaking.PrintRules(s.Out, o.out.output == "json")
	}
	return usageErrorf("-o %q: want text or json", o.out.output)
}

// idlSources compiles the IDL the schemas come from, so that breaking points
// at .avdl lines. IDL that does not compile locates nothing: compile and
// lint report it, and the check itself runs on the .avsc files.
func idlSources(cfg *config.Config) map[string]schema.Schema {
	dir := cfg.Path(cfg.IDL)
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return nil
	}
	var importDirs []string
	for _, d := range cfg.ImportDirs {
		importDirs = append(importDirs, cfg.Path(d))
	}
	named, err := loadIDL(dir, importDirs)
	if err != nil {
		return nil
	}
	out := make(map[string]schema.Schema, len(named))
	for _, n := range named {
		if _, dup := out[n.Names().FullName()]; !dup {
			out[n.Names().FullName()] = n
		}
	}
	return out
}

// registrySubjectsOf maps each type of the schemas folder to the subjects
// `registry register` would register it under, from avroctl.yaml's
// strategy and topics, for breaking's REGISTRY findings; nil under the
// record strategy, where every type's subject is its full name.
func registrySubjectsOf(cfg *config.Config, schemasDir string) (map[string][]string, error) {
	st, err := registry.ParseStrategy(cfg.Registry.Strategy)
	if err != nil || st == registry.RecordName {
		return nil, nil // config.Load has reported a bad strategy already
	}
	items, err := registryItems(schemasDir, cfg.Registry.Strategy, configTopics(cfg))
	if err != nil {
		return nil, err
	}
	out := map[string][]string{}
	for _, it := range items {
		full := it.Schema.Names().FullName()
		out[full] = append(out[full], it.Subject)
	}
	return out, nil
}
