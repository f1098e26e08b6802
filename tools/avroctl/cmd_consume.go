package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sr"

	"gitlab.com/acme/avroctl/gen/compat/report"
	"gitlab.com/acme/avroctl/gen/datum"
	"gitlab.com/acme/avroctl/gen/kcat"
)

func init() { register(newConsumeCmd) }

// Flag names of consume (and produce).
const (
	consumeFlagFrom      = "from"
	consumeFlagCount     = "count"
	consumeFlagFollow    = "follow"
	consumeFlagKeyFormat = "key-format"

	// The headers that carry a schema id instead of the frame (Confluent's
	// header-based schema id serializers).
	headerValueSchemaID = "__value_schema_id"
	headerKeySchemaID   = "__key_schema_id"
)

var consumeKeyFormats = []string{"text", "avro"}

// consumeJSONRecord is a record in consume's -o json.
type consumeJSONRecord struct {
	Topic       string          `json:"topic"`
	Partition   int32           `json:"partition"`
	Offset      int64           `json:"offset"`
	Timestamp   time.Time       `json:"timestamp"`
	Key         any             `json:"key"`
	KeyBase64   string          `json:"key_base64,omitempty"`
	Headers     []dltJSONHeader `json:"headers"`
	SchemaID    *int            `json:"schema_id,omitempty"`
	SchemaGUID  string          `json:"schema_guid,omitempty"`
	Value       json.RawMessage `json:"value"`
	ValueBase64 string          `json:"value_base64,omitempty"`
	Error       *dltJSONFinding `json:"error,omitempty"`
}

func headerValue(hs []kgo.RecordHeader, key string) []byte {
	for _, h := range hs {
		if h.Key == key {
			if h.Value == nil {
				return []byte{}
			}
			return h.Value
		}
	}
	return nil
}

