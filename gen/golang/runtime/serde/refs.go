package serde

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"gitlab.com/acme/avroctl/gen/golang/runtime/avro"
)

// maxReferenceDepth bounds how deep references may nest (a schema referring
// to one that refers to another...), so that a cyclic or hostile registry
// cannot make a fetch recurse forever.
const maxReferenceDepth = 32

// fetchReferences returns the schema texts refs stand for, dependencies
// first and each (subject, version) once, following references of
// references: the order in which Confluent's AvroSchemaProvider feeds them
// to the Java parser before the schema itself.
func fetchReferences(ctx context.Context, reg Registry, refs []Reference) ([]string, error) {
	type key struct {
		subject string
		version int
	}
	done := map[key]bool{}
	active := map[key]bool{}
	var out []string
	var visit func(refs []Reference, depth int) error
	visit = func(refs []Reference, depth int) error {
		if depth > maxReferenceDepth {
			return &IncompatibleError{Reason: fmt.Sprintf("schema references nest deeper than %d levels", maxReferenceDepth)}
		}
		for _, r := range refs {
			k := key{r.Subject, r.Version}
			if done[k] {
				continue
			}
			if active[k] {
				return &IncompatibleError{Reason: fmt.Sprintf("schema reference cycle through subject %q version %d", r.Subject, r.Version)}
			}
			active[k] = true
			ss, err := reg.SchemaByVersion(ctx, r.Subject, r.Version)
			if err != nil {
				return fmt.Errorf("reference %s (subject %s version %d): %w", avro.Quote(r.Name), avro.Quote(r.Subject), r.Version, err)
			}
			if err := checkAvro(ss.SchemaType); err != nil {
				return err
			}
			if err := visit(ss.References, depth+1); err != nil {
				return err
			}
			active[k] = false
			done[k] = true
			out = append(out, ss.Schema)
		}
		return nil
	}
	return out, visit(refs, 0)
}

// checkAvro rejects schemas of other types (PROTOBUF, JSON).
func checkAvro(schemaType string) error {
	if schemaType != "" && schemaType != "AVRO" {
		return &IncompatibleError{Reason: fmt.Sprintf("the writer schema is a %s schema, not Avro", schemaType)}
	}
	return nil
}

// inlineReferences returns one standalone schema equivalent to main parsed
// after refs (the way the Java parser sees them): each named type that main
// takes from a reference is written out in full at its first use, as
// Schema.toString() would print it, so the runtime's single-schema parser
// can read it. Names are resolved with Avro's rules: a dotted name is full,
// a simple name is looked up in the enclosing namespace, then in the null
// namespace (Java's Schema.Names.get).
func inlineReferences(main string, refs []string) (string, error) {
	if len(refs) == 0 {
		return main, nil
	}
	in := &inliner{defs: map[string]definition{}, done: map[string]bool{}}
	for i, r := range refs {
		tree, err := decodeJSON(r)
		if err != nil {
			return "", &IncompatibleError{Reason: fmt.Sprintf("referenced schema %d is not JSON: %v", i+1, err)}
		}
		in.collect(tree, "")
	}
	tree, err := decodeJSON(main)
	if err != nil {
		return "", &IncompatibleError{Reason: fmt.Sprintf("writer schema is not JSON: %v", err)}
	}
	out, err := json.Marshal(in.walk(tree, ""))
	if err != nil {
		return "", err
	}
	return string(out), nil
}

// decodeJSON parses s keeping numbers as written (defaults must survive).
func decodeJSON(s string) (any, error) {
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, fmt.Errorf("text after the schema")
	}
	return v, nil
}

// definition is a named type found in a referenced schema.
type definition struct {
	node map[string]any
}

type inliner struct {
	defs map[string]definition // full name -> definition, from the references
	done map[string]bool       // full names already written out
}

var primitiveNames = map[string]bool{"null": true, "boolean": true, "int": true, "long": true,
	"float": true, "double": true, "bytes": true, "string": true}

func isDefinition(m map[string]any) bool {
	switch m["type"] {
	case "record", "error", "enum", "fixed":
		return true
	}
	return false
}

// fullName returns the full name a definition declares in namespace ns.
func fullName(m map[string]any, ns string) string {
	name, _ := m["name"].(string)
	if strings.Contains(name, ".") {
		return name
	}
	if space, ok := m["namespace"].(string); ok {
		ns = space
	}
	if ns == "" {
		return name
	}
	return ns + "." + name
}

func namespaceOf(full string) string {
	if i := strings.LastIndexByte(full, '.'); i >= 0 {
		return full[:i]
	}
	return ""
}

// collect records every named type defined in a referenced schema.
func (in *inliner) collect(v any, ns string) {
	switch v := v.(type) {
	case []any:
		for _, b := range v {
			in.collect(b, ns)
		}
	case map[string]any:
		switch v["type"] {
		case "array":
			in.collect(v["items"], ns)
			return
		case "map":
			in.collect(v["values"], ns)
			return
		}
		if !isDefinition(v) {
			in.collect(v["type"], ns)
			return
		}
		full := fullName(v, ns)
		if _, ok := in.defs[full]; !ok {
			in.defs[full] = definition{node: v}
		}
		inner := namespaceOf(full)
		if fields, ok := v["fields"].([]any); ok {
			for _, f := range fields {
				if fm, ok := f.(map[string]any); ok {
					in.collect(fm["type"], inner)
				}
			}
		}
	}
}

// resolve returns the full name a type reference means in namespace ns.
func (in *inliner) resolve(name, ns string) string {
	if strings.Contains(name, ".") || ns == "" {
		return name
	}
	full := ns + "." + name
	if in.done[full] || in.defs[full].node != nil {
		return full
	}
	if in.done[name] || in.defs[name].node != nil {
		return name
	}
	return full
}

// walk returns v with references to not-yet-written referenced types
// replaced by their definitions, and definitions of already-written types
// replaced by their full names.
func (in *inliner) walk(v any, ns string) any {
	switch v := v.(type) {
	case string:
		if primitiveNames[v] {
			return v
		}
		full := in.resolve(v, ns)
		if in.done[full] {
			return full
		}
		if d, ok := in.defs[full]; ok {
			// The definition moves into a new namespace context, so it
			// gets its full name; a null-namespace type needs an explicit
			// empty namespace not to inherit the enclosing one.
			d.node["name"] = full
			if namespaceOf(full) == "" {
				d.node["namespace"] = ""
			} else {
				delete(d.node, "namespace")
			}
			return in.walk(d.node, ns)
		}
		return full
	case []any:
		for i, b := range v {
			v[i] = in.walk(b, ns)
		}
		return v
	case map[string]any:
		key := "type"
		switch v["type"] {
		case "array":
			key = "items"
		case "map":
			key = "values"
		}
		if !isDefinition(v) {
			if t, ok := v[key]; ok {
				v[key] = in.walk(t, ns)
			}
			return v
		}
		full := fullName(v, ns)
		if in.done[full] {
			return full
		}
		in.done[full] = true
		inner := namespaceOf(full)
		if fields, ok := v["fields"].([]any); ok {
			for _, f := range fields {
				if fm, ok := f.(map[string]any); ok {
					if t, ok := fm["type"]; ok {
						fm["type"] = in.walk(t, inner)
					}
				}
			}
		}
		return v
	}
	return v
}
