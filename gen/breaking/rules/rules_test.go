package rules

import "testing"

// TestEveryRuleIsListed: every rule has a known category, a level and a
// doc, IDs are unique, and IDs() has every category and rule.
func TestEveryRuleIsListed(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range Rules() {
		if seen[r.ID] {
			t.Errorf("%s listed twice", r.ID)
		}
		seen[r.ID] = true
		if !IsCategory(r.Category) && r.Category != Ignores {
			t.Errorf("%s: category %q", r.ID, r.Category)
		}
		if r.Level != LevelError && r.Level != LevelWarn && r.Level != LevelInfo || r.Doc == "" {
			t.Errorf("%s: level %q doc %q", r.ID, r.Level, r.Doc)
		}
	}
	if got, want := len(IDs()), len(Rules())+len(Categories()); got != want {
		t.Errorf("IDs() has %d names, want %d", got, want)
	}
	if l, err := ResolverLevel(""); l != LevelError || err != nil {
		t.Errorf("default resolver level %q, %v", l, err)
	}
}
