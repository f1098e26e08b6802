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
	js, err := datum.Decode(r, data, datum.JSON)
	if err != nil {
		return fmt.Errorf("%s: the example value does not decode: %v", r.FullName(), err)
	}
	g.P()
	g.P("// ", name, " returns an example ", t.goName, ", the same on every call: the")
	g.P("// schema's defaults, values named after the fields, and 2024-01-15T10:30:00Z")
	g.P("// in dates and times. It is valid (it encodes and decodes), for")
	g.P("// documentation, catalogs and tests.")
	if lines := exampleJSONLines(js); lines != nil {
		g.P("//")
		g.P("// As JSON:")
		g.P("//")
		for _, l := range lines {
			g.P("//\t", l)
		}
	}
	g.P("func ", name, "() ", t.goName, " {")
	g.P("var x ", t.goName)
	g.P("if err := x.UnmarshalAvro([]byte(", strconv.Quote(string(data)), ")); err != nil {")
	g.P("panic(", strconv.Quote("avroctl: the generated example of "+r.FullName()+" does not decode: "), " + err.Error())")
	g.P("}")
	g.P("return x")
	g.P("}")
	return nil
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
