package kcat

import (
	"testing"
	"time"
)

// FuzzParseStart: any start is a start or an error, never a panic.
func FuzzParseStart(f *testing.F) {
	for _, s := range []string{"beginning", "end", "42", "-3", "2h", "2026-12-04T05:00:00Z", "", "9999999999999999999"} {
		f.Add(s)
	}
	now := time.Date(2026, 12, 4, 7, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, s string) {
		st, err := ParseStart(s, now)
		if err == nil && st.Kind == "" {
			t.Fatalf("%q: no start and no error", s)
		}
	})
}
