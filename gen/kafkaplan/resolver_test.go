package kafkaplan

import (
	"strings"
	"testing"

	"gitlab.com/acme/avroctl/gen/kafkastate"
	"gitlab.com/acme/avroctl/gen/registry"
)

// The namespace-change + rename family: the nested Address moves from
// com.acme to com.acme.geo and renames street to road with an alias.
// Java's SchemaCompatibility (and so the registry, and gen/compat) accepts
// it; the resolving reader applies field aliases only under the writer
// record's full name, so a consumer on the new schema cannot read old data.
// (BACKWARD: FORWARD refuses the change outright, street has no default.)
const (
	resolverV1 = `{"type":"record","name":"OrderCreated","namespace":"com.acme","fields":[{"name":"id","type":"string"},` +
		`{"name":"address","type":{"type":"record","name":"Address","fields":[{"name":"street","type":"string"}]}}]}`
	resolverV2 = `{"type":"record","name":"OrderCreated","namespace":"com.acme","fields":[{"name":"id","type":"string"},` +
		`{"name":"address","type":{"type":"record","name":"Address","namespace":"com.acme.geo","fields":[{"name":"road","type":"string","aliases":["street"]}]}}]}`
)

func (e *env) planResolver(t *testing.T, mode ResolverCheck) *Plan {
	t.Helper()
	st, err := kafkastate.Parse("state.yaml", []byte(stateV1), nil)
	if err != nil {
		t.Fatal(err)
	}
	items, err := Items(st, parseTypes(t, resolverV2), registry.TopicRecordName)
	if err != nil {
		t.Fatal(err)
	}
	p, err := Make(ctx(t), Clients{Kafka: e.kafka, Registry: e.reg}, Input{State: st, Items: items, DefaultLevel: "BACKWARD", Resolver: mode})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestPlanResolverCheck(t *testing.T) {
	e := newEnv(t, 1)
	e.apply(t, e.plan(t, stateV1, parseTypes(t, resolverV1)), false)

	// error (also the zero value): a problem blocks the plan.
	for _, mode := range []ResolverCheck{"", ResolverError} {
		p := e.planResolver(t, mode)
		out := text(p)
		if len(p.Schemas) != 1 || !p.Schemas[0].Compatible {
			t.Fatalf("mode %q: the registry's check accepts the change, want a compatible schema change:\n%s", mode, out)
		}
		if len(p.Problems) != 1 || !strings.Contains(p.Problems[0].Message, "RESOLVER_REJECTS") ||
			!strings.Contains(out, "error: t0.avsc:1:") || !strings.Contains(out, "RESOLVER_REJECTS BACKWARD (new readers, old data)") ||
			!strings.Contains(out, "com.acme.Address") {
			t.Fatalf("mode %q: want one RESOLVER_REJECTS problem located in t0.avsc naming the old full name:\n%s", mode, out)
		}
	}
	// warn: listed, the plan can be applied.
	p := e.planResolver(t, ResolverWarn)
	out := text(p)
	t.Log(out)
	if len(p.Problems) != 0 || len(p.Schemas[0].Resolver) == 0 || !strings.Contains(out, "warning: t0.avsc:1:") {
		t.Fatalf("warn: want a warning and no problem:\n%s", out)
	}
	rep := p.Report()
	found := false
	for _, f := range rep.Findings {
		found = found || f.Type == "RESOLVER_REJECTS"
	}
	if !found {
		t.Errorf("warn: the report (--error-format) has no RESOLVER_REJECTS finding: %+v", rep.Findings)
	}
	// off: not checked.
	p = e.planResolver(t, ResolverOff)
	if len(p.Problems) != 0 || len(p.Schemas[0].Resolver) != 0 {
		t.Fatalf("off: want nothing:\n%s", text(p))
	}
}

func TestParseResolverCheck(t *testing.T) {
	for in, want := range map[string]ResolverCheck{"": ResolverError, "error": ResolverError, "warn": ResolverWarn, "off": ResolverOff} {
		if got, err := ParseResolverCheck(in); err != nil || got != want {
			t.Errorf("ParseResolverCheck(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := ParseResolverCheck("fatal"); err == nil {
		t.Error("ParseResolverCheck(fatal): want an error")
	}
}