func newConsumeCmd(s *streams) *cobra.Command {
	var conn kafkaConnFlags
	var reg regClientFlags
	var from, format, keyFormat, reader, errorFormat string
	var partitions []int
	var count int
	var follow bool
	cmd := &cobra.Command{
		Use:   "consume TOPIC",
		Short: "Print a topic's records with their values decoded to JSON (kcat -C with a registry)",
		Long: `consume reads TOPIC directly by partition (it joins no consumer group and
commits nothing) and prints each record on one line:

  topic/partition@offset timestamp key=KEY [header=value...] VALUE-JSON

Values are Confluent frames (magic byte 0 and a schema id, or 1 and a GUID),
or Avro bodies whose schema id is in a __value_schema_id header; they are
decoded as 'avroctl decode' does, with the writer schema fetched from the
registry (--url or $REGISTRY_URL) once per id, optionally resolved into
--reader FILE|SUBJECT@VERSION. Keys are shown as text (quoted, or hex when
binary), or decoded the same way with --key-format avro.

--from beginning (the default), end, an offset N (or -N: N before the end),
an RFC 3339 time or a duration ago (2h: the first record at or after it, by
ListOffsets). --partition N (repeatable) chooses partitions, -c N stops after
N records. Without -f consume stops at the end offsets each partition has
when it starts, so it always ends; with -f it waits for new records until
Ctrl-C (which stops cleanly, exit as below).

-o json prints one object per record: topic, partition, offset, timestamp,
key (or key_base64), headers, schema_id, value (or value_base64 and error).
--error-format prints only the findings, as a report.

Exit codes: 0 every record decoded, 1 findings (a value that is not a frame,
a schema id the registry does not know, a value that does not match its
schema: each names the record and the byte offset, and reading goes on),
2 usage or connection error.

` + kafkaConnHelp,
		Example: `  avroctl consume orders --bootstrap-servers 127.0.0.1:9092 --url http://127.0.0.1:8081
  avroctl consume orders --from -10 --partition 0 --format json
  avroctl consume orders --from 2h -f -o json | jq .value
  avroctl consume orders --from 2026-12-04T05:00:00Z -c 1 --reader schemas/com.acme.Order.avsc
  avroctl consume orders-keyed --key-format avro --error-format text`,
		Args: cobraArgs(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			topic := args[0]
			out, vf, err := newDataOutput(s, &reg, errorFormat, format, false, false)
			if err != nil {
				return err
			}
			start, err := kcat.ParseStart(from, time.Now())
			if err != nil {
				return usageErrorf("--%s %v", consumeFlagFrom, err)
			}
			if keyFormat != "text" && keyFormat != "avro" {
				return usageErrorf("--%s %q: want %s", consumeFlagKeyFormat, keyFormat, strings.Join(consumeKeyFormats, "|"))
			}
			if count < 0 {
				return usageErrorf("--%s %d: want 0 (no limit) or more", consumeFlagCount, count)
			}
			var parts []int32
			for _, p := range partitions {
				if p < 0 || p > math.MaxInt32 {
					return usageErrorf("--%s %d: not a partition number", dltFlagPartition, p)
				}
				parts = append(parts, int32(p))
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			var srcl *sr.Client
			client := func() (*sr.Client, error) {
				if srcl == nil {
					srcl, err = reg.client()
				}
				return srcl, err
			}
			var readerJSON string
			if reader != "" {
				if readerJSON, _, err = readSchemaArg(ctx, dltFlagReader, reader, client); err != nil {
					return err
				}
			}
			if _, err := client(); err != nil {
				return err
			}
			codecs := newFrameCodecs(srcl, redactURL(reg.opts.URL), readerJSON, "give the --url of the registry the producer used")
			keyCodecs := newFrameCodecs(srcl, redactURL(reg.opts.URL), "", "give the --url of the registry the producer used, or --"+consumeFlagKeyFormat+" text")

			connect := func(opts ...kgo.Opt) (*kgo.Client, error) { return conn.client(opts...) }
			opts := kcat.Options{From: start, Partitions: parts, Count: count, Follow: follow}
			err = kcat.Read(ctx, connect, topic, opts, func(r *kgo.Record) error {
				return showConsumed(ctx, s, out, codecs, keyCodecs, keyFormat == "avro", vf, r)
			})
			if err != nil {
				var u usageError
				if errors.As(err, &u) {
					return err
				}
				return usageErrorf("%v (cluster: %s)", err, conn.options())
			}
			fmt.Fprintf(s.Err, "%d record(s) read, %d finding(s)\n", out.units, len(out.findings))
			return out.finish()
		},
	}
	conn.bind(cmd)
	reg.bind(cmd)
	fl := cmd.Flags()
	fl.StringVar(&from, consumeFlagFrom, "beginning", "where to start: beginning|end|OFFSET|-N (before the end)|RFC 3339 time|duration ago (2h)")
	fl.IntSliceVar(&partitions, dltFlagPartition, nil, "only these partitions (repeatable)")
	fl.IntVarP(&count, consumeFlagCount, "c", 0, "stop after this many records (0: no limit)")
	fl.BoolVarP(&follow, consumeFlagFollow, "f", false, "keep waiting for new records (until Ctrl-C) instead of stopping at the end offsets")
	fl.StringVar(&format, dltFlagFormat, "avro-json", "JSON shape of decoded values: "+strings.Join(datum.FormatNames(), "|"))
	fl.StringVar(&keyFormat, consumeFlagKeyFormat, "text", "keys: text (quoted, hex when binary) or avro (decoded as the values are)")
	fl.StringVar(&reader, dltFlagReader, "", "reader schema to resolve values into: FILE (.avsc) or SUBJECT@VERSION")
	fl.StringVar(&errorFormat, flagErrorFormat, "", "print the findings as a report instead of the records: "+strings.Join(report.AllFormatStrings(), "|")+" (overrides -o)")
	cmd.RegisterFlagCompletionFunc(dltFlagFormat, cobra.FixedCompletions(datum.FormatNames(), cobra.ShellCompDirectiveNoFileComp))
	cmd.RegisterFlagCompletionFunc(consumeFlagFrom, cobra.FixedCompletions(kcat.StartNames, cobra.ShellCompDirectiveNoFileComp))
	cmd.RegisterFlagCompletionFunc(consumeFlagKeyFormat, cobra.FixedCompletions(consumeKeyFormats, cobra.ShellCompDirectiveNoFileComp))
	cmd.RegisterFlagCompletionFunc(flagErrorFormat, cobra.FixedCompletions(report.AllFormatStrings(), cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

// showConsumed prints one record (or, with --error-format, only records
// its findings). A registry failure other than an unknown id stops.
func showConsumed(ctx context.Context, s *streams, out *dataOutput, codecs, keyCodecs *frameCodecs, keyAvro bool, vf datum.Format, r *kgo.Record) error {
	out.units++
	where := fmt.Sprintf("%s/%d@%d", r.Topic, r.Partition, r.Offset)
	rec := consumeJSONRecord{Topic: r.Topic, Partition: r.Partition, Offset: r.Offset, Timestamp: r.Timestamp.UTC()}
	var findings []string
	add := func(what string, f *dataFinding) {
		f.where = where
		f.msg = what + ": " + f.msg
		out.findings = append(out.findings, *f)
		findings = append(findings, f.typ+": "+f.msg)
		if rec.Error == nil {
			rec.Error = &dltJSONFinding{Type: f.typ, Message: f.msg}
		}
	}
	var keyJS json.RawMessage
	if keyAvro && r.Key != nil {
		_, js, f, err := keyCodecs.decode(ctx, r.Key, headerValue(r.Headers, headerKeySchemaID), vf)
		if err != nil {
			return err
		}
		if f != nil {
			add("key", f)
		}
		keyJS = js
	}
	var key *string
	key, rec.KeyBase64, rec.Headers = jsonKeyAndHeaders(r.Key, r.Headers)
	switch {
	case keyJS != nil:
		rec.Key, rec.KeyBase64 = keyJS, ""
	case key != nil:
		rec.Key = *key
	}
	if r.Value == nil {
		rec.Value = json.RawMessage("null")
	} else {
		ref, js, f, err := codecs.decode(ctx, r.Value, headerValue(r.Headers, headerValueSchemaID), vf)
		if err != nil {
			return err
		}
		if ref.guid != "" {
			rec.SchemaGUID = ref.guid
		} else if f == nil || f.typ != dltNotFramed && f.typ != dataTruncatedFrame {
			id := ref.id
			rec.SchemaID = &id
		}
		if f != nil {
			add("value", f)
			rec.ValueBase64 = base64.StdEncoding.EncodeToString(r.Value)
		}
		rec.Value = js
	}
	switch {
	case out.errFormat != nil:
	case out.asJSON:
		writeJSONLine(s.Out, rec)
	default:
		var b strings.Builder
		fmt.Fprintf(&b, "%s %s key=", where, rec.Timestamp.Format(time.RFC3339Nano))
		switch {
		case keyJS != nil:
			b.Write(keyJS)
		case r.Key == nil:
			b.WriteString("null")
		default:
			b.WriteString(showBytes(r.Key))
		}
		for _, h := range r.Headers {
			b.WriteString(" " + h.Key + "=" + showBytes(h.Value))
		}
		if rec.Value != nil {
			b.WriteString(" ")
			b.Write(rec.Value)
		}
		for _, f := range findings {
			b.WriteString(" ERROR " + f)
		}
		b.WriteString("\n")
		s.Out.Write([]byte(b.String()))
	}
	return nil
}
