package schema

import (
	"strings"
	"unicode/utf8"
)

// jsonWriter writes JSON with explicit key order, in one of the two layouts
// the Java reference produces: compact (Schema.toString()) or Jackson's
// DefaultPrettyPrinter (Schema.toString(true), what avro-tools writes):
//
//   - an object puts each member on its own line, indented two spaces per
//     object level, as "key" : value; an empty object is "{ }";
//   - an array stays on one line: "[ a, b ]", or "[ ]" when empty; arrays
//     do not add an indentation level (Jackson's inline array indenter), so
//     an object inside an array is indented by its enclosing objects only.
type jsonWriter struct {
	buf     []byte
	pretty  bool
	nesting int     // open objects, for indentation
	stack   []frame // open containers
}

type frame struct {
	object bool
	count  int
}

func newJSONWriter(pretty bool) *jsonWriter { return &jsonWriter{pretty: pretty} }

// beforeValue writes the separator an array element needs.
func (w *jsonWriter) beforeValue() {
	if len(w.stack) == 0 {
		return
	}
	f := &w.stack[len(w.stack)-1]
	if f.object {
		return // the key wrote the separator
	}
	if f.count > 0 {
		w.buf = append(w.buf, ',')
	}
	if w.pretty {
		w.buf = append(w.buf, ' ')
	}
	f.count++
}

func (w *jsonWriter) newline() {
	w.buf = append(w.buf, '\n')
	for i := 0; i < w.nesting; i++ {
		w.buf = append(w.buf, ' ', ' ')
	}
}

func (w *jsonWriter) beginObject() {
	w.beforeValue()
	w.buf = append(w.buf, '{')
	w.stack = append(w.stack, frame{object: true})
	w.nesting++
}

func (w *jsonWriter) key(k string) {
	f := &w.stack[len(w.stack)-1]
	if f.count > 0 {
		w.buf = append(w.buf, ',')
	}
	f.count++
	if w.pretty {
		w.newline()
	}
	w.quote(k)
	if w.pretty {
		w.buf = append(w.buf, " : "...)
	} else {
		w.buf = append(w.buf, ':')
	}
}

func (w *jsonWriter) endObject() {
	f := w.stack[len(w.stack)-1]
	w.stack = w.stack[:len(w.stack)-1]
	w.nesting--
	if w.pretty {
		if f.count > 0 {
			w.newline()
		} else {
			w.buf = append(w.buf, ' ')
		}
	}
	w.buf = append(w.buf, '}')
}

func (w *jsonWriter) beginArray() {
	w.beforeValue()
	w.buf = append(w.buf, '[')
	w.stack = append(w.stack, frame{})
}

func (w *jsonWriter) endArray() {
	w.stack = w.stack[:len(w.stack)-1]
	if w.pretty {
		w.buf = append(w.buf, ' ')
	}
	w.buf = append(w.buf, ']')
}

func (w *jsonWriter) str(s string) {
	w.beforeValue()
	w.quote(s)
}

func (w *jsonWriter) raw(s string) {
	w.beforeValue()
	w.buf = append(w.buf, s...)
}

func (w *jsonWriter) boolean(b bool) {
	if b {
		w.raw("true")
	} else {
		w.raw("false")
	}
}

func (w *jsonWriter) stringField(k, v string) {
	w.key(k)
	w.str(v)
}

// number writes n as Jackson writes the node Java made of it: integers as
// plain digits (IntNode/LongNode/BigIntegerNode), floats as Java's
// Double.toString (DoubleNode), and non-finite floats as quoted strings
// (Jackson's WRITE_NAN_AS_STRINGS default).
func (w *jsonWriter) number(n Number) {
	text := formatNumber(n)
	switch text {
	case "NaN", "Infinity", "-Infinity":
		w.str(text)
	default:
		w.raw(text)
	}
}

// value writes a model Value.
func (w *jsonWriter) value(v Value) {
	switch v := v.(type) {
	case nil:
		w.raw("null")
	case bool:
		w.boolean(v)
	case string:
		w.str(v)
	case Number:
		w.number(v)
	case []Value:
		w.beginArray()
		for _, e := range v {
			w.value(e)
		}
		w.endArray()
	case *Object:
		w.beginObject()
		if v != nil {
			for _, m := range v.Members {
				w.key(m.Key)
				w.value(m.Value)
			}
		}
		w.endObject()
	default:
		// Values built outside the reader might hold other Go types; write
		// them as null rather than fail, which keeps Marshal total.
		w.raw("null")
	}
}

const hexDigits = "0123456789ABCDEF"

// quote writes s as a JSON string the way Jackson escapes it: '"' and '\\',
// short escapes for \b \t \f \n \r, \u00XX (upper-case hex) for the other
// control characters, and everything else, non-ASCII included, as is.
func (w *jsonWriter) quote(s string) {
	w.buf = append(w.buf, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' {
			continue
		}
		w.buf = append(w.buf, s[start:i]...)
		switch c {
		case '"', '\\':
			w.buf = append(w.buf, '\\', c)
		case '\b':
			w.buf = append(w.buf, '\\', 'b')
		case '\t':
			w.buf = append(w.buf, '\\', 't')
		case '\f':
			w.buf = append(w.buf, '\\', 'f')
		case '\n':
			w.buf = append(w.buf, '\\', 'n')
		case '\r':
			w.buf = append(w.buf, '\\', 'r')
		default:
			w.buf = append(w.buf, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
		}
		start = i + 1
	}
	if !utf8.ValidString(s[start:]) {
		w.buf = append(w.buf, strings.ToValidUTF8(s[start:], "\uFFFD")...)
	} else {
		w.buf = append(w.buf, s[start:]...)
	}
	w.buf = append(w.buf, '"')
}
