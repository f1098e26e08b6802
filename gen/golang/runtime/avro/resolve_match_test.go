package avro

import (
	"bytes"
	"strings"
	"testing"
)

// transcode resolves writer against reader and transcodes data, returning
// the reader encoding or the plan or decode error.
func transcode(t *testing.T, writer, reader string, data []byte) ([]byte, error) {
	t.Helper()
	w, err := ParseWriterSchema(writer)
	if err != nil {
		t.Fatalf("writer: %v", err)
	}
	op, err := NewResolver(reader).Plan(w)
	if err != nil {
		return nil, err
	}
	if op == nil {
		return data, nil
	}
	d := NewDecoder(data)
	out := op(&d, nil)
	return out, d.Finish()
}

// The cases follow org.apache.avro.Resolver (Avro 1.12); see
// resolve_match.go.
func TestResolveFollowsJavaResolver(t *testing.T) {
	const (
		recA    = `{"type":"record","name":"A","namespace":"w","fields":[{"name":"x","type":"int"}]}`
		recB    = `{"type":"record","name":"B","namespace":"r","fields":[{"name":"x","type":"int"}]}`
		recAr   = `{"type":"record","name":"A","namespace":"r","fields":[{"name":"x","type":"int"}]}`
		recBy   = `{"type":"record","name":"B","namespace":"r","fields":[{"name":"y","type":"int"}]}`
		recCy   = `{"type":"record","name":"C","namespace":"r","fields":[{"name":"y","type":"int"}]}`
		enumW   = `{"type":"enum","name":"E","namespace":"w","symbols":["X","Y"]}`
		enumR   = `{"type":"enum","name":"E","namespace":"r","symbols":["X","Y"]}`
		enumF   = `{"type":"enum","name":"F","namespace":"w","symbols":["X","Y"]}`
		fixedW  = `{"type":"fixed","name":"H","namespace":"w","size":2}`
		fixedR  = `{"type":"fixed","name":"H","namespace":"r","size":2}`
		fixedR2 = `{"type":"fixed","name":"G","namespace":"w","size":2}`
	)
	tests := []struct {
		name           string
		writer, reader string
		data, want     []byte
		err            string // substring of the plan or decode error; "" = success
	}{
		{name: "record renamed without alias reads (RecordAdjust compares no names)",
			writer: recA, reader: recB, data: []byte{4}, want: []byte{4}},
		{name: "record with a missing required field still fails",
			writer: recA, reader: recBy, data: []byte{4}, err: "missing from the writer"},
		{name: "enum compares simple names: other namespace reads",
			writer: enumW, reader: enumR, data: []byte{2}, want: []byte{2}},
		{name: "enum with another simple name fails",
			writer: enumF, reader: enumR, data: []byte{2}, err: "cannot be read as enum r.E"},
		{name: "fixed compares simple names",
			writer: fixedW, reader: fixedR, data: []byte{1, 2}, want: []byte{1, 2}},
		{name: "fixed with another simple name fails",
			writer: fixedR2, reader: fixedR, data: []byte{1, 2}, err: "cannot be read as fixed r.H"},
		{name: "record into a union matches by structure",
			writer: recA, reader: `["null",` + recB + `]`, data: []byte{4}, want: []byte{2, 4}},
		{name: "record into a union prefers the same full name",
			writer: recA, reader: `[` + recB + `,{"type":"record","name":"A","namespace":"w","fields":[{"name":"x","type":"int"}]}]`,
			data: []byte{4}, want: []byte{2, 4}},
		{name: "record into a union prefers the same simple name among structural matches",
			writer: recA, reader: `[` + recB + `,` + recAr + `]`, data: []byte{4}, want: []byte{2, 4}},
		{name: "record into a union skips branches with a missing required field",
			writer: recA, reader: `[` + recCy + `,` + recB + `]`, data: []byte{4}, want: []byte{2, 4}},
		{name: "enum into a union needs the same full name",
			writer: enumW, reader: `["null",` + enumR + `]`, data: []byte{2}, err: "matches no branch"},
		{name: "equivalent unions map branch to branch by simple names",
			writer: `["null",` + enumW + `]`, reader: `["null",` + enumR + `]`, data: []byte{2, 2}, want: []byte{2, 2}},
		{name: "unionEquiv compares record fields after the reader's field aliases: the moved enum maps by simple name",
			writer: `[{"type":"record","name":"S","namespace":"w","fields":[{"name":"f","type":"int"}]},` + enumW + `]`,
			reader: `[{"type":"record","name":"S","namespace":"r","aliases":["w.S"],"fields":[{"name":"g","type":"int","aliases":["f"]}]},` + enumR + `]`,
			data:   []byte{2, 2}, want: []byte{2, 2}},
		{name: "unionEquiv compares enum symbols in order: reordered symbols make the moved enum a full-name match, which fails",
			writer: `["null",` + enumW + `]`, reader: `["null",{"type":"enum","name":"E","namespace":"r","symbols":["Y","X"]}]`,
			data: []byte{2, 2}, err: "matches no branch"},
		{name: "a non-equivalent writer union resolves each branch against the reader union",
			writer: `[` + enumW + `,"int"]`, reader: `["long",` + enumW + `]`, data: []byte{0, 2}, want: []byte{2, 2}},
		{name: "promotion in a reader union takes the first promotable branch",
			writer: `"int"`, reader: `["null","double","long"]`, data: []byte{4}, want: []byte{2, 0, 0, 0, 0, 0, 0, 0, 0x40}},
		{name: "type alias renames the writer record for field aliases",
			writer: `{"type":"record","name":"Old","namespace":"w","fields":[{"name":"a","type":"int"}]}`,
			reader: `{"type":"record","name":"New","namespace":"r","aliases":["w.Old"],"fields":[{"name":"b","aliases":["a"],"type":"int"}]}`,
			data:   []byte{6}, want: []byte{6}},
		{name: "an unresolvable item type fails only when an item is read",
			writer: `{"type":"map","values":{"type":"array","items":` + fixedW + `}}`,
			reader: `{"type":"map","values":{"type":"array","items":{"type":"fixed","name":"H","size":8}}}`,
			data:   []byte{0}, want: []byte{0}},
		{name: "an unresolvable item type fails when an item is read",
			writer: `{"type":"array","items":` + fixedW + `}`,
			reader: `{"type":"array","items":{"type":"fixed","name":"H","size":8}}`,
			data:   []byte{2, 1, 2, 0}, err: "cannot be read as fixed H"},
		{name: "a lazily failing item type is not copied raw",
			writer: `{"type":"record","name":"R","fields":[{"name":"a","type":{"type":"array","items":` + enumF + `}}]}`,
			reader: `{"type":"record","name":"R","fields":[{"name":"a","type":{"type":"array","items":` + enumR + `}}]}`,
			data:   []byte{2, 0, 0}, err: "cannot be read as enum r.E"},
		{name: "a recursive record pair that fails, reached twice, fails where read",
			writer: `{"type":"record","name":"T","fields":[{"name":"kids","type":{"type":"array","items":"T"}},{"name":"x","type":"int"}]}`,
			reader: `{"type":"record","name":"T","fields":[{"name":"kids","type":{"type":"array","items":"T"}},{"name":"x","type":"string"}]}`,
			data:   []byte{0, 2}, err: "cannot be read as string"},
		{name: "field aliases of a record with another name do not apply",
			writer: `{"type":"record","name":"Old","namespace":"w","fields":[{"name":"a","type":"int"}]}`,
			reader: `{"type":"record","name":"New","namespace":"r","fields":[{"name":"b","aliases":["a"],"type":"int"}]}`,
			data:   []byte{6}, err: "missing from the writer"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := transcode(t, tt.writer, tt.reader, tt.data)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("error %v, want one containing %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, tt.want) {
				t.Errorf("got %x, want %x", got, tt.want)
			}
		})
	}
}

