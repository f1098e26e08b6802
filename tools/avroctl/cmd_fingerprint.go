package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"gitlab.com/acme/avroctl/gen/schema"
	"gitlab.com/acme/avroctl/gen/schemaform"
)

func init() { register(newFingerprintCmd) }

const fpFlagAlgo = "algo"

func newFingerprintCmd(s *streams) *cobra.Command {
	var algo string
	var reg regClientFlags
	cmd := &cobra.Command{
		Use:   "fingerprint SCHEMA...",
		Short: "Fingerprint schemas: CRC-64-AVRO, MD5, SHA-256 of the Parsing Canonical Form",
		Long: `Print the fingerprints of each schema's Parsing Canonical Form, as the Avro
specification defines them and Java's SchemaNormalization computes them:

  crc64   CRC-64-AVRO (Rabin): the hex of its 8 bytes little-endian, as
          SchemaNormalization.parsingFingerprint returns them, avro-tools
          fingerprint prints them and the single-object encoding header holds
          them; then the signed decimal Java's parsingFingerprint64 returns (a
          Java long) and the 64-bit value in ordinary hex
  md5     MD5, hex
  sha256  SHA-256, hex (what avroctl's registry GUIDs and many caches key on)
  all     the three

--algo also takes Java's names: CRC-64-AVRO, MD5, SHA-256.

` + schemaArgHelp + `
Each line is labelled with its argument (FILE.avdl#full.Name for the types
of an IDL file). A bad schema is reported as file:line:col with what to do.
Exit codes: 0 ok, 2 usage or input error.`,
		Example: `  avroctl fingerprint schemas/*.avsc
  avroctl fingerprint --algo all -o json order.avsc
  avroctl fingerprint --algo SHA-256 - < order.avsc
  avroctl fingerprint idl/orders/orders.avdl
  avroctl fingerprint --algo all registry:orders-value@3 --url http://localhost:8081`,
		Args:              cobraArgs(cobra.MinimumNArgs(1)),
		ValidArgsFunction: schemaArgs(),
		RunE: func(cmd *cobra.Command, args []string) error {
			asJSON, err := reg.json()
			if err != nil {
				return err
			}
			algos := schemaform.Algorithms
			if algo != "all" {
				a, err := schemaform.ParseAlgorithm(algo)
				if err != nil {
					return usageErrorf("--%s: %v (or all)", fpFlagAlgo, err)
				}
				algos = []schemaform.Algorithm{a}
			}
			// Every argument is read before anything is printed: a bad
			// one is reported without half an output.
			var srcs []schemaSource
			for _, arg := range args {
				got, err := loadSchemaArg(cmd.Context(), s, arg, reg.client)
				if err != nil {
					return err
				}
				srcs = append(srcs, got...)
			}
			for _, src := range srcs {
				canon := schema.CanonicalForm(src.schema)
				var fps []schemaform.Fingerprint
				for _, a := range algos {
					fps = append(fps, schemaform.OfCanonical(canon, a))
				}
				if asJSON {
					writeJSONLine(s.Out, map[string]any{"file": src.label, "canonical": string(canon), "fingerprints": fps})
					continue
				}
				for _, f := range fps {
					line := fmt.Sprintf("%s: %s %s", src.label, f.Algorithm, f.Hex)
					if f.Long != nil {
						line += fmt.Sprintf(" (Java long %d, 0x%s)", *f.Long, f.Uint64Hex)
					}
					fmt.Fprintln(s.Out, line)
				}
			}
			return nil
		},
	}
	reg.bind(cmd)
	names := []string{"crc64", "md5", "sha256", "all"}
	cmd.Flags().StringVar(&algo, fpFlagAlgo, "crc64", "the algorithm: "+strings.Join(names, "|"))
	cmd.RegisterFlagCompletionFunc(flagOutput, cobra.FixedCompletions([]string{"text", "json"}, cobra.ShellCompDirectiveNoFileComp))
	cmd.RegisterFlagCompletionFunc(fpFlagAlgo, cobra.FixedCompletions(names, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}
