package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"gitlab.com/acme/avroctl/gen/idl"
	"gitlab.com/acme/avroctl/gen/schema"
)

func init() {
	register(newIdlCmd)
	register(newIdl2SchemataCmd)
	register(newCompileCmd)
}

// Flag names of the IDL commands.
const (
	idlFlagImportDir = "import-dir"
	idlFlagFullNames = "full-names"
	idlFlagIdlDir    = "idl"
	idlFlagOutDir    = "out"
	idlFlagOutput    = "output"
)

func bindImportDirs(cmd *cobra.Command, dirs *[]string) {
	cmd.Flags().StringArrayVarP(dirs, idlFlagImportDir, "I", nil,
		"folder to search for imports not found next to the importing file (repeatable)")
}

func bindOutputFormat(cmd *cobra.Command, format *string) {
	cmd.Flags().StringVarP(format, idlFlagOutput, "o", "text", "result format: text|json")
}

func checkOutputFormat(format string) error {
	if format != "text" && format != "json" {
		return usageErrorf("-o %q: want text or json", format)
	}
	return nil
}

// reportCompileError prints every located error on its own line and
// returns the error that makes avroctl exit with code 2.
func reportCompileError(s *streams, what string, err error) error {
	var el schema.ErrorList
	if errors.As(err, &el) {
		for _, e := range el {
			fmt.Fprintln(s.Err, e.Error())
		}
		n := len(el)
		plural := "s"
		if n == 1 {
			plural = ""
		}
		return usageErrorf("%s: %d error%s", what, n, plural)
	}
	return usageError{err}
}

func printWarnings(s *streams, ws []idl.Warning) {
	for _, w := range ws {
		fmt.Fprintln(s.Err, w.String())
	}
}

func newIdlCmd(s *streams) *cobra.Command {
	var importDirs []string
	cmd := &cobra.Command{
		Use:   "idl [-I DIR]... FILE.avdl [OUT]",
		Short: "Compile an Avro IDL file to a protocol (.avpr) or schema (.avsc), like avro-tools idl",
		Long: `Compile an Avro IDL file and print the JSON that avro-tools idl prints: the
protocol, or the main schema of a schema-syntax file, or (without a main
schema) the JSON array of its named schemas. The output goes to OUT, or to
stdout when OUT is absent or "-". FILE "-" reads stdin. Warnings go to
stderr.`,
		Example: `  avroctl idl idl/orders.avdl
  avroctl idl -I shared/idl idl/orders.avdl build/orders.avpr`,
		Args: cobraArgs(cobra.RangeArgs(1, 2)),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts := idl.Options{ImportDirs: importDirs}
			var f *idl.File
			var err error
			if args[0] == "-" {
				// Like avro-tools, "-" reads stdin; imports resolve from the
				// current folder.
				src, rerr := io.ReadAll(s.In)
				if rerr != nil {
					return rerr
				}
				f, err = idl.CompileSource("<stdin>", src, opts)
			} else {
				f, err = idl.Compile(args[0], opts)
			}
			if err != nil {
				return reportCompileError(s, args[0], err)
			}
			printWarnings(s, f.Warnings)
			out := append(f.OutputJSON(true), '\n')
			if len(args) == 2 && args[1] != "-" {
				_, err := idl.WriteFileAtomic(args[1], out)
				return err
			}
			_, err = s.Out.Write(out)
			return err
		},
	}
	bindImportDirs(cmd, &importDirs)
	return cmd
}

func newIdl2SchemataCmd(s *streams) *cobra.Command {
	var (
		importDirs []string
		fullNames  bool
		format     string
	)
	cmd := &cobra.Command{
		Use:   "idl2schemata [-I DIR]... [--full-names] FILE.avdl OUTDIR",
		Short: "Write one .avsc per named type of an Avro IDL file, like avro-tools idl2schemata",
		Long: `Write one pretty .avsc file per named type of an IDL file (imported types
included) into OUTDIR, named <SimpleName>.avsc as avro-tools does: when two
types share a simple name, the later one wins. --full-names writes
<namespace>.<Name>.avsc instead, which avoids that. Files are written
atomically; the list of files written is the result.`,
		Example: `  avroctl idl2schemata idl/orders.avdl schemas/
  avroctl idl2schemata --full-names -o json idl/orders.avdl schemas/`,
		Args: cobraArgs(cobra.ExactArgs(2)),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkOutputFormat(format); err != nil {
				return err
			}
			f, err := idl.Compile(args[0], idl.Options{ImportDirs: importDirs})
			if err != nil {
				return reportCompileError(s, args[0], err)
			}
			printWarnings(s, f.Warnings)
			written, err := f.WriteSchemata(args[1], fullNames)
			if err != nil {
				return err
			}
			if format == "json" {
				return idlWriteJSON(s, map[string]any{"written": idlNonNil(written)})
			}
			for _, w := range written {
				fmt.Fprintln(s.Out, w)
			}
			return nil
		},
	}
	bindImportDirs(cmd, &importDirs)
	bindOutputFormat(cmd, &format)
	cmd.Flags().BoolVar(&fullNames, idlFlagFullNames, false, "name files <namespace>.<Name>.avsc")
	return cmd
}

