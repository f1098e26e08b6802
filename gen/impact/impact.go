// Package impact answers "who does this schema change hit?": from the named
// types that changed between two schema sets, it walks the reference graph
// upward (a type is reached when a record that uses it, transitively, is
// reached) and lists every subject, event, topic, producing or consuming
// principal and generated Go package reached, each with the verdict of the
// change at its compatibility level (gen/compat per direction, plus
// gen/evolve's RESOLVER_REJECTS), for `avroctl impact` and merge-request
// comments.
package impact

import (
	"bytes"
	"cmp"
	"maps"
	"slices"
	"sort"
	"strings"

	"gitlab.com/acme/avroctl/gen/compat"
	"gitlab.com/acme/avroctl/gen/diff"
	"gitlab.com/acme/avroctl/gen/evolve"
	"gitlab.com/acme/avroctl/gen/kafkastate"
	"gitlab.com/acme/avroctl/gen/registry"
	"gitlab.com/acme/avroctl/gen/schema"
)

// Verdict statuses, worst first. They appear in JSON output: never rename them.
const (
	Incompatible    = "incompatible"
	Removed         = "removed"
	ResolverRejects = "resolver_rejects"
	Added           = "new"
	Compatible      = "compatible"
	Unchanged       = "unchanged"
)

var severity = map[string]int{Incompatible: 5, Removed: 4, ResolverRejects: 3, Added: 2, Compatible: 1, Unchanged: 0}

// Verdict is what a change means for one thing reached.
type Verdict struct {
	Status string `json:"status"`
	// Level is the compatibility level checked (the subject's, for a subject).
	Level string `json:"level,omitempty"`
	// Backward: the new schema reads data written with the old one;
	// Forward: the old schema reads data written with the new one. Nil
	// when there is nothing to compare (a new or removed type).
	Backward *bool `json:"backward,omitempty"`
	Forward  *bool `json:"forward,omitempty"`
	// Reasons are the first incompatibility of each failing direction the
	// level requires, then the RESOLVER_REJECTS findings, as "Type: name: why".
	Reasons []string `json:"reasons,omitempty"`
}

// Breaking reports whether the verdict makes `avroctl impact` exit 1: an
// incompatibility at the level, a removed type a subject needs, or a change
// consumers' resolving readers cannot read.
func (v Verdict) Breaking() bool {
	return v.Status == Incompatible || v.Status == Removed || v.Status == ResolverRejects
}

// worse returns the worse of two verdicts (a keeps ties), for an entry that
// sums up several (a topic, a principal, a package).
func worse(a, b Verdict) Verdict {
	if severity[b.Status] > severity[a.Status] {
		return b
	}
	return a
}

// Changed is a named type the change touches directly.
type Changed struct {
	Name string `json:"name"`
	// From is its full name before, for a moved type.
	From string `json:"from,omitempty"`
	Kind string `json:"kind"`
	// Status is gen/diff's: added, removed, moved or changed.
	Status  string   `json:"status"`
	Changes []string `json:"changes,omitempty"`
	Verdict Verdict  `json:"verdict"`
}

// Subject is a registry subject reached.
type Subject struct {
	Subject string `json:"subject"`
	Type    string `json:"type"`
	// Role is "event" (a topic's key or value type) or "reference" (a type
	// registered under its own subject and referenced by the events).
	Role    string  `json:"role"`
	Verdict Verdict `json:"verdict"`
}

// Event is a top-level record reached: a type a topic carries.
type Event struct {
	Type   string   `json:"type"`
	Topics []string `json:"topics,omitempty"`
	// Via is how the change reaches it: the event, then the types down to
	// a changed one.
	Via     []string `json:"via"`
	Verdict Verdict  `json:"verdict"`
}

// Topic is a topic carrying a reached event; its verdict is the worst of
// its reached events'.
type Topic struct {
	Topic   string   `json:"topic"`
	Events  []string `json:"events"`
	Verdict Verdict  `json:"verdict"`
}

