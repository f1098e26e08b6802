package compat

import (
	"encoding/json"
	"fmt"
	"math/rand"
	"os"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"gitlab.com/acme/avroctl/gen/schema"
)

// TestPreparedMatchesPlain proves the fingerprint shortcuts exact: on
// random evolution histories (the differential test's generator: named
// types, recursion, aliases, defaults, unions of several named types,
// renames, dropped and added fields, repeated versions), the prepared
// checks return the very Result the plain checker returns, messages,
// locations, positions, explanations and errors included, at every level
// and for every ordered pair of versions. It also checks that the
// shortcuts were taken often enough for the comparison to mean something.
// AVROCTL_COMPAT_HISTORIES and AVROCTL_COMPAT_SEED change the run.
func TestPreparedMatchesPlain(t *testing.T) {
	n := 250
	if s := os.Getenv("AVROCTL_COMPAT_HISTORIES"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	seed := int64(7)
	if s := os.Getenv("AVROCTL_COMPAT_SEED"); s != "" {
		seed, _ = strconv.ParseInt(s, 10, 64)
	}
	rng := rand.New(rand.NewSource(seed))
	var pairs, skippedPairs, skipped, levelChecks, incompatible, errs int
	for h := 0; h < n; h++ {
		texts := history(rng)
		for _, parse := range []func([]byte) (schema.Schema, error){
			func(b []byte) (schema.Schema, error) { return schema.Parse(b, schema.ParseOptions{Filename: "v.avsc"}) },
			buildModel,
		} {
			var versions []schema.Schema
			var src []string
			for _, b := range texts {
				if s, err := parse(b); err == nil {
					versions = append(versions, s)
					src = append(src, string(b))
				}
			}
			if len(versions) < 2 {
				continue
			}
			prepared := make([]*Prepared, len(versions))
			for i, s := range versions {
				prepared[i] = Prepare(s)
			}
			for i := range versions {
				for j := range versions {
					plain := Check(versions[i], versions[j])
					prep := CheckPrepared(prepared[i], prepared[j])
					pairs++
					if !plain.Compatible {
						incompatible++
					}
					if plain.Err != nil {
						errs++
					}
					if !reflect.DeepEqual(plain, prep) {
						t.Fatalf("history %d: Check(v%d, v%d) differs when prepared\nreader %s\nwriter %s\nplain    %s\nprepared %s",
							h, i, j, src[i], src[j], describe(plain), describe(prep))
					}
					c := &checker{rinfo: prepared[i].nodes, winfo: prepared[j].nodes, rp: prepared[i], wp: prepared[j]}
					func() {
						defer func() { _ = recover() }()
						c.compat("", versions[i], versions[j])
					}()
					if c.skipped > 0 && prepared[i].key != prepared[j].key {
						skippedPairs++
						skipped += c.skipped
					}
				}
			}
			// Every version as the new one, against the others in order.
			for k := range versions {
				var olds []schema.Schema
				var oldPrep []*Prepared
				for i := range versions {
					if i != k {
						olds = append(olds, versions[i])
						oldPrep = append(oldPrep, prepared[i])
					}
				}
				for _, level := range AllLevels {
					levelChecks++
					plain := CheckLevel(level, versions[k], olds)
					prep := CheckLevelPrepared(level, prepared[k], oldPrep)
					if !reflect.DeepEqual(plain, prep) {
						t.Fatalf("history %d: CheckLevel(%s, v%d) differs when prepared\nhistory %s\nplain    %s\nprepared %s",
							h, level, k, strings.Join(src, "\n"), describe(plain), describe(prep))
					}
					var prevPlain, prevPrep []Previous
					for i, o := range olds {
						prevPlain = append(prevPlain, Previous{Schema: o, Version: i + 1, Text: "v" + strconv.Itoa(i)})
						prevPrep = append(prevPrep, Previous{Schema: o, Version: i + 1, Text: "v" + strconv.Itoa(i), Prepared: oldPrep[i]})
					}
					if a, b := ConfluentMessages(level, versions[k], prevPlain), ConfluentMessages(level, versions[k], prevPrep); !reflect.DeepEqual(a, b) {
						t.Fatalf("history %d: ConfluentMessages(%s, v%d) differ when prepared\nplain    %q\nprepared %q", h, level, k, a, b)
					}
				}
			}
		}
	}
	t.Logf("%d pairs (%d incompatible, %d failed checks), %d level checks; %d pairs of unequal versions took %d shortcuts",
		pairs, incompatible, errs, levelChecks, skippedPairs, skipped)
	if skippedPairs < pairs/5 || incompatible < pairs/10 {
		t.Errorf("the histories exercise too little: %d of %d pairs shortcut, %d incompatible", skippedPairs, pairs, incompatible)
	}
}

// history returns 2 to 9 versions of a random record, each the previous
// one (or an older one) evolved, or repeated as is.
func history(rng *rand.Rand) [][]byte {
	g := &gen{rng: rng}
	var cur any
	if rng.Intn(3) == 0 {
		cur = g.record(0)
	} else {
		// A wider root, so that versions share more sub-schemas.
		var fields []any
		for i := 0; i < 2+rng.Intn(6); i++ {
			t := g.schema(1)
			f := map[string]any{"name": "r" + strconv.Itoa(i), "type": t}
			if d, ok := defaultFor(t); ok && rng.Intn(2) == 0 {
				f["default"] = d
			}
			fields = append(fields, f)
		}
		cur = map[string]any{"type": "record", "name": "Root", "fields": fields}
	}
	var out [][]byte
	for v := 0; v < 2+rng.Intn(8); v++ {
		b, _ := json.Marshal(cur)
		out = append(out, b)
		switch rng.Intn(5) {
		case 0: // the same again
		case 1:
			var old any
			_ = json.Unmarshal(out[rng.Intn(len(out))], &old)
			cur = g.mutate(old, 0)
		default:
			cur = g.mutate(deepCopy(cur), 0)
		}
	}
	return out
}

func describe(r Result) string {
	var b strings.Builder
	fmt.Fprintf(&b, "compatible=%v err=%v", r.Compatible, r.Err)
	for _, in := range r.Incompatibilities {
		fmt.Fprintf(&b, "\n  %s [%v %d %s r=%s w=%s]", in.String(), in.Direction, in.Previous, in.Source, in.ReaderPos, in.WriterPos)
	}
	return b.String()
}

// TestPreparedProbeMemo is the case the shortcut must not take: a union of
// two named types, equal on both sides, makes Java probe the reader's
// first branch against the writer's second and memoize the failure with a
// location relative to the probe; a later field that pairs those two types
// reports that location ("/name", not "/fields/1/type/name").
func TestPreparedProbeMemo(t *testing.T) {
	reader := `{"type":"record","name":"T","fields":[
	  {"name":"a","type":[{"type":"record","name":"R1","fields":[]},{"type":"record","name":"R2","fields":[]}]},
	  {"name":"b","type":"R1"}]}`
	writer := `{"type":"record","name":"T","fields":[
	  {"name":"a","type":[{"type":"record","name":"R1","fields":[]},{"type":"record","name":"R2","fields":[]}]},
	  {"name":"b","type":"R2"}]}`
	r, err := schema.Parse([]byte(reader), schema.ParseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	w, err := schema.Parse([]byte(writer), schema.ParseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	plain := Check(r, w)
	if len(plain.Incompatibilities) != 1 || plain.Incompatibilities[0].Location != "/name" {
		t.Fatalf("plain check: %s (want Java's NAME_MISMATCH at /name)", describe(plain))
	}
	if prep := CheckPrepared(Prepare(r), Prepare(w)); !reflect.DeepEqual(plain, prep) {
		t.Fatalf("prepared: %s\nwant %s", describe(prep), describe(plain))
	}
}

// TestPreparedAmbiguousAlias: a record whose field alias names another of
// its fields makes Java throw even against itself; the prepared check must
// fail the same way, not take the equal pair as compatible.
func TestPreparedAmbiguousAlias(t *testing.T) {
	src := `{"type":"record","name":"T","fields":[
	  {"name":"in","type":{"type":"record","name":"I","fields":[{"name":"a","type":"int","aliases":["b"]},{"name":"b","type":"int"}]}}]}`
	s1, err := schema.Parse([]byte(src), schema.ParseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	s2, _ := schema.Parse([]byte(src), schema.ParseOptions{})
	plain := Check(s1, s2)
	if plain.Err == nil {
		t.Fatalf("plain check of an ambiguous alias did not fail: %s", describe(plain))
	}
	if prep := CheckPrepared(Prepare(s1), Prepare(s2)); !reflect.DeepEqual(plain, prep) {
		t.Fatalf("prepared: %s\nwant %s", describe(prep), describe(plain))
	}
}

// TestPrepareHandBuilt: a hand-built model with a hole (a nil field type)
// is prepared without panicking and never shortcut.
func TestPrepareHandBuilt(t *testing.T) {
	r := &schema.Record{Named: schema.Named{Name: "R"}, Fields: []*schema.Field{{Name: "a"}, {Name: "b", Type: &schema.Primitive{T: schema.Int}}}}
	p := Prepare(r)
	if p.root == nil || p.root.same {
		t.Fatalf("a record with a nil field type must not be shortcut: %+v", p.root)
	}
}
