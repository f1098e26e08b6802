package avro

import (
	"testing"
	"time"
)

// TestCivilValuesFromTheWallClock: dates and local timestamps are taken
// from the wall clock in the value's own location, at every precision, in
// zones whose offset is not a whole hour.
func TestCivilValuesFromTheWallClock(t *testing.T) {
	for _, name := range []string{"UTC", "Europe/Paris", "Asia/Kolkata", "Asia/Kathmandu", "Australia/Lord_Howe", "America/St_Johns"} {
		loc, err := time.LoadLocation(name)
		if err != nil {
			t.Fatal(err)
		}
		in := time.Date(2026, 3, 4, 0, 15, 0, 123456789, loc)
		wall := time.Date(2026, 3, 4, 0, 15, 0, 123456789, time.UTC)
		if got, want := DaysFromDate(in), DaysFromDate(wall); got != want {
			t.Errorf("%s: DaysFromDate = %d, want %d", name, got, want)
		}
		if got := LocalMillis(in); got != wall.UnixMilli() {
			t.Errorf("%s: LocalMillis = %d, want %d", name, got, wall.UnixMilli())
		}
		if got := LocalMicros(in); got != wall.UnixMicro() {
			t.Errorf("%s: LocalMicros = %d, want %d", name, got, wall.UnixMicro())
		}
		if got := LocalNanos(in); got != wall.UnixNano() {
			t.Errorf("%s: LocalNanos = %d, want %d", name, got, wall.UnixNano())
		}
	}
}
