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
	var algo, output string
	cmd := &cobra.Command{
		Use:   "fingerprint FILE|-...",
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

--algo also takes Java's names: CRC-64-AVRO, MD5, SHA-256. FILE is an .avsc
file, "-" reads stdin. A bad schema is reported as file:line:col with what to
do. Exit codes: 0 ok, 2 usage or input error.`,
		Example: `  avroctl fingerprint schemas/*.avsc
  avroctl fingerprint --algo all -o json order.avsc
  avroctl fingerprint --algo SHA-256 - < order.avsc`,
		Args:              cobraArgs(cobra.MinimumNArgs(1)),
		ValidArgsFunction: fileArgs("avsc"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if output != "text" && output != "json" {
				return usageErrorf("-o %s: want text or json", output)
			}
			algos := schemaform.Algorithms
			if algo != "all" {
				a, err := schemaform.ParseAlgorithm(algo)
				if err != nil {
					return usageErrorf("--%s: %v (or all)", fpFlagAlgo, err)
				}
				algos = []schemaform.Algorithm{a}
			}
			for _, arg := range args {
				sch, err := readSchemaArgFile(s, arg)
				if err != nil {
					return err
				}
				canon := schema.CanonicalForm(sch)
				var fps []schemaform.Fingerprint
				for _, a := range algos {
					fps = append(fps, schemaform.OfCanonical(canon, a))
				}
				if output == "json" {
					writeJSONLine(s.Out, map[string]any{"file": arg, "canonical": string(canon), "fingerprints": fps})
					continue
				}
				for _, f := range fps {
					line := fmt.Sprintf("%s: %s %s", arg, f.Algorithm, f.Hex)
					if f.Long != nil {
						line += fmt.Sprintf(" (Java long %d, 0x%s)", *f.Long, f.Uint64Hex)
					}
					fmt.Fprintln(s.Out, line)
				}
			}
			return nil
		},
	}
	names := []string{"crc64", "md5", "sha256", "all"}
	cmd.Flags().StringVar(&algo, fpFlagAlgo, "crc64", "the algorithm: "+strings.Join(names, "|"))
	cmd.Flags().StringVarP(&output, flagOutput, "o", "text", "output format: text|json")
	cmd.RegisterFlagCompletionFunc(fpFlagAlgo, cobra.FixedCompletions(names, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}
