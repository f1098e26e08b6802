// Package rules names avroctl breaking's categories and rules: what each
// means, how the categories nest, and the settings' vocabulary. It is a
// leaf (it imports only gen/compat for the checker's rule IDs), so that
// gen/config can validate avroctl.yaml without depending on the check.
package rules

import (
	"fmt"
	"sort"

	"gitlab.com/acme/avroctl/gen/compat"
)

// The categories, as buf names its breaking categories. They nest the way
// buf's do (FILE ⊃ PACKAGE ⊃ WIRE_JSON ⊃ WIRE): every rule of a smaller
// category is also a rule of the larger ones, because whatever breaks the
// binary wire also breaks Avro JSON, and whatever breaks JSON also breaks
// the Go code generated from the schema.
//
//	WIRE ⊂ WIRE_JSON ⊂ GO_API
//	REGISTRY: its own set; REGISTRY ∩ WIRE is Java's checker rules
//	(the registry runs the checker, not the resolving reader)
const (
	// Wire: binary data written with one version is read with the other at
	// the configured compatibility level.
	Wire = "WIRE"
	// WireJSON: Wire plus what breaks Avro JSON text (field names, union
	// branch names, enum symbols).
	WireJSON = "WIRE_JSON"
	// GoAPI: WireJSON plus what breaks Go callers of the generated module.
	GoAPI = "GO_API"
	// Registry: what a Schema Registry decides when the schemas are
	// registered.
	Registry = "REGISTRY"
)

// Levels of a rule: an error fails the check (exit 1), a warning and an
// info are reported only.
const (
	LevelError = "error"
	LevelWarn  = "warn"
	LevelInfo  = "info"
)

// Rule IDs of avroctl breaking (the checker's own are compat.Type values).
const (
	JSONFieldRenamed       = "JSON_FIELD_RENAMED"
	JSONUnionBranchRenamed = "JSON_UNION_BRANCH_RENAMED"
	JSONEnumSymbolRemoved  = "JSON_ENUM_SYMBOL_REMOVED"

	GoTypeRemoved        = "GO_TYPE_REMOVED"
	GoTypeKindChanged    = "GO_TYPE_KIND_CHANGED"
	GoFieldRemoved       = "GO_FIELD_REMOVED"
	GoFieldTypeChanged   = "GO_FIELD_TYPE_CHANGED"
	GoEnumSymbolRemoved  = "GO_ENUM_SYMBOL_REMOVED"
	GoFixedSizeChanged   = "GO_FIXED_SIZE_CHANGED"
	GoAPIChanged         = "GO_API_CHANGED"
	RegistrySameVersion  = "REGISTRY_SAME_VERSION"
	RegistryReferenceChg = "REGISTRY_REFERENCE_CHANGED"

	CheckFailed   = "CHECK_FAILED"
	IgnoreExpired = "IGNORE_EXPIRED"
	IgnoreUnused  = "IGNORE_UNUSED"

	// Rules of other packages, spelled here so this package stays a leaf
	// (gen/breaking's tests check they match report's and gen/evolve's).
	SubjectRemoved    = "SUBJECT_REMOVED"
	ResolverRejects   = "RESOLVER_REJECTS"
	ResolverMayReject = "RESOLVER_MAY_REJECT"
	FieldRenamed      = "FIELD_RENAMED"
	TypeMoved         = "TYPE_MOVED"

	// Ignores is the pseudo-category of the rules about ignores: they come
	// with every category.
	Ignores = "IGNORES"
)

// Rule describes one rule: the smallest category it belongs to (it is in
// every category that nests that one), its default level, and what it
// means.
type Rule struct {
	ID       string
	Category string
	Level    string
	Doc      string
}

// Categories lists the categories, smallest first, with what each checks.
func Categories() []Rule {
	return []Rule{
		{ID: Wire, Doc: "binary data: each version reads the other's events at the configured compatibility level, by Java's checker and by the resolving reader consumers run"},
		{ID: WireJSON, Doc: "WIRE, plus Avro JSON text: field names, the full names that name union branches, and enum symbols, which JSON carries as text"},
		{ID: GoAPI, Doc: "WIRE_JSON, plus the exported Go API of the generated module (types, fields, field types, enum constants)"},
		{ID: Registry, Doc: "what a Schema Registry decides on register: the checker's rules at the level, a change that normalizes to the same schema (no new version), a referenced subject's new version"},
	}
}

