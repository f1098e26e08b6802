package registry

import (
	"strings"
	"testing"
)

func TestLoadDirAndSteps(t *testing.T) {
	types, err := LoadDir("testdata/schemas")
	if err != nil {
		t.Fatal(err)
	}
	items, err := Items(types, TopicName, []Topic{{Topic: "orders", Type: "com.acme.Order"}})
	if err != nil {
		t.Fatal(err)
	}
	steps, err := buildSteps(items)
	if err != nil {
		t.Fatal(err)
	}
	if len(steps) != 2 || steps[0].Subject != "com.acme.Money" || steps[1].Subject != "orders-value" {
		t.Fatalf("steps %+v", steps)
	}
	// Money is referenced and named (twice: field and array items); Status
	// has no file of its own and stays inline.
	want := `{"type":"record","name":"Order","namespace":"com.acme","fields":[{"name":"id","type":"string"},{"name":"total","type":"Money"},{"name":"status","type":{"type":"enum","name":"Status","symbols":["NEW","PAID"]}},{"name":"refunds","type":{"type":"array","items":"Money"}}]}`
	if steps[1].Schema != want {
		t.Errorf("Order text\n got %s\nwant %s", steps[1].Schema, want)
	}
	if len(steps[1].References) != 1 || steps[1].References[0] != (Reference{Name: "com.acme.Money", Subject: "com.acme.Money", Step: 0}) {
		t.Errorf("references %+v", steps[1].References)
	}
	if p := steps[1].Pos; p.Filename != "testdata/schemas/com.acme.Order.avsc" || p.Line == 0 {
		t.Errorf("position %v", p)
	}
	// The topic strategy needs a mapping; an unknown type is refused.
	if _, err := Items(types, TopicName, nil); err == nil {
		t.Error("topic strategy without --topic accepted")
	}
	if _, err := Items(types, TopicName, []Topic{{Topic: "x", Type: "com.acme.Nope"}}); err == nil {
		t.Error("unknown type accepted")
	}
}

func TestLoadDirErrors(t *testing.T) {
	_, err := LoadDir("testdata/bad")
	if err == nil {
		t.Fatal("bad schemas loaded")
	}
	for _, want := range []string{"testdata/bad/com.acme.Broken.avsc:4:", "testdata/bad/prim.avsc:1:1: the file holds a string"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
	if _, err := LoadDir("testdata/none"); err == nil || !strings.Contains(err.Error(), "no .avsc files") {
		t.Errorf("empty dir: %v", err)
	}
}

func TestReferenceCycle(t *testing.T) {
	types, err := LoadDir("testdata/cycle")
	if err != nil {
		t.Fatal(err)
	}
	items, _ := Items(types, RecordName, nil)
	_, err = buildSteps(items)
	if err == nil || !strings.Contains(err.Error(), "reference cycle a.A -> a.B -> a.A") {
		t.Errorf("cycle: %v", err)
	}
}
