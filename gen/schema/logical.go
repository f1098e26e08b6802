package schema

import "math"

// Logical is a validated logical type. The zero value means "none": the
// schema has no logicalType property, or, as in Java's
// LogicalTypes.fromSchemaIgnoreInvalid, one that is unknown or invalid for
// its base type (the property is then kept and written back, but ignored).
type Logical struct {
	Name      string // "decimal", "uuid", "date", "timestamp-millis", ...
	Precision int    // decimal only
	Scale     int    // decimal only
}

// LogicalOf returns the validated logical type of s.
func LogicalOf(s Schema) Logical {
	props := PropsOf(s)
	if props == nil {
		return Logical{}
	}
	name, ok := props.GetString("logicalType")
	if !ok {
		return Logical{}
	}
	t := s.Type()
	switch name {
	case "decimal":
		if t != Bytes && t != FixedType {
			return Logical{}
		}
		p, ok := intProp(props, "precision")
		if !ok || p <= 0 {
			return Logical{}
		}
		sc := 0
		if _, present := props.Get("scale"); present {
			if sc, ok = intProp(props, "scale"); !ok || sc < 0 || sc > p {
				return Logical{}
			}
		}
		if f, isFixed := s.(*Fixed); isFixed && p > maxDecimalPrecision(f.Size) {
			return Logical{}
		}
		return Logical{Name: name, Precision: p, Scale: sc}
	case "big-decimal":
		if t == Bytes {
			return Logical{Name: name}
		}
	case "uuid":
		if t == String || (t == FixedType && s.(*Fixed).Size == 16) {
			return Logical{Name: name}
		}
	case "date", "time-millis":
		if t == Int {
			return Logical{Name: name}
		}
	case "time-micros", "timestamp-millis", "timestamp-micros", "timestamp-nanos",
		"local-timestamp-millis", "local-timestamp-micros", "local-timestamp-nanos":
		if t == Long {
			return Logical{Name: name}
		}
	case "duration":
		if t == FixedType && s.(*Fixed).Size == 12 {
			return Logical{Name: name}
		}
	}
	return Logical{}
}

// intProp reads an integer-valued property (Java accepts only JSON integers).
func intProp(p *Props, key string) (int, bool) {
	v, ok := p.Get(key)
	if !ok {
		return 0, false
	}
	n, ok := v.(Number)
	if !ok || n.IsFloat {
		return 0, false
	}
	// Java keeps a JSON integer as an Integer only when it fits in 32 bits
	// (a larger one is a Long, which getInt refuses).
	neg := len(n.Text) > 0 && n.Text[0] == '-'
	digits := n.Text
	if neg {
		digits = digits[1:]
	}
	if digits == "" {
		return 0, false
	}
	var x int64
	for _, c := range digits {
		if c < '0' || c > '9' {
			return 0, false
		}
		x = x*10 + int64(c-'0')
		if x > math.MaxInt32+1 {
			return 0, false
		}
	}
	if neg {
		x = -x
	}
	if x > math.MaxInt32 || x < math.MinInt32 {
		return 0, false
	}
	return int(x), true
}

// maxDecimalPrecision is the largest decimal precision a fixed of size bytes
// can hold: floor(log10(2^(8*size-1) - 1)), as Java computes it.
func maxDecimalPrecision(size int) int {
	if size <= 0 {
		return 0
	}
	return int(math.Floor(math.Log10(math.Pow(2, float64(8*size-1)) - 1)))
}
