package lint

import (
	"fmt"
	"math"
	"regexp"
	"strings"
	"unicode"

	"gitlab.com/acme/avroctl/gen/idl"
	"gitlab.com/acme/avroctl/gen/schema"
)

var (
	pascalCase     = regexp.MustCompile(`^[A-Z][A-Za-z0-9]*$`)
	lowerCamelCase = regexp.MustCompile(`^[a-z][A-Za-z0-9]*$`)
	upperSnakeCase = regexp.MustCompile(`^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$`)
	namespaceSeg   = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
)

// knownLogicalTypes are the logical types of the Avro 1.12 specification,
// with the base types they apply to.
var knownLogicalTypes = map[string]string{
	"decimal":                "bytes or fixed, with precision > 0 and 0 <= scale <= precision",
	"big-decimal":            "bytes",
	"uuid":                   "string or fixed(16)",
	"date":                   "int",
	"time-millis":            "int",
	"time-micros":            "long",
	"timestamp-millis":       "long",
	"timestamp-micros":       "long",
	"timestamp-nanos":        "long",
	"local-timestamp-millis": "long",
	"local-timestamp-micros": "long",
	"local-timestamp-nanos":  "long",
	"duration":               "fixed(12)",
}

func checkLogicalTypes(c *checker, t schema.NamedSchema) {
	switch t := t.(type) {
	case *schema.Fixed:
		checkLogical(c, t, t.FullName(), t.Pos)
	case *schema.Record:
		for _, f := range t.Fields {
			checkLogicalIn(c, f.Type, t.FullName()+"."+f.Name, fieldPos(t, f))
		}
	}
}

// checkLogicalIn checks the unnamed schemas of a field's type; named types
// are checked as types of their own.
func checkLogicalIn(c *checker, s schema.Schema, loc string, pos schema.Position) {
	switch s := s.(type) {
	case *schema.Primitive:
		checkLogical(c, s, loc, pos)
	case *schema.Array:
		checkLogical(c, s, loc, pos)
		checkLogicalIn(c, s.Items, loc, pos)
	case *schema.Map:
		checkLogical(c, s, loc, pos)
		checkLogicalIn(c, s.Values, loc, pos)
	case *schema.Union:
		for _, b := range s.Branches {
			checkLogicalIn(c, b, loc, pos)
		}
	}
}

func checkLogical(c *checker, s schema.Schema, loc string, pos schema.Position) {
	props := schema.PropsOf(s)
	if props == nil {
		return
	}
	if _, ok := props.Get("logicalType"); !ok || schema.LogicalOf(s).Name != "" {
		return
	}
	if p := schema.PosOf(s); p.IsValid() {
		pos = p
	}
	base := s.Type().String()
	if f, ok := s.(*schema.Fixed); ok {
		base = fmt.Sprintf("fixed(%d)", f.Size)
	}
	name, isString := props.GetString("logicalType")
	switch {
	case !isString:
		c.report(pos, loc, `write the logical type's name as a string, e.g. "timestamp-millis"`,
			"logicalType is not a string, so Avro ignores it and the value is a plain %s", base)
	case name == "decimal" && s.Type() == schema.FixedType && decimalFits(s):
		f := s.(*schema.Fixed)
		c.report(pos, loc, fmt.Sprintf("a fixed(%d) holds at most %d digits: lower the precision or enlarge the fixed", f.Size, maxDecimalDigits(f.Size)),
			"logicalType %q is not valid on %s, so Avro ignores it and the value is a plain %s", name, describe(s), base)
	case knownLogicalTypes[name] != "":
		c.report(pos, loc, fmt.Sprintf("%s applies to %s; fix the type or its parameters", name, knownLogicalTypes[name]),
			"logicalType %q is not valid on %s, so Avro ignores it and the value is a plain %s", name, describe(s), base)
	default:
		fix := "use one of the logical types of the Avro specification, or exempt this file with lint.ignore_only if it is a custom one your readers register"
		if near := nearest(name); near != "" {
			fix = fmt.Sprintf("did you mean %q?", near)
		}
		c.report(pos, loc, fix,
			"unknown logicalType %q: Avro ignores it and the value is a plain %s", name, base)
	}
}

// decimalFits reports whether a decimal's parameters are valid apart from
// the fixed's size, which is then what makes it invalid.
func decimalFits(s schema.Schema) bool {
	l := schema.LogicalOf(&schema.Primitive{T: schema.Bytes, Props: *schema.PropsOf(s)})
	return l.Name == "decimal"
}

