package golang

import (
	"gitlab.com/acme/avroctl/gen/schema"
)

// goType returns the Go type of s as written in g.
func (m *model) goType(g *generatedFile, s schema.Schema) string {
	if l := schema.LogicalOf(s); l.Name != "" {
		if t, ok := m.logicalGoType(g, l.Name); ok {
			return t
		}
	}
	switch s := s.(type) {
	case *schema.Primitive:
		switch s.T {
		case schema.Null:
			return "struct{}"
		case schema.Boolean:
			return "bool"
		case schema.Int:
			return "int32"
		case schema.Long:
			return "int64"
		case schema.Float:
			return "float32"
		case schema.Double:
			return "float64"
		case schema.Bytes:
			return "[]byte"
		case schema.String:
			return "string"
		}
	case schema.NamedSchema:
		t := m.byFull[s.Names().FullName()]
		return g.qualify(t.pkg.importPath, t.goName)
	case *schema.Array:
		return "[]" + m.goType(g, s.Items)
	case *schema.Map:
		return "map[string]" + m.goType(g, s.Values)
	case *schema.Union:
		u := m.unions[s]
		if u.nullable {
			v := s.Branches[u.valueIdx]
			t := m.goType(g, v)
			if isCollection(v) {
				return t
			}
			return "*" + t
		}
		return g.qualify(u.pkg.importPath, u.name)
	}
	panic("unreachable: schema node " + s.Type().String())
}

// isCollection reports whether s is an array or a map, whose nil value
// stands for null in a nullable union.
func isCollection(s schema.Schema) bool {
	t := s.Type()
	return t == schema.ArrayType || t == schema.MapType
}

// logicalGoType maps a logical type to its Go type.
func (m *model) logicalGoType(g *generatedFile, name string) (string, bool) {
	switch name {
	case "decimal":
		return g.qualify(m.runtimeImport(), "Decimal"), true
	case "big-decimal":
		return g.qualify(m.runtimeImport(), "BigDecimal"), true
	case "uuid":
		return g.qualify(m.runtimeImport(), "UUID"), true
	case "duration":
		return g.qualify(m.runtimeImport(), "Duration"), true
	case "date", "timestamp-millis", "timestamp-micros", "timestamp-nanos",
		"local-timestamp-millis", "local-timestamp-micros", "local-timestamp-nanos":
		return g.qualify("time", "Time"), true
	case "time-millis", "time-micros":
		return g.qualify("time", "Duration"), true
	}
	return "", false
}
