package diff

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// WriteJSON writes the report as indented JSON.
func WriteJSON(w io.Writer, rep Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(rep)
}

// Describe spells a change in one line.
func (c Change) Describe() string {
	switch c.Kind {
	case FieldAdded:
		return fmt.Sprintf("field %s added: %s", c.Field, c.New)
	case FieldRemoved:
		return fmt.Sprintf("field %s removed (was %s)", c.Field, c.Old)
	case FieldRenamed:
		return fmt.Sprintf("field %s renamed to %s (%s)", c.Old, c.New, c.How)
	case FieldRetyped:
		if c.Field == "" {
			return fmt.Sprintf("logical type %s → %s", orNone(c.Old), orNone(c.New))
		}
		return fmt.Sprintf("field %s retyped: %s → %s", c.Field, c.Old, c.New)
	case FieldDefaultChanged:
		return fmt.Sprintf("field %s default: %s → %s", c.Field, c.Old, c.New)
	case FieldDocChanged:
		return fmt.Sprintf("field %s doc: %q → %q", c.Field, c.Old, c.New)
	case FieldOrderChanged:
		return fmt.Sprintf("field %s order: %s → %s", c.Field, c.Old, c.New)
	case FieldsReordered:
		return fmt.Sprintf("fields reordered: %s → %s", c.Old, c.New)
	case UnionBranchAdded:
		return fmt.Sprintf("field %s: union branch %s added", c.Field, c.New)
	case UnionBranchRemoved:
		return fmt.Sprintf("field %s: union branch %s removed", c.Field, c.Old)
	case EnumSymbolAdded:
		return "symbol " + c.New + " added"
	case EnumSymbolRemoved:
		return "symbol " + c.Old + " removed"
	case EnumSymbolsReorder:
		return fmt.Sprintf("symbols reordered: %s → %s", c.Old, c.New)
	case EnumDefaultChanged:
		return fmt.Sprintf("enum default: %s → %s", c.Old, c.New)
	case FixedSizeChanged:
		return fmt.Sprintf("size: %s → %s", c.Old, c.New)
	case TypeDocChanged:
		return fmt.Sprintf("doc: %q → %q", c.Old, c.New)
	case TypeAliasesChanged:
		return fmt.Sprintf("aliases: [%s] → [%s]", c.Old, c.New)
	case TypeKindChanged:
		return fmt.Sprintf("kind: %s → %s", c.Old, c.New)
	}
	return c.Kind
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

func (t Type) headline() string {
	switch t.Status {
	case "moved":
		return fmt.Sprintf("%s %s (moved from %s, %s)", t.Kind, t.Name, t.From, t.How)
	default:
		return fmt.Sprintf("%s %s (%s)", t.Kind, t.Name, t.Status)
	}
}

func verdictWord(v Verdict) string {
	if v.Compatible && v.Resolver != "" {
		return "compatible for the registry, but a consumer's resolving reader REJECTS it: " + v.Resolver
	}
	if v.Compatible {
		return "compatible"
	}
	return "INCOMPATIBLE"
}

// WriteText writes the report for a terminal.
func WriteText(w io.Writer, rep Report) error {
	var b strings.Builder
	if !rep.Changed {
		fmt.Fprintf(&b, "no changes between %s and %s\n", rep.A, rep.B)
		_, err := io.WriteString(w, b.String())
		return err
	}
	fmt.Fprintf(&b, "diff %s → %s\n", rep.A, rep.B)
	for _, t := range rep.Types {
		fmt.Fprintf(&b, "\n%s\n", t.headline())
		for _, c := range t.Changes {
			fmt.Fprintf(&b, "  %-22s %s\n", c.Kind, c.Describe())
		}
		for _, v := range t.Verdicts {
			fmt.Fprintf(&b, "  %-8s %s", v.Level, verdictWord(v))
			if v.Reason != "" {
				fmt.Fprintf(&b, ": %s", v.Reason)
			}
			b.WriteString("\n")
		}
	}
	var parts []string
	for _, v := range rep.Verdicts {
		parts = append(parts, v.Level+" "+verdictWord(v))
	}
	fmt.Fprintf(&b, "\nverdict: %s (of the types in both; the transitive levels are the same for two versions)\n", strings.Join(parts, "; "))
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteMarkdown writes the report as a merge-request comment: a verdict
// table, then a table of changes per type.
func WriteMarkdown(w io.Writer, rep Report) error {
	var b strings.Builder
	fmt.Fprintf(&b, "### Schema diff `%s` → `%s`\n\n", mdCode(rep.A), mdCode(rep.B))
	if !rep.Changed {
		b.WriteString("No changes.\n")
		_, err := io.WriteString(w, b.String())
		return err
	}
	b.WriteString("| Level | Verdict |\n|---|---|\n")
	for _, v := range rep.Verdicts {
		fmt.Fprintf(&b, "| %s | %s |\n", v.Level, mdVerdict(v))
	}
	for _, t := range rep.Types {
		fmt.Fprintf(&b, "\n#### %s `%s` — %s", t.Kind, mdCode(t.Name), t.Status)
		if t.From != "" {
			fmt.Fprintf(&b, " from `%s` (%s)", mdCode(t.From), t.How)
		}
		b.WriteString("\n")
		if len(t.Changes) > 0 {
			b.WriteString("\n| Change | Field | Before | After |\n|---|---|---|---|\n")
			for _, c := range t.Changes {
				fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", c.Kind, mdCell(c.Field), mdCell(c.Old), mdCell(c.New))
			}
		}
		if len(t.Verdicts) > 0 {
			b.WriteString("\n")
			for i, v := range t.Verdicts {
				if i > 0 {
					b.WriteString(" · ")
				}
				fmt.Fprintf(&b, "%s %s", v.Level, mdVerdict(v))
			}
			b.WriteString("\n")
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func mdVerdict(v Verdict) string {
	if v.Compatible && v.Resolver != "" {
		return "⚠️ registry accepts, a consumer's resolving reader rejects: " + mdEscape(v.Resolver)
	}
	if v.Compatible {
		return "✅ compatible"
	}
	return "❌ incompatible: " + mdEscape(v.Reason)
}

func mdCode(s string) string { return strings.ReplaceAll(s, "`", "'") }

func mdCell(s string) string {
	if s == "" {
		return ""
	}
	return "`" + mdCode(mdEscape(s)) + "`"
}

// mdEscape keeps a value in its table cell.
func mdEscape(s string) string {
	s = strings.ReplaceAll(s, "|", "\\|")
	return strings.ReplaceAll(s, "\n", " ")
}
