package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"github.com/twmb/franz-go/pkg/sr"

	"gitlab.com/acme/avroctl/gen/compat/report"
	"gitlab.com/acme/avroctl/gen/datum"
	"gitlab.com/acme/avroctl/gen/golang/runtime/serde"
	"gitlab.com/acme/avroctl/gen/registry"
	"gitlab.com/acme/avroctl/gen/schema"
)

func init() {
	register(newDecodeCmd)
	register(newEncodeCmd)
}

// Flag names of decode and encode.
const (
	dataFlagWriter   = "writer"
	dataFlagHex      = "hex"
	dataFlagBase64   = "base64"
	dataFlagRaw      = "raw"
	dataFlagHeaderID = "header-id"
	dataFlagMaxBytes = "max-bytes"
	dataFlagSchema   = "schema"
	dataFlagSubject  = "subject"
	dataFlagFrame    = "frame"
	dataFlagRegister = "register"
)

// Finding types of decode and encode (the rule IDs of --error-format).
const (
	dataTruncatedFrame = "TRUNCATED_FRAME"
	dataBadInput       = "BAD_INPUT"
	dataInvalidJSON    = "INVALID_VALUE"
)

// dataFinding is one input that did not decode (or encode).
type dataFinding struct {
	where, typ, msg, fix string
}

func (d dataFinding) report() report.Finding {
	return report.Finding{Type: d.typ, Location: d.where, Message: d.msg, Fix: d.fix, Severity: "major"}
}

// dataOutput prints values and findings as -o and --error-format ask.
type dataOutput struct {
	s         *streams
	asJSON    bool
	errFormat *report.Format
	findings  []dataFinding
	units     int
}

// newDataOutput reads the flags decode and encode share: -o,
// --error-format, --format, --hex and --base64.
func newDataOutput(s *streams, reg *regClientFlags, errorFormat, format string, hexOn, b64On bool) (*dataOutput, datum.Format, error) {
	o := &dataOutput{s: s}
	var err error
	if o.asJSON, err = reg.json(); err != nil {
		return nil, 0, err
	}
	if errorFormat != "" {
		fm, err := report.ParseFormat(errorFormat)
		if err != nil {
			return nil, 0, usageErrorf("--%s: %v", flagErrorFormat, err)
		}
		o.errFormat = &fm
	}
	vf, err := datum.ParseFormat(format)
	if err != nil {
		return nil, 0, usageErrorf("--%s: %v", dltFlagFormat, err)
	}
	if hexOn && b64On {
		return nil, 0, usageErrorf("--%s and --%s: give one", dataFlagHex, dataFlagBase64)
	}
	return o, vf, nil
}

// bindDataFlags binds the flags decode and encode share (what --format,
// --hex and --base64 mean differs: input or output).
func bindDataFlags(cmd *cobra.Command, reg *regClientFlags, format, errorFormat *string, hexOn, b64On *bool, formatHelp, hexHelp, b64Help string) {
	reg.bind(cmd)
	fl := cmd.Flags()
	fl.StringVar(format, dltFlagFormat, "avro-json", formatHelp+": "+strings.Join(datum.FormatNames(), "|"))
	fl.BoolVar(hexOn, dataFlagHex, false, hexHelp)
	fl.BoolVar(b64On, dataFlagBase64, false, b64Help)
	fl.StringVar(errorFormat, flagErrorFormat, "", "print the findings as a report instead of the values: "+strings.Join(report.AllFormatStrings(), "|")+" (overrides -o)")
	cmd.RegisterFlagCompletionFunc(dltFlagFormat, cobra.FixedCompletions(datum.FormatNames(), cobra.ShellCompDirectiveNoFileComp))
	cmd.RegisterFlagCompletionFunc(flagErrorFormat, cobra.FixedCompletions(report.AllFormatStrings(), cobra.ShellCompDirectiveNoFileComp))
}

