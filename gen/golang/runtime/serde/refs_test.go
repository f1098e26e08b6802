package serde

import (
	"context"
	"errors"
	"testing"

	"gitlab.com/acme/avroctl/gen/golang/runtime/avro"
)

func TestInlineReferences(t *testing.T) {
	for _, tc := range []struct {
		name string
		main string
		refs []string
		want string // a schema with the same canonical form
	}{
		{
			name: "FullNameAndUnion",
			main: orderRefSchema,
			refs: []string{moneySchema},
			want: orderSchema,
		},
		{
			name: "SimpleNameInSameNamespace",
			main: `{"type":"record","name":"A","namespace":"n","fields":[{"name":"b","type":"B"},{"name":"bs","type":{"type":"array","items":"B"}}]}`,
			refs: []string{`{"type":"record","name":"B","namespace":"n","fields":[{"name":"x","type":"int"}]}`},
			want: `{"type":"record","name":"A","namespace":"n","fields":[{"name":"b","type":{"type":"record","name":"B","fields":[{"name":"x","type":"int"}]}},{"name":"bs","type":{"type":"array","items":"B"}}]}`,
		},
		{
			name: "NullNamespaceFallback",
			main: `{"type":"record","name":"A","namespace":"n","fields":[{"name":"e","type":{"type":"map","values":"E"}}]}`,
			refs: []string{`{"type":"enum","name":"E","symbols":["X","Y"]}`},
			want: `{"type":"record","name":"A","namespace":"n","fields":[{"name":"e","type":{"type":"map","values":{"type":"enum","name":"E","namespace":"","symbols":["X","Y"]}}}]}`,
		},
		{
			name: "ReferenceOfReferenceWithNestedType",
			main: `{"type":"record","name":"A","namespace":"a","fields":[{"name":"c","type":"c.C"},{"name":"b","type":"b.B"}]}`,
			refs: []string{
				`{"type":"record","name":"C","namespace":"c","fields":[{"name":"f","type":{"type":"fixed","name":"F","size":2}}]}`,
				`{"type":"record","name":"B","namespace":"b","fields":[{"name":"c","type":"c.C"},{"name":"f","type":"c.F"}]}`,
			},
			want: `{"type":"record","name":"A","namespace":"a","fields":[{"name":"c","type":{"type":"record","name":"C","namespace":"c","fields":[{"name":"f","type":{"type":"fixed","name":"F","size":2}}]}},{"name":"b","type":{"type":"record","name":"B","namespace":"b","fields":[{"name":"c","type":"c.C"},{"name":"f","type":"c.F"}]}}]}`,
		},
		{
			name: "Recursive",
			main: `{"type":"record","name":"A","namespace":"a","fields":[{"name":"l","type":"a.List"}]}`,
			refs: []string{`{"type":"record","name":"List","namespace":"a","fields":[{"name":"next","type":["null","List"]}]}`},
			want: `{"type":"record","name":"A","namespace":"a","fields":[{"name":"l","type":{"type":"record","name":"List","fields":[{"name":"next","type":["null","List"]}]}}]}`,
		},
		{
			name: "NoReferences",
			main: `"string"`,
			want: `"string"`,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := inlineReferences(tc.main, tc.refs)
			if err != nil {
				t.Fatal(err)
			}
			gw, err := avro.ParseWriterSchema(got)
			if err != nil {
				t.Fatalf("inlined schema does not parse: %v\n%s", err, got)
			}
			ww, err := avro.ParseWriterSchema(tc.want)
			if err != nil {
				t.Fatal(err)
			}
			if !gw.SameCanonicalForm(ww) {
				t.Fatalf("inlined schema differs from the expected one:\n got %s\nwant %s", got, tc.want)
			}
		})
	}
}

func TestInlineReferencesErrors(t *testing.T) {
	if _, err := inlineReferences(`{`, []string{moneySchema}); !errors.Is(err, ErrIncompatible) {
		t.Errorf("bad main schema: %v", err)
	}
	if _, err := inlineReferences(orderRefSchema, []string{`{"type":`}); !errors.Is(err, ErrIncompatible) {
		t.Errorf("bad reference: %v", err)
	}
}

func TestFetchReferencesCycleAndOrder(t *testing.T) {
	ctx := context.Background()
	mem := newMemRegistry()
	// c <- b <- a: fetching a's references yields c, then b.
	mem.RegisterSchema(ctx, "c", Schema{Schema: `"c"`})
	mem.RegisterSchema(ctx, "b", Schema{Schema: `"b"`, References: []Reference{{Name: "C", Subject: "c", Version: 1}}})
	got, err := fetchReferences(ctx, mem, []Reference{{Name: "B", Subject: "b", Version: 1}, {Name: "C", Subject: "c", Version: 1}})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0] != `"c"` || got[1] != `"b"` {
		t.Fatalf("references = %q, want [\"c\" \"b\"]", got)
	}
	// A cycle (impossible in Confluent, possible in a hostile registry).
	mem.RegisterSchema(ctx, "x", Schema{Schema: `"x"`, References: []Reference{{Name: "Y", Subject: "y", Version: 1}}})
	mem.RegisterSchema(ctx, "y", Schema{Schema: `"y"`, References: []Reference{{Name: "X", Subject: "x", Version: 1}}})
	if _, err := fetchReferences(ctx, mem, []Reference{{Name: "X", Subject: "x", Version: 1}}); !errors.Is(err, ErrIncompatible) {
		t.Fatalf("cycle: %v, want ErrIncompatible", err)
	}
	// A missing reference is an unknown schema.
	if _, err := fetchReferences(ctx, mem, []Reference{{Name: "Z", Subject: "z", Version: 1}}); !errors.Is(err, ErrUnknownSchema) {
		t.Fatalf("missing reference: %v, want ErrUnknownSchema", err)
	}
}
