package schema

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// TestGolden parses each testdata/golden input and compares every writer's
// output with the golden files next to it (regenerate with -update). The
// pretty, compact and canonical goldens were checked once against Java
// (avro 1.12.2 Schema.Parser + toString/SchemaNormalization), except that
// Java lists protocol.avpr's nested enum before its record; the normalized
// ones follow the Confluent source and were not run against it.
func TestGolden(t *testing.T) {
	inputs, _ := filepath.Glob("testdata/golden/*.av[sp][cr]")
	if len(inputs) == 0 {
		t.Fatal("no golden inputs")
	}
	for _, in := range inputs {
		t.Run(filepath.Base(in), func(t *testing.T) {
			data, err := os.ReadFile(in)
			if err != nil {
				t.Fatal(err)
			}
			outputs := map[string][]byte{}
			if strings.HasSuffix(in, ".avpr") {
				p, err := ParseProtocol(data, ParseOptions{Filename: in})
				if err != nil {
					t.Fatal(err)
				}
				outputs["pretty"] = MarshalProtocol(p, true)
				outputs["compact"] = MarshalProtocol(p, false)
			} else {
				s, err := Parse(data, ParseOptions{Filename: in})
				if err != nil {
					t.Fatal(err)
				}
				outputs["pretty"] = MarshalPretty(s)
				outputs["compact"] = Marshal(s)
				outputs["canonical"] = []byte(fmt.Sprintf("%s\nCRC-64-AVRO %d\nMD5 %x\nSHA-256 %x",
					CanonicalForm(s), int64(Fingerprint64(s)), FingerprintMD5(s), FingerprintSHA256(s)))
				outputs["normalized"] = Normalize(s)
			}
			for kind, got := range outputs {
				golden := strings.TrimSuffix(in, filepath.Ext(in)) + "." + kind
				got = append(got, '\n')
				if *update {
					if err := writeFileAtomic(golden, got); err != nil {
						t.Fatal(err)
					}
					continue
				}
				want, err := os.ReadFile(golden)
				if err != nil {
					t.Fatalf("%v (run go test -update)", err)
				}
				if !bytes.Equal(got, want) {
					t.Errorf("%s differs from %s:\n%s", kind, golden, firstDiffBytes(got, want))
				}
			}
		})
	}
}

// writeFileAtomic writes to a temporary file and renames it into place, so
// that an interrupted -update never leaves a half-written golden.
func writeFileAtomic(name string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(name), ".golden-*")
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		os.Remove(f.Name())
		return err
	}
	if err := f.Close(); err != nil {
		os.Remove(f.Name())
		return err
	}
	return os.Rename(f.Name(), name)
}
