package schema

import "fmt"

// This file replays the second check of field defaults that Java 1.12.2's
// Schema.Parser makes, so that avroctl accepts exactly the schemas Java
// accepts.
//
// Java checks every default twice. First while parsing the field, when a
// name not defined yet (including the enclosing record itself) is a
// placeholder record without fields, which any object satisfies. Then
// ParseContext.resolve rebuilds every record through
// SchemaResolver.ResolvingVisitor: it walks the named types in the order
// their definitions completed (Schemas.visit: depth first, a record's
// fields in order, a union's branches LAST FIRST, each object once per
// walk), creates an empty copy of a record when it first meets it and gives
// the copy its fields only after walking them; a placeholder starts a
// nested walk of the type it names unless that type already has a copy.
// Giving a copy its fields builds new Field objects, and the Field
// constructor checks the default again, now against the copies. A copy that
// does not have its fields yet throws "Schema fields not set yet" when the
// check asks for them (Schema.RecordSchema.getFields), which happens when an
// object default meets a record whose copy is still being built: typically
// a default that goes through the enclosing record, like {"b": null} for a
// field of type ["null", "S"] inside S.
//
// The walk below is that visit on avroctl's model: the slots that held a
// forward reference (unresolvedRef) stand for Java's placeholders, every
// other pointer for Java's shared object. Types from other inputs
// (ParseOptions.Names) were checked when they were parsed and count as
// complete; so do a ParseOptions.Forward caller's placeholders, which that
// caller resolves and checks again (CheckDefaultsAsResolved) once it has
// read everything. One difference is left: a type defined twice identically is one
// object here and two in Java (whose second copy is never registered).
//
// Because the order of the walk follows where types are defined, writing a
// schema (which defines each type at its first use) can move a definition so
// that the written schema fails this check although the input passed: Java
// cannot read its own toString() of such a schema either.

// stillBeingDefined is the part of the message that tells this failure
// from other invalid defaults.
const stillBeingDefined = "which is still being defined"

// resolveCheck is one replay of Java's resolving visit over a reader's
// types.
type resolveCheck struct {
	types    []NamedSchema
	forward  map[*Schema]bool // slots that held a forward reference
	local    map[*Record]bool // records this input defines
	copied   map[*Record]bool // Java's replace map holds a copy
	complete map[*Record]bool // the copy has its fields
	refDone  map[*Schema]bool // the placeholder has its replacement
	checked  map[*Field]bool  // defaults checked by the replay
	at       map[*Field]Position
	errs     *ErrorList
}

// checkDefaultsAsResolved runs the second default check in Java's order. It
// reports the first failure (Java stops there) and whether all passed.
func (r *reader) checkDefaultsAsResolved(forward map[*Schema]bool) bool {
	rc := newResolveCheck(forward, r.local.All(), &r.errs)
	for _, d := range r.defaults {
		rc.at[d.field] = d.pos
	}
	if !rc.run() {
		return false
	}
	// Message parameters are rebuilt after all types, which are complete
	// by then: a plain check.
	for _, d := range r.defaults {
		if !rc.checked[d.field] && !ValidDefault(d.field.Type, d.field.Default) {
			r.errs.Add(d.pos, invalidDefault(d.field))
			return false
		}
	}
	return true
}

// CheckDefaultsAsResolved is the second default check for a caller that
// resolves forward references itself: the IDL compiler, whose reference
// (IdlReader, IdlFile) resolves its ParseContext with the same
// SchemaResolver walk once the whole file is read
// (ParseContext.resolveAllSchemas), over every type the file defines or
// imports.
//
// types are those named types, in the order their definitions completed
// (the order of the ParseContext); all of them are rebuilt, so each counts
// as being defined until its copy has its fields. forward holds the slots
// (a field's Type, an array's Items, a map's Values, a union's branch)
// that held a reference to a name not defined yet where it was used, now
// resolved. It returns the first failure, at the field's Pos, or nil.
func CheckDefaultsAsResolved(types []NamedSchema, forward map[*Schema]bool) *Error {
	var errs ErrorList
	if !newResolveCheck(forward, types, &errs).run() {
		return errs[0]
	}
	return nil
}