// finding records a bad input; unless only findings are printed, it is
// shown at once: on stderr in text, as a line of stdout with -o json.
func (o *dataOutput) finding(f dataFinding) {
	o.findings = append(o.findings, f)
	switch {
	case o.errFormat != nil:
	case o.asJSON:
		writeJSONLine(o.s.Out, map[string]any{"source": f.where, "error": map[string]string{"type": f.typ, "message": f.msg, "fix": f.fix}})
	default:
		fmt.Fprintf(o.s.Err, "%s: %s: %s\n", f.where, f.typ, f.msg)
		if f.fix != "" {
			fmt.Fprintf(o.s.Err, "    fix: %s\n", f.fix)
		}
	}
}

// finish prints the report (--error-format) and returns the exit error.
func (o *dataOutput) finish() error {
	if o.errFormat != nil {
		if *o.errFormat == report.Text {
			for _, f := range o.findings {
				fmt.Fprintf(o.s.Out, "%s: %s: %s\n", f.where, f.typ, f.msg)
			}
			fmt.Fprintf(o.s.Out, "%d finding(s) in %d value(s)\n", len(o.findings), o.units)
		} else {
			r := report.Report{Kind: report.KindLint, Compatible: len(o.findings) == 0, Checked: fmt.Sprintf("%d values", o.units)}
			for _, f := range o.findings {
				r.Findings = append(r.Findings, f.report())
			}
			if err := report.Print(o.s.Out, *o.errFormat, r); err != nil {
				return err
			}
		}
	}
	if len(o.findings) > 0 {
		return errFindings
	}
	return nil
}

func writeJSONLine(w io.Writer, v any) {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
}

// schemaRef names a writer schema: by id, or by GUID (magic byte 1).
type schemaRef struct {
	id   int
	guid string
}

func (r schemaRef) String() string {
	if r.guid != "" {
		return "schema GUID " + r.guid
	}
	return "schema id " + strconv.Itoa(r.id)
}

// parseSchemaPrefix reads the schema prefix of a Confluent frame (magic
// byte 0 and a 4-byte id, or magic byte 1 and a 16-byte GUID) and returns
// the prefix length. what names the bytes in errors ("the frame", "the
// --header-id"). Errors name the byte offset.
func parseSchemaPrefix(b []byte, what string) (schemaRef, int, error) {
	switch {
	case len(b) == 0:
		return schemaRef{}, 0, fmt.Errorf("byte 0: %s is empty, want a magic byte (0: schema id, 1: schema GUID)", what)
	case b[0] == serde.MagicByte:
		if len(b) < serde.HeaderSize {
			return schemaRef{}, 0, fmt.Errorf("byte %d: %s is truncated: %d bytes, want at least %d (magic byte 0 and a 4-byte schema id)", len(b), what, len(b), serde.HeaderSize)
		}
		return schemaRef{id: int(int32(binary.BigEndian.Uint32(b[1:])))}, serde.HeaderSize, nil
	case b[0] == serde.MagicByteGUID:
		if len(b) < serde.GUIDHeaderSize {
			return schemaRef{}, 0, fmt.Errorf("byte %d: %s is truncated: %d bytes, want at least %d (magic byte 1 and a 16-byte schema GUID)", len(b), what, len(b), serde.GUIDHeaderSize)
		}
		return schemaRef{guid: serde.GUID(b[1:serde.GUIDHeaderSize]).String()}, serde.GUIDHeaderSize, nil
	}
	return schemaRef{}, 0, fmt.Errorf("byte 0: %s starts with 0x%02x, want magic byte 0x00 (schema id) or 0x01 (schema GUID); for data without a frame give --%s and --%s", what, b[0], dataFlagRaw, dataFlagWriter)
}

// writerSchemas fetches writer schemas from the registry, once each.
type writerSchemas struct {
	cl  *sr.Client
	url string // redacted
	// unknownFix says what to do about an id the registry does not know;
	// hint is added to other registry failures (another way out).
	unknownFix, hint string
	cache            map[schemaRef]fetched
}

type fetched struct {
	text    string
	finding *dataFinding // the registry does not know it, or it is not Avro
}

