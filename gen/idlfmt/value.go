package idlfmt

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
	"unicode/utf8"

	"gitlab.com/acme/avroctl/gen/schema"
)

// bytesValue stands for a bytes or fixed default. Java converts such a
// default to a byte[] whose serializer in IdlUtils writes nothing at all, so
// `bytes b = "x";` comes out as `bytes b = ;`. Copying that keeps the output
// byte-identical; see writeValue for what it does inside arrays and objects.
type bytesValue struct{}

// errNameWithoutValue is Jackson's "Can not write a field name, expecting a
// value": an object member whose value wrote nothing (bytesValue) followed by
// another member. Java's formatter fails there, so this one does too.
var errNameWithoutValue = errors.New("a bytes or fixed value inside a record or map default cannot be written as IDL (Java's IdlUtils fails the same way: Can not write a field name, expecting a value)")

// unconverted is Java's null from JacksonUtils.toObject: a value the
// conversion does not handle for its schema. Jackson prints it as null;
// inside a union it means "try the next branch".
type unconverted struct{}

// toObject converts a default through its schema as Java 1.12.2's
// JacksonUtils.toObject(node, schema) does for Field.defaultVal (s == nil:
// a property, no schema). null stays null; a union tries its non-null
// branches in order and takes the first conversion; a boolean stays a
// boolean whatever the schema; an integer becomes a float or double for
// those types; a float literal becomes a double, or a float for a float
// type; text is text for string and enum, bytesValue for bytes and fixed;
// an array converts its items with the array's item type, and an object its
// members with the map's value type or the record field's type. Where Java
// throws (an array default through a branch that is not an array, a record
// default with a key that is not a field), toObject returns the error.
func toObject(v schema.Value, s schema.Schema) (schema.Value, error) {
	if v == nil {
		return nil, nil
	}
	if u, ok := s.(*schema.Union); ok {
		for _, b := range u.Branches {
			if b.Type() == schema.Null {
				continue
			}
			c, err := toObject(v, b)
			if err != nil {
				return nil, err
			}
			if _, no := c.(unconverted); !no {
				return c, nil
			}
		}
		return unconverted{}, nil
	}
	t := schema.Type(-1)
	if s != nil {
		t = s.Type()
	}
	switch v := v.(type) {
	case bool:
		return v, nil
	case schema.Number:
		if !v.IsFloat {
			x, ok := new(big.Int).SetString(v.Text, 10)
			if !ok || !x.IsInt64() {
				return unconverted{}, nil // a BigIntegerNode is not converted
			}
			switch t {
			case -1, schema.Int, schema.Long:
				return schema.Number{Text: x.String()}, nil
			case schema.Float:
				// asDouble, then (float): rounded twice, as Java does
				return schema.Number{Text: schema.JavaFloat(float32(float64(x.Int64()))), IsFloat: true}, nil
			case schema.Double:
				return schema.Number{Text: schema.JavaDouble(float64(x.Int64())), IsFloat: true}, nil
			}
			return unconverted{}, nil
		}
		f, ok := numberFloat(v)
		if !ok {
			return unconverted{}, nil
		}
		switch t {
		case -1, schema.Double:
			return schema.Number{Text: schema.JavaDouble(f), IsFloat: true}, nil
		case schema.Float:
			return schema.Number{Text: schema.JavaFloat(float32(f)), IsFloat: true}, nil
		}
		return unconverted{}, nil
	case string:
		switch t {
		case -1, schema.String, schema.EnumType:
			return v, nil
		case schema.Bytes, schema.FixedType:
			return bytesValue{}, nil
		}
		return unconverted{}, nil
	case []schema.Value:
		var elem schema.Schema
		if s != nil && len(v) > 0 { // Java asks for the item type per item
			a, ok := s.(*schema.Array)
			if !ok {
				return nil, fmt.Errorf("an array default meets a union branch of type %s before its array branch (Java's JacksonUtils throws: Not an array)", t)
			}
			elem = a.Items
		}
		out := make([]schema.Value, 0, len(v))
		for _, e := range v {
			c, err := toObject(e, elem)
			if err != nil {
				return nil, err
			}
			out = append(out, c)
		}
		return out, nil
	case *schema.Object:
		o := &schema.Object{}
		for _, m := range v.Members {
			var sub schema.Schema
			switch st := s.(type) {
			case *schema.Map:
				sub = st.Values
			case *schema.Record:
				f := st.FieldByName(m.Key)
				if f == nil {
					return nil, fmt.Errorf("the default of record %s has a member %q that is not one of its fields (Java's JacksonUtils fails with a NullPointerException; remove the member)", st.FullName(), m.Key)
				}
				sub = f.Type
			}
			c, err := toObject(m.Value, sub)
			if err != nil {
				return nil, err
			}
			o.Members = append(o.Members, schema.Member{Key: m.Key, Value: c})
		}
		return o, nil
	}
	return unconverted{}, nil
}

