package kafkaplan

import (
	"fmt"
	"strings"

	"gitlab.com/acme/avroctl/gen/compat/report"
)

// Report converts the plan for the shared renderers (JUnit, GitLab Code
// Quality), for a merge request to show what merging would change: each
// change is a finding ("info", deletions "minor"), each problem a
// "blocker".
func (p *Plan) Report() report.Report {
	r := report.Report{Kind: report.KindPlan, Compatible: p.Changes() == 0 && len(p.Problems) == 0,
		Checked: fmt.Sprintf("%d changes", p.Changes())}
	add := func(typ, location, msg string, deletion bool) {
		sev := "info"
		if deletion {
			sev = "minor"
		}
		r.Findings = append(r.Findings, report.Finding{Path: p.State, Type: typ, Location: location, Message: msg, Severity: sev})
	}
	for _, t := range p.Topics {
		var what []string
		if t.Partitions != nil {
			what = append(what, fmt.Sprintf("partitions %d", t.Partitions.To))
		}
		if t.Replication != nil {
			what = append(what, fmt.Sprintf("replication %d", t.Replication.To))
		}
		for _, c := range t.Configs {
			what = append(what, c.Key+"="+c.To)
		}
		add("TOPIC_"+strings.ToUpper(string(t.Action)), "topic "+t.Topic, fmt.Sprintf("%s topic %s %s", t.Action, t.Topic, strings.Join(what, ", ")), t.Action == Delete)
	}
	for _, a := range p.ACLs {
		add("ACL_"+strings.ToUpper(string(a.Action)), a.Principal,
			fmt.Sprintf("%s %s %s %s on %s:%s:%s", a.Action, a.Permission, a.Operation, a.Principal, a.ResourceType, a.Pattern, a.ResourceName), a.Action == Delete)
	}
	for _, s := range p.Subjects {
		add("SUBJECT_COMPATIBILITY", s.Subject, fmt.Sprintf("set compatibility of %s from %s to %s", s.Subject, s.From, s.To), false)
	}
	for _, s := range p.Schemas {
		add("SCHEMA_REGISTER", s.Subject, fmt.Sprintf("register %s under %s (%s)", s.Type, s.Subject, s.Action), false)
		if s.ResolverCheck == ResolverWarn {
			// Under error the plan's problem says it, as a blocker.
			for _, f := range s.Resolver {
				r.Findings = append(r.Findings, report.Finding{Path: p.State, Type: "RESOLVER_REJECTS", Location: s.Subject, Message: f, Severity: "major"})
			}
		}
	}
	for _, pr := range p.Problems {
		loc := pr.Topic
		if loc == "" {
			loc = pr.Where
		}
		r.Findings = append(r.Findings, report.Finding{Path: p.State, Source: pr.Pos, Type: "PLAN_PROBLEM", Location: loc, Message: pr.Message, Severity: "blocker"})
	}
	return r
}