// get fetches a writer schema, with its references written in. An id the
// registry does not know is a finding; any other registry failure is an
// error that stops the command.
func (w *writerSchemas) get(ctx context.Context, ref schemaRef) (fetched, error) {
	if f, ok := w.cache[ref]; ok {
		return f, nil
	}
	var ss sr.Schema
	var err error
	if ref.guid != "" {
		var sub sr.SubjectSchema
		sub, err = w.cl.SchemaByGUID(ctx, ref.guid)
		ss = sub.Schema
	} else {
		ss, err = w.cl.SchemaByID(ctx, ref.id)
	}
	var f fetched
	switch {
	case err != nil:
		if code := registry.ErrorCode(err); code == 40403 || code == 404 {
			f.finding = &dataFinding{typ: dltUnknownSchemaID, msg: fmt.Sprintf("%s is not in the registry at %s", ref, w.url), fix: w.unknownFix}
			break
		}
		return f, usageErrorf("fetching %s from the registry at %s: %v%s", ref, w.url, err, w.hint)
	case ss.Type != sr.TypeAvro:
		f.finding = &dataFinding{typ: dltUndecodable, msg: fmt.Sprintf("%s is a %s schema, not Avro", ref, ss.Type)}
	default:
		if f.text, err = standaloneSchema(ctx, w.cl, ss, ref.id); err != nil {
			f.finding = &dataFinding{typ: dltUndecodable, msg: fmt.Sprintf("%s: %v", ref, err)}
		}
	}
	w.cache[ref] = f
	return f, nil
}

// readSchemaArg reads a schema given as FILE, or as SUBJECT@VERSION
// (VERSION a number or "latest") from the registry when no such file
// exists. It returns the schema's JSON with references written in and,
// from the registry, its id.
func readSchemaArg(ctx context.Context, flag, arg string, client func() (*sr.Client, error)) (string, int, error) {
	if _, err := os.Stat(arg); err == nil || !strings.Contains(arg, "@") {
		data, err := os.ReadFile(arg)
		if err != nil {
			return "", -1, usageErrorf("--%s: %v", flag, err)
		}
		s, err := schema.Parse(data, schema.ParseOptions{Filename: arg})
		if err != nil {
			return "", -1, usageError{err}
		}
		return string(schema.Marshal(s)), -1, nil
	}
	i := strings.LastIndexByte(arg, '@')
	subject, ver := arg[:i], arg[i+1:]
	return subjectSchema(ctx, flag, subject, ver, client)
}

// subjectSchema fetches version ver ("latest" or a number) of subject.
func subjectSchema(ctx context.Context, flag, subject, ver string, client func() (*sr.Client, error)) (string, int, error) {
	v := -1
	if ver != "latest" {
		n, err := strconv.Atoi(ver)
		if err != nil || n < 1 {
			return "", -1, usageErrorf("--%s %s@%s: the version is a number from 1 or \"latest\"", flag, subject, ver)
		}
		v = n
	}
	cl, err := client()
	if err != nil {
		return "", -1, err
	}
	ss, err := cl.SchemaByVersion(ctx, subject, v)
	if err != nil {
		return "", -1, usageErrorf("--%s: subject %q version %s: %v", flag, subject, ver, err)
	}
	if ss.Type != sr.TypeAvro {
		return "", -1, usageErrorf("--%s: subject %q version %s is a %s schema, not Avro", flag, subject, ver, ss.Type)
	}
	text, err := standaloneSchema(ctx, cl, ss.Schema, ss.ID)
	if err != nil {
		return "", -1, usageErrorf("--%s: subject %q: %v", flag, subject, err)
	}
	return text, ss.ID, nil
}

