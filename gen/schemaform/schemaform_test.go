package schemaform

import (
	"testing"

	"gitlab.com/acme/avroctl/gen/schema"
)

// r.avsc and the fingerprints avro-tools 1.12.0 `fingerprint` printed for
// it (--fingerprint CRC-64-AVRO, MD5, SHA-256).
const rAvsc = `{"type":"record","name":"R","namespace":"a.b","fields":[{"name":"x","type":"int","doc":"d"}]}`

func TestFingerprintsMatchAvroTools(t *testing.T) {
	s, err := schema.Parse([]byte(rAvsc), schema.ParseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for a, want := range map[Algorithm]string{
		CRC64:  "c96df2f15aa739f2",
		MD5:    "f1d3daa3aff37a3fdd31cbad6afcf001",
		SHA256: "78c91397e1ae79424fe6d8758747be24cac0b95881ec56a4c83a2f537d181099",
	} {
		if got := Of(s, a).Hex; got != want {
			t.Errorf("%s: %s, want %s", a, got, want)
		}
	}
	f := Of(s, CRC64)
	if f.Long == nil || uint64(*f.Long) != schema.Fingerprint64(s) || f.Uint64Hex != "f239a75af1f26dc9" {
		t.Errorf("CRC-64 long %v, hex %s", f.Long, f.Uint64Hex)
	}
}

// The empty input's CRC-64-AVRO is the polynomial seed (specification).
func TestRabinEmpty(t *testing.T) {
	if got := OfCanonical(nil, CRC64).Uint64Hex; got != "c15d213aa4d7a795" {
		t.Fatal(got)
	}
}

func TestFormats(t *testing.T) {
	s, _ := schema.Parse([]byte(rAvsc), schema.ParseOptions{})
	want := map[string]string{
		"canonical":   `{"name":"a.b.R","type":"record","fields":[{"name":"x","type":"int"}]}`,
		"JSON/Inline": `{"type":"record","name":"R","namespace":"a.b","fields":[{"name":"x","type":"int","doc":"d"}]}`,
		"json":        "{\n  \"type\" : \"record\",\n  \"name\" : \"R\",\n  \"namespace\" : \"a.b\",\n  \"fields\" : [ {\n    \"name\" : \"x\",\n    \"type\" : \"int\",\n    \"doc\" : \"d\"\n  } ]\n}",
	}
	want["json/pretty"] = want["json"]
	for name, w := range want {
		got, err := Format(s, name)
		if err != nil || string(got) != w {
			t.Errorf("%s: %v\n%s\nwant\n%s", name, err, got, w)
		}
	}
	if _, err := Format(s, "canonical/x"); err == nil {
		t.Error("canonical/x accepted")
	}
	for _, n := range []string{"CRC-64-AVRO", "md5", "SHA-256", "sha256", "crc64"} {
		if _, err := ParseAlgorithm(n); err != nil {
			t.Error(err)
		}
	}
	if _, err := ParseAlgorithm("sha1"); err == nil {
		t.Error("sha1 accepted")
	}
}
