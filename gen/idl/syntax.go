package idl

import (
	"fmt"
	"strings"

	"gitlab.com/acme/avroctl/gen/schema"
)

// TypeSyntax spells a type as Avro IDL writes it in a field declaration:
// primitives and their logical-type keywords (timestamp_ms, decimal(9,2),
// ...), named types by simple name, array<T>, map<T>, T? for [null, T] and
// union { ... }. Compatibility explanations and lint fixes use it to write
// suggestions in the syntax the user edits.
func TypeSyntax(s schema.Schema) string {
	switch s := s.(type) {
	case *schema.Primitive:
		l := schema.LogicalOf(s)
		switch l.Name {
		case "date", "uuid":
			return l.Name
		case "time-millis":
			return "time_ms"
		case "timestamp-millis":
			return "timestamp_ms"
		case "local-timestamp-millis":
			return "local_timestamp_ms"
		case "decimal":
			return fmt.Sprintf("decimal(%d,%d)", l.Precision, l.Scale)
		}
		return s.T.String()
	case schema.NamedSchema:
		return s.Names().Name
	case *schema.Array:
		return "array<" + TypeSyntax(s.Items) + ">"
	case *schema.Map:
		return "map<" + TypeSyntax(s.Values) + ">"
	case *schema.Union:
		if len(s.Branches) == 2 && s.Branches[0].Type() == schema.Null && s.Branches[1].Type() != schema.Null {
			return TypeSyntax(s.Branches[1]) + "?"
		}
		parts := make([]string, len(s.Branches))
		for i, b := range s.Branches {
			parts[i] = TypeSyntax(b)
		}
		return "union { " + strings.Join(parts, ", ") + " }"
	}
	return "?"

}
