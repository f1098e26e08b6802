package golang

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"gitlab.com/acme/avroctl/gen/datum"
	"gitlab.com/acme/avroctl/gen/random"
	"gitlab.com/acme/avroctl/gen/schema"
)

// Every record type T gets ExampleT, which returns a valid, readable T the
// same on every call (see random.Example: the schema's defaults, values
// named after the fields, 2024-01-15T10:30:00Z in dates and times), for
// documentation, catalogs and tests. The value is made at generation time
// as Avro binary and decoded by T's own decoder, so it is valid by
// construction and means what a reader of the bytes gets; its JSON is in
// the function's doc.

// exampleDocLines bounds the JSON shown in an example's doc comment.
const exampleDocLines = 40

// exampleFuncName returns the name of T's example function, and false when
// T gets none: the record has no finite value (it requires itself), or the
// package already declares the name (a type called ExampleT).
func exampleFuncName(t *typeInfo) (string, bool) {
	name := "Example" + t.goName
	return name, !t.pkg.names[name]
}

func genExample(m *model, g *generatedFile, t *typeInfo, r *schema.Record) error {
	name, ok := exampleFuncName(t)
	if !ok {
		return nil
	}
	data, err := random.Example(r)
	if err != nil {
		return nil // no finite value: nothing to show
	}
	g.P()
	g.P("// ", name, " returns an example ", t.goName, ", the same on every call: the")
	g.P("// schema's defaults, values named after the fields, and 2024-01-15T10:30:00Z")
	g.P("// in dates and times. It is valid (it encodes and decodes), for")
	g.P("// documentation, catalogs and tests.")
	if m.exampleAsCode(r) {
		genExampleCode(m, g, t, r, name)
		return nil
	}
	js, err := datum.Decode(r, data, datum.JSON)
	if err != nil {
		return fmt.Errorf("%s: the example value does not decode: %v", r.FullName(), err)
	}
	if lines := exampleJSONLines(js); lines != nil {
		g.P("//")
		g.P("// As JSON:")
		g.P("//")
		for _, l := range lines {
			g.P("//\t", l)
		}
	}
	g.P("func ", name, "() ", t.goName, " {")
	g.P("// ", t.goName, " can nest itself (or a type that can), so the example is its")
	g.P("// Avro encoding, decoded: nesting stops where the example generator chose.")
	g.P("var x ", t.goName)
	g.P("if err := x.UnmarshalAvro([]byte(", strconv.Quote(string(data)), ")); err != nil {")
	g.P("panic(", strconv.Quote("avroctl: the generated example of "+r.FullName()+" does not decode: "), " + err.Error())")
	g.P("}")
	g.P("return x")
	g.P("}")
	return nil
}

// exampleAsCode reports whether r's example is written as Go code: when
// no record reachable from r is recursive (the Example functions then
// call each other without end), and each has an example of its own.
// Otherwise the example is its Avro encoding, decoded.
func (m *model) exampleAsCode(r *schema.Record) bool {
	seen := map[*schema.Record]bool{}
	var ok func(s schema.Schema) bool
	ok = func(s schema.Schema) bool {
		switch s := s.(type) {
		case *schema.Record:
			c, _ := m.recordOf(s)
			if seen[c] {
				return true
			}
			seen[c] = true
			t := m.byFull[c.FullName()]
			if t == nil || m.recursive[c] {
				return false
			}
			if _, has := exampleFuncName(t); !has {
				return false
			}
			if _, err := random.Example(c); err != nil {
				return false
			}
			for _, f := range c.Fields {
				if !ok(f.Type) {
					return false
				}
			}
		case *schema.Enum:
			return len(s.Symbols) > 0
		case *schema.Array:
			return ok(s.Items)
		case *schema.Map:
			return ok(s.Values)
		case *schema.Union:
			for _, b := range s.Branches {
				if !ok(b) {
					return false
				}
			}
		}
		return true
	}
	return ok(r)
}

// genExampleCode writes ExampleT as Go: NewT (the defaults), then a
// readable value for every field without a default.
func genExampleCode(m *model, g *generatedFile, t *typeInfo, r *schema.Record, name string) {
	g.P("func ", name, "() ", t.goName, " {")
	g.P("x := ", t.ctor, "()")
	for i, f := range r.Fields {
		if f.HasDefault {
			continue
		}
		field := t.fields[i]
		if u, isUnion := f.Type.(*schema.Union); isUnion && m.unions[u].nullable && !isCollection(u.Branches[m.unions[u].valueIdx]) {
			// A pointer: the value needs a variable to point at.
			v := strings.ToLower(field[:1]) + field[1:] + "Value"
			b := u.Branches[m.unions[u].valueIdx]
			g.P("var ", v, " ", m.goType(g, b), " = ", m.exampleElem(g, b, f.Name)) // typed: 42 is no int32 by itself
			g.P("x.", field, " = &", v)
			continue
		}
		if e := m.exampleExpr(g, f.Type, f.Name); e != "" {
			g.P("x.", field, " = ", e)
		}
	}
	g.P("return x")
	g.P("}")
}

