package schema

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

type conformanceCase struct {
	id, expected, kind, compare string
}

// readCases reads the rows of a cases.tsv (id, input, expected, kind,
// import_dirs, compare, notes).
func readCases(t *testing.T, file string) []conformanceCase {
	f, err := os.Open(file)
	if err != nil {
		t.Skipf("no %s: %v", file, err)
	}
	defer f.Close()
	var out []conformanceCase
	sc := bufio.NewScanner(f)
	for first := true; sc.Scan(); first = false {
		cols := strings.Split(sc.Text(), "\t")
		if first || len(cols) < 6 {
			continue
		}
		out = append(out, conformanceCase{id: cols[0], expected: cols[2], kind: cols[3], compare: cols[5]})
	}
	return out
}

// normalizeJSON re-prints a JSON document compactly with numbers spelled as
// Java prints them, which is the "json" comparison of the conformance data
// (key order and array order matter, number spelling does not).
func normalizeJSON(t *testing.T, data []byte) []byte {
	n, err := parseJSONTree(data, trailingBlank)
	if err != nil {
		t.Fatalf("golden is not JSON: %s", err.msg)
	}
	w := newJSONWriter(false)
	w.value(n.toValue())
	return w.buf
}

// javaRejects are goldens that Java's own Protocol.parse rejects: the IDL
// reader wrote them, but the JSON parser is stricter. We follow the parser.
var javaRejects = map[string]string{
	"opwvhk__avro-schema-support/src/test/testData/codeInsight/ImportsAndReferences": "declares a non-error record in \"errors\"; Java Protocol.parse says \"Not an error: NotAnError\"",
}

// TestConformanceOutputs reads every protocol and schema golden of the
// conformance suites and writes it back: text cases must be byte-identical,
// json cases equal after normalization.
func TestConformanceOutputs(t *testing.T) {
	dir := conformanceDir(t, "the 222 protocol and schema goldens of the idl and idl-realworld suites")
	counts := map[string][2]int{}
	for _, suite := range []string{"idl", "idl-realworld"} {
		for _, c := range readCases(t, filepath.Join(dir, suite, "cases.tsv")) {
			if c.kind != "protocol" && c.kind != "schema" && c.kind != "named-schema-list" {
				continue
			}
			if reason, ok := javaRejects[c.id]; ok {
				t.Logf("%s: skipped: %s", c.id, reason)
				continue
			}
			file := filepath.Join(dir, suite, c.expected)
			data, err := os.ReadFile(file)
			if err != nil {
				t.Errorf("%s: %v", c.id, err)
				continue
			}
			var got []byte
			pretty := c.compare == "text"
			switch c.kind {
			case "protocol":
				p, err := ParseProtocol(data, ParseOptions{Filename: file})
				if err != nil {
					t.Errorf("%s: %v", c.id, err)
					continue
				}
				got = MarshalProtocol(p, pretty)
			case "schema":
				s, err := Parse(data, ParseOptions{Filename: file})
				if err != nil {
					t.Errorf("%s: %v", c.id, err)
					continue
				}
				got = Marshal(s)
				if pretty {
					got = MarshalPretty(s)
				}
			case "named-schema-list":
				// Each element stands alone (see MarshalList), so each is
				// parsed on its own.
				list, serr := parseJSONTree(data, trailingBlank)
				if serr != nil || list.kind != jArray {
					t.Errorf("%s: not a JSON array", c.id)
					continue
				}
				var schemas []Schema
				for _, e := range list.elems {
					s, err := Parse([]byte(describeValue(e.toValue())), ParseOptions{Filename: file})
					if err != nil {
						t.Errorf("%s: %v", c.id, err)
						break
					}
					schemas = append(schemas, s)
				}
				if len(schemas) != len(list.elems) {
					continue
				}
				got = MarshalList(schemas, pretty)
			}
			want := bytes.TrimRight(data, "\n")
			if !pretty {
				want = normalizeJSON(t, data)
			}
			k := c.kind + "/" + c.compare
			cnt := counts[k]
			cnt[1]++
			if bytes.Equal(got, want) {
				cnt[0]++
			} else {
				t.Errorf("%s (%s): output differs:\n%s", c.id, k, firstDiffBytes(got, want))
			}
			counts[k] = cnt
		}
	}
	kinds := make([]string, 0, len(counts))
	for k := range counts {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	for _, k := range kinds {
		t.Logf("%s: %d/%d identical", k, counts[k][0], counts[k][1])
	}
}

func firstDiffBytes(got, want []byte) string {
	i := 0
	for i < len(got) && i < len(want) && got[i] == want[i] {
		i++
	}
	lo := max(0, i-80)
	return "got:  ..." + string(got[lo:min(len(got), i+80)]) + "\nwant: ..." + string(want[lo:min(len(want), i+80)])
}