func newCompileCmd(s *streams) *cobra.Command {
	var (
		importDirs []string
		idlDir     string
		outDir     string
		format     string
		check      bool
	)
	cmd := &cobra.Command{
		Use:   "compile [--idl DIR] [--out DIR] [-I DIR]...",
		Short: "Compile every .avdl under idl/ into schemas/<full.name>.avsc",
		Long: `Compile every .avdl file under the IDL folder and write one pretty .avsc per
named type into the output folder, named <full.name>.avsc. Nothing is
written when any file has an error (all errors of all files are listed).
Files whose content did not change are left alone, the others are replaced
atomically, and .avsc files in the output folder that no type produces any
more are removed.`,
		Example: `  avroctl compile
  avroctl compile --idl contracts/idl --out contracts/schemas -I vendor/idl -o json`,
		Args: cobraArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkOutputFormat(format); err != nil {
				return err
			}
			// avroctl.yaml supplies the folders unless flags override them.
			cfg, err := loadConfig()
			if err != nil {
				return err
			}
			if !cmd.Flags().Changed(idlFlagIdlDir) {
				idlDir = cfg.Path(cfg.IDL)
			}
			if !cmd.Flags().Changed(idlFlagOutDir) {
				outDir = cfg.Path(cfg.Schemas)
			}
			if len(importDirs) == 0 {
				for _, d := range cfg.ImportDirs {
					importDirs = append(importDirs, cfg.Path(d))
				}
			}
			run := idl.CompileTree
			if check {
				run = idl.CheckTree
			}
			res, err := run(idlDir, outDir, idl.Options{ImportDirs: importDirs})
			printWarnings(s, res.Warnings)
			if err != nil {
				return reportCompileError(s, idlDir, err)
			}
			if check {
				for _, w := range res.Written {
					fmt.Fprintf(s.Out, "%s: stale: differs from what %s compiles to\n", w, idlDir)
				}
				for _, r := range res.Removed {
					fmt.Fprintf(s.Out, "%s: stale: no type in %s produces it\n", r, idlDir)
				}
				if len(res.Written)+len(res.Removed) > 0 {
					fmt.Fprintln(s.Err, "run `avroctl compile` (or `go run mage.go generate`) and commit the result")
					return errFindings
				}
				return nil
			}
			if format == "json" {
				return idlWriteJSON(s, map[string]any{
					"sources":   idlNonNil(res.Sources),
					"written":   idlNonNil(res.Written),
					"unchanged": idlNonNil(res.Unchanged),
					"removed":   idlNonNil(res.Removed),
				})
			}
			for _, w := range res.Written {
				fmt.Fprintln(s.Out, "wrote", w)
			}
			for _, r := range res.Removed {
				fmt.Fprintln(s.Out, "removed", r)
			}
			fmt.Fprintf(s.Out, "%d .avdl files: %d written, %d unchanged, %d removed\n",
				len(res.Sources), len(res.Written), len(res.Unchanged), len(res.Removed))
			return nil
		},
	}
	bindImportDirs(cmd, &importDirs)
	bindOutputFormat(cmd, &format)
	cmd.Flags().StringVar(&idlDir, idlFlagIdlDir, "idl", "folder of .avdl files to compile")
	cmd.Flags().StringVar(&outDir, idlFlagOutDir, "schemas", "folder to write the .avsc files to (avroctl.yaml's schemas: when set)")
	cmd.Flags().BoolVar(&check, "check", false, "write nothing; exit 1 naming the stale files when the output folder is not up to date")
	return cmd
}

func idlNonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func idlWriteJSON(s *streams, v any) error {
	enc := json.NewEncoder(s.Out)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
