package registry

import (
	"context"
	"fmt"

	"github.com/twmb/franz-go/pkg/sr"

	"gitlab.com/acme/avroctl/gen/compat"
	"gitlab.com/acme/avroctl/gen/schema"
)

// TestResult is the compatibility verdict for one item.
type TestResult struct {
	Subject    string `json:"subject"`
	Type       string `json:"type"`
	Compatible bool   `json:"compatible"`
	// Level is the subject's compatibility level on the registry.
	Level string `json:"level,omitempty"`
	// Note explains a verdict that needed no check or only a local one.
	Note string `json:"note,omitempty"`
	// Messages are the registry's verbose reasons (Confluent wording).
	Messages []string `json:"messages,omitempty"`
	// Findings are gen/compat's, with source positions in the local files.
	Findings []compat.Incompatibility `json:"-"`
	// Pos is where the type was written.
	Pos schema.Position `json:"-"`
}

// Test checks each item against its subject on the registry. The registry
// gives the verdict and its reasons (POST /compatibility/... ?verbose=true);
// gen/compat repeats the check locally against the registered versions so
// that each reason points at a line of the local files. A subject that
// does not exist yet passes. An item whose references are not registered
// yet can only be checked locally, which the note says.
func Test(ctx context.Context, cl *sr.Client, items []Item) ([]TestResult, error) {
	p, err := Plan(ctx, cl, items, PlanOptions{})
	if err != nil {
		return nil, err
	}
	results := make([]TestResult, 0, len(p.Steps))
	for _, st := range p.Steps {
		res := TestResult{Subject: st.Subject, Type: st.Type, Pos: st.Pos, Compatible: true}
		switch st.Action {
		case NewSubject:
			res.Note = "new subject: nothing registered to be compatible with"
			results = append(results, res)
			continue
		case Unchanged:
			res.Note = fmt.Sprintf("already registered as version %d (id %d)", st.Version, st.ID)
			results = append(results, res)
			continue
		}
		level, err := subjectLevel(ctx, cl, st.Subject)
		if err != nil {
			return nil, err
		}
		res.Level = level
		local, err := localCheck(ctx, cl, st, level)
		if err != nil {
			return nil, err
		}
		res.Findings = local.Incompatibilities
		if pendingRefs(p, st) {
			res.Compatible = local.Compatible
			res.Note = "checked locally only: a referenced type is not registered yet"
			if local.Err != nil {
				res.Messages = []string{local.Err.Error()}
			}
		} else {
			out, err := cl.CheckCompatibility(sr.WithParams(ctx, sr.Verbose), st.Subject, -2, st.srSchema())
			if err != nil {
				return nil, fmt.Errorf("test %s: %w", st.Subject, err)
			}
			res.Compatible, res.Messages = out.Is, out.Messages
			if out.Is != local.Compatible {
				res.Note = fmt.Sprintf("the registry and avroctl disagree: registry says compatible=%v, avroctl says %v", out.Is, local.Compatible)
			}
		}
		results = append(results, res)
	}
	return results, nil
}

func pendingRefs(p *RegisterPlan, st Step) bool {
	for _, r := range st.References {
		if p.Steps[r.Step].Action != Unchanged {
			return true
		}
	}
	return false
}

// subjectLevel is the level that applies to subject.
func subjectLevel(ctx context.Context, cl *sr.Client, subject string) (string, error) {
	res := cl.Compatibility(sr.WithParams(ctx, sr.DefaultToGlobal), subject)
	if err := res[0].Err; err != nil {
		return "", fmt.Errorf("compatibility level of %s: %w", subject, err)
	}
	return res[0].Level.String(), nil
}

// localCheck runs gen/compat on the step's local schema against the
// subject's registered versions.
func localCheck(ctx context.Context, cl *sr.Client, st Step, level string) (compat.Result, error) {
	lv, err := compat.ParseLevel(level)
	if err != nil {
		return compat.Result{}, err
	}
	versions, err := cl.Schemas(ctx, st.Subject)
	if err != nil {
		return compat.Result{}, fmt.Errorf("versions of %s: %w", st.Subject, err)
	}
	prev := make([]schema.Schema, 0, len(versions))
	for _, v := range versions {
		s, err := parseRegistered(ctx, cl, v.Schema, fmt.Sprintf("%s version %d", st.Subject, v.Version))
		if err != nil {
			return compat.Result{}, err
		}
		prev = append(prev, s)
	}
	return compat.CheckLevel(lv, st.item.Schema, prev), nil
}

// parseRegistered parses a registered schema with its references fetched
// from the registry.
func parseRegistered(ctx context.Context, cl *sr.Client, s sr.Schema, name string) (schema.Schema, error) {
	names := schema.NewNames()
	if err := LoadReferences(ctx, cl, s.References, names); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	out, err := schema.Parse([]byte(s.Schema), schema.ParseOptions{Filename: name, Names: names})
	if err != nil {
		return nil, fmt.Errorf("registered schema does not parse: %w", err)
	}
	return out, nil
}

// LoadReferences parses the schemas refs name (and theirs, depth first)
// into names, fetching each subject version once, so that a schema
// registered with references parses on its own against names.
func LoadReferences(ctx context.Context, cl *sr.Client, refs []sr.SchemaReference, names *schema.Names) error {
	return loadRefs(ctx, cl, refs, names, map[string]bool{}, 0)
}

func loadRefs(ctx context.Context, cl *sr.Client, refs []sr.SchemaReference, names *schema.Names, seen map[string]bool, depth int) error {
	if depth > 32 {
		return fmt.Errorf("references nest more than 32 deep")
	}
	for _, r := range refs {
		key := fmt.Sprintf("%s/%d", r.Subject, r.Version)
		if seen[key] {
			continue
		}
		seen[key] = true
		ss, err := cl.SchemaByVersion(ctx, r.Subject, r.Version)
		if err != nil {
			return fmt.Errorf("reference %s (%s version %d): %w", r.Name, r.Subject, r.Version, err)
		}
		if err := loadRefs(ctx, cl, ss.References, names, seen, depth+1); err != nil {
			return err
		}
		if _, err := schema.Parse([]byte(ss.Schema.Schema), schema.ParseOptions{Filename: key, Names: names}); err != nil {
			return fmt.Errorf("reference %s: %w", r.Name, err)
		}
	}
	return nil
}

// CheckLocal runs gen/compat on a planned step against its subject's
// registered versions at level, without asking the registry for a
// verdict: a plan that also changes the subject's level checks against
// the level it will have.
func CheckLocal(ctx context.Context, cl *sr.Client, st Step, level string) (compat.Result, error) {
	return localCheck(ctx, cl, st, level)
}
