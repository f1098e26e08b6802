package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"gitlab.com/acme/avroctl/gen/golang"
	"gitlab.com/acme/avroctl/gen/idl"
	"gitlab.com/acme/avroctl/gen/schema"
)

func init() { register(newGenerateCmd) }

type generateOptions struct {
	schemasDir string
	idlDir     string
	importDirs []string
	out        string
	module     string
	packages   []string
	topics     []string
	// topicsFromConfig: topics came from avroctl.yaml, not --topic.
	topicsFromConfig bool
	goVersion        string
	check            bool
	output           string
	// --from-registry: the subjects are the arguments.
	reg registryGenerate
}

func newGenerateCmd(s *streams) *cobra.Command {
	o := &generateOptions{}
	cmd := &cobra.Command{
		Use:   "generate",
		Short: "Generate the Go events module (types + Avro serde) from schemas",
		Long: `generate writes a Go module with one package per Avro namespace: a struct per
record, a string type per enum, an array type per fixed, sealed interfaces for
unions, and straight-line AppendAvro/UnmarshalAvro/UnmarshalAvroFrom methods.
A topic carrying several record types of one package (registry.topics in
avroctl.yaml, or --topic) gets a sealed interface, <Topic>Event, and
New<Topic>EventCodec, a codec decoding any frame on the topic into the
right type by its writer schema.
The module's serialization runtime is copied into <out>/avro, so the module
needs only the standard library.

Input is a folder of .avsc files (--schemas, references across files resolve)
or of .avdl files (--idl). Only files that change are rewritten; generated
files that are no longer produced are removed. --check writes nothing and
exits 1 when the module on disk is stale.

` + fromRegistryHelp,
		Example: `  # Generate events/ from the compiled schemas
  avroctl generate --schemas schemas --out events

  # Straight from IDL, with a custom package for one namespace
  avroctl generate --idl idl --package com.acme.orders=orders/v1

  # A topic carrying two event types: orders.OrdersEvent, orders.NewOrdersEventCodec
  avroctl generate --topic orders=com.acme.orders.OrderCreated --topic orders=com.acme.orders.OrderCancelled

  # CI: fail when events/ is not regenerated
  avroctl generate --schemas schemas --check

  # A consumer of contracts it does not own: pin them in avroctl.lock
  REGISTRY_URL=https://sr.example.com avroctl generate --from-registry orders-value payments-value@3
  avroctl generate --from-registry orders-value --update-lock   # move to the latest versions`,
		Args: func(cmd *cobra.Command, args []string) error {
			if o.reg.on {
				return cobraArgs(cobra.MinimumNArgs(1))(cmd, args)
			}
			return cobraArgs(cobra.NoArgs)(cmd, args)
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.fromConfig(cmd); err != nil {
				return err
			}
			if o.reg.on {
				if cmd.Flags().Changed("schemas") || cmd.Flags().Changed("idl") {
					return usageErrorf("give --%s or --schemas/--idl, not both", genFlagFromRegistry)
				}
				o.reg.subjects = args
			} else if err := o.reg.refuseWithout(cmd); err != nil {
				return err
			}
			return generateRun(s, o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.schemasDir, "schemas", "", "folder of .avsc files (default \"schemas\" when --idl is not given)")
	f.StringVar(&o.idlDir, "idl", "", "folder of .avdl files, instead of --schemas")
	f.StringArrayVarP(&o.importDirs, idlFlagImportDir, "I", nil, "extra folder for IDL imports given by bare name (repeatable), as idl's -I")
	f.StringVar(&o.out, "out", "events", "output folder (the generated module's root)")
	f.StringVar(&o.module, "module", golang.DefaultModulePath, "module path of the generated module")
	f.StringArrayVar(&o.packages, "package", nil, "namespace=dir: package folder for an Avro namespace (repeatable; default: the last namespace segment)")
	f.StringArrayVar(&o.topics, "topic", nil, "TOPIC=full.Name: a value type of a topic (repeatable; default: registry.topics in avroctl.yaml)")
	f.StringVar(&o.goVersion, "go-version", golang.DefaultGoVersion, "go directive of the generated go.mod")
	f.BoolVar(&o.check, "check", false, "write nothing; exit 1 if the output folder is stale")
	f.StringVarP(&o.output, "output", "o", "text", "output format: text|json")
	o.reg.bind(cmd)
	cmd.ValidArgsFunction = o.reg.completeSubjects
	return cmd
}

// generateResult is the -o json output.
type generateResult struct {
	Out     string   `json:"out"`
	Files   int      `json:"files"`
	Changed []string `json:"changed"`
	Check   bool     `json:"check"`
}

// fromConfig takes from avroctl.yaml what no flag set: the schemas and
// output folders, the module path and the namespace -> package mapping.
func (o *generateOptions) fromConfig(cmd *cobra.Command) error {
	cfg, err := loadConfig() // a --config file that does not exist is an error
	if err != nil {
		return err
	}
	if _, err := os.Stat(configPath); err != nil {
		return nil // no avroctl.yaml: the flags' defaults stand
	}
	f := cmd.Flags()
	if !f.Changed("schemas") && !f.Changed("idl") {
		o.schemasDir = cfg.Path(cfg.Schemas)
	}
	if !f.Changed("import-dir") {
		for _, d := range cfg.ImportDirs {
			o.importDirs = append(o.importDirs, cfg.Path(d))
		}
	}
	if !f.Changed("out") {
		o.out = cfg.Path(cfg.Go.Out)
	}
	if !f.Changed("module") && cfg.Go.Module != "" {
		o.module = cfg.Go.Module
	}
	if !f.Changed("package") {
		namespaces := make([]string, 0, len(cfg.Go.Packages))
		for ns := range cfg.Go.Packages {
			namespaces = append(namespaces, ns)
		}
		sort.Strings(namespaces)
		for _, ns := range namespaces {
			o.packages = append(o.packages, ns+"="+cfg.Go.Packages[ns])
		}
	}
	if !f.Changed("topic") {
		o.topics = configTopics(cfg)
		o.topicsFromConfig = true
	}
	return nil
}

func generateRun(s *streams, o *generateOptions) error {
	if o.output != "text" && o.output != "json" {
		return usageErrorf("-o %q: want text or json", o.output)
	}
	if o.schemasDir != "" && o.idlDir != "" {
		return usageErrorf("give either --schemas or --idl, not both")
	}
	opts := golang.Options{ModulePath: o.module, GoVersion: o.goVersion, Packages: map[string]string{}}
	for _, p := range o.packages {
		ns, dir, ok := strings.Cut(p, "=")
		if !ok || dir == "" {
			return usageErrorf("--package %q: want namespace=dir, e.g. com.acme.orders=orders", p)
		}
		opts.Packages[ns] = dir
	}
	// avroctl.yaml's mapping may name types of schemas this run does not
	// read; types named with --topic must exist.
	opts.SkipUnknownTopicTypes = o.topicsFromConfig
	for _, t := range o.topics {
		topic, name, ok := strings.Cut(t, "=")
		if !ok || topic == "" || name == "" {
			return usageErrorf("--topic %q: want TOPIC=full.Name, e.g. orders=com.acme.orders.OrderCreated", t)
		}
		if opts.Topics == nil {
			opts.Topics = map[string][]string{}
		}
		opts.Topics[topic] = append(opts.Topics[topic], name)
	}
	var schemas []schema.NamedSchema
	var err error
	var commitLock func() error
	if o.reg.on {
		schemas, commitLock, err = o.reg.load(s, o.check)
		if err != nil {
			return err
		}
	} else if fi, err := os.Stat(o.idlDir); o.idlDir != "" && (err != nil || !fi.IsDir()) {
		return usageErrorf("%s: not a folder; set it with --idl DIR (or idl: in %s)", o.idlDir, configPath)
	}
	if o.reg.on {
		// loaded above
	} else if o.idlDir != "" {
		schemas, err = loadIDL(o.idlDir, o.importDirs)
	} else {
		dir := o.schemasDir
		if dir == "" {
			dir = "schemas"
		}
		if err := requireSchemas(dir); err != nil {
			return err
		}
		schemas, err = loadAvsc(dir)
	}
	if err != nil {
		return usageError{err}
	}
	if len(schemas) == 0 {
		return usageErrorf("no named schemas found; point --schemas or --idl at a folder with .avsc or .avdl files")
	}
	files, err := golang.Generate(schemas, opts)
	if err != nil {
		return usageError{err}
	}
	res := generateResult{Out: o.out, Files: len(files), Check: o.check}
	if o.check {
		res.Changed, err = golang.CheckTree(o.out, files)
	} else {
		res.Changed, err = golang.WriteTree(o.out, files)
	}
	if err != nil {
		return err
	}
	// The lock is written only once the code it describes is.
	if commitLock != nil && !o.check {
		if err := commitLock(); err != nil {
			return err
		}
	}
	if res.Changed == nil {
		res.Changed = []string{}
	}
	if o.output == "json" {
		e := json.NewEncoder(s.Out)
		e.SetIndent("", "  ")
		if err := e.Encode(res); err != nil {
			return err
		}
	} else {
		verb := "wrote"
		if o.check {
			verb = "stale"
		}
		for _, c := range res.Changed {
			fmt.Fprintf(s.Out, "%s %s\n", verb, filepath.ToSlash(filepath.Join(o.out, c)))
		}
		if len(res.Changed) == 0 {
			fmt.Fprintf(s.Out, "%s: up to date (%d files)\n", o.out, len(files))
		}
	}
	if o.check && len(res.Changed) > 0 {
		fmt.Fprintf(s.Err, "%s is stale: run avroctl generate without --check\n", o.out)
		return errFindings
	}
	return nil
}

// filesWithExt lists the files under dir ending in ext, sorted.
func filesWithExt(dir, ext string) ([]string, error) {
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(p, ext) {
			out = append(out, p)
		}
		return nil
	})
	sort.Strings(out)
	return out, err
}