// Principal is a service's or user's principal that produces or consumes a
// reached topic (from the desired state's ACLs).
type Principal struct {
	Principal string `json:"principal"`
	// Owner is what the ACLs come from ("service order-service").
	Owner string `json:"owner"`
	// Role is "producer" (WRITE) or "consumer" (READ).
	Role    string   `json:"role"`
	Topics  []string `json:"topics"`
	Verdict Verdict  `json:"verdict"`
}

// Package is a generated Go package holding reached types.
type Package struct {
	Import  string   `json:"import"`
	Types   []string `json:"types"`
	Verdict Verdict  `json:"verdict"`
}

// Report is the impact of one change.
type Report struct {
	// Against is what the working tree was compared with.
	Against string `json:"against"`
	Level   string `json:"level"`
	// Breaking is set when something reached has a breaking verdict.
	Breaking   bool        `json:"breaking"`
	Changed    []Changed   `json:"changed"`
	Subjects   []Subject   `json:"subjects"`
	Events     []Event     `json:"events"`
	Topics     []Topic     `json:"topics"`
	Principals []Principal `json:"principals"`
	Packages   []Package   `json:"packages"`
}

// EventRef is a type a topic carries, from avroctl.yaml's registry.topics
// or the desired state's topics.
type EventRef struct {
	Topic string
	Key   bool
	Type  string
}

// Input is everything Analyze needs; Load builds it from a project.
type Input struct {
	Against string
	// Old and New are the two schema sets (gen/diff's).
	Old, New diff.Set
	// Targets restricts the starting points to these full names (a FILE or
	// TYPE argument); empty means every changed type. A target that did not
	// change still shows what it reaches, with unchanged verdicts.
	Targets []string
	// Events are the topics' types. When there are none, every record no
	// other type uses is an event (and a subject of its own).
	Events   []EventRef
	Strategy registry.Strategy
	// Level is the default level; Levels overrides it per subject.
	Level  compat.Level
	Levels map[string]compat.Level
	// ACLs are the desired state's (nil without a state file).
	ACLs []kafkastate.ACL
	// Package maps a namespace to the generated package's import path ("" for none).
	Package func(namespace string) string
	// NoResolver skips the RESOLVER_REJECTS check.
	NoResolver bool
}

