package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

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
	idlFlagImportDir   = "import-dir"
	idlFlagFullNames   = "full-names"
	idlFlagIdlDir      = "idl"
	idlFlagOutDir      = "out"
	idlFlagOutput      = "output"
	idlFlagMaxFileSize = "max-file-size"
)

func bindImportDirs(cmd *cobra.Command, dirs *[]string) {
	cmd.Flags().StringArrayVarP(dirs, idlFlagImportDir, "I", nil,
		"folder to search for imports not found next to the importing file (repeatable)")
}

// idlInputs are the flags that say what the IDL compiler reads.
type idlInputs struct {
	importDirs  []string
	maxFileSize int64
}

func (in *idlInputs) bind(cmd *cobra.Command) {
	bindImportDirs(cmd, &in.importDirs)
	cmd.Flags().Int64Var(&in.maxFileSize, idlFlagMaxFileSize, idl.DefaultMaxFileSize,
		"largest .avdl, .avsc or .avpr file read, in bytes (larger ones are refused, not read)")
}

func (in *idlInputs) options() (idl.Options, error) {
	if in.maxFileSize <= 0 {
		return idl.Options{}, usageErrorf("--%s %d: want a positive number of bytes", idlFlagMaxFileSize, in.maxFileSize)
	}
	return idl.Options{ImportDirs: in.importDirs, MaxFileSize: in.maxFileSize}, nil
}

func bindOutputFormat(cmd *cobra.Command, format *string) {
	cmd.Flags().StringVarP(format, idlFlagOutput, "o", "text", "result format: text|json (json also for errors)")
	cmd.RegisterFlagCompletionFunc(idlFlagOutput, cobra.FixedCompletions([]string{"text", "json"}, cobra.ShellCompDirectiveNoFileComp))
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
	return reportCompileErrorAs(s, what, err, "text")
}

// reportCompileErrorAs is reportCompileError for -o format. With json the
// errors are left to the root command, which prints every failing command's
// -o json document the same way ({"error": {..., "errors": [{file, line,
// column, message}]}}), so stdout holds exactly one document.
func reportCompileErrorAs(s *streams, what string, err error, format string) error {
	var el schema.ErrorList
	if !errors.As(err, &el) {
		return usageError{err}
	}
	if format != "json" {
		for _, e := range el {
			fmt.Fprintln(s.Err, e.Error())
		}
	}
	return usageError{compileErrors{what, el}}
}

// compileErrors summarises a located error list in one line ("x.avdl: 2
// errors") while keeping the list for the JSON document.
type compileErrors struct {
	what string
	list schema.ErrorList
}

func (e compileErrors) Error() string {
	plural := "s"
	if len(e.list) == 1 {
		plural = ""
	}
	return fmt.Sprintf("%s: %d error%s", e.what, len(e.list), plural)
}

func (e compileErrors) Unwrap() error { return e.list }

func printWarnings(s *streams, ws []idl.Warning) {
	for _, w := range ws {
		fmt.Fprintln(s.Err, w.String())
	}
}

