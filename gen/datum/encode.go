package datum

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"gitlab.com/acme/avroctl/gen/golang/runtime/avro"
	"gitlab.com/acme/avroctl/gen/schema"
)

// MaxInput bounds the JSON text of one value given to Encode.
const MaxInput = 64 << 20

// fitBudget bounds the work of choosing union branches in the JSON format
// (each candidate branch is checked against the whole value, and nested
// unions multiply the checks): past it, Encode fails and asks for avro-json.
const fitBudget = 1 << 22

// EncodeError is an encoding error located in the JSON input: by byte
// offset for a syntax error, by JSON path for a value that does not match
// the schema.
type EncodeError struct {
	// Offset is the byte offset of a syntax error in the JSON, -1 otherwise.
	Offset int
	// Path is where in the value the error is: "$" for the root, then
	// ".field", "[3]", "[\"key\"]", "<com.acme.Money>" for a union branch.
	Path string
	Msg  string
	// Fix says what to do.
	Fix string
}

func (e *EncodeError) Error() string {
	var b strings.Builder
	if e.Offset >= 0 {
		fmt.Fprintf(&b, "JSON byte %d: ", e.Offset)
	}
	if e.Path != "" {
		fmt.Fprintf(&b, "at %s: ", e.Path)
	}
	b.WriteString(e.Msg)
	if e.Fix != "" {
		b.WriteString(" (")
		b.WriteString(e.Fix)
		b.WriteString(")")
	}
	return b.String()
}

// Encode reads one JSON value of schema s in format f and returns its Avro
// binary encoding. What each format accepts:
//
//   - AvroJSON is what Java's JsonDecoder reads (and JsonEncoder and Decode
//     write): a non-null union value is {"branch full name": value}, null is
//     null; bytes and fixed are strings of code points U+0000-U+00FF (one
//     per byte); floats and doubles are numbers or the strings "NaN",
//     "Infinity", "-Infinity"; record fields may come in any order and every
//     field must be present (as in Java); a logical type is its underlying
//     type.
//   - JSON is the same without union wrappers: a union value is written with
//     the FIRST branch, in schema order, that the whole value fits (null for
//     null; an integer in range for int then long; any number for float and
//     double; a string for string, then for bytes or fixed if its code points
//     fit, for an enum if it is a symbol; an array for an array, an object for
//     a map, or for a record when its keys are field names, every field
//     without a default is present and every field fits). A record field
//     that is missing takes its default. So ["int","long"] writes 1 as an
//     int and ["string","bytes"] any string as a string.
//
// An integer may be written 1.0 or 1e2 as Java reads it, but not with a
// fraction; in a union in the JSON format only a
// number without fraction or exponent fits int and long. Deliberately
// stricter than Java's JsonDecoder, which would lose data silently: a
// record key that is not a field is an error (Java skips it), and a float
// or double out of range is an error (Java reads Infinity). The input is
// bounded (MaxInput bytes, MaxDepth levels) and so is the output
// (MaxOutput bytes).
func Encode(s schema.Schema, js []byte, f Format) ([]byte, error) {
	if len(js) > MaxInput {
		return nil, &EncodeError{Offset: -1, Msg: fmt.Sprintf("the JSON is %d bytes, over the limit of %d", len(js), MaxInput), Fix: "split the input: one value per line"}
	}
	v, err := ParseJSON(js)
	if err != nil {
		return nil, err
	}
	e := &encoder{format: f, budget: fitBudget}
	if err := e.value(s, v, "$"); err != nil {
		return nil, err
	}
	return e.out, nil
}

// ParseJSON parses exactly one JSON value into the schema package's value
// model (objects keep their key order, numbers their text), bounded by
// MaxDepth levels of nesting.
func ParseJSON(js []byte) (schema.Value, error) {
	d := json.NewDecoder(bytes.NewReader(js))
	d.UseNumber()
	p := &jsonReader{d: d}
	v, err := p.value(0)
	if err != nil {
		return nil, err
	}
	end := int(d.InputOffset())
	if _, err := d.Token(); err != io.EOF {
		for end < len(js) && strings.IndexByte(" \t\r\n", js[end]) >= 0 {
			end++
		}
		return nil, &EncodeError{Offset: end, Msg: "more than one JSON value", Fix: "give one value per line"}
	}
	return v, nil
}

