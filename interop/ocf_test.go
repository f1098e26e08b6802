package interop

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"testing"

	"gitlab.com/acme/avroctl/gen/datum"
	"gitlab.com/acme/avroctl/gen/ocf"
	"gitlab.com/acme/avroctl/gen/schema"
	"gitlab.com/acme/avroctl/interop/evolve"
	"gitlab.com/acme/avroctl/interop/javaharness"
	"gitlab.com/acme/avroctl/interop/randdatum"
)

// TestOCFCodecsMatchJava writes container files of random schemas and
// values with every codec both ways, at random levels and small sync
// intervals (many blocks):
//
//   - gen/ocf writes, Java's DataFileReader reads: the codec, the record
//     count, every block decompressed back to back equal to the datums
//     written, and GenericDatumReader decodes every record;
//   - Java's DataFileWriter writes (from the Avro JSON values), gen/ocf
//     reads: the codec, the record count, and the datums equal to
//     datum.Encode's of the same values (a value with a map of 2+ entries
//     is compared by count only: Java writes maps in hash order).
func TestOCFCodecsMatchJava(t *testing.T) {
	h := javaharness.Shared(t)
	n, per := 12, 120
	if testing.Short() {
		n, per = 4, 40
	}
	g := evolve.New(*seedFlag + 7000)
	r := rand.New(rand.NewPCG(*seedFlag, 7000))
	files := map[string][2]int{}
	exactFiles := 0
	for i := 0; i < n; i++ {
		text := evolve.Marshal(g.SchemaIn(fmt.Sprintf("rand.ocf%d", i), 6, 2))
		if _, err := h.Schema(text); err != nil || !finiteAvsc(text) {
			continue // Java rejects a few generated schemas: the schema tests' business
		}
		s, err := schema.Parse(text, schema.ParseOptions{})
		if err != nil {
			t.Fatalf("avroctl rejects a schema Java accepts: %v\n%s", err, text)
		}
		var values, encoded [][]byte
		exact := true
		for k := 0; k < per; k++ {
			v, multi := randdatum.Generate(r, s, randdatum.Options{})
			if v == nil {
				break
			}
			b, err := datum.Encode(s, v, datum.AvroJSON)
			if err != nil {
				t.Fatalf("datum.Encode: %v\nschema %s\nvalue %s", err, text, v)
			}
			values, encoded = append(values, v), append(encoded, b)
			exact = exact && !multi
		}
		if len(values) == 0 {
			continue
		}
		all := bytes.Join(encoded, nil)
		if exact {
			exactFiles++
		}
		codec, err := datum.NewCodec(string(text), "")
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range ocf.Codecs {
			level := 0
			if lo, hi, _, ok := ocf.LevelRange(c); ok && r.IntN(2) == 0 {
				// zstd above 10 is slow and xz above 6 needs a larger
				// heap than the harness's; neither changes the format.
				level = lo + r.IntN(min(hi, 10)-lo+1)
				if c == ocf.CodecXZ {
					level = min(level, 6)
				}
			}
			interval := 64 + r.IntN(2048)

			// gen/ocf writes, Java reads.
			var buf bytes.Buffer
			w, err := ocf.NewWriter(&buf, string(text), ocf.WriterOptions{Codec: c, Level: level, SyncInterval: interval})
			if err != nil {
				t.Fatal(err)
			}
			for _, b := range encoded {
				w.Append(b)
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			got, err := h.OCFRead(buf.Bytes())
			if err != nil {
				t.Fatalf("%s level %d: Java cannot read gen/ocf's file: %v\nschema %s", c, level, err, text)
			}
			if got.Codec != c || got.Count != int64(len(values)) || got.Records != got.Count || !bytes.Equal(got.Datums, all) {
				t.Fatalf("%s level %d: Java read codec %q, %d datums in %d blocks, %d records, %d bytes; want %d datums, %d bytes\nschema %s",
					c, level, got.Codec, got.Count, got.Blocks, got.Records, len(got.Datums), len(values), len(all), text)
			}
			files[c] = [2]int{files[c][0] + 1, files[c][1]}

			// Java writes, gen/ocf reads.
			file, err := h.OCFWrite(text, values, c, level, interval)
			if err != nil {
				t.Fatalf("%s level %d: Java cannot write the values: %v\nschema %s", c, level, err, text)
			}
			rd, err := ocf.NewReader(bytes.NewReader(file), ocf.Limits{})
			if err != nil {
				t.Fatalf("%s: gen/ocf cannot read Java's file: %v", c, err)
			}
			if rd.Codec() != c {
				t.Fatalf("Java's %s file says codec %q", c, rd.Codec())
			}
			var datums []byte
			var count, blocks int
			for {
				b, err := rd.NextBlock()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatalf("%s level %d: gen/ocf reading Java's file: %v\nschema %s", c, level, err, text)
				}
				blocks++
				data := b.Data
				for k := int64(0); k < b.Count; k++ {
					_, m, err := codec.DecodeNext(data, datum.AvroJSON)
					if err != nil {
						t.Fatalf("%s: datum %d of Java's file: %v", c, count, err)
					}
					datums = append(datums, data[:m]...)
					data = data[m:]
					count++
				}
				if len(data) != 0 {
					t.Fatalf("%s: %d bytes left in a block of Java's file", c, len(data))
				}
			}
			if count != len(values) || (exact && !bytes.Equal(datums, all)) {
				t.Fatalf("%s level %d: gen/ocf read %d datums (%d bytes) in %d blocks of Java's file, want %d (%d bytes)\nschema %s",
					c, level, count, len(datums), blocks, len(values), len(all), text)
			}
			files[c] = [2]int{files[c][0], files[c][1] + 1}
		}
	}
	for _, c := range ocf.Codecs {
		if files[c][0] == 0 || files[c][1] == 0 {
			t.Fatalf("no %s file compared: %v", c, files)
		}
	}
	t.Logf("files per codec (ours read by Java, Java's read by ours): %v; of the schemas, %d had values compared byte for byte both ways (the others hold maps of 2+ entries: count only from Java's)", files, exactFiles)
}
