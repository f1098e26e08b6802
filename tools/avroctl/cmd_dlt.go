package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sr"

	"gitlab.com/acme/avroctl/gen/compat/report"
	"gitlab.com/acme/avroctl/gen/datum"
	"gitlab.com/acme/avroctl/gen/dlt"
	"gitlab.com/acme/avroctl/gen/registry"
	"gitlab.com/acme/avroctl/gen/schema"
)

func init() { register(newDLTCmd) }

// Flag names of the dlt commands.
const (
	dltFlagErrorClass = "error-class"
	dltFlagKey        = "record-key"
	dltFlagSince      = "since"
	dltFlagUntil      = "until"
	dltFlagPartition  = "partition"
	dltFlagOffset     = "offset"
	dltFlagFormat     = "format"
	dltFlagReader     = "reader"
	dltFlagNoDecode   = "no-decode"
	dltFlagTo         = "to"
	dltFlagDryRun     = "dry-run"
)

// Finding types of the dlt commands (the rule IDs of --error-format).
const (
	dltNotDeadLetter   = "NOT_A_DEAD_LETTER"
	dltNotFramed       = "NOT_FRAMED"
	dltUnknownSchemaID = "UNKNOWN_SCHEMA_ID"
	dltUndecodable     = "UNDECODABLE"
	dltNotReplayed     = "NOT_REPLAYED"
)

// dltFlags are the flags both dlt commands share.
type dltFlags struct {
	conn        kafkaConnFlags
	reg         regClientFlags
	deadline    time.Duration
	errorClass  string
	key         string
	since       string
	until       string
	partitions  []int
	offsets     string
	errorFormat string
}

func newDLTCmd(s *streams) *cobra.Command {
	f := &dltFlags{}
	cmd := &cobra.Command{
		Use:   "dlt",
		Short: "Inspect the records of a dead-letter topic and replay them to their source topic",
		Long: `The dlt commands read a dead-letter topic written by the Kafka runtime
(gitlab.com/acme/avroctl/kafka) or by Spring Kafka: each record is the original
key, value and headers plus Spring's kafka_dlt-* headers (original topic,
partition, offset and timestamp, consumer group, error class and message).

'inspect' prints the records with their dead-letter headers and the value
decoded to JSON with the writer schema the frame names (fetched from the
registry by id), optionally resolved into a --reader schema. 'replay' writes
chosen records back to their original topic (or --to TOPIC).

Both read each partition from its start to the end offset it has when the
command starts, so they always end; they join no consumer group and commit
nothing, and the dead-letter topic is never changed: a replay that fails is
run again.

Filters (both commands): --error-class (exact, or a glob such as '*Timeout*'),
--record-key (exact; --key is the registry's mTLS key, as in every command), --since/--until (RFC 3339, or a duration ago such as 2h; on the
original timestamp), --partition and --offset N or N-M (of the dead-letter
topic). The error class and time filters choose only dead letters.

Exit codes: 0 every chosen record is a dead letter and was shown (or replayed),
1 findings (a record that is not a dead letter, a value that does not decode,
a schema id the registry does not know, a record not replayed), 2 usage or
input error (nothing replayed when a flag is wrong).

` + kafkaConnHelp + `
The registry is reached with --url (or $REGISTRY_URL), as the registry commands.`,
		Example: `  avroctl dlt inspect orders-dlt --bootstrap-servers 127.0.0.1:9092 --url http://127.0.0.1:8081
  avroctl dlt inspect orders-dlt --error-class '*DecodeError' --since 2h -o json
  avroctl dlt replay orders-dlt --record-key order-42 --dry-run
  avroctl dlt replay orders-dlt --partition 0 --offset 100-199`,
	}
	f.conn.bind(cmd)
	f.reg.bind(cmd)
	fl := cmd.PersistentFlags()
	fl.DurationVar(&f.deadline, kafkaFlagDeadline, 10*time.Minute, "give up after this long")
	fl.StringVar(&f.errorClass, dltFlagErrorClass, "", "only dead letters of this error class (kafka_dlt-exception-fqcn): exact, or a glob ('*Timeout*')")
	fl.StringVar(&f.key, dltFlagKey, "", "only records with this key (exact)")
	fl.StringVar(&f.since, dltFlagSince, "", "only dead letters whose original timestamp is at or after this: RFC 3339, or a duration ago (2h)")
	fl.StringVar(&f.until, dltFlagUntil, "", "only dead letters whose original timestamp is before this: RFC 3339, or a duration ago")
	fl.IntSliceVar(&f.partitions, dltFlagPartition, nil, "only these partitions of the dead-letter topic (repeatable)")
	fl.StringVar(&f.offsets, dltFlagOffset, "", "only this offset N, or the offsets N-M, of the dead-letter topic (with --partition)")
	fl.StringVar(&f.errorFormat, flagErrorFormat, "", "print the findings as a report instead of the records: "+strings.Join(report.AllFormatStrings(), "|")+" (overrides -o)")
	cmd.AddCommand(newDLTInspectCmd(s, f), newDLTReplayCmd(s, f))
	return cmd
}