// maxDecimalDigits is the most decimal digits a fixed of size bytes holds,
// as Java computes it: floor(log10(2^(8*size-1) - 1)).
func maxDecimalDigits(size int) int {
	return int(math.Floor(math.Log10(math.Pow(2, float64(8*size-1)) - 1)))
}

// describe names a schema with the properties that make a logical type
// invalid on it (decimal parameters, fixed size).
func describe(s schema.Schema) string {
	props := schema.PropsOf(s)
	var params []string
	for _, k := range []string{"precision", "scale"} {
		if v, ok := props.Get(k); ok {
			params = append(params, k+" "+string(schema.MarshalValue(v)))
		}
	}
	d := s.Type().String()
	if f, ok := s.(*schema.Fixed); ok {
		d = fmt.Sprintf("fixed(%d)", f.Size)
	}
	if len(params) > 0 {
		d += " with " + strings.Join(params, ", ")
	}
	return d
}

// nearest returns the known logical type closest to name, if it is close
// enough to be a typo.
func nearest(name string) string {
	best, bestD := "", 4
	for k := range knownLogicalTypes {
		if d := schema.EditDistance(strings.ToLower(name), k); d < bestD || (d == bestD && k < best) {
			best, bestD = k, d
		}
	}
	return best
}

func checkCaseCollisions(c *checker, t schema.NamedSchema) {
	r, ok := t.(*schema.Record)
	if !ok {
		return
	}
	first := map[string]string{}
	for _, f := range r.Fields {
		k := strings.ToLower(strings.ReplaceAll(f.Name, "_", ""))
		if prev, ok := first[k]; ok {
			c.report(fieldPos(t, f), r.FullName()+"."+f.Name, "rename one of them",
				"field %q differs from field %q only in case or underscores; generated code (Go, Java getters) and case-insensitive consumers cannot tell them apart", f.Name, prev)
			continue
		}
		first[k] = f.Name
	}
}

func checkTypeName(c *checker, t schema.NamedSchema) {
	n := t.Names()
	if pascalCase.MatchString(n.Name) {
		return
	}
	want := toPascal(n.Name)
	fix := fmt.Sprintf(`rename it %s and keep the old name as an alias, so readers still resolve data written under it: "aliases": ["%s"]`, want, n.FullName())
	if isIDL(t) {
		fix = fmt.Sprintf(`rename it %s and keep the old name as an alias, so readers still resolve data written under it: @aliases(["%s"])`, want, n.FullName())
	}
	c.report(n.Pos, n.FullName(), fix, "%s name %q is not PascalCase", kind(t), n.Name)
}

func checkFieldNames(c *checker, t schema.NamedSchema) {
	r, ok := t.(*schema.Record)
	if !ok {
		return
	}
	for _, f := range r.Fields {
		if lowerCamelCase.MatchString(f.Name) {
			continue
		}
		want := toLowerCamel(f.Name)
		fix := fmt.Sprintf(`rename it %s and keep the old name as an alias, so readers still resolve old data: "aliases": ["%s"]`, want, f.Name)
		if isIDL(t) {
			fix = fmt.Sprintf(`rename it and keep the old name as an alias, so readers still resolve old data: %s @aliases(["%s"]) %s;`, idl.TypeSyntax(f.Type), f.Name, want)
		}
		c.report(fieldPos(t, f), r.FullName()+"."+f.Name, fix, "field name %q is not lowerCamelCase", f.Name)
	}
}

func checkEnumSymbols(c *checker, t schema.NamedSchema) {
	e, ok := t.(*schema.Enum)
	if !ok {
		return
	}
	for _, s := range e.Symbols {
		if upperSnakeCase.MatchString(s) {
			continue
		}
		c.report(e.Pos, e.FullName()+"."+s,
			fmt.Sprintf("write it %s in a new enum type; enum symbols have no aliases, so renaming one in place breaks readers of old data", toUpperSnake(s)),
			"enum symbol %q is not UPPER_SNAKE_CASE", s)
	}
}

func checkNamespaceCase(c *checker, t schema.NamedSchema) {
	n := t.Names()
	if n.Namespace == "" {
		return
	}
	for _, seg := range strings.Split(n.Namespace, ".") {
		if !namespaceSeg.MatchString(seg) {
			c.report(n.Pos, n.FullName(), fmt.Sprintf("use %q; a namespace change renames the type, so keep the old full name in its aliases",
				strings.ToLower(n.Namespace)),
				"namespace %q of %s is not lower-case dotted segments", n.Namespace, n.Name)
			return
		}
	}
}

