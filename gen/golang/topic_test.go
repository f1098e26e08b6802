package golang

import (
	"strings"
	"testing"

	"gitlab.com/acme/avroctl/gen/schema"
)

// TestGenerateTopics: which topics get an interface, what it is called,
// and what a bad topic mapping says.
func TestGenerateTopics(t *testing.T) {
	a := parseOne(t, `{"type":"record","name":"Created","namespace":"com.x.orders","fields":[]}`)
	b := parseOne(t, `{"type":"record","name":"Cancelled","namespace":"com.x.orders","fields":[]}`)
	// A record already called like the interface keeps its name.
	clash := parseOne(t, `{"type":"record","name":"OrderEventsEvent","namespace":"com.x.orders","fields":[]}`)
	other := parseOne(t, `{"type":"record","name":"Paid","namespace":"com.x.payments","fields":[]}`)
	enum := parseOne(t, `{"type":"enum","name":"Kind","namespace":"com.x.orders","symbols":["A"]}`)
	all := []schema.NamedSchema{a, b, clash, other, enum}
	files, err := Generate(all, Options{Topics: map[string][]string{
		"order-events": {"com.x.orders.Created", "com.x.orders.Cancelled", "com.x.orders.Created"},
		"single":       {"com.x.orders.Created"},
		"mixed":        {"com.x.orders.Created", "com.x.payments.Paid"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	var topicFiles []string
	for _, f := range files {
		if strings.Contains(string(f.Content), "// source: topic ") {
			topicFiles = append(topicFiles, f.Path)
		}
	}
	if len(topicFiles) != 1 || topicFiles[0] != "orders/order_events_event_.avro.go" {
		t.Fatalf("topic files %v, want only orders/order_events_event_.avro.go (one topic with two types in one package)", topicFiles)
	}
	src := string(files.Get(topicFiles[0]).Content)
	for _, want := range []string{
		"type OrderEventsEvent_ interface {",
		"func (*Cancelled) isOrderEventsEvent_() {}",
		"func (*Created) isOrderEventsEvent_()   {}",
		`OrderEventsTopic = "order-events"`,
		"func NewOrderEventsEvent_Codec(s *serde.Serde, opts serde.CodecOptions) (*serde.TopicCodec[OrderEventsEvent_], error) {",
		"serde.Member[OrderEventsEvent_, Cancelled](),\n\t\t\tserde.Member[OrderEventsEvent_, Created](),\n\t\t},",
		`"gitlab.com/acme/avroctl/events/serde"`,
		`Union: _OrderEventsEvent__avroSchema,`,
	} {
		if !strings.Contains(src, want) {
			t.Errorf("generated topic file lacks %q:\n%s", want, src)
		}
	}
	if doc := string(files.Get("doc.go").Content); !strings.Contains(doc, "order-events: orders.OrderEventsEvent_, orders.NewOrderEventsEvent_Codec") {
		t.Errorf("module doc does not list the topic:\n%s", doc)
	}

	for _, tc := range []struct {
		topics map[string][]string
		want   string
	}{
		{map[string][]string{"t": {"com.x.orders.Created", "com.x.orders.Missing"}}, `topic "t": type com.x.orders.Missing is not among the schemas`},
		{map[string][]string{"t": {"com.x.orders.Created", "com.x.orders.Kind"}}, `topic "t": type com.x.orders.Kind is not a record`},
	} {
		if _, err := Generate(all, Options{Topics: tc.topics}); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("topics %v: %v, want an error containing %q", tc.topics, err, tc.want)
		}
	}
	// A mapping over more types than a run's schemas (avroctl.yaml's, on
	// part of the project) may leave the unknown ones out.
	files, err = Generate(all, Options{SkipUnknownTopicTypes: true, Topics: map[string][]string{
		"t": {"com.x.orders.Created", "com.x.orders.Cancelled", "com.x.orders.Missing"},
		"u": {"com.x.orders.Created", "com.x.other.Missing"}}})
	if err != nil {
		t.Fatal(err)
	}
	if files.Get("orders/t_event.avro.go") == nil || files.Get("orders/u_event.avro.go") != nil {
		t.Error("with SkipUnknownTopicTypes: want an interface for t (two known types) and none for u (one)")
	}
}
