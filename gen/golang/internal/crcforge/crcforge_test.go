package crcforge

import (
	"testing"

	"gitlab.com/acme/avroctl/gen/golang/runtime/avro"
)

func TestName(t *testing.T) {
	before, after := `{"name":"R","type":"record","fields":[{"name":"`, `","type":"null"}]}`
	for _, target := range []uint64{0, 1, 0xdeadbeefcafef00d, avro.Fingerprint64([]byte(`"int"`))} {
		name, err := Name(before, after, 80, target)
		if err != nil {
			t.Fatal(err)
		}
		if got := avro.Fingerprint64([]byte(before + name + after)); got != target {
			t.Fatalf("fingerprint %#x, want %#x", got, target)
		}
		for _, c := range name {
			if c < 'a' || c > 'z' {
				t.Fatalf("name %q has a non-letter", name)
			}
		}
	}
}
