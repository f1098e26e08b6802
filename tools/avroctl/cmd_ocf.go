package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"

	"github.com/spf13/cobra"
	"github.com/twmb/franz-go/pkg/sr"

	"gitlab.com/acme/avroctl/gen/compat/report"
	"gitlab.com/acme/avroctl/gen/datum"
	"gitlab.com/acme/avroctl/gen/golang/runtime/avro"
	"gitlab.com/acme/avroctl/gen/ocf"
	"gitlab.com/acme/avroctl/gen/schema"
)

func init() { register(newOCFCmd) }

// Flag names and finding types of the ocf commands.
const (
	ocfFlagCodec      = "codec"
	ocfFlagOffset     = "offset"
	ocfFlagLimit      = "limit"
	ocfFlagSampleRate = "samplerate"
	ocfFlagSyncInt    = "sync-interval"
	ocfFlagLevel      = "level"
	ocfFlagMaxBlock   = "max-block-mib"

	ocfCorrupt = "CORRUPT_FILE"
)

func newOCFCmd(s *streams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "ocf",
		Short: "Avro Object Container Files (.avro): tojson, fromjson, getschema, getmeta, count, cat, concat, recodec",
		Long: `ocf reads and writes Avro Object Container Files as Java's DataFileWriter
writes them and avro-tools reads them: a header with the writer schema and
codec, then blocks of datums separated by a sync marker.

Reading streams one block at a time: memory is bounded by the largest block
(not the file), so files larger than memory read fine. Every codec of the
specification is read and written, as Java writes them: null, deflate,
snappy, zstandard, bzip2, xz (--codec; --level where the codec has levels).
A block that declares or decompresses to more than --max-block-mib (256 MiB
by default; Java writes blocks of about 64 KB) is refused with its byte
offset: a corrupt file or a decompression bomb.

Exit codes: 0 ok, 1 findings (a corrupt block: what came before it is
printed, the error names its byte offset), 2 usage or input error (a file that
is not a container file, an unsupported codec, a bad flag).`,
	}
	cmd.PersistentFlags().Int(ocfFlagMaxBlock, 256, "refuse a block that declares or decompresses to more than this many MiB (a corrupt file or a decompression bomb)")
	cmd.AddCommand(newOCFToJSONCmd(s), newOCFGetSchemaCmd(s), newOCFGetMetaCmd(s), newOCFCountCmd(s), newOCFFromJSONCmd(s), newOCFCatCmd(s), newOCFConcatCmd(s), newOCFRecodecCmd(s))
	return cmd
}

// openOCF opens a container file ("-" is stdin) and reads its header; a
// bad header is an input error (exit 2).
func openOCF(cmd *cobra.Command, s *streams, path string) (*ocf.Reader, func(), error) {
	mib, _ := cmd.Flags().GetInt(ocfFlagMaxBlock)
	if mib <= 0 || mib > 1<<14 {
		return nil, nil, usageErrorf("--%s %d: want 1 to 16384 (MiB)", ocfFlagMaxBlock, mib)
	}
	var r io.Reader = s.In
	closeFn := func() {}
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return nil, nil, usageErrorf("%v", err)
		}
		r, closeFn = f, func() { f.Close() }
	}
	rd, err := ocf.NewReader(r, ocf.Limits{MaxBlockSize: mib << 20})
	if err != nil {
		closeFn()
		return nil, nil, usageErrorf("%s: %v", path, err)
	}
	return rd, closeFn, nil
}

// ocfOutput is the -o / --error-format handling of the ocf commands.
func ocfOutput(s *streams, reg *regClientFlags, errorFormat string) (*dataOutput, error) {
	out, _, err := newDataOutput(s, reg, errorFormat, "avro-json", false, false)
	return out, err
}

// bindOCFFlags binds -o and --error-format, and the registry flags only
// for the commands that may fetch a schema (tojson --reader, fromjson
// --schema SUBJECT@VERSION).
func bindOCFFlags(cmd *cobra.Command, reg *regClientFlags, errorFormat *string, registry bool) {
	if registry {
		reg.bind(cmd)
	} else {
		cmd.Flags().StringVarP(&reg.output, regFlagOutput, "o", "text", "output format: text|json")
	}
	cmd.Flags().StringVar(errorFormat, flagErrorFormat, "", "print the findings as a report instead of the values: "+strings.Join(report.AllFormatStrings(), "|")+" (overrides -o)")
	cmd.RegisterFlagCompletionFunc(flagErrorFormat, cobra.FixedCompletions(report.AllFormatStrings(), cobra.ShellCompDirectiveNoFileComp))
}

