package evolve

import (
	"strings"
	"testing"

	"gitlab.com/acme/avroctl/gen/compat"
)

// javaOnlyCases are pairs the checker accepts, avroctl's reader reads and
// Java's reader does not (interop/evolve_resolver_test.go runs the same
// pairs through Java). reject is a substring of the finding ("" = none);
// dataDependent marks a warning-level finding.
var javaOnlyCases = []struct {
	name, writer, reader string
	reject               string
	dataDependent        bool
}{
	{"writer default holds a record whose field the reader renamed with an alias",
		`{"type":"record","name":"R","namespace":"a","fields":[{"name":"s","type":{"type":"record","name":"S","fields":[{"name":"x","type":"int"}]},"default":{"x":1}}]}`,
		`{"type":"record","name":"R","namespace":"a","fields":[{"name":"s","type":{"type":"record","name":"S","fields":[{"name":"y","type":"int","aliases":["x"]}]},"default":{"y":1}}]}`,
		`s: Java's reader applies the reader's aliases to the writer schema`, false},
	{"the writer's renamed field has a default: the writer default stays valid",
		`{"type":"record","name":"R","namespace":"a","fields":[{"name":"s","type":{"type":"record","name":"S","fields":[{"name":"x","type":"int","default":0}]},"default":{"x":1}}]}`,
		`{"type":"record","name":"R","namespace":"a","fields":[{"name":"s","type":{"type":"record","name":"S","fields":[{"name":"y","type":"int","default":0,"aliases":["x"]}]},"default":{"y":1}}]}`,
		"", false},
	{"rename without a writer default holding the record",
		`{"type":"record","name":"R","namespace":"a","fields":[{"name":"s","type":{"type":"record","name":"S","fields":[{"name":"x","type":"int"}]}}]}`,
		`{"type":"record","name":"R","namespace":"a","fields":[{"name":"s","type":{"type":"record","name":"S","fields":[{"name":"y","type":"int","aliases":["x"]}]}}]}`,
		"", false},
	{"reader field added with default null, enum branch first",
		`{"type":"record","name":"R","namespace":"a","fields":[{"name":"x","type":"int"}]}`,
		`{"type":"record","name":"R","namespace":"a","fields":[{"name":"x","type":"int"},{"name":"e","type":[{"type":"enum","name":"E","symbols":["A"]},"null"],"default":null}]}`,
		`e: Java's reader cannot use the reader's default null`, false},
	{"reader field added with default null, record branch first, a field without default",
		`{"type":"record","name":"R","namespace":"a","fields":[{"name":"x","type":"int"}]}`,
		`{"type":"record","name":"R","namespace":"a","fields":[{"name":"x","type":"int"},{"name":"s","type":[{"type":"record","name":"S","fields":[{"name":"y","type":"int"}]},"null"],"default":null}]}`,
		`no default value for field y`, false},
	{"reader field added with default null, record branch first, every field defaulted",
		`{"type":"record","name":"R","namespace":"a","fields":[{"name":"x","type":"int"}]}`,
		`{"type":"record","name":"R","namespace":"a","fields":[{"name":"x","type":"int"},{"name":"s","type":[{"type":"record","name":"S","fields":[{"name":"y","type":"int","default":1}]},"null"],"default":null}]}`,
		"", false},
	{"reader field added with default null, null first",
		`{"type":"record","name":"R","namespace":"a","fields":[{"name":"x","type":"int"}]}`,
		`{"type":"record","name":"R","namespace":"a","fields":[{"name":"x","type":"int"},{"name":"e","type":["null",{"type":"enum","name":"E","symbols":["A"]}],"default":null}]}`,
		"", false},
	{"reader field added with a string default after an int branch",
		`{"type":"record","name":"R","namespace":"a","fields":[{"name":"x","type":"int"}]}`,
		`{"type":"record","name":"R","namespace":"a","fields":[{"name":"x","type":"int"},{"name":"u","type":["int","string"],"default":"s"}]}`,
		"", false},
	{"reader field added with an array default after a map branch",
		`{"type":"record","name":"R","namespace":"a","fields":[{"name":"x","type":"int"}]}`,
		`{"type":"record","name":"R","namespace":"a","fields":[{"name":"x","type":"int"},{"name":"u","type":["null",{"type":"map","values":"double"},{"type":"array","items":"string"}],"default":["s"]}]}`,
		`goes to a map branch`, false},
	{"reader field added whose null default goes to its own record first",
		`{"type":"record","name":"R","namespace":"a","fields":[{"name":"x","type":"int"}]}`,
		`{"type":"record","name":"R","namespace":"a","fields":[{"name":"x","type":"int","default":0},{"name":"f","type":["a.R","null"],"default":null}]}`,
		`StackOverflowError`, false},
	{"array of long read as array of float",
		`{"type":"record","name":"R","namespace":"a","fields":[{"name":"xs","type":{"type":"array","items":"long"}}]}`,
		`{"type":"record","name":"R","namespace":"a","fields":[{"name":"xs","type":{"type":"array","items":"float"}}]}`,
		`xs: Java's reader refuses a block of N array items when N x 4 bytes`, true},
	{"map of int read as map of long",
		`{"type":"record","name":"R","namespace":"a","fields":[{"name":"m","type":{"type":"map","values":"int"}}]}`,
		`{"type":"record","name":"R","namespace":"a","fields":[{"name":"m","type":{"type":"map","values":"long"}}]}`,
		"", false},
}

