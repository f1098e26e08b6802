// Package report renders compatibility findings for people and for CI:
// plain text, JSON, JUnit XML (shown in GitLab merge requests) and GitLab
// Code Quality JSON. Detection lives in gen/compat; this package only prints.
package report

import (
	"fmt"
	"strings"
)

// Format is an output format for findings.
type Format int

// The formats. The list of names comes from formatNames alone, so flag help
// and parsing cannot drift apart.
const (
	Text Format = iota
	JSON
	JUnit
	GitLabCodeQuality
)

var formatNames = [...]string{
	Text:              "text",
	JSON:              "json",
	JUnit:             "junit",
	GitLabCodeQuality: "gitlab-code-quality",
}

func (f Format) String() string {
	if f >= 0 && int(f) < len(formatNames) {
		return formatNames[f]
	}
	return fmt.Sprintf("Format(%d)", int(f))
}

// AllFormatStrings returns the accepted format names, for flag help.
func AllFormatStrings() []string { return append([]string(nil), formatNames[:]...) }

// ParseFormat reads a format name.
func ParseFormat(s string) (Format, error) {
	for i, n := range formatNames {
		if n == s {
			return Format(i), nil
		}
	}
	return 0, fmt.Errorf("unknown error format %q (want one of %s)", s, strings.Join(AllFormatStrings(), ", "))
}
