package interop

import (
	"flag"
	"math/rand/v2"
	"testing"

	"gitlab.com/acme/avroctl/gen/compat"
	goevolve "gitlab.com/acme/avroctl/gen/evolve"
	"gitlab.com/acme/avroctl/gen/schema"
	"gitlab.com/acme/avroctl/interop/evolve"
	"gitlab.com/acme/avroctl/interop/javaharness"
	"gitlab.com/acme/avroctl/interop/randdatum"
)

// TestResolverRejectsMatchesJava pins the checker/reader disagreement that
// RESOLVER_REJECTS reports: for each hand-written pair, Java's
// SchemaCompatibility calls it compatible, and Java's resolving reader
// (GenericDatumReader over ResolvingDecoder) reads a datum exactly when
// avroctl's resolver (gen/evolve.Resolve) builds a plan.
func TestResolverRejectsMatchesJava(t *testing.T) {
	h := javaharness.Shared(t)
	const writer = `{"type":"record","name":"R","namespace":"a","fields":[{"name":"old","type":"int"}]}`
	const arrayWriter = `{"type":"record","name":"R","namespace":"a","fields":[{"name":"xs","type":{"type":"array","items":{"type":"fixed","name":"F","size":2}}}]}`
	const unionWriter = `{"type":"record","name":"R","namespace":"a","fields":[{"name":"e","type":["null",{"type":"enum","name":"E","namespace":"m","symbols":["X"]}]}]}`
	for _, tc := range []struct {
		name, writer, reader, datum string
		reads                       bool
	}{
		{"namespace moved + field renamed with alias", writer, `{"type":"record","name":"R","namespace":"b","fields":[{"name":"new","type":"int","aliases":["old"]}]}`, `{"old":7}`, false},
		{"same namespace, field renamed with alias", writer, `{"type":"record","name":"R","namespace":"a","fields":[{"name":"new","type":"int","aliases":["old"]}]}`, `{"old":7}`, true},
		{"namespace moved, record aliased, field renamed with alias", writer, `{"type":"record","name":"R","namespace":"b","aliases":["a.R"],"fields":[{"name":"new","type":"int","aliases":["old"]}]}`, `{"old":7}`, true},
		{"namespace moved, no rename", writer, `{"type":"record","name":"R","namespace":"b","fields":[{"name":"old","type":"int"}]}`, `{"old":7}`, true},
		// Lazy errors: only a value that reaches them fails (found by probing).
		{"array item: fixed moved namespace, read through a union", arrayWriter, `{"type":"record","name":"R","namespace":"a","fields":[{"name":"xs","type":{"type":"array","items":["null",{"type":"fixed","name":"F","namespace":"b","size":2}]}}]}`, `{"xs":["ab"]}`, false},
		{"array item: fixed moved, aliased", arrayWriter, `{"type":"record","name":"R","namespace":"a","fields":[{"name":"xs","type":{"type":"array","items":["null",{"type":"fixed","name":"F","namespace":"b","aliases":["a.F"],"size":2}]}}]}`, `{"xs":["ab"]}`, true},
		{"writer union branch: enum moved namespace, unions not equivalent", unionWriter, `{"type":"record","name":"R","namespace":"a","fields":[{"name":"e","type":["null",{"type":"enum","name":"E","symbols":["X"]},"string"]}]}`, `{"e":{"m.E":"X"}}`, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			jc, err := h.Compat([]byte(tc.reader), []byte(tc.writer))
			if err != nil {
				t.Fatal(err)
			}
			if !jc.Compatible() {
				t.Fatalf("Java's SchemaCompatibility: %+v, want compatible", jc)
			}
			data, err := h.Encode([]byte(tc.writer), []byte(tc.datum))
			if err != nil {
				t.Fatal(err)
			}
			datum, _, javaErr := h.Decode([]byte(tc.writer), []byte(tc.reader), data)
			if (javaErr == nil) != tc.reads {
				t.Fatalf("Java reads: %s, err %v; want reads=%v", datum, javaErr, tc.reads)
			}
			r, _ := schema.Parse([]byte(tc.reader), schema.ParseOptions{})
			w, _ := schema.Parse([]byte(tc.writer), schema.ParseOptions{})
			if !compat.Check(r, w).Compatible {
				t.Fatal("gen/compat disagrees with Java's checker")
			}
			ourErr := goevolve.Resolve(r, w)
			if (ourErr == nil) != tc.reads {
				t.Fatalf("avroctl's resolver: %v; Java: %v", ourErr, javaErr)
			}
			t.Logf("Java: %s %v; avroctl: %v", datum, javaErr, ourErr)
		})
	}
}

