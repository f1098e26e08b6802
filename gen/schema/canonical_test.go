package schema

import (
	"encoding/hex"
	"testing"
)

// canonicalCases are the Parsing Canonical Form vectors of Apache Avro's
// share/test/data/schema-tests.txt (Apache-2.0); the fingerprints are Java's
// signed CRC-64-AVRO values. Case 026 there has "default":"true" on a
// boolean field, which Java 1.12 rejects when it validates defaults, so the
// default is written as true here; it does not change the canonical form.
var canonicalCases = []struct {
	in, canonical string
	fp            int64 // 0: not given
}{
	{`"null"`, `"null"`, 7195948357588979594},
	{`{"type":"null"}`, `"null"`, 0},
	{`"boolean"`, `"boolean"`, -6970731678124411036},
	{`{"type":"boolean"}`, `"boolean"`, 0},
	{`"int"`, `"int"`, 8247732601305521295},
	{`{"type":"int"}`, `"int"`, 0},
	{`"long"`, `"long"`, -3434872931120570953},
	{`{"type":"long"}`, `"long"`, 0},
	{`"float"`, `"float"`, 5583340709985441680},
	{`{"type":"float"}`, `"float"`, 0},
	{`"double"`, `"double"`, -8181574048448539266},
	{`{"type":"double"}`, `"double"`, 0},
	{`"bytes"`, `"bytes"`, 5746618253357095269},
	{`{"type":"bytes"}`, `"bytes"`, 0},
	{`"string"`, `"string"`, -8142146995180207161},
	{`{"type":"string"}`, `"string"`, 0},
	{`[  ]`, `[]`, -1241056759729112623},
	{`[ "int"  ]`, `["int"]`, -5232228896498058493},
	{`[ "int" , {"type":"boolean"} ]`, `["int","boolean"]`, 5392556393470105090},
	{`{"fields":[], "type":"record", "name":"foo"}`, `{"name":"foo","type":"record","fields":[]}`, -4824392279771201922},
	{`{"fields":[], "type":"record", "name":"foo", "namespace":"x.y"}`, `{"name":"x.y.foo","type":"record","fields":[]}`, 5916914534497305771},
	{`{"fields":[], "type":"record", "name":"a.b.foo", "namespace":"x.y"}`, `{"name":"a.b.foo","type":"record","fields":[]}`, -4616218487480524110},
	{`{"fields":[], "type":"record", "name":"foo", "doc":"Useful info"}`, `{"name":"foo","type":"record","fields":[]}`, -4824392279771201922},
	{`{"fields":[], "type":"record", "name":"foo", "aliases":["foo","bar"]}`, `{"name":"foo","type":"record","fields":[]}`, -4824392279771201922},
	{`{"fields":[], "type":"record", "name":"foo", "doc":"foo", "aliases":["foo","bar"]}`, `{"name":"foo","type":"record","fields":[]}`, -4824392279771201922},
	{`{"fields":[{"type":{"type":"boolean"}, "name":"f1"}], "type":"record", "name":"foo"}`, `{"name":"foo","type":"record","fields":[{"name":"f1","type":"boolean"}]}`, 7843277075252814651},
	{`{ "fields":[{"type":"boolean", "aliases":[], "name":"f1", "default":true},
            {"order":"descending","name":"f2","doc":"Hello","type":"int"}],
  "type":"record", "name":"foo"
}`, `{"name":"foo","type":"record","fields":[{"name":"f1","type":"boolean"},{"name":"f2","type":"int"}]}`, -4860222112080293046},
	{`{"type":"enum", "name":"foo", "symbols":["A1"]}`, `{"name":"foo","type":"enum","symbols":["A1"]}`, -6342190197741309591},
	{`{"namespace":"x.y.z", "type":"enum", "name":"foo", "doc":"foo bar", "symbols":["A1", "A2"]}`, `{"name":"x.y.z.foo","type":"enum","symbols":["A1","A2"]}`, -4448647247586288245},
	{`{"name":"foo","type":"fixed","size":15}`, `{"name":"foo","type":"fixed","size":15}`, 1756455273707447556},
	{`{"namespace":"x.y.z", "type":"fixed", "name":"foo", "doc":"foo bar", "size":32}`, `{"name":"x.y.z.foo","type":"fixed","size":32}`, -3064184465700546786},
	{`{ "items":{"type":"null"}, "type":"array"}`, `{"type":"array","items":"null"}`, -589620603366471059},
	{`{ "values":"string", "type":"map"}`, `{"type":"map","values":"string"}`, -8732877298790414990},
	{`{"name":"PigValue","type":"record",
   "fields":[{"name":"value", "type":["null", "int", "long", "PigValue"]}]}`, `{"name":"PigValue","type":"record","fields":[{"name":"value","type":["null","int","long","PigValue"]}]}`, -1759257747318642341},
}

func TestCanonicalForm(t *testing.T) {
	for i, c := range canonicalCases {
		s, err := Parse([]byte(c.in), ParseOptions{Filename: "case"})
		if err != nil {
			t.Errorf("%03d: %v", i, err)
			continue
		}
		if got := string(CanonicalForm(s)); got != c.canonical {
			t.Errorf("%03d: CanonicalForm = %s, want %s", i, got, c.canonical)
		}
		if c.fp != 0 {
			if got := int64(Fingerprint64(s)); got != c.fp {
				t.Errorf("%03d: Fingerprint64 = %d, want %d", i, got, c.fp)
			}
		}
	}
}

func TestRabin64Empty(t *testing.T) {
	if got := Rabin64(nil); got != 0xc15d213aa4d7a795 {
		t.Errorf("Rabin64(empty) = %#x", got)
	}
}

// The digests of `"int"`'s canonical form, computed independently with
// `printf '"int"' | md5sum` and `sha256sum`.
func TestFingerprintDigests(t *testing.T) {
	s := &Primitive{T: Int}
	md5 := FingerprintMD5(s)
	sha := FingerprintSHA256(s)
	if got, want := hex.EncodeToString(md5[:]), "ef524ea1b91e73173d938ade36c1db32"; got != want {
		t.Errorf("MD5 = %s, want %s", got, want)
	}
	if got, want := hex.EncodeToString(sha[:]), "3f2b87a9fe7cc9b13835598c3981cd45e3e355309e5090aa0933d7becb6fba45"; got != want {
		t.Errorf("SHA-256 = %s, want %s", got, want)
	}
}
