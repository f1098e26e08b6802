package breaking

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

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
	Unstable          []UnstableJSON `json:"unstable_namespaces,omitempty"`
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

// UnstableJSON is one skipped namespace pattern in JSON.
type UnstableJSON struct {
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
			Message: f.Message, Explanation: strings.TrimPrefix(f.Explanation, "category "+cat+": "), Fix: f.Fix,
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
		out.Unstable = append(out.Unstable, UnstableJSON(u))
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// CategoriesOf returns every category a rule is in, smallest first.
func CategoriesOf(r Rule) []string {
	if r.Category == categoryIgnore {
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