// Analyze computes the report.
func Analyze(in Input) Report {
	rep := Report{Against: in.Against, Level: in.Level.String(), Changed: []Changed{}, Subjects: []Subject{},
		Events: []Event{}, Topics: []Topic{}, Principals: []Principal{}, Packages: []Package{}}
	d := diff.Compare(in.Old, in.New)
	// oldOf maps a type's name in New to its name in Old (moved types).
	oldOf := map[string]string{}
	for n := range in.New {
		if _, ok := in.Old[n]; ok {
			oldOf[n] = n
		}
	}
	changed := map[string]diff.Type{}
	for _, t := range d.Types {
		changed[t.Name] = t
		if t.Status == "moved" {
			oldOf[t.Name] = t.From
		}
	}
	a := &analysis{in: in, oldOf: oldOf, verdicts: map[string]Verdict{}}

	// Starting points: the changed types, or the targets.
	var start []string
	if len(in.Targets) > 0 {
		start = slices.Clone(in.Targets)
	} else {
		start = slices.Sorted(maps.Keys(changed))
	}
	for _, n := range start {
		c := Changed{Name: n, Status: "unchanged"}
		if t, ok := changed[n]; ok {
			c.From, c.Kind, c.Status = t.From, t.Kind, t.Status
			for _, ch := range t.Changes {
				c.Changes = append(c.Changes, ch.Describe())
			}
		} else if s, ok := in.New[n]; ok {
			c.Kind = s.Type().String()
		} else if s, ok := in.Old[n]; ok {
			c.Kind = s.Type().String()
		}
		c.Verdict = a.verdict(n, in.Level)
		rep.Changed = append(rep.Changed, c)
	}

	// The reference graph, upward: usedBy[x] lists the types whose
	// definition uses x. A removed type is looked up in the old set.
	usedBy := map[string][]string{}
	addEdges := func(set diff.Set, rename func(string) string) {
		for _, n := range slices.Sorted(maps.Keys(set)) {
			for _, ref := range directRefs(set[n]) {
				from, to := rename(n), rename(ref)
				if from != to && !slices.Contains(usedBy[to], from) {
					usedBy[to] = append(usedBy[to], from)
				}
			}
		}
	}
	addEdges(in.New, func(s string) string { return s })
	newOf := map[string]string{}
	for n, o := range oldOf {
		newOf[o] = n
	}
	addEdges(in.Old, func(s string) string { return cmp.Or(newOf[s], s) })

	// Walk upward, breadth first, keeping the first way each type is reached.
	// The walk starts at the changed types that use no other changed type
	// (Money, not the LineItem that changed only because Money moved), so
	// that "via" leads down to the change itself; the other changed types
	// are reached from those.
	via := map[string]string{} // type -> the type below it on its path
	reached := map[string]bool{}
	var queue []string
	for _, n := range start {
		deps := a.uses(n)
		if !slices.ContainsFunc(start, func(o string) bool { return o != n && slices.Contains(deps, o) }) {
			queue = append(queue, n)
			reached[n] = true
		}
	}
	if len(queue) == 0 { // changed types that use each other in a cycle
		queue = slices.Clone(start)
		for _, n := range start {
			reached[n] = true
		}
	}
	for len(queue) > 0 {
		n := queue[0]
		queue = queue[1:]
		users := slices.Clone(usedBy[n])
		sort.Strings(users)
		for _, u := range users {
			if !reached[u] {
				reached[u] = true
				via[u] = n
				queue = append(queue, u)
			}
		}
	}
	for _, n := range start {
		reached[n] = true
	}
	for len(queue) > 0 {
		n := queue[0]
		queue = queue[1:]
		users := slices.Clone(usedBy[n])
		sort.Strings(users)
		for _, u := range users {
			if !reached[u] {
				reached[u] = true
				via[u] = n
				queue = append(queue, u)
			}
		}
	}

	events := in.Events
	if len(events) == 0 {
		// No topics: the records nothing uses are the events.
		for _, n := range slices.Sorted(maps.Keys(in.New)) {
			if len(usedBy[n]) == 0 && in.New[n].Type() == schema.RecordType {
				events = append(events, EventRef{Type: n})
			}
		}
	}

	// Events and their subjects.
	eventTopics := map[string][]string{}
	var eventOrder []string
	subjects := map[string]Subject{}
	for _, ev := range events {
		if !reached[ev.Type] {
			continue
		}
		if _, ok := eventTopics[ev.Type]; !ok {
			eventOrder = append(eventOrder, ev.Type)
			eventTopics[ev.Type] = nil
		}
		if ev.Topic != "" && !slices.Contains(eventTopics[ev.Type], ev.Topic) {
			eventTopics[ev.Type] = append(eventTopics[ev.Type], ev.Topic)
		}
		st := in.Strategy
		if ev.Topic == "" {
			st = registry.RecordName
		}
		name := registry.SubjectName(st, ev.Topic, ev.Key, ev.Type)
		if _, ok := subjects[name]; !ok {
			subjects[name] = Subject{Subject: name, Type: ev.Type, Role: "event", Verdict: a.verdict(ev.Type, a.levelOf(name))}
		}
	}
	sort.Strings(eventOrder)
	for _, n := range eventOrder {
		path := []string{n}
		for cur := n; via[cur] != ""; cur = via[cur] {
			path = append(path, via[cur])
		}
		topics := eventTopics[n]
		sort.Strings(topics)
		// The worst of its subjects': each subject has its own level.
		var v *Verdict
		for _, k := range slices.Sorted(maps.Keys(subjects)) {
			if s := subjects[k]; s.Type == n {
				if v == nil {
					v = &s.Verdict
				} else {
					w := worse(*v, s.Verdict)
					v = &w
				}
			}
		}
		rep.Events = append(rep.Events, Event{Type: n, Topics: topics, Via: path, Verdict: *v})
	}
	// Reference subjects: the reached types the reached events use, each
	// registered under its full name (registry.Items).
	for _, ev := range eventOrder {
		for _, dep := range a.uses(ev) {
			if !reached[dep] || dep == ev || isEvent(events, dep) {
				continue
			}
			if _, ok := subjects[dep]; !ok {
				subjects[dep] = Subject{Subject: dep, Type: dep, Role: "reference", Verdict: a.verdict(dep, a.levelOf(dep))}
			}
		}
	}
	for _, k := range slices.Sorted(maps.Keys(subjects)) {
		rep.Subjects = append(rep.Subjects, subjects[k])
	}

	// Topics: the worst verdict of their reached events.
	topicEvents := map[string][]string{}
	topicVerdict := map[string]Verdict{}
	for _, ev := range rep.Events {
		for _, t := range ev.Topics {
			topicEvents[t] = append(topicEvents[t], ev.Type)
			v, ok := topicVerdict[t]
			if !ok {
				v = ev.Verdict
			}
			topicVerdict[t] = worse(v, ev.Verdict)
		}
	}
	for _, t := range slices.Sorted(maps.Keys(topicEvents)) {
		rep.Topics = append(rep.Topics, Topic{Topic: t, Events: topicEvents[t], Verdict: topicVerdict[t]})
	}

	// Principals: WRITE on a reached topic produces, READ consumes.
	type pkey struct{ principal, owner, role string }
	principals := map[pkey]*Principal{}
	for _, acl := range in.ACLs {
		if acl.ResourceType != "TOPIC" || acl.Permission == "DENY" {
			continue
		}
		role := ""
		switch acl.Operation {
		case "WRITE":
			role = "producer"
		case "READ":
			role = "consumer"
		default:
			continue
		}
		for _, t := range slices.Sorted(maps.Keys(topicEvents)) {
			hit := acl.ResourceName == t || acl.ResourceName == "*"
			if acl.Pattern == "PREFIXED" {
				hit = strings.HasPrefix(t, acl.ResourceName)
			}
			if !hit {
				continue
			}
			k := pkey{acl.Principal, acl.Owner, role}
			p := principals[k]
			if p == nil {
				p = &Principal{Principal: acl.Principal, Owner: acl.Owner, Role: role, Verdict: topicVerdict[t]}
				principals[k] = p
			}
			if !slices.Contains(p.Topics, t) {
				p.Topics = append(p.Topics, t)
				sort.Strings(p.Topics)
			}
			p.Verdict = worse(p.Verdict, topicVerdict[t])
		}
	}
	keys := slices.Collect(maps.Keys(principals))
	slices.SortFunc(keys, func(x, y pkey) int {
		return cmp.Or(cmp.Compare(x.principal, y.principal), cmp.Compare(x.role, y.role), cmp.Compare(x.owner, y.owner))
	})
	for _, k := range keys {
		rep.Principals = append(rep.Principals, *principals[k])
	}

	// Go packages of every reached type.
	if in.Package != nil {
		pkgTypes := map[string][]string{}
		pkgVerdict := map[string]Verdict{}
		for _, n := range slices.Sorted(maps.Keys(reached)) {
			ns, _ := schema.SplitName(n)
			imp := in.Package(ns)
			if imp == "" {
				continue
			}
			v := a.verdict(n, in.Level)
			if old, ok := pkgVerdict[imp]; ok {
				v = worse(old, v)
			}
			pkgVerdict[imp] = v
			pkgTypes[imp] = append(pkgTypes[imp], n)
		}
		for _, imp := range slices.Sorted(maps.Keys(pkgTypes)) {
			rep.Packages = append(rep.Packages, Package{Import: imp, Types: pkgTypes[imp], Verdict: pkgVerdict[imp]})
		}
	}

	for _, c := range rep.Changed {
		rep.Breaking = rep.Breaking || (c.Verdict.Breaking() && c.Verdict.Status != Removed)
	}
	for _, s := range rep.Subjects {
		rep.Breaking = rep.Breaking || s.Verdict.Breaking()
	}
	return rep
}