var resolverPairsFlag = flag.Int("interop.resolverpairs", 0, "random pairs for TestResolverOnRandomCompatiblePairs (0: skip)")

// TestResolverOnRandomCompatiblePairs measures, on random evolved pairs
// that Java's checker (gen/compat, pinned to it) calls compatible, how often
// Java's resolving reader still fails on a random datum, and whether
// avroctl's resolver (RESOLVER_REJECTS) rejects the same pairs. Opt-in:
// -interop.resolverpairs=N.
func TestResolverOnRandomCompatiblePairs(t *testing.T) {
	n := *resolverPairsFlag
	if n == 0 {
		t.Skip("opt-in: -interop.resolverpairs=N")
	}
	h := javaharness.Shared(t)
	g := evolve.New(*seedFlag)
	r := rand.New(rand.NewPCG(*seedFlag, 7))
	var compatible, javaRejects, oursRejects, both int
	for i := 0; i < n; i++ {
		p := g.Pair()
		rj, wj := evolve.Marshal(p.Reader), evolve.Marshal(p.Writer)
		rs, err1 := schema.Parse(rj, schema.ParseOptions{})
		ws, err2 := schema.Parse(wj, schema.ParseOptions{})
		if err1 != nil || err2 != nil || !compat.Check(rs, ws).Compatible {
			continue
		}
		value, _ := randdatum.Generate(r, ws, randdatum.Options{})
		if value == nil {
			continue
		}
		data, err := h.Encode(wj, value)
		if err != nil {
			continue // Java refuses the writer schema or value: not this test's business
		}
		compatible++
		_, _, javaErr := h.Decode(wj, rj, data)
		ourErr := goevolve.Resolve(rs, ws)
		if javaErr != nil {
			javaRejects++
		}
		if ourErr != nil {
			oursRejects++
		}
		if javaErr != nil && ourErr != nil {
			both++
		}
		if javaErr != nil || ourErr != nil {
			t.Logf("case %d steps %v\n  java: %v\n  avroctl: %v", i, p.Steps, javaErr, ourErr)
		}
	}
	t.Logf("seed %d: %d compatible pairs; Java's reader fails on %d, avroctl's resolver rejects %d, both %d",
		*seedFlag, compatible, javaRejects, oursRejects, both)
}

// TestJavaOnlyResolverFailures pins the Java reader failures that avroctl's
// reader does not share (gen/evolve.JavaReaderError): for each pair Java's
// checker accepts, Java's reader fails on the datum exactly when
// CheckResolver reports it.
func TestJavaOnlyResolverFailures(t *testing.T) {
	h := javaharness.Shared(t)
	for _, tc := range javaOnlyPairs {
		t.Run(tc.name, func(t *testing.T) {
			jc, err := h.Compat([]byte(tc.reader), []byte(tc.writer))
			if err != nil {
				t.Fatal(err)
			}
			if !jc.Compatible() {
				t.Fatalf("Java's SchemaCompatibility: %+v, want compatible", jc)
			}
			data, err := h.Encode([]byte(tc.writer), []byte(tc.datum))
			if err != nil {
				t.Fatal(err)
			}
			_, _, javaErr := h.Decode([]byte(tc.writer), []byte(tc.reader), data)
			r, _ := schema.Parse([]byte(tc.reader), schema.ParseOptions{})
			w, _ := schema.Parse([]byte(tc.writer), schema.ParseOptions{})
			pairs := []goevolve.Pair{{Reader: r, Writer: w, Direction: compat.ReaderWriter}}
			fs := append(goevolve.CheckResolver(pairs), goevolve.CheckResolverWarnings(pairs)...)
			if (javaErr != nil) != tc.javaFails || (len(fs) > 0) != tc.javaFails {
				t.Fatalf("Java: %v; avroctl findings %d; want Java fails = flagged = %v", javaErr, len(fs), tc.javaFails)
			}
			if len(fs) > 0 {
				t.Logf("Java: %v\n  avroctl: %v", javaErr, fs[0].Err)
			}
		})
	}
}

