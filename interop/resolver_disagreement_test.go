package interop

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"gitlab.com/acme/avroctl/gen/compat"
	"gitlab.com/acme/avroctl/gen/datum"
	goevolve "gitlab.com/acme/avroctl/gen/evolve"
	"gitlab.com/acme/avroctl/gen/schema"
	"gitlab.com/acme/avroctl/interop/evolve"
	"gitlab.com/acme/avroctl/interop/javaharness"
	"gitlab.com/acme/avroctl/interop/randdatum"
)

// ResolverPairsEnv sets how many random pairs TestResolverCheckFindsEveryJavaDisagreement
// draws (default 5,000; 500 with -short). The acceptance run is
// AVROCTL_RESOLVER_PAIRS=500000.
const ResolverPairsEnv = "AVROCTL_RESOLVER_PAIRS"

// jvmPairs is how many pairs one JVM answers before the harness starts a
// fresh one.
const jvmPairs = 50000

// TestResolverCheckFindsEveryJavaDisagreement is the disagreement harness of
// RESOLVER_REJECTS. For random evolutions (biased toward namespace moves and
// renames with aliases, the family where Java's two components disagree) it
// asks Java both questions: SchemaCompatibility's verdict, and whether
// GenericDatumReader(writer, reader) reads random values of the writer.
// Java disagrees with itself when the checker says compatible and the
// reader fails. avroctl's resolver check (gen/evolve.CheckResolver, what
// compat check, breaking, registry test and kafka plan run) must flag every
// such pair (no miss) and no pair Java reads (no false alarm).
//
// A pair that only a rare value breaks (an array item or union branch the
// first values do not reach) is retried with more values before it counts
// as a false alarm: the resolver probes every branch, one random value may not.
func TestResolverCheckFindsEveryJavaDisagreement(t *testing.T) {
	n := 5000
	if testing.Short() {
		n = 500
	}
	if v := os.Getenv(ResolverPairsEnv); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n < 0 {
			t.Fatalf("%s=%q: want a pair count", ResolverPairsEnv, v)
		}
	}
	jar := javaharness.Jar(t)
	h, err := javaharness.Start(jar)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { h.Close() }()
	seed := *seedFlag
	g := evolve.New(seed + 15000)
	r := rand.New(rand.NewPCG(seed, 15000))
	start := time.Now()
	var st struct {
		pairs, biased, skipped, undecided, javaCompatible, javaDisagrees, found, ours, falseAlarms, misses, checkerDiffers, retried, probed, warnUnconfirmed, foundWarn int
	}
	known, unknown := map[string]int{}, map[string]int{}
	for i := 0; i < n; i++ {
		if i > 0 && i%jvmPairs == 0 {
			// A fresh JVM: Avro's static Jackson mapper keeps every field
			// name it meets in a default value, and the generated names are
			// all distinct, so one JVM slows to GC thrashing after ~200,000
			// pairs.
			h.Close()
			if h, err = javaharness.Start(jar); err != nil {
				t.Fatal(err)
			}
		}
		if i > 0 && i%25000 == 0 {
			// Progress of a long run, so that a bounded run that is stopped
			// still says how far it got.
			t.Logf("progress %d/%d, %s: Java-compatible %d, Java disagrees %d, found %d, RESOLVER_REJECTS %d, false alarms %d, misses %d, known %v",
				i, n, time.Since(start).Round(time.Second), st.javaCompatible, st.javaDisagrees, st.found, st.ours, st.falseAlarms, st.misses, known)
		}
		p := g.Pair()
		if r.IntN(2) == 0 {
			p.Steps = append(p.Steps, biasNamespaceRename(r, g, p.Reader)...)
			st.biased++
		}
		rj, wj := evolve.Marshal(p.Reader), evolve.Marshal(p.Writer)
		rs, err1 := schema.Parse(rj, schema.ParseOptions{})
		ws, err2 := schema.Parse(wj, schema.ParseOptions{})
		if err1 != nil || err2 != nil {
			st.skipped++ // a model corner our parser refuses: gen/schema's tests, not this one's
			continue
		}
		st.pairs++
		values := randomValues(r, ws, 3)
		jr, err := resolverPair(h, rj, wj, ws, values)
		if err != nil {
			st.skipped++ // Java refuses a schema: not this harness's question
			st.pairs--
			continue
		}
		javaCompat := jr.Compatibility == "COMPATIBLE"
		goCompat := compat.Check(rs, ws).Compatible
		if javaCompat != goCompat {
			// TestCompatRandomPairs owns checker differences; the resolver
			// check runs after gen/compat, so count them apart.
			st.checkerDiffers++
		}
		pairs := []goevolve.Pair{{Reader: rs, Writer: ws, Direction: compat.ReaderWriter}}
		finding := goevolve.CheckResolver(pairs)
		if len(finding) == 0 {
			// RESOLVER_MAY_REJECT: Java's collection size guard, data-dependent.
			finding = goevolve.CheckResolverWarnings(pairs)
		}
		ours := len(finding) > 0
		if ours {
			st.ours++
		}
		if javaCompat {
			st.javaCompatible++
		}
		javaReads := jr.Reads
		if len(values) == 0 {
			// No value of the writer to read (a record that always holds
			// itself): Java's reader was never asked.
			if javaCompat {
				st.undecided++
			}
			continue
		}
		if ours && javaCompat && javaReads {
			st.retried++
			more, err := resolverPair(h, rj, wj, ws, randomValues(r, ws, 64))
			if err == nil && !more.Reads {
				jr, javaReads = more, false
			} else if probed, err := resolverPairData(h, rj, wj, goevolve.ProbeValues(ws)); err == nil && !probed.Reads {
				// The values avroctl's check reads (one per union branch)
				// reach a branch random values rarely take.
				jr, javaReads = probed, false
				st.probed++
			}
		}
		disagrees := javaCompat && !javaReads
		if disagrees {
			st.javaDisagrees++
			if ours {
				st.found++
				if finding[0].Err.DataDependent {
					st.foundWarn++
				}
			}
		}
		var what string
		switch {
		case disagrees && !ours && goCompat:
			what = fmt.Sprintf("MISS: Java's checker accepts, its reader fails (%s), avroctl's resolver check is silent\n  value %s", jr.ReadError, values[max(jr.ReadValue, 0)])
		case ours && javaCompat && javaReads && finding[0].Err.DataDependent:
			// A warning (Java's collection size guard) whose data Java's
			// sampled and probe values did not hit: not a false alarm.
			st.warnUnconfirmed++
			continue
		case ours && javaCompat && javaReads:
			what = fmt.Sprintf("FALSE ALARM: Java reads 67 random values, avroctl reports %v", finding[0].Err)
		default:
			continue
		}
		if k := classifyResolverDisagreement(what); k != nil {
			if known[k.id] == 0 {
				t.Logf("KNOWN %s (%s): %s\n  first: case %d steps %v\n  %s\n  reader %s\n  writer %s", k.id, k.owner, k.summary, i, p.Steps, what, rj, wj)
			}
			known[k.id]++
			if !*strictFlag {
				continue
			}
		}
		if strings.HasPrefix(what, "MISS") {
			st.misses++
			unknown["MISS "+signature(jr.ReadError)]++
		} else {
			st.falseAlarms++
			unknown["FALSE ALARM "+signature(finding[0].Err.Reason)]++
		}
		if st.misses+st.falseAlarms <= 20 {
			t.Errorf("case %d (seed %d) steps %v: %s\n  reader %s\n  writer %s", i, seed, p.Steps, what, rj, wj)
		}
	}
	for _, k := range resolverKnownClasses {
		if known[k.id] > 0 {
			t.Logf("known class %s: %d pairs", k.id, known[k.id])
		}
	}
	for _, k := range slices.Sorted(maps.Keys(unknown)) {
		t.Logf("UNCLASSIFIED %s: %d pairs", k, unknown[k])
	}
	t.Logf("seed %d, %s: %d pairs (%d biased toward namespace moves + renames, %d skipped), Java-compatible %d (%d without a finite value to read), Java disagrees with itself %d, found by RESOLVER_REJECTS or RESOLVER_MAY_REJECT %d (%d by the warning); avroctl RESOLVER_REJECTS %d, false alarms %d, misses %d outside the known classes (gen/compat's verdict differs from Java's on %d; %d findings re-checked with 64 more values, %d confirmed by avroctl's probe values; %d data-dependent warnings Java did not fail on)",
		seed, time.Since(start).Round(time.Second), st.pairs, st.biased, st.skipped, st.javaCompatible, st.undecided, st.javaDisagrees, st.found, st.foundWarn, st.ours, st.falseAlarms, st.misses, st.checkerDiffers, st.retried, st.probed, st.warnUnconfirmed)
	if n >= 2000 && st.javaDisagrees == 0 {
		t.Errorf("no pair where Java disagrees with itself in %d pairs: the bias no longer produces the family, so misses could not show", n)
	}
}

