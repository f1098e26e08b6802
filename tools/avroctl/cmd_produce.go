package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sr"

	"gitlab.com/acme/avroctl/gen/compat/report"
	"gitlab.com/acme/avroctl/gen/datum"
	"gitlab.com/acme/avroctl/gen/dlt"
	"gitlab.com/acme/avroctl/gen/registry"
	"gitlab.com/acme/avroctl/gen/schema"
)

func init() { register(newProduceCmd) }

const (
	produceFlagKeyField = "key-field"
	produceFlagHeader   = "header"
	produceFlagStrategy = "subject-strategy"
	// produceBatch bounds the records held before they are sent.
	produceBatch = 500
)

// produced is one encoded line waiting to be sent.
type produced struct {
	where string
	rec   *kgo.Record
}

// keyFromField returns the value at the dotted path of a JSON value as a
// key: a string as it is, a number or boolean as its JSON text; a union
// wrapper ({"string": "x"}) is looked through.
func keyFromField(js []byte, path string) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(js))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	for _, name := range strings.Split(path, ".") {
		m, ok := v.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("--%s %s: %q is not in a JSON object", produceFlagKeyField, path, name)
		}
		if v, ok = m[name]; !ok {
			return nil, fmt.Errorf("--%s %s: the value has no field %q", produceFlagKeyField, path, name)
		}
	}
	if m, ok := v.(map[string]any); ok && len(m) == 1 {
		for _, w := range m {
			v = w
		}
	}
	switch x := v.(type) {
	case string:
		return []byte(x), nil
	case json.Number:
		return []byte(x.String()), nil
	case bool:
		return []byte(fmt.Sprint(x)), nil
	}
	return nil, fmt.Errorf("--%s %s: the field is not a string, number or boolean", produceFlagKeyField, path)
}