func newIdlCmd(s *streams) *cobra.Command {
	var (
		inputs   idlInputs
		format   string
		fromAvsc fromAvscFlags
	)
	cmd := &cobra.Command{
		Use:   "idl [-I DIR]... FILE.avdl [OUT] | idl --from-avsc FILE.avsc... [--out FILE]",
		Short: "Compile an Avro IDL file to a protocol (.avpr) or schema (.avsc), like avro-tools idl",
		Long: `Compile an Avro IDL file and write its protocol, or the main schema of a
schema-syntax file, byte for byte as avro-tools idl writes it (pretty JSON,
no final newline). The output goes to OUT, or to stdout when OUT is absent
or "-". FILE "-" reads stdin. Warnings go to stderr.

A schema-syntax file without a main schema is an error for avro-tools 1.12
("does not contain a schema nor a protocol"); avroctl writes the JSON array
of its named schemas instead (an extension; idl2schemata writes them as
files).

Only regular files are read, up to --max-file-size bytes each. With -o json,
errors are {"errors": [{"file", "line", "column", "message"}]} on stdout.

` + fromAvscHelp,
		Example: `  avroctl idl idl/orders.avdl
  avroctl idl -I shared/idl idl/orders.avdl build/orders.avpr
  avroctl idl -o json idl/orders.avdl > result.json   # errors as JSON too
  avroctl idl --from-avsc schemas/com.acme.events.orders.OrderCreated.avsc
  avroctl idl --from-avsc Address.avsc Order.avsc --out idl/orders.avdl   # Order uses Address
  avroctl idl --from-avsc build/orders.avpr                                # a protocol`,
		Args: func(cmd *cobra.Command, args []string) error {
			if fromAvsc.on {
				return cobraArgs(cobra.MinimumNArgs(1))(cmd, args)
			}
			if fromAvsc.out != "" {
				return usageErrorf("idl: --%s goes with --%s; without it, name the output file as the second argument", idlFlagOutFile, idlFlagFromAvsc)
			}
			return cobraArgs(cobra.RangeArgs(1, 2))(cmd, args)
		},
		ValidArgsFunction: func(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
			if len(args) == 0 {
				return []cobra.Completion{"avdl"}, cobra.ShellCompDirectiveFilterFileExt
			}
			return nil, cobra.ShellCompDirectiveDefault
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkOutputFormat(format); err != nil {
				return err
			}
			opts, err := inputs.options()
			if err != nil {
				return err
			}
			if fromAvsc.on {
				return runIdlFromAvsc(s, args, fromAvsc.out, format, opts.MaxFileSize)
			}
			var f *idl.File
			if args[0] == "-" {
				// Like avro-tools, "-" reads stdin; imports resolve from the
				// current folder. The size limit holds here too.
				src, rerr := io.ReadAll(io.LimitReader(s.In, inputs.maxFileSize+1))
				if rerr != nil {
					return usageError{rerr}
				}
				if int64(len(src)) > inputs.maxFileSize {
					return reportCompileErrorAs(s, "<stdin>", schema.ErrorList{{Pos: schema.Position{Filename: "<stdin>"},
						Msg: fmt.Sprintf("input is over the limit of %d bytes; raise it with --%s", inputs.maxFileSize, idlFlagMaxFileSize)}}, format)
				}
				f, err = idl.CompileSource("<stdin>", src, opts)
			} else {
				f, err = idl.Compile(args[0], opts)
			}
			if err != nil {
				return reportCompileErrorAs(s, args[0], err, format)
			}
			printWarnings(s, f.Warnings)
			// Byte for byte what avro-tools writes: it prints the JSON
			// without a line end, to a file and to stdout alike.
			out := f.OutputJSON(true)
			if len(args) == 2 && args[1] != "-" {
				return writeOutput(args[1], out)
			}
			_, err = s.Out.Write(out)
			return err
		},
	}
	inputs.bind(cmd)
	bindOutputFormat(cmd, &format)
	fromAvsc.bind(cmd)
	return cmd
}

func newIdl2SchemataCmd(s *streams) *cobra.Command {
	var (
		inputs    idlInputs
		fullNames bool
		format    string
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
			opts, err := inputs.options()
			if err != nil {
				return err
			}
			f, err := idl.Compile(args[0], opts)
			if err != nil {
				return reportCompileErrorAs(s, args[0], err, format)
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
	inputs.bind(cmd)
	bindOutputFormat(cmd, &format)
	cmd.Flags().BoolVar(&fullNames, idlFlagFullNames, false, "name files <namespace>.<Name>.avsc")
	return cmd
}

func newCompileCmd(s *streams) *cobra.Command {
	var (
		inputs idlInputs
		idlDir string
		outDir string
		format string
		check  bool
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
			if len(inputs.importDirs) == 0 {
				for _, d := range cfg.ImportDirs {
					inputs.importDirs = append(inputs.importDirs, cfg.Path(d))
				}
			}
			run := idl.CompileTree
			if check {
				run = idl.CheckTree
			}
			opts, err := inputs.options()
			if err != nil {
				return err
			}
			res, err := run(idlDir, outDir, opts)
			printWarnings(s, res.Warnings)
			if err != nil {
				return reportCompileErrorAs(s, idlDir, err, format)
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
	inputs.bind(cmd)
	bindOutputFormat(cmd, &format)
	cmd.Flags().StringVar(&idlDir, idlFlagIdlDir, "idl", "folder of .avdl files to compile")
	cmd.Flags().StringVar(&outDir, idlFlagOutDir, "schemas", "folder to write the .avsc files to (avroctl.yaml's schemas: when set)")
	cmd.Flags().BoolVar(&check, "check", false, "write nothing; exit 1 naming the stale files when the output folder is not up to date")
	return cmd
}

// writeOutput writes idl's OUT: a regular file (or a new one) through a
// temporary file and a rename; a device or a pipe (/dev/stdout, a shell's
// >(...)) directly, since renaming over it would replace it by a file.
func writeOutput(name string, data []byte) error {
	if fi, err := os.Stat(name); err == nil && !fi.Mode().IsRegular() && !fi.IsDir() {
		f, err := os.OpenFile(name, os.O_WRONLY, 0)
		if err != nil {
			return err
		}
		_, err = f.Write(data)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		return err
	}
	_, err := idl.WriteFileAtomic(name, data)
	return err
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