func checkNamespaceRequired(c *checker, t schema.NamedSchema) {
	n := t.Names()
	if n.Namespace != "" {
		return
	}
	fix := `give it a namespace ("namespace": "com.example.domain"), keeping the bare name in its aliases`
	if isIDL(t) {
		fix = "declare `namespace com.example.domain;` (or @namespace) and keep the bare name in @aliases"
	}
	c.report(n.Pos, n.FullName(), fix, "%s %s has no namespace; names without one collide across teams and Go packages", kind(t), n.Name)
}

func checkEnumDefault(c *checker, t schema.NamedSchema) {
	e, ok := t.(*schema.Enum)
	if !ok || e.HasDefault {
		return
	}
	sym := ""
	for _, s := range e.Symbols {
		if s == "UNKNOWN" || s == "UNSPECIFIED" || s == "OTHER" {
			sym = s
			break
		}
	}
	var fix string
	switch {
	case sym != "" && isIDL(t):
		fix = fmt.Sprintf("declare it as the default: enum %s { ... } = %s;", e.Name, sym)
	case sym != "":
		fix = fmt.Sprintf(`declare it as the default: "default": "%s"`, sym)
	case isIDL(t):
		fix = fmt.Sprintf("add a symbol such as UNKNOWN and make it the default: enum %s { ..., UNKNOWN } = UNKNOWN;", e.Name)
	default:
		fix = `add a symbol such as UNKNOWN and make it the default: "default": "UNKNOWN"`
	}
	c.report(e.Pos, e.FullName(), fix,
		"enum %s has no default: a reader of an older version fails on any symbol added later, so the enum can never grow under FORWARD or FULL compatibility", e.Name)
}

func checkOptionalDefault(c *checker, t schema.NamedSchema) {
	r, ok := t.(*schema.Record)
	if !ok {
		return
	}
	for _, f := range r.Fields {
		u, ok := f.Type.(*schema.Union)
		if !ok || f.HasDefault {
			continue
		}
		nullAt := -1
		for i, b := range u.Branches {
			if b.Type() == schema.Null {
				nullAt = i
				break
			}
		}
		if nullAt < 0 {
			continue
		}
		var fix string
		switch {
		case nullAt == 0 && isIDL(t):
			fix = fmt.Sprintf("default it to null: %s %s = null;", idl.TypeSyntax(f.Type), f.Name)
		case nullAt == 0:
			fix = `default it to null: "default": null`
		default:
			fix = "put null first in the union and default the field to null (reordering union branches is compatible)"
		}
		c.report(fieldPos(t, f), r.FullName()+"."+f.Name, fix,
			"optional field %q has no default: readers cannot fill it in for data written without it, so it can be neither added nor removed compatibly", f.Name)
	}
}

// moneyWords are the words of a field name that mean an amount of money.
// Generic words ("total", "charge") are left out: on real schemas they name
// counts and physical quantities far more often than money.
var moneyWords = map[string]bool{
	"amount": true, "price": true, "cost": true, "subtotal": true, "balance": true,
	"fee": true, "tax": true, "revenue": true, "refund": true, "money": true,
}

// ratioWords mark a field as a ratio even when it also names money.
var ratioWords = map[string]bool{"rate": true, "ratio": true, "percent": true, "percentage": true, "pct": true, "factor": true}

func checkMoney(c *checker, t schema.NamedSchema) {
	r, ok := t.(*schema.Record)
	if !ok {
		return
	}
	for _, f := range r.Fields {
		if !hasBranch(f.Type, schema.Float, schema.Double) {
			continue
		}
		money := false
		for _, w := range words(f.Name) {
			if moneyWords[w] {
				money = true
			}
			if ratioWords[w] {
				money = false // taxRate, discountPercent: a ratio, not an amount
				break
			}
		}
		if !money {
			continue
		}
		fix := `use {"type": "bytes", "logicalType": "decimal", "precision": 18, "scale": 2} (or a shared Money record); the wire type changes, so add it as a new field and deprecate this one`
		if isIDL(t) {
			fix = "use decimal(18,2) (or a shared Money record); the wire type changes, so add it as a new field and deprecate this one"
		}
		c.report(fieldPos(t, f), r.FullName()+"."+f.Name, fix,
			"field %q looks like an amount of money but is a binary floating-point number, which cannot hold 0.10 exactly", f.Name)
	}
}

