package avro

import (
	"errors"
	"strings"
	"testing"
)

// Writer schemas with an array of zero-size items, and a reader that
// skips the array (it has no such field) or reads it.
const (
	nullsWriter  = `{"type":"record","name":"R","fields":[{"name":"junk","type":{"type":"array","items":"null"}},{"name":"x","type":"int"}]}`
	emptyWriter  = `{"type":"record","name":"R","fields":[{"name":"junk","type":{"type":"array","items":{"type":"record","name":"E","fields":[{"name":"n","type":"null"}]}}},{"name":"x","type":"int"}]}`
	skipReader   = `{"type":"record","name":"R","fields":[{"name":"x","type":"int"}]}`
	nullsReader  = nullsWriter
	unionsReader = `{"type":"record","name":"R","fields":[{"name":"junk","type":{"type":"array","items":["null","int"]}},{"name":"x","type":"int"}]}`
)

// zeroSizeFrame returns blocks of count items each until the value holds
// at least size bytes, the end marker, and x = 1.
func zeroSizeFrame(size int, count int64) []byte {
	block := AppendLong(nil, count)
	b := make([]byte, 0, size+len(block)+2)
	for len(b) < size {
		b = append(b, block...)
	}
	return AppendLong(append(b, 0), 1)
}

// TestZeroSizeItemsBoundedPerValue: a block count of zero-size items costs
// no bytes, so the bound is on the value's total, whatever the blocks: two
// blocks of MaxZeroSizeItems nulls fail, at the second count's offset,
// whether the items are decoded, transcoded or skipped.
func TestZeroSizeItemsBoundedPerValue(t *testing.T) {
	frame := zeroSizeFrame(6, MaxZeroSizeItems) // two 3-byte counts
	wantOff := len(AppendLong(nil, MaxZeroSizeItems))

	d := NewDecoder(frame)
	total := 0
	for n := d.BlockCount(0); n > 0; n = d.BlockCount(0) {
		total += n
	}
	var de *DecodeError
	if !errors.As(d.Err(), &de) || de.Offset != wantOff || !strings.Contains(de.Msg, "limit") {
		t.Fatalf("BlockCount: %d items, error %v; want the limit at byte %d", total, d.Err(), wantOff)
	}

	for _, c := range []struct{ name, writer, reader string }{
		{"skip nulls", nullsWriter, skipReader},
		{"skip empty records", emptyWriter, skipReader},
		{"transcode nulls to unions", nullsWriter, unionsReader},
	} {
		_, err := transcode(t, c.writer, c.reader, frame)
		if !errors.As(err, &de) || de.Offset != wantOff {
			t.Errorf("%s: %v; want the limit at byte %d", c.name, err, wantOff)
		}
	}

	// One block at the limit is fine, and so is the same total in many
	// blocks.
	for _, frame := range [][]byte{zeroSizeFrame(1, MaxZeroSizeItems), zeroSizeFrame(MaxZeroSizeItems/1024, 1024)} {
		for _, reader := range []string{skipReader, nullsReader, unionsReader} {
			out, err := transcode(t, nullsWriter, reader, frame)
			if err != nil {
				t.Fatalf("%d-byte frame read as %s: %v", len(frame), reader, err)
			}
			if d := NewDecoder(out); reader == skipReader && (d.Int() != 1 || d.Finish() != nil) {
				t.Fatalf("skipping the array lost x: % x", out)
			}
		}
	}
}

// TestZeroSizeSkipper: only types with no bytes at all are skipped a block
// at a time.
func TestZeroSizeSkipper(t *testing.T) {
	for js, want := range map[string]bool{
		`"null"`:                                   true,
		`{"type":"fixed","name":"F","size":0}`:     true,
		`{"type":"record","name":"E","fields":[]}`: true,
		`{"type":"record","name":"E","fields":[{"name":"a","type":"null"}]}`:                           true,
		`{"type":"record","name":"E","fields":[{"name":"a","type":"null"},{"name":"b","type":"int"}]}`: false,
		`{"type":"record","name":"E","fields":[{"name":"a","type":["null","E"]}]}`:                     false,
		`{"type":"record","name":"E","fields":[{"name":"a","type":"E"}]}`:                              false,
		`{"type":"array","items":"null"}`:                                                              false,
		`["null"]`:                                                                                     false,
	} {
		w, err := ParseWriterSchema(js)
		if err != nil {
			t.Fatal(err)
		}
		if got := zeroSize(w.root, map[*node]bool{}); got != want {
			t.Errorf("zeroSize(%s) = %v, want %v", js, got, want)
		}
	}
}

// BenchmarkZeroSizeFrame: what a 1 MiB frame of 3-byte block counts of
// nulls costs a consumer that skips the field, beside a 1 MiB frame of
// longs skipped the same way (the peer: the cost of real data).
//
//	go test ./gen/golang/runtime/avro -run '^$' -bench ZeroSizeFrame -benchtime 20x
func BenchmarkZeroSizeFrame(b *testing.B) {
	longsWriter := strings.Replace(nullsWriter, `"items":"null"`, `"items":"long"`, 1)
	longs := AppendLong(nil, 1<<20/2)
	for len(longs) < 1<<20 {
		longs = append(longs, 0x7e) // 63, one byte
	}
	longs = AppendLong(append(longs, 0), 1)
	for _, c := range []struct {
		name, writer string
		frame        []byte
	}{
		{"nulls-1MiB", nullsWriter, zeroSizeFrame(1<<20, MaxZeroSizeItems)},
		{"nulls-1MiB-one-block", nullsWriter, zeroSizeFrame(1, MaxZeroSizeItems)},
		{"longs-1MiB", longsWriter, longs},
	} {
		w, err := ParseWriterSchema(c.writer)
		if err != nil {
			b.Fatal(err)
		}
		op, err := NewResolver(skipReader).Plan(w)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(c.frame)))
			for b.Loop() {
				d := NewDecoder(c.frame)
				op(&d, nil)
				_ = d.Finish()
			}
		})
	}
}
