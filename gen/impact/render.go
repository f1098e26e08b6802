package impact

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// WriteJSON writes the report as indented JSON.
func WriteJSON(w io.Writer, rep Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(rep)
}

// Short spells the verdict in a few words: the status and, when both
// directions were compared, each direction.
func (v Verdict) Short() string {
	s := strings.ReplaceAll(v.Status, "_", " ")
	if v.Backward != nil && v.Forward != nil && v.Status != Unchanged {
		s += fmt.Sprintf(" (BACKWARD %s, FORWARD %s)", okOr(*v.Backward), okOr(*v.Forward))
	}
	return s
}

func okOr(b bool) string {
	if b {
		return "ok"
	}
	return "breaks"
}

func (rep Report) headline() string {
	verdict := "nothing reached breaks"
	if rep.Breaking {
		verdict = "BREAKING"
	}
	return fmt.Sprintf("impact of the working tree against %s at %s: %s", rep.Against, rep.Level, verdict)
}

// shortName drops the namespace, for "via" chains.
func shortName(full string) string {
	_, s := splitName(full)
	return s
}

func via(path []string) string {
	parts := make([]string, len(path))
	for i, p := range path {
		parts[i] = shortName(p)
	}
	return strings.Join(parts, " ← ")
}

// WriteText writes the report as aligned sections, one line per thing
// reached, reasons indented under the changed types and the subjects.
func WriteText(w io.Writer, rep Report) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, rep.headline())
	section := func(title string, n int) bool {
		fmt.Fprintf(tw, "\n%s (%d)\n", title, n)
		return n > 0
	}
	reasons := func(v Verdict) {
		for _, r := range v.Reasons {
			fmt.Fprintf(tw, "      %s\n", r)
		}
	}
	if section("changed types", len(rep.Changed)) {
		for _, c := range rep.Changed {
			what := c.Kind + ", " + c.Status
			if c.From != "" {
				what += " from " + c.From
			}
			fmt.Fprintf(tw, "  %s\t%s\t%s\n", c.Name, what, c.Verdict.Short())
			for _, ch := range c.Changes {
				fmt.Fprintf(tw, "      %s\n", ch)
			}
			reasons(c.Verdict)
		}
	} else {
		fmt.Fprintln(tw, "  none: the schemas match the revision")
	}
	if section("subjects", len(rep.Subjects)) {
		for _, s := range rep.Subjects {
			fmt.Fprintf(tw, "  %s\t%s %s\t%s at %s\n", s.Subject, s.Role, s.Type, s.Verdict.Short(), s.Verdict.Level)
			reasons(s.Verdict)
		}
	}
	if section("events", len(rep.Events)) {
		for _, e := range rep.Events {
			fmt.Fprintf(tw, "  %s\ttopics %s\t%s\tvia %s\n", e.Type, orDash(strings.Join(e.Topics, ", ")), e.Verdict.Short(), via(e.Via))
		}
	}
	if section("topics", len(rep.Topics)) {
		for _, t := range rep.Topics {
			fmt.Fprintf(tw, "  %s\t%s\t%s\n", t.Topic, eventList(t.Events), t.Verdict.Short())
		}
	}
	if section("principals", len(rep.Principals)) {
		for _, p := range rep.Principals {
			fmt.Fprintf(tw, "  %s\t%s of %s\t%s\t%s\n", p.Principal, p.Role, strings.Join(p.Topics, ", "), p.Verdict.Short(), p.Owner)
		}
	}
	if section("go packages", len(rep.Packages)) {
		for _, p := range rep.Packages {
			fmt.Fprintf(tw, "  %s\t%s\t%s\n", p.Import, eventList(p.Types), p.Verdict.Short())
		}
	}
	return tw.Flush()
}

func eventList(types []string) string {
	out := make([]string, len(types))
	for i, t := range types {
		out[i] = shortName(t)
	}
	return strings.Join(out, ", ")
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// WriteMarkdown writes the report for a merge-request comment: a headline,
// then one table per section; reasons go in a details block.
func WriteMarkdown(w io.Writer, rep Report) error {
	b := &strings.Builder{}
	icon := "✅"
	if rep.Breaking {
		icon = "❌"
	}
	fmt.Fprintf(b, "### %s Impact against `%s` at %s\n\n", icon, rep.Against, rep.Level)
	if len(rep.Changed) == 0 {
		b.WriteString("No schema changed.\n")
		_, err := io.WriteString(w, b.String())
		return err
	}
	mark := func(v Verdict) string {
		switch {
		case v.Breaking():
			return "❌ " + v.Short()
		case v.Status == Unchanged:
			return v.Short()
		}
		return "✅ " + v.Short()
	}
	table := func(title string, header []string, rows [][]string) {
		if len(rows) == 0 {
			return
		}
		fmt.Fprintf(b, "**%s**\n\n| %s |\n|%s\n", title, strings.Join(header, " | "), strings.Repeat("---|", len(header)))
		for _, r := range rows {
			for i := range r {
				r[i] = strings.ReplaceAll(r[i], "|", "\\|")
			}
			fmt.Fprintf(b, "| %s |\n", strings.Join(r, " | "))
		}
		b.WriteString("\n")
	}
	var rows [][]string
	for _, c := range rep.Changed {
		rows = append(rows, []string{"`" + c.Name + "`", c.Status, strings.Join(c.Changes, "; "), mark(c.Verdict)})
	}
	table("Changed types", []string{"Type", "Status", "Changes", "Verdict"}, rows)
	rows = nil
	for _, s := range rep.Subjects {
		rows = append(rows, []string{"`" + s.Subject + "`", s.Role, s.Verdict.Level, mark(s.Verdict)})
	}
	table("Subjects", []string{"Subject", "Role", "Level", "Verdict"}, rows)
	rows = nil
	for _, e := range rep.Events {
		rows = append(rows, []string{"`" + e.Type + "`", orDash(strings.Join(e.Topics, ", ")), via(e.Via), mark(e.Verdict)})
	}
	table("Events", []string{"Event", "Topics", "Via", "Verdict"}, rows)
	rows = nil
	for _, t := range rep.Topics {
		rows = append(rows, []string{"`" + t.Topic + "`", eventList(t.Events), mark(t.Verdict)})
	}
	table("Topics", []string{"Topic", "Events", "Verdict"}, rows)
	rows = nil
	for _, p := range rep.Principals {
		rows = append(rows, []string{"`" + p.Principal + "`", p.Role, strings.Join(p.Topics, ", "), p.Owner, mark(p.Verdict)})
	}
	table("Producers and consumers", []string{"Principal", "Role", "Topics", "Declared by", "Verdict"}, rows)
	rows = nil
	for _, p := range rep.Packages {
		rows = append(rows, []string{"`" + p.Import + "`", eventList(p.Types), mark(p.Verdict)})
	}
	table("Go packages", []string{"Package", "Types", "Verdict"}, rows)
	var why []string
	said := map[string]bool{} // a reference subject's reasons are its type's
	for _, c := range rep.Changed {
		for _, r := range c.Verdict.Reasons {
			said[c.Name+"\x00"+r] = true
			why = append(why, "- `"+c.Name+"` "+r)
		}
	}
	for _, s := range rep.Subjects {
		for _, r := range s.Verdict.Reasons {
			if !said[s.Type+"\x00"+r] {
				why = append(why, "- `"+s.Subject+"` "+r)
			}
		}
	}
	if len(why) > 0 {
		fmt.Fprintf(b, "<details><summary>Why (%d)</summary>\n\n%s\n\n</details>\n", len(why), strings.Join(why, "\n"))
	}
	_, err := io.WriteString(w, b.String())
	return err
}
