package main

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"gitlab.com/acme/avroctl/gen/datum"
	"gitlab.com/acme/avroctl/gen/ocf"
	"gitlab.com/acme/avroctl/gen/random"
	"gitlab.com/acme/avroctl/gen/schema"
)

func init() { register(newRandomCmd) }

// Flag names of random (avro-tools random's, plus avroctl's).
const (
	randFlagSchema     = "schema"
	randFlagSchemaFile = "schema-file"
	randFlagSchemaName = "schema-name"
	randFlagCount      = "count"
	randFlagSeed       = "seed"
	randFlagOCF        = "ocf"
)

// randomOutputs are the values of random's -o.
var randomOutputs = []string{"avro-json", "json", "binary"}

type randomOpts struct {
	schemaArg, schemaFile, schemaName string
	count                             int64
	seed                              uint64
	output, ocfPath, codec            string
	level                             int
	limits                            random.Options
}

func newRandomCmd(s *streams) *cobra.Command {
	var o randomOpts
	cmd := &cobra.Command{
		Use:   "random [OUT.avro]",
		Short: "Generate random valid values of a schema (like avro-tools random)",
		Long: `Generate seeded random values of a schema: valid for every logical type
(decimals within precision, UUID strings, dates and timestamps in years
1900-2199, times within a day), finite for recursive schemas (past --max-depth
unions take their shallowest branch, arrays and maps are empty).

The schema is --schema (a file, or the JSON text itself as avro-tools takes
it), --schema-file FILE, or --schema-name com.acme.Type from the project's
schemas folder. The same --seed gives the same values on every platform; the
default seed is 0, so a run is repeatable unless you vary it.

Output: one value per line in the Avro JSON encoding (-o avro-json, what
avroctl encode and avro-tools jsontofrag read), plain JSON without union
wrappers (-o json), or the binary datums back to back (-o binary); or a
container file with --ocf FILE (or a positional OUT.avro, as avro-tools
random takes it; "-" is stdout), compressed with --codec (deflate unless
you say null, as avro-tools random).

Exit codes: 0 ok, 2 usage or input error (a bad schema is reported as
file:line:col).`,
		Example: `  avroctl random --schema-name com.acme.events.orders.OrderCreated --count 3
  avroctl random --schema order.avsc --count 1000 --seed 7 --ocf orders.avro --codec deflate
  avroctl random --schema-file order.avsc --count 10 orders.avro     # avro-tools style
  avroctl random --schema '{"type":"array","items":"int"}' -o json
  avroctl random --schema order.avsc -o binary --count 1 | avroctl decode --schema order.avsc --raw`,
		Args: cobraArgs(cobra.MaximumNArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				if cmd.Flags().Changed(randFlagOCF) {
					return usageErrorf("random: give the container file once: as --%s or as the argument", randFlagOCF)
				}
				o.ocfPath = args[0]
			}
			return runRandom(s, &o)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&o.schemaArg, randFlagSchema, "", "the schema: an .avsc file, or its JSON text (as avro-tools random --schema)")
	fl.StringVar(&o.schemaFile, randFlagSchemaFile, "", "the schema's .avsc file (as avro-tools random --schema-file)")
	fl.StringVar(&o.schemaName, randFlagSchemaName, "", "a named type (full name) of the project's schemas folder")
	fl.Int64Var(&o.count, randFlagCount, 1, "how many values")
	fl.Uint64Var(&o.seed, randFlagSeed, 0, "the random seed: the same seed gives the same values everywhere")
	fl.StringVarP(&o.output, flagOutput, "o", "avro-json", "value output: "+strings.Join(randomOutputs, "|")+" (ignored with --ocf)")
	fl.StringVar(&o.ocfPath, randFlagOCF, "", "write a container file (\"-\" for stdout) instead of values")
	bindCodecFlags(cmd, &o.codec, &o.level, ocf.CodecDeflate, "container file codec: "+strings.Join(ocfWriteCodecs, "|")+" (deflate, as avro-tools random)")
	fl.IntVar(&o.limits.MaxDepth, "max-depth", random.DefaultMaxDepth, "nesting depth after which values finish as soon as they can")
	fl.IntVar(&o.limits.MaxItems, "max-items", random.DefaultMaxItems, "largest array or map")
	fl.IntVar(&o.limits.MaxElements, "max-elements", random.DefaultMaxElements, "array and map elements in one value, all levels together")
	fl.IntVar(&o.limits.MaxString, "max-string", random.DefaultMaxString, "longest string, in characters")
	fl.IntVar(&o.limits.MaxBytes, "max-bytes", random.DefaultMaxBytes, "longest bytes value")
	cmd.RegisterFlagCompletionFunc(flagOutput, cobra.FixedCompletions(randomOutputs, cobra.ShellCompDirectiveNoFileComp))
	cmd.RegisterFlagCompletionFunc(randFlagSchema, fileArgs("avsc"))
	cmd.RegisterFlagCompletionFunc(randFlagSchemaFile, fileArgs("avsc"))
	cmd.RegisterFlagCompletionFunc(randFlagOCF, fileArgs("avro"))
	cmd.RegisterFlagCompletionFunc(randFlagSchemaName, completeSchemaNames)
	return cmd
}