// schemaIDUnder returns the id of schema text under subject, registering
// it there when it is missing and doRegister is set.
func schemaIDUnder(ctx context.Context, reg *regClientFlags, subject, text string, doRegister bool) (int, error) {
	cl, err := reg.client()
	if err != nil {
		return -1, err
	}
	where := redactURL(reg.opts.URL)
	ss, err := cl.LookupSchema(ctx, subject, sr.Schema{Schema: text})
	switch code := registry.ErrorCode(err); {
	case err == nil:
		return ss.ID, nil
	case (code == 40401 || code == 40403 || code == 404) && doRegister:
		if ss, err = cl.CreateSchema(ctx, subject, sr.Schema{Schema: text}); err != nil {
			return -1, usageErrorf("registering the schema under %q at %s: %v", subject, where, err)
		}
		return ss.ID, nil
	case code == 40401 || code == 40403 || code == 404:
		return -1, usageErrorf("the schema is not registered under subject %q at %s: give --%s to register it", subject, where, dataFlagRegister)
	default:
		return -1, usageErrorf("looking the schema up under %q at %s: %v", subject, where, err)
	}
}

// encodeLines encodes each non-empty line of path (stdin for "-") as a
// value of sch and calls fn with it; a line that does not encode is a
// finding (after beforeFinding, which flushes what fn buffered).
func encodeLines(s *streams, path string, sch schema.Schema, vf datum.Format, out *dataOutput, beforeFinding func(), fn func(where string, js, bin []byte) error) error {
	var r io.Reader = s.In
	name := "<stdin>"
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return usageErrorf("%v", err)
		}
		defer f.Close()
		r, name = f, path
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), datum.MaxInput+1)
	line := 0
	for sc.Scan() {
		line++
		text := bytes.TrimSpace(sc.Bytes())
		if len(text) == 0 {
			continue
		}
		out.units++
		where := fmt.Sprintf("%s:%d", name, line)
		bin, err := datum.Encode(sch, text, vf)
		if err != nil {
			var ee *datum.EncodeError
			fix := ""
			if errors.As(err, &ee) {
				fix, ee.Fix = ee.Fix, ""
			}
			beforeFinding()
			out.finding(dataFinding{where: where, typ: dataInvalidJSON, msg: err.Error(), fix: fix})
			continue
		}
		if err := fn(where, text, bin); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return usageErrorf("%s:%d: the line is over %d bytes", name, line+1, datum.MaxInput)
		}
		return usageErrorf("%s: %v", name, err)
	}
	return nil
}

// dataInput is one unit of input: a frame, or raw Avro.
type dataInput struct {
	where string
	data  []byte
}

// readInputs calls fn for each input unit of the sources (files, or stdin
// when there are none or for "-"): in binary mode a whole source is one
// unit; with --hex or --base64 each non-empty line is one.
func readInputs(s *streams, args []string, enc string, maxBytes int, fn func(dataInput) error) error {
	if len(args) == 0 {
		args = []string{"-"}
	}
	for _, a := range args {
		var r io.Reader
		name := a
		if a == "-" {
			r, name = s.In, "<stdin>"
		} else {
			f, err := os.Open(a)
			if err != nil {
				return usageErrorf("%v", err)
			}
			defer f.Close()
			r = f
		}
		if enc == "" {
			data, err := io.ReadAll(io.LimitReader(r, int64(maxBytes)+1))
			if err != nil {
				return usageErrorf("%s: %v", name, err)
			}
			if len(data) > maxBytes {
				return usageErrorf("%s: byte %d: the input is over --%s %d", name, maxBytes, dataFlagMaxBytes, maxBytes)
			}
			if err := fn(dataInput{where: name, data: data}); err != nil {
				return err
			}
			continue
		}
		sc := bufio.NewScanner(r)
		// A line holds a frame of up to maxBytes in hex (2 characters a byte).
		sc.Buffer(make([]byte, 0, min(64<<10, 2*maxBytes+2)), 2*maxBytes+2)
		line := 0
		for sc.Scan() {
			line++
			text := strings.TrimSpace(sc.Text())
			if text == "" {
				continue
			}
			where := fmt.Sprintf("%s:%d", name, line)
			var data []byte
			var err error
			if enc == dataFlagHex {
				data, err = hex.DecodeString(strings.ReplaceAll(text, " ", ""))
			} else {
				data, err = base64.StdEncoding.DecodeString(text)
			}
			if err != nil {
				if err := fn(dataInput{where: where, data: nil}); err != nil {
					return err
				}
				continue
			}
			if len(data) > maxBytes {
				return usageErrorf("%s: byte %d: the frame is over --%s %d", where, maxBytes, dataFlagMaxBytes, maxBytes)
			}
			if err := fn(dataInput{where: where, data: data}); err != nil {
				return err
			}
		}
		if err := sc.Err(); err != nil {
			if errors.Is(err, bufio.ErrTooLong) {
				return usageErrorf("%s:%d: the line is over --%s %d (in %s)", name, line+1, dataFlagMaxBytes, maxBytes, enc)
			}
			return usageErrorf("%s: %v", name, err)
		}
	}
	return nil
}