// biasNamespaceRename applies the family of edits where Java's checker and
// reader disagree to one record of root (in place): move it (sometimes its
// whole subtree) to another namespace and rename a field with an alias;
// sometimes give the record its old full name as an alias (which makes the
// reader agree again), sometimes move an enum or fixed instead (a union
// branch is matched by full name when read). Returns the step descriptions.
func biasNamespaceRename(r *rand.Rand, g *evolve.Generator, root *evolve.Node) []string {
	var records, others []*evolve.Node
	evolve.Walk(root, func(n *evolve.Node) {
		switch n.Kind {
		case evolve.Record:
			records = append(records, n)
		case evolve.Enum, evolve.Fixed:
			others = append(others, n)
		}
	})
	if len(records) == 0 {
		return nil
	}
	var steps []string
	if len(others) > 0 && r.IntN(4) == 0 {
		o := others[r.IntN(len(others))]
		old := o.FullName()
		o.Namespace = "org.moved"
		if r.IntN(3) == 0 {
			o.Aliases = append(o.Aliases, old)
		}
		steps = append(steps, fmt.Sprintf("bias: move %s -> %s (aliases %v)", old, o.FullName(), o.Aliases))
	}
	rec := records[r.IntN(len(records))]
	old := rec.FullName()
	newNS := "org.moved"
	if r.IntN(3) == 0 {
		// A package move: the record and everything below it in its namespace.
		oldNS := rec.Namespace
		evolve.Walk(rec, func(n *evolve.Node) {
			if n.Kind.IsNamed() && n.Namespace == oldNS {
				n.Namespace = newNS
			}
		})
	} else {
		rec.Namespace = newNS
	}
	if r.IntN(4) == 0 {
		rec.Aliases = append(rec.Aliases, old)
	}
	steps = append(steps, fmt.Sprintf("bias: move %s -> %s (aliases %v)", old, rec.FullName(), rec.Aliases))
	for k := 1 + r.IntN(2); k > 0 && len(rec.Fields) > 0; k-- {
		f := rec.Fields[r.IntN(len(rec.Fields))]
		was := f.Name
		f.Name = fmt.Sprintf("%s_renamed%d", was, r.IntN(1000))
		if r.IntN(6) > 0 {
			f.Aliases = append(f.Aliases, was)
		}
		steps = append(steps, fmt.Sprintf("bias: rename field %s.%s -> %s (aliases %v)", rec.Name, was, f.Name, f.Aliases))
	}
	return steps
}