func TestJavaReaderError(t *testing.T) {
	for _, tc := range javaOnlyCases {
		t.Run(tc.name, func(t *testing.T) {
			r, w := parse(t, tc.reader), parse(t, tc.writer)
			if !compat.Check(r, w).Compatible {
				t.Fatal("want a pair the checker accepts")
			}
			if err := Resolve(r, w); err != nil {
				t.Fatalf("avroctl's reader rejects: %v", err)
			}
			pairs := []Pair{{Reader: r, Writer: w, Direction: compat.ReaderWriter}}
			fs := CheckResolver(pairs)
			if tc.dataDependent {
				if len(fs) != 0 {
					t.Fatalf("RESOLVER_REJECTS for a data-dependent failure: %v", fs[0].Err)
				}
				fs = CheckResolverWarnings(pairs)
				if f := ResolverWarningFindings(pairs, "s", "s.avsc"); len(f) != 1 || f[0].Type != ResolverMayReject || f[0].Severity != "major" {
					t.Fatalf("warning findings %+v", f)
				}
			}
			if tc.reject == "" {
				if len(fs) != 0 {
					t.Fatalf("finding %v", fs[0].Err)
				}
				return
			}
			if len(fs) != 1 || !strings.Contains(fs[0].Err.Error(), tc.reject) || fs[0].Fix == "" || fs[0].Err.DataDependent != tc.dataDependent {
				t.Fatalf("findings %+v, want %q (data-dependent %v)", fs, tc.reject, tc.dataDependent)
			}
			t.Logf("%v\n  fix: %s", fs[0].Err, fs[0].Fix)
		})
	}
}

// A union branch that value k (branch k mod n of every union) never takes:
// the outer union is at null whenever the inner one would pick S. The
// targeted probe values reach it (Java fails there: S moved without an
// alias, so its renamed field's alias does not apply and no branch matches).
func TestProbeReachesEveryUnionBranch(t *testing.T) {
	r, w := parse(t, `["null",{"type":"record","name":"R","namespace":"a","fields":[{"name":"u","type":["null","int",{"type":"record","name":"S","namespace":"b","fields":[{"name":"y","type":"int","aliases":["x"]}]}]}]}]`), parse(t, `["null",{"type":"record","name":"R","namespace":"a","fields":[{"name":"u","type":["null","int",{"type":"record","name":"S","fields":[{"name":"x","type":"int"}]}]}]}]`)
	if !compat.Check(r, w).Compatible {
		t.Fatal("want a pair the checker accepts")
	}
	fs := CheckResolver([]Pair{{Reader: r, Writer: w, Direction: compat.ReaderWriter}})
	if len(fs) != 1 || !strings.Contains(fs[0].Err.Error(), "writer type record a.S matches no branch of the reader union") {
		t.Fatalf("findings %+v", fs)
	}
}
