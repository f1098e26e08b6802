package idl

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"gitlab.com/acme/avroctl/gen/schema"
)

// jsonToValue converts an IDL JSON literal to a model value the way the
// reference builds Jackson nodes: integers through Long.decode (so hex and
// octal work and the value prints in decimal), floats through
// Double.parseDouble (printed as Java prints doubles).
func (c *compiler) jsonToValue(v jsonValue) schema.Value {
	switch v := v.(type) {
	case *jsonLit:
		switch v.Tok {
		case NULL:
			return nil
		case TRUE:
			return true
		case FALSE:
			return false
		case STRING:
			return v.Lit
		case INT:
			n, err := decodeLong(v.Lit)
			if err != nil {
				c.errorf(v.Pos, "invalid integer %s: %v", v.Lit, err)
				return schema.Number{Text: "0"}
			}
			return schema.Number{Text: strconv.FormatInt(n, 10)}
		case FLOAT:
			return schema.Number{Text: schema.JavaDouble(parseJavaDouble(v.Lit)), IsFloat: true}
		}
		return nil
	case *jsonArray:
		out := make([]schema.Value, 0, len(v.Elems))
		for _, e := range v.Elems {
			out = append(out, c.jsonToValue(e))
		}
		return out
	case *jsonObject:
		o := &schema.Object{}
		for _, m := range v.Members {
			// A repeated key keeps its first place and its last value, as
			// Jackson's ObjectNode.set does.
			o.Set(m.Key, c.jsonToValue(m.Value))
		}
		return o
	}
	return nil
}

// decodeLong is Java's Long.decode after dropping an l/L suffix.
func decodeLong(lit string) (int64, error) {
	s := strings.TrimRight(lit, "lL")
	neg := false
	if strings.HasPrefix(s, "-") {
		neg, s = true, s[1:]
	}
	base := 10
	switch {
	case strings.HasPrefix(s, "0x"), strings.HasPrefix(s, "0X"):
		base, s = 16, s[2:]
	case len(s) > 1 && s[0] == '0':
		base, s = 8, s[1:]
	}
	if neg {
		s = "-" + s
	}
	n, err := strconv.ParseInt(s, base, 64)
	if err != nil {
		if ne, ok := err.(*strconv.NumError); ok {
			return 0, fmt.Errorf("%s", strings.TrimPrefix(ne.Err.Error(), "strconv.ParseInt: "))
		}
		return 0, err
	}
	return n, nil
}

// decodeInt is Java's Integer.decode (no l/L suffix allowed).
func decodeInt(lit string) (int, error) {
	if strings.HasSuffix(lit, "l") || strings.HasSuffix(lit, "L") {
		return 0, fmt.Errorf("not an int")
	}
	n, err := decodeLong(lit)
	if err != nil {
		return 0, err
	}
	if n < math.MinInt32 || n > math.MaxInt32 {
		return 0, fmt.Errorf("value out of range")
	}
	return int(n), nil
}

// parseJavaDouble is Double.parseDouble for the FloatingPointLiteral forms.
func parseJavaDouble(lit string) float64 {
	s := lit
	if !strings.HasSuffix(s, "NaN") && !strings.HasSuffix(s, "Infinity") {
		s = strings.TrimRight(s, "fFdD")
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
			return f // ±Inf or ±0, as Java gives
		}
		return math.NaN()
	}
	return f
}

// maybeValue pairs a value with presence: Java distinguishes a missing
// default (null reference) from a JSON null.
type maybeValue struct {
	v  schema.Value
	ok bool
}

// maxDefaultDepth bounds isValidDefault. A record default that leaves a
// field out is checked with that field's own default, which may hold the
// same record leaving the same field out: Java recurses until its stack
// overflows (StackOverflowError, the file is rejected); here the check
// stops and reports the default as invalid.
const maxDefaultDepth = 200

// isValidDefault is Schema.isValidDefault of Avro 1.12: a union default may
// match any branch. tooDeep reports that the check gave up at
// maxDefaultDepth (the default is then invalid).
func isValidDefault(s schema.Schema, mv maybeValue) (ok, tooDeep bool) {
	c := defaultCheck{}
	ok = c.valid(s, mv, 0)
	return ok, c.tooDeep
}

type defaultCheck struct{ tooDeep bool }

func (c *defaultCheck) valid(s schema.Schema, mv maybeValue, depth int) bool {
	if !mv.ok {
		return false
	}
	if depth > maxDefaultDepth {
		c.tooDeep = true
		return false
	}
	v := mv.v
	switch s := s.(type) {
	case *schema.Primitive:
		switch s.T {
		case schema.String, schema.Bytes:
			_, ok := v.(string)
			return ok
		case schema.Int:
			n, ok := v.(schema.Number)
			if !ok || n.IsFloat {
				return false
			}
			x, err := strconv.ParseInt(n.Text, 10, 64)
			return err == nil && x >= math.MinInt32 && x <= math.MaxInt32
		case schema.Long:
			n, ok := v.(schema.Number)
			if !ok || n.IsFloat {
				return false
			}
			_, err := strconv.ParseInt(n.Text, 10, 64)
			return err == nil
		case schema.Float, schema.Double:
			_, ok := v.(schema.Number)
			return ok
		case schema.Boolean:
			_, ok := v.(bool)
			return ok
		case schema.Null:
			return v == nil
		}
	case *schema.Enum, *schema.Fixed:
		_, ok := v.(string)
		return ok
	case *schema.Array:
		a, ok := v.([]schema.Value)
		if !ok {
			return false
		}
		for _, e := range a {
			if !c.valid(s.Items, maybeValue{e, true}, depth+1) {
				return false
			}
		}
		return true
	case *schema.Map:
		o, ok := v.(*schema.Object)
		if !ok {
			return false
		}
		for _, m := range o.Members {
			if !c.valid(s.Values, maybeValue{m.Value, true}, depth+1) {
				return false
			}
		}
		return true
	case *schema.Union:
		for _, b := range s.Branches {
			if c.valid(b, mv, depth+1) {
				return true
			}
			if c.tooDeep {
				return false
			}
		}
		return false
	case *schema.Record:
		o, ok := v.(*schema.Object)
		if !ok {
			return false
		}
		for _, f := range s.Fields {
			fv, present := o.Get(f.Name)
			mv := maybeValue{fv, present}
			if !present {
				mv = maybeValue{f.Default, f.HasDefault}
			}
			if !c.valid(f.Type, mv, depth+1) {
				return false
			}
		}
		return true
	}
	return false
}

// compactJSON writes v as Jackson's toString does (for error messages).
func compactJSON(v schema.Value) string {
	var b strings.Builder
	writeCompact(&b, v)
	return b.String()
}

func writeCompact(b *strings.Builder, v schema.Value) {
	switch v := v.(type) {
	case nil:
		b.WriteString("null")
	case bool:
		b.WriteString(strconv.FormatBool(v))
	case string:
		b.WriteString(strconv.Quote(v))
	case schema.Number:
		if v.IsFloat && (v.Text == "NaN" || strings.HasSuffix(v.Text, "Infinity")) {
			b.WriteString(strconv.Quote(v.Text))
		} else {
			b.WriteString(v.Text)
		}
	case []schema.Value:
		b.WriteByte('[')
		for i, e := range v {
			if i > 0 {
				b.WriteByte(',')
			}
			writeCompact(b, e)
		}
		b.WriteByte(']')
	case *schema.Object:
		b.WriteByte('{')
		for i, m := range v.Members {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(strconv.Quote(m.Key))
			b.WriteByte(':')
			writeCompact(b, m.Value)
		}
		b.WriteByte('}')
	}
}
