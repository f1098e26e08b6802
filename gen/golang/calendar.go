package golang

import "gitlab.com/acme/avroctl/gen/schema"

// calendarDoc returns the comment lines that say how a field's date or
// local timestamp (directly, in a union, or as array items or map values)
// maps to time.Time: these are civil values, and a time.Time is an
// instant in a location, so the field says which of the two is written.
func calendarDoc(s schema.Schema) []string {
	var date, local bool
	var walk func(s schema.Schema)
	walk = func(s schema.Schema) {
		switch l := schema.LogicalOf(s).Name; l {
		case "date":
			date = true
			return
		case "local-timestamp-millis", "local-timestamp-micros", "local-timestamp-nanos":
			local = true
			return
		}
		switch s := s.(type) {
		case *schema.Union:
			for _, b := range s.Branches {
				walk(b)
			}
		case *schema.Array:
			walk(s.Items)
		case *schema.Map:
			walk(s.Values)
		}
	}
	walk(s)
	var out []string
	if date {
		out = append(out,
			"// A date is a calendar day with no zone: the day the time.Time shows in",
			"// its own location is written (midnight 4 March in Paris is 2026-03-04,",
			"// not the UTC day of the instant), and it decodes as midnight UTC.")
	}
	if local {
		out = append(out,
			"// A local timestamp is a wall-clock time with no zone: the wall clock the",
			"// time.Time shows in its own location is written (09:30 in Paris is",
			"// 09:30), and it decodes as that wall clock in UTC.")
	}
	return out
}
