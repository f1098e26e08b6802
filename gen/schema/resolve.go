package schema

// This file holds what the reader does around the type-by-type parsing:
// registering named types, and once the whole input is read, resolving
// forward references and running the checks that need resolved types.

// define registers a named type once it is complete, as Java 1.12.2's
// ParseContext.put does (so a type's nested types are registered before
// it, and a record's references to itself are forward references). A type
// defined again identically (Java's equals: docs and aliases aside) is
// accepted and the first definition is used; anything else is "Can't
// redefine".
func (r *reader) define(s NamedSchema, slot int) NamedSchema {
	full := s.Names().FullName()
	old := r.ext.Lookup(full)
	if old == nil {
		old = r.local.Lookup(full)
	}
	if old != nil {
		if Equal(old, s) {
			return old
		}
		r.errs.Add(s.Names().Pos, "Can't redefine: "+full+" (first defined at "+old.Names().Pos.String()+")")
		return s
	}
	if err := r.local.Add(s); err != nil {
		r.errs.Add(s.Names().Pos, err.(*Error).Msg)
	}
	r.declared[slot] = s
	return s
}

// declare reserves the declaration-order place of a named type whose
// definition starts now; define fills it in if the type is new.
func (r *reader) declare() int {
	r.declared = append(r.declared, nil)
	return len(r.declared) - 1
}

// declaredTypes returns the new named types in declaration order.
func (r *reader) declaredTypes() []NamedSchema {
	out := make([]NamedSchema, 0, len(r.declared))
	for _, s := range r.declared {
		if s != nil {
			out = append(out, s)
		}
	}
	return out
}

// finish replaces forward references, then runs the checks that need
// resolved types: union duplicates and field defaults (the latter as Java's
// resolver does, see javaresolve.go). roots are the slots
// holding top-level schemas.
func (r *reader) finish(roots []*Schema, msgs []*Message) Schema {
	seen := make(map[Schema]bool)
	forward := make(map[*Schema]bool) // slots that held a forward reference
	var walk func(s Schema)
	fix := func(slot *Schema) {
		if u, ok := (*slot).(*unresolvedRef); ok {
			if s := r.lookupFull(u.full); s != nil {
				*slot = s
				forward[slot] = true
			} else {
				r.errs.Add(u.pos, "Undefined schema: "+u.full+" (define it, or import the file that defines it)")
			}
			return
		}
		walk(*slot)
	}
	walk = func(s Schema) {
		if s == nil || seen[s] {
			return
		}
		seen[s] = true
		switch s := s.(type) {
		case *Record:
			for _, f := range s.Fields {
				fix(&f.Type)
			}
		case *Array:
			fix(&s.Items)
		case *Map:
			fix(&s.Values)
		case *Union:
			for i := range s.Branches {
				fix(&s.Branches[i])
			}
		}
	}
	for _, t := range r.local.All() {
		walk(t)
	}
	for _, slot := range roots {
		fix(slot)
	}
	for _, m := range msgs {
		for _, f := range m.Request {
			fix(&f.Type)
		}
		if m.Response != nil {
			fix(&m.Response)
		}
	}
	if r.failed() {
		return nil
	}
	for _, pu := range r.unions {
		seenNames := map[string]bool{}
		for i, b := range pu.u.Branches {
			key := unionKey(b)
			if seenNames[key] {
				r.errs.Add(pu.pos[i], "Duplicate in union:"+key+" (a union may hold each type or name only once)")
				return nil
			}
			seenNames[key] = true
		}
	}
	if !r.checkDefaultsAsResolved(forward) {
		return nil
	}
	if len(roots) > 0 {
		return *roots[0]
	}
	return nil
}

func (r *reader) lookupFull(full string) Schema {
	if s := r.ext.Lookup(full); s != nil {
		return s
	}
	if s := r.local.Lookup(full); s != nil {
		return s
	}
	return nil
}

// unionKey is what Java's union checks compare: the full name of a named
// type, otherwise the type name.
func unionKey(s Schema) string {
	if n, ok := s.(NamedSchema); ok {
		return n.Names().FullName()
	}
	return s.Type().String()
}

// commit adds the types this input defined to the caller's registry.
func (r *reader) commit() error {
	if r.ext == nil {
		return nil
	}
	for _, t := range r.declaredTypes() {
		if err := r.ext.Add(t); err != nil {
			return ErrorList{err.(*Error)}
		}
	}
	return nil
}
