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

// TestHistoryMatchesPlain is the differential test of the cross-version
// index: on random evolution histories, CheckLevelHistory returns the very
// Result plain CheckLevel returns, at every level, for every version of
// the history checked against the ones before it (and for a random
// further evolution against the whole history). Two generators feed it:
// the differential test's (named types, recursion, aliases, unions of
// several named types, non-record tops, repeated versions; the index
// mostly falls back there), and one of long registry-style histories that
// mostly stay compatible (optional fields added and dropped, promotions,
// union widening, renames with aliases, namespace moves, top-level
// aliases, named types moved between fields, defaults dropped, the odd
// incompatible change), where the index proves most checks. It also
// checks that the index proved enough checks for the comparison to mean
// something. AVROCTL_COMPAT_HISTORIES and AVROCTL_COMPAT_SEED change the
// run.
func TestHistoryMatchesPlain(t *testing.T) {
	n := 3000
	if testing.Short() {
		n = 300
	}
	if s := os.Getenv("AVROCTL_COMPAT_HISTORIES"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	seed := int64(11)
	if s := os.Getenv("AVROCTL_COMPAT_SEED"); s != "" {
		seed, _ = strconv.ParseInt(s, 10, 64)
	}
	rng := rand.New(rand.NewSource(seed))
	var checks, proven, compatible, transCompat int
	for hi := 0; hi < n; hi++ {
		var texts [][]byte
		if hi%3 == 0 {
			texts = history(rng)
		} else {
			texts = regHistory(rng)
		}
		parse := func(b []byte) (schema.Schema, error) {
			return schema.Parse(b, schema.ParseOptions{Filename: "v.avsc"})
		}
		if hi%2 == 1 {
			parse = buildModel
		}
		var versions []schema.Schema
		var src []string
		for _, b := range texts {
			if s, err := parse(b); err == nil {
				versions = append(versions, s)
				src = append(src, string(b))
			}
		}
		h := NewHistory()
		var prepared []*Prepared
		for k, v := range versions {
			np := Prepare(v)
			for _, level := range AllLevels {
				checks++
				plain := CheckLevel(level, v, versions[:k])
				calls := 0
				got := CheckLevelHistory(level, np, h, func() []*Prepared { calls++; return prepared })
				if !reflect.DeepEqual(plain, got) {
					t.Fatalf("history %d: CheckLevelHistory(%s, v%d) differs from CheckLevel\nhistory:\n%s\nplain %s\nindex %s",
						hi, level, k, strings.Join(src[:k+1], "\n"), describe(plain), describe(got))
				}
				if plain.Compatible {
					compatible++
				}
				if level.Transitive() && k > 0 && plain.Compatible {
					transCompat++
					if calls == 0 {
						proven++
					}
				}
			}
			h.Add(np)
			prepared = append(prepared, np)
		}
	}
	t.Logf("%d level checks (%d compatible); the index proved %d of the %d compatible transitive checks of a non-empty history", checks, compatible, proven, transCompat)
	if proven < transCompat/2 {
		t.Errorf("the index proved too few checks (%d of %d) for the comparison to mean something", proven, transCompat)
	}
}

// regHistory returns 2 to 40 versions of a registry-style record, each
// evolved from the previous one, mostly compatibly.
func regHistory(rng *rand.Rand) [][]byte {
	r := &regGen{rng: rng}
	cur := r.base()
	var out [][]byte
	for v := 0; v < 2+rng.Intn(39); v++ {
		b, _ := json.Marshal(cur)
		out = append(out, b)
		if rng.Intn(40) == 0 {
			// A top that is not a record.
			out = append(out, []byte(`"string"`))
		}
		cur = r.evolve(deepCopy(cur).(map[string]any))
	}
	return out
}

type regGen struct {
	rng *rand.Rand
	n   int
}

// regTypes are field types whose evolutions the index reasons about (and
// named ones it compares by fingerprint only).
var regTypes = []func() any{
	func() any { return "int" },
	func() any { return "long" },
	func() any { return "string" },
	func() any { return "bytes" },
	func() any { return "double" },
	func() any { return []any{"null", "string"} },
	func() any { return []any{"null", "int"} },
	func() any { return map[string]any{"type": "array", "items": "int"} },
	func() any { return map[string]any{"type": "map", "values": []any{"null", "long"}} },
	func() any {
		return map[string]any{"type": "enum", "name": "Status", "symbols": []any{"A", "B", "C"}, "default": "A"}
	},
	func() any {
		return map[string]any{"type": "record", "name": "Money", "fields": []any{
			map[string]any{"name": "units", "type": "long"}, map[string]any{"name": "cur", "type": "string"}}}
	},
	func() any { return map[string]any{"type": "fixed", "name": "Id", "size": float64(4)} },
}

func (r *regGen) field(opt bool) map[string]any {
	r.n++
	t := regTypes[r.rng.Intn(len(regTypes))]()
	f := map[string]any{"name": "f" + strconv.Itoa(r.n), "type": t}
	if opt {
		f["type"] = []any{"null", "string"}
		f["default"] = nil
	} else if d, ok := defaultFor(t); ok && r.rng.Intn(3) == 0 {
		f["default"] = d
	}
	return f
}

func (r *regGen) base() map[string]any {
	var fields []any
	for i := 0; i < 2+r.rng.Intn(6); i++ {
		fields = append(fields, r.field(r.rng.Intn(3) == 0))
	}
	rec := map[string]any{"type": "record", "name": "Order", "namespace": "com.acme", "fields": fields}
	return r.fixNamed(rec)
}

// fixNamed keeps each named type defined once, at its first use, and
// referred to by name after (the generator hands out fresh definitions).
func (r *regGen) fixNamed(rec map[string]any) map[string]any {
	defined := map[string]bool{}
	var walk func(t any) any
	walk = func(t any) any {
		switch x := t.(type) {
		case map[string]any:
			switch x["type"] {
			case "enum", "record", "fixed":
				name := x["name"].(string)
				if defined[name] {
					return name
				}
				defined[name] = true
				if fs, ok := x["fields"].([]any); ok {
					for _, f := range fs {
						fm := f.(map[string]any)
						fm["type"] = walk(fm["type"])
					}
				}
				return x
			case "array":
				x["items"] = walk(x["items"])
			case "map":
				x["values"] = walk(x["values"])
			}
			return x
		case []any:
			for i := range x {
				x[i] = walk(x[i])
			}
			return x
		case string:
			if (x == "Status" || x == "Money" || x == "Id") && !defined[x] {
				// A reference whose definition moved away: define it here.
				for _, mk := range regTypes {
					if d, ok := mk().(map[string]any); ok && d["name"] == x {
						return walk(d)
					}
				}
			}
		}
		return t
	}
	for _, f := range rec["fields"].([]any) {
		fm := f.(map[string]any)
		fm["type"] = walk(fm["type"])
	}
	return rec
}

func (r *regGen) evolve(rec map[string]any) map[string]any {
	fields := rec["fields"].([]any)
	pick := func() map[string]any {
		if len(fields) == 0 {
			return nil
		}
		return fields[r.rng.Intn(len(fields))].(map[string]any)
	}
	for steps := 1 + r.rng.Intn(2); steps > 0; steps-- {
		switch k := r.rng.Intn(20); {
		case k < 6: // add an optional field
			fields = append(fields, r.field(true))
		case k < 9: // drop a field (with a default: compatible)
			if len(fields) > 1 {
				i := r.rng.Intn(len(fields))
				fields = append(fields[:i:i], fields[i+1:]...)
			}
		case k == 9: // promote
			if f := pick(); f != nil {
				switch f["type"] {
				case "int":
					f["type"] = "long"
				case "long":
					f["type"] = "double"
				case "string":
					f["type"] = "bytes"
				}
			}
		case k == 10: // widen a union, or wrap a type in one
			if f := pick(); f != nil {
				if u, ok := f["type"].([]any); ok {
					f["type"] = append(u, "double")
				} else if s, ok := f["type"].(string); ok && s != "null" {
					f["type"] = []any{"null", s}
				}
			}
		case k == 11: // rename with an alias
			if f := pick(); f != nil {
				r.n++
				f["aliases"] = []any{f["name"]}
				f["name"] = "f" + strconv.Itoa(r.n)
			}
		case k == 12: // drop aliases
			if f := pick(); f != nil {
				delete(f, "aliases")
			}
		case k == 13: // namespace move, or a top-level rename with an alias
			if r.rng.Intn(2) == 0 {
				rec["namespace"] = "com.acme.v" + strconv.Itoa(r.rng.Intn(3))
			} else {
				old := fmt.Sprint(rec["namespace"], ".", rec["name"])
				rec["name"] = "Order" + strconv.Itoa(r.rng.Intn(3))
				if r.rng.Intn(2) == 0 {
					rec["aliases"] = []any{old}
				}
			}
		case k == 14: // drop a default
			if f := pick(); f != nil && r.rng.Intn(2) == 0 {
				delete(f, "default")
			}
		case k == 15: // an incompatible type change
			if f := pick(); f != nil {
				f["type"] = regTypes[r.rng.Intn(len(regTypes))]()
				delete(f, "default")
			}
		case k == 16: // a required field
			fields = append(fields, r.field(false))
		case k == 17: // an alias naming another field
			if f, g := pick(), pick(); f != nil && g != nil && r.rng.Intn(3) == 0 {
				f["aliases"] = []any{g["name"]}
			}
		default: // the same again
		}
	}
	rec["fields"] = fields
	return r.fixNamed(rec)
}
