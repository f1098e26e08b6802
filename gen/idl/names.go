package idl

import (
	"strings"
	"unicode"

	"gitlab.com/acme/avroctl/gen/schema"
)

// invalidTypeNames may not name a declared type (IdlReader.INVALID_TYPE_NAMES;
// "localtimestamp_ms" is spelled as in the reference).
var invalidTypeNames = set("boolean", "int", "long", "float", "double", "bytes", "string", "null",
	"date", "time_ms", "timestamp_ms", "localtimestamp_ms", "uuid")

// idlNameOK is IdlReader's VALID_NAME predicate. It uses Matcher.find, so a
// name passes when it contains a letter or an underscore anywhere; the
// strict check comes later (utfNameError).
func idlNameOK(name string) bool {
	return strings.IndexFunc(name, func(r rune) bool { return r == '_' || unicode.IsLetter(r) }) >= 0
}

// utfNameError is NameValidator.UTF_VALIDATOR: "" when name is valid. Java
// checks UTF-16 chars, so a character outside the BMP (a surrogate pair)
// is never a letter there.
func utfNameError(name string) string {
	if name == "" {
		return "Empty name"
	}
	for i, r := range name {
		if r > 0xFFFF {
			r = 0xD800 // a surrogate: neither letter nor digit
		}
		if i == 0 {
			if !(unicode.IsLetter(r) || r == '_') {
				return "Illegal initial character: " + name
			}
			continue
		}
		if !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_') {
			return "Illegal character in: " + name
		}
	}
	return ""
}

// javaSplitDots is String.split("\\.") : trailing empty parts are dropped.
func javaSplitDots(s string) []string {
	parts := strings.Split(s, ".")
	for len(parts) > 1 && parts[len(parts)-1] == "" {
		parts = parts[:len(parts)-1]
	}
	return parts
}

// fullNameError is ParseContext.requireValidFullName: "" when valid.
func fullNameError(full string) string {
	parts := javaSplitDots(full)
	for i, part := range parts {
		if msg := utfNameError(part); msg != "" {
			what := "Namespace part"
			if i == len(parts)-1 {
				what = "Name"
			}
			return what + ` "` + part + `" is invalid: ` + msg
		}
	}
	return ""
}

// typeName is IdlReader.name: the last dotted part, validated.
func (c *compiler) typeName(id ident) string {
	name := id.Name
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		name = name[i+1:]
	}
	if !idlNameOK(name) || invalidTypeNames[name] {
		c.errorf(id.Pos, "Illegal name: %s", name)
	}
	return name
}

// typeNamespace is IdlReader.namespace: the dotted prefix of the identifier,
// or else the given namespace. Every part but the last is checked.
func (c *compiler) typeNamespace(id ident, namespace *string) *string {
	var ns string
	if i := strings.LastIndexByte(id.Name, '.'); i >= 0 {
		ns = id.Name[:i]
	} else if namespace != nil {
		ns = *namespace
	} else {
		return nil
	}
	s, e := 0, strings.IndexByte(ns, '.')
	for e > 0 {
		if part := ns[s:e]; !idlNameOK(part) {
			c.errorf(id.Pos, "Illegal name: %s", part)
		}
		s = e + 1
		if j := strings.IndexByte(ns[s:], '.'); j >= 0 {
			e = s + j
		} else {
			e = -1
		}
	}
	return &ns
}

// refFullName is IdlReader.fullName: a dotted name is already full.
func refFullName(namespace, name string) string {
	if strings.LastIndexByte(name, '.') >= 0 {
		return name
	}
	return schema.JoinName(namespace, name)
}
