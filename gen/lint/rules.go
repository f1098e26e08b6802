// Package lint checks Avro schemas against rules of style and of safe
// evolution, the way `buf lint` does for Protobuf: each rule has a stable
// ID, rules are grouped in categories (MINIMAL ⊂ BASIC ⊂ DEFAULT, plus
// COMMENTS), and each finding is located in the .avdl or .avsc source and
// says how to fix it.
//
// Compatibility between versions is gen/compat's job; the rules here look at
// one version and catch what makes the *next* change hard or wrong: an enum
// without a default cannot gain symbols under FORWARD, an optional field
// without a default cannot be removed, a misspelt logicalType is silently
// ignored by every Avro library, money in a double loses cents.
package lint

import (
	"sort"
	"strings"

	"gitlab.com/acme/avroctl/gen/schema"
)

// Categories, from the smallest set to the largest. DEFAULT is what runs
// when the configuration says nothing.
const (
	Minimal  = "MINIMAL"  // almost certainly a mistake
	Basic    = "BASIC"    // naming conventions
	Default  = "DEFAULT"  // evolution safety and domain types
	Comments = "COMMENTS" // documentation; not in DEFAULT
)

// categoryOrder is the nesting: a rule in MINIMAL is also in BASIC and
// DEFAULT, one in BASIC also in DEFAULT.
var categoryOrder = []string{Minimal, Basic, Default}

// Rule is one lint rule.
type Rule struct {
	ID string
	// Category is the smallest category the rule belongs to.
	Category string
	// Purpose is one line for `avroctl lint --list-rules`.
	Purpose string
	check   func(c *checker, t schema.NamedSchema)
}

// Categories returns the categories the rule is in, smallest first.
func (r Rule) Categories() []string {
	if r.Category == Comments {
		return []string{Comments}
	}
	for i, c := range categoryOrder {
		if c == r.Category {
			return append([]string(nil), categoryOrder[i:]...)
		}
	}
	return []string{r.Category}
}

// The rule IDs.
const (
	LogicalTypeKnown       = "LOGICAL_TYPE_KNOWN"
	FieldNameCaseCollision = "FIELD_NAME_CASE_COLLISION"
	TypePascalCase         = "TYPE_PASCAL_CASE"
	FieldLowerCamelCase    = "FIELD_LOWER_CAMEL_CASE"
	EnumSymbolUpperSnake   = "ENUM_SYMBOL_UPPER_SNAKE_CASE"
	NamespaceLowerCase     = "NAMESPACE_LOWER_CASE"
	NamespaceRequired      = "NAMESPACE_REQUIRED"
	EnumDefault            = "ENUM_DEFAULT"
	OptionalFieldDefault   = "OPTIONAL_FIELD_DEFAULT"
	MoneyNotFloat          = "MONEY_NOT_FLOAT"
	TimestampLogicalType   = "TIMESTAMP_LOGICAL_TYPE"
	TypeDoc                = "TYPE_DOC"
	FieldDoc               = "FIELD_DOC"
)

var rules = []Rule{
	{LogicalTypeKnown, Minimal, "a logicalType is one Avro knows, valid for its base type (others are silently ignored)", checkLogicalTypes},
	{FieldNameCaseCollision, Minimal, "no two fields of a record differ only in case or underscores", checkCaseCollisions},
	{TypePascalCase, Basic, "record, enum and fixed names are PascalCase", checkTypeName},
	{FieldLowerCamelCase, Basic, "field names are lowerCamelCase", checkFieldNames},
	{EnumSymbolUpperSnake, Basic, "enum symbols are UPPER_SNAKE_CASE", checkEnumSymbols},
	{NamespaceLowerCase, Basic, "namespaces are lower-case dotted segments", checkNamespaceCase},
	{NamespaceRequired, Default, "every named type has a namespace", checkNamespaceRequired},
	{EnumDefault, Default, "enums declare a default symbol, so that adding a symbol is forward compatible", checkEnumDefault},
	{OptionalFieldDefault, Default, "a field whose type includes null has a default, so that it can be added and removed compatibly", checkOptionalDefault},
	{MoneyNotFloat, Default, "amounts of money are decimals, never float or double", checkMoney},
	{TimestampLogicalType, Default, "a long field named like a point in time (…At, …Timestamp) carries a timestamp logical type", checkTimestamps},
	{TypeDoc, Comments, "every named type has a doc comment", checkTypeDoc},
	{FieldDoc, Comments, "every field has a doc comment", checkFieldDoc},
}

// Rules returns every rule, sorted by category then ID.
func Rules() []Rule {
	out := append([]Rule(nil), rules...)
	rank := map[string]int{Minimal: 0, Basic: 1, Default: 2, Comments: 3}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Category != out[j].Category {
			return rank[out[i].Category] < rank[out[j].Category]
		}
		return out[i].ID < out[j].ID
	})
	return out
}

// ruleByID returns the rule with the given ID.
func ruleByID(id string) (Rule, bool) {
	for _, r := range rules {
		if r.ID == id {
			return r, true
		}
	}
	return Rule{}, false
}

// IDs returns every rule ID and category name, for error messages and
// shell completion.
func IDs() []string {
	ids := []string{Minimal, Basic, Default, Comments}
	for _, r := range Rules() {
		ids = append(ids, r.ID)
	}
	return ids
}

// expand turns a list of rule IDs and category names into rule IDs.
func expand(names []string) (map[string]bool, []string) {
	set := map[string]bool{}
	var unknown []string
	for _, n := range names {
		n = strings.ToUpper(strings.TrimSpace(n))
		if r, ok := ruleByID(n); ok {
			set[r.ID] = true
			continue
		}
		found := false
		for _, r := range rules {
			for _, c := range r.Categories() {
				if c == n {
					set[r.ID] = true
					found = true
				}
			}
		}
		if !found {
			unknown = append(unknown, n)
		}
	}
	return set, unknown
}
