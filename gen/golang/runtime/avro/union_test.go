package avro

import "testing"

func TestWriterSchemaBranches(t *testing.T) {
	money := `{"type":"record","name":"Money","namespace":"s","fields":[{"name":"units","type":"long"}]}`
	a := `{"type":"record","name":"A","namespace":"n","aliases":["Old"],"fields":[{"name":"m","type":` + money + `}]}`
	// B uses Money by name: it was defined in full in branch A.
	bRef := `{"type":"record","name":"B","namespace":"n","fields":[{"name":"m","type":"s.Money"}]}`
	bFull := `{"type":"record","name":"B","namespace":"n","fields":[{"name":"m","type":` + money + `}]}`
	u, err := ParseWriterSchema(`["null",` + a + `,` + bRef + `]`)
	if err != nil {
		t.Fatal(err)
	}
	if !u.IsUnion() || u.FullName() != "" || u.TypeName() != "union" {
		t.Fatalf("union: IsUnion %v FullName %q TypeName %q", u.IsUnion(), u.FullName(), u.TypeName())
	}
	br := u.Branches()
	if len(br) != 3 {
		t.Fatalf("%d branches, want 3", len(br))
	}
	if br[0].FullName() != "" || br[0].TypeName() != "null" {
		t.Errorf("branch 0: %q %q", br[0].FullName(), br[0].TypeName())
	}
	if br[1].FullName() != "n.A" || len(br[1].Aliases()) != 1 || br[1].Aliases()[0] != "n.Old" {
		t.Errorf("branch 1: %q aliases %v", br[1].FullName(), br[1].Aliases())
	}
	standalone, err := ParseWriterSchema(bFull)
	if err != nil {
		t.Fatal(err)
	}
	if !br[2].SameCanonicalForm(standalone) || br[2].Fingerprint() != standalone.Fingerprint() {
		t.Error("branch B's canonical form differs from B written out on its own")
	}
	// A branch resolves like any writer schema.
	r := NewResolver(bFull)
	if op, err := r.Plan(br[2]); err != nil || op != nil {
		t.Errorf("Plan(branch B) for reader B = %v, %v; want the direct path", op != nil, err)
	}
	rec, _ := ParseWriterSchema(money)
	if rec.IsUnion() || rec.Branches() != nil || rec.FullName() != "s.Money" {
		t.Error("a record is not a union")
	}
}
