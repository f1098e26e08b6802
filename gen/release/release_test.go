package release

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gitlab.com/acme/avroctl/gen/gitref"
	"gitlab.com/acme/avroctl/gen/schema"
)

const v1 = `{"type":"record","name":"OrderCreated","namespace":"com.acme","doc":"An order.","fields":[
 {"name":"id","type":"string"},
 {"name":"qty","type":"int"},
 {"name":"status","type":{"type":"enum","name":"Status","symbols":["A","B"],"default":"A"}}]}`

func parseNamed(t *testing.T, src string) map[string]schema.NamedSchema {
	t.Helper()
	s, err := schema.Parse([]byte(src), schema.ParseOptions{Filename: "x.avsc"})
	if err != nil {
		t.Fatal(err)
	}
	n := s.(schema.NamedSchema)
	return map[string]schema.NamedSchema{n.Names().FullName(): n}
}

func TestDiffBumps(t *testing.T) {
	for _, tc := range []struct {
		name, next string
		want       Bump
		text       string
	}{
		{"unchanged", v1, None, ""},
		{"doc", strings.Replace(v1, "An order.", "An order was placed.", 1), Patch, "documentation of com.acme.OrderCreated changed"},
		{"optional field", strings.Replace(v1, `{"name":"qty","type":"int"},`, `{"name":"qty","type":"int"},{"name":"coupon","type":["null","string"],"default":null},`, 1), Minor, "optional field com.acme.OrderCreated.coupon added"},
		{"enum symbol added", strings.Replace(v1, `["A","B"]`, `["A","B","C"]`, 1), Minor, "enum symbol com.acme.Status.C added"},
		{"default changed", strings.Replace(v1, `{"name":"qty","type":"int"},`, `{"name":"qty","type":"int"},{"name":"gift","type":"boolean","default":false},`, 1), Minor, "optional field com.acme.OrderCreated.gift added"},
		{"field removed", strings.Replace(v1, `{"name":"qty","type":"int"},`, ``, 1), Major, "field com.acme.OrderCreated.qty removed"},
		{"promotion changes Go type", strings.Replace(v1, `"qty","type":"int"`, `"qty","type":"long"`, 1), Major, "changed Go type (int → long)"},
		{"required field added", strings.Replace(v1, `{"name":"qty","type":"int"},`, `{"name":"qty","type":"int"},{"name":"note","type":"string"},`, 1), Major, "READER_FIELD_MISSING_DEFAULT_VALUE"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			changes := Diff(parseNamed(t, v1), parseNamed(t, tc.next))
			if got := Summarize(changes); got != tc.want {
				t.Errorf("bump = %v, want %v; changes: %+v", got, tc.want, changes)
			}
			var texts []string
			for _, c := range changes {
				texts = append(texts, c.Text)
			}
			if !strings.Contains(strings.Join(texts, "\n"), tc.text) {
				t.Errorf("changes %q do not mention %q", texts, tc.text)
			}
		})
	}
}

// TestDefaultChangeIsPatch checks that a changed default is a patch and is
// spelled as JSON (true, not "true").
func TestDefaultChangeIsPatch(t *testing.T) {
	withDefault := func(d string) string {
		return strings.Replace(v1, `{"name":"qty","type":"int"},`, `{"name":"qty","type":"int"},{"name":"gift","type":"boolean","default":`+d+`},`, 1)
	}
	changes := Diff(parseNamed(t, withDefault("false")), parseNamed(t, withDefault("true")))
	if Summarize(changes) != Patch || len(changes) != 1 || changes[0].Text != "default of field com.acme.OrderCreated.gift is now true" {
		t.Fatalf("changes = %+v", changes)
	}
}

func TestVersions(t *testing.T) {
	v := Version{1, 2, 3}
	for b, want := range map[Bump]string{None: "v1.2.3", Patch: "v1.2.4", Minor: "v1.3.0", Major: "v2.0.0"} {
		if got := v.Next(b).String(); got != want {
			t.Errorf("%v.Next(%v) = %s, want %s", v, b, got, want)
		}
	}
	if got := (Version{0, 3, 1}).Next(Major).String(); got != "v0.4.0" {
		t.Errorf("v0 major bump = %s", got)
	}
	tag, _, _ := LatestTag([]string{"events/v1.9.0", "events/v1.10.0", "other/v9.0.0", "events/vbad"}, "events/")
	if tag != "events/v1.10.0" {
		t.Errorf("LatestTag = %s", tag)
	}
	if got := ModulePathFor("x.io/m/events/v2", Version{3, 0, 0}); got != "x.io/m/events/v3" {
		t.Errorf("ModulePathFor = %s", got)
	}
	for _, bad := range []string{"1.2.3", "v1.2", "v01.2.3", "v1.2.x", "v0.0.+0", "v-1.0.0", "v1.+2.3", "v1..3", "v99999999999999999999.0.0"} {
		if _, err := ParseVersion(bad); err == nil {
			t.Errorf("ParseVersion(%q) accepted", bad)
		}
	}
}

// TestComputeFromGit builds a repository with a release tag and a
// compatible change, and checks the plan, changelog and tag.
func TestComputeFromGit(t *testing.T) {
	base, git := safetyRepo(t, "x.io/m/events")
	dir := base.Repo.Dir
	write := func(content string) {
		if err := os.WriteFile(filepath.Join(dir, "schemas", "com.acme.OrderCreated.avsc"), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	repo := gitref.Repo{Dir: dir}
	opts := Options{Repo: repo, SchemasDir: "schemas", TagPrefix: "events/", ModulePath: "x.io/m/events", Initial: Version{1, 0, 0}}

	p, err := Compute(opts)
	if err != nil {
		t.Fatal(err)
	}
	if p.Next != "events/v1.0.0" || p.Last != "" {
		t.Fatalf("first release: next=%q last=%q", p.Next, p.Last)
	}
	if err := repo.CreateTag(p.Next, p.Entry("2026-01-01")); err != nil {
		t.Fatal(err)
	}
	if err := repo.CreateTag(p.Next, "again"); err == nil {
		t.Fatal("an existing tag was reused")
	}

	write(strings.Replace(v1, `["A","B"]`, `["A","B","C"]`, 1))
	git("commit", "-qam", "v2")
	p, err = Compute(opts)
	if err != nil {
		t.Fatal(err)
	}
	if p.Last != "events/v1.0.0" || p.Next != "events/v1.1.0" || p.Bump != Minor {
		t.Fatalf("plan = %+v", p)
	}
	entry := p.Entry("2026-02-01")
	for _, want := range []string{"## events/v1.1.0 (2026-02-01)", "### Added", "- enum symbol com.acme.Status.C added"} {
		if !strings.Contains(entry, want) {
			t.Errorf("entry lacks %q:\n%s", want, entry)
		}
	}
	log := filepath.Join(dir, "CHANGELOG.md")
	if err := WriteChangelog(log, p.Next, entry); err != nil {
		t.Fatal(err)
	}
	if err := WriteChangelog(log, p.Next, entry); err == nil {
		t.Error("a second entry for the same tag was written")
	}

	if _, err := (gitref.Repo{Dir: dir}).ReadDir("events/v9.9.9", "schemas", ".avsc"); err == nil || !strings.Contains(err.Error(), "no such commit, branch or tag") {
		t.Errorf("a missing tag without a remote must say it does not exist: %v", err)
	}
}
