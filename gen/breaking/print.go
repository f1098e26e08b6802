package breaking

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"gitlab.com/acme/avroctl/gen/compat/report"
)

// Print writes the result in format f. Text and JSON add the audit trail
// (every ignore, what it silenced, and the skipped unstable namespaces);
// JUnit and GitLab Code Quality carry the findings only, with the category
// in each explanation and warnings and infos at a lower severity.
func Print(w io.Writer, f report.Format, r Result) error {
	switch f {
	case report.Text:
		if err := report.Print(w, f, r.Report); err != nil {
			return err
		}
		_, err := io.WriteString(w, r.auditText())
		return err
	case report.JSON:
		return r.printJSON(w)
	}
	return report.Print(w, f, r.Report)
}

func (r Result) auditText() string {
	var b strings.Builder
	if len(r.Applied) > 0 {
		b.WriteString("ignores (audit trail):\n")
		for _, a := range r.Applied {
			ig := a.Ignore
			fmt.Fprintf(&b, "  %s: %s%s", ig.From(), strings.Join(ig.Rules, ","), ig.scope())
			if !ig.Until.IsZero() {
				fmt.Fprintf(&b, " until %s", ig.Until.Format(DateLayout))
			}
			switch {
			case a.Expired:
				b.WriteString(": expired, silenced nothing")
			default:
				fmt.Fprintf(&b, ": silenced %d finding(s)", a.Matched)
			}
			fmt.Fprintf(&b, "; reason: %q\n", ig.Reason)
		}
	}
	for _, u := range r.Unstable {
		fmt.Fprintf(&b, "unstable namespace %q: skipped %d finding(s)\n", u.Pattern, u.Matched)
	}
	return b.String()
}

// scope is " type=... field=... path=..." for a config ignore.
func (ig Ignore) scope() string {
	var parts []string
	if ig.Path != "" {
		parts = append(parts, "path="+ig.Path)
	}
	if ig.Type != "" {
		parts = append(parts, "type="+ig.Type)
	}
	if ig.Field != "" {
		parts = append(parts, "field="+ig.Field)
	}
	if len(parts) == 0 {
		return ""
	}
	return " " + strings.Join(parts, " ")
}

// JSON: the keys of report's compatibility JSON (compatible,
// incompatibilities, subjects) plus category and level per finding and the
// audit trail, so existing consumers keep working.
type jsonResult struct {
	Compatible        bool           `json:"compatible"`
	Use               []string       `json:"use"`
	Resolver          string         `json:"resolver"`
	Incompatibilities []jsonFinding  `json:"incompatibilities"`
	Subjects          []jsonSubject  `json:"subjects,omitempty"`
	Ignores           []jsonIgnore   `json:"ignores"`
	Unstable          []jsonUnstable `json:"unstable_namespaces,omitempty"`
}

type jsonFinding struct {
	Subject     string `json:"subject,omitempty"`
	Type        string `json:"type"`
	Category    string `json:"category"`
	Level       string `json:"level"`
	Location    string `json:"location"`
	Source      string `json:"source"`
	Message     string `json:"message"`
	Explanation string `json:"explanation"`
	Fix         string `json:"fix"`
}

type jsonSubject struct {
	Subject string `json:"subject"`
	Path    string `json:"path"`
	Status  string `json:"status"`
}

type jsonIgnore struct {
	Rules   []string `json:"rules"`
	Source  string   `json:"source"`
	Path    string   `json:"path,omitempty"`
	Type    string   `json:"type,omitempty"`
	Field   string   `json:"field,omitempty"`
	Reason  string   `json:"reason"`
	Until   string   `json:"until,omitempty"`
	Expired bool     `json:"expired"`
	Matched int      `json:"matched"`
}

// jsonUnstable is one skipped namespace pattern in JSON.
type jsonUnstable struct {
	Pattern string `json:"pattern"`
	Matched int    `json:"matched"`
}

func (r Result) printJSON(w io.Writer) error {
	out := jsonResult{Compatible: r.Report.Compatible, Use: r.Use, Resolver: r.Resolver,
		Incompatibilities: []jsonFinding{}, Ignores: []jsonIgnore{}}
	for _, f := range r.Report.Findings {
		cat := r.Category(f)
		src := f.Source.String()
		if f.Source.Filename == "" && f.Path != "" {
			p := f.Source
			p.Filename = f.Path
			src = p.String()
		}
		if src == "-" {
			src = ""
		}
		out.Incompatibilities = append(out.Incompatibilities, jsonFinding{
			Subject: f.Subject, Type: f.Type, Category: cat, Level: r.Level(f), Location: f.Location, Source: src,
			Message: f.Message, Explanation: withoutCategory(f.Explanation), Fix: f.Fix,
		})
	}
	for _, s := range r.Report.Subjects {
		out.Subjects = append(out.Subjects, jsonSubject{s.Name, s.Path, s.Status})
	}
	for _, a := range r.Applied {
		ig := a.Ignore
		j := jsonIgnore{Rules: ig.Rules, Source: ig.From(), Path: ig.Path, Type: ig.Type, Field: ig.Field,
			Reason: ig.Reason, Expired: a.Expired, Matched: a.Matched}
		if !ig.Until.IsZero() {
			j.Until = ig.Until.Format(DateLayout)
		}
		out.Ignores = append(out.Ignores, j)
	}
	for _, u := range r.Unstable {
		out.Unstable = append(out.Unstable, jsonUnstable(u))
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// withoutCategory drops the "category X (level): " lead of an explanation:
// JSON has category and level as keys.
func withoutCategory(expl string) string {
	if strings.HasPrefix(expl, "category ") {
		if i := strings.Index(expl, ": "); i >= 0 {
			return expl[i+2:]
		}
	}
	return expl
}

// PrintRules writes the categories and every rule with the categories
// that include it, as text or JSON (avroctl breaking --list-rules).
func PrintRules(w io.Writer, asJSON bool) error {
	type jsonCategory struct {
		Name string `json:"name"`
		Doc  string `json:"doc"`
	}
	type jsonRule struct {
		ID         string   `json:"id"`
		Categories []string `json:"categories"`
		Level      string   `json:"level"`
		Doc        string   `json:"doc"`
	}
	if asJSON {
		out := struct {
			Nesting    string         `json:"nesting"`
			Default    []string       `json:"default"`
			Categories []jsonCategory `json:"categories"`
			Rules      []jsonRule     `json:"rules"`
		}{Nesting: Nesting, Default: []string{Wire}}
		for _, c := range Categories() {
			out.Categories = append(out.Categories, jsonCategory{c.ID, c.Doc})
		}
		for _, r := range Rules() {
			out.Rules = append(out.Rules, jsonRule{r.ID, CategoriesOf(r), r.Level, r.Doc})
		}
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "categories (%s; default WIRE):\n", Nesting)
	for _, c := range Categories() {
		fmt.Fprintf(&b, "  %-10s %s\n", c.ID, c.Doc)
	}
	b.WriteString("\nrules:\n")
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  ID\tCATEGORIES\tLEVEL\tDOC")
	for _, r := range Rules() {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", r.ID, strings.Join(CategoriesOf(r), ","), r.Level, r.Doc)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := io.WriteString(w, b.String())
	return err
}
