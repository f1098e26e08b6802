package randdatum

import (
	"math/big"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"gitlab.com/acme/avroctl/gen/schema"
	"gitlab.com/acme/avroctl/interop/javaharness"
)

func TestMain(m *testing.M) {
	code := m.Run()
	javaharness.CloseShared()
	os.Exit(code)
}

// decimalBytes must agree with Java's BigInteger.toByteArray.
func TestDecimalBytes(t *testing.T) {
	for _, tc := range []struct {
		v    int64
		size int
		want string
	}{
		{0, 0, "\x00"}, {1, 0, "\x01"}, {-1, 0, "\xff"}, {127, 0, "\x7f"}, {128, 0, "\x00\x80"},
		{-128, 0, "\x80"}, {-129, 0, "\xff\x7f"}, {255, 0, "\x00\xff"}, {-256, 0, "\xff\x00"},
		{1999, 0, "\x07\xcf"}, {-1, 4, "\xff\xff\xff\xff"}, {5, 3, "\x00\x00\x05"},
	} {
		if got := string(decimalBytes(big.NewInt(tc.v), tc.size)); got != tc.want {
			t.Errorf("decimalBytes(%d, %d) = %q, want %q", tc.v, tc.size, got, tc.want)
		}
	}
}

// Every generated value must be readable by Java's JsonDecoder: that proves
// the generator writes the Avro JSON encoding, not something close to it.
func TestJavaReadsGeneratedValues(t *testing.T) {
	h := javaharness.Shared(t)
	files, _ := filepath.Glob("../testdata/evolution/*/*.avsc")
	if len(files) == 0 {
		t.Fatal("no fixtures")
	}
	r := rand.New(rand.NewPCG(7, 7))
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		s, err := schema.Parse(data, schema.ParseOptions{Filename: file})
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 50; i++ {
			v, _ := Generate(r, s, Options{})
			if _, err := h.Encode(data, v); err != nil {
				t.Fatalf("%s: Java rejects generated value %s: %v", file, v, err)
			}
		}
	}
}
