package schema

// Value is a JSON value as the model keeps it: defaults and property values.
//
// The dynamic type is one of:
//
//	nil       JSON null
//	bool      JSON true/false
//	string    JSON string
//	Number    JSON number (keeps whether it was an integer or a float)
//	[]Value   JSON array
//	*Object   JSON object (keeps key order)
//
// The Java reference keeps defaults as Jackson nodes and prints them back,
// so the model must remember integer versus floating-point spelling: 1 prints
// as 1, 1.0 and 1e0 print as 1.0. Non-finite floats from IDL (NaN, Infinity)
// are Numbers whose Text is "NaN", "Infinity" or "-Infinity".
type Value = any

// Number is a JSON number.
type Number struct {
	// Text is the number as written in the source (or as produced).
	Text string
	// IsFloat is set when Java would hold it as a double: the literal has a
	// fraction or exponent, or it is NaN/Infinity.
	IsFloat bool
}

// Member is one key/value pair of an Object.
type Member struct {
	Key   string
	Value Value
}

// Object is a JSON object that keeps its key order.
type Object struct {
	Members []Member
}

// Get returns the value for key and whether it is present.
func (o *Object) Get(key string) (Value, bool) {
	if o == nil {
		return nil, false
	}
	for _, m := range o.Members {
		if m.Key == key {
			return m.Value, true
		}
	}
	return nil, false
}

// Set replaces the value for key, or appends it.
func (o *Object) Set(key string, v Value) {
	for i := range o.Members {
		if o.Members[i].Key == key {
			o.Members[i].Value = v
			return
		}
	}
	o.Members = append(o.Members, Member{key, v})
}

// Props are a schema's or field's extra attributes, in order of first
// definition. Setting an existing key keeps its place (as Java's
// LinkedHashMap does).
type Props struct {
	List []Member
}

// Len returns the number of properties.
func (p *Props) Len() int { return len(p.List) }

// Get returns the value of key and whether it is present.
func (p *Props) Get(key string) (Value, bool) {
	for _, m := range p.List {
		if m.Key == key {
			return m.Value, true
		}
	}
	return nil, false
}

// GetString returns the value of key if it is a string.
func (p *Props) GetString(key string) (string, bool) {
	v, ok := p.Get(key)
	if !ok {
		return "", false
	}
	s, ok := v.(string)
	return s, ok
}

// Set sets key, keeping its place if it is already there.
func (p *Props) Set(key string, v Value) {
	for i := range p.List {
		if p.List[i].Key == key {
			p.List[i].Value = v
			return
		}
	}
	p.List = append(p.List, Member{key, v})
}