// ocfRecords decodes every datum of the file with codec and calls fn with
// its index and JSON; a corrupt block or a datum that does not match the
// schema is a finding that ends the file (its blocks cannot be found past
// it). With more than one CPU, blocks are decompressed and decoded in
// parallel (ocf.Blocks) and fn still sees the datums in the file's order.
//
// lines, when not nil, replaces fn: it gets each chunk of datums at once,
// as JSON lines, and how many there are (tojson's plain output, where a
// write per datum would only copy the same bytes in smaller pieces).
func ocfRecords(rd *ocf.Reader, path string, c *datum.Codec, vf datum.Format, out *dataOutput, flush func(), fn func(i int64, js []byte) (bool, error), lines func(jsonl []byte, n int) error) error {
	var i int64
	// emit hands a chunk's datums to fn, then reports its finding.
	emit := func(bj *blockJSON) (bool, error) {
		if lines != nil {
			if err := lines(bj.out, len(bj.ends)); err != nil {
				return false, err
			}
			i += int64(len(bj.ends))
			if bj.finding != nil {
				flush() // the records before it come first
				out.finding(*bj.finding)
				return false, nil
			}
			return true, nil
		}
		start := 0
		for _, end := range bj.ends {
			more, err := fn(i, bj.out[start:end])
			if err != nil || !more {
				return false, err
			}
			start = end + 1 // past the '\n'
			i++
		}
		if bj.finding != nil {
			flush() // the records before it come first
			out.finding(*bj.finding)
			return false, nil
		}
		return true, nil
	}
	// rest decodes, in this goroutine, what a chunk left of its block.
	rest := func(bj *blockJSON, scratch []byte) (bool, error) {
		for bj.rest != nil {
			next := decodeBlockJSON(c, vf, path, bj.block, bj.from+int64(len(bj.ends)), bj.rest, scratch[:0])
			if more, err := emit(&next); err != nil || !more {
				return false, err
			}
			scratch, bj = next.out, &next
		}
		return true, nil
	}
	readErr := func(err error) error {
		if err == nil {
			return nil
		}
		flush() // the records before it come first
		out.finding(dataFinding{where: path, typ: ocfCorrupt, msg: ocfMsg(err), fix: ocfFix(err)})
		return nil
	}
	if workers := runtime.GOMAXPROCS(0); workers > 1 {
		var stopErr error
		// The blocks' JSON buffers are recycled: a fresh one per block
		// would keep the garbage collector running, and its write
		// barriers slow the decoders down.
		bufs := make(chan []byte, 2*workers+2)
		err := ocf.Blocks(rd, workers, func(b ocf.Block) *blockJSON {
			var buf []byte
			select {
			case buf = <-bufs:
			default:
			}
			bj := decodeBlockJSON(c, vf, path, b, 0, b.Data, buf[:0])
			if bj.rest != nil {
				bj.rest = bytes.Clone(bj.rest) // b.Data is the worker's, reused
			}
			return &bj
		}, func(bj *blockJSON) (bool, error) {
			more, err := emit(bj)
			if err == nil && more {
				more, err = rest(bj, nil)
			}
			select {
			case bufs <- bj.out:
			default:
			}
			stopErr = err
			return more, err
		})
		if stopErr != nil {
			return stopErr
		}
		return readErr(err)
	}
	var scratch []byte
	for {
		b, err := rd.NextBlock()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return readErr(err)
		}
		bj := decodeBlockJSON(c, vf, path, b, 0, b.Data, scratch[:0])
		more, err := emit(&bj)
		if err == nil && more {
			more, err = rest(&bj, bj.out)
		}
		if err != nil || !more {
			return err
		}
		scratch = bj.out
	}
}

// maxChunkJSON is how much JSON one call of decodeBlockJSON makes before it
// stops and leaves the rest of the block to the next: the bound on what a
// block in flight holds, whatever its datums expand to.
var maxChunkJSON = 4 << 20

// blockJSON is the JSON of datums from, from+1, ... of a block, each
// followed by '\n'.
type blockJSON struct {
	block ocf.Block // its Offset and Count
	from  int64
	out   []byte
	// ends has the end of each datum's JSON in out (its '\n' follows).
	ends []int
	// rest is the block's bytes from datum from+len(ends) on, when out
	// reached maxChunkJSON before the block's end; else nil.
	rest []byte
	// finding ends the file after these datums.
	finding *dataFinding
}

