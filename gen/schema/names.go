package schema

// Names is a registry of named types by full name, kept in definition order.
// It is what Java's ParseContext is to Schema.Parser: references in one file
// resolve against types defined in earlier files (imports, registry
// references), and the types a file defines are added to it.
type Names struct {
	byName map[string]NamedSchema
	order  []NamedSchema
}

// NewNames returns an empty registry.
func NewNames() *Names {
	return &Names{byName: make(map[string]NamedSchema)}
}

// Add registers s under its full name. Adding the same schema again, or
// one Java's Schema.equals finds equal (see Equal), is a no-op that keeps
// the first; a different schema with the same full name is an error,
// worded as Java words it ("Can't redefine: x.Y").
func (n *Names) Add(s NamedSchema) error {
	if n.byName == nil {
		n.byName = make(map[string]NamedSchema)
	}
	full := s.Names().FullName()
	if old, ok := n.byName[full]; ok {
		if old == s || Equal(old, s) {
			return nil
		}
		return &Error{Pos: s.Names().Pos, Msg: "Can't redefine: " + full}
	}
	n.byName[full] = s
	n.order = append(n.order, s)
	return nil
}

// Lookup returns the type called full (a full name), or nil.
func (n *Names) Lookup(full string) NamedSchema {
	if n == nil {
		return nil
	}
	return n.byName[full]
}

// Find resolves a reference written as name inside namespace the way Java's
// ParseContext.find does: a dotted name is full; otherwise the enclosing
// namespace is tried first and then the null namespace.
func (n *Names) Find(name, namespace string) NamedSchema {
	if n == nil {
		return nil
	}
	if s := n.byName[Resolve(name, namespace)]; s != nil {
		return s
	}
	return n.byName[name]
}

// All returns every registered type in definition order.
func (n *Names) All() []NamedSchema {
	if n == nil {
		return nil
	}
	return append([]NamedSchema(nil), n.order...)
}

// Len returns the number of registered types.
func (n *Names) Len() int {
	if n == nil {
		return 0
	}
	return len(n.order)
}