// randomValues draws count values of s in the Avro JSON encoding (none
// when s has no finite value: only the checker is asked then).
func randomValues(r *rand.Rand, s schema.Schema, count int) []string {
	var out []string
	if !randdatum.AllFinite(s) || !randdatumEnds(s) {
		return out // a record that always contains itself has no value
	}
	for range count {
		v, _ := randdatum.Generate(r, s, randdatum.Options{})
		if v == nil {
			break
		}
		out = append(out, string(v))
	}
	return out
}

// randdatumEnds reports whether randdatum's choices past its depth limit
// (a union's null, else its first branch that is not a record, else its
// first branch; empty arrays and maps) end: a union of records only whose
// first branch leads back to itself would recurse until the stack
// overflows (randdatum's fallback picks "any finite branch", and with
// AllFinite every branch counts as finite).
func randdatumEnds(s schema.Schema) bool {
	onPath := map[*schema.Record]bool{}
	var ends func(schema.Schema) bool
	ends = func(s schema.Schema) bool {
		switch t := s.(type) {
		case *schema.Record:
			if onPath[t] {
				return false
			}
			onPath[t] = true
			defer delete(onPath, t)
			for _, f := range t.Fields {
				if !ends(f.Type) {
					return false
				}
			}
		case *schema.Union:
			var pick schema.Schema
			for _, b := range t.Branches {
				if _, isRec := b.(*schema.Record); b.Type() == schema.Null || (pick == nil && !isRec) {
					pick = b
				}
			}
			if pick == nil && len(t.Branches) > 0 {
				pick = t.Branches[0]
			}
			return pick == nil || ends(pick)
		}
		return true
	}
	return ends(s)
}