func numberFloat(n schema.Number) (float64, bool) {
	switch n.Text {
	case "NaN":
		return math.NaN(), true
	case "Infinity":
		return math.Inf(1), true
	case "-Infinity":
		return math.Inf(-1), true
	}
	f, err := strconv.ParseFloat(n.Text, 64)
	if err != nil {
		var ne *strconv.NumError
		if !errors.As(err, &ne) || ne.Err != strconv.ErrRange {
			return 0, false
		}
	}
	return f, true
}

// writeValue writes v as IdlUtils' ObjectMapper does: Jackson's escaping,
// numbers as Java prints them (NaN and infinities quoted), and its
// MinimalPrettyPrinter with ", " between members and elements and a bare
// ":" after a key. A bytesValue writes nothing; in an array it therefore
// vanishes, in an object it leaves its key without a colon.
func writeValue(b *strings.Builder, v schema.Value) error {
	switch v := v.(type) {
	case nil:
		b.WriteString("null")
	case bytesValue:
	case bool:
		b.WriteString(strconv.FormatBool(v))
	case string:
		quote(b, v)
	case schema.Number:
		text := formatNumber(v)
		switch text {
		case "NaN", "Infinity", "-Infinity":
			quote(b, text)
		default:
			b.WriteString(text)
		}
	case []schema.Value:
		b.WriteByte('[')
		n := 0
		for _, e := range v {
			if _, ok := e.(bytesValue); ok {
				continue
			}
			if n > 0 {
				b.WriteString(", ")
			}
			if err := writeValue(b, e); err != nil {
				return err
			}
			n++
		}
		b.WriteByte(']')
	case *schema.Object:
		b.WriteByte('{')
		pendingName := false
		n := 0
		if v != nil {
			for _, m := range v.Members {
				if pendingName {
					return errNameWithoutValue
				}
				if n > 0 {
					b.WriteString(", ")
				}
				quote(b, m.Key)
				if _, ok := m.Value.(bytesValue); ok {
					pendingName = true
					continue
				}
				b.WriteByte(':')
				if err := writeValue(b, m.Value); err != nil {
					return err
				}
				n++
			}
		}
		b.WriteByte('}')
	default:
		b.WriteString("null")
	}
	return nil
}

// formatNumber spells n as Jackson writes the Java number toObject made of
// it: an integer as its decimal value, a float as Java's Double.toString
// (a float field's value already holds Float.toString's text, which parses
// back to the same digits).
func formatNumber(n schema.Number) string {
	switch n.Text {
	case "NaN", "Infinity", "-Infinity":
		return n.Text
	}
	if !n.IsFloat {
		if x, ok := new(big.Int).SetString(n.Text, 10); ok {
			return x.String()
		}
		return n.Text
	}
	return n.Text
}

const hexDigits = "0123456789ABCDEF"

// quote writes s as a JSON string the way Jackson escapes it: '"' and '\\',
// short escapes for \b \t \f \n \r, \u00XX (upper-case hex) for the other
// control characters, everything else (non-ASCII included) as is.
func quote(b *strings.Builder, s string) {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	b.WriteByte('"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' {
			continue
		}
		b.WriteString(s[start:i])
		switch c {
		case '"', '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case '\b':
			b.WriteString(`\b`)
		case '\t':
			b.WriteString(`\t`)
		case '\f':
			b.WriteString(`\f`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		default:
			b.WriteString(`\u00`)
			b.WriteByte(hexDigits[c>>4])
			b.WriteByte(hexDigits[c&0xF])
		}
		start = i + 1
	}
	b.WriteString(s[start:])
	b.WriteByte('"')
}
