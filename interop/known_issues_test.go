package interop

import (
	"flag"
	"regexp"
	"strings"
	"sync"
	"testing"
)

var strictFlag = flag.Bool("interop.strict", false, "fail on known divergences (known_issues_test.go) too")

// knownIssue is a divergence from the reference that these tests found and
// that is reported to the package's owner but not fixed yet. While listed,
// a disagreement it matches is logged ("KNOWN ISSUE ...") instead of
// failing the test, so that new disagreements stand out; -interop.strict
// fails on them as well. Remove an entry as soon as its fix lands.
type knownIssue struct {
	id      string
	owner   string // the package that has to change
	summary string
	match   func(disagreement string) bool
}

var knownIssues = []knownIssue{
	{
		id:    "GEN-UNUSED-ERR",
		owner: "gen/golang",
		summary: `the generated code for a record with a union of two or more non-null primitive branches declares an ` +
			`err variable it never uses, so it does not compile ` +
			`({"type":"record","name":"R","namespace":"m","fields":[{"name":"a","type":["boolean","bytes"]}]})`,
		match: func(d string) bool { return strings.Contains(d, "declared and not used: err") },
	},
	{
		id:    "GEN-RECORD-REQUIRES-ITSELF",
		owner: "gen/golang",
		summary: `a record with a required field of its own type (no finite value exists; Java accepts the schema) ` +
			`becomes an invalid recursive Go struct instead of a located error or a pointer`,
		match: func(d string) bool { return strings.Contains(d, "invalid recursive type") },
	},
	{
		id:    "RESOLVE-NAMED-TYPE-RENAMED",
		owner: "gen/golang/runtime/avro",
		summary: `Java's resolving reader (org.apache.avro.Resolver) ignores record names outside unions, so a record ` +
			`renamed without an alias still reads, and compares only the simple names of enums and fixeds; ` +
			`avroctl's UnmarshalAvroFrom refuses "writer type record A cannot be read as record B"`,
		match: func(d string) bool {
			m := renamedType.FindStringSubmatch(d)
			if m == nil || m[2] == m[3] {
				return false
			}
			return m[1] == "record" || simpleName(m[2]) == simpleName(m[3])
		},
	},
}

var renamedType = regexp.MustCompile(`writer type (record|enum|fixed) (\S+) cannot be read as (?:record|enum|fixed) (\S+)`)

func simpleName(full string) string { return full[strings.LastIndexByte(full, '.')+1:] }

var knownSeen struct {
	sync.Mutex
	count map[string]int
}

// excuse reports whether disagreement is a known issue that should not fail
// t (it logs it once per test and counts it); under -interop.strict it
// never excuses.
func excuse(t testing.TB, disagreement string) bool {
	t.Helper()
	for _, ki := range knownIssues {
		if !ki.match(disagreement) {
			continue
		}
		if *strictFlag {
			t.Errorf("KNOWN ISSUE %s (%s), failing because of -interop.strict", ki.id, ki.owner)
			return false
		}
		knownSeen.Lock()
		if knownSeen.count == nil {
			knownSeen.count = map[string]int{}
		}
		knownSeen.count[t.Name()+"\x00"+ki.id]++
		first := knownSeen.count[t.Name()+"\x00"+ki.id] == 1
		knownSeen.Unlock()
		if first {
			t.Logf("KNOWN ISSUE %s (owner %s): %s\n\tfirst occurrence here: %s", ki.id, ki.owner, ki.summary, firstLine(disagreement, 300))
		}
		return true
	}
	return false
}