// filter reads the filter flags; a bad value is a usage error.
func (f *dltFlags) filter(cmd *cobra.Command) (dlt.Filter, error) {
	flt := dlt.NewFilter()
	flt.ErrorClass = f.errorClass
	if cmd.Flags().Changed(dltFlagKey) {
		flt.Key, flt.HasKey = []byte(f.key), true
	}
	now := time.Now()
	var err error
	if f.since != "" {
		if flt.Since, err = dlt.ParseTime(f.since, now); err != nil {
			return flt, usageErrorf("--%s %v", dltFlagSince, err)
		}
	}
	if f.until != "" {
		if flt.Until, err = dlt.ParseTime(f.until, now); err != nil {
			return flt, usageErrorf("--%s %v", dltFlagUntil, err)
		}
	}
	for _, p := range f.partitions {
		if p < 0 || p > math.MaxInt32 {
			return flt, usageErrorf("--%s %d: not a partition number", dltFlagPartition, p)
		}
		flt.Partitions = append(flt.Partitions, int32(p))
	}
	if f.offsets != "" {
		if flt.FromOffset, flt.ToOffset, err = dlt.ParseOffsets(f.offsets); err != nil {
			return flt, usageErrorf("--%s %v", dltFlagOffset, err)
		}
	}
	if err := flt.Check(); err != nil {
		return flt, usageError{err}
	}
	return flt, nil
}

// outputs reads -o and --error-format.
func (f *dltFlags) outputs() (asJSON bool, errFormat *report.Format, err error) {
	if asJSON, err = f.reg.json(); err != nil {
		return false, nil, err
	}
	if f.errorFormat != "" {
		fm, err := report.ParseFormat(f.errorFormat)
		if err != nil {
			return false, nil, usageErrorf("--%s: %v", flagErrorFormat, err)
		}
		errFormat = &fm
	}
	return asJSON, errFormat, nil
}

func (f *dltFlags) connect() dlt.Connect {
	return func(opts ...kgo.Opt) (*kgo.Client, error) { return f.conn.client(opts...) }
}

// read reads topic with the filter, showing progress on a terminal.
func (f *dltFlags) read(ctx context.Context, s *streams, topic string, flt dlt.Filter, fn func(*dlt.Record) error) (dlt.ReadStats, error) {
	p := newProgress(s.Err)
	st, err := dlt.Read(ctx, f.connect(), topic, dlt.ReadOptions{Filter: flt, Progress: func(read, total int64) {
		p.step(int(read), int(total), "reading "+topic)
	}}, fn)
	p.clear()
	if err != nil {
		var u usageError
		if errors.As(err, &u) {
			return st, err
		}
		return st, usageErrorf("%v (cluster: %s)", err, f.conn.options())
	}
	return st, nil
}

