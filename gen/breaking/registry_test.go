package breaking

import (
	"strings"
	"testing"

	"gitlab.com/acme/avroctl/gen/breaking/rules"
	"gitlab.com/acme/avroctl/gen/compat/report"
	"gitlab.com/acme/avroctl/gen/evolve"
	"gitlab.com/acme/avroctl/gen/schema"
)

// TestRegistrySameVersion: a formatting change prints to the same text; a
// reordering of properties is the same only once normalized; a real change
// is neither.
func TestRegistrySameVersion(t *testing.T) {
	parse := func(s string) schema.Schema {
		t.Helper()
		sc, err := schema.Parse([]byte(s), schema.ParseOptions{Filename: "p.avsc"})
		if err != nil {
			t.Fatal(err)
		}
		return sc
	}
	base := `{"type":"record","name":"P","namespace":"a","owner":"x","team":"y","fields":[{"name":"n","type":"long"}]}`
	for _, tc := range []struct{ name, changed, want string }{
		{"whitespace", "{\n  \"type\": \"record\", \"name\": \"P\", \"namespace\": \"a\", \"owner\": \"x\", \"team\": \"y\",\n  \"fields\": [{\"name\": \"n\", \"type\": \"long\"}]\n}\n", "parses and prints it to the same text"},
		{"property order", `{"type":"record","name":"P","namespace":"a","team":"y","owner":"x","fields":[{"name":"n","type":"long"}]}`, "with normalize=true it is the same schema"},
		{"real change", `{"type":"record","name":"P","namespace":"a","owner":"x","team":"y","fields":[{"name":"n","type":"int"}]}`, ""},
	} {
		oldS, newS := parse(base), parse(tc.changed)
		var got string
		for _, f := range registryFindings(oldS, newS, newS, []byte(base), []byte(tc.changed), nil, nil, []string{"a.P"}, "a.P", "p.avsc") {
			if f.Type == RegistrySameVersion {
				got = f.Message
			}
		}
		if (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}

// TestRegistryFindingsNameTopicSubjects: under a topic strategy the type's
// own subject is its topic's, and the messages name it; the referenced
// type keeps its full name (references are registered under it).
func TestRegistryFindingsNameTopicSubjects(t *testing.T) {
	parse := func(s string) schema.Schema {
		t.Helper()
		sc, err := schema.Parse([]byte(s), schema.ParseOptions{Filename: "x.avsc"})
		if err != nil {
			t.Fatal(err)
		}
		return sc
	}
	money := func(cur string) string {
		return `{"type":"record","name":"Money","namespace":"a","fields":[{"name":"units","type":"long"}` + cur + `]}`
	}
	order := func(m string) string {
		return `{"type":"record","name":"Order","namespace":"a","fields":[{"name":"total","type":` + m + `}]}`
	}
	oldM, newM := money(""), money(`,{"name":"currency","type":"string","default":"EUR"}`)
	oldSet := map[string]schema.Schema{"a.Money.avsc": parse(oldM), "a.Order.avsc": parse(order(oldM))}
	newSet := map[string]schema.Schema{"a.Money.avsc": parse(newM), "a.Order.avsc": parse(order(newM))}
	oldO, newO := oldSet["a.Order.avsc"], newSet["a.Order.avsc"]
	var ref report.Finding
	for _, f := range registryFindings(oldO, newO, newO, []byte(order(oldM)), []byte(order(newM)), oldSet, newSet, []string{"orders-a.Order"}, "a.Order", "a.Order.avsc") {
		if f.Type == RegistryReferenceChg {
			ref = f
		}
	}
	if want := "orders-a.Order uses a.Money, which is a subject of its own and changed: registering creates a new version of a.Money, and orders-a.Order's next version references it"; ref.Message != want {
		t.Errorf("message %q\nwant %q", ref.Message, want)
	}
	if !strings.Contains(ref.Fix, "the new version of orders-a.Order references it") {
		t.Errorf("fix %q", ref.Fix)
	}
	// A form-only change names the topic subject that keeps its version.
	spaced := strings.ReplaceAll(order(oldM), ",", ", ")
	var same report.Finding
	for _, f := range registryFindings(oldO, parse(spaced), parse(spaced), []byte(order(oldM)), []byte(spaced), nil, nil, []string{"orders-value"}, "a.Order", "a.Order.avsc") {
		if f.Type == RegistrySameVersion {
			same = f
		}
	}
	if !strings.Contains(same.Message, "keeps the existing version of orders-value (no new version") {
		t.Errorf("same version: %q", same.Message)
	}
}

// TestFieldsAt: an ignore's field matches the checker's index locations,
// the /full.Name/fields/NAME locations and the resolver's dotted paths.
func TestFieldsAt(t *testing.T) {
	sc, err := schema.Parse([]byte(`{"type":"record","name":"O","namespace":"a","fields":[
  {"name":"id","type":"string"},
  {"name":"to","type":{"type":"record","name":"Addr","fields":[{"name":"street","type":"string"},{"name":"zip","type":["null","string"]}]}}]}`),
		schema.ParseOptions{Filename: "o.avsc"})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ loc, want string }{
		{"/fields/1/type/fields/1/type/1", "to,zip"},
		{"/fields/0", "id"},
		{"/a.Addr/fields/street", "street"},
		{"/a.O/fields/to", "to"},
		{"/to.street", "to,street"},
		{"/", ""},
		{"/fields/9", ""},
	} {
		if got := strings.Join(fieldsAt(tc.loc, sc, nil), ","); got != tc.want {
			t.Errorf("fieldsAt(%q) = %q, want %q", tc.loc, got, tc.want)
		}
	}
}

// TestRuleIDsMatch: gen/breaking/rules spells other packages' rule IDs
// itself (to stay a leaf); they must not drift.
func TestRuleIDsMatch(t *testing.T) {
	for _, p := range [][2]string{
		{rules.SubjectRemoved, report.SubjectRemoved},
		{rules.ResolverRejects, evolve.ResolverRejects},
		{rules.ResolverMayReject, evolve.ResolverMayReject},
		{rules.FieldRenamed, evolve.FieldRenamed},
		{rules.TypeMoved, evolve.TypeMoved},
	} {
		if p[0] != p[1] {
			t.Errorf("rules says %s, the producer %s", p[0], p[1])
		}
	}
}