// decodeBlockJSON decodes the datums of block b from datum from on, which
// start at data, appending their JSON to dst.
func decodeBlockJSON(c *datum.Codec, vf datum.Format, path string, b ocf.Block, from int64, data, dst []byte) blockJSON {
	bj := blockJSON{block: ocf.Block{Offset: b.Offset, Count: b.Count}, from: from, out: dst}
	bad := func(msg string) {
		bj.finding = &dataFinding{where: fmt.Sprintf("%s@%d", path, b.Offset), typ: dltUndecodable, msg: msg,
			fix: "the block does not match the file's schema: the writer is at fault"}
	}
	for k := from; k < b.Count; k++ {
		if len(bj.out) >= maxChunkJSON {
			bj.rest = data
			if bj.rest == nil {
				bj.rest = []byte{}
			}
			return bj
		}
		out, n, err := c.AppendNext(bj.out, data, vf)
		// Datums of zero bytes (a null schema) cost no input: bound how
		// many a block may claim, as the decoder bounds zero-size items.
		if err == nil && n == 0 && b.Count > avro.MaxZeroSizeItems {
			err = fmt.Errorf("the block claims %d datums of zero bytes, over the limit of %d", b.Count, avro.MaxZeroSizeItems)
		}
		if err != nil {
			bad(fmt.Sprintf("block at byte %d, datum %d of %d: %v", b.Offset, k, b.Count, err))
			return bj
		}
		bj.ends = append(bj.ends, len(out))
		bj.out = append(out, '\n')
		data = data[n:]
	}
	if len(data) != 0 {
		bad(fmt.Sprintf("block at byte %d: %d bytes left after its %d datums", b.Offset, len(data), b.Count))
	}
	return bj
}

func ocfFix(err error) string {
	var oe *ocf.Error
	if errors.As(err, &oe) {
		return oe.Fix
	}
	return ""
}

// ocfMsg is the error without its fix, which a finding shows apart.
func ocfMsg(err error) string {
	var oe *ocf.Error
	if errors.As(err, &oe) {
		return fmt.Sprintf("byte %d: %s", oe.Offset, oe.Msg)
	}
	return err.Error()
}

