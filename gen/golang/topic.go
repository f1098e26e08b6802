package golang

import (
	"fmt"
	"path"
	"sort"
	"strconv"
	"strings"

	"gitlab.com/acme/avroctl/gen/schema"
)

// Topics carrying several event types. For each topic of Options.Topics
// with two or more value types, all in one Go package, the generator
// writes into that package a file <topic>_event.avro.go with
//
//   - a sealed interface, <Topic>Event, that only the topic's types
//     implement (through their pointers: the marker method is declared on
//     *T, so a type switch case on the value type T does not compile);
//   - <Topic>Topic, the topic's name, and the union of the types' schemas
//     (the subject's schema under TopicNameStrategy);
//   - New<Topic>EventCodec, a serde.TopicCodec over the types, which
//     decodes any frame on the topic into the right type, dispatching on
//     the frame's writer schema.
//
// Why the namespace's package and a topic-prefixed name (orders.OrdersEvent,
// not a package per topic with orders.Event): the marker method must be
// declared in the package of the types it seals, and that package holds a
// namespace, not a topic: a namespace may have types on several topics,
// and the topic's name keeps their interfaces apart. A topic whose types
// span packages gets no interface (no package can seal types of another);
// serde.NewTopicCodec with an interface of the service's own, or any, does
// the same job. A topic with one type needs none: serde.NewCodec is the
// codec for it.

// topicInfo is the Go shape of one topic's interface and codec.
type topicInfo struct {
	topic   string
	pkg     *goPackage
	members []*typeInfo // by full name
	file    string
	iface   string // the sealed interface
	marker  string // its unexported method
	ctor    string // New<Iface>Codec
	nameC   string // the topic name constant
	unionC  string // the union schema constant
}

// buildTopics decides the topics' names, after every type's, so that types
// keep their natural names and these yield on a clash.
func (m *model) buildTopics() ([]*topicInfo, error) {
	names := make([]string, 0, len(m.opts.Topics))
	for t := range m.opts.Topics {
		names = append(names, t)
	}
	sort.Strings(names)
	var out []*topicInfo
	for _, topic := range names {
		full := append([]string(nil), m.opts.Topics[topic]...)
		sort.Strings(full)
		var members []*typeInfo
		for i, f := range full {
			if i > 0 && f == full[i-1] {
				continue
			}
			t := m.byFull[f]
			if t == nil && m.opts.SkipUnknownTopicTypes {
				continue
			}
			if t == nil {
				return nil, fmt.Errorf("topic %s: type %s is not among the schemas; fix the topic mapping (registry.topics in avroctl.yaml) or add the type", strconv.Quote(topic), f)
			}
			if _, ok := t.schema.(*schema.Record); !ok {
				return nil, fmt.Errorf("topic %s: type %s is not a record but a %s type; a topic's value types must be records", strconv.Quote(topic), f, t.schema.Type())
			}
			members = append(members, t)
		}
		if len(members) < 2 {
			continue
		}
		samePkg := true
		for _, t := range members[1:] {
			samePkg = samePkg && t.pkg == members[0].pkg
		}
		if !samePkg {
			continue
		}
		p := members[0].pkg
		base := GoName(topic)
		if base == "" {
			base = "Topic"
		}
		ti := &topicInfo{topic: topic, pkg: p, members: members}
		ti.iface = p.names.claim(base + "Event")
		ti.marker = "is" + ti.iface
		ti.ctor = p.names.claim("New" + ti.iface + "Codec")
		ti.nameC = p.names.claim(base + "Topic")
		ti.unionC = p.names.claim("_" + ti.iface + "_avroSchema")
		ti.file = path.Join(p.dir, p.files.claim(snakeFile(ti.iface))+".avro.go")
		out = append(out, ti)
	}
	return out, nil
}

// serdeImport is the import path of the serde runtime package.
func (m *model) serdeImport() string {
	if m.opts.runtimeImport != "" {
		return path.Dir(m.opts.runtimeImport) + "/serde"
	}
	return m.opts.ModulePath + "/serde"
}