type resolverPairResult struct {
	Compatibility string `json:"compatibility"`
	Reads         bool   `json:"reads"`
	ReadValue     int    `json:"readValue"`
	ReadError     string `json:"readError"`
}

// resolverPair asks Java's checker and, when it accepts, its resolving
// reader on values (ResolverOps.java), in one round trip. The values (Avro
// JSON) are encoded here with gen/datum, which TestAvroJSONMatchesJava pins
// to Java's encoder; a value datum refuses is left out.
func resolverPair(h *javaharness.Harness, reader, writer []byte, ws schema.Schema, values []string) (*resolverPairResult, error) {
	data := []string{}
	for _, v := range values {
		b, err := datum.Encode(ws, []byte(v), datum.AvroJSON)
		if err != nil {
			continue
		}
		data = append(data, base64.StdEncoding.EncodeToString(b))
	}
	return resolverPairEncoded(h, reader, writer, data)
}

// resolverPairData is resolverPair with values already binary-encoded.
func resolverPairData(h *javaharness.Harness, reader, writer []byte, values [][]byte) (*resolverPairResult, error) {
	data := []string{}
	for _, v := range values {
		data = append(data, base64.StdEncoding.EncodeToString(v))
	}
	return resolverPairEncoded(h, reader, writer, data)
}

func resolverPairEncoded(h *javaharness.Harness, reader, writer []byte, data []string) (*resolverPairResult, error) {
	raw, err := h.Call(map[string]any{"op": "resolverPair", "reader": string(reader), "writer": string(writer), "data": data})
	if err != nil {
		return nil, err
	}
	var res resolverPairResult
	res.ReadValue = -1
	if err := json.Unmarshal(raw, &res); err != nil {
		return nil, err
	}
	return &res, nil
}

// resolverKnownClass is a family of pairs where Java disagrees with itself
// for a reason RESOLVER_REJECTS does not model yet. While listed, its pairs
// are counted and logged once instead of failing (-interop.strict fails on
// them too). Each names the package that has to change.
type resolverKnownClass struct {
	id, owner, summary string
	match              func(what string) bool
}

var resolverKnownClasses = []resolverKnownClass{
	// JAVA-ALIAS-BREAKS-WRITER-DEFAULT (applyAliases re-validates writer
	// defaults), JAVA-READER-DEFAULT-NOT-FIRST-BRANCH (ResolvingGrammarGenerator
	// encodes a reader default with the first branch that roughly fits) and
	// JAVA-COLLECTION-SIZE-GUARD (a warning: data-dependent) are modelled by
	// gen/evolve.JavaReaderError, and
	// RESOLVER-UNION-EQUIV-STRICTER was fixed in runtime/avro's unionEquiv
	// (reader field aliases) and, for reordered enum symbols (Java rejects
	// those too), by re-checking with avroctl's probe values: their pairs
	// count as misses and false alarms again.
	{
		id: "JAVA-UNION-RECORD-STRUCTURE-MATCH", owner: "gen/evolve (probe) + gen/golang/runtime/avro (firstMatchingBranch)",
		summary: "a writer record read through a reader union whose branch has another full name (moved without an alias) is matched " +
			"by Java only by structure (Resolver.firstMatchingBranch: RecordAdjust without errors); a field renamed with an alias " +
			"in the moved record is an error there (the alias applies under the old full name only), so no branch matches: " +
			"\"Found W, expecting union[...]\"",
		match: func(w string) bool { return strings.HasPrefix(w, "MISS") && strings.Contains(w, ", expecting union[") },
	},
	{
		id: "JAVA-RESOLVER-STACK-OVERFLOW", owner: "gen/evolve",
		summary: "Java's reader recurses without end (StackOverflowError) on a recursive record moved to another namespace and " +
			"read through a union: a Java defect; a rule would flag recursive records moved without their old full name as alias",
		match: func(w string) bool { return strings.HasPrefix(w, "MISS") && strings.Contains(w, "StackOverflowError") },
	},
}

// signature shortens an error to its kind, for the tally of unclassified
// disagreements: digits (generated names) dropped, at most 70 bytes.
func signature(msg string) string {
	msg = strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return -1
		}
		return r
	}, msg)
	if len(msg) > 70 {
		msg = msg[:70]
	}
	return msg
}

func classifyResolverDisagreement(what string) *resolverKnownClass {
	for i := range resolverKnownClasses {
		if resolverKnownClasses[i].match(what) {
			return &resolverKnownClasses[i]
		}
	}
	return nil
}
