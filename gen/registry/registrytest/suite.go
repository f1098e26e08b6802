// Package registrytest is a client-side contract suite for Schema
// Registries: RunSuite drives gen/registry's operations against a live
// registry URL. It runs against the embedded server in go test
// ./gen/registry/... and, in interop/registry, against third-party
// registries, so the embedded server is held to what real clients see.
package registrytest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/sr"

	"gitlab.com/acme/avroctl/gen/registry"
	"gitlab.com/acme/avroctl/gen/schema"
)

// SuiteOptions adjust RunSuite to a registry's documented differences.
type SuiteOptions struct {
	// Client overrides how to connect (auth); URL is always the argument.
	Client registry.ClientOptions
}

// RunSuite runs the contract suite against the registry at url. Subjects
// carry a random prefix so that runs never collide.
func RunSuite(t *testing.T, url string, opts ...SuiteOptions) {
	var o SuiteOptions
	if len(opts) > 0 {
		o = opts[0]
	}
	o.Client.URL = url
	o.Client.Retries = 1
	o.Client.RetryBackoff = 10 * time.Millisecond
	cl, err := registry.NewClient(o.Client)
	if err != nil {
		t.Fatal(err)
	}
	prefix := randomPrefix()
	s := &suite{cl: cl, prefix: prefix}
	t.Run("RegisterSchemaSet", s.testRegisterSchemaSet)
	t.Run("CompatibilityTest", s.testCompatibility)
	t.Run("ConfigBeforeSubject", s.testConfig)
	t.Run("Download", s.testDownload)
	t.Run("Delete", s.testDelete)
	t.Run("ErrorCodes", s.testErrorCodes)
}

type suite struct {
	cl     *sr.Client
	prefix string
}

func randomPrefix() string {
	b := make([]byte, 4)
	rand.Read(b)
	return "suite" + hex.EncodeToString(b)
}

// types parses schemas, one per "file", as LoadDir would, each standalone.
func types(t *testing.T, srcs map[string]string) []schema.NamedSchema {
	t.Helper()
	var out []schema.NamedSchema
	names := make([]string, 0, len(srcs))
	for n := range srcs {
		names = append(names, n)
	}
	// Sorted, like LoadDir's file order.
	for i := range names {
		for j := i + 1; j < len(names); j++ {
			if names[j] < names[i] {
				names[i], names[j] = names[j], names[i]
			}
		}
	}
	for _, n := range names {
		s, err := schema.Parse([]byte(srcs[n]), schema.ParseOptions{Filename: n + ".avsc"})
		if err != nil {
			t.Fatalf("%s: %v", n, err)
		}
		out = append(out, s.(schema.NamedSchema))
	}
	return out
}

// set is a small schema set with a shared type in its own file: Order uses
// Money, which idl2schemata inlines into Order.avsc.
func (s *suite) set(t *testing.T, orderExtra string) []schema.NamedSchema {
	ns := s.prefix
	money := `{"type":"record","name":"Money","namespace":"` + ns + `","fields":[{"name":"units","type":"long"},{"name":"currency","type":"string"}]}`
	order := `{"type":"record","name":"Order","namespace":"` + ns + `","fields":[{"name":"id","type":"string"},{"name":"total","type":` + money + `}` + orderExtra + `]}`
	return types(t, map[string]string{ns + ".Money": money, ns + ".Order": order})
}