type jsonReader struct{ d *json.Decoder }

func (p *jsonReader) syntax(err error) error {
	off := int(p.d.InputOffset())
	var se *json.SyntaxError
	if errors.As(err, &se) {
		off = int(se.Offset)
	}
	msg := err.Error()
	if err == io.EOF || errors.Is(err, io.ErrUnexpectedEOF) {
		msg = "unexpected end of the JSON"
	}
	return &EncodeError{Offset: off, Msg: "invalid JSON: " + msg, Fix: "give one complete JSON value per line"}
}

func (p *jsonReader) value(depth int) (schema.Value, error) {
	tok, err := p.d.Token()
	if err != nil {
		return nil, p.syntax(err)
	}
	return p.from(tok, depth)
}

func (p *jsonReader) from(tok json.Token, depth int) (schema.Value, error) {
	switch t := tok.(type) {
	case nil, bool, string:
		return t, nil
	case json.Number:
		return schema.Number{Text: string(t), IsFloat: strings.ContainsAny(string(t), ".eE")}, nil
	case json.Delim:
		if depth >= MaxDepth {
			return nil, &EncodeError{Offset: int(p.d.InputOffset()), Msg: fmt.Sprintf("the JSON nests deeper than %d levels", MaxDepth)}
		}
		switch t {
		case '[':
			arr := []schema.Value{}
			for p.d.More() {
				v, err := p.value(depth + 1)
				if err != nil {
					return nil, err
				}
				arr = append(arr, v)
			}
			if _, err := p.d.Token(); err != nil {
				return nil, p.syntax(err)
			}
			return arr, nil
		case '{':
			obj := &schema.Object{}
			for p.d.More() {
				k, err := p.d.Token()
				if err != nil {
					return nil, p.syntax(err)
				}
				key, _ := k.(string)
				v, err := p.value(depth + 1)
				if err != nil {
					return nil, err
				}
				obj.Members = append(obj.Members, schema.Member{Key: key, Value: v})
			}
			if _, err := p.d.Token(); err != nil {
				return nil, p.syntax(err)
			}
			return obj, nil
		}
	}
	return nil, &EncodeError{Offset: int(p.d.InputOffset()), Msg: fmt.Sprintf("invalid JSON token %v", tok)}
}

type encoder struct {
	out    []byte
	format Format
	depth  int
	budget int
	// inDefault is set while writing a field default: unions take their
	// first branch.
	inDefault bool
}

func (e *encoder) fail(path, fix, format string, args ...any) error {
	return &EncodeError{Offset: -1, Path: path, Msg: fmt.Sprintf(format, args...), Fix: fix}
}

// kind names a JSON value's kind for messages.
func kind(v schema.Value) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case string:
		return "a string"
	case schema.Number:
		return "the number " + v.Text
	case []schema.Value:
		return "an array"
	case *schema.Object:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}

func (e *encoder) want(path, what string, v schema.Value) error {
	return e.fail(path, "", "want %s, got %s", what, kind(v))
}