// exampleExpr is a Go expression of a readable value of s, named after
// name (the field's); "" for the zero value (a fixed, a null).
func (m *model) exampleExpr(g *generatedFile, s schema.Schema, name string) string {
	rt := func(n string) string { return g.qualify(m.runtimeImport(), n) }
	tm := func(n string) string { return g.qualify("time", n) }
	at := func(h, min int) string {
		return fmt.Sprintf("%s(2024, %s, 15, %d, %d, 0, 0, %s)", tm("Date"), tm("January"), h, min, tm("UTC"))
	}
	switch l := schema.LogicalOf(s); l.Name {
	case "decimal":
		digits := strings.Repeat("1234567890", 2)[:min(l.Precision, 18)]
		return fmt.Sprintf("%s(%s, %d)", rt("NewDecimal"), digits, l.Scale)
	case "uuid":
		var parts []string
		for _, b := range random.ExampleUUID(name) {
			parts = append(parts, fmt.Sprintf("%#02x", b))
		}
		return rt("UUID") + "{" + strings.Join(parts, ", ") + "}"
	case "duration":
		return rt("Duration") + "{Months: 1, Days: 2, Millis: 3000}"
	case "big-decimal":
		return fmt.Sprintf("%s(%s(12345), 2)", rt("NewBigDecimal"), g.qualify("math/big", "NewInt")) // 123.45, as random.Example
	case "date":
		return at(0, 0)
	case "timestamp-millis", "timestamp-micros", "timestamp-nanos",
		"local-timestamp-millis", "local-timestamp-micros", "local-timestamp-nanos":
		return at(10, 30)
	case "time-millis", "time-micros":
		return "10*" + tm("Hour") + " + 30*" + tm("Minute")
	}
	switch s := s.(type) {
	case *schema.Primitive:
		switch s.T {
		case schema.Null:
			return ""
		case schema.Boolean:
			return "true"
		case schema.Int, schema.Long:
			return "42"
		case schema.Float, schema.Double:
			return "4.2"
		case schema.Bytes:
			return "[]byte(" + strconv.Quote(name) + ")"
		case schema.String:
			return strconv.Quote(name)
		}
	case *schema.Record:
		c, _ := m.recordOf(s)
		t := m.byFull[c.FullName()]
		fn, _ := exampleFuncName(t)
		return g.qualify(t.pkg.importPath, fn) + "()"
	case *schema.Enum:
		t := m.byFull[s.FullName()]
		i := 0
		if s.HasDefault {
			i = max(s.SymbolIndex(s.Default), 0)
		}
		return g.qualify(t.pkg.importPath, t.consts[i])
	case *schema.Fixed:
		return ""
	case *schema.Array:
		return m.goType(g, s) + "{" + m.exampleElem(g, s.Items, name) + "}"
	case *schema.Map:
		return m.goType(g, s) + "{\"key\": " + m.exampleElem(g, s.Values, name) + "}"
	case *schema.Union:
		u := m.unions[s]
		if u.nullable {
			if v := s.Branches[u.valueIdx]; isCollection(v) {
				return m.exampleExpr(g, v, name)
			}
			return "" // a pointer inside an expression: nil
		}
		k := 0
		for _, b := range s.Branches {
			if b.Type() == schema.Null {
				continue
			}
			if _, err := random.Example(b); err == nil {
				return g.qualify(u.pkg.importPath, u.ctors[k]) + "(" + m.exampleElem(g, b, name) + ")"
			}
			k++
		}
		return ""
	}
	return ""
}

// exampleElem is exampleExpr where "" (the zero value) must be spelled
// out: an element of a composite literal, an argument, a variable.
func (m *model) exampleElem(g *generatedFile, s schema.Schema, name string) string {
	if e := m.exampleExpr(g, s, name); e != "" {
		return e
	}
	if u, ok := s.(*schema.Union); ok && (m.unions[u].nullable || m.unions[u].nullIdx >= 0) {
		return "nil"
	}
	return m.goType(g, s) + "{}"
}

// exampleJSONLines indents the example's JSON for a doc comment, with
// characters a comment should not hold raw (controls, invisible ones)
// escaped; nil when it is too long to be worth reading there.
func exampleJSONLines(js []byte) []string {
	var out bytes.Buffer
	if json.Indent(&out, js, "", "  ") != nil {
		return nil
	}
	var b strings.Builder
	for _, r := range out.String() {
		if r == '\n' || unicode.IsPrint(r) {
			b.WriteRune(r)
		} else {
			fmt.Fprintf(&b, `\u%04x`, r)
		}
	}
	lines := strings.Split(b.String(), "\n")
	if len(lines) > exampleDocLines {
		return nil
	}
	return lines
}
