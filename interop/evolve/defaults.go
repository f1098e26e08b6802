package evolve

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"strconv"
	"strings"
)

// DefaultFor returns a random JSON default that is valid for n, or "" when
// there is none (a record that requires a value of its own type). depth
// bounds recursion through recursive records: past it, a union picks its
// null branch, and an array or map is empty.
func DefaultFor(r *rand.Rand, n *Node, depth int) (def string) {
	defer func() {
		if e := recover(); e != nil {
			if e != errNoFiniteValue {
				panic(e)
			}
			def = ""
		}
	}()
	return defaultFor(r, n, depth)
}

// errNoFiniteValue unwinds defaultFor from a type with no finite value.
var errNoFiniteValue = new(int)

func defaultFor(r *rand.Rand, n *Node, depth int) string {
	if depth < -8 {
		panic(errNoFiniteValue)
	}
	switch n.Kind {
	case Null:
		return "null"
	case Boolean:
		return strconv.FormatBool(r.IntN(2) == 0)
	case Int:
		return strconv.Itoa(r.IntN(2001) - 1000)
	case Long:
		return strconv.FormatInt(r.Int64N(1<<40)-1<<39, 10)
	case Float, Double:
		// Values exactly representable in a float32 so that promotion never
		// changes them.
		return []string{"0.5", "-2.25", "1.0", "3", "1e3"}[r.IntN(5)]
	case Bytes:
		return []string{`""`, `"\u00ff\u0000"`, `"abc"`}[r.IntN(3)]
	case String:
		return []string{`""`, `"x"`, `"héllo"`}[r.IntN(3)]
	case Enum:
		return strconv.Quote(n.Symbols[r.IntN(len(n.Symbols))])
	case Fixed:
		return strconv.Quote(strings.Repeat("a", n.Size))
	case Array:
		if depth <= 0 || r.IntN(2) == 0 {
			return "[]"
		}
		return "[" + defaultFor(r, n.Items, depth-1) + "]"
	case Map:
		if depth <= 0 || r.IntN(2) == 0 {
			return "{}"
		}
		return `{"k":` + defaultFor(r, n.Items, depth-1) + "}"
	case Union:
		// Java 1.12 accepts a default valid for any branch; the first branch
		// is what the specification asks for, so prefer it.
		b := n.Branches[0]
		if depth <= 0 {
			for _, x := range n.Branches {
				if x.Kind == Null {
					b = x
				}
			}
		} else if r.IntN(5) == 0 {
			b = n.Branches[r.IntN(len(n.Branches))]
		}
		return defaultFor(r, b, depth-1)
	case Record:
		var buf bytes.Buffer
		buf.WriteByte('{')
		for i, f := range n.Fields {
			if i > 0 {
				buf.WriteByte(',')
			}
			buf.WriteString(strconv.Quote(f.Name))
			buf.WriteByte(':')
			buf.WriteString(defaultFor(r, f.Type, depth-1))
		}
		buf.WriteByte('}')
		return buf.String()
	}
	panic("unreachable")
}

// ValidDefault reports whether the JSON text def is a valid default for n,
// following Java 1.12's Schema.isValidDefault (a union accepts a value of
// any branch).
func ValidDefault(n *Node, def string) bool {
	d := json.NewDecoder(strings.NewReader(def))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return false
	}
	return validValue(n, v, 0)
}

func validValue(n *Node, v any, depth int) bool {
	if depth > 64 {
		return false
	}
	switch n.Kind {
	case Null:
		return v == nil
	case Boolean:
		_, ok := v.(bool)
		return ok
	case Int, Long:
		num, ok := v.(json.Number)
		if !ok {
			return false
		}
		_, err := strconv.ParseInt(string(num), 10, 32+32*btoi(n.Kind == Long))
		return err == nil
	case Float, Double:
		_, ok := v.(json.Number)
		return ok
	case Bytes, String:
		_, ok := v.(string)
		return ok
	case Enum:
		s, ok := v.(string)
		if !ok {
			return false
		}
		for _, sym := range n.Symbols {
			if sym == s {
				return true
			}
		}
		return false
	case Fixed:
		s, ok := v.(string)
		return ok && len([]rune(s)) == n.Size
	case Array:
		list, ok := v.([]any)
		if !ok {
			return false
		}
		for _, e := range list {
			if !validValue(n.Items, e, depth+1) {
				return false
			}
		}
		return true
	case Map:
		m, ok := v.(map[string]any)
		if !ok {
			return false
		}
		for _, e := range m {
			if !validValue(n.Items, e, depth+1) {
				return false
			}
		}
		return true
	case Union:
		for _, b := range n.Branches {
			if validValue(b, v, depth+1) {
				return true
			}
		}
		return false
	case Record:
		m, ok := v.(map[string]any)
		if !ok {
			return false
		}
		for _, f := range n.Fields {
			e, ok := m[f.Name]
			if !ok {
				if f.Default == "" {
					return false
				}
				continue
			}
			if !validValue(f.Type, e, depth+1) {
				return false
			}
		}
		return true
	}
	panic("unreachable")
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
