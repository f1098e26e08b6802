package report

import (
	"sort"

	"gitlab.com/acme/avroctl/gen/compat"
	"gitlab.com/acme/avroctl/gen/schema"
)

// Finding is one problem to report. It is plain data: compat's
// incompatibilities become findings, and so do problems that are not about
// two schemas (a removed subject).
type Finding struct {
	// Subject is the registry subject or schema file the finding is about;
	// empty for a single reader/writer check.
	Subject string
	// Path is the file to blame when Source has no file name.
	Path string
	// Type is the rule ID: a compat.Type or SUBJECT_REMOVED.
	Type     string
	Location string
	Source   schema.Position
	Message  string
	// Explanation and Fix are avroctl's plain-language additions.
	Explanation string
	Fix         string
	// Severity is the GitLab Code Quality severity ("" picks one by Type).
	Severity string
}

// SubjectRemoved is the rule ID for a subject that exists at the base
// revision but no longer in the working tree.
const SubjectRemoved = "SUBJECT_REMOVED"

// Subject is the outcome for one subject of a multi-subject check.
type Subject struct {
	Name string
	Path string
	// Status is "compatible", "incompatible", "new", "removed" or
	// "removed-allowed".
	Status string
}

// Kinds of report: they change the summary wording only.
const (
	KindCompat = ""     // compatibility: "compatible" / "incompatible"
	KindLint   = "lint" // lint: "no lint findings" / "N lint finding(s)"
	KindPlan   = "plan" // kafka plan: "no changes" / "N change(s)"; each change is a finding
)

// Report is everything one command prints.
type Report struct {
	Kind string
	// Compatible is set when there is nothing to report (for lint: no
	// findings).
	Compatible bool
	// Checked is what a clean lint run reports having looked at, e.g.
	// "13 types"; unused for compatibility.
	Checked  string
	Findings []Finding
	// Subjects is empty for a single reader/writer or level check.
	Subjects []Subject
}

// FromResult converts a compat result into findings for subject; path is the
// file to blame when a finding has no source position.
func FromResult(res compat.Result, subject, path string) []Finding {
	var out []Finding
	for _, in := range res.Sorted() {
		out = append(out, Finding{
			Subject:     subject,
			Path:        path,
			Type:        string(in.Type),
			Location:    in.Location,
			Source:      in.Source,
			Message:     in.Message,
			Explanation: in.Explanation,
			Fix:         in.Fix,
		})
	}
	if res.Err != nil {
		out = append(out, Finding{Subject: subject, Path: path, Type: "CHECK_FAILED", Location: "/", Message: res.Err.Error(),
			Explanation: "the check could not be completed, so compatibility is not proven.",
			Fix:         "give each reader field at most one name or alias that matches a writer field."})
	}
	return out
}

// Normalize sorts findings (subject, file, line, column, location, type,
// message) and removes exact duplicates, so output is deterministic.
func (r *Report) Normalize() {
	sort.SliceStable(r.Findings, func(i, j int) bool {
		a, b := r.Findings[i], r.Findings[j]
		if a.Subject != b.Subject {
			return a.Subject < b.Subject
		}
		pa, pb := a.Source, b.Source
		pa.Filename, pb.Filename = a.file(), b.file()
		if c := schema.ComparePositions(pa, pb); c != 0 {
			return c < 0
		}
		if a.Location != b.Location {
			return a.Location < b.Location
		}
		if a.Type != b.Type {
			return a.Type < b.Type
		}
		return a.Message < b.Message
	})
	out := r.Findings[:0]
	for i, f := range r.Findings {
		if i > 0 && f == r.Findings[i-1] {
			continue
		}
		out = append(out, f)
	}
	r.Findings = out
	sort.SliceStable(r.Subjects, func(i, j int) bool { return r.Subjects[i].Name < r.Subjects[j].Name })
}

// file is the file a finding belongs to.
func (f Finding) file() string {
	if f.Source.Filename != "" {
		return f.Source.Filename
	}
	return f.Path
}

// where is "file:line:col", "file" or "-".
func (f Finding) where() string {
	if f.Source.Filename == "" && f.Path != "" {
		p := f.Source
		p.Filename = f.Path
		return p.String()
	}
	return f.Source.String()
}
