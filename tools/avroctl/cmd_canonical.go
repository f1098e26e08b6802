package main

import (
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"gitlab.com/acme/avroctl/gen/schema"
	"gitlab.com/acme/avroctl/gen/schemaform"
)

func init() { register(newCanonicalCmd) }

const canonFlagFormat = "format"

func newCanonicalCmd(s *streams) *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "canonical FILE|-",
		Short: "Print a schema's Parsing Canonical Form (or another of Java 1.12's schema formats)",
		Long: `Print a schema in one of the formats Java's Avro 1.12 SchemaFormatter names,
byte for byte as Java prints it:

  canonical     the Parsing Canonical Form (SchemaNormalization.toParsingForm),
                what fingerprints are taken of; the default, as avro-tools canonical
  json          the pretty JSON (Schema.toString(true)); json/pretty is the same
  json/inline   the compact JSON (Schema.toString())

FILE is an .avsc file, "-" reads stdin. A bad schema is reported as
file:line:col with what to do. Exit codes: 0 ok, 2 usage or input error.`,
		Example: `  avroctl canonical schemas/com.acme.events.orders.OrderCreated.avsc
  avroctl canonical --format json/inline order.avsc
  cat order.avsc | avroctl canonical -`,
		Args:              cobraArgs(cobra.ExactArgs(1)),
		ValidArgsFunction: fileArgs("avsc"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := schemaform.CheckFormat(format); err != nil {
				return usageErrorf("--%s: %v", canonFlagFormat, err)
			}
			sch, err := readSchemaArgFile(s, args[0])
			if err != nil {
				return err
			}
			out, err := schemaform.Format(sch, format)
			if err != nil {
				return usageErrorf("--%s: %v", canonFlagFormat, err)
			}
			s.Out.Write(append(out, '\n'))
			return nil
		},
	}
	cmd.Flags().StringVar(&format, canonFlagFormat, "canonical", "the format: "+strings.Join(schemaform.Formats, "|"))
	cmd.RegisterFlagCompletionFunc(canonFlagFormat, cobra.FixedCompletions(schemaform.Formats, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

// readSchemaArgFile parses the schema in path, or stdin for "-".
func readSchemaArgFile(s *streams, path string) (schema.Schema, error) {
	var data []byte
	var err error
	name := path
	if path == "-" {
		name = "<stdin>"
		data, err = io.ReadAll(io.LimitReader(s.In, maxSchemaInput+1))
		if err == nil && len(data) > maxSchemaInput {
			return nil, usageErrorf("%s: more than %d bytes: not a schema", name, maxSchemaInput)
		}
	} else {
		data, err = os.ReadFile(path)
	}
	if err != nil {
		return nil, usageErrorf("%s: %v", name, err)
	}
	sch, err := schema.Parse(data, schema.ParseOptions{Filename: name})
	if err != nil {
		return nil, usageError{err}
	}
	return sch, nil
}

// maxSchemaInput bounds a schema read from stdin (the biggest real-world
// schemas are a few MiB).
const maxSchemaInput = 64 << 20