var rules = func() []Rule {
	var out []Rule
	for _, t := range compat.AllTypes {
		out = append(out, Rule{ID: string(t), Category: Wire, Level: LevelError,
			Doc: "Java's SchemaCompatibility (the registry's check) reports " + string(t) + " at the configured level"})
	}
	out = append(out,
		Rule{CheckFailed, Wire, LevelError, "the checker could not finish (an ambiguous alias), so compatibility is not proven"},
		Rule{SubjectRemoved, Wire, LevelError, "a subject's .avsc exists at the base revision but not in the working tree (--allow-removed accepts it)"},
		Rule{ResolverRejects, Wire, LevelError, "the checker accepts the change but Java's resolving reader (every consumer, and the generated Go code) rejects it; breaking.resolver: warn makes it a warning"},
		Rule{ResolverMayReject, Wire, LevelWarn, "the checker accepts the change and avroctl's reader reads every value, but Java's reader fails on some valid data (its collection-size guard counts items by the reader's item type)"},
		Rule{FieldRenamed, Wire, LevelInfo, "a removed field and an added field look like a rename: the alias that keeps old data readable"},
		Rule{TypeMoved, Wire, LevelInfo, "a named type's full name changed: the alias that keeps old data readable"},
		Rule{JSONFieldRenamed, WireJSON, LevelError, "a field was renamed with an alias: binary data still resolves, but the field's key in Avro JSON changed, and a JSON reader without the writer's schema does not apply aliases"},
		Rule{JSONUnionBranchRenamed, WireJSON, LevelError, "a record, enum or fixed used as a union branch changed its full name: Avro JSON names a union value by the branch's full name ({\"com.acme.Money\": {...}}), so the JSON changes even when an alias keeps binary data readable"},
		Rule{JSONEnumSymbolRemoved, WireJSON, LevelError, "an enum symbol was removed or renamed: binary readers fall back to the enum default, but Avro JSON carries the symbol as text and a JSON reader on the new schema rejects it"},
		Rule{GoTypeRemoved, GoAPI, LevelError, "a generated Go type was removed (a named type removed, renamed or moved to another namespace)"},
		Rule{GoTypeKindChanged, GoAPI, LevelError, "a named type changed kind (record, enum, fixed): its generated Go type changes"},
		Rule{GoFieldRemoved, GoAPI, LevelError, "an exported field of a generated struct was removed (a field removed or renamed, even with an alias)"},
		Rule{GoFieldTypeChanged, GoAPI, LevelError, "a field's generated Go type changed (for example int to long, or optional to required)"},
		Rule{GoEnumSymbolRemoved, GoAPI, LevelError, "a generated enum constant was removed"},
		Rule{GoFixedSizeChanged, GoAPI, LevelError, "a fixed type's size (its Go array length) changed"},
		Rule{GoAPIChanged, GoAPI, LevelError, "another change of the generated Go API that gen/release classifies as breaking"},
		Rule{RegistrySameVersion, Registry, LevelInfo, "the file changed only in form: the registry prints it (or, with normalize=true, normalizes it) to the registered text, so it returns the existing version and creates none"},
		Rule{RegistryReferenceChg, Registry, LevelWarn, "a subject uses a named type that is a subject of its own and changed: registering creates a new version of the referenced subject, and the referring subject's references point at it"},
		Rule{IgnoreExpired, Ignores, LevelError, "an ignore's until date has passed: it no longer applies, renew or remove it"},
		Rule{IgnoreUnused, Ignores, LevelWarn, "an ignore matched no finding: remove it"},
	)
	return out
}()

// Rules returns every rule, sorted by category (smallest first) then ID.
func Rules() []Rule {
	out := append([]Rule(nil), rules...)
	order := map[string]int{Wire: 0, WireJSON: 1, GoAPI: 2, Registry: 3, Ignores: 4}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Category != out[j].Category {
			return order[out[i].Category] < order[out[j].Category]
		}
		return out[i].ID < out[j].ID
	})
	return out
}

// RuleByID returns the rule with id.
func RuleByID(id string) (Rule, bool) {
	for _, r := range rules {
		if r.ID == id {
			return r, true
		}
	}
	return Rule{}, false
}

// IDs returns every category name and rule ID a configuration may name.
func IDs() []string {
	var out []string
	for _, c := range Categories() {
		out = append(out, c.ID)
	}
	for _, r := range Rules() {
		out = append(out, r.ID)
	}
	return out
}

// InCategory reports whether rule is in category (directly or by nesting).
// The registry's rules are the checker's rules plus its own; the ignore
// rules are in every category.
func InCategory(rule Rule, category string) bool {
	if rule.Category == Ignores {
		return true
	}
	switch category {
	case Wire:
		return rule.Category == Wire
	case WireJSON:
		return rule.Category == Wire || rule.Category == WireJSON
	case GoAPI:
		return rule.Category == Wire || rule.Category == WireJSON || rule.Category == GoAPI
	case Registry:
		return rule.Category == Registry || isCheckerRule(rule.ID)
	}
	return false
}

func isCheckerRule(id string) bool {
	if id == CheckFailed {
		return true
	}
	for _, t := range compat.AllTypes {
		if string(t) == id {
			return true
		}
	}
	return false
}

// IsCategory reports whether name is a category.
func IsCategory(name string) bool {
	for _, c := range Categories() {
		if c.ID == name {
			return true
		}
	}
	return false
}

// CategoriesOf returns every category a rule is in, smallest first.
func CategoriesOf(r Rule) []string {
	if r.Category == Ignores {
		return []string{"(all)"}
	}
	var out []string
	for _, c := range Categories() {
		if InCategory(r, c.ID) {
			out = append(out, c.ID)
		}
	}
	return out
}

// DateLayout is the layout of an ignore's until date.
const DateLayout = "2006-01-02"

// Nesting is how the categories nest, stated as buf states its own
// (FILE ⊃ PACKAGE ⊃ WIRE_JSON ⊃ WIRE).
const Nesting = "WIRE ⊂ WIRE_JSON ⊂ GO_API; REGISTRY = the checker's rules (shared with WIRE) + its own"

// ResolverLevel validates a breaking.resolver setting ("" is error).
func ResolverLevel(s string) (string, error) {
	switch s {
	case "", LevelError:
		return LevelError, nil
	case LevelWarn:
		return LevelWarn, nil
	}
	return "", fmt.Errorf("resolver %q: want warn or error", s)
}