// newResolveCheck prepares a replay over types, every record of which is
// rebuilt (local); other records count as complete.
func newResolveCheck(forward map[*Schema]bool, types []NamedSchema, errs *ErrorList) *resolveCheck {
	rc := &resolveCheck{
		types:    types,
		forward:  forward,
		local:    map[*Record]bool{},
		copied:   map[*Record]bool{},
		complete: map[*Record]bool{},
		refDone:  map[*Schema]bool{},
		checked:  map[*Field]bool{},
		at:       map[*Field]Position{},
		errs:     errs,
	}
	for _, t := range types {
		if rec, ok := t.(*Record); ok {
			rc.local[rec] = true
		}
	}
	return rc
}

// run walks every type in order (ParseContext.ensureSchemasAreResolved).
func (rc *resolveCheck) run() bool {
	for _, t := range rc.types {
		if !rc.walk(t) {
			return false
		}
	}
	return true
}

func invalidDefault(f *Field) string {
	return fmt.Sprintf("Invalid default for field %s: %s not a %s", f.Name, describeValue(f.Default), Marshal(f.Type))
}

// walk is one Schemas.visit call: it has its own visited set.
func (rc *resolveCheck) walk(s Schema) bool {
	return rc.visit(nil, s, map[any]bool{})
}

// visit goes through s, found in slot (nil for a walk's start).
func (rc *resolveCheck) visit(slot *Schema, s Schema, visited map[any]bool) bool {
	if slot != nil && rc.forward[slot] {
		// A placeholder: a record without fields, its own object.
		if visited[slot] || rc.refDone[slot] {
			return true
		}
		visited[slot] = true
		if rec, ok := s.(*Record); ok && rc.local[rec] && !rc.copied[rec] {
			if !rc.walk(rec) {
				return false
			}
		}
		rc.refDone[slot] = true
		return true
	}
	if visited[s] {
		return true
	}
	switch s := s.(type) {
	case *Record:
		if !rc.local[s] {
			return true
		}
		visited[s] = true
		rc.copied[s] = true
		for _, f := range s.Fields {
			if !rc.visit(&f.Type, f.Type, visited) {
				return false
			}
		}
		if rc.complete[s] {
			return true
		}
		for _, f := range s.Fields {
			if !rc.checkField(f) {
				return false
			}
		}
		rc.complete[s] = true
	case *Union:
		visited[s] = true
		// Schemas.visit pushes the branches on a stack: the last one is
		// visited first.
		for i := len(s.Branches) - 1; i >= 0; i-- {
			if !rc.visit(&s.Branches[i], s.Branches[i], visited) {
				return false
			}
		}
	case *Array:
		visited[s] = true
		return rc.visit(&s.Items, s.Items, visited)
	case *Map:
		visited[s] = true
		return rc.visit(&s.Values, s.Values, visited)
	}
	return true
}

// checkField is the Field constructor's check of a rebuilt field.
func (rc *resolveCheck) checkField(f *Field) bool {
	rc.checked[f] = true
	if !f.HasDefault {
		return true
	}
	c := defaultCheck{fieldsNotSet: func(rec *Record) bool { return rc.local[rec] && !rc.complete[rec] }}
	if c.valid(f.Type, f.Default, 0) {
		return true
	}
	pos, ok := rc.at[f]
	if !ok {
		pos = f.Pos
	}
	if c.unset != nil {
		rc.errs.Add(pos, fmt.Sprintf("Invalid default for field %s: %s goes through record %s, "+stillBeingDefined+
			" (Java: \"Schema fields not set yet\"); use a default that does not need %s's fields, such as null with \"null\" as the union's first branch",
			f.Name, describeValue(f.Default), c.unset.FullName(), c.unset.Name))
		return false
	}
	rc.errs.Add(pos, invalidDefault(f))
	return false
}
