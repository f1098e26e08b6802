package avro

import "time"

// Time logical types. Timestamps (timestamp-*) are instants: they are
// written from the instant whatever the time.Time's location, and decode
// to time.Time in UTC (so values compare equal with == and
// reflect.DeepEqual after a round trip).
//
// Dates (date) and local timestamps (local-timestamp-*) are civil values:
// a calendar day, a wall-clock time, with no zone. Go has no type for them,
// so they are time.Time too, and what is written is the value's wall clock
// in its own location: time.Date(2026, 3, 4, 0, 0, 0, 0, paris) is the date
// 2026-03-04 and 09:30 in Paris the local timestamp 09:30, never the UTC
// day or hour of the instant. They decode as that wall clock in UTC
// (dates at midnight): read the fields, not the instant.

const secondsPerDay = 24 * 60 * 60

// DateFromDays converts days since 1970-01-01 to midnight UTC of that day.
func DateFromDays(days int32) time.Time { return time.Unix(int64(days)*secondsPerDay, 0).UTC() }

// DaysFromDate returns the number of days from 1970-01-01 to the calendar
// day t shows in its own location (t.Date()), not to the UTC day of the
// instant.
func DaysFromDate(t time.Time) int32 {
	s := wallSeconds(t)
	d := s / secondsPerDay
	if s%secondsPerDay < 0 {
		d-- // floor, not truncation, for days before 1970
	}
	return int32(d)
}

// wallSeconds returns the seconds from 1970-01-01 00:00 to the wall clock
// t shows in its own location, counted as if that wall clock were UTC.
func wallSeconds(t time.Time) int64 {
	_, offset := t.Zone()
	return t.Unix() + int64(offset)
}

// LocalMillis returns the local-timestamp-millis of the wall clock t shows
// in its own location: milliseconds from 1970-01-01 00:00 to it, with no
// zone. (UnixMilli would write the instant's UTC wall clock instead.)
func LocalMillis(t time.Time) int64 {
	_, offset := t.Zone()
	return t.UnixMilli() + int64(offset)*1e3
}

// LocalMicros returns the local-timestamp-micros of t's wall clock (see
// LocalMillis).
func LocalMicros(t time.Time) int64 {
	_, offset := t.Zone()
	return t.UnixMicro() + int64(offset)*1e6
}

// LocalNanos returns the local-timestamp-nanos of t's wall clock (see
// LocalMillis).
func LocalNanos(t time.Time) int64 {
	_, offset := t.Zone()
	return t.UnixNano() + int64(offset)*1e9
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
