package schema

import (
	"strings"
)

var (
	protocolReserved = setOf("namespace", "protocol", "doc", "messages", "types", "errors")
	messageReserved  = setOf("doc", "response", "request", "errors", "one-way")
	// paramReserved is Java Protocol's FIELD_RESERVED. A request parameter
	// has no "order": Java copies it as a property, which Field refuses
	// ("Can't set reserved property: order").
	paramReserved = setOf("name", "type", "doc", "default", "aliases")
)

// ParseProtocol reads an .avpr protocol with the semantics of Java 1.12's
// Protocol.parse. Types holds every named type the protocol defines, nested
// and message-local ones included (Java writes them all under "types"), in
// the order their definitions start in the source. That keeps
// read-then-write an identity on the tools' output; Java 1.12.2's own
// Protocol.toString lists a nested type before the type that contains it.
func ParseProtocol(data []byte, opts ParseOptions) (*Protocol, error) {
	r := newReader(data, opts)
	root, serr := parseJSONTree(data, trailingIgnored)
	if serr != nil {
		r.errorAt(serr.off, serr.msg)
		return nil, r.errs.Err()
	}
	p := r.protocol(root)
	if len(r.errs) == 0 { // not after invalid defaults either: see Parse
		r.finish(nil, p.Messages)
	}
	if err := r.errs.Err(); err != nil {
		return nil, err
	}
	p.Types = r.declaredTypes()
	if err := r.commit(); err != nil {
		return nil, err
	}
	return p, nil
}

func (r *reader) protocol(n *jsonNode) *Protocol {
	if n.kind != jObject {
		r.errorf(n, "a protocol must be a JSON object, not %s", n.kind)
		return nil
	}
	nameNode := n.get("protocol")
	name, ok := nameNode.text()
	if !ok {
		r.errorf(n, "No protocol name specified: add a \"protocol\" string")
		return nil
	}
	p := &Protocol{Pos: r.pos(nameNode.off)}
	p.Namespace, _ = n.get("namespace").text()
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		p.Namespace, name = name[:i], name[i+1:]
	}
	p.Name = name
	if tn := n.get("types"); tn != nil {
		if tn.kind != jArray {
			r.errorf(tn, "Types not an array: \"types\" must be an array of named types")
			return nil
		}
		for _, t := range tn.elems {
			if t.kind != jObject {
				r.errorf(t, "Type not an object: %s", r.compact(t))
				return nil
			}
			r.schema(t, p.Namespace)
			if r.failed() {
				return nil
			}
		}
	}
	if mn := n.get("messages"); mn != nil && mn.kind == jObject {
		for _, m := range mn.members {
			msg := r.message(m, p.Namespace)
			if msg == nil {
				return nil
			}
			p.Messages = append(p.Messages, msg)
		}
	}
	if d, ok := n.get("doc").text(); ok {
		p.Doc = &d
	}
	r.props(n, &p.Props, protocolReserved)
	return p
}

func (r *reader) message(m jsonMember, ns string) *Message {
	n := m.val
	msg := &Message{Name: m.key, Pos: r.pos(m.keyOff)}
	if n.kind != jObject {
		r.errorf(n, "No request specified: message %s must be an object", m.key)
		return nil
	}
	if d, ok := n.get("doc").text(); ok {
		msg.Doc = &d
	}
	r.props(n, &msg.Props, messageReserved)
	req := n.get("request")
	if req == nil || req.kind != jArray {
		r.errorf(n, "No request specified: message %s needs a \"request\" array", m.key)
		return nil
	}
	msg.Request = []*Field{}
	for _, fn := range req.elems {
		f := r.param(fn, ns)
		if f == nil {
			return nil
		}
		msg.Request = append(msg.Request, f)
	}
	if ow := n.get("one-way"); ow != nil {
		if ow.kind != jBool {
			r.errorf(ow, "one-way must be boolean")
			return nil
		}
		msg.OneWay = ow.b
	}
	resp := n.get("response")
	if !msg.OneWay && resp == nil {
		r.errorf(n, "No response specified: message %s needs a \"response\"", m.key)
		return nil
	}
	decls := n.get("errors")
	if msg.OneWay {
		if decls != nil {
			r.errorf(decls, "one-way can't have errors")
			return nil
		}
		if resp != nil {
			if s := r.schema(resp, ns); r.failed() || s.Type() != Null {
				if !r.failed() {
					r.errorf(resp, "One way response must be null")
				}
				return nil
			}
		}
		msg.Response = &Primitive{T: Null}
		return msg
	}
	msg.Response = r.schema(resp, ns)
	if r.failed() {
		return nil
	}
	if decls != nil {
		if decls.kind != jArray {
			r.errorf(decls, "Errors not an array: \"errors\" must be an array of error type names")
			return nil
		}
		for _, d := range decls.elems {
			name, ok := d.text()
			if !ok {
				r.errorf(d, "Undefined error: error names must be strings")
				return nil
			}
			s := r.find(name, ns, d)
			switch s := s.(type) {
			case *unresolvedRef:
				r.errorf(d, "Undefined error: %s (define the error type before the message)", s.full)
				return nil
			case *Record:
				if !s.IsError {
					r.errorf(d, "Not an error: %s", name)
					return nil
				}
			default:
				r.errorf(d, "Not an error: %s", name)
				return nil
			}
			// Java makes a union of the errors (after the implicit string).
			for _, prev := range msg.Errors {
				if prev == s {
					r.errorf(d, "Duplicate in union:%s (an error type is listed twice)", s.(*Record).FullName())
					return nil
				}
			}
			msg.Errors = append(msg.Errors, s)
		}
	}
	return msg
}

// param reads a message request parameter (Java: Protocol.parseMessage).
func (r *reader) param(fn *jsonNode, ns string) *Field {
	nameNode := fn.get("name")
	if nameNode == nil {
		r.errorf(fn, "No param name: each request parameter needs a \"name\"")
		return nil
	}
	typeNode := fn.get("type")
	if typeNode == nil {
		r.errorf(fn, "No param type: each request parameter needs a \"type\"")
		return nil
	}
	name, ok := nameNode.text()
	if !ok {
		r.errorf(nameNode, "Null name: a parameter name must be a string")
		return nil
	}
	f := &Field{Name: name, Pos: r.pos(nameNode.off)}
	if d, ok := fn.get("doc").text(); ok {
		f.Doc = &d
	}
	f.Type = r.schema(typeNode, ns)
	if r.failed() {
		return nil
	}
	if msg := validName(name); msg != "" {
		r.errs.Add(f.Pos, msg)
		return nil
	}
	if dn := fn.get("default"); dn != nil {
		f.HasDefault, f.Default = true, dn.toValue()
		r.checkDefault(f, r.pos(dn.off))
	}
	if list, ok := r.aliasList(fn); ok {
		f.Aliases = dedupe(list)
	}
	if on := fn.get("order"); on != nil {
		r.errorf(on, "Can't set reserved property: order (a request parameter has no sort order; remove it)")
		return nil
	}
	r.props(fn, &f.Props, paramReserved)
	if r.failed() {
		return nil
	}
	return f
}