func newDecodeCmd(s *streams) *cobra.Command {
	var reg regClientFlags
	var writer, reader, format, headerID, errorFormat string
	var hexIn, b64In, raw bool
	var maxBytes int
	cmd := &cobra.Command{
		Use:   "decode [FILE...]",
		Short: "Decode Avro data (Confluent frames or raw Avro) to JSON, one value per line",
		Long: `decode reads Avro data and prints each value as one line of JSON.

Input: the FILEs, or stdin. In binary mode (the default) a whole file is one
Confluent frame: magic byte 0 and a 4-byte schema id, or magic byte 1 and a
16-byte schema GUID, then the Avro body. With --hex or --base64 each non-empty
line is one frame (as copied from a consumer or a log). --raw reads data
without a frame: with --writer FILE, a binary file is a stream of concatenated
datums read until its end, a --hex/--base64 line one datum. --header-id HEX
is the value of the __value_schema_id header (5 bytes: 00 and the id, or 17
bytes: 01 and the GUID) for values whose schema id travels in that header:
the input is then the Avro body alone.

The writer schema is fetched from the registry by id or GUID (--url or
$REGISTRY_URL), once each, or read from --writer FILE (which then wins over the
frame's id). --reader FILE or SUBJECT@VERSION ("latest" or a number) resolves
the data into that schema, as a consumer generated from it reads it.

--format avro-json (the default) is Avro's JSON encoding exactly as Java's
JsonEncoder writes it: unions as {"full branch name": value} (null bare),
bytes and fixed as ISO-8859-1 characters, NaN and the infinities as the
strings "NaN", "Infinity", "-Infinity", logical types as their underlying
type. --format json is the same without the union wrappers. 'avroctl encode'
reads both back.

-o json prints one object per value: source, schema_id or schema_guid, value
(or error). --error-format prints only the findings, as a report.

Exit codes: 0 every value decoded, 1 findings (an unknown schema id, a
truncated frame, a value that does not match its schema: each names the input
and the byte offset, and decoding goes on with the next input), 2 usage or
input error (a bad flag, an unreachable registry).`,
		Example: `  kcat -C -t orders -o -1 -c 1 -e -f '%s' | avroctl decode
  avroctl decode --hex <<< '0000000001 06 6f 2d 31 04 00'
  avroctl decode --base64 frames.txt --reader schemas/com.acme.Order.avsc --format json
  avroctl decode --raw --writer order.avsc datums.bin
  avroctl decode --header-id 01d1e6c8f0a3b14c6e9b1f2a3c4d5e6f70 body.bin
  avroctl decode --reader orders-value@latest frame.bin -o json`,
		Args: cobraArgs(cobra.ArbitraryArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			out, vf, err := newDataOutput(s, &reg, errorFormat, format, hexIn, b64In)
			if err != nil {
				return err
			}
			if raw && writer == "" {
				return usageErrorf("--%s needs --%s FILE: raw Avro does not name its schema", dataFlagRaw, dataFlagWriter)
			}
			if raw && headerID != "" {
				return usageErrorf("--%s and --%s: give one", dataFlagRaw, dataFlagHeaderID)
			}
			if maxBytes < 1 {
				return usageErrorf("--%s %d: want a positive size", dataFlagMaxBytes, maxBytes)
			}
			var header *schemaRef
			if headerID != "" {
				b, err := hex.DecodeString(strings.ReplaceAll(headerID, " ", ""))
				if err != nil {
					return usageErrorf("--%s: %v: want the header value in hex", dataFlagHeaderID, err)
				}
				ref, n, err := parseSchemaPrefix(b, "the --"+dataFlagHeaderID)
				if err == nil && n != len(b) {
					err = fmt.Errorf("byte %d: the --%s has %d bytes, want %d", n, dataFlagHeaderID, len(b), n)
				}
				if err != nil {
					return usageError{err}
				}
				header = &ref
			}
			ctx := cmd.Context()
			var cl *sr.Client
			client := func() (*sr.Client, error) {
				if cl != nil {
					return cl, nil
				}
				var err error
				cl, err = reg.client()
				return cl, err
			}
			var readerJSON string
			if reader != "" {
				if readerJSON, _, err = readSchemaArg(ctx, dltFlagReader, reader, client); err != nil {
					return err
				}
			}
			var fixed *datum.Codec // from --writer
			if writer != "" {
				w, _, err := readSchemaArg(ctx, dataFlagWriter, writer, client)
				if err != nil {
					return err
				}
				if fixed, err = datum.NewCodec(w, readerJSON); err != nil {
					return usageErrorf("--%s: %v", dataFlagWriter, err)
				}
			}
			var ws *writerSchemas
			codecs := map[schemaRef]*datum.Codec{}
			codecFor := func(ref schemaRef) (*datum.Codec, *dataFinding, error) {
				if fixed != nil {
					return fixed, nil, nil
				}
				if c, ok := codecs[ref]; ok {
					return c, nil, nil
				}
				if ws == nil {
					cl, err := client()
					if err != nil {
						return nil, nil, err
					}
					ws = &writerSchemas{cl: cl, url: redactURL(reg.opts.URL), cache: map[schemaRef]fetched{},
						unknownFix: "give the --url of the registry the producer used, or --" + dataFlagWriter + " FILE"}
				}
				f, err := ws.get(ctx, ref)
				if err != nil || f.finding != nil {
					return nil, f.finding, err
				}
				c, err := datum.NewCodec(f.text, readerJSON)
				if err != nil {
					return nil, &dataFinding{typ: dltUndecodable, msg: fmt.Sprintf("%s: %v", ref, err)}, nil
				}
				codecs[ref] = c
				return c, nil, nil
			}
			enc := ""
			if hexIn {
				enc = dataFlagHex
			} else if b64In {
				enc = dataFlagBase64
			}
			show := func(where string, ref *schemaRef, js []byte) {
				out.units++
				switch {
				case out.errFormat != nil:
				case out.asJSON:
					m := map[string]any{"source": where}
					if ref != nil && ref.guid != "" {
						m["schema_guid"] = ref.guid
					} else if ref != nil {
						m["schema_id"] = ref.id
					}
					m["value"] = json.RawMessage(js)
					writeJSONLine(s.Out, m)
				default:
					s.Out.Write(append(js, '\n'))
				}
			}
			bad := func(where, typ, msg, fix string) {
				out.units++
				out.finding(dataFinding{where: where, typ: typ, msg: msg, fix: fix})
			}
			err = readInputs(s, args, enc, maxBytes, func(in dataInput) error {
				if in.data == nil && enc != "" {
					bad(in.where, dataBadInput, "the line is not "+enc, "give one "+enc+" frame per line")
					return nil
				}
				if raw {
					if enc != "" {
						js, err := fixed.Decode(in.data, vf)
						if err != nil {
							bad(in.where, dltUndecodable, err.Error(), "the data does not match --"+dataFlagWriter)
						} else {
							show(in.where, nil, js)
						}
						return nil
					}
					// A stream of datums: each starts where the last ended.
					for off := 0; off < len(in.data); {
						js, n, err := fixed.DecodeNext(in.data[off:], vf)
						where := fmt.Sprintf("%s@%d", in.where, off)
						if err != nil {
							var de *datum.Error
							if errors.As(err, &de) {
								de.Offset += off
							}
							bad(where, dltUndecodable, err.Error(), "the data does not match --"+dataFlagWriter+"; the rest of the stream cannot be found")
							return nil
						}
						show(where, nil, js)
						off += n
					}
					return nil
				}
				ref, skip := schemaRef{}, 0
				if header != nil {
					ref = *header
				} else {
					var err error
					if ref, skip, err = parseSchemaPrefix(in.data, "the frame"); err != nil {
						typ := dataTruncatedFrame
						if len(in.data) > 0 && in.data[0] > serde.MagicByteGUID {
							typ = dltNotFramed
						}
						bad(in.where, typ, err.Error(), "")
						return nil
					}
				}
				c, finding, err := codecFor(ref)
				if err != nil {
					return err
				}
				if finding != nil {
					f := *finding
					bad(in.where, f.typ, f.msg, f.fix)
					return nil
				}
				js, err := c.Decode(in.data[skip:], vf)
				if err != nil {
					var de *datum.Error
					if errors.As(err, &de) {
						de.Offset += skip // located in the frame, prefix included
					}
					fix := "the data does not match the schema its frame names: the producer's serializer is at fault"
					if fixed != nil {
						fix = "the data does not match --" + dataFlagWriter
					}
					bad(in.where, dltUndecodable, fmt.Sprintf("%s: %v", ref, err), fix)
					return nil
				}
				show(in.where, &ref, js)
				return nil
			})
			if err != nil {
				return err
			}
			return out.finish()
		},
	}
	bindDataFlags(cmd, &reg, &format, &errorFormat, &hexIn, &b64In, "JSON shape of values",
		"the input is hex, one frame (or --raw datum) per line", "the input is base64, one frame (or --raw datum) per line")
	fl := cmd.Flags()
	fl.StringVar(&writer, dataFlagWriter, "", "writer schema: FILE (.avsc) or SUBJECT@VERSION, instead of the frame's schema id")
	fl.StringVar(&reader, dltFlagReader, "", "reader schema to resolve the data into: FILE (.avsc) or SUBJECT@VERSION (VERSION a number or latest)")
	fl.BoolVar(&raw, dataFlagRaw, false, "the input is Avro without a frame (needs --writer); a binary file is a stream of datums")
	fl.StringVar(&headerID, dataFlagHeaderID, "", "the __value_schema_id header value in hex (00+id or 01+GUID): the input is the Avro body alone")
	fl.IntVar(&maxBytes, dataFlagMaxBytes, 64<<20, "largest input (a binary file, or a frame of a --hex/--base64 line) in bytes")
	return cmd
}