// finding is one problem with one record.
type dltFinding struct {
	rec *dlt.Record
	typ string
	msg string
	fix string
}

func (d dltFinding) report() report.Finding {
	return report.Finding{Subject: d.rec.Topic, Type: d.typ, Location: d.rec.Where(), Message: d.msg, Fix: d.fix, Severity: "major"}
}

// printFindings prints the findings as a report (--error-format).
func printFindings(w io.Writer, fm report.Format, read int64, fs []dltFinding) error {
	if fm == report.Text {
		for _, d := range fs {
			fmt.Fprintf(w, "%s: %s: %s\n", d.rec.Where(), d.typ, d.msg)
			if d.fix != "" {
				fmt.Fprintf(w, "    fix: %s\n", d.fix)
			}
		}
		fmt.Fprintf(w, "%d finding(s) in %d record(s)\n", len(fs), read)
		return nil
	}
	r := report.Report{Kind: report.KindLint, Compatible: len(fs) == 0, Checked: fmt.Sprintf("%d records", read)}
	for _, d := range fs {
		r.Findings = append(r.Findings, d.report())
	}
	return report.Print(w, fm, r)
}

func newDLTInspectCmd(s *streams, f *dltFlags) *cobra.Command {
	var format, reader string
	var noDecode bool
	cmd := &cobra.Command{
		Use:   "inspect TOPIC",
		Short: "Print the records of a dead-letter topic: dead-letter headers and the value decoded to JSON",
		Long: `inspect prints each chosen record of the dead-letter topic: where it is, its
key, its headers, what the kafka_dlt-* headers say (original topic, partition,
offset and timestamp, consumer group, error class, cause and message) and the
value decoded to JSON.

A value is a Confluent frame (magic byte 0, a 4-byte schema id, Avro binary);
the writer schema is fetched from the registry by that id (--url or
$REGISTRY_URL) once per id. With --reader FILE (.avsc), the value is resolved
into that schema first, as a consumer generated from it reads it. --format
avro-json (the default) is Avro's JSON encoding as Java's JsonEncoder writes it
(unions as {"type": value}, bytes as ISO-8859-1 characters); --format json
unwraps unions. --no-decode leaves values undecoded (base64 in -o json) and
needs no registry.

-o json prints one JSON object per record and line: topic, partition,
offset, timestamp, key, headers, dead_letter, schema_id, value (or error), and
the counts on stderr. --error-format prints only the findings, as a report.

A record that is not a dead letter (no kafka_dlt-original-topic header), a
value that is not a frame or does not decode, and a schema id the registry
does not know are findings (exit 1): each is shown with what is wrong, and
reading goes on.`,
		Example: `  avroctl dlt inspect orders-dlt
  avroctl dlt inspect orders-dlt --error-class kafka.DecodeError --format json -o json | jq .value
  avroctl dlt inspect orders-dlt --reader schemas/com.acme.Order.avsc --since 2026-12-01T00:00:00Z
  avroctl dlt inspect orders-dlt --error-format junit > dlt-junit.xml`,
		Args: cobraArgs(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			topic := args[0]
			asJSON, errFormat, err := f.outputs()
			if err != nil {
				return err
			}
			flt, err := f.filter(cmd)
			if err != nil {
				return err
			}
			vf, err := datum.ParseFormat(format)
			if err != nil {
				return usageErrorf("--%s: %v", dltFlagFormat, err)
			}
			var readerJSON string
			if reader != "" {
				if readerJSON, err = readReaderSchema(reader); err != nil {
					return err
				}
			}
			var dec *valueDecoder
			if !noDecode {
				cl, err := f.reg.client()
				if err != nil {
					return err
				}
				dec = &valueDecoder{readerJSON: readerJSON, format: vf, codecs: map[int]*codecResult{},
					schemas: &writerSchemas{cl: cl, url: redactURL(f.reg.opts.URL), cache: map[schemaRef]fetched{},
						unknownFix: "give the --url of the registry the producer used", hint: " (or give --" + dltFlagNoDecode + ")"}}
			}
			ctx, cancel := context.WithTimeout(cmd.Context(), f.deadline)
			defer cancel()
			var findings []dltFinding
			var fatal error
			st, err := f.read(ctx, s, topic, flt, func(r *dlt.Record) error {
				v := shownValue{}
				if dec != nil {
					v = dec.decode(ctx, r)
					if v.fatal != nil {
						fatal = v.fatal
						return v.fatal
					}
				} else {
					v.raw = r.Value
					if id, _, ok := dlt.SchemaID(r.Value); ok {
						v.schemaID = &id
					}
				}
				if r.DeadLetter == nil {
					findings = append(findings, dltFinding{r, dltNotDeadLetter, r.NotDeadLetter.Error(),
						"it was written to the dead-letter topic by something other than a dead-letter handler; it is kept there"})
				}
				if v.finding != nil {
					v.finding.rec = r
					findings = append(findings, *v.finding)
				}
				if errFormat != nil {
					return nil
				}
				if asJSON {
					return writeDLTRecordJSON(s.Out, r, v)
				}
				writeDLTRecordText(s.Out, r, v)
				return nil
			})
			if fatal != nil {
				return fatal
			}
			if err != nil {
				return err
			}
			if errFormat != nil {
				if err := printFindings(s.Out, *errFormat, st.Matched, findings); err != nil {
					return err
				}
			} else {
				summary := fmt.Sprintf("%d record(s) read, %d shown, %d finding(s)", st.Read, st.Matched, len(findings))
				if asJSON {
					fmt.Fprintln(s.Err, summary)
				} else {
					fmt.Fprintln(s.Out, summary)
				}
			}
			if len(findings) > 0 {
				return errFindings
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&format, dltFlagFormat, "avro-json", "JSON shape of decoded values: "+strings.Join(datum.FormatNames(), "|"))
	cmd.Flags().StringVar(&reader, dltFlagReader, "", "reader schema (.avsc) to resolve values into, as a consumer generated from it reads them")
	cmd.Flags().BoolVar(&noDecode, dltFlagNoDecode, false, "do not decode values (no registry needed)")
	cmd.RegisterFlagCompletionFunc(dltFlagFormat, cobra.FixedCompletions(datum.FormatNames(), cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

func readReaderSchema(path string) (string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return "", usageErrorf("--%s: %v", dltFlagReader, err)
	}
	s, err := schema.Parse(data, schema.ParseOptions{Filename: path})
	if err != nil {
		return "", usageError{err}
	}
	return string(schema.Marshal(s)), nil
}

// valueDecoder decodes framed values with writer schemas fetched by id.
type valueDecoder struct {
	schemas    *writerSchemas
	readerJSON string
	format     datum.Format
	codecs     map[int]*codecResult
}

type codecResult struct {
	codec   *datum.Codec
	finding *dltFinding
}

// shownValue is a record's value as inspect shows it.
type shownValue struct {
	schemaID *int
	json     json.RawMessage // decoded
	raw      []byte          // undecoded (--no-decode, or not decodable)
	finding  *dltFinding
	fatal    error
}

func (v *valueDecoder) decode(ctx context.Context, r *dlt.Record) shownValue {
	if r.Value == nil {
		return shownValue{json: json.RawMessage("null")}
	}
	id, body, ok := dlt.SchemaID(r.Value)
	if !ok {
		n := min(len(r.Value), 8)
		return shownValue{raw: r.Value, finding: &dltFinding{typ: dltNotFramed,
			msg: fmt.Sprintf("the value is not a Confluent frame (magic byte 0, 4-byte schema id): %d bytes starting %x", len(r.Value), r.Value[:n])}}
	}
	out := shownValue{schemaID: &id, raw: r.Value}
	c, ok := v.codecs[id]
	if !ok {
		c = v.codec(ctx, id)
		if c.codec == nil && c.finding == nil {
			return shownValue{fatal: fmt.Errorf("internal: no codec for schema %d", id)}
		}
		v.codecs[id] = c
	}
	if c.finding != nil {
		if c.finding.typ == "" { // the registry failed: stop
			return shownValue{fatal: usageErrorf("%s", c.finding.msg)}
		}
		f := *c.finding
		out.finding = &f
		return out
	}
	js, err := c.codec.Decode(body, v.format)
	if err != nil {
		var de *datum.Error
		if errors.As(err, &de) {
			de.Offset += 5 // located in the value, frame header included
		}
		out.finding = &dltFinding{typ: dltUndecodable, msg: fmt.Sprintf("schema %d: value %v", id, err),
			fix: "the value does not match the schema its frame names: the producer's serializer is at fault"}
		return out
	}
	out.json, out.raw = js, nil
	return out
}

// codec fetches schema id and plans its decoding. An id the registry does
// not know is a finding about the record; any other registry failure (down,
// refused) stops the command.
func (v *valueDecoder) codec(ctx context.Context, id int) *codecResult {
	f, err := v.schemas.get(ctx, schemaRef{id: id})
	if err != nil {
		return &codecResult{finding: &dltFinding{msg: err.Error()}}
	}
	if f.finding != nil {
		return &codecResult{finding: &dltFinding{typ: f.finding.typ, msg: f.finding.msg, fix: f.finding.fix}}
	}
	c, err := datum.NewCodec(f.text, v.readerJSON)
	if err != nil {
		return &codecResult{finding: &dltFinding{typ: dltUndecodable, msg: fmt.Sprintf("schema id %d: %v", id, err)}}
	}
	return &codecResult{codec: c}
}

// standaloneSchema returns the registered schema with the named types of
// its references written in, as the runtime's schema reader needs it.
func standaloneSchema(ctx context.Context, cl *sr.Client, ss sr.Schema, id int) (string, error) {
	if len(ss.References) == 0 {
		return ss.Schema, nil
	}
	names := schema.NewNames()
	if err := registry.LoadReferences(ctx, cl, ss.References, names); err != nil {
		return "", err
	}
	s, err := schema.Parse([]byte(ss.Schema), schema.ParseOptions{Filename: "schema id " + strconv.Itoa(id), Names: names})
	if err != nil {
		return "", err
	}
	return string(schema.Marshal(s)), nil
}

// redactURL hides a password in a URL's user information.
func redactURL(raw string) string {
	if raw == "" {
		raw = registry.DefaultURL
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable URL)"
	}
	return u.Redacted()
}

// dltJSONRecord is a record in -o json.
type dltJSONRecord struct {
	Topic       string          `json:"topic"`
	Partition   int32           `json:"partition"`
	Offset      int64           `json:"offset"`
	Timestamp   time.Time       `json:"timestamp"`
	Key         *string         `json:"key"`
	KeyBase64   string          `json:"key_base64,omitempty"`
	Headers     []dltJSONHeader `json:"headers"`
	DeadLetter  *dlt.DeadLetter `json:"dead_letter"`
	Note        string          `json:"note,omitempty"`
	SchemaID    *int            `json:"schema_id,omitempty"`
	Value       json.RawMessage `json:"value,omitempty"`
	ValueBase64 string          `json:"value_base64,omitempty"`
	Error       *dltJSONFinding `json:"error,omitempty"`
}

type dltJSONHeader struct {
	Key         string  `json:"key"`
	Value       *string `json:"value,omitempty"`
	ValueBase64 string  `json:"value_base64,omitempty"`
}

type dltJSONFinding struct {
	Type    string `json:"type"`
	Message string `json:"message"`
}

// printable reports whether b reads as text: valid UTF-8 without control
// characters other than tab and newlines. Binary headers (the dead-letter
// partition and offsets) are shown in base64 instead.
func printable(b []byte) bool {
	if !utf8.Valid(b) {
		return false
	}
	for _, c := range b {
		if c < 0x20 && c != '\t' && c != '\n' && c != '\r' || c == 0x7f {
			return false
		}
	}
	return true
}

func writeDLTRecordJSON(w io.Writer, r *dlt.Record, v shownValue) error {
	out := dltJSONRecord{Topic: r.Topic, Partition: r.Partition, Offset: r.Offset, Timestamp: r.Timestamp,
		Headers: []dltJSONHeader{}, DeadLetter: r.DeadLetter, SchemaID: v.schemaID, Value: v.json}
	out.Key, out.KeyBase64, out.Headers = jsonKeyAndHeaders(r.Key, r.Headers)
	if r.DeadLetter == nil {
		out.Note = r.NotDeadLetter.Error()
	}
	if v.json == nil && v.raw != nil {
		out.ValueBase64 = base64.StdEncoding.EncodeToString(v.raw)
	}
	if v.finding != nil {
		out.Error = &dltJSONFinding{v.finding.typ, v.finding.msg}
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(out)
}

func writeDLTRecordText(w io.Writer, r *dlt.Record, v shownValue) {
	key := "null"
	if r.Key != nil {
		key = showBytes(r.Key)
	}
	fmt.Fprintf(w, "%s  %s  key %s\n", r.Where(), r.Timestamp.Format(time.RFC3339Nano), key)
	if d := r.DeadLetter; d != nil {
		fmt.Fprintf(w, "  original  %s/%d@%d", d.OriginalTopic, d.OriginalPartition, d.OriginalOffset)
		if !d.OriginalTimestamp.IsZero() {
			fmt.Fprintf(w, "  %s %s", d.OriginalTimestamp.Format(time.RFC3339Nano), d.TimestampType)
		}
		if d.ConsumerGroup != "" {
			fmt.Fprintf(w, "  group %s", d.ConsumerGroup)
		}
		fmt.Fprintln(w)
		fmt.Fprintf(w, "  error     %s: %s", d.ErrorClass, d.Message)
		if d.CauseClass != "" && d.CauseClass != d.ErrorClass {
			fmt.Fprintf(w, " (cause %s)", d.CauseClass)
		}
		fmt.Fprintln(w)
	} else {
		fmt.Fprintf(w, "  note      %v\n", r.NotDeadLetter)
	}
	var hs []string
	for _, h := range r.Headers {
		if !dlt.IsRuntimeHeader(h.Key) {
			hs = append(hs, h.Key+"="+showBytes(h.Value))
		}
	}
	if len(hs) > 0 {
		fmt.Fprintf(w, "  headers   %s\n", strings.Join(hs, " "))
	}
	switch {
	case v.finding != nil:
		fmt.Fprintf(w, "  value     %s: %s\n", v.finding.typ, v.finding.msg)
	case v.json != nil && v.schemaID != nil:
		fmt.Fprintf(w, "  value     schema %d: %s\n", *v.schemaID, v.json)
	case v.json != nil:
		fmt.Fprintf(w, "  value     %s\n", v.json)
	case v.schemaID != nil:
		fmt.Fprintf(w, "  value     schema %d, %d bytes (not decoded)\n", *v.schemaID, len(v.raw))
	default:
		fmt.Fprintf(w, "  value     %d bytes (not decoded)\n", len(v.raw))
	}
}

// showBytes quotes text, and shows other bytes as hex.
func showBytes(b []byte) string {
	if printable(b) {
		return strconv.Quote(string(b))
	}
	return fmt.Sprintf("0x%x", b)
}

func newDLTReplayCmd(s *streams, f *dltFlags) *cobra.Command {
	var to string
	var dryRun bool
	cmd := &cobra.Command{
		Use:   "replay TOPIC",
		Short: "Write chosen dead letters back to their source topic, without the dead-letter headers",
		Long: `replay writes each chosen record of the dead-letter topic to its original
topic (kafka_dlt-original-topic), or to --to TOPIC: the same key, value and
headers, in their order, with the kafka_dlt-* and retry_topic-* headers
removed. The event id header (ce_id) is kept, so a consumer whose inbox already
has the event skips it. Writes wait for every in-sync replica (acks=all) and
are idempotent; a record goes to the partition of its key (Java's murmur2, as
a Java producer would choose).

The dead-letter topic is only read: nothing is deleted or committed, so a
replay that fails is run again, and replaying twice writes twice (consumers
with an inbox skip the second copy). Choose records with the filters.

A replay that would loop is refused: into the dead-letter topic being read, or
into a topic named like a dead-letter topic (ending in -dlt or .DLT) or a retry
topic (ending in -retry or -retry-N), where the same consumer would fail the
record again. With --to such a topic nothing is written (exit 2); a record
whose original topic is such a topic, and a record that is not a dead letter,
is skipped and reported (exit 1).

--dry-run prints what would be written and writes nothing.`,
		Example: `  avroctl dlt replay orders-dlt --dry-run
  avroctl dlt replay orders-dlt --error-class '*TimeoutError' --since 24h
  avroctl dlt replay orders-dlt --partition 2 --offset 1500 --to orders-replay -o json`,
		Args: cobraArgs(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			topic := args[0]
			asJSON, errFormat, err := f.outputs()
			if err != nil {
				return err
			}
			flt, err := f.filter(cmd)
			if err != nil {
				return err
			}
			if to != "" {
				if why := dlt.LoopReason(to, topic); why != "" {
					return usageErrorf("--%s %s: refusing to replay into it: %s, so the replay would loop; nothing was written", dltFlagTo, to, why)
				}
			}
			ctx, cancel := context.WithTimeout(cmd.Context(), f.deadline)
			defer cancel()
			var reps []dlt.Replay
			var skipped []dltFinding
			st, err := f.read(ctx, s, topic, flt, func(r *dlt.Record) error {
				rec, err := dlt.ReplayRecord(r, to)
				if err != nil {
					skipped = append(skipped, dltFinding{rec: r, typ: dltNotReplayed, msg: err.Error(),
						fix: "it stays in the dead-letter topic; replay it with --to the source topic if it has one"})
					return nil
				}
				reps = append(reps, dlt.Replay{From: r, Record: rec})
				return nil
			})
			if err != nil {
				return err
			}
			var replayed int
			var perr error
			if !dryRun && len(reps) > 0 {
				cl, err := f.conn.client(dlt.ProducerOpts()...)
				if err != nil {
					return err
				}
				replayed, perr = dlt.Produce(ctx, cl, reps)
				cl.Close()
			}
			if errFormat != nil {
				if err := printFindings(s.Out, *errFormat, st.Matched, skipped); err != nil {
					return err
				}
			} else {
				for _, rp := range reps {
					if rp.Err != nil {
						continue
					}
					if asJSON {
						if err := writeReplayJSON(s.Out, rp, dryRun); err != nil {
							return err
						}
					} else {
						writeReplayText(s.Out, rp, dryRun)
					}
				}
				for _, d := range skipped {
					if asJSON {
						json.NewEncoder(s.Out).Encode(struct {
							From    string `json:"from"`
							Skipped string `json:"skipped"`
						}{d.rec.Where(), d.msg})
					} else {
						fmt.Fprintf(s.Out, "skipped   %s\n", d.msg)
					}
				}
				verb := "replayed"
				if dryRun {
					verb, replayed = "would replay", len(reps)
				}
				summary := fmt.Sprintf("%s %d of %d chosen record(s) (%d read); %d skipped", verb, replayed, st.Matched, st.Read, len(skipped))
				if asJSON {
					fmt.Fprintln(s.Err, summary)
				} else {
					fmt.Fprintln(s.Out, summary)
				}
			}
			if perr != nil {
				return fmt.Errorf("%w\n(%d of %d replayed; the dead-letter topic is unchanged: fix the cause and choose the rest with the filters)", perr, replayed, len(reps))
			}
			if len(skipped) > 0 {
				return errFindings
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&to, dltFlagTo, "", "write to this topic instead of each record's original topic")
	hideFlagsInHelp(cmd, regFlagURL, regFlagUsername, regFlagToken, regFlagCert, regFlagKey, regFlagCA, regFlagTimeout)
	cmd.Flags().BoolVar(&dryRun, dltFlagDryRun, false, "print what would be written; write nothing")
	return cmd
}

// dltJSONReplay is a replayed record in -o json.
type dltJSONReplay struct {
	From      string          `json:"from"`
	Topic     string          `json:"topic"`
	Partition *int32          `json:"partition,omitempty"`
	Offset    *int64          `json:"offset,omitempty"`
	DryRun    bool            `json:"dry_run,omitempty"`
	Key       *string         `json:"key"`
	KeyBase64 string          `json:"key_base64,omitempty"`
	Headers   []dltJSONHeader `json:"headers"`
	Bytes     int             `json:"value_bytes"`
}

func writeReplayJSON(w io.Writer, rp dlt.Replay, dryRun bool) error {
	r := rp.Record
	out := dltJSONReplay{From: rp.From.Where(), Topic: r.Topic, DryRun: dryRun, Headers: []dltJSONHeader{}, Bytes: len(r.Value)}
	if !dryRun {
		out.Partition, out.Offset = &r.Partition, &r.Offset
	}
	out.Key, out.KeyBase64, out.Headers = jsonKeyAndHeaders(r.Key, r.Headers)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(out)
}

func writeReplayText(w io.Writer, rp dlt.Replay, dryRun bool) {
	r := rp.Record
	key := "null"
	if r.Key != nil {
		key = showBytes(r.Key)
	}
	var hs []string
	for _, h := range r.Headers {
		hs = append(hs, h.Key)
	}
	if dryRun {
		fmt.Fprintf(w, "would replay %s -> %s  key %s, %d value bytes, headers [%s]\n", rp.From.Where(), r.Topic, key, len(r.Value), strings.Join(hs, " "))
		return
	}
	fmt.Fprintf(w, "replayed  %s -> %s/%d@%d  key %s\n", rp.From.Where(), r.Topic, r.Partition, r.Offset, key)
}

// hideFlagsInHelp leaves the named inherited flags out of c's help while
// it is printed: replay needs no registry, so the registry's connection
// flags dlt defines for inspect would only mislead there.
func hideFlagsInHelp(c *cobra.Command, names ...string) {
	help := c.HelpFunc()
	c.SetHelpFunc(func(cmd *cobra.Command, args []string) {
		var hidden []*pflag.Flag
		for _, n := range names {
			if f := cmd.InheritedFlags().Lookup(n); f != nil && !f.Hidden {
				f.Hidden = true
				hidden = append(hidden, f)
			}
		}
		defer func() {
			for _, f := range hidden {
				f.Hidden = false
			}
		}()
		help(cmd, args)
	})
}

// jsonKeyAndHeaders spells a record's key and headers for -o json: as
// strings when printable, else in base64 (the *_base64 fields).
func jsonKeyAndHeaders(key []byte, hs []kgo.RecordHeader) (k *string, keyBase64 string, headers []dltJSONHeader) {
	if key != nil {
		if printable(key) {
			s := string(key)
			k = &s
		} else {
			keyBase64 = base64.StdEncoding.EncodeToString(key)
		}
	}
	headers = []dltJSONHeader{}
	for _, h := range hs {
		jh := dltJSONHeader{Key: h.Key}
		if printable(h.Value) {
			s := string(h.Value)
			jh.Value = &s
		} else {
			jh.ValueBase64 = base64.StdEncoding.EncodeToString(h.Value)
		}
		headers = append(headers, jh)
	}
	return k, keyBase64, headers
}
