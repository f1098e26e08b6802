package examples_test

import (
	"context"
	"database/sql"
	"errors"
	"io"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
	_ "modernc.org/sqlite"

	"gitlab.com/acme/avroctl/events/v2/orders"
	"gitlab.com/acme/avroctl/events/v2/payments"
	evserde "gitlab.com/acme/avroctl/events/v2/serde"
	"gitlab.com/acme/avroctl/examples/internal/order"
	"gitlab.com/acme/avroctl/examples/internal/payment"
	"gitlab.com/acme/avroctl/gen/kafkatest"
	"gitlab.com/acme/avroctl/kafka"
)

// exampleTopics creates the topics of the example domain's flow.
func exampleTopics(t *testing.T, bootstrap string, partitions int32) {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(bootstrap))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	res, err := kadm.NewClient(cl).CreateTopics(context.Background(), partitions, 1, nil,
		payment.Topic, payment.Topic+"-dlt", order.OutTopic)
	if err == nil {
		err = res.Error()
	}
	if err != nil {
		t.Fatal(err)
	}
}

// openOrderDB opens a service database as order-service does.
func openOrderDB(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_txlock=immediate")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// TestServicesOnKafka runs the two example services on Apache Kafka 4.4
// with the schemas registered by avroctl (references included), as in
// production. Before the registration the payment service refuses to
// start; then the payment service publishes 40 payments with technical
// duplicates and CHF payments; the order service makes one order per EUR
// payment, publishes one OrderCreated per order through its outbox,
// skips the duplicates and dead-letters the CHF payments unchanged. One
// more payment is written as newer Confluent producers do: plain Avro, its
// schema's GUID in the __value_schema_id header.
func TestServicesOnKafka(t *testing.T) {
	ctx := context.Background()
	b := kafkatest.Start(t, kafkatest.Options{})
	exampleTopics(t, b.Bootstrap(), 3)
	rootReg, url := startRegistry(t)
	reg, err := evserde.NewClient(evserde.ClientOptions{URL: url})
	if err != nil {
		t.Fatal(err)
	}
	cfg := kafka.Config{Brokers: []string{b.Bootstrap()}}

	// Before avroctl registers the schemas, the payment service fails
	// before sending anything (auto.register.schemas=false, as Confluent
	// advises for production).
	_, err = payment.Publish(ctx, payment.Options{Kafka: cfg, Registry: reg, Count: 1})
	if !errors.Is(err, evserde.ErrUnknownSchema) {
		t.Fatalf("err = %v, want ErrUnknownSchema", err)
	}
	if n := endOffsetsSum(t, b.Bootstrap(), payment.Topic); n != 0 {
		t.Fatalf("%d records sent before failing", n)
	}
	registerWithAvroctl(t, rootReg, url)

	st, err := payment.Publish(ctx, payment.Options{Kafka: cfg, Registry: reg, First: 1, Count: 40, DuplicateEvery: 5, ForeignEvery: 7})
	if err != nil {
		t.Fatal(err)
	}
	// 40 payments, 8 sent twice (5, 10, ... 40), 5 in CHF (7, 14, 21, 28;
	// 35 is sent twice, so it stays EUR).
	if st.Sent != 48 || st.Duplicates != 8 || st.Foreign != 4 {
		t.Fatalf("published %+v", st)
	}

	// A payment as newer Confluent producers write it
	// (HeaderSchemaIdSerializer): plain Avro, the schema named by GUID in
	// the __value_schema_id header.
	pc0, err := evserde.NewCodec[payments.PaymentValidated](evserde.New(reg), evserde.CodecOptions{Topic: payment.Topic, Strategy: evserde.TopicRecordName})
	if err != nil {
		t.Fatal(err)
	}
	id, err := pc0.ID(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ss, err := reg.SchemaByID(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	guid, err := evserde.ParseGUID(ss.GUID)
	if err != nil {
		t.Fatalf("the registry gave schema %d the GUID %q: %v", id, ss.GUID, err)
	}
	hp := payment.NewPayment(41, false, time.Now())
	body, err := hp.AppendAvro(nil)
	if err != nil {
		t.Fatal(err)
	}
	headerFramed := &kgo.Record{Topic: payment.Topic, Key: []byte(hp.OrderID.String()), Value: body, Headers: []kgo.RecordHeader{
		{Key: kafka.HeaderID, Value: []byte(hp.Metadata.EventID.String())},
		{Key: evserde.ValueSchemaIDHeader, Value: evserde.AppendGUIDHeader(nil, guid)},
	}}
	pcl, err := kgo.NewClient(kgo.SeedBrokers(b.Bootstrap()))
	if err != nil {
		t.Fatal(err)
	}
	if err := pcl.ProduceSync(ctx, headerFramed).FirstErr(); err != nil {
		t.Fatal(err)
	}
	pcl.Close()

	db := openOrderDB(t, filepath.Join(t.TempDir(), "orders.db"))
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	svc, err := order.New(ctx, order.Options{Kafka: cfg, Registry: reg, DB: db, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- svc.Run(runCtx) }()
	waitFor(t, "37 orders and 4 dead letters", func() bool {
		n, _, _, err := order.Counts(ctx, db)
		return err == nil && n == 37 && endOffsetsSum(t, b.Bootstrap(), payment.Topic+"-dlt") == 4
	})
	waitFor(t, "37 OrderCreated records", func() bool { return endOffsetsSum(t, b.Bootstrap(), order.OutTopic) >= 37 })
	stop()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	n, dups, outbox, err := order.Counts(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	if n != 37 || dups != 8 || outbox != 0 {
		t.Errorf("orders %d, duplicates skipped %d, outbox %d; want 37 (one header-framed), 8, 0", n, dups, outbox)
	}

	// Every OrderCreated is caused by a distinct EUR payment and keyed by
	// its order.
	// Read as a consumer of the whole topic would, with the topic's
	// generated sealed interface and codec (orders carries three types).
	oc, err := orders.NewOrdersEventCodec(evserde.New(reg), evserde.CodecOptions{Strategy: evserde.TopicRecordName})
	if err != nil {
		t.Fatal(err)
	}
	var _ kafka.Decoder[orders.OrdersEvent] = oc
	created := readTopic(t, b.Bootstrap(), order.OutTopic, -1)
	if len(created) != 37 {
		t.Fatalf("%d OrderCreated records, want 37 (the outbox sends each once on a clean run)", len(created))
	}
	causes := map[string]bool{}
	for _, r := range created {
		var ev orders.OrdersEvent
		if err := oc.Decode(ctx, r.Value, &ev); err != nil {
			t.Fatal(err)
		}
		var o orders.OrderCreated
		switch ev := ev.(type) {
		case *orders.OrderCreated:
			o = *ev
		default:
			t.Fatalf("a %T on the orders topic", ev)
		}
		if string(r.Key) != o.OrderID.String() || o.Metadata.CausationID == nil || o.Total.Currency != "EUR" {
			t.Fatalf("OrderCreated %+v with key %s", o, r.Key)
		}
		id, _ := kafka.HeaderValue(r.Headers, kafka.HeaderID)
		if string(id) != o.Metadata.EventID.String() {
			t.Errorf("ce_id %s, event id %s", id, o.Metadata.EventID)
		}
		causes[o.Metadata.CausationID.String()] = true
	}
	if len(causes) != 37 {
		t.Errorf("%d distinct causes, want 37", len(causes))
	}

	// The dead letters are the CHF payments, unchanged, with the reason.
	pc, err := evserde.NewCodec[payments.PaymentValidated](evserde.New(reg), evserde.CodecOptions{Topic: payment.Topic, Strategy: evserde.TopicRecordName})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range readTopic(t, b.Bootstrap(), payment.Topic+"-dlt", -1) {
		var p payments.PaymentValidated
		if err := pc.Decode(ctx, r.Value, &p); err != nil {
			t.Fatal(err)
		}
		d, err := kafka.ParseDeadLetter(r)
		if err != nil {
			t.Fatal(err)
		}
		if p.Amount.Currency != "CHF" || d.OriginalTopic != payment.Topic || d.ConsumerGroup != order.Name {
			t.Errorf("dead letter %s %s from %s/%s: %s", p.PaymentID, p.Amount.Currency, d.OriginalTopic, d.ConsumerGroup, d.Message)
		}
	}
}