func (s *suite) testRegisterSchemaSet(t *testing.T) {
	ctx := context.Background()
	set := s.set(t, "")
	topic := s.prefix + "-orders"
	items, err := registry.Items(set, registry.TopicName, []registry.Topic{{Topic: topic, Type: s.prefix + ".Order"}})
	if err != nil {
		t.Fatal(err)
	}
	plan, err := registry.Plan(ctx, s.cl, items, registry.PlanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.Steps) != 2 || plan.Steps[0].Subject != s.prefix+".Money" || plan.Steps[1].Subject != topic+"-value" {
		t.Fatalf("plan steps: %+v", plan.Steps)
	}
	for _, st := range plan.Steps {
		if st.Action != registry.NewSubject {
			t.Errorf("%s: action %s, want new-subject", st.Subject, st.Action)
		}
	}
	order := plan.Steps[1]
	if len(order.References) != 1 || order.References[0].Name != s.prefix+".Money" || strings.Contains(order.Schema, `"currency"`) {
		t.Errorf("Order should reference Money by name: refs %+v schema %s", order.References, order.Schema)
	}
	if err := registry.Apply(ctx, s.cl, plan); err != nil {
		t.Fatal(err)
	}
	if plan.Steps[1].ID == 0 || plan.Steps[1].Version != 1 || plan.Steps[1].References[0].Version != 1 {
		t.Errorf("after apply: %+v", plan.Steps[1])
	}
	// Re-running is a no-op.
	again, err := registry.Plan(ctx, s.cl, items, registry.PlanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if again.Changes() != 0 {
		t.Errorf("second plan has %d changes: %+v", again.Changes(), again.Steps)
	}
	// A compatible change to Money: Money gets a new version, and Order a
	// new version that references it.
	set2 := types(t, map[string]string{
		s.prefix + ".Money": `{"type":"record","name":"Money","namespace":"` + s.prefix + `","fields":[{"name":"units","type":"long"},{"name":"currency","type":"string"},{"name":"nanos","type":"int","default":0}]}`,
		s.prefix + ".Order": `{"type":"record","name":"Order","namespace":"` + s.prefix + `","fields":[{"name":"id","type":"string"},{"name":"total","type":{"type":"record","name":"Money","fields":[{"name":"units","type":"long"},{"name":"currency","type":"string"},{"name":"nanos","type":"int","default":0}]}}]}`,
	})
	items2, _ := registry.Items(set2, registry.TopicName, []registry.Topic{{Topic: topic, Type: s.prefix + ".Order"}})
	plan2, err := registry.Plan(ctx, s.cl, items2, registry.PlanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if plan2.Steps[0].Action != registry.NewVersion || plan2.Steps[1].Action != registry.NewVersion {
		t.Fatalf("plan after change: %+v", plan2.Steps)
	}
	if err := registry.Apply(ctx, s.cl, plan2); err != nil {
		t.Fatal(err)
	}
	if plan2.Steps[1].References[0].Version != 2 || plan2.Steps[1].Version != 2 {
		t.Errorf("Order v2 should reference Money v2: %+v", plan2.Steps[1])
	}
	// Record strategy: each type under its own name.
	recItems, _ := registry.Items(set, registry.RecordName, nil)
	if len(recItems) != 2 || recItems[1].Subject != s.prefix+".Order" {
		t.Errorf("record strategy items: %+v", recItems)
	}
}

func (s *suite) testCompatibility(t *testing.T) {
	ctx := context.Background()
	topic := s.prefix + "-compat"
	items, _ := registry.Items(s.set(t, ""), registry.TopicName, []registry.Topic{{Topic: topic, Type: s.prefix + ".Order"}})
	// Nothing registered under the topic yet: passes with a note.
	res, err := registry.Test(ctx, s.cl, items)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res {
		if !r.Compatible || r.Note == "" {
			t.Errorf("%s: %+v", r.Subject, r)
		}
	}
	plan, err := registry.Plan(ctx, s.cl, items, registry.PlanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := registry.Apply(ctx, s.cl, plan); err != nil {
		t.Fatal(err)
	}
	// A field without a default breaks BACKWARD.
	bad, _ := registry.Items(s.set(t, `,{"name":"note","type":"string"}`), registry.TopicName, []registry.Topic{{Topic: topic, Type: s.prefix + ".Order"}})
	res, err = registry.Test(ctx, s.cl, bad)
	if err != nil {
		t.Fatal(err)
	}
	var found bool
	for _, r := range res {
		if r.Subject != topic+"-value" {
			continue
		}
		found = true
		if r.Compatible || len(r.Messages) == 0 || len(r.Findings) == 0 {
			t.Errorf("incompatible change passed: %+v", r)
			continue
		}
		if f := r.Findings[0]; !f.Source.IsValid() || !strings.HasSuffix(f.Source.Filename, ".Order.avsc") {
			t.Errorf("local finding lacks a source position: %+v", f.Source)
		}
	}
	if !found {
		t.Errorf("no result for %s-value", topic)
	}
	good, _ := registry.Items(s.set(t, `,{"name":"note","type":"string","default":""}`), registry.TopicName, []registry.Topic{{Topic: topic, Type: s.prefix + ".Order"}})
	res, err = registry.Test(ctx, s.cl, good)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res {
		if !r.Compatible {
			t.Errorf("compatible change refused: %+v", r)
		}
	}
}

func (s *suite) testConfig(t *testing.T) {
	ctx := context.Background()
	subject := s.prefix + "-cfg-value"
	got, err := registry.SetConfig(ctx, s.cl, subject, "full_transitive")
	if err != nil {
		t.Fatal(err)
	}
	if got.Level != "FULL_TRANSITIVE" {
		t.Errorf("set: %+v", got)
	}
	got, err = registry.GetConfig(ctx, s.cl, subject)
	if err != nil || got.Level != "FULL_TRANSITIVE" || got.Inherited {
		t.Errorf("get: %+v, %v", got, err)
	}
	other, err := registry.GetConfig(ctx, s.cl, s.prefix+"-unset-value")
	if err != nil || !other.Inherited || other.Level == "" {
		t.Errorf("get unset: %+v, %v", other, err)
	}
	if _, err := registry.SetConfig(ctx, s.cl, subject, "sideways"); err == nil {
		t.Error("an invalid level was accepted")
	}
}

func (s *suite) testDownload(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	files, err := registry.Download(ctx, s.cl, s.prefix+".*", -1, dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 1 || files[0].Subject != s.prefix+".Money" || files[0].Version != 2 {
		t.Fatalf("downloaded %+v", files)
	}
	data, err := os.ReadFile(filepath.Join(dir, s.prefix+".Money.avsc"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := schema.Parse(data, schema.ParseOptions{}); err != nil || !strings.Contains(string(data), `"nanos"`) {
		t.Errorf("downloaded file: %v\n%s", err, data)
	}
	one, err := registry.Download(ctx, s.cl, s.prefix+".Money", 1, dir)
	if err != nil || len(one) != 1 || one[0].Version != 1 {
		t.Errorf("download version 1: %+v, %v", one, err)
	}
}

func (s *suite) testDelete(t *testing.T) {
	ctx := context.Background()
	subject := s.prefix + "-del-value"
	for _, body := range []string{`"string"`, `"int"`} {
		if _, err := registry.SetConfig(ctx, s.cl, subject, "NONE"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.cl.RegisterSchema(ctx, subject, sr.Schema{Schema: body}, -1, -1); err != nil {
			t.Fatal(err)
		}
	}
	vs, err := registry.Versions(ctx, s.cl, subject, false)
	if err != nil || len(vs) != 2 {
		t.Fatalf("versions %v, %v", vs, err)
	}
	if _, err := registry.Delete(ctx, s.cl, subject, 1, false); err != nil {
		t.Fatal(err)
	}
	if vs, _ := registry.Versions(ctx, s.cl, subject, false); len(vs) != 1 || vs[0] != 2 {
		t.Errorf("after soft delete: %v", vs)
	}
	if vs, _ := registry.Versions(ctx, s.cl, subject, true); len(vs) != 2 {
		t.Errorf("with deleted: %v", vs)
	}
	if _, err := registry.Delete(ctx, s.cl, subject, 0, true); err != nil {
		t.Fatal(err)
	}
	subs, err := registry.Subjects(ctx, s.cl, true)
	if err != nil {
		t.Fatal(err)
	}
	for _, sub := range subs {
		if sub == subject {
			t.Errorf("%s still listed after a permanent delete", subject)
		}
	}
}

func (s *suite) testErrorCodes(t *testing.T) {
	ctx := context.Background()
	missing := s.prefix + "-missing-value"
	_, err := s.cl.SubjectVersions(ctx, missing)
	expectCode(t, "versions of a missing subject", err, 40401)
	_, err = s.cl.SchemaByVersion(ctx, s.prefix+".Money", 99)
	expectCode(t, "missing version", err, 40402)
	_, err = s.cl.SchemaByID(ctx, 1<<30)
	expectCode(t, "missing id", err, 40403)
	_, err = s.cl.RegisterSchema(ctx, missing, sr.Schema{Schema: `{"type":"record","name":"X"}`}, -1, -1)
	expectCode(t, "invalid schema", err, 42201)
	_, err = s.cl.LookupSchema(ctx, s.prefix+".Money", sr.Schema{Schema: `"bytes"`})
	expectCode(t, "lookup of an unknown schema", err, 40403)
	// Incompatible registration: 409.
	subject := s.prefix + "-inc-value"
	if _, err := s.cl.RegisterSchema(ctx, subject, sr.Schema{Schema: `{"type":"record","name":"R","fields":[{"name":"a","type":"int"}]}`}, -1, -1); err != nil {
		t.Fatal(err)
	}
	_, err = s.cl.RegisterSchema(ctx, subject, sr.Schema{Schema: `{"type":"record","name":"R","fields":[{"name":"a","type":"int"},{"name":"b","type":"int"}]}`}, -1, -1)
	expectCode(t, "incompatible registration", err, 409)
}

func expectCode(t *testing.T, what string, err error, code int) {
	t.Helper()
	if got := registry.ErrorCode(err); got != code {
		t.Errorf("%s: error %v (code %d), want code %d", what, err, got, code)
	}
}
