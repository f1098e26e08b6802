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
	var reg regClientFlags
	cmd := &cobra.Command{
		Use:   "canonical SCHEMA",
		Short: "Print a schema's Parsing Canonical Form (or another of Java 1.12's schema formats)",
		Long: `Print a schema in one of the formats Java's Avro 1.12 SchemaFormatter names,
byte for byte as Java prints it:

  canonical     the Parsing Canonical Form (SchemaNormalization.toParsingForm),
                what fingerprints are taken of; the default, as avro-tools canonical
  json          the pretty JSON (Schema.toString(true)); json/pretty is the same
  json/inline   the compact JSON (Schema.toString())

` + schemaArgHelp + `
An .avdl file without "schema T;" that defines several types needs #NAME.

-o json prints {"source", "format", "schema"} on one line. A bad schema is
reported as file:line:col with what to do. Exit codes: 0 ok, 2 usage or
input error.`,
		Example: `  avroctl canonical schemas/com.acme.events.orders.OrderCreated.avsc
  avroctl canonical --format json/inline order.avsc
  cat order.avsc | avroctl canonical -
  avroctl canonical idl/orders/orders.avdl#OrderCreated
  avroctl canonical registry:orders-value@latest --url http://localhost:8081`,
		Args:              cobraArgs(cobra.ExactArgs(1)),
		ValidArgsFunction: schemaArgs(),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := schemaform.CheckFormat(format); err != nil {
				return usageErrorf("--%s: %v", canonFlagFormat, err)
			}
			asJSON, err := reg.json()
			if err != nil {
				return err
			}
			srcs, err := loadSchemaArg(cmd.Context(), s, args[0], reg.client)
			if err != nil {
				return err
			}
			if len(srcs) > 1 {
				return usageErrorf("%s: defines %d types and no \"schema T;\": name one, for example %s (fingerprint takes them all)",
					args[0], len(srcs), srcs[0].label)
			}
			out, err := schemaform.Format(srcs[0].schema, format)
			if err != nil {
				return usageErrorf("--%s: %v", canonFlagFormat, err)
			}
			if asJSON {
				writeJSONLine(s.Out, map[string]any{"source": srcs[0].label, "format": format, "schema": string(out)})
				return nil
			}
			s.Out.Write(append(out, '\n'))
			return nil
		},
	}
	reg.bind(cmd)
	cmd.Flags().StringVar(&format, canonFlagFormat, "canonical", "the format: "+strings.Join(schemaform.Formats, "|"))
	cmd.RegisterFlagCompletionFunc(canonFlagFormat, cobra.FixedCompletions(schemaform.Formats, cobra.ShellCompDirectiveNoFileComp))
	cmd.RegisterFlagCompletionFunc(flagOutput, cobra.FixedCompletions([]string{"text", "json"}, cobra.ShellCompDirectiveNoFileComp))
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
