package report

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"strings"
)

// Print writes the report in format f.
func Print(w io.Writer, f Format, r Report) error {
	switch f {
	case Text:
		return printText(w, r)
	case JSON:
		return printJSON(w, r)
	case JUnit:
		return printJUnit(w, r)
	case GitLabCodeQuality:
		return printCodeQuality(w, r)
	}
	return fmt.Errorf("unknown error format %v", f)
}

// printText writes one "source: TYPE location: message" line per finding,
// with the explanation and the fix indented below it.
func printText(w io.Writer, r Report) error {
	var b strings.Builder
	for _, s := range r.Subjects {
		switch s.Status {
		case "new":
			fmt.Fprintf(&b, "%s: new subject %s (nothing to check against)\n", orDash(s.Path), s.Name)
		case "removed-allowed":
			fmt.Fprintf(&b, "%s: subject %s was removed (allowed by --allow-removed)\n", orDash(s.Path), s.Name)
		}
	}
	for _, f := range r.Findings {
		fmt.Fprintf(&b, "%s: %s %s: %s\n", f.where(), f.Type, f.Location, f.Message)
		if f.Explanation != "" {
			fmt.Fprintf(&b, "    %s\n", f.Explanation)
		}
		if f.Fix != "" {
			fmt.Fprintf(&b, "    fix: %s\n", f.Fix)
		}
	}
	if r.Kind == KindLint {
		if r.Compatible {
			fmt.Fprintf(&b, "no lint findings (%s checked)\n", r.Checked)
		} else {
			fmt.Fprintf(&b, "%d lint finding(s)\n", len(r.Findings))
		}
	} else if r.Kind == KindPlan {
		if r.Compatible {
			b.WriteString("no changes\n")
		} else {
			fmt.Fprintf(&b, "%d change(s)\n", len(r.Findings))
		}
	} else if r.Compatible {
		if len(r.Subjects) > 0 {
			fmt.Fprintf(&b, "compatible: %d subject(s) checked\n", len(r.Subjects))
		} else {
			b.WriteString("compatible\n")
		}
	} else {
		fmt.Fprintf(&b, "incompatible: %d finding(s)\n", len(r.Findings))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// Wire structs: only these carry JSON tags, and their field order is the
// output's key order.
type jsonReport struct {
	Compatible        bool          `json:"compatible"`
	Incompatibilities []jsonFinding `json:"incompatibilities"`
	Subjects          []jsonSubject `json:"subjects,omitempty"`
}

type jsonFinding struct {
	Subject     string `json:"subject,omitempty"`
	Type        string `json:"type"`
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

type jsonLintReport struct {
	Findings []jsonLintFinding `json:"findings"`
}

type jsonLintFinding struct {
	Rule     string `json:"rule"`
	Location string `json:"location"`
	Source   string `json:"source"`
	Message  string `json:"message"`
	Fix      string `json:"fix"`
}

// printJSON writes {"compatible":bool,"incompatibilities":[...]}; a
// multi-subject report adds "subject" to each finding and a "subjects" list.
// A lint report is {"findings":[{"rule", ...}]}.
func printJSON(w io.Writer, r Report) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if r.Kind == KindLint {
		out := jsonLintReport{Findings: []jsonLintFinding{}}
		for _, f := range r.Findings {
			out.Findings = append(out.Findings, jsonLintFinding{f.Type, f.Location, f.where(), f.Message, f.Fix})
		}
		return enc.Encode(out)
	}
	out := jsonReport{Compatible: r.Compatible, Incompatibilities: []jsonFinding{}}
	for _, f := range r.Findings {
		src := f.where()
		if src == "-" {
			src = ""
		}
		out.Incompatibilities = append(out.Incompatibilities, jsonFinding{
			Subject: f.Subject, Type: f.Type, Location: f.Location, Source: src,
			Message: f.Message, Explanation: f.Explanation, Fix: f.Fix,
		})
	}
	for _, s := range r.Subjects {
		out.Subjects = append(out.Subjects, jsonSubject{s.Name, s.Path, s.Status})
	}
	return enc.Encode(out)
}

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	ClassName string        `xml:"classname,attr"`
	File      string        `xml:"file,attr,omitempty"`
	Failure   *junitFailure `xml:"failure,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Body    string `xml:",chardata"`
}

// printJUnit writes JUnit XML as GitLab's test report parser reads it: one
// failing test case per finding, one passing case per clean subject (or one
// for a clean single check).
func printJUnit(w io.Writer, r Report) error {
	suite := junitSuite{Name: "avroctl compatibility"}
	clean, class := "compatible", "compat"
	switch r.Kind {
	case KindLint:
		suite.Name, clean, class = "avroctl lint", "no lint findings", "lint"
	case KindPlan:
		suite.Name, clean, class = "avroctl kafka plan", "no changes", "plan"
	}
	failed := map[string]bool{}
	for _, f := range r.Findings {
		class := f.Subject
		if class == "" {
			class = orDash(f.file())
		}
		failed[f.Subject] = true
		body := f.where() + ": " + f.Type + " " + f.Location + ": " + f.Message
		if f.Explanation != "" {
			body += "\n" + f.Explanation
		}
		if f.Fix != "" {
			body += "\nfix: " + f.Fix
		}
		suite.Cases = append(suite.Cases, junitCase{
			Name:      f.Type + " " + f.Location,
			ClassName: class,
			File:      f.file(),
			Failure:   &junitFailure{Message: f.Message, Type: f.Type, Body: body},
		})
		suite.Failures++
	}
	for _, s := range r.Subjects {
		if !failed[s.Name] {
			suite.Cases = append(suite.Cases, junitCase{Name: s.Status, ClassName: s.Name, File: s.Path})
		}
	}
	if len(r.Subjects) == 0 && len(r.Findings) == 0 {
		suite.Cases = append(suite.Cases, junitCase{Name: clean, ClassName: class})
	}
	suite.Tests = len(suite.Cases)
	doc := junitSuites{Tests: suite.Tests, Failures: suite.Failures, Suites: []junitSuite{suite}}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

type codeQualityIssue struct {
	Description string              `json:"description"`
	CheckName   string              `json:"check_name"`
	Fingerprint string              `json:"fingerprint"`
	Severity    string              `json:"severity"`
	Location    codeQualityLocation `json:"location"`
}

type codeQualityLocation struct {
	Path  string           `json:"path"`
	Lines codeQualityLines `json:"lines"`
}

type codeQualityLines struct {
	Begin int `json:"begin"`
}

// printCodeQuality writes GitLab Code Quality JSON. The fingerprint hashes
// what identifies a finding but not its line, so moving a field up or down
// does not make GitLab report it as new.
func printCodeQuality(w io.Writer, r Report) error {
	issues := []codeQualityIssue{}
	for _, f := range r.Findings {
		line := f.Source.Line
		if line < 1 {
			line = 1
		}
		severity := f.Severity
		switch {
		case severity != "":
		case f.Type == SubjectRemoved:
			severity = "critical"
		default:
			severity = "major"
		}
		issues = append(issues, codeQualityIssue{
			Description: f.Type + " " + f.Location + ": " + f.Message,
			CheckName:   f.Type,
			Fingerprint: Fingerprint(f),
			Severity:    severity,
			Location:    codeQualityLocation{Path: orDash(f.file()), Lines: codeQualityLines{Begin: line}},
		})
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(issues)
}

// Fingerprint is the stable identity of a finding: sha256 over subject,
// file, type, location and message.
func Fingerprint(f Finding) string {
	h := sha256.New()
	for _, s := range []string{f.Subject, f.file(), f.Type, f.Location, f.Message} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))
}