func (e *encoder) value(s schema.Schema, v schema.Value, path string) error {
	if len(e.out) > MaxOutput {
		return e.fail(path, "split the input", "the Avro encoding exceeds %d bytes", MaxOutput)
	}
	switch s := s.(type) {
	case *schema.Primitive:
		return e.primitive(s.T, v, path)
	case *schema.Enum:
		str, ok := v.(string)
		if !ok {
			return e.want(path, "a symbol of enum "+s.FullName(), v)
		}
		for i, sym := range s.Symbols {
			if sym == str {
				e.out = avro.AppendInt(e.out, int32(i))
				return nil
			}
		}
		return e.fail(path, "use one of "+strings.Join(quoteAll(s.Symbols), ", "), "%q is not a symbol of enum %s", str, s.FullName())
	case *schema.Fixed:
		str, ok := v.(string)
		if !ok {
			return e.want(path, fmt.Sprintf("a string of %d ISO-8859-1 characters (fixed %s)", s.Size, s.FullName()), v)
		}
		b, err := latin1(str)
		if err != nil {
			return e.fail(path, "write each byte as the character of that code point (\\u0000-\\u00ff)", "%v", err)
		}
		if len(b) != s.Size {
			return e.fail(path, "", "fixed %s has %d bytes, the string has %d", s.FullName(), s.Size, len(b))
		}
		e.out = append(e.out, b...)
		return nil
	}
	if !e.enter() {
		return e.fail(path, "", "values nest deeper than %d levels", MaxDepth)
	}
	defer func() { e.depth-- }()
	switch s := s.(type) {
	case *schema.Record:
		obj, ok := v.(*schema.Object)
		if !ok {
			return e.want(path, "an object (record "+s.FullName()+")", v)
		}
		if err := checkKeys(s, obj); err != "" {
			return e.fail(path, "", "record %s: %s", s.FullName(), err)
		}
		for _, f := range s.Fields {
			fv, ok := obj.Get(f.Name)
			if !ok {
				if e.format == AvroJSON || !f.HasDefault {
					return e.fail(path, "give every field of the record", "record %s: field %q is missing", s.FullName(), f.Name)
				}
				if err := e.defaultValue(f.Type, f.Default, path+"."+f.Name); err != nil {
					return err
				}
				continue
			}
			if err := e.value(f.Type, fv, path+"."+f.Name); err != nil {
				return err
			}
		}
		return nil
	case *schema.Array:
		arr, ok := v.([]schema.Value)
		if !ok {
			return e.want(path, "an array", v)
		}
		if len(arr) > 0 {
			e.out = avro.AppendLong(e.out, int64(len(arr)))
			for i, it := range arr {
				if err := e.value(s.Items, it, path+"["+strconv.Itoa(i)+"]"); err != nil {
					return err
				}
			}
		}
		e.out = append(e.out, 0)
		return nil
	case *schema.Map:
		obj, ok := v.(*schema.Object)
		if !ok {
			return e.want(path, "an object (map)", v)
		}
		if len(obj.Members) > 0 {
			e.out = avro.AppendLong(e.out, int64(len(obj.Members)))
			for _, m := range obj.Members {
				e.out = avro.AppendString(e.out, m.Key)
				if err := e.value(s.Values, m.Value, path+"["+strconv.Quote(m.Key)+"]"); err != nil {
					return err
				}
			}
		}
		e.out = append(e.out, 0)
		return nil
	case *schema.Union:
		return e.union(s, v, path)
	}
	return e.fail(path, "", "unsupported schema node %T", s)
}

// defaultValue writes a field's default as Java's resolver does
// (ResolvingGrammarGenerator.encode): a union takes its first branch, at
// every level, and the rest is read as in the JSON format.
func (e *encoder) defaultValue(s schema.Schema, v schema.Value, path string) error {
	d := &encoder{format: JSON, budget: e.budget, out: e.out, depth: e.depth, inDefault: true}
	err := d.value(s, v, path+"(default)")
	e.out, e.budget = d.out, d.budget
	return err
}

func (e *encoder) enter() bool {
	if e.depth >= MaxDepth {
		return false
	}
	e.depth++
	return true
}

// checkKeys finds an object key that is not a field, or a repeated one.
func checkKeys(r *schema.Record, obj *schema.Object) string {
	for i, m := range obj.Members {
		found := false
		for _, f := range r.Fields {
			if f.Name == m.Key {
				found = true
				break
			}
		}
		if !found {
			return fmt.Sprintf("it has no field %q", m.Key)
		}
		for _, o := range obj.Members[:i] {
			if o.Key == m.Key {
				return fmt.Sprintf("field %q is given twice", m.Key)
			}
		}
	}
	return ""
}

