package dlt

import (
	"bytes"
	"fmt"
	"path"
	"strconv"
	"strings"
	"time"
)

// Filter chooses records. The zero Filter chooses every record.
//
// The error class and time bounds are about dead-letter headers, so a
// record that is not a dead letter matches only a filter without them;
// the key, partition and offset bounds apply to every record.
type Filter struct {
	// ErrorClass is matched against kafka_dlt-exception-fqcn: exactly, or
	// as a path.Match glob when it holds * ? or [ ("*Timeout*").
	ErrorClass string
	// Key, when HasKey, must equal the record's key byte for byte.
	Key    []byte
	HasKey bool
	// Since and Until bound the original timestamp (inclusive, exclusive);
	// zero means open.
	Since, Until time.Time
	// Partitions of the dead-letter topic; empty means all.
	Partitions []int32
	// FromOffset and ToOffset bound the dead-letter topic's offsets,
	// inclusive; -1 means open.
	FromOffset, ToOffset int64
}

// NewFilter returns a Filter that chooses every record.
func NewFilter() Filter { return Filter{FromOffset: -1, ToOffset: -1} }

// Check validates the filter (a bad glob is found before any reading).
func (f Filter) Check() error {
	if f.ErrorClass != "" {
		if _, err := path.Match(f.ErrorClass, ""); err != nil {
			return fmt.Errorf("--error-class %q: bad pattern: %v", f.ErrorClass, err)
		}
	}
	if !f.Since.IsZero() && !f.Until.IsZero() && !f.Since.Before(f.Until) {
		return fmt.Errorf("--since %s is not before --until %s", f.Since.Format(time.RFC3339), f.Until.Format(time.RFC3339))
	}
	if f.FromOffset >= 0 && f.ToOffset >= 0 && f.FromOffset > f.ToOffset {
		return fmt.Errorf("--offset %d-%d: the range is empty", f.FromOffset, f.ToOffset)
	}
	return nil
}

// needsDeadLetter reports whether the filter looks at dead-letter headers.
func (f Filter) needsDeadLetter() bool {
	return f.ErrorClass != "" || !f.Since.IsZero() || !f.Until.IsZero()
}

// partition reports whether the filter reads partition p.
func (f Filter) partition(p int32) bool {
	if len(f.Partitions) == 0 {
		return true
	}
	for _, q := range f.Partitions {
		if q == p {
			return true
		}
	}
	return false
}

// Match reports whether the filter chooses r.
func (f Filter) Match(r *Record) bool {
	if !f.partition(r.Partition) ||
		f.FromOffset >= 0 && r.Offset < f.FromOffset || f.ToOffset >= 0 && r.Offset > f.ToOffset ||
		f.HasKey && !bytes.Equal(r.Key, f.Key) {
		return false
	}
	if !f.needsDeadLetter() {
		return true
	}
	d := r.DeadLetter
	if d == nil {
		return false
	}
	if f.ErrorClass != "" && d.ErrorClass != f.ErrorClass {
		if ok, _ := path.Match(f.ErrorClass, d.ErrorClass); !ok {
			return false
		}
	}
	if !f.Since.IsZero() && (d.OriginalTimestamp.IsZero() || d.OriginalTimestamp.Before(f.Since)) {
		return false
	}
	if !f.Until.IsZero() && (d.OriginalTimestamp.IsZero() || !d.OriginalTimestamp.Before(f.Until)) {
		return false
	}
	return true
}

// ParseTime reads a --since/--until value: an RFC 3339 time, or a
// duration meaning that long before now ("2h", "30m").
func ParseTime(s string, now time.Time) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	if d, err := time.ParseDuration(s); err == nil {
		if d < 0 {
			return time.Time{}, fmt.Errorf("%q: a duration means that long ago and must not be negative", s)
		}
		return now.Add(-d), nil
	}
	return time.Time{}, fmt.Errorf("%q: want an RFC 3339 time (2026-12-04T05:00:00Z) or a duration ago (2h)", s)
}

// ParseOffsets reads an --offset value: N, or N-M (inclusive).
func ParseOffsets(s string) (from, to int64, err error) {
	a, b, isRange := strings.Cut(s, "-")
	from, err1 := strconv.ParseInt(a, 10, 64)
	to, err2 := from, error(nil)
	if isRange {
		to, err2 = strconv.ParseInt(b, 10, 64)
	}
	if err1 != nil || err2 != nil || from < 0 || to < from {
		return 0, 0, fmt.Errorf("%q: want an offset N or a range N-M with N <= M", s)
	}
	return from, to, nil
}
