package kafkaplan

import (
	"context"
	"fmt"

	"github.com/twmb/franz-go/pkg/sr"

	"gitlab.com/acme/avroctl/gen/compat"
	"gitlab.com/acme/avroctl/gen/compat/report"
	"gitlab.com/acme/avroctl/gen/evolve"
	"gitlab.com/acme/avroctl/gen/registry"
	"gitlab.com/acme/avroctl/gen/schema"
)

// ResolverCheck says what a RESOLVER_REJECTS finding does: a change the
// registry (Java's SchemaCompatibility) accepts but a consumer's resolving
// reader cannot read.
type ResolverCheck string

// The settings. The zero value is ResolverError.
const (
	// ResolverError makes the finding a problem: the plan cannot be applied
	// (registry test: the subject counts as incompatible).
	ResolverError ResolverCheck = "error"
	// ResolverWarn lists the finding and lets the change through.
	ResolverWarn ResolverCheck = "warn"
	// ResolverOff skips the check.
	ResolverOff ResolverCheck = "off"
)

// ResolverChecks lists the settings, for flag help and completion.
var ResolverChecks = []string{string(ResolverError), string(ResolverWarn), string(ResolverOff)}

// ParseResolverCheck parses error, warn or off ("" is error).
func ParseResolverCheck(s string) (ResolverCheck, error) {
	switch ResolverCheck(s) {
	case "", ResolverError:
		return ResolverError, nil
	case ResolverWarn, ResolverOff:
		return ResolverCheck(s), nil
	}
	return "", fmt.Errorf("%q: want error, warn or off", s)
}

// RegisteredResolverFindings runs the resolver check (gen/evolve's
// RESOLVER_REJECTS) of candidate, a new version of subject, against the
// versions registered under it, as a check at level makes them. A subject
// without versions has none. Findings carry subject and path (the file the
// candidate came from). `kafka plan` and `registry test` share it.
func RegisteredResolverFindings(ctx context.Context, cl *sr.Client, subject string, candidate schema.Schema, level, path string) ([]report.Finding, error) {
	lv, err := compat.ParseLevel(level)
	if err != nil {
		return nil, err
	}
	if lv == compat.None {
		return nil, nil
	}
	versions, err := cl.Schemas(ctx, subject)
	if err != nil {
		if registry.ErrorCode(err) == 40401 {
			return nil, nil
		}
		return nil, fmt.Errorf("versions of %s: %w", subject, err)
	}
	prev := make([]schema.Schema, 0, len(versions))
	for _, v := range versions {
		names := schema.NewNames()
		name := fmt.Sprintf("%s version %d", subject, v.Version)
		if err := registry.LoadReferences(ctx, cl, v.Schema.References, names); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		s, err := schema.Parse([]byte(v.Schema.Schema), schema.ParseOptions{Filename: name, Names: names})
		if err != nil {
			return nil, fmt.Errorf("%s: registered schema does not parse: %w", name, err)
		}
		prev = append(prev, s)
	}
	return evolve.ResolverFindings(evolve.LevelPairs(lv, candidate, prev), subject, path), nil
}

// resolverText is one line per finding: the message, where, and the fix.
func resolverText(f report.Finding) string {
	out := evolve.ResolverRejects + " " + f.Message
	if f.Source.Line > 0 {
		out = f.Source.String() + ": " + out
	}
	if f.Fix != "" {
		out += "\nfix: " + f.Fix
	}
	return out
}

// checkResolver adds the RESOLVER_REJECTS findings of a compatible new
// version to sc and, under ResolverError, a problem that blocks the plan.
func (p *Plan) checkResolver(ctx context.Context, cl *sr.Client, in Input, step registry.Step, sc *SchemaChange) error {
	mode, err := ParseResolverCheck(string(in.Resolver))
	if err != nil {
		return err
	}
	if mode == ResolverOff || !sc.Compatible {
		return nil
	}
	var candidate schema.Schema
	for _, it := range in.Items {
		if it.Subject == step.Subject {
			candidate = it.Schema
			break
		}
	}
	if candidate == nil {
		return nil
	}
	found, err := RegisteredResolverFindings(ctx, cl, step.Subject, candidate, sc.Level, step.Pos.Filename)
	if err != nil {
		return err
	}
	if len(found) == 0 {
		return nil
	}
	sc.ResolverCheck = mode
	for _, f := range found {
		sc.Resolver = append(sc.Resolver, resolverText(f))
	}
	if mode == ResolverError {
		pos := found[0].Source
		if pos.Line == 0 {
			pos = step.Pos
		}
		p.problemAt(pos, "", "%s: the registry accepts this version of %s, but consumers' resolving readers cannot read it (%d RESOLVER_REJECTS); fix it, or pass --resolver-check warn",
			step.Type, step.Subject, len(found))
	}
	return nil
}
