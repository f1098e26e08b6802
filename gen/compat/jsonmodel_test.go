package compat

import (
	"encoding/json"
	"fmt"

	"gitlab.com/acme/avroctl/gen/schema"
)

// buildModel turns decoded .avsc JSON into the model, just enough for the
// checker's own tests: it keeps the tests of this package independent of
// the .avsc reader and lets FuzzCheck build arbitrary (also recursive)
// graphs. Real inputs go through schema.Parse.
func buildModel(data []byte) (s schema.Schema, err error) {
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		return nil, err
	}
	b := &modelBuilder{names: map[string]schema.NamedSchema{}}
	defer func() {
		if p := recover(); p != nil {
			s, err = nil, fmt.Errorf("%v", p)
		}
	}()
	return b.build(v, ""), nil
}

type modelBuilder struct {
	names map[string]schema.NamedSchema
	depth int
}

func (b *modelBuilder) build(v any, ns string) schema.Schema {
	b.depth++
	defer func() { b.depth-- }()
	if b.depth > 200 {
		panic("too deep")
	}
	switch v := v.(type) {
	case string:
		if t, ok := schema.PrimitiveType(v); ok {
			return &schema.Primitive{T: t}
		}
		if s := b.names[schema.Resolve(v, ns)]; s != nil {
			return s
		}
		if s := b.names[v]; s != nil {
			return s
		}
		panic("unknown type " + v)
	case []any:
		u := &schema.Union{}
		for _, x := range v {
			u.Branches = append(u.Branches, b.build(x, ns))
		}
		return u
	case map[string]any:
		t, _ := v["type"].(string)
		if t == "" {
			if inner, ok := v["type"]; ok {
				return b.build(inner, ns)
			}
			panic("no type")
		}
		named := func() schema.Named {
			name, _ := v["name"].(string)
			if name == "" {
				panic("no name")
			}
			if n, ok := v["namespace"].(string); ok && !containsDot(name) {
				ns = n
			}
			full := schema.Resolve(name, ns)
			space, simple := schema.SplitName(full)
			n := schema.Named{Name: simple, Namespace: space}
			if as, ok := v["aliases"].([]any); ok {
				for _, a := range as {
					if s, ok := a.(string); ok {
						n.Aliases = append(n.Aliases, schema.Resolve(s, space))
					}
				}
			}
			return n
		}
		switch t {
		case "record", "error":
			r := &schema.Record{Named: named(), IsError: t == "error"}
			b.names[r.FullName()] = r
			fs, _ := v["fields"].([]any)
			for _, fv := range fs {
				fm, ok := fv.(map[string]any)
				if !ok {
					panic("bad field")
				}
				f := &schema.Field{}
				f.Name, _ = fm["name"].(string)
				f.Type = b.build(fm["type"], r.Namespace)
				f.Default, f.HasDefault = fm["default"]
				if as, ok := fm["aliases"].([]any); ok {
					for _, a := range as {
						if s, ok := a.(string); ok {
							f.Aliases = append(f.Aliases, s)
						}
					}
				}
				r.Fields = append(r.Fields, f)
			}
			return r
		case "enum":
			e := &schema.Enum{Named: named()}
			if syms, ok := v["symbols"].([]any); ok {
				for _, s := range syms {
					if s, ok := s.(string); ok {
						e.Symbols = append(e.Symbols, s)
					}
				}
			}
			if d, ok := v["default"].(string); ok {
				e.Default, e.HasDefault = d, true
			}
			b.names[e.FullName()] = e
			return e
		case "fixed":
			f := &schema.Fixed{Named: named()}
			if n, ok := v["size"].(float64); ok {
				f.Size = int(n)
			}
			b.names[f.FullName()] = f
			return f
		case "array":
			return &schema.Array{Items: b.build(v["items"], ns)}
		case "map":
			return &schema.Map{Values: b.build(v["values"], ns)}
		}
		return b.build(t, ns)
	}
	panic(fmt.Sprintf("bad schema %T", v))
}

func containsDot(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == '.' {
			return true
		}
	}
	return false
}