var javaOnlyPairs = []struct {
	name, writer, reader, datum string
	javaFails                   bool
}{
	{"writer default holds a record whose field the reader renamed with an alias",
		`{"type":"record","name":"R","namespace":"a","fields":[{"name":"s","type":{"type":"record","name":"S","fields":[{"name":"x","type":"int"}]},"default":{"x":1}}]}`,
		`{"type":"record","name":"R","namespace":"a","fields":[{"name":"s","type":{"type":"record","name":"S","fields":[{"name":"y","type":"int","aliases":["x"]}]},"default":{"y":1}}]}`,
		`{"s":{"x":5}}`, true},
	{"the writer's renamed field has a default: the writer default stays valid",
		`{"type":"record","name":"R","namespace":"a","fields":[{"name":"s","type":{"type":"record","name":"S","fields":[{"name":"x","type":"int","default":0}]},"default":{"x":1}}]}`,
		`{"type":"record","name":"R","namespace":"a","fields":[{"name":"s","type":{"type":"record","name":"S","fields":[{"name":"y","type":"int","default":0,"aliases":["x"]}]},"default":{"y":1}}]}`,
		`{"s":{"x":5}}`, false},
	{"reader field added with default null, enum branch first",
		`{"type":"record","name":"R","namespace":"a","fields":[{"name":"x","type":"int"}]}`,
		`{"type":"record","name":"R","namespace":"a","fields":[{"name":"x","type":"int"},{"name":"e","type":[{"type":"enum","name":"E","symbols":["A"]},"null"],"default":null}]}`,
		`{"x":1}`, true},
	{"reader field added with default null, record branch first, a field without default",
		`{"type":"record","name":"R","namespace":"a","fields":[{"name":"x","type":"int"}]}`,
		`{"type":"record","name":"R","namespace":"a","fields":[{"name":"x","type":"int"},{"name":"s","type":[{"type":"record","name":"S","fields":[{"name":"y","type":"int"}]},"null"],"default":null}]}`,
		`{"x":1}`, true},
	{"reader field added with default null, record branch first, every field defaulted",
		`{"type":"record","name":"R","namespace":"a","fields":[{"name":"x","type":"int"}]}`,
		`{"type":"record","name":"R","namespace":"a","fields":[{"name":"x","type":"int"},{"name":"s","type":[{"type":"record","name":"S","fields":[{"name":"y","type":"int","default":1}]},"null"],"default":null}]}`,
		`{"x":1}`, false},
	{"reader field added with default null, null first",
		`{"type":"record","name":"R","namespace":"a","fields":[{"name":"x","type":"int"}]}`,
		`{"type":"record","name":"R","namespace":"a","fields":[{"name":"x","type":"int"},{"name":"e","type":["null",{"type":"enum","name":"E","symbols":["A"]}],"default":null}]}`,
		`{"x":1}`, false},
	{"reader field added with a string default after an int branch",
		`{"type":"record","name":"R","namespace":"a","fields":[{"name":"x","type":"int"}]}`,
		`{"type":"record","name":"R","namespace":"a","fields":[{"name":"x","type":"int"},{"name":"u","type":["int","string"],"default":"s"}]}`,
		`{"x":1}`, false},
	{"reader field added with an array default after a map branch",
		`{"type":"record","name":"R","namespace":"a","fields":[{"name":"x","type":"int"}]}`,
		`{"type":"record","name":"R","namespace":"a","fields":[{"name":"x","type":"int"},{"name":"u","type":["null",{"type":"map","values":"double"},{"type":"array","items":"string"}],"default":["s"]}]}`,
		`{"x":1}`, true},
	{"reader field added whose null default goes to its own record first: Java's encoder overflows its stack",
		`{"type":"record","name":"R","namespace":"a","fields":[{"name":"x","type":"int"}]}`,
		`{"type":"record","name":"R","namespace":"a","fields":[{"name":"x","type":"int","default":0},{"name":"f","type":["a.R","null"],"default":null}]}`,
		`{"x":1}`, true},
	{"union branch only a targeted probe value reaches",
		`["null",{"type":"record","name":"R","namespace":"a","fields":[{"name":"u","type":["null","int",{"type":"record","name":"S","fields":[{"name":"x","type":"int"}]}]}]}]`,
		`["null",{"type":"record","name":"R","namespace":"a","fields":[{"name":"u","type":["null","int",{"type":"record","name":"S","namespace":"b","fields":[{"name":"y","type":"int","aliases":["x"]}]}]}]}]`,
		`{"a.R":{"u":{"a.S":{"x":1}}}}`, true},
	// Data-dependent (a warning): the value has small items at its end.
	{"array of long read as array of float, small items at the end",
		`{"type":"record","name":"R","namespace":"a","fields":[{"name":"xs","type":{"type":"array","items":"long"}}]}`,
		`{"type":"record","name":"R","namespace":"a","fields":[{"name":"xs","type":{"type":"array","items":"float"}}]}`,
		`{"xs":[1,2,3,4]}`, true},
	{"map of int read as map of long",
		`{"type":"record","name":"R","namespace":"a","fields":[{"name":"m","type":{"type":"map","values":"int"}}]}`,
		`{"type":"record","name":"R","namespace":"a","fields":[{"name":"m","type":{"type":"map","values":"long"}}]}`,
		`{"m":{"a":1,"b":2}}`, false},
}