func newEncodeCmd(s *streams) *cobra.Command {
	var reg regClientFlags
	var schemaFile, subject, format, errorFormat string
	var frame, doRegister, hexOut, b64Out bool
	cmd := &cobra.Command{
		Use:   "encode [FILE]",
		Short: "Encode JSON values (one per line) to Avro: raw, or Confluent frames",
		Long: `encode reads one JSON value per non-empty line (FILE, or stdin) and writes
its Avro binary encoding: raw Avro by default, or with --frame a Confluent
frame (magic byte 0, the 4-byte schema id, the Avro body).

The schema is --schema FILE (.avsc) or SUBJECT@VERSION, or the latest version
of --subject S from the registry. --frame needs the schema id: from the
registry it is that version's; with --schema FILE and --subject the schema is
looked up under the subject, and registered there if --register is given.

--format avro-json (the default) is what Java's JsonDecoder reads and
'avroctl decode' writes: unions as {"full branch name": value}, bytes and fixed
as ISO-8859-1 characters, every record field present. --format json has bare
union values, written with the FIRST branch, in schema order, that the value
fits (so ["int","long"] writes 1 as an int and ["string","bytes"] a string as a
string), and missing record fields take their defaults.

Output: the binary values one after another (a stream of datums or frames),
or with --hex/--base64 one line per value. -o json prints one object per
value: source, schema_id, and hex or base64 (base64 unless --hex).

Exit codes: 0 every value encoded, 1 findings (a line that is not a value of
the schema: it names the line, the JSON path or byte offset, and what to do;
it is left out and encoding goes on), 2 usage or input error.`,
		Example: `  echo '{"id":"o-1","qty":2,"note":null}' | avroctl encode --schema order.avsc --hex
  avroctl encode --subject orders-value --frame --base64 orders.jsonl
  avroctl encode --schema order.avsc --subject orders-value --frame --register orders.jsonl > frames.bin
  avroctl decode --base64 frames.txt --format json | avroctl encode --schema order.avsc --format json --base64`,
		Args: cobraArgs(cobra.MaximumNArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			out, vf, err := newDataOutput(s, &reg, errorFormat, format, hexOut, b64Out)
			if err != nil {
				return err
			}
			if schemaFile == "" && subject == "" {
				return usageErrorf("give --%s FILE or --%s SUBJECT", dataFlagSchema, dataFlagSubject)
			}
			if doRegister && (!frame || schemaFile == "" || subject == "") {
				return usageErrorf("--%s needs --%s, --%s FILE and --%s SUBJECT", dataFlagRegister, dataFlagFrame, dataFlagSchema, dataFlagSubject)
			}
			ctx := cmd.Context()
			client := func() (*sr.Client, error) { return reg.client() }
			var text string
			id := -1
			if schemaFile != "" {
				if text, id, err = readSchemaArg(ctx, dataFlagSchema, schemaFile, client); err != nil {
					return err
				}
				if frame && id < 0 { // a file: find its id under the subject
					if subject == "" {
						return usageErrorf("--%s with --%s needs --%s SUBJECT to find the schema id", dataFlagFrame, dataFlagSchema, dataFlagSubject)
					}
					if id, err = schemaIDUnder(ctx, &reg, subject, text, doRegister); err != nil {
						return err
					}
				}
			} else if text, id, err = subjectSchema(ctx, dataFlagSubject, subject, "latest", client); err != nil {
				return err
			}
			sch, err := schema.Parse([]byte(text), schema.ParseOptions{Filename: "schema"})
			if err != nil {
				return usageError{err}
			}
			if out.asJSON && !hexOut {
				b64Out = true
			}
			bw := bufio.NewWriter(s.Out)
			defer bw.Flush()
			path := "-"
			if len(args) == 1 {
				path = args[0]
			}
			err = encodeLines(s, path, sch, vf, out, func() { bw.Flush() }, func(where string, _, bin []byte) error {
				if frame {
					bin = appendFrame(id, bin)
				}
				switch {
				case out.errFormat != nil:
				case out.asJSON:
					bw.Flush()
					m := map[string]any{"source": where}
					if id >= 0 {
						m["schema_id"] = id
					}
					if hexOut {
						m["hex"] = hex.EncodeToString(bin)
					} else {
						m["base64"] = base64.StdEncoding.EncodeToString(bin)
					}
					writeJSONLine(s.Out, m)
				case hexOut:
					bw.WriteString(hex.EncodeToString(bin) + "\n")
				case b64Out:
					bw.WriteString(base64.StdEncoding.EncodeToString(bin) + "\n")
				default:
					bw.Write(bin)
				}
				return nil
			})
			if err != nil {
				return err
			}
			bw.Flush()
			return out.finish()
		},
	}
	bindDataFlags(cmd, &reg, &format, &errorFormat, &hexOut, &b64Out, "JSON shape of the input values",
		"write each value as a line of hex", "write each value as a line of base64")
	fl := cmd.Flags()
	fl.StringVar(&schemaFile, dataFlagSchema, "", "the schema: FILE (.avsc) or SUBJECT@VERSION")
	fl.StringVar(&subject, dataFlagSubject, "", "the subject: its latest schema when there is no --schema; where --frame looks --schema up")
	fl.BoolVar(&frame, dataFlagFrame, false, "write Confluent frames (magic byte 0 and the schema id)")
	fl.BoolVar(&doRegister, dataFlagRegister, false, "with --frame --schema --subject: register the schema when the subject does not have it")
	return cmd
}