func (e *encoder) union(u *schema.Union, v schema.Value, path string) error {
	if e.format == AvroJSON {
		if v == nil {
			for i, b := range u.Branches {
				if b.Type() == schema.Null {
					e.out = avro.AppendInt(e.out, int32(i))
					return nil
				}
			}
			return e.fail(path, "give {\"branch\": value}, a branch of "+branchList(u), "null, but the union has no null branch")
		}
		obj, ok := v.(*schema.Object)
		if !ok || len(obj.Members) != 1 {
			return e.fail(path, "in avro-json a union value is {\"branch\": value}, with a branch of "+branchList(u)+"; or use --format json",
				"want a union value as an object with one key, got %s", kind(v))
		}
		name := obj.Members[0].Key
		for i, b := range u.Branches {
			if b.Type() != schema.Null && BranchName(b) == name {
				e.out = avro.AppendInt(e.out, int32(i))
				return e.value(b, obj.Members[0].Value, path+"<"+name+">")
			}
		}
		return e.fail(path, "use one of "+branchList(u)+" (named types by their full name)", "%q is not a branch of the union", name)
	}
	if e.inDefault {
		e.out = avro.AppendInt(e.out, 0)
		return e.value(u.Branches[0], v, path)
	}
	for i, b := range u.Branches {
		ok, over := e.fits(b, v)
		if over {
			return e.fail(path, "use --format avro-json, which names the branch", "choosing the union branch takes too long (nested unions)")
		}
		if ok {
			e.out = avro.AppendInt(e.out, int32(i))
			return e.value(b, v, path+"<"+BranchName(b)+">")
		}
	}
	return e.fail(path, "make it a value of one of "+branchList(u), "%s fits no branch of the union", kind(v))
}

func branchList(u *schema.Union) string {
	names := make([]string, len(u.Branches))
	for i, b := range u.Branches {
		names[i] = BranchName(b)
	}
	return strings.Join(names, ", ")
}

func quoteAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = strconv.Quote(s)
	}
	return out
}

// fits reports whether v is a value of s in the JSON format (without
// writing anything); over is set when the work budget ran out.
func (e *encoder) fits(s schema.Schema, v schema.Value) (ok, over bool) {
	e.budget--
	if e.budget < 0 {
		return false, true
	}
	switch s := s.(type) {
	case *schema.Primitive:
		return primitiveFits(s.T, v), false
	case *schema.Enum:
		str, ok := v.(string)
		if ok {
			for _, sym := range s.Symbols {
				if sym == str {
					return true, false
				}
			}
		}
		return false, false
	case *schema.Fixed:
		str, ok := v.(string)
		if !ok {
			return false, false
		}
		b, err := latin1(str)
		return err == nil && len(b) == s.Size, false
	case *schema.Array:
		arr, ok := v.([]schema.Value)
		if !ok {
			return false, false
		}
		for _, it := range arr {
			if ok, over := e.fits(s.Items, it); !ok || over {
				return false, over
			}
		}
		return true, false
	case *schema.Map:
		obj, ok := v.(*schema.Object)
		if !ok {
			return false, false
		}
		for _, m := range obj.Members {
			if ok, over := e.fits(s.Values, m.Value); !ok || over {
				return false, over
			}
		}
		return true, false
	case *schema.Record:
		obj, ok := v.(*schema.Object)
		if !ok || checkKeys(s, obj) != "" {
			return false, false
		}
		for _, f := range s.Fields {
			fv, ok := obj.Get(f.Name)
			if !ok {
				if !f.HasDefault {
					return false, false
				}
				continue
			}
			if ok, over := e.fits(f.Type, fv); !ok || over {
				return false, over
			}
		}
		return true, false
	case *schema.Union:
		for _, b := range s.Branches {
			ok, over := e.fits(b, v)
			if ok || over {
				return ok, over
			}
		}
	}
	return false, false
}

func primitiveFits(t schema.Type, v schema.Value) bool {
	switch t {
	case schema.Null:
		return v == nil
	case schema.Boolean:
		_, ok := v.(bool)
		return ok
	case schema.Int, schema.Long:
		n, ok := v.(schema.Number)
		if !ok || n.IsFloat {
			return false
		}
		bits := 64
		if t == schema.Int {
			bits = 32
		}
		_, err := strconv.ParseInt(n.Text, 10, bits)
		return err == nil
	case schema.Float, schema.Double:
		_, err := floatValue(v, t == schema.Float)
		return err == ""
	case schema.String:
		_, ok := v.(string)
		return ok
	case schema.Bytes:
		str, ok := v.(string)
		if !ok {
			return false
		}
		_, err := latin1(str)
		return err == nil
	}
	return false
}

