package registry

import (
	"context"
	"fmt"
	"strings"

	"github.com/twmb/franz-go/pkg/sr"

	"gitlab.com/acme/avroctl/gen/registry/schematext"
	"gitlab.com/acme/avroctl/gen/schema"
)

// Action is what registering a step will do.
type Action string

// The actions a plan can hold.
const (
	NewSubject Action = "new-subject" // the subject does not exist yet
	NewVersion Action = "new-version" // the subject exists; this schema is new to it
	Unchanged  Action = "unchanged"   // the subject already has this schema
)

// Reference is a schema reference of a step. Step is the index of the step
// that registers the referenced type; Version is known once that step is.
type Reference struct {
	Name    string `json:"name"`
	Subject string `json:"subject"`
	Version int    `json:"version,omitempty"`
	Step    int    `json:"-"`
}

// Step registers one item. Steps are in dependency order: a step comes
// after the steps it references.
type Step struct {
	Subject    string      `json:"subject"`
	Type       string      `json:"type"`
	Action     Action      `json:"action"`
	ID         int         `json:"id,omitempty"`
	Version    int         `json:"version,omitempty"`
	References []Reference `json:"references,omitempty"`
	// Schema is the exact text registered: Java's compact form with the
	// referenced types written as names.
	Schema string `json:"schema"`
	// Pos is where the type was written.
	Pos schema.Position `json:"-"`

	item Item
}

// RegisterPlan is what Plan found: the steps, in dependency order.
type RegisterPlan struct {
	Steps []Step `json:"steps"`
}

// Changes counts the steps that will write to the registry.
func (p *RegisterPlan) Changes() int {
	n := 0
	for _, s := range p.Steps {
		if s.Action != Unchanged {
			n++
		}
	}
	return n
}

// PlanOptions tune Plan. The zero value is the default.
type PlanOptions struct{}

// Plan works out what registering items would do, without writing: each
// item becomes a step whose references are the other items its schema
// uses, ordered so that references come first. A type that is an item of
// its own is written by name and referenced; other named types stay inline.
func Plan(ctx context.Context, cl *sr.Client, items []Item, _ PlanOptions) (*RegisterPlan, error) {
	steps, err := buildSteps(items)
	if err != nil {
		return nil, err
	}
	p := &RegisterPlan{Steps: steps}
	for i := range p.Steps {
		st := &p.Steps[i]
		pending := false
		for j, ref := range st.References {
			dep := p.Steps[ref.Step]
			if dep.Action != Unchanged {
				pending = true
				continue
			}
			st.References[j].Version = dep.Version
		}
		if pending {
			// A reference changes, so this schema's identity does too.
			exists, err := subjectExists(ctx, cl, st.Subject)
			if err != nil {
				return nil, err
			}
			st.Action = NewVersion
			if !exists {
				st.Action = NewSubject
			}
			continue
		}
		ss, err := cl.LookupSchema(ctx, st.Subject, st.srSchema())
		switch ErrorCode(err) {
		case 0:
			if err != nil {
				return nil, fmt.Errorf("look up %s: %w", st.Subject, err)
			}
			st.Action, st.ID, st.Version = Unchanged, ss.ID, ss.Version
		case 40401:
			st.Action = NewSubject
		case 40403:
			st.Action = NewVersion
		default:
			return nil, fmt.Errorf("look up %s: %w", st.Subject, err)
		}
	}
	return p, nil
}

// ApplyOption tunes Apply.
type ApplyOption func(*applyOptions)

type applyOptions struct {
	progress func(done, total int, st *Step)
}

// WithProgress calls fn before each step, with the number of steps done.
func WithProgress(fn func(done, total int, st *Step)) ApplyOption {
	return func(o *applyOptions) { o.progress = fn }
}

