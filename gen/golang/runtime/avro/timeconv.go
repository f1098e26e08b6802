package avro

import "time"

// Time logical types. Timestamps decode to time.Time in UTC (so values
// compare equal with ==/reflect.DeepEqual after a round trip); local
// timestamps are wall-clock values without a zone, which Go has no type for,
// so they too are time.Time in UTC: read the fields, not the instant. Dates
// are time.Time at midnight UTC; encoding a date truncates to the UTC day.

const secondsPerDay = 24 * 60 * 60

// DateFromDays converts days since 1970-01-01 to midnight UTC of that day.
func DateFromDays(days int32) time.Time { return time.Unix(int64(days)*secondsPerDay, 0).UTC() }

// DaysFromDate returns the number of days from 1970-01-01 to t's UTC day.
func DaysFromDate(t time.Time) int32 {
	s := t.Unix()
	d := s / secondsPerDay
	if s%secondsPerDay < 0 {
		d-- // floor, not truncation, for days before 1970
	}
	return int32(d)
}

// TimeFromMillis converts milliseconds since the Unix epoch to a UTC time.
func TimeFromMillis(ms int64) time.Time { return time.UnixMilli(ms).UTC() }

// TimeFromMicros converts microseconds since the Unix epoch to a UTC time.
func TimeFromMicros(us int64) time.Time { return time.UnixMicro(us).UTC() }

// TimeFromNanos converts nanoseconds since the Unix epoch to a UTC time.
func TimeFromNanos(ns int64) time.Time { return time.Unix(0, ns).UTC() }

// TimeOfDayMillis converts time-millis to a duration since midnight.
func TimeOfDayMillis(ms int32) time.Duration { return time.Duration(ms) * time.Millisecond }

// TimeOfDayMicros converts time-micros to a duration since midnight.
func TimeOfDayMicros(us int64) time.Duration { return time.Duration(us) * time.Microsecond }

// MillisOfDay converts a time of day to time-millis (truncating).
func MillisOfDay(d time.Duration) int32 { return int32(d / time.Millisecond) }

// MicrosOfDay converts a time of day to time-micros (truncating).
func MicrosOfDay(d time.Duration) int64 { return int64(d / time.Microsecond) }