func runRandom(s *streams, o *randomOpts) error {
	if o.count < 0 {
		return usageErrorf("--%s %d: give 0 or more", randFlagCount, o.count)
	}
	for name, v := range map[string]int{"max-depth": o.limits.MaxDepth, "max-items": o.limits.MaxItems, "max-elements": o.limits.MaxElements, "max-string": o.limits.MaxString, "max-bytes": o.limits.MaxBytes} {
		if v < 1 {
			return usageErrorf("--%s %d: give 1 or more", name, v)
		}
	}
	if o.ocfPath == "" && !slices.Contains(randomOutputs, o.output) {
		return usageErrorf("-o %s: want %s", o.output, strings.Join(randomOutputs, ", "))
	}
	level := o.level
	if level == -1 {
		level = 0 // avro-tools' "default": the codec's default, as Java's
	}
	if err := checkWriteCodec(o.codec); err != nil {
		return err
	}
	if err := checkLevel(o.codec, level); err != nil {
		return err
	}
	sch, err := randomSchema(o)
	if err != nil {
		return err
	}
	g, err := random.New(sch, o.seed, o.limits)
	if err != nil {
		return usageError{err}
	}
	if o.ocfPath != "" {
		w, err := createOCF(s, o.ocfPath, string(schema.Marshal(sch)), ocf.WriterOptions{Codec: o.codec, Level: level})
		if err != nil {
			return err
		}
		var buf []byte
		for range o.count {
			buf = g.Next(buf[:0])
			if err := w.Append(buf); err != nil {
				w.Abort()
				return usageErrorf("%s: %v", o.ocfPath, err)
			}
		}
		if err := w.Close(); err != nil {
			return usageErrorf("%s: %v", o.ocfPath, err)
		}
		return nil
	}
	out := bufio.NewWriter(s.Out)
	f := datum.AvroJSON
	if o.output == "json" {
		f = datum.JSON
	}
	prog := datum.Compile(sch, f)
	var buf []byte
	for range o.count {
		buf = g.Next(buf[:0])
		if o.output == "binary" {
			out.Write(buf)
			continue
		}
		js, err := prog.Decode(buf)
		if err != nil {
			// The generator makes only valid values: this is a bug.
			return fmt.Errorf("random: a generated value does not decode (please report it): %v", err)
		}
		out.Write(js)
		out.WriteByte('\n')
	}
	return out.Flush()
}

// randomSchema reads the one schema --schema, --schema-file or
// --schema-name gives.
func randomSchema(o *randomOpts) (schema.Schema, error) {
	given := 0
	for _, v := range []string{o.schemaArg, o.schemaFile, o.schemaName} {
		if v != "" {
			given++
		}
	}
	if given != 1 {
		return nil, usageErrorf("random: give the schema once: --%s FILE|JSON, --%s FILE or --%s full.Name", randFlagSchema, randFlagSchemaFile, randFlagSchemaName)
	}
	switch {
	case o.schemaName != "":
		return namedSchema(o.schemaName)
	case o.schemaFile != "":
		return readSchemaFile(randFlagSchemaFile, o.schemaFile)
	}
	if t := strings.TrimSpace(o.schemaArg); t != "" && strings.ContainsRune(`{["`, rune(t[0])) {
		sch, err := schema.Parse([]byte(o.schemaArg), schema.ParseOptions{Filename: "--" + randFlagSchema})
		if err != nil {
			return nil, usageError{err}
		}
		return sch, nil
	}
	return readSchemaFile(randFlagSchema, o.schemaArg)
}

// readSchemaFile parses the schema in path ("-" for stdin is not offered:
// random writes to stdout and reads nothing).
func readSchemaFile(flag, path string) (schema.Schema, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, usageErrorf("--%s: %v", flag, err)
	}
	sch, err := schema.Parse(data, schema.ParseOptions{Filename: path})
	if err != nil {
		return nil, usageError{err}
	}
	return sch, nil
}

// namedSchema finds a named type among the project's schemas.
func namedSchema(name string) (schema.Schema, error) {
	cfg, err := loadConfig()
	if err != nil {
		return nil, err
	}
	dir := cfg.Path(cfg.Schemas)
	if err := requireSchemas(dir); err != nil {
		return nil, err
	}
	types, err := loadAvsc(dir)
	if err != nil {
		return nil, usageError{err}
	}
	var names []string
	for _, t := range types {
		if t.Names().FullName() == name {
			return t, nil
		}
		names = append(names, t.Names().FullName())
	}
	hint := ""
	if len(names) > 0 {
		hint = " (" + strings.Join(likelyTypeNames(name, names), ", ") + ")"
	}
	return nil, usageErrorf("--%s %s: no such type in %s; give a full name%s, or --%s FILE", randFlagSchemaName, name, dir, hint, randFlagSchema)
}

// likelyTypeNames returns the names that end like name's simple name, else all
// names (at most 10): what a user most likely meant.
func likelyTypeNames(name string, names []string) []string {
	_, simple := schema.SplitName(name)
	var out []string
	for _, n := range names {
		if _, s := schema.SplitName(n); strings.EqualFold(s, simple) {
			out = append(out, n)
		}
	}
	if len(out) == 0 {
		out = names
	}
	if len(out) > 10 {
		out = append(out[:10:10], "...")
	}
	return out
}

// completeSchemaNames completes --schema-name with the full names of the
// schemas folder's files (avroctl compile names each file after its type).
func completeSchemaNames(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	dir := "schemas"
	if cfg, err := loadConfig(); err == nil {
		dir = cfg.Path(cfg.Schemas)
	}
	paths, _ := filesWithExt(dir, ".avsc")
	var out []string
	for _, p := range paths {
		if n := strings.TrimSuffix(filepath.Base(p), ".avsc"); strings.HasPrefix(n, toComplete) {
			out = append(out, n)
		}
	}
	return out, cobra.ShellCompDirectiveNoFileComp
}
