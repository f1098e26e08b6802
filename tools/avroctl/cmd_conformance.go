package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"gitlab.com/acme/avroctl/gen/conformance"
)

func init() { register(newConformanceCmd) }

func newConformanceCmd(s *streams) *cobra.Command {
	var dir string
	cmd := &cobra.Command{
		Use:   "conformance",
		Short: "Run the reference conformance suites (IDL, real-world IDL, compatibility)",
		Long: `conformance runs avroctl against reference outputs of the Java implementation:
idl/ (Apache Avro's IDL test suite), idl-realworld/ (real .avdl files) and
compat/ (reader/writer pairs and level cases with Java's verdicts).
It exits 1 when any case fails.`,
		Example: `  avroctl conformance --dir ../shared/conformance`,
		Hidden:  true, // a developer and CI tool, not part of the user's workflow
		Args:    cobraArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			if _, err := os.Stat(dir); err != nil {
				return usageErrorf("conformance folder %s: %v", dir, err)
			}
			failed := 0
			for _, suite := range []struct {
				name string
				run  func(root string, w io.Writer) (conformance.Summary, error)
			}{
				{"idl", conformance.RunIDL},
				{"idl-realworld", conformance.RunIDL},
				{"compat", conformance.RunCompat},
			} {
				fmt.Fprintf(s.Out, "== %s\n", suite.name)
				sum, err := suite.run(filepath.Join(dir, suite.name), s.Out)
				if err != nil {
					return err
				}
				failed += sum.Failed
			}
			if failed > 0 {
				return errFindings
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&dir, "dir", filepath.Join("..", "shared", "conformance"), "the conformance folder")
	return cmd
}
