package examples_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"gitlab.com/acme/avroctl/events/v2/orders"
	"gitlab.com/acme/avroctl/events/v2/payments"
	"gitlab.com/acme/avroctl/events/v2/shared"
	"gitlab.com/acme/avroctl/examples/internal/order"
	"gitlab.com/acme/avroctl/examples/internal/payment"
	"gitlab.com/acme/avroctl/gen/golang/runtime/serde"
	"gitlab.com/acme/avroctl/gen/registry"
)

// registerWithAvroctl is the production set-up: avroctl registers the
// event schemas (with shared types as schema references, topic-record
// subjects, as avroctl.yaml says) and the services only look them up.
func registerWithAvroctl(t *testing.T, reg *serde.Client, url string) {
	ctx := context.Background()

	dir := t.TempDir()
	for _, s := range []interface{ AvroSchema() string }{
		&payments.PaymentValidated{}, &orders.OrderCreated{}, &shared.Money{}, &shared.EventMetadata{},
		&orders.LineItem{}, &orders.Address{},
	} {
		name := fullNameOf(t, s.AvroSchema())
		if err := os.WriteFile(filepath.Join(dir, name+".avsc"), []byte(s.AvroSchema()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	types, err := registry.LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	items, err := registry.Items(types, registry.TopicRecordName, []registry.Topic{
		{Topic: payment.Topic, Type: "com.acme.events.payments.PaymentValidated"},
		{Topic: order.OutTopic, Type: "com.acme.events.orders.OrderCreated"},
	})
	if err != nil {
		t.Fatal(err)
	}
	cl, err := registry.NewClient(registry.ClientOptions{URL: url})
	if err != nil {
		t.Fatal(err)
	}
	plan, err := registry.Plan(ctx, cl, items, registry.PlanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := registry.Apply(ctx, cl, plan); err != nil {
		t.Fatal(err)
	}

	ss, err := reg.SchemaByVersion(ctx, "payments-com.acme.events.payments.PaymentValidated", -1)
	if err != nil {
		t.Fatal(err)
	}
	if len(ss.References) == 0 {
		t.Fatalf("avroctl registered PaymentValidated without references: %+v", ss)
	}

}
