package idl

import (
	"gitlab.com/acme/avroctl/gen/schema"
)

// resolveAll replaces every placeholder reachable from the registered types
// (and the given messages and main schema) by the type it names, as
// ParseContext.resolveAllSchemas does. A name nobody declared is an error.
// The slots that held a placeholder are kept in c.forward: Java's second
// check of defaults treats them differently from direct references.
func (c *compiler) resolveAll(messages []*schema.Message, main *schema.Schema) {
	visited := map[schema.Schema]bool{}
	reported := map[string]bool{}
	var walk func(s schema.Schema)
	fix := func(slot *schema.Schema) {
		if r, ok := (*slot).(*schema.Record); ok {
			if pos, isRef := c.refs[r]; isRef {
				full := r.FullName()
				if t, ok := c.byName[full]; ok {
					*slot = t
					c.forward[slot] = true
				} else if !reported[full] {
					reported[full] = true
					c.errorf(pos, "Undefined schema: %s (declare it, or import the file that declares it)", full)
				}
				return
			}
		}
		walk(*slot)
	}
	walk = func(s schema.Schema) {
		if visited[s] {
			return
		}
		visited[s] = true
		switch s := s.(type) {
		case *schema.Record:
			for _, f := range s.Fields {
				fix(&f.Type)
			}
		case *schema.Array:
			fix(&s.Items)
		case *schema.Map:
			fix(&s.Values)
		case *schema.Union:
			for i := range s.Branches {
				fix(&s.Branches[i])
			}
		}
	}
	types := c.types[:0]
	seen := map[string]bool{}
	for _, t := range c.types {
		slot := schema.Schema(t)
		fix(&slot)
		t := slot.(schema.NamedSchema)
		if full := t.Names().FullName(); !seen[full] {
			seen[full] = true
			types = append(types, t)
		}
	}
	c.types = types
	for _, m := range messages {
		for _, f := range m.Request {
			fix(&f.Type)
		}
		fix(&m.Response)
		for i := range m.Errors {
			fix(&m.Errors[i])
		}
	}
	if main != nil && *main != nil {
		fix(main)
	}
}

// checkUnions applies the UnionSchema rules once references are resolved:
// no union directly inside a union, no two branches of the same type (named
// types count by full name).
func (c *compiler) checkUnions() {
	for _, u := range c.unions {
		seen := map[string]bool{}
		for _, b := range u.Branches {
			if _, ok := b.(*schema.Union); ok {
				c.errorf(u.Pos, "Nested union: a union cannot directly contain another union (T? is a union with null)")
				break
			}
			key := b.Type().String()
			if n, ok := b.(schema.NamedSchema); ok {
				key = n.Names().FullName()
				if b.Type() == schema.ErrorType {
					key = n.Names().FullName()
				}
			}
			if seen[key] {
				c.errorf(u.Pos, "Duplicate in union: %s", key)
				break
			}
			seen[key] = true
		}
	}
}

// checkDefaults validates field defaults against the resolved types, as the
// reference does when it copies fields during resolution. Every invalid
// default of the IDL file is reported; then Java's resolving walk is
// replayed over all types, imported ones included (whose defaults Java
// checks again there too), which adds the defaults that go through a record
// whose copy is still being built ("Schema fields not set yet").
//
// A protocol is resolved twice: IdlReader resolves its ParseContext and
// hands the copies to Protocol.setTypes, whose own ParseContext resolves
// them again when the types are asked for (Protocol.getTypes, toString:
// avro-tools idl, the Maven plugin, SpecificCompiler). That second walk
// sees no placeholders, only direct references, so it can fail where the
// first passed. (avro-tools idl2schemata asks only for the named schemas
// and skips it; avroctl, like avro-tools idl, rejects the file.)
func (c *compiler) checkDefaults(protocol bool) {
	c.checkFieldDefaults(false)
	if len(c.errs) > 0 {
		return
	}
	if err := schema.CheckDefaultsAsResolved(c.types, c.forward); err != nil {
		c.errs = append(c.errs, err)
		return
	}
	if protocol {
		if err := schema.CheckDefaultsAsResolved(c.types, nil); err != nil {
			e := *err
			e.Msg += "; Java finds this when it resolves the protocol's types a second time (Protocol.getTypes, as avro-tools idl and the Maven plugin do)"
			c.errs = append(c.errs, &e)
		}
	}
}

