package kafkaplan

import (
	"fmt"
	"io"
	"strings"
)

// symbol marks an action in the text form, as kafka-gitops and terraform
// do.
func symbol(a Action) string {
	switch a {
	case Create:
		return "+"
	case Delete:
		return "-"
	}
	return "~"
}

func count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// actionCounts says how many of each action a list holds.
func actionCounts(actions []Action) string {
	n := map[Action]int{}
	for _, a := range actions {
		n[a]++
	}
	return fmt.Sprintf("%d to create, %d to update, %d to delete", n[Create], n[Update], n[Delete])
}

// WriteText prints the plan for people: one section per kind of change,
// then the problems, then a summary line.
func (p *Plan) WriteText(w io.Writer) {
	topicActions := make([]Action, len(p.Topics))
	for i, t := range p.Topics {
		topicActions[i] = t.Action
	}
	fmt.Fprintf(w, "Topics: %s.\n", actionCounts(topicActions))
	for _, t := range p.Topics {
		fmt.Fprintf(w, "%s topic %s", symbol(t.Action), t.Topic)
		if t.Action == Create {
			fmt.Fprintf(w, " (partitions %d, replication %d)", t.Partitions.To, t.Replication.To)
		}
		fmt.Fprintln(w)
		if t.Action == Update && t.Partitions != nil {
			fmt.Fprintf(w, "    ~ partitions: %d -> %d", t.Partitions.From, t.Partitions.To)
			if t.Keyed {
				fmt.Fprint(w, " (keyed topic: keys map to other partitions from now on, so order per key breaks across the change)")
			}
			fmt.Fprintln(w)
		}
		if t.Action == Update && t.Replication != nil {
			fmt.Fprintf(w, "    ~ replication: %d -> %d (partition reassignment)\n", t.Replication.From, t.Replication.To)
		}
		for _, c := range t.Configs {
			switch {
			case t.Action == Create:
				fmt.Fprintf(w, "    + %s: %s\n", c.Key, quote(c.To))
			case c.Default:
				fmt.Fprintf(w, "    ~ %s: %s (broker default) -> %s\n", c.Key, quote(c.From), quote(c.To))
			default:
				fmt.Fprintf(w, "    ~ %s: %s -> %s\n", c.Key, quote(c.From), quote(c.To))
			}
		}
	}
	aclActions := make([]Action, len(p.ACLs))
	for i, c := range p.ACLs {
		aclActions[i] = c.Action
	}
	fmt.Fprintf(w, "\nACLs: %s.\n", actionCounts(aclActions))
	for _, c := range p.ACLs {
		fmt.Fprintf(w, "%s acl %s %s %s %s:%s:%s host %s", symbol(c.Action), c.Principal, c.Permission, c.Operation,
			c.ResourceType, c.Pattern, c.ResourceName, c.Host)
		if c.Owner != "" {
			fmt.Fprintf(w, " (%s)", c.Owner)
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "\nSubjects: %s to set.\n", count(len(p.Subjects), "compatibility level", "compatibility levels"))
	for _, s := range p.Subjects {
		from := s.From
		if s.Inherited {
			from += " (global)"
		}
		fmt.Fprintf(w, "~ subject %s compatibility: %s -> %s\n", s.Subject, from, s.To)
	}
	fmt.Fprintf(w, "\nSchemas: %s to register.\n", count(len(p.Schemas), "schema", "schemas"))
	for _, s := range p.Schemas {
		fmt.Fprintf(w, "+ schema %s (%s, %s)", s.Subject, s.Type, s.Action)
		switch {
		case s.Action == "new-subject":
		case s.Compatible:
			fmt.Fprintf(w, ": %s compatible", s.Level)
		default:
			fmt.Fprintf(w, ": NOT %s compatible", s.Level)
		}
		fmt.Fprintln(w)
		for _, f := range s.Findings {
			fmt.Fprintf(w, "    %s\n", strings.ReplaceAll(f, "\n", "\n    "))
		}
		for _, f := range s.Resolver {
			label := "error"
			if s.ResolverCheck == ResolverWarn {
				label = "warning"
			}
			fmt.Fprintf(w, "    %s: %s\n", label, strings.ReplaceAll(f, "\n", "\n      "))
		}
	}
	if len(p.Problems) > 0 {
		fmt.Fprintf(w, "\nProblems: %d; nothing can be applied until they are fixed.\n", len(p.Problems))
		for _, pr := range p.Problems {
			fmt.Fprintf(w, "! %s\n", pr)
		}
	}
	fmt.Fprintln(w)
	switch {
	case len(p.Problems) > 0:
		fmt.Fprintf(w, "Plan: %s, %s (fingerprint %s).\n", count(p.Changes(), "change", "changes"), count(len(p.Problems), "problem", "problems"), p.Fingerprint)
	case p.Changes() == 0:
		fmt.Fprintf(w, "No changes: the cluster and the registry match the state (fingerprint %s).\n", p.Fingerprint)
	default:
		fmt.Fprintf(w, "Plan: %s, of which %d deletions (fingerprint %s).\n", count(p.Changes(), "change", "changes"), p.Deletes(), p.Fingerprint)
	}
}