func isEvent(events []EventRef, name string) bool {
	return slices.ContainsFunc(events, func(e EventRef) bool { return e.Type == name })
}

type analysis struct {
	in       Input
	oldOf    map[string]string
	verdicts map[string]Verdict // by name + "@" + level
}

func (a *analysis) levelOf(subject string) compat.Level {
	if l, ok := a.in.Levels[subject]; ok {
		return l
	}
	return a.in.Level
}

// uses returns every named type name's definition uses, transitively
// (name itself included), in the new set.
func (a *analysis) uses(name string) []string {
	seen := map[string]bool{}
	var walk func(string)
	walk = func(n string) {
		if seen[n] {
			return
		}
		seen[n] = true
		if s, ok := a.in.New[n]; ok {
			for _, r := range directRefs(s) {
				walk(r)
			}
		}
	}
	walk(name)
	return slices.Sorted(maps.Keys(seen))
}

// verdict compares the type's new and old definitions at level.
func (a *analysis) verdict(name string, level compat.Level) Verdict {
	key := name + "@" + level.String()
	if v, ok := a.verdicts[key]; ok {
		return v
	}
	v := Verdict{Level: level.String()}
	newS, inNew := a.in.New[name]
	oldName, paired := a.oldOf[name]
	oldS := a.in.Old[oldName]
	switch {
	case !inNew && a.in.Old[name] != nil:
		v.Status = Removed
		v.Reasons = []string{"removed: " + name + " no longer exists"}
	case !inNew:
		v.Status = Unchanged // a target name in neither set; the caller checked names
	case !paired || oldS == nil:
		v.Status = Added
	default:
		v.Status = Compatible
		if bytes.Equal(schema.Marshal(newS), schema.Marshal(oldS)) {
			v.Status = Unchanged
		}
		bwd := compat.Check(newS, oldS)
		fwd := compat.Check(oldS, newS)
		v.Backward, v.Forward = &bwd.Compatible, &fwd.Compatible
		for _, p := range evolve.LevelPairs(level, newS, []schema.Schema{oldS}) {
			res, dir := bwd, "BACKWARD"
			if p.Direction == compat.OldReadsNew {
				res, dir = fwd, "FORWARD"
			}
			if !res.Compatible {
				v.Status = Incompatible
				if len(res.Incompatibilities) > 0 {
					in := res.Incompatibilities[0]
					v.Reasons = append(v.Reasons, dir+": "+string(in.Type)+" at "+in.Location+": "+in.Message)
				}
			}
		}
		if v.Status != Incompatible && !a.in.NoResolver {
			for _, f := range evolve.CheckResolver(evolve.LevelPairs(level, newS, []schema.Schema{oldS})) {
				v.Status = ResolverRejects
				dir := "BACKWARD"
				if f.Direction == compat.OldReadsNew {
					dir = "FORWARD"
				}
				why := f.Err.Reason
				if f.Err.Path != "" {
					why = f.Err.Path + ": " + why
				}
				v.Reasons = append(v.Reasons, dir+": "+evolve.ResolverRejects+": "+why+" (fix: "+f.Fix+")")
			}
		}
	}
	a.verdicts[key] = v
	return v
}

// directRefs lists the named types s's definition uses directly, without
// looking inside them (their own definitions have their own entries).
func directRefs(s schema.NamedSchema) []string {
	var out []string
	seen := map[string]bool{}
	var walk func(t schema.Schema)
	walk = func(t schema.Schema) {
		switch t := t.(type) {
		case schema.NamedSchema:
			n := t.Names().FullName()
			if !seen[n] {
				seen[n] = true
				out = append(out, n)
			}
		case *schema.Array:
			walk(t.Items)
		case *schema.Map:
			walk(t.Values)
		case *schema.Union:
			for _, b := range t.Branches {
				walk(b)
			}
		}
	}
	if r, ok := s.(*schema.Record); ok {
		for _, f := range r.Fields {
			walk(f.Type)
		}
	}
	return out
}
