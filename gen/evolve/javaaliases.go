package evolve

import (
	"fmt"

	"gitlab.com/acme/avroctl/gen/schema"
)

// Java's resolving reader starts with Schema.applyAliases(writer, reader): it
// rebuilds every writer record under the reader's type aliases and renames
// its fields by the reader's field aliases, and each rebuilt field re-checks
// its default (new Field(..., validate=true)). The default is copied as it
// was written, with the old field names, so a writer default that holds a
// record one of whose fields the reader renamed (with an alias) is now
// missing that field: "Invalid default for field f". GenericDatumReader
// throws before reading anything, so every Java consumer fails whatever the
// data. avroctl's reader does not re-check writer defaults (it never uses
// them), so its plan does not see this.

// javaAliasedDefaultError returns the first writer field whose default
// Java's applyAliases rejects, or nil.
func javaAliasedDefaultError(reader, writer schema.Schema) *ResolverError {
	types, fields := schemaAliases(reader)
	if len(types) == 0 && len(fields) == 0 {
		return nil // Java returns the writer unchanged
	}
	a := &aliaser{types: types, fields: fields, done: map[*schema.Record]*schema.Record{}}
	aw := a.apply(writer)
	var found *ResolverError
	seen := map[*schema.Record]bool{}
	var walk func(s schema.Schema, path string)
	walk = func(s schema.Schema, path string) {
		if found != nil {
			return
		}
		switch t := s.(type) {
		case *schema.Record:
			if seen[t] {
				return
			}
			seen[t] = true
			for _, f := range t.Fields {
				p := f.Name
				if path != "" {
					p = path + "." + f.Name
				}
				// applyAliases rebuilds the field's type first (depth first).
				walk(f.Type, p)
				if found == nil && f.HasDefault && !schema.ValidDefault(f.Type, f.Default) {
					found = &ResolverError{Path: p, Reason: fmt.Sprintf(
						"Java's reader applies the reader's aliases to the writer schema (Schema.applyAliases), which renames the fields of record %s but not the writer's default %s of field %s, and then rejects that default (\"Invalid default for field %s\"): every Java consumer fails before reading a value",
						recordName(f.Type), schema.MarshalValue(f.Default), f.Name, f.Name)}
					return
				}
			}
		case *schema.Array:
			walk(t.Items, path+"[]")
		case *schema.Map:
			walk(t.Values, path+"{}")
		case *schema.Union:
			for _, b := range t.Branches {
				walk(b, path)
			}
		}
	}
	walk(aw, "")
	return found
}

// recordName names the (first) record a type holds, for messages.
func recordName(s schema.Schema) string {
	if r := asRecord(s); r != nil {
		return r.FullName()
	}
	return string(schema.Marshal(s))
}

// schemaAliases is Schema.getAliases over the reader: type aliases (full
// names) to the type's full name, and per record full name its field
// aliases to the field's name.
func schemaAliases(s schema.Schema) (map[string]string, map[string]map[string]string) {
	types := map[string]string{}
	fields := map[string]map[string]string{}
	seen := map[schema.Schema]bool{}
	var walk func(schema.Schema)
	walk = func(s schema.Schema) {
		if s == nil || seen[s] {
			return
		}
		seen[s] = true
		if n, ok := s.(schema.NamedSchema); ok {
			for _, a := range n.Names().Aliases {
				types[a] = n.Names().FullName()
			}
		}
		switch t := s.(type) {
		case *schema.Record:
			for _, f := range t.Fields {
				for _, a := range f.Aliases {
					if fields[t.FullName()] == nil {
						fields[t.FullName()] = map[string]string{}
					}
					fields[t.FullName()][a] = f.Name
				}
				walk(f.Type)
			}
		case *schema.Array:
			walk(t.Items)
		case *schema.Map:
			walk(t.Values)
		case *schema.Union:
			for _, b := range t.Branches {
				walk(b)
			}
		}
	}
	walk(s)
	return types, fields
}

// aliaser rebuilds the writer's records as applyAliases does (only what
// default validation looks at: record names and field names).
type aliaser struct {
	types  map[string]string
	fields map[string]map[string]string
	done   map[*schema.Record]*schema.Record
}

func (a *aliaser) apply(s schema.Schema) schema.Schema {
	switch t := s.(type) {
	case *schema.Record:
		if r, ok := a.done[t]; ok {
			return r
		}
		name := t.FullName()
		if n, ok := a.types[name]; ok {
			name = n
		}
		ns, short := schema.SplitName(name)
		r := &schema.Record{Named: t.Named, IsError: t.IsError}
		r.Name, r.Namespace = short, ns
		a.done[t] = r
		for _, f := range t.Fields {
			nf := *f
			nf.Type = a.apply(f.Type)
			if renamed, ok := a.fields[name][f.Name]; ok {
				nf.Name = renamed
			}
			r.Fields = append(r.Fields, &nf)
		}
		return r
	case *schema.Array:
		return &schema.Array{Items: a.apply(t.Items), Props: t.Props, Pos: t.Pos}
	case *schema.Map:
		return &schema.Map{Values: a.apply(t.Values), Props: t.Props, Pos: t.Pos}
	case *schema.Union:
		u := &schema.Union{Pos: t.Pos}
		for _, b := range t.Branches {
			u.Branches = append(u.Branches, a.apply(b))
		}
		return u
	}
	return s
}