func newOCFToJSONCmd(s *streams) *cobra.Command {
	var reg regClientFlags
	var format, reader, errorFormat string
	cmd := &cobra.Command{
		Use:   "tojson FILE",
		Short: "Print the records of a container file as JSON, one per line (avro-tools tojson)",
		Long: `tojson prints each record of FILE ("-": stdin) as one line of JSON, in the
file's order. Blocks are decompressed and decoded on every CPU at once, a
few blocks in flight, so memory stays bounded whatever the file's size.

--format avro-json (the default) is Avro's JSON encoding as avro-tools tojson
prints it: unions as {"full branch name": value}, bytes and fixed as
ISO-8859-1 characters. --format json drops the union wrappers. --reader FILE
or SUBJECT@VERSION resolves the records into that schema, as a consumer
generated from it reads them.

-o json prints one object per record: index and value.`,
		Example: `  avroctl ocf tojson orders.avro
  avroctl ocf tojson --format json orders.avro | jq .id
  avroctl ocf tojson --reader schemas/com.acme.Order.avsc old-orders.avro`,
		Args: cobraArgs(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			out, vf, err := newDataOutput(s, &reg, errorFormat, format, false, false)
			if err != nil {
				return err
			}
			readerJSON := ""
			if reader != "" {
				if readerJSON, _, err = readSchemaArg(cmd.Context(), dltFlagReader, reader, func() (*sr.Client, error) { return reg.client() }); err != nil {
					return err
				}
			}
			rd, closeFn, err := openOCF(cmd, s, args[0])
			if err != nil {
				return err
			}
			defer closeFn()
			c, err := datum.NewCodec(rd.Schema(), readerJSON)
			if err != nil {
				return usageErrorf("%s: %v", args[0], err)
			}
			bw := bufio.NewWriter(s.Out)
			defer bw.Flush()
			var lines func([]byte, int) error
			if out.errFormat == nil && !out.asJSON {
				lines = func(jsonl []byte, n int) error {
					out.units += n
					_, err := bw.Write(jsonl)
					return err
				}
			}
			err = ocfRecords(rd, args[0], c, vf, out, func() { bw.Flush() }, func(i int64, js []byte) (bool, error) {
				out.units++
				switch {
				case out.errFormat != nil:
				case out.asJSON:
					bw.Flush()
					writeJSONLine(s.Out, map[string]any{"index": i, "value": json.RawMessage(js)})
				}
				return true, nil
			}, lines)
			bw.Flush()
			if err != nil {
				return err
			}
			return out.finish()
		},
	}
	bindOCFFlags(cmd, &reg, &errorFormat, true)
	fl := cmd.Flags()
	fl.StringVar(&format, dltFlagFormat, "avro-json", "JSON shape of values: "+strings.Join(datum.FormatNames(), "|"))
	fl.StringVar(&reader, dltFlagReader, "", "reader schema to resolve the records into: FILE (.avsc) or SUBJECT@VERSION")
	cmd.RegisterFlagCompletionFunc(dltFlagFormat, cobra.FixedCompletions(datum.FormatNames(), cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

func newOCFGetSchemaCmd(s *streams) *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:   "getschema FILE",
		Short: "Print the writer schema of a container file (avro-tools getschema)",
		Long: `getschema prints the writer schema (avro.schema) of FILE, indented. -o json
prints {"schema": ...}.`,
		Example: `  avroctl ocf getschema orders.avro > order.avsc`,
		Args:    cobraArgs(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			if output != "text" && output != "json" {
				return usageErrorf("-o %q: want text or json", output)
			}
			rd, closeFn, err := openOCF(cmd, s, args[0])
			if err != nil {
				return err
			}
			defer closeFn()
			sch := []byte(rd.Schema())
			if !json.Valid(sch) {
				return usageErrorf("%s: the avro.schema is not JSON: the writer is at fault", args[0])
			}
			if output == "json" {
				writeJSONLine(s.Out, map[string]any{"schema": json.RawMessage(sch)})
				return nil
			}
			var buf bytes.Buffer
			json.Indent(&buf, sch, "", "  ")
			buf.WriteByte('\n')
			_, err = s.Out.Write(buf.Bytes())
			return err
		},
	}
	cmd.Flags().StringVarP(&output, flagOutput, "o", "text", "output format: text|json")
	return cmd
}

func newOCFGetMetaCmd(s *streams) *cobra.Command {
	var output, key string
	cmd := &cobra.Command{
		Use:   "getmeta FILE",
		Short: "Print the metadata of a container file, key<TAB>value per line (avro-tools getmeta)",
		Long: `getmeta prints the header metadata of FILE as key<TAB>value lines, in the
file's order, as avro-tools does. --key K prints that value alone.
-o json prints one object of key: value.`,
		Example: `  avroctl ocf getmeta orders.avro
  avroctl ocf getmeta --key avro.codec orders.avro`,
		Args: cobraArgs(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			if output != "text" && output != "json" {
				return usageErrorf("-o %q: want text or json", output)
			}
			rd, closeFn, err := openOCF(cmd, s, args[0])
			if err != nil {
				return err
			}
			defer closeFn()
			keys := rd.MetaKeys()
			if key != "" {
				if _, ok := rd.Meta(key); !ok {
					return usageErrorf("%s: no metadata key %q; the keys are %s", args[0], key, strings.Join(keys, ", "))
				}
				keys = []string{key}
			}
			if output == "json" {
				m := map[string]string{}
				for _, k := range keys {
					v, _ := rd.Meta(k)
					m[k] = string(v)
				}
				writeJSONLine(s.Out, m)
				return nil
			}
			for _, k := range keys {
				v, _ := rd.Meta(k)
				if key != "" {
					fmt.Fprintf(s.Out, "%s\n", v)
				} else {
					fmt.Fprintf(s.Out, "%s\t%s\n", k, v)
				}
			}
			return nil
		},
	}
	cmd.Flags().StringVarP(&output, flagOutput, "o", "text", "output format: text|json")
	cmd.Flags().StringVar(&key, "key", "", "print only this key's value")
	return cmd
}

func newOCFCountCmd(s *streams) *cobra.Command {
	var reg regClientFlags
	var errorFormat string
	cmd := &cobra.Command{
		Use:   "count FILE",
		Short: "Count the records of a container file (avro-tools count)",
		Long: `count prints the number of records of FILE: the sum of its block counts.
Every block is read, decompressed and its sync marker checked, but datums are
not decoded. -o json prints {"count": N, "blocks": B}.`,
		Example: `  avroctl ocf count orders.avro`,
		Args:    cobraArgs(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			out, err := ocfOutput(s, &reg, errorFormat)
			if err != nil {
				return err
			}
			rd, closeFn, err := openOCF(cmd, s, args[0])
			if err != nil {
				return err
			}
			defer closeFn()
			var n, blocks int64
			for {
				b, err := rd.NextBlock()
				if err == io.EOF {
					break
				}
				if err != nil {
					out.finding(dataFinding{where: args[0], typ: ocfCorrupt, msg: ocfMsg(err), fix: ocfFix(err)})
					break
				}
				n += b.Count
				blocks++
			}
			out.units = int(blocks)
			switch {
			case out.errFormat != nil:
			case out.asJSON:
				writeJSONLine(s.Out, map[string]any{"count": n, "blocks": blocks})
			default:
				fmt.Fprintln(s.Out, n)
			}
			return out.finish()
		},
	}
	bindOCFFlags(cmd, &reg, &errorFormat, false)
	return cmd
}

// ocfWriteCodecs completes and checks --codec: every codec of the
// specification.
var ocfWriteCodecs = ocf.Codecs

func checkWriteCodec(c string) error {
	for _, k := range ocfWriteCodecs {
		if c == k {
			return nil
		}
	}
	return usageErrorf("--%s %q: want %s", ocfFlagCodec, c, strings.Join(ocfWriteCodecs, "|"))
}

// checkLevel checks --level against the codec's range (0: the codec's
// default, Java's).
func checkLevel(codec string, level int) error {
	if level == 0 {
		return nil
	}
	lo, hi, _, ok := ocf.LevelRange(codec)
	if !ok {
		return usageErrorf("--%s %d: codec %s has no levels", ocfFlagLevel, level, codec)
	}
	if level < lo || level > hi {
		return usageErrorf("--%s %d: %s levels are %d to %d", ocfFlagLevel, level, codec, lo, hi)
	}
	return nil
}

// bindCodecFlags binds --codec and --level with their completion: the
// levels offered are those of the --codec given so far.
func bindCodecFlags(cmd *cobra.Command, codec *string, level *int, def, usage string) {
	cmd.Flags().StringVar(codec, ocfFlagCodec, def, usage)
	cmd.Flags().IntVar(level, ocfFlagLevel, 0, "compression level, 0: the codec's default as Java's (deflate 1-9: 6, zstandard 1-22: 3, bzip2 1-9: 9, xz 0-9: 6)")
	cmd.RegisterFlagCompletionFunc(ocfFlagCodec, cobra.FixedCompletions(ocfWriteCodecs, cobra.ShellCompDirectiveNoFileComp))
	cmd.RegisterFlagCompletionFunc(ocfFlagLevel, func(cmd *cobra.Command, _ []string, _ string) ([]cobra.Completion, cobra.ShellCompDirective) {
		c, _ := cmd.Flags().GetString(ocfFlagCodec)
		var out []cobra.Completion
		for _, k := range ocfWriteCodecs {
			lo, hi, def, ok := ocf.LevelRange(k)
			if !ok || (c != "" && c != k) {
				continue
			}
			for l := lo; l <= hi; l++ {
				d := k
				if l == def {
					d += " (default)"
				}
				out = append(out, cobra.CompletionWithDesc(fmt.Sprint(l), d))
			}
		}
		return out, cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveKeepOrder
	})
}

func newOCFFromJSONCmd(s *streams) *cobra.Command {
	var reg regClientFlags
	var schemaArg, format, codec, errorFormat string
	var syncInterval, level int
	cmd := &cobra.Command{
		Use:   "fromjson --schema FILE IN OUT",
		Short: "Write a container file from JSON values, one per line (avro-tools fromjson)",
		Long: `fromjson reads one JSON value per non-empty line of IN ("-": stdin) and writes
them as a container file OUT ("-": stdout) with --schema FILE or
SUBJECT@VERSION and --codec (null by default; deflate, snappy, zstandard,
bzip2, xz as Java writes them) at --level.

--format avro-json (the default) is what avro-tools tojson prints; --format
json has bare union values (see 'avroctl encode --help').

OUT is written to a temp file and renamed at the end: when a line is not a
value of the schema, it is reported (line, JSON path) and OUT is NOT written
(exit 1), so a file never silently lacks records.`,
		Example: `  avroctl ocf fromjson --schema order.avsc orders.jsonl orders.avro
  avroctl ocf tojson old.avro | avroctl ocf fromjson --schema order.avsc --codec deflate - new.avro`,
		Args: cobraArgs(cobra.ExactArgs(2)),
		RunE: func(cmd *cobra.Command, args []string) error {
			out, vf, err := newDataOutput(s, &reg, errorFormat, format, false, false)
			if err != nil {
				return err
			}
			if schemaArg == "" {
				return usageErrorf("give --%s FILE (.avsc) or SUBJECT@VERSION", dataFlagSchema)
			}
			if err := checkWriteCodec(codec); err != nil {
				return err
			}
			if err := checkLevel(codec, level); err != nil {
				return err
			}
			text, _, err := readSchemaArg(cmd.Context(), dataFlagSchema, schemaArg, func() (*sr.Client, error) { return reg.client() })
			if err != nil {
				return err
			}
			sch, err := schema.Parse([]byte(text), schema.ParseOptions{Filename: "schema"})
			if err != nil {
				return usageError{err}
			}
			opts := ocf.WriterOptions{Codec: codec, Level: level, SyncInterval: syncInterval}
			var w *ocf.Writer
			if args[1] == "-" {
				w, err = ocf.NewWriter(s.Out, text, opts)
			} else {
				w, err = ocf.Create(args[1], text, opts)
			}
			if err != nil {
				return usageErrorf("%s: %v", args[1], err)
			}
			defer w.Abort()
			// One JSON value per line, as avroctl encode reads them: a bad
			// line is a finding, and OUT is then not written.
			err = encodeLines(s, args[0], sch, vf, out, func() {}, func(_ string, _, bin []byte) error {
				if err := w.Append(bin); err != nil {
					return usageErrorf("%s: %v", args[1], err)
				}
				return nil
			})
			if err != nil {
				return err
			}
			if len(out.findings) == 0 {
				if err := w.Close(); err != nil {
					return usageErrorf("%s: %v", args[1], err)
				}
				if out.asJSON && args[1] != "-" {
					writeJSONLine(s.Out, map[string]any{"file": args[1], "records": out.units, "codec": codec})
				}
			}
			return out.finish()
		},
	}
	bindOCFFlags(cmd, &reg, &errorFormat, true)
	fl := cmd.Flags()
	fl.StringVar(&schemaArg, dataFlagSchema, "", "the schema: FILE (.avsc) or SUBJECT@VERSION")
	fl.StringVar(&format, dltFlagFormat, "avro-json", "JSON shape of the input values: "+strings.Join(datum.FormatNames(), "|"))
	bindCodecFlags(cmd, &codec, &level, ocf.CodecNull, "block codec: "+strings.Join(ocfWriteCodecs, "|"))
	fl.IntVar(&syncInterval, ocfFlagSyncInt, ocf.DefaultSyncInterval, "write a block once its datums reach this many bytes (as Java's DataFileWriter)")
	cmd.RegisterFlagCompletionFunc(dltFlagFormat, cobra.FixedCompletions(datum.FormatNames(), cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

func newOCFCatCmd(s *streams) *cobra.Command {
	var reg regClientFlags
	var codec, errorFormat string
	var offset, limit int64
	var rate float64
	var syncInterval, level int
	cmd := &cobra.Command{
		Use:   "cat IN OUT",
		Short: "Copy records of a container file into a new one: --offset, --limit, --samplerate (avro-tools cat)",
		Long: `cat copies the records of IN ("-": stdin) to a new container file OUT ("-":
stdout) with the same schema and user metadata: it skips the first --offset
records, keeps every record (--samplerate 1) or a deterministic sample (0.1
keeps every 10th: record i is kept when floor((i+1)*RATE) > floor(i*RATE)),
and stops after --limit kept records (-1: no limit).

The datums are copied as they are (not re-encoded); --codec and --level set
the output codec, by default IN's at the codec's default level. OUT is
written to a temp file and renamed at the end; a corrupt IN is a finding
(exit 1) and OUT is not written.`,
		Example: `  avroctl ocf cat --offset 1000 --limit 10 orders.avro sample.avro
  avroctl ocf cat --samplerate 0.01 --codec deflate big.avro one-percent.avro`,
		Args: cobraArgs(cobra.ExactArgs(2)),
		RunE: func(cmd *cobra.Command, args []string) error {
			out, err := ocfOutput(s, &reg, errorFormat)
			if err != nil {
				return err
			}
			if offset < 0 {
				return usageErrorf("--%s %d: want 0 or more", ocfFlagOffset, offset)
			}
			if !(rate > 0 && rate <= 1) {
				return usageErrorf("--%s %v: want a fraction in (0, 1]", ocfFlagSampleRate, rate)
			}
			rd, closeFn, err := openOCF(cmd, s, args[0])
			if err != nil {
				return err
			}
			defer closeFn()
			if codec == "" {
				codec = rd.Codec()
			}
			if err := checkWriteCodec(codec); err != nil {
				return err
			}
			if err := checkLevel(codec, level); err != nil {
				return err
			}
			c, err := datum.NewCodec(rd.Schema(), "")
			if err != nil {
				return usageErrorf("%s: %v", args[0], err)
			}
			meta := map[string][]byte{}
			for _, k := range rd.MetaKeys() {
				if !strings.HasPrefix(k, "avro.") {
					meta[k], _ = rd.Meta(k)
				}
			}
			opts := ocf.WriterOptions{Codec: codec, Level: level, SyncInterval: syncInterval, Meta: meta}
			var w *ocf.Writer
			if args[1] == "-" {
				w, err = ocf.NewWriter(s.Out, rd.Schema(), opts)
			} else {
				w, err = ocf.Create(args[1], rd.Schema(), opts)
			}
			if err != nil {
				return usageErrorf("%s: %v", args[1], err)
			}
			defer w.Abort()
			split := func(b []byte) (int, error) {
				_, n, err := c.DecodeNext(b, datum.AvroJSON)
				return n, err
			}
			var i, kept int64
			for limit < 0 || kept < limit {
				d, err := rd.Next(split)
				if err == io.EOF {
					break
				}
				if err != nil {
					out.finding(dataFinding{where: args[0], typ: ocfCorrupt, msg: ocfMsg(err), fix: ocfFix(err)})
					break
				}
				i++
				if i <= offset {
					continue
				}
				j := float64(i - offset - 1)
				if rate < 1 && int64((j+1)*rate) == int64(j*rate) {
					continue
				}
				if err := w.Append(d); err != nil {
					return usageErrorf("%s: %v", args[1], err)
				}
				kept++
			}
			out.units = int(kept)
			if len(out.findings) == 0 {
				if err := w.Close(); err != nil {
					return usageErrorf("%s: %v", args[1], err)
				}
				if out.asJSON && args[1] != "-" {
					writeJSONLine(s.Out, map[string]any{"file": args[1], "records": kept, "codec": codec})
				}
			}
			return out.finish()
		},
	}
	bindOCFFlags(cmd, &reg, &errorFormat, false)
	fl := cmd.Flags()
	fl.Int64Var(&offset, ocfFlagOffset, 0, "skip this many records first")
	fl.Int64Var(&limit, ocfFlagLimit, -1, "copy at most this many records (-1: all)")
	fl.Float64Var(&rate, ocfFlagSampleRate, 1, "fraction of the records to keep, evenly spaced")
	bindCodecFlags(cmd, &codec, &level, "", "output codec: "+strings.Join(ocfWriteCodecs, "|")+" (default: the input's)")
	fl.IntVar(&syncInterval, ocfFlagSyncInt, ocf.DefaultSyncInterval, "write a block once its datums reach this many bytes (as Java's DataFileWriter)")
	return cmd
}

// copyBlocks copies every block of rd into w without decoding datums; a
// corrupt block is a finding (and ends the copy).
func copyBlocks(rd *ocf.Reader, path string, w *ocf.Writer, out *dataOutput) (int64, error) {
	var n int64
	for {
		b, err := rd.NextBlock()
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			out.finding(dataFinding{where: path, typ: ocfCorrupt, msg: ocfMsg(err), fix: ocfFix(err)})
			return n, nil
		}
		if err := w.AppendBlock(b.Count, b.Data); err != nil {
			return n, err
		}
		n += b.Count
	}
}

// createOCF opens the output: stdout for "-", else a temp file renamed by
// Close.
func createOCF(s *streams, path, schemaJSON string, opts ocf.WriterOptions) (*ocf.Writer, error) {
	var w *ocf.Writer
	var err error
	if path == "-" {
		w, err = ocf.NewWriter(s.Out, schemaJSON, opts)
	} else {
		w, err = ocf.Create(path, schemaJSON, opts)
	}
	if err != nil {
		return nil, usageErrorf("%s: %v", path, err)
	}
	return w, nil
}

func userMeta(rd *ocf.Reader) map[string][]byte {
	meta := map[string][]byte{}
	for _, k := range rd.MetaKeys() {
		if !strings.HasPrefix(k, "avro.") {
			meta[k], _ = rd.Meta(k)
		}
	}
	return meta
}

// finishCopy closes w when there were no findings and reports the file.
func finishCopy(s *streams, out *dataOutput, w *ocf.Writer, path, codec string, records int64) error {
	if len(out.findings) == 0 {
		if err := w.Close(); err != nil {
			return usageErrorf("%s: %v", path, err)
		}
		if out.asJSON && path != "-" {
			writeJSONLine(s.Out, map[string]any{"file": path, "records": records, "codec": codec})
		}
	}
	return out.finish()
}

func newOCFRecodecCmd(s *streams) *cobra.Command {
	var reg regClientFlags
	var codec, errorFormat string
	var level int
	cmd := &cobra.Command{
		Use:   "recodec --codec CODEC IN OUT",
		Short: "Rewrite a container file with another codec (avro-tools recodec)",
		Long: `recodec rewrites IN ("-": stdin) as OUT ("-": stdout) with --codec (deflate
by default; null, snappy, zstandard, bzip2, xz) at --level, block for block
(datums are not decoded), keeping the schema and the user metadata. IN may
have any codec. OUT is written to a temp file and renamed; a corrupt IN is a
finding (exit 1) and OUT is not written.`,
		Example: `  avroctl ocf recodec --codec deflate plain.avro small.avro
  avroctl ocf recodec --codec zstandard --level 9 events.avro events.zst.avro
  avroctl ocf recodec --codec null legacy-bzip2.avro plain.avro`,
		Args: cobraArgs(cobra.ExactArgs(2)),
		RunE: func(cmd *cobra.Command, args []string) error {
			out, err := ocfOutput(s, &reg, errorFormat)
			if err != nil {
				return err
			}
			if err := checkWriteCodec(codec); err != nil {
				return err
			}
			if err := checkLevel(codec, level); err != nil {
				return err
			}
			rd, closeFn, err := openOCF(cmd, s, args[0])
			if err != nil {
				return err
			}
			defer closeFn()
			w, err := createOCF(s, args[1], rd.Schema(), ocf.WriterOptions{Codec: codec, Level: level, Meta: userMeta(rd)})
			if err != nil {
				return err
			}
			defer w.Abort()
			n, err := copyBlocks(rd, args[0], w, out)
			if err != nil {
				return usageErrorf("%s: %v", args[1], err)
			}
			out.units = int(n)
			return finishCopy(s, out, w, args[1], codec, n)
		},
	}
	bindOCFFlags(cmd, &reg, &errorFormat, false)
	bindCodecFlags(cmd, &codec, &level, ocf.CodecDeflate, "output codec: "+strings.Join(ocfWriteCodecs, "|"))
	return cmd
}

func newOCFConcatCmd(s *streams) *cobra.Command {
	var reg regClientFlags
	var codec, errorFormat string
	var level int
	cmd := &cobra.Command{
		Use:   "concat IN... OUT",
		Short: "Concatenate container files with the same schema (avro-tools concat)",
		Long: `concat writes the records of every IN, in order, to OUT ("-": stdout), block
for block (datums are not decoded). Every IN must have the same writer schema
(byte for byte, as avro-tools requires); the user metadata is the first's.
--codec and --level set OUT's codec, by default the first IN's. OUT is written to a temp file and renamed; a corrupt IN is a finding
(exit 1) and OUT is not written.`,
		Example: `  avroctl ocf concat part-0.avro part-1.avro part-2.avro all.avro`,
		Args:    cobraArgs(cobra.MinimumNArgs(2)),
		RunE: func(cmd *cobra.Command, args []string) error {
			out, err := ocfOutput(s, &reg, errorFormat)
			if err != nil {
				return err
			}
			ins, dst := args[:len(args)-1], args[len(args)-1]
			var w *ocf.Writer
			var schemaText, first string
			var total int64
			for _, in := range ins {
				rd, closeFn, err := openOCF(cmd, s, in)
				if err != nil {
					return err
				}
				if w == nil {
					schemaText, first = rd.Schema(), in
					if codec == "" {
						codec = rd.Codec()
					}
					err := checkWriteCodec(codec)
					if err == nil {
						err = checkLevel(codec, level)
					}
					if err != nil {
						closeFn()
						return err
					}
					if w, err = createOCF(s, dst, schemaText, ocf.WriterOptions{Codec: codec, Level: level, Meta: userMeta(rd)}); err != nil {
						closeFn()
						return err
					}
					defer w.Abort()
				} else if rd.Schema() != schemaText {
					closeFn()
					return usageErrorf("%s: its schema differs from %s's: concat copies blocks and needs one schema; use 'avroctl ocf tojson' and 'fromjson' to convert", in, first)
				}
				n, err := copyBlocks(rd, in, w, out)
				closeFn()
				if err != nil {
					return usageErrorf("%s: %v", dst, err)
				}
				total += n
				if len(out.findings) > 0 {
					break
				}
			}
			out.units = int(total)
			return finishCopy(s, out, w, dst, codec, total)
		},
	}
	bindOCFFlags(cmd, &reg, &errorFormat, false)
	bindCodecFlags(cmd, &codec, &level, "", "output codec: "+strings.Join(ocfWriteCodecs, "|")+" (default: the first input's)")
	return cmd
}