// Unions whose branches are encoded identically are copied as bytes only
// when they are equivalent: otherwise named branches move.
func TestResolveSwappedUnionBranches(t *testing.T) {
	a := `{"type":"record","name":"A","fields":[{"name":"x","type":"int"}]}`
	b := `{"type":"record","name":"B","fields":[{"name":"x","type":"int"}]}`
	writer := `{"type":"record","name":"R","fields":[{"name":"u","type":[` + a + `,` + b + `]}]}`
	reader := `{"type":"record","name":"R","fields":[{"name":"u","type":[` + b + `,` + a + `]}]}`
	got, err := transcode(t, writer, reader, []byte{0, 4})
	if err != nil {
		t.Fatal(err)
	}
	if want := []byte{2, 4}; !bytes.Equal(got, want) {
		t.Errorf("got %x, want %x (A is the reader's branch 1)", got, want)
	}
}

// A writer record that requires itself recurses without consuming input;
// resolution stops at MaxRecursionDepth instead of exhausting the stack.
func TestResolveRequiredCycleStops(t *testing.T) {
	writer := `{"type":"record","name":"R","fields":[{"name":"n","type":"null"},{"name":"r","type":"R"}]}`
	reader := `{"type":"record","name":"R","fields":[{"name":"r","type":"R"},{"name":"extra","type":"int","default":1}]}`
	if _, err := transcode(t, writer, reader, nil); err == nil || !strings.Contains(err.Error(), "deeper than") {
		t.Errorf("reading: %v", err)
	}
	skipped := `{"type":"record","name":"S","fields":[{"name":"extra","type":"int","default":1}]}`
	if _, err := transcode(t, `{"type":"record","name":"S","fields":[{"name":"x","type":`+writer+`}]}`, skipped, nil); err == nil || !strings.Contains(err.Error(), "deeper than") {
		t.Errorf("skipping: %v", err)
	}
}
