package compat

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"gitlab.com/acme/avroctl/gen/schema"
)

// TestDifferentialJava compares the checker with the Java reference on
// random reader/writer pairs. It needs a harness that reads JSON lines
// {"reader":...,"writer":...} and answers {"compatible":bool,"msgs":[...]}
// or {"error":...} per line (Java's checkReaderWriterCompatibility), named by
// AVROCTL_COMPAT_ORACLE (a shell command); without it the test skips.
// testdata/oracle has that harness and how to build it.
func TestDifferentialJava(t *testing.T) {
	oracle := os.Getenv("AVROCTL_COMPAT_ORACLE")
	if oracle == "" {
		t.Skip("AVROCTL_COMPAT_ORACLE not set (command running the Java reference harness)")
	}
	n := 3000
	if s := os.Getenv("AVROCTL_COMPAT_PAIRS"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	seed := int64(1)
	if s := os.Getenv("AVROCTL_COMPAT_SEED"); s != "" {
		seed, _ = strconv.ParseInt(s, 10, 64)
	}
	rng := rand.New(rand.NewSource(seed))
	var in bytes.Buffer
	var pairs [][2][]byte
	for i := 0; i < n; i++ {
		g := &gen{rng: rng}
		r := g.schema(0)
		w := g.mutate(deepCopy(r), 0)
		if rng.Intn(2) == 0 {
			r, w = w, r
		}
		rb, _ := json.Marshal(r)
		wb, _ := json.Marshal(w)
		pairs = append(pairs, [2][]byte{rb, wb})
		fmt.Fprintf(&in, "{\"reader\":%s,\"writer\":%s}\n", rb, wb)
	}
	cmd := exec.Command("sh", "-c", oracle)
	cmd.Stdin = &in
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("oracle: %v", err)
	}
	sc := bufio.NewScanner(&out)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	compared, failed, incompatible := 0, 0, 0
	for i := 0; sc.Scan(); i++ {
		var ans struct {
			Compatible bool     `json:"compatible"`
			Msgs       []string `json:"msgs"`
			Error      string   `json:"error"`
		}
		if err := json.Unmarshal(sc.Bytes(), &ans); err != nil {
			t.Fatal(err)
		}
		if ans.Error != "" && !strings.Contains(ans.Error, "matches multiple fields") {
			continue // Java rejected a generated schema
		}
		r, err1 := buildModel(pairs[i][0])
		w, err2 := buildModel(pairs[i][1])
		if err1 != nil || err2 != nil {
			continue
		}
		compared++
		res := Check(r, w)
		// The prepared check must give the very same Result.
		if prep := CheckPrepared(Prepare(r), Prepare(w)); !reflect.DeepEqual(prep, res) {
			failed++
			t.Errorf("pair %d: prepared check differs\nreader %s\nwriter %s\nplain    %s\nprepared %s", i, pairs[i][0], pairs[i][1], describe(res), describe(prep))
		}
		if !res.Compatible {
			incompatible++
		}
		// The same pair through the real .avsc reader must agree as well:
		// the checker must not depend on how the parser shares nodes.
		if pr, err := schema.Parse(pairs[i][0], schema.ParseOptions{}); err == nil {
			if pw, err := schema.Parse(pairs[i][1], schema.ParseOptions{}); err == nil {
				parsed := Check(pr, pw)
				if fmt.Sprint(parsed.Compatible, parsed.Incompatibilities) != fmt.Sprint(res.Compatible, res.Incompatibilities) {
					var a, b []string
					for _, in := range parsed.Incompatibilities {
						a = append(a, in.String())
					}
					for _, in := range res.Incompatibilities {
						b = append(b, in.String())
					}
					if strings.Join(a, "\n") != strings.Join(b, "\n") || parsed.Compatible != res.Compatible {
						failed++
						t.Errorf("pair %d: schema.Parse model gives %q, test model %q", i, a, b)
					}
				}
			} else {
				t.Errorf("pair %d: Java parses the writer, schema.Parse does not: %v\n%s", i, err, pairs[i][1])
			}
		} else {
			t.Errorf("pair %d: Java parses the reader, schema.Parse does not: %v\n%s", i, err, pairs[i][0])
		}
		if ans.Error != "" {
			if res.Err == nil {
				failed++
				t.Errorf("pair %d: Java failed (%s), we did not\nreader %s\nwriter %s", i, ans.Error, pairs[i][0], pairs[i][1])
			}
			continue
		}
		var got []string
		for _, in := range res.Incompatibilities {
			got = append(got, in.String())
		}
		want := dedupeStrings(ans.Msgs)
		if res.Compatible != ans.Compatible || strings.Join(got, "\n") != strings.Join(want, "\n") {
			failed++
			if failed <= 10 {
				t.Errorf("pair %d:\nreader %s\nwriter %s\n got %v %q\nwant %v %q", i, pairs[i][0], pairs[i][1], res.Compatible, got, ans.Compatible, want)
			}
		}
	}
	t.Logf("compared %d pairs with the reference (%d incompatible), %d differ", compared, incompatible, failed)
}