// Apply registers the plan's changed steps in order. It can be re-run after
// a failure: registration is idempotent, so finished steps come back
// unchanged and the rest are done. Steps are updated with their ID and
// version as they complete.
func Apply(ctx context.Context, cl *sr.Client, p *RegisterPlan, opts ...ApplyOption) error {
	var o applyOptions
	for _, opt := range opts {
		opt(&o)
	}
	for i := range p.Steps {
		st := &p.Steps[i]
		if o.progress != nil {
			o.progress(i, len(p.Steps), st)
		}
		for j, ref := range st.References {
			st.References[j].Version = p.Steps[ref.Step].Version
		}
		if st.Action == Unchanged {
			continue
		}
		s := st.srSchema()
		id, err := cl.RegisterSchema(ctx, st.Subject, s, -1, -1)
		if err != nil {
			return fmt.Errorf("register %s (%s): %w", st.Subject, st.Type, err)
		}
		ss, err := cl.LookupSchema(ctx, st.Subject, s)
		if err != nil {
			return fmt.Errorf("registered %s as id %d but cannot read its version back: %w", st.Subject, id, err)
		}
		st.ID, st.Version = id, ss.Version
	}
	return nil
}

func (st *Step) srSchema() sr.Schema {
	s := sr.Schema{Schema: st.Schema, Type: sr.TypeAvro}
	for _, r := range st.References {
		s.References = append(s.References, sr.SchemaReference{Name: r.Name, Subject: r.Subject, Version: r.Version})
	}
	return s
}

func subjectExists(ctx context.Context, cl *sr.Client, subject string) (bool, error) {
	_, err := cl.SubjectVersions(ctx, subject)
	switch ErrorCode(err) {
	case 0:
		return err == nil, err
	case 40401:
		return false, nil
	}
	return false, err
}

// buildSteps turns items into steps in dependency order, with references
// and registration text.
func buildSteps(items []Item) ([]Step, error) {
	// The item a reference to a type points at: the one registered under
	// the type's own name (record strategy) if any, else the first.
	target := map[string]int{}
	for i, it := range items {
		full := it.Schema.Names().FullName()
		if j, ok := target[full]; !ok || (items[j].Subject != full && it.Subject == full) {
			target[full] = i
		}
	}
	deps := make([][]int, len(items))
	refNames := make([][]string, len(items))
	for i, it := range items {
		refNames[i] = directRefs(it.Schema, func(n string) bool { _, ok := target[n]; return ok })
		for _, n := range refNames[i] {
			deps[i] = append(deps[i], target[n])
		}
	}
	order, err := topoOrder(items, deps)
	if err != nil {
		return nil, err
	}
	stepOf := make([]int, len(items))
	for pos, i := range order {
		stepOf[i] = pos
	}
	steps := make([]Step, len(items))
	for pos, i := range order {
		it := items[i]
		var known []schema.NamedSchema
		var refs []Reference
		for k, n := range refNames[i] {
			known = append(known, findNamed(it.Schema, n))
			d := deps[i][k]
			refs = append(refs, Reference{Name: n, Subject: items[d].Subject, Step: stepOf[d]})
		}
		text, err := schematext.Text(it.Schema, known)
		if err != nil {
			return nil, err
		}
		steps[pos] = Step{Subject: it.Subject, Type: it.Schema.Names().FullName(), References: refs,
			Schema: text, Pos: it.Schema.Names().Pos, item: it}
	}
	return steps, nil
}

// topoOrder orders items so that dependencies come first, keeping the
// input order otherwise. A cycle across subjects cannot be registered
// (each side would need the other's version first).
func topoOrder(items []Item, deps [][]int) ([]int, error) {
	const (
		unvisited = iota
		active
		done
	)
	state := make([]int, len(items))
	var order []int
	var path []string
	var visit func(i int) error
	visit = func(i int) error {
		switch state[i] {
		case done:
			return nil
		case active:
			return fmt.Errorf("%s: reference cycle %s -> %s: types that refer to each other must be registered in one schema (keep them in one .avsc)",
				items[i].Schema.Names().Pos, strings.Join(path, " -> "), items[i].Schema.Names().FullName())
		}
		state[i] = active
		path = append(path, items[i].Schema.Names().FullName())
		for _, d := range deps[i] {
			if err := visit(d); err != nil {
				return err
			}
		}
		path = path[:len(path)-1]
		state[i] = done
		order = append(order, i)
		return nil
	}
	for i := range items {
		if err := visit(i); err != nil {
			return nil, err
		}
	}
	return order, nil
}