// finish resolves the top file and assembles the result.
func (c *compiler) finish(b *fileBuilder) *File {
	c.resolveAll(b.messages, &b.mainSchema)
	if len(c.errs) > 0 {
		// Undefined names: the defaults that do not depend on them are
		// checked all the same, so that one run reports every problem.
		c.checkFieldDefaults(true)
		return nil
	}
	c.checkUnions()
	c.checkDefaults(b.protocol != nil)
	if len(c.errs) > 0 {
		return nil
	}
	f := &File{Namespace: b.namespace, MainSchema: b.mainSchema, Warnings: c.warnings}
	types := append([]schema.NamedSchema(nil), c.types...)
	f.NamedSchemas = types
	if b.protocol != nil {
		b.protocol.Types = c.types
		b.protocol.Messages = b.messages
		f.Protocol = b.protocol
	}
	return f
}

// checkFieldDefaults reports every field default that does not match its
// type. With skipUnresolved, a field whose type reaches a name that is not
// defined is left out: its default cannot be judged.
func (c *compiler) checkFieldDefaults(skipUnresolved bool) {
	for _, fc := range c.fields {
		f := fc.field
		if skipUnresolved && c.reachesRef(f.Type, map[schema.Schema]bool{}) {
			continue
		}
		ok, tooDeep := isValidDefault(f.Type, maybeValue{f.Default, true})
		switch {
		case tooDeep:
			c.errorf(f.Pos, "Invalid default for field %s: checking it runs through the defaults of left-out fields without end (Java: StackOverflowError); give the nested records every field explicitly", f.Name)
		case !ok:
			c.errorf(f.Pos, "Invalid default for field %s: %s not a %s", f.Name, compactJSON(f.Default), schema.Marshal(f.Type))
		}
	}
}

// reachesRef reports whether s is or contains a placeholder that
// resolution left in place (an undefined name).
func (c *compiler) reachesRef(s schema.Schema, seen map[schema.Schema]bool) bool {
	if s == nil || seen[s] {
		return s == nil
	}
	seen[s] = true
	switch t := s.(type) {
	case *schema.Record:
		if c.isRef(t) {
			return true
		}
		for _, f := range t.Fields {
			if c.reachesRef(f.Type, seen) {
				return true
			}
		}
	case *schema.Array:
		return c.reachesRef(t.Items, seen)
	case *schema.Map:
		return c.reachesRef(t.Values, seen)
	case *schema.Union:
		for _, b := range t.Branches {
			if c.reachesRef(b, seen) {
				return true
			}
		}
	}
	return false
}

// equalSchemas is a structural equality in the spirit of Schema.equals
// (docs are ignored); seen breaks cycles.
func equalSchemas(a, b schema.Schema, seen map[[2]schema.Schema]bool) bool {
	if a == b {
		return true
	}
	if a.Type() != b.Type() {
		return false
	}
	key := [2]schema.Schema{a, b}
	if seen[key] {
		return true
	}
	seen[key] = true
	switch a := a.(type) {
	case *schema.Primitive:
		bb := b.(*schema.Primitive)
		return equalProps(&a.Props, &bb.Props)
	case *schema.Record:
		bb := b.(*schema.Record)
		if a.FullName() != bb.FullName() || !equalProps(&a.Props, &bb.Props) || len(a.Fields) != len(bb.Fields) {
			return false
		}
		for i, f := range a.Fields {
			g := bb.Fields[i]
			if f.Name != g.Name || f.Order != g.Order || f.HasDefault != g.HasDefault ||
				(f.HasDefault && !equalValues(f.Default, g.Default)) || !equalProps(&f.Props, &g.Props) ||
				!equalSchemas(f.Type, g.Type, seen) {
				return false
			}
		}
		return true
	case *schema.Enum:
		bb := b.(*schema.Enum)
		if a.FullName() != bb.FullName() || len(a.Symbols) != len(bb.Symbols) || !equalProps(&a.Props, &bb.Props) {
			return false
		}
		for i := range a.Symbols {
			if a.Symbols[i] != bb.Symbols[i] {
				return false
			}
		}
		return true
	case *schema.Fixed:
		bb := b.(*schema.Fixed)
		return a.FullName() == bb.FullName() && a.Size == bb.Size && equalProps(&a.Props, &bb.Props)
	case *schema.Array:
		bb := b.(*schema.Array)
		return equalProps(&a.Props, &bb.Props) && equalSchemas(a.Items, bb.Items, seen)
	case *schema.Map:
		bb := b.(*schema.Map)
		return equalProps(&a.Props, &bb.Props) && equalSchemas(a.Values, bb.Values, seen)
	case *schema.Union:
		bb := b.(*schema.Union)
		if len(a.Branches) != len(bb.Branches) {
			return false
		}
		for i := range a.Branches {
			if !equalSchemas(a.Branches[i], bb.Branches[i], seen) {
				return false
			}
		}
		return true
	}
	return false
}
