package registry_test

import (
	"context"
	"testing"

	"github.com/twmb/franz-go/pkg/sr"

	"gitlab.com/acme/avroctl/gen/registry"

	"gitlab.com/acme/avroctl/gen/registry/registrytest"
	"gitlab.com/acme/avroctl/gen/registry/server"
	"gitlab.com/acme/avroctl/gen/registry/store"
)

// startEmbedded runs the embedded registry, in memory, on 127.0.0.1:0.
func startEmbedded(t testing.TB) string {
	t.Helper()
	st, err := store.Open("")
	if err != nil {
		t.Fatal(err)
	}
	srv := server.New(st, server.Options{})
	if err := srv.Open("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		srv.Close()
		st.Close()
	})
	return srv.URL()
}

func TestSuiteEmbedded(t *testing.T) {
	registrytest.RunSuite(t, startEmbedded(t))
}

// TestRerunAfterFailure: a run that fails halfway is finished by running
// it again.
func TestRerunAfterFailure(t *testing.T) {
	u := startEmbedded(t)
	ctx := context.Background()
	cl, err := registry.NewClient(registry.ClientOptions{URL: u})
	if err != nil {
		t.Fatal(err)
	}
	types, err := registry.LoadDir("testdata/schemas")
	if err != nil {
		t.Fatal(err)
	}
	items, _ := registry.Items(types, registry.TopicName, []registry.Topic{{Topic: "orders", Type: "com.acme.Order"}})
	// orders-value refuses writes: the first step succeeds, the second fails.
	if r := cl.SetMode(ctx, sr.ModeReadOnly, "orders-value"); r[0].Err != nil {
		t.Fatal(r[0].Err)
	}
	plan, err := registry.Plan(ctx, cl, items, registry.PlanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := registry.Apply(ctx, cl, plan); registry.ErrorCode(err) != 42205 {
		t.Fatalf("apply: %v", err)
	}
	cl.ResetMode(ctx, "orders-value")
	plan, err = registry.Plan(ctx, cl, items, registry.PlanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if plan.Steps[0].Action != registry.Unchanged || plan.Steps[1].Action != registry.NewSubject {
		t.Fatalf("re-plan: %+v", plan.Steps)
	}
	if err := registry.Apply(ctx, cl, plan); err != nil {
		t.Fatal(err)
	}
	if plan.Steps[1].References[0].Version != 1 || plan.Steps[1].ID == 0 {
		t.Errorf("after re-run: %+v", plan.Steps[1])
	}
}
