package schema

// MinSize is the fewest bytes a value of s encodes to in Avro binary: 0 for
// null and for records of only such, the size of a fixed, 4 and 8 for
// float and double, 1 for everything else (a varint, a length, an enum or
// union index, the end marker of an array or map). Decoders use it to
// refuse a block count that the remaining input cannot hold before
// allocating anything for it. A recursive reference counts 0: it is
// reached through a union or a collection, whose 1 byte is counted there.
func MinSize(s Schema) int { return minSize(s, nil) }

func minSize(s Schema, visiting map[*Record]bool) int {
	switch s := s.(type) {
	case *Primitive:
		switch s.T {
		case Null:
			return 0
		case Float:
			return 4
		case Double:
			return 8
		}
		return 1
	case *Fixed:
		return s.Size
	case *Record:
		if visiting[s] {
			return 0
		}
		if visiting == nil {
			visiting = map[*Record]bool{}
		}
		visiting[s] = true
		n := 0
		for _, f := range s.Fields {
			n += minSize(f.Type, visiting)
		}
		delete(visiting, s)
		return n
	}
	return 1
}