func dedupeStrings(in []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range in {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// gen builds random schemas as decoded JSON, small enough to read when a
// case fails, with named types, recursion, aliases and defaults.
type gen struct {
	rng   *rand.Rand
	names []string
	n     int
}

var prims = []string{"null", "boolean", "int", "long", "float", "double", "bytes", "string"}

func (g *gen) schema(depth int) any {
	k := g.rng.Intn(10)
	if depth > 3 {
		k = g.rng.Intn(3)
	}
	switch {
	case k < 3:
		return prims[g.rng.Intn(len(prims))]
	case k == 3 && len(g.names) > 0:
		return g.names[g.rng.Intn(len(g.names))]
	case k == 4:
		return map[string]any{"type": "array", "items": g.schema(depth + 1)}
	case k == 5:
		return map[string]any{"type": "map", "values": g.schema(depth + 1)}
	case k == 6:
		var u []any
		seen := map[string]bool{}
		for i := 0; i < 1+g.rng.Intn(3); i++ {
			b := g.schema(depth + 3)
			key, _ := json.Marshal(b)
			if _, isUnion := b.([]any); isUnion || seen[string(key)] {
				continue
			}
			seen[string(key)] = true
			u = append(u, b)
		}
		return u
	case k == 7:
		return g.enum()
	case k == 8:
		return g.fixed()
	}
	return g.record(depth)
}

func (g *gen) newName() string {
	g.n++
	return []string{"A", "B", "C"}[g.rng.Intn(3)] + strconv.Itoa(g.n)
}

func (g *gen) enum() any {
	name := g.newName()
	syms := []any{}
	for _, s := range []string{"X", "Y", "Z", "W"} {
		if g.rng.Intn(3) > 0 {
			syms = append(syms, s)
		}
	}
	if len(syms) == 0 {
		syms = append(syms, "X")
	}
	e := map[string]any{"type": "enum", "name": name, "symbols": syms}
	if g.rng.Intn(3) == 0 {
		e["default"] = syms[0]
	}
	g.names = append(g.names, name)
	return e
}

func (g *gen) fixed() any {
	name := g.newName()
	g.names = append(g.names, name)
	return map[string]any{"type": "fixed", "name": name, "size": float64(1 + g.rng.Intn(3))}
}

func (g *gen) record(depth int) any {
	name := g.newName()
	kind := "record"
	if g.rng.Intn(6) == 0 {
		kind = "error"
	}
	rec := map[string]any{"type": kind, "name": name}
	if g.rng.Intn(4) == 0 {
		rec["namespace"] = "ns" + strconv.Itoa(g.rng.Intn(2))
		name = rec["namespace"].(string) + "." + name
	}
	g.names = append(g.names, name)
	var fields []any
	for i := 0; i < g.rng.Intn(4); i++ {
		var t any
		if g.rng.Intn(6) == 0 {
			t = []any{"null", name} // recursion
		} else {
			t = g.schema(depth + 1)
		}
		f := map[string]any{"name": "f" + strconv.Itoa(i), "type": t}
		if g.rng.Intn(3) == 0 {
			if d, ok := defaultFor(t); ok {
				f["default"] = d
			}
		}
		fields = append(fields, f)
	}
	rec["fields"] = fields
	return rec
}

func defaultFor(t any) (any, bool) {
	switch t := t.(type) {
	case string:
		switch t {
		case "null":
			return nil, true
		case "boolean":
			return false, true
		case "int", "long", "float", "double":
			return float64(0), true
		case "bytes", "string":
			return "", true
		}
	case []any:
		if len(t) > 0 {
			return defaultFor(t[0])
		}
	case map[string]any:
		switch t["type"] {
		case "array":
			return []any{}, true
		case "map":
			return map[string]any{}, true
		case "enum":
			return t["symbols"].([]any)[0], true
		}
	}
	return nil, false
}

// mutate changes a schema the way people evolve schemas.
func (g *gen) mutate(v any, depth int) any {
	if depth > 6 {
		return v
	}
	switch t := v.(type) {
	case string:
		if g.rng.Intn(4) == 0 {
			if _, isPrim := primIndex(t); isPrim {
				return prims[g.rng.Intn(len(prims))]
			}
		}
		if g.rng.Intn(10) == 0 {
			return []any{"null", t}
		}
		return t
	case []any:
		if len(t) > 0 && g.rng.Intn(4) == 0 {
			i := g.rng.Intn(len(t))
			t = append(t[:i:i], t[i+1:]...)
		}
		if g.rng.Intn(4) == 0 {
			t = append(t, prims[g.rng.Intn(len(prims))])
		}
		for i := range t {
			t[i] = g.mutate(t[i], depth+1)
		}
		return t
	case map[string]any:
		switch t["type"] {
		case "array":
			t["items"] = g.mutate(t["items"], depth+1)
		case "map":
			t["values"] = g.mutate(t["values"], depth+1)
		case "enum":
			syms := t["symbols"].([]any)
			switch g.rng.Intn(5) {
			case 0:
				if len(syms) > 1 {
					t["symbols"] = syms[1:]
					if t["default"] == syms[0] {
						delete(t, "default")
					}
				}
			case 1:
				t["symbols"] = append(syms, "V")
			case 2:
				t["default"] = syms[0]
			case 3:
				g.rename(t)
			}
		case "fixed":
			if g.rng.Intn(3) == 0 {
				t["size"] = float64(1 + g.rng.Intn(3))
			}
			if g.rng.Intn(5) == 0 {
				g.rename(t)
			}
		case "record", "error":
			fields, _ := t["fields"].([]any)
			if g.rng.Intn(8) == 0 {
				g.rename(t)
			}
			if g.rng.Intn(8) == 0 {
				t["namespace"] = "other"
			}
			var out []any
			for _, f := range fields {
				fm := f.(map[string]any)
				switch g.rng.Intn(8) {
				case 0:
					continue // drop the field
				case 1:
					fm["aliases"] = []any{fm["name"]}
					fm["name"] = fm["name"].(string) + "x"
				case 2:
					delete(fm, "default")
				case 3:
					if d, ok := defaultFor(fm["type"]); ok {
						fm["default"] = d
					}
				}
				fm["type"] = g.mutate(fm["type"], depth+1)
				if d, ok := fm["default"]; ok {
					if _, valid := defaultFor(fm["type"]); !valid || !sameKind(d, fm["type"]) {
						delete(fm, "default")
					}
				}
				out = append(out, fm)
			}
			if g.rng.Intn(4) == 0 {
				out = append(out, map[string]any{"name": "n" + strconv.Itoa(g.rng.Intn(3)), "type": prims[2+g.rng.Intn(6)]})
			}
			t["fields"] = out
		}
		return t
	}
	return v
}

func (g *gen) rename(t map[string]any) {
	old := t["name"].(string)
	t["name"] = old + "r"
	switch g.rng.Intn(4) {
	case 0:
		t["aliases"] = []any{old}
	case 1:
		// A full-name alias; right only when the namespace matches.
		t["aliases"] = []any{"ns0." + old}
	case 2:
		t["aliases"] = []any{"x", old + "r"}
	}
}

func primIndex(s string) (int, bool) {
	for i, p := range prims {
		if p == s {
			return i, true
		}
	}
	return 0, false
}

// sameKind reports whether default d still fits type t after a mutation.
func sameKind(d, t any) bool {
	want, ok := defaultFor(t)
	if !ok {
		return false
	}
	a, _ := json.Marshal(d)
	b, _ := json.Marshal(want)
	return bytes.Equal(a, b)
}

func deepCopy(v any) any {
	b, _ := json.Marshal(v)
	var out any
	_ = json.Unmarshal(b, &out)
	return out
}
