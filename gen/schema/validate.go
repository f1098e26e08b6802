package schema

import (
	"math/big"
	"strings"
	"unicode"
)

// validName applies Java's default NameValidator (UTF_VALIDATOR): the first
// character is a letter or '_', the others letters, digits or '_'. Java tests
// UTF-16 chars with Character.isLetter, so a character outside the Basic
// Multilingual Plane (a surrogate pair) is never accepted. It returns Java's
// message, or "" when the name is valid.
func validName(name string) string {
	if name == "" {
		return "Empty name"
	}
	for i, r := range name {
		ok := r == '_' || (r <= 0xFFFF && unicode.IsLetter(r))
		if i > 0 {
			ok = ok || (r <= 0xFFFF && unicode.IsDigit(r))
		}
		if !ok {
			if i == 0 {
				return "Illegal initial character: " + name
			}
			return "Illegal character in: " + name
		}
	}
	return ""
}

// ValidName reports whether name is a valid Avro simple name (Java 1.12
// rules, which allow Unicode letters and digits).
func ValidName(name string) bool { return validName(name) == "" }

// ValidFullName reports whether every dot-separated part of full is valid.
func ValidFullName(full string) bool {
	for _, part := range strings.Split(full, ".") {
		if !ValidName(part) {
			return false
		}
	}
	return true
}

// isJavaTypeName reports whether name is the name of one of Java's
// Schema.Type values. Such names are always written fully qualified, even in
// their own namespace (Java's Name.shouldWriteFull).
func isJavaTypeName(name string) bool {
	switch name {
	case "record", "enum", "array", "map", "union", "fixed",
		"string", "bytes", "int", "long", "float", "double", "boolean", "null":
		return true
	}
	return false
}

// ValidDefault reports whether v is a valid default value for a field of
// schema s, following Java 1.12's Schema.isValidDefault: strings for
// string/bytes/enum/fixed (the enum symbol is not checked), integers that fit
// for int/long, any number for float/double, and for a union a value valid
// for ANY branch (1.12 relaxed the older first-branch rule). A record default
// must be an object whose every field is valid, taken from the object or,
// when absent, from the field's own default.
func ValidDefault(s Schema, v Value) bool {
	var c defaultCheck
	return c.valid(s, v, 0)
}

// maxDefaultDepth stops a record whose field defaults refer back to the
// record itself (Java would overflow its stack there).
const maxDefaultDepth = 200

// defaultCheck is one run of Java's isValidDefault. Java checks defaults a
// second time while its resolver rebuilds the records (see
// javaresolve.go), and then a record may not have its fields yet: reading
// them throws "Schema fields not set yet", which ends the whole parse, not
// just the branch being tried. fieldsNotSet says which records are in that
// state (nil: none); unset records the one the check ran into.
type defaultCheck struct {
	fieldsNotSet func(*Record) bool
	unset        *Record
}

func (c *defaultCheck) valid(s Schema, v Value, depth int) bool {
	if depth > maxDefaultDepth || c.unset != nil {
		return false
	}
	switch s.Type() {
	case String, Bytes, EnumType, FixedType:
		_, ok := v.(string)
		return ok
	case Int:
		return fitsInt(v, 32)
	case Long:
		return fitsInt(v, 64)
	case Float, Double:
		_, ok := v.(Number)
		return ok
	case Boolean:
		_, ok := v.(bool)
		return ok
	case Null:
		return v == nil
	case ArrayType:
		a, ok := v.([]Value)
		if !ok {
			return false
		}
		for _, e := range a {
			if !c.valid(s.(*Array).Items, e, depth+1) {
				return false
			}
		}
		return true
	case MapType:
		o, ok := v.(*Object)
		if !ok || o == nil {
			return false
		}
		for _, m := range o.Members {
			if !c.valid(s.(*Map).Values, m.Value, depth+1) {
				return false
			}
		}
		return true
	case UnionType:
		// Branches in order, stopping at the first that accepts: a
		// later branch is never reached once an earlier one threw.
		for _, b := range s.(*Union).Branches {
			if c.valid(b, v, depth+1) || c.unset != nil {
				return c.unset == nil
			}
		}
		return false
	case RecordType, ErrorType:
		o, ok := v.(*Object)
		if !ok || o == nil {
			return false
		}
		rec, ok := s.(*Record)
		if !ok {
			// A name not yet defined is, to Java, a record without
			// fields: any object is a valid default for it.
			_, isRef := s.(*unresolvedRef)
			return isRef
		}
		// Java asks for the fields only after the value proved to be
		// an object, so only an object default runs into this.
		if c.fieldsNotSet != nil && c.fieldsNotSet(rec) {
			c.unset = rec
			return false
		}
		for _, f := range rec.Fields {
			fv, present := o.Get(f.Name)
			if !present {
				if !f.HasDefault {
					return false
				}
				fv = f.Default
			}
			if !c.validValue(f.Type, fv, depth+1) {
				return false
			}
		}
		return true
	}
	return false
}

// validValue is Java's isValidValue: like valid, with a union accepting a
// value valid for any branch.
func (c *defaultCheck) validValue(s Schema, v Value, depth int) bool {
	if u, ok := s.(*Union); ok {
		for _, b := range u.Branches {
			if c.valid(b, v, depth+1) || c.unset != nil {
				return c.unset == nil
			}
		}
		return false
	}
	return c.valid(s, v, depth)
}

// fitsInt reports whether v is an integral JSON number that fits in bits.
func fitsInt(v Value, bits int) bool {
	n, ok := v.(Number)
	if !ok || n.IsFloat {
		return false
	}
	x, ok := new(big.Int).SetString(n.Text, 10)
	if !ok {
		return false
	}
	if bits == 32 {
		return x.IsInt64() && x.Int64() >= -1<<31 && x.Int64() <= 1<<31-1
	}
	return x.IsInt64()
}

// describeValue renders a Value compactly for messages.
func describeValue(v Value) string {
	w := newJSONWriter(false)
	w.value(v)
	return string(w.buf)
}

func quoteList(items []string) string {
	return "[" + strings.Join(items, ", ") + "]"
}
