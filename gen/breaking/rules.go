package breaking

import (
	"gitlab.com/acme/avroctl/gen/breaking/rules"
)

// The vocabulary lives in gen/breaking/rules (a leaf gen/config can
// import); these names keep this package's API whole.
const (
	Wire       = rules.Wire
	WireJSON   = rules.WireJSON
	GoAPI      = rules.GoAPI
	Registry   = rules.Registry
	LevelError = rules.LevelError
	LevelWarn  = rules.LevelWarn
	LevelInfo  = rules.LevelInfo
	DateLayout = rules.DateLayout
	Nesting    = rules.Nesting

	JSONFieldRenamed       = rules.JSONFieldRenamed
	JSONUnionBranchRenamed = rules.JSONUnionBranchRenamed
	JSONEnumSymbolRemoved  = rules.JSONEnumSymbolRemoved
	GoTypeRemoved          = rules.GoTypeRemoved
	GoTypeKindChanged      = rules.GoTypeKindChanged
	GoFieldRemoved         = rules.GoFieldRemoved
	GoFieldTypeChanged     = rules.GoFieldTypeChanged
	GoEnumSymbolRemoved    = rules.GoEnumSymbolRemoved
	GoFixedSizeChanged     = rules.GoFixedSizeChanged
	GoAPIChanged           = rules.GoAPIChanged
	RegistrySameVersion    = rules.RegistrySameVersion
	RegistryReferenceChg   = rules.RegistryReferenceChg
	CheckFailed            = rules.CheckFailed
	IgnoreExpired          = rules.IgnoreExpired
	IgnoreUnused           = rules.IgnoreUnused

	categoryIgnore = rules.Ignores
)

// Rule describes one rule (see gen/breaking/rules).
type Rule = rules.Rule

// Categories, Rules, RuleByID, IDs, InCategory, CategoriesOf and
// ResolverLevel are gen/breaking/rules'.
var (
	Categories    = rules.Categories
	Rules         = rules.Rules
	RuleByID      = rules.RuleByID
	IDs           = rules.IDs
	InCategory    = rules.InCategory
	CategoriesOf  = rules.CategoriesOf
	ResolverLevel = rules.ResolverLevel
	isCategory    = rules.IsCategory
)

// selection is the set of rules a configuration turns on.
type selection map[string]bool

// selectRules expands use (categories or rule IDs; default WIRE) minus
// except (categories or rule IDs). Unknown names are errors.
func selectRules(use, except []string) (selection, error) {
	if len(use) == 0 {
		use = []string{Wire}
	}
	expand := func(names []string) (map[string]bool, error) {
		out := map[string]bool{}
		for _, n := range names {
			if _, ok := RuleByID(n); ok {
				out[n] = true
				continue
			}
			if !isCategory(n) {
				return nil, &unknownRuleError{n}
			}
			for _, r := range Rules() {
				if InCategory(r, n) {
					out[r.ID] = true
				}
			}
		}
		return out, nil
	}
	on, err := expand(use)
	if err != nil {
		return nil, err
	}
	off, err := expand(except)
	if err != nil {
		return nil, err
	}
	// The ignore rules come with every category; except names them one by one.
	for id := range off {
		if r, _ := RuleByID(id); r.Category == categoryIgnore && !containsString(except, id) {
			delete(off, id)
		}
	}
	sel := selection{}
	for id := range on {
		if !off[id] {
			sel[id] = true
		}
	}
	return sel, nil
}

// anyOf reports whether a rule named (or in a category named) is selected:
// an ignore of rules that are not in use cannot match, and is not unused.
func (s selection) anyOf(names []string) bool {
	for _, n := range names {
		if s[n] {
			return true
		}
		for _, r := range Rules() {
			if s[r.ID] && r.Category != categoryIgnore && isCategory(n) && InCategory(r, n) {
				return true
			}
		}
	}
	return false
}

// anyOwn reports whether a rule whose own category is category is
// selected: the comparisons a category adds run only then.
func (s selection) anyOwn(category string) bool {
	for _, r := range Rules() {
		if s[r.ID] && r.Category == category {
			return true
		}
	}
	return false
}

type unknownRuleError struct{ name string }

func (e *unknownRuleError) Error() string {
	return "unknown breaking rule or category " + quote(e.name) + " (see avroctl breaking --list-rules)"
}

func quote(s string) string { return "\"" + s + "\"" }

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// categoryOf is the category shown with a finding: the rule's own (smallest)
// category, except that the checker's rules show as REGISTRY when only
// REGISTRY selected them.
func categoryOf(id string, use []string) string {
	r, ok := RuleByID(id)
	if !ok {
		return Wire
	}
	for _, c := range use {
		if c != Registry && InCategory(r, c) {
			return r.Category
		}
	}
	if containsString(use, Registry) && InCategory(r, Registry) {
		return Registry
	}
	return r.Category
}