func checkTimestamps(c *checker, t schema.NamedSchema) {
	r, ok := t.(*schema.Record)
	if !ok {
		return
	}
	for _, f := range r.Fields {
		p := longBranch(f.Type)
		if p == nil || schema.LogicalOf(p).Name != "" {
			continue
		}
		if _, has := p.Props.Get("logicalType"); has {
			continue // LOGICAL_TYPE_KNOWN reports it
		}
		ws := words(f.Name)
		if len(ws) < 2 && !(len(ws) == 1 && (ws[0] == "timestamp" || ws[0] == "ts")) {
			continue
		}
		switch ws[len(ws)-1] {
		case "at", "timestamp", "ts":
		default:
			continue
		}
		fix := `declare it {"type": "long", "logicalType": "timestamp-millis"} (or -micros); a logical type does not change the bytes, so this is compatible`
		if isIDL(t) {
			typ := strings.Replace(idl.TypeSyntax(f.Type), "long", "timestamp_ms", 1)
			fix = fmt.Sprintf("declare it %s %s (or use @logicalType(\"timestamp-micros\") long); a logical type does not change the bytes, so this is compatible", typ, f.Name)
		}
		c.report(fieldPos(t, f), r.FullName()+"."+f.Name, fix,
			"field %q is named like a point in time but is a bare long: readers and generated code cannot tell its unit or epoch", f.Name)
	}
}

func checkTypeDoc(c *checker, t schema.NamedSchema) {
	n := t.Names()
	if n.Doc != nil && strings.TrimSpace(*n.Doc) != "" {
		return
	}
	fix := `add a "doc" saying what the type means`
	if isIDL(t) {
		fix = "add a /** doc comment */ before the declaration"
	}
	c.report(n.Pos, n.FullName(), fix, "%s %s has no documentation", kind(t), n.Name)
}

func checkFieldDoc(c *checker, t schema.NamedSchema) {
	r, ok := t.(*schema.Record)
	if !ok {
		return
	}
	for _, f := range r.Fields {
		if f.Doc != nil && strings.TrimSpace(*f.Doc) != "" {
			continue
		}
		fix := `add a "doc" saying what the field holds`
		if isIDL(t) {
			fix = "add a /** doc comment */ before the field"
		}
		c.report(fieldPos(t, f), r.FullName()+"."+f.Name, fix, "field %q has no documentation", f.Name)
	}
}

// kind is "record", "error", "enum" or "fixed".
func kind(t schema.NamedSchema) string { return t.Type().String() }

// hasBranch reports whether s is, or is a union with, one of the types.
func hasBranch(s schema.Schema, types ...schema.Type) bool {
	branches := []schema.Schema{s}
	if u, ok := s.(*schema.Union); ok {
		branches = u.Branches
	}
	for _, b := range branches {
		for _, t := range types {
			if b.Type() == t {
				return true
			}
		}
	}
	return false
}

// longBranch returns the long of a long or of a union with null and long.
func longBranch(s schema.Schema) *schema.Primitive {
	if u, ok := s.(*schema.Union); ok {
		if len(u.Branches) != 2 {
			return nil
		}
		for _, b := range u.Branches {
			if b.Type() != schema.Null {
				s = b
			}
		}
	}
	if p, ok := s.(*schema.Primitive); ok && p.T == schema.Long {
		return p
	}
	return nil
}

// words splits a camelCase, PascalCase or snake_case name into lower-case
// words: "createdAt" → [created at], "HTTPServer_id" → [http server id].
func words(name string) []string {
	var out []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			out = append(out, strings.ToLower(string(cur)))
			cur = cur[:0]
		}
	}
	rs := []rune(name)
	for i, r := range rs {
		switch {
		case r == '_' || r == '-':
			flush()
			continue
		case unicode.IsUpper(r) && i > 0:
			prevLower := unicode.IsLower(rs[i-1]) || unicode.IsDigit(rs[i-1])
			nextLower := i+1 < len(rs) && unicode.IsLower(rs[i+1])
			if prevLower || (unicode.IsUpper(rs[i-1]) && nextLower) {
				flush()
			}
		}
		cur = append(cur, r)
	}
	flush()
	return out
}

func capitalize(w string) string {
	if w == "" {
		return w
	}
	rs := []rune(w)
	rs[0] = unicode.ToUpper(rs[0])
	return string(rs)
}

func toPascal(name string) string {
	var b strings.Builder
	for _, w := range words(name) {
		b.WriteString(capitalize(w))
	}
	return b.String()
}

func toLowerCamel(name string) string {
	ws := words(name)
	var b strings.Builder
	for i, w := range ws {
		if i == 0 {
			b.WriteString(w)
		} else {
			b.WriteString(capitalize(w))
		}
	}
	return b.String()
}

func toUpperSnake(name string) string {
	return strings.ToUpper(strings.Join(words(name), "_"))
}