// genTopic writes a topic's interface, marker methods and codec.
func genTopic(m *model, ti *topicInfo) ([]byte, error) {
	header := Header + "\n// source: topic " + strconv.Quote(ti.topic) + " (its value types)\n"
	g := newGeneratedFile(ti.file, ti.pkg.importPath, ti.pkg.name, header)
	sd := func(name string) string { return g.qualify(m.serdeImport(), name) }
	first := ti.members[0].goName
	g.P("// ", ti.iface, " is a value of the Kafka topic ", strconv.Quote(ti.topic), ", one of:")
	g.P("//")
	for _, t := range ti.members {
		g.P("//   - *", t.goName, " (", t.schema.Names().FullName(), ")")
	}
	g.P("//")
	g.P("// Only these implement it: its marker method is unexported and declared")
	g.P("// on the pointer types, so a type switch over them covers the topic as")
	g.P("// this version of the module knows it (a case on a value type does not")
	g.P("// compile). ", ti.ctor, " returns the codec that decodes any frame on the")
	g.P("// topic into the right type, by the frame's writer schema:")
	g.P("//")
	g.P("//\tvar ev ", ti.pkg.name, ".", ti.iface)
	g.P("//\tif err := codec.Decode(ctx, frame, &ev); err != nil { ... }")
	g.P("//\tswitch ev := ev.(type) {")
	g.P("//\tcase *", ti.pkg.name, ".", first, ":")
	g.P("//\t\t...")
	g.P("//\t}")
	g.P("type ", ti.iface, " interface {")
	g.P("// AvroSchema returns the type's writer schema.")
	g.P("AvroSchema() string")
	g.P("// AppendAvro appends the value's Avro binary encoding to dst.")
	g.P("AppendAvro(dst []byte) ([]byte, error)")
	g.P(ti.marker, "()")
	g.P("}")
	g.P()
	for _, t := range ti.members {
		g.P("func (*", t.goName, ") ", ti.marker, "() {}")
	}
	g.P()
	branches := make([]schema.Schema, len(ti.members))
	for i, t := range ti.members {
		branches[i] = t.schema
	}
	g.P("const (")
	g.P("// ", ti.nameC, " is the topic whose values are ", ti.iface, ".")
	g.P(ti.nameC, " = ", strconv.Quote(ti.topic))
	g.P("// ", ti.unionC, " is the union of the topic's types, the schema of the")
	g.P("// subject ", strconv.Quote(ti.topic+"-value"), " under TopicNameStrategy.")
	g.P(ti.unionC, " = ", strconv.Quote(string(schema.Marshal(&schema.Union{Branches: branches}))))
	g.P(")")
	g.P()
	g.P("// ", ti.ctor, " returns a codec for the values of the topic (opts.Topic")
	g.P("// defaults to ", ti.nameC, "). Its Decode sets the *", ti.iface, " it is given to")
	g.P("// a new value of the type the frame's writer schema names; a type this module does")
	g.P("// not know is a *serde.UnknownTypeError (the consumer dead-letters the")
	g.P("// record). It encodes any of the types: with the id of the type's own")
	g.P("// subject under TopicRecordNameStrategy and RecordNameStrategy, or as")
	g.P("// the type's branch of the subject's union under TopicNameStrategy.")
	g.P("func ", ti.ctor, "(s *", sd("Serde"), ", opts ", sd("CodecOptions"), ") (*", sd("TopicCodec"), "[", ti.iface, "], error) {")
	g.P("if opts.Topic == \"\" {")
	g.P("opts.Topic = ", ti.nameC)
	g.P("}")
	g.P("return ", sd("NewTopicCodec"), "(s, opts, ", sd("TopicTypes"), "[", ti.iface, "]{")
	g.P("Members: []", sd("TopicMember"), "[", ti.iface, "]{")
	for _, t := range ti.members {
		g.P(sd("Member"), "[", ti.iface, ", ", t.goName, "](),")
	}
	g.P("},")
	g.P("Union: ", ti.unionC, ",")
	g.P("})")
	g.P("}")
	return g.content()
}

// topicsDoc is the module doc's paragraph on topic interfaces.
func topicsDoc(topics []*topicInfo) string {
	if len(topics) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("//\n// Topics carrying several event types have a sealed interface, implemented\n")
	b.WriteString("// by the pointers to their types, and a codec that decodes any frame on\n")
	b.WriteString("// the topic into the right type:\n//\n")
	for _, ti := range topics {
		fmt.Fprintf(&b, "//   - %s: %s.%s, %s.%s\n", ti.topic, ti.pkg.name, ti.iface, ti.pkg.name, ti.ctor)
	}
	return b.String()
}
