package conformance

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"gitlab.com/acme/avroctl/gen/idl"
	"gitlab.com/acme/avroctl/gen/schema"
)

// idlCase is one row of cases.tsv.
type idlCase struct {
	ID, Input, Expected, Kind string
	ImportDirs                []string
	Compare, Notes            string
}

// RunIDL runs every case of root/cases.tsv (root is a conformance folder
// such as .../conformance/idl), printing one line per failure and a final
// "N passed, M failed" line to w.
func RunIDL(root string, w io.Writer) (Summary, error) {
	cases, err := readCases(filepath.Join(root, "cases.tsv"))
	if err != nil {
		return Summary{}, err
	}
	var sum Summary
	for _, tc := range cases {
		if msg := runIDLCase(root, tc); msg != "" {
			line := fmt.Sprintf("FAIL %s: %s", tc.ID, msg)
			fmt.Fprintln(w, line)
			sum.Failed++
			sum.Failures = append(sum.Failures, line)
		} else {
			sum.Passed++
		}
	}
	fmt.Fprintf(w, "%d passed, %d failed\n", sum.Passed, sum.Failed)
	return sum, nil
}

func readCases(path string) ([]idlCase, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []idlCase
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for first := true; sc.Scan(); first = false {
		if first {
			continue // header
		}
		line := strings.TrimRight(sc.Text(), "\r")
		if line == "" {
			continue
		}
		cols := strings.Split(line, "\t")
		for len(cols) < 7 {
			cols = append(cols, "")
		}
		tc := idlCase{ID: cols[0], Input: cols[1], Expected: cols[2], Kind: cols[3], Compare: cols[5], Notes: cols[6]}
		for _, d := range strings.Split(cols[4], ",") {
			if d = strings.TrimSpace(d); d != "" {
				tc.ImportDirs = append(tc.ImportDirs, d)
			}
		}
		out = append(out, tc)
	}
	return out, sc.Err()
}

var warningsNote = regexp.MustCompile(`\b(\d+) (?:out-of-place )?warnings\b`)

// runIDLCase returns "" when the case passes, else a short description.
func runIDLCase(root string, tc idlCase) (msg string) {
	defer func() {
		if r := recover(); r != nil {
			msg = fmt.Sprintf("panic: %v", r)
		}
	}()
	opts := idl.Options{}
	for _, d := range tc.ImportDirs {
		opts.ImportDirs = append(opts.ImportDirs, filepath.Join(root, d))
	}
	f, err := idl.Compile(filepath.Join(root, tc.Input), opts)
	if tc.Kind == "failure" {
		if err == nil {
			return "compiled, but the reference rejects it (" + tc.Notes + ")"
		}
		var el schema.ErrorList
		if !errors.As(err, &el) || len(el) == 0 || !el[0].Pos.IsValid() {
			return "error without a position: " + err.Error()
		}
		return ""
	}
	if err != nil {
		return "error: " + firstLines(err.Error(), 3)
	}
	// Notes like "29 warnings in ..." give the reference's warning count.
	if m := warningsNote.FindStringSubmatch(tc.Notes); m != nil {
		if want, _ := strconv.Atoi(m[1]); want != len(f.Warnings) {
			return fmt.Sprintf("%d warnings, the reference gives %d", len(f.Warnings), want)
		}
	}
	switch tc.Kind {
	case "protocol", "schema", "named-schema-list":
		want, err := os.ReadFile(filepath.Join(root, tc.Expected))
		if err != nil {
			return err.Error()
		}
		return compareOutput(want, f.OutputJSON(true), tc.Compare)
	case "named-schemas":
		return compareDir(filepath.Join(root, tc.Expected), f)
	}
	return "unknown kind " + tc.Kind
}

func compareOutput(want, got []byte, mode string) string {
	if mode == "text" {
		return diffText(want, got)
	}
	eq, err := jsonEqual(want, got)
	if err != nil {
		return err.Error()
	}
	if !eq {
		return diffText(normalizeJSON(want), normalizeJSON(got))
	}
	return ""
}

// compareDir compares idl2schemata output: <SimpleName>.avsc per named type,
// the last one written wins.
func compareDir(dir string, f *idl.File) string {
	got := map[string][]byte{}
	for _, s := range f.Schemata() {
		got[s.Names().Name+".avsc"] = append(schema.MarshalPretty(s), '\n')
	}
	entries, err := os.ReadDir(dir)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		// A missing folder is an empty one: git keeps no empty folders, and
		// a file without named types makes idl2schemata write nothing.
		return err.Error()
	}
	want := []string{}
	for _, e := range entries {
		want = append(want, e.Name())
	}
	names := []string{}
	for n := range got {
		names = append(names, n)
	}
	sort.Strings(names)
	if strings.Join(want, ",") != strings.Join(names, ",") {
		return fmt.Sprintf("files differ: want %v, got %v", want, names)
	}
	for _, n := range want {
		w, err := os.ReadFile(filepath.Join(dir, n))
		if err != nil {
			return err.Error()
		}
		if d := diffText(w, got[n]); d != "" {
			return n + ": " + d
		}
	}
	return ""
}

func firstLines(s string, n int) string {
	lines := strings.SplitN(s, "\n", n+1)
	if len(lines) > n {
		lines = append(lines[:n], "...")
	}
	return strings.Join(lines, " | ")
}

// diffText compares byte for byte, ignoring a final newline, and describes
// the first differing line.
func diffText(want, got []byte) string {
	want = bytes.TrimSuffix(want, []byte("\n"))
	got = bytes.TrimSuffix(got, []byte("\n"))
	if bytes.Equal(want, got) {
		return ""
	}
	wl := strings.Split(string(want), "\n")
	gl := strings.Split(string(got), "\n")
	for i := 0; i < len(wl) || i < len(gl); i++ {
		var a, b string
		if i < len(wl) {
			a = wl[i]
		}
		if i < len(gl) {
			b = gl[i]
		}
		if a != b || i >= len(wl) || i >= len(gl) {
			return fmt.Sprintf("line %d: want %q, got %q", i+1, a, b)
		}
	}
	return "outputs differ"
}

// jsonEqual parses both documents and compares them, keeping key and array
// order; numbers compare by value.
func jsonEqual(a, b []byte) (bool, error) {
	ta, err := jsonTokens(a)
	if err != nil {
		return false, fmt.Errorf("expected output: %v", err)
	}
	tb, err := jsonTokens(b)
	if err != nil {
		return false, fmt.Errorf("our output is not JSON: %v", err)
	}
	if len(ta) != len(tb) {
		return false, nil
	}
	for i := range ta {
		if !tokenEqual(ta[i], tb[i]) {
			return false, nil
		}
	}
	return true, nil
}

func jsonTokens(data []byte) ([]json.Token, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var out []json.Token
	for {
		t, err := dec.Token()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
}

func tokenEqual(a, b json.Token) bool {
	na, ok1 := a.(json.Number)
	nb, ok2 := b.(json.Number)
	if ok1 && ok2 {
		x, ok1 := new(big.Float).SetPrec(200).SetString(string(na))
		y, ok2 := new(big.Float).SetPrec(200).SetString(string(nb))
		if ok1 && ok2 {
			return x.Cmp(y) == 0
		}
		return na == nb
	}
	return a == b
}

// normalizeJSON re-indents a document so that diffs line up.
func normalizeJSON(data []byte) []byte {
	var buf bytes.Buffer
	if err := json.Indent(&buf, data, "", "  "); err != nil {
		return data
	}
	return buf.Bytes()
}
