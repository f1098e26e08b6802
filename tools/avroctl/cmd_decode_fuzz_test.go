package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzDecodeCLI: any input to `avroctl decode` (a frame, a raw stream, hex
// lines) with a --writer schema gives exit 0 or 1 (findings), never a
// panic, and stdout holds only whole lines.
func FuzzDecodeCLI(f *testing.F) {
	avsc := orderAvsc(f)
	f.Add(orderFrame(1, "o-1", 2, nil), uint8(0))
	f.Add(orderFrame(1, "o-1", 2, nil)[5:], uint8(1))
	f.Add([]byte("0000000001066f2d310400\nzz\n01\n"), uint8(2))
	f.Add([]byte{1, 2, 3}, uint8(0))
	f.Fuzz(func(t *testing.T, in []byte, mode uint8) {
		args := []string{"decode", "--writer", avsc}
		switch mode % 3 {
		case 1:
			args = append(args, "--raw")
		case 2:
			args = append(args, "--hex")
		}
		var out, errb bytes.Buffer
		code := Main(args, bytes.NewReader(in), &out, &errb)
		if code != 0 && code != 1 {
			t.Fatalf("exit %d: %s", code, errb.String())
		}
		if out.Len() > 0 && !strings.HasSuffix(out.String(), "\n") {
			t.Fatalf("partial line: %q", out.String())
		}
	})
}

// FuzzEncodeCLI: any lines to `avroctl encode` give exit 0 or 1.
func FuzzEncodeCLI(f *testing.F) {
	avsc := orderAvsc(f)
	f.Add(orderLinesAvroJSON, false)
	f.Add(orderLinesJSON, true)
	f.Fuzz(func(t *testing.T, in string, plain bool) {
		args := []string{"encode", "--schema", avsc, "--hex"}
		if plain {
			args = append(args, "--format", "json")
		}
		var out, errb bytes.Buffer
		if code := Main(args, strings.NewReader(in), &out, &errb); code != 0 && code != 1 {
			t.Fatalf("exit %d: %s", code, errb.String())
		}
	})
}

// orderAvsc writes dltOrderV1 to a temporary .avsc file.
func orderAvsc(tb testing.TB) string {
	tb.Helper()
	avsc := filepath.Join(tb.TempDir(), "order.avsc")
	if err := os.WriteFile(avsc, []byte(dltOrderV1), 0o644); err != nil {
		tb.Fatal(err)
	}
	return avsc
}