func (e *encoder) primitive(t schema.Type, v schema.Value, path string) error {
	switch t {
	case schema.Null:
		if v != nil {
			return e.want(path, "null", v)
		}
	case schema.Boolean:
		b, ok := v.(bool)
		if !ok {
			return e.want(path, "true or false", v)
		}
		e.out = avro.AppendBool(e.out, b)
	case schema.Int, schema.Long:
		n, ok := v.(schema.Number)
		if !ok {
			return e.want(path, "an integer ("+t.String()+")", v)
		}
		bits := 64
		if t == schema.Int {
			bits = 32
		}
		i, err := strconv.ParseInt(n.Text, 10, bits)
		if n.IsFloat {
			// Java's JsonDecoder reads 1.0 or 1e2 for an int, and refuses
			// a fraction, as here.
			f, ferr := strconv.ParseFloat(n.Text, 64)
			if ferr != nil || f != math.Trunc(f) {
				return e.want(path, "an integer ("+t.String()+")", v)
			}
			i, err = int64(f), nil
			if limit := math.Ldexp(1, bits-1); f < -limit || f >= limit {
				err = strconv.ErrRange
			}
		}
		if err != nil {
			return e.fail(path, "", "%s is out of the range of %s", n.Text, t)
		}
		e.out = avro.AppendLong(e.out, i)
	case schema.Float:
		f, err := floatValue(v, true)
		if err != "" {
			return e.fail(path, "", "%s", err)
		}
		e.out = avro.AppendFloat(e.out, float32(f))
	case schema.Double:
		f, err := floatValue(v, false)
		if err != "" {
			return e.fail(path, "", "%s", err)
		}
		e.out = avro.AppendDouble(e.out, f)
	case schema.String:
		str, ok := v.(string)
		if !ok {
			return e.want(path, "a string", v)
		}
		e.out = avro.AppendString(e.out, str)
	case schema.Bytes:
		str, ok := v.(string)
		if !ok {
			return e.want(path, "a string of ISO-8859-1 characters (bytes)", v)
		}
		b, err := latin1(str)
		if err != nil {
			return e.fail(path, "write each byte as the character of that code point (\\u0000-\\u00ff)", "%v", err)
		}
		e.out = avro.AppendBytes(e.out, b)
	default:
		return e.fail(path, "", "unsupported primitive type %s", t)
	}
	return nil
}

// floatValue reads a float or double: a number, or "NaN", "Infinity",
// "-Infinity" as Java writes them.
func floatValue(v schema.Value, single bool) (float64, string) {
	what := "double"
	bits := 64
	if single {
		what, bits = "float", 32
	}
	switch v := v.(type) {
	case schema.Number:
		f, err := strconv.ParseFloat(v.Text, bits)
		if err != nil {
			return 0, fmt.Sprintf("%s is out of the range of %s", v.Text, what)
		}
		return f, ""
	case string:
		switch v {
		case "NaN":
			// Java's Double.NaN bits (Go's math.NaN() differs in the
			// last bit); converted to float it is Java's Float.NaN.
			return math.Float64frombits(0x7ff8000000000000), ""
		case "Infinity":
			return math.Inf(1), ""
		case "-Infinity":
			return math.Inf(-1), ""
		}
		return 0, fmt.Sprintf("want a number (%s) or \"NaN\", \"Infinity\", \"-Infinity\", got the string %q", what, v)
	}
	return 0, fmt.Sprintf("want a number (%s), got %s", what, kind(v))
}

// latin1 reads a string of ISO-8859-1 code points as the bytes they stand
// for, as Java's JsonDecoder reads bytes and fixed.
func latin1(s string) ([]byte, error) {
	b := make([]byte, 0, len(s))
	for i, r := range s {
		if r > 0xFF {
			return nil, fmt.Errorf("character %q (U+%04X) at character %d is not a byte: bytes are written as code points U+0000-U+00FF",
				r, r, utf8.RuneCountInString(s[:i]))
		}
		b = append(b, byte(r))
	}
	return b, nil
}
