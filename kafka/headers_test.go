package kafka

import (
	"testing"
	"time"
)

// TestAppendCETime: the hand-written ce_time appender writes what
// time.AppendFormat writes with the RFC 3339 millisecond layout.
func TestAppendCETime(t *testing.T) {
	kolkata := time.FixedZone("IST", 5*3600+1800)
	for _, tm := range []time.Time{
		time.Date(2026, 12, 4, 6, 5, 1, 123456789, time.UTC),
		time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(1969, 12, 31, 23, 59, 59, 999e6, time.UTC),
		time.Date(2026, 3, 1, 0, 30, 0, 7e6, kolkata), // the previous UTC day
		time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC),
		time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC),
		time.UnixMilli(1796362898465),
	} {
		want := tm.UTC().AppendFormat(nil, ceTimeLayout)
		if got := appendCETime([]byte("x"), tm); string(got) != "x"+string(want) {
			t.Errorf("%v: %s, want x%s", tm, got, want)
		}
	}
}
