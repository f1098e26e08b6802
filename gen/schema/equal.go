package schema

import "math/big"

// Equal reports whether a and b are equal the way Java's Schema.equals
// decides it, which is what allows a named type to be defined twice (an
// identical redefinition is accepted, anything else is "Can't redefine"):
// same type, same full name for named types, same properties, symbols,
// size, and fields (name, type, default, order, properties). Docs,
// aliases, enum defaults and record-versus-error are NOT compared.
func Equal(a, b Schema) bool {
	return schemaEqual(a, b, map[[2]Schema]bool{})
}

func schemaEqual(a, b Schema, seen map[[2]Schema]bool) bool {
	if a == b {
		return true
	}
	if ua, ok := a.(*unresolvedRef); ok {
		ub, ok := b.(*unresolvedRef)
		return ok && ua.full == ub.full
	}
	if a == nil || b == nil {
		return false
	}
	switch a := a.(type) {
	case *Primitive:
		b, ok := b.(*Primitive)
		return ok && a.T == b.T && propsEqual(&a.Props, &b.Props)
	case *Array:
		b, ok := b.(*Array)
		return ok && propsEqual(&a.Props, &b.Props) && schemaEqual(a.Items, b.Items, seen)
	case *Map:
		b, ok := b.(*Map)
		return ok && propsEqual(&a.Props, &b.Props) && schemaEqual(a.Values, b.Values, seen)
	case *Union:
		b, ok := b.(*Union)
		if !ok || len(a.Branches) != len(b.Branches) {
			return false
		}
		for i := range a.Branches {
			if !schemaEqual(a.Branches[i], b.Branches[i], seen) {
				return false
			}
		}
		return true
	case *Enum:
		b, ok := b.(*Enum)
		if !ok || a.FullName() != b.FullName() || len(a.Symbols) != len(b.Symbols) || !propsEqual(&a.Props, &b.Props) {
			return false
		}
		for i := range a.Symbols {
			if a.Symbols[i] != b.Symbols[i] {
				return false
			}
		}
		return true
	case *Fixed:
		b, ok := b.(*Fixed)
		return ok && a.FullName() == b.FullName() && a.Size == b.Size && propsEqual(&a.Props, &b.Props)
	case *Record:
		b, ok := b.(*Record)
		if !ok || a.FullName() != b.FullName() || !propsEqual(&a.Props, &b.Props) {
			return false
		}
		// A pair already under comparison is taken as equal, which is how
		// Java stops on recursive types.
		pair := [2]Schema{a, b}
		if seen[pair] {
			return true
		}
		seen[pair] = true
		if len(a.Fields) != len(b.Fields) {
			return false
		}
		for i, fa := range a.Fields {
			fb := b.Fields[i]
			if fa.Name != fb.Name || fa.Order != fb.Order || fa.HasDefault != fb.HasDefault ||
				(fa.HasDefault && !ValueEqual(fa.Default, fb.Default)) ||
				!propsEqual(&fa.Props, &fb.Props) || !schemaEqual(fa.Type, fb.Type, seen) {
				return false
			}
		}
		return true
	}
	return false
}

// propsEqual compares properties as Java's maps do: order does not matter.
func propsEqual(a, b *Props) bool {
	if a.Len() != b.Len() {
		return false
	}
	for _, m := range a.List {
		v, ok := b.Get(m.Key)
		if !ok || !ValueEqual(m.Value, v) {
			return false
		}
	}
	return true
}

// ValueEqual compares JSON values as Jackson's nodes do: object key order
// does not matter, an integer never equals a float, numbers compare by value.
func ValueEqual(a, b Value) bool {
	switch a := a.(type) {
	case nil:
		return b == nil
	case bool:
		bb, ok := b.(bool)
		return ok && a == bb
	case string:
		bs, ok := b.(string)
		return ok && a == bs
	case Number:
		bn, ok := b.(Number)
		if !ok || a.IsFloat != bn.IsFloat {
			return false
		}
		if !a.IsFloat {
			x, okx := new(big.Int).SetString(a.Text, 10)
			y, oky := new(big.Int).SetString(bn.Text, 10)
			if !okx || !oky {
				return a.Text == bn.Text
			}
			return x.Cmp(y) == 0
		}
		x, okx := numberFloat(a)
		y, oky := numberFloat(bn)
		if !okx || !oky {
			return a.Text == bn.Text
		}
		return x == y || (x != x && y != y) // NaN equals NaN, as in Java's defaultValueEquals
	case []Value:
		bs, ok := b.([]Value)
		if !ok || len(a) != len(bs) {
			return false
		}
		for i := range a {
			if !ValueEqual(a[i], bs[i]) {
				return false
			}
		}
		return true
	case *Object:
		bo, ok := b.(*Object)
		if !ok || (a == nil) != (bo == nil) {
			return false
		}
		if a == nil {
			return true
		}
		if len(a.Members) != len(bo.Members) {
			return false
		}
		for _, m := range a.Members {
			v, ok := bo.Get(m.Key)
			if !ok || !ValueEqual(m.Value, v) {
				return false
			}
		}
		return true
	}
	return false
}
