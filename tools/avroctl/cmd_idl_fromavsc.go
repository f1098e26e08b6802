package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"gitlab.com/acme/avroctl/gen/idlfmt"
	"gitlab.com/acme/avroctl/gen/schema"
)

// Flag names of `idl --from-avsc`. -o is already idl's result format
// (text|json), so the output file is --out only.
const (
	idlFlagFromAvsc = "from-avsc"
	idlFlagOutFile  = "out"
)

const fromAvscHelp = `With --from-avsc, the direction is reversed: the .avsc files are written as
one Avro IDL file, byte for byte as Java Avro 1.12.2 writes it
(SchemaFormatter "idl" for one schema, IdlUtils.writeIdlSchemas for several,
IdlUtils.writeIdlProtocol for a .avpr). One schema gives "schema Name;" and
its types; several are declared in order (a later file may use the types of
an earlier one), none of them the main schema. A file's schema must be a
named type (record, enum, fixed). The IDL goes to stdout, or to --out FILE
(written atomically). Java's writer loses a few things, and so does this
one, on purpose: an enum's default, bytes/fixed defaults (written as
nothing), and the order of a [T, null] union (written T?).`

type fromAvscFlags struct {
	on  bool
	out string
}

func (f *fromAvscFlags) bind(cmd *cobra.Command) {
	cmd.Flags().BoolVar(&f.on, idlFlagFromAvsc, false, "write the .avsc (or one .avpr) files given as arguments as Avro IDL, as Java 1.12.2 does")
	cmd.Flags().StringVar(&f.out, idlFlagOutFile, "", "with --from-avsc: file to write the IDL to (default stdout)")
	cmd.RegisterFlagCompletionFunc(idlFlagOutFile, func(*cobra.Command, []string, string) ([]cobra.Completion, cobra.ShellCompDirective) {
		return []cobra.Completion{"avdl"}, cobra.ShellCompDirectiveFilterFileExt
	})
}

// runIdlFromAvsc reads the schema files (shared names, in order), writes
// them as IDL and prints or stores the text. Every bad input is a located
// error, exit 2.
func runIdlFromAvsc(s *streams, files []string, out, format string, maxSize int64) error {
	names := schema.NewNames()
	var list []schema.Schema
	var protocol *schema.Protocol
	for _, name := range files {
		src, err := readLimited(name, maxSize)
		if err != nil {
			return reportCompileErrorAs(s, name, schema.ErrorList{{Pos: schema.Position{Filename: name}, Msg: err.Error()}}, format)
		}
		if strings.EqualFold(filepath.Ext(name), ".avpr") {
			if len(files) != 1 {
				return usageErrorf("idl --%s: a .avpr protocol is written on its own; give it as the only file", idlFlagFromAvsc)
			}
			p, err := schema.ParseProtocol(src, schema.ParseOptions{Filename: name})
			if err != nil {
				return reportCompileErrorAs(s, name, err, format)
			}
			protocol = p
			break
		}
		sch, err := schema.Parse(src, schema.ParseOptions{Filename: name, Names: names})
		if err != nil {
			return reportCompileErrorAs(s, name, err, format)
		}
		if _, ok := sch.(schema.NamedSchema); !ok {
			pos := schema.PosOf(sch)
			if !pos.IsValid() {
				pos = schema.Position{Filename: name, Line: 1, Column: 1}
			}
			return reportCompileErrorAs(s, name, schema.ErrorList{{Pos: pos,
				Msg: fmt.Sprintf("the schema is a %s; only a named type (record, error, enum, fixed) can be written as IDL: put the union or container in a record field, or give its named types as separate files", sch.Type())}}, format)
		}
		list = append(list, sch)
	}
	var text []byte
	var err error
	switch {
	case protocol != nil:
		text, err = idlfmt.Protocol(protocol)
	case len(list) == 1:
		text, err = idlfmt.Schema(list[0])
	default:
		text, err = idlfmt.Schemas(list[0].(schema.NamedSchema).Names().Namespace, list)
	}
	if err != nil {
		// What Java's writer cannot write either (a bytes default inside a
		// record default followed by another member, a record default with
		// an unknown member): located at the first file.
		return reportCompileErrorAs(s, files[0], schema.ErrorList{{Pos: schema.Position{Filename: files[0], Line: 1, Column: 1},
			Msg: err.Error()}}, format)
	}
	if format == "json" {
		if out != "" {
			if err := writeOutput(out, text); err != nil {
				return err
			}
		}
		return idlWriteJSON(s, map[string]any{"idl": string(text), "out": out})
	}
	if out != "" && out != "-" {
		return writeOutput(out, text)
	}
	_, err = s.Out.Write(text)
	return err
}

// readLimited reads a regular file of at most max bytes.
func readLimited(name string, max int64) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("no such file (check the path)")
		}
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("not a regular file")
	}
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("file is over the limit of %d bytes; raise it with --%s", max, idlFlagMaxFileSize)
	}
	return data, nil
}