func loadAvsc(dir string) ([]schema.NamedSchema, error) {
	paths, err := filesWithExt(dir, ".avsc")
	if err != nil {
		return nil, err
	}
	return golang.ParseFiles(paths)
}

// loadIDL compiles every .avdl file under dir. Types imported by several
// files arrive once per file; Generate keeps the first and checks the rest.
func loadIDL(dir string, importDirs []string) ([]schema.NamedSchema, error) {
	paths, err := filesWithExt(dir, ".avdl")
	if err != nil {
		return nil, err
	}
	var all []schema.NamedSchema
	for _, p := range paths {
		f, err := idl.Compile(p, idl.Options{ImportDirs: importDirs})
		if err != nil {
			return nil, err
		}
		all = append(all, f.NamedSchemas...)
	}
	return all, nil
}

// staleGenerated runs `generate --check` as avroctl.yaml configures it and
// returns the files it reports stale, so that release tags exactly what
// `avroctl generate` produces.
func staleGenerated() ([]string, error) {
	var out, errb bytes.Buffer
	cmd := newGenerateCmd(&streams{In: strings.NewReader(""), Out: &out, Err: &errb})
	cmd.SetArgs([]string{"--check", "-o", "json"})
	cmd.SetOut(&out)
	cmd.SetErr(&errb)
	cmd.SilenceErrors, cmd.SilenceUsage = true, true
	err := cmd.Execute()
	if err != nil && !errors.Is(err, errFindings) {
		return nil, fmt.Errorf("checking the generated module: %w", err)
	}
	var res generateResult
	if err := json.Unmarshal(out.Bytes(), &res); err != nil {
		return nil, fmt.Errorf("checking the generated module: %v", err)
	}
	return res.Changed, nil
}