func newProduceCmd(s *streams) *cobra.Command {
	var conn kafkaConnFlags
	var reg regClientFlags
	var schemaArg, subject, strategy, format, errorFormat, key, keyField string
	var headers []string
	var doRegister bool
	cmd := &cobra.Command{
		Use:   "produce TOPIC [FILE]",
		Short: "Encode JSON values (one per line) with a registry schema and write them to a topic (kcat -P)",
		Long: `produce reads one JSON value per non-empty line (FILE, or stdin), encodes it
as 'avroctl encode --frame' does (Confluent frame: magic byte 0, the schema id,
the Avro body) and writes it to TOPIC, waiting for every in-sync replica
(acks=all, idempotent). A record goes to the partition of its key (Java's
murmur2, as a Java producer would choose).

The schema is --schema FILE (.avsc) or SUBJECT@VERSION, or the latest version
of --subject S. Without --subject the subject is named by --subject-strategy
(topic: TOPIC-value, the default; record: the record's full name;
topic-record: TOPIC-full.name); with --schema FILE its id is looked up under
that subject (--register registers it when missing).

Keys: --record-key STRING for every record, or --key-field PATH (dotted, such
as customer.id) from each JSON value. Headers: -H key=value (repeatable).
--format avro-json (the default) or json, as for encode.

Output: one line per record, where it was written (topic/partition@offset)
and the input line; -o json one object per record; a count on stderr.

Exit codes: 0 every line written, 1 findings (a line that is not a value of
the schema, or has no --key-field: it names the line and what is wrong, is
not sent, and the other lines are), 2 usage or connection error.

` + kafkaConnHelp,
		Example: `  echo '{"id":"o-1","qty":2,"note":null}' | avroctl produce orders --record-key o-1
  avroctl produce orders orders.jsonl --key-field id -H source=backfill --format json
  avroctl produce orders --schema schemas/com.acme.Order.avsc --subject-strategy topic-record --register < orders.jsonl
  avroctl produce orders --schema orders-value@3 -o json < orders.jsonl`,
		Args: cobraArgs(cobra.RangeArgs(1, 2)),
		RunE: func(cmd *cobra.Command, args []string) error {
			topic := args[0]
			out, vf, err := newDataOutput(s, &reg, errorFormat, format, false, false)
			if err != nil {
				return err
			}
			st := registry.Strategy(strategy)
			switch st {
			case registry.TopicName, registry.RecordName, registry.TopicRecordName:
			default:
				return usageErrorf("--%s %q: want topic|record|topic-record", produceFlagStrategy, strategy)
			}
			if cmd.Flags().Changed(dltFlagKey) && keyField != "" {
				return usageErrorf("--%s and --%s: give one", dltFlagKey, produceFlagKeyField)
			}
			if doRegister && (schemaArg == "" || strings.Contains(schemaArg, "@")) {
				if _, err := os.Stat(schemaArg); err != nil {
					return usageErrorf("--%s needs --%s FILE", dataFlagRegister, dataFlagSchema)
				}
			}
			var hs []kgo.RecordHeader
			for _, h := range headers {
				k, v, ok := strings.Cut(h, "=")
				if !ok || k == "" {
					return usageErrorf("-H %q: want key=value", h)
				}
				hs = append(hs, kgo.RecordHeader{Key: k, Value: []byte(v)})
			}
			ctx := cmd.Context()
			client := func() (*sr.Client, error) { return reg.client() }
			var text string
			id := -1
			if schemaArg != "" {
				if text, id, err = readSchemaArg(ctx, dataFlagSchema, schemaArg, client); err != nil {
					return err
				}
				if id < 0 { // a file: find its id under the subject
					if subject == "" {
						sch, err := schema.Parse([]byte(text), schema.ParseOptions{Filename: schemaArg})
						if err != nil {
							return usageError{err}
						}
						full := ""
						if n, ok := sch.(schema.NamedSchema); ok {
							full = n.Names().FullName()
						} else if st != registry.TopicName {
							return usageErrorf("--%s %s: the schema %s is not a named type: give --%s", produceFlagStrategy, st, schemaArg, dataFlagSubject)
						}
						subject = registry.SubjectName(st, topic, false, full)
					}
					if id, err = schemaIDUnder(ctx, &reg, subject, text, doRegister); err != nil {
						return err
					}
				}
			} else {
				if subject == "" {
					if st != registry.TopicName {
						return usageErrorf("--%s %s names the subject by the record: give --%s FILE or --%s", produceFlagStrategy, st, dataFlagSchema, dataFlagSubject)
					}
					subject = registry.SubjectName(st, topic, false, "")
				}
				if text, id, err = subjectSchema(ctx, dataFlagSubject, subject, "latest", client); err != nil {
					return err
				}
			}
			sch, err := schema.Parse([]byte(text), schema.ParseOptions{Filename: "schema"})
			if err != nil {
				return usageError{err}
			}
			path := "-"
			if len(args) == 2 {
				path = args[1]
			}
			if path != "-" { // a missing file is found before connecting
				if _, err := os.Stat(path); err != nil {
					return usageErrorf("%v", err)
				}
			}
			cl, err := conn.client(dlt.ProducerOpts()...)
			if err != nil {
				return err
			}
			defer cl.Close()
			sent := 0
			var batch []produced
			flush := func() error {
				if len(batch) == 0 {
					return nil
				}
				recs := make([]*kgo.Record, len(batch))
				for i, p := range batch {
					recs[i] = p.rec
				}
				res := cl.ProduceSync(ctx, recs...)
				for i, pr := range res {
					if pr.Err != nil {
						return usageErrorf("%s: writing to %s: %v (%d record(s) written before it; cluster: %s)", batch[i].where, topic, pr.Err, sent, conn.options())
					}
					sent++
					switch {
					case out.errFormat != nil:
					case out.asJSON:
						writeJSONLine(s.Out, map[string]any{"source": batch[i].where, "topic": pr.Record.Topic,
							"partition": pr.Record.Partition, "offset": pr.Record.Offset, "schema_id": id})
					default:
						fmt.Fprintf(s.Out, "%s/%d@%d %s\n", pr.Record.Topic, pr.Record.Partition, pr.Record.Offset, batch[i].where)
					}
				}
				batch = batch[:0]
				return nil
			}
			err = encodeLines(s, path, sch, vf, out, func() {}, func(where string, js, bin []byte) error {
				rec := &kgo.Record{Topic: topic, Value: appendFrame(id, bin), Headers: append([]kgo.RecordHeader(nil), hs...)}
				switch {
				case keyField != "":
					var err error
					if rec.Key, err = keyFromField(js, keyField); err != nil {
						out.finding(dataFinding{where: where, typ: dataInvalidJSON, msg: err.Error(), fix: "give each value the key field, or --" + dltFlagKey})
						return nil
					}
				case cmd.Flags().Changed(dltFlagKey):
					rec.Key = []byte(key)
				}
				batch = append(batch, produced{where: where, rec: rec})
				if len(batch) >= produceBatch {
					return flush()
				}
				return nil
			})
			if err != nil {
				return err
			}
			if err := flush(); err != nil {
				return err
			}
			fmt.Fprintf(s.Err, "%d record(s) written to %s with schema id %d, %d finding(s)\n", sent, topic, id, len(out.findings))
			return out.finish()
		},
	}
	conn.bind(cmd)
	reg.bind(cmd)
	fl := cmd.Flags()
	fl.StringVar(&schemaArg, dataFlagSchema, "", "the schema: FILE (.avsc) or SUBJECT@VERSION")
	fl.StringVar(&subject, dataFlagSubject, "", "the subject: its latest schema when there is no --schema; where --schema FILE is looked up")
	fl.StringVar(&strategy, produceFlagStrategy, string(registry.TopicName), "subject name strategy when there is no --subject: topic|record|topic-record")
	fl.BoolVar(&doRegister, dataFlagRegister, false, "with --schema FILE: register the schema when the subject does not have it")
	fl.StringVar(&key, dltFlagKey, "", "the key of every record (--key is the registry's mTLS key)")
	fl.StringVar(&keyField, produceFlagKeyField, "", "the key: the field at this dotted path of each JSON value")
	fl.StringArrayVarP(&headers, produceFlagHeader, "H", nil, "a header key=value on every record (repeatable)")
	fl.StringVar(&format, dltFlagFormat, "avro-json", "JSON shape of the input values: "+strings.Join(datum.FormatNames(), "|"))
	fl.StringVar(&errorFormat, flagErrorFormat, "", "print the findings as a report instead of the records: "+strings.Join(report.AllFormatStrings(), "|")+" (overrides -o)")
	cmd.RegisterFlagCompletionFunc(dltFlagFormat, cobra.FixedCompletions(datum.FormatNames(), cobra.ShellCompDirectiveNoFileComp))
	cmd.RegisterFlagCompletionFunc(produceFlagStrategy, cobra.FixedCompletions([]string{"topic", "record", "topic-record"}, cobra.ShellCompDirectiveNoFileComp))
	cmd.RegisterFlagCompletionFunc(flagErrorFormat, cobra.FixedCompletions(report.AllFormatStrings(), cobra.ShellCompDirectiveNoFileComp))
	return cmd
}
