package compat_test

import (
	"strings"
	"testing"

	"gitlab.com/acme/avroctl/gen/compat"
	"gitlab.com/acme/avroctl/gen/schema"
)

func parse(t testing.TB, src string) schema.Schema {
	t.Helper()
	s, err := schema.Parse([]byte(src), schema.ParseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

const (
	v1 = `{"type":"record","name":"myrecord","fields":[{"type":"string","name":"f1"}]}`
	// v2 adds f2 with a default: BACKWARD and FORWARD compatible with v1.
	v2 = `{"type":"record","name":"myrecord","fields":[{"type":"string","name":"f1"},{"type":"string","name":"f2","default":"foo"}]}`
	// v3 has f2 without a default: reads v2 but not v1.
	v3 = `{"type":"record","name":"myrecord","fields":[{"type":"string","name":"f1"},{"type":"string","name":"f2"}]}`
)

func TestParseLevel(t *testing.T) {
	for _, name := range compat.AllLevelStrings() {
		l, err := compat.ParseLevel(strings.ToLower(name))
		if err != nil || l.String() != name {
			t.Errorf("ParseLevel(%q) = %v, %v", name, l, err)
		}
	}
	if _, err := compat.ParseLevel("SIDEWAYS"); err == nil || !strings.Contains(err.Error(), "FULL_TRANSITIVE") {
		t.Errorf("bad level error should list the levels: %v", err)
	}
}

func TestCheckLevel(t *testing.T) {
	prev := []schema.Schema{parse(t, v1), parse(t, v2)}
	n := parse(t, v3)
	tests := []struct {
		level compat.Level
		ok    bool
	}{
		{compat.None, true},
		{compat.Backward, true},            // v3 reads v2
		{compat.BackwardTransitive, false}, // v3 cannot read v1 (f2 missing, no default)
		{compat.Forward, true},
		{compat.ForwardTransitive, true},
		{compat.Full, true},
		{compat.FullTransitive, false},
	}
	for _, tt := range tests {
		res := compat.CheckLevel(tt.level, n, prev)
		if res.Compatible != tt.ok {
			t.Errorf("%v: compatible = %v, want %v (%v)", tt.level, res.Compatible, tt.ok, res.Incompatibilities)
		}
		for _, in := range res.Incompatibilities {
			if in.Previous != 0 || in.Direction != compat.NewReadsOld {
				t.Errorf("%v: finding from previous %d direction %d, want 0 and NewReadsOld", tt.level, in.Previous, in.Direction)
			}
		}
	}
	if res := compat.CheckLevel(compat.FullTransitive, n, nil); !res.Compatible {
		t.Error("no previous versions must be compatible")
	}
}

// TestCheckLevelStopsAtFirstFailure: Confluent checks newest first and
// reports only the first failing version.
func TestCheckLevelStopsAtFirstFailure(t *testing.T) {
	a := parse(t, `{"type":"record","name":"r","fields":[{"name":"x","type":"int"}]}`)
	b := parse(t, `{"type":"record","name":"r","fields":[{"name":"x","type":"boolean"}]}`)
	n := parse(t, `{"type":"record","name":"r","fields":[{"name":"x","type":"string"}]}`)
	res := compat.CheckLevel(compat.BackwardTransitive, n, []schema.Schema{a, b})
	if len(res.Incompatibilities) != 1 || res.Incompatibilities[0].Previous != 1 ||
		res.Incompatibilities[0].Message != "reader type: STRING not compatible with writer type: BOOLEAN" {
		t.Errorf("got %+v", res.Incompatibilities)
	}
}

func TestConfluentMessages(t *testing.T) {
	old := compat.Previous{Schema: parse(t, v1), Version: 1, Text: `{"type":"record","name":"myrecord","fields":[{"name":"f1","type":"string"}]}`}
	got := compat.ConfluentMessages(compat.Backward, parse(t, v3), []compat.Previous{old})
	want := []string{
		"{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE', description:'The field 'f2' at path '/fields/1' in the new schema has no default value and is missing in the old schema', additionalInfo:'f2'}",
		"{oldSchemaVersion: 1}",
		"{oldSchema: '" + old.Text + "'}",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	// FULL: old-reads-new findings come first and carry no schema lines.
	intRec := parse(t, `{"type":"record","name":"r","fields":[{"name":"x","type":"int"}]}`)
	longRec := compat.Previous{Schema: parse(t, `{"type":"record","name":"r","fields":[{"name":"x","type":"long"}]}`), Text: "L"}
	got = compat.ConfluentMessages(compat.Full, intRec, []compat.Previous{longRec})
	want = []string{
		"{errorType:'TYPE_MISMATCH', description:'The type (path '/fields/0/type') of a field in the new schema does not match with the old schema', additionalInfo:'reader type: INT not compatible with writer type: LONG'}",
		"{oldSchema: 'L'}",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if msgs := compat.ConfluentMessages(compat.Forward, intRec, []compat.Previous{longRec}); msgs != nil {
		t.Errorf("FORWARD int->long is compatible, got %q", msgs)
	}
}

// TestAmbiguousAliases: Java throws when a reader field matches several
// writer fields; the check fails and Confluent reports the exception text.
func TestAmbiguousAliases(t *testing.T) {
	r := parse(t, `{"type":"record","name":"R","fields":[{"name":"a","type":"int","aliases":["b"]}]}`)
	w := parse(t, `{"type":"record","name":"R","fields":[{"name":"a","type":"int"},{"name":"b","type":"int"}]}`)
	res := compat.Check(r, w)
	if res.Compatible || res.Err == nil {
		t.Fatalf("want a failed check, got %+v", res)
	}
	msgs := compat.ConfluentMessages(compat.Backward, r, []compat.Previous{{Schema: w, Text: "W"}})
	want := `Unexpected exception during compatibility check: Reader record field a type:INT pos:0 matches multiple fields in writer record schema {"type":"record","name":"R","fields":[{"name":"a","type":"int"},{"name":"b","type":"int"}]}`
	if len(msgs) != 2 || msgs[0] != want {
		t.Errorf("got %q", msgs)
	}
}
