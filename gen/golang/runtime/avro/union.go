package avro

import (
	"bytes"
	"crypto/sha256"
)

// What a codec for a topic carrying several types needs to know about a
// writer schema: which named type it defines (to pick the Go type) and,
// for a root union (Confluent's TopicNameStrategy with a union of
// references), its branches, each resolvable on its own.

// FullName returns the full name of the named type (record, enum or fixed)
// the schema defines at its root, or "" for any other schema.
func (w *WriterSchema) FullName() string {
	switch w.root.kind {
	case kRecord, kEnum, kFixed:
		return w.root.name
	}
	return ""
}

// TypeName returns the root's full name for a named type, otherwise its
// kind ("union", "string", "array", ...): what error messages call it.
func (w *WriterSchema) TypeName() string {
	if n := w.FullName(); n != "" {
		return n
	}
	return w.root.kind.String()
}

// Aliases returns the full-name aliases of the root named type, if any.
func (w *WriterSchema) Aliases() []string {
	return append([]string(nil), w.root.aliases...)
}

// IsUnion reports whether the schema's root is a union.
func (w *WriterSchema) IsUnion() bool { return w.root.kind == kUnion }

// Branches returns the branches of a root union as writer schemas of their
// own, in branch order (a value's branch index picks one); nil when the
// root is not a union. A branch schema is what the branch's value was
// written with: a named type defined in an earlier branch is part of it in
// full, so its canonical form is the one the type has on its own and data
// written with a reader's own schema is recognised as such.
func (w *WriterSchema) Branches() []*WriterSchema {
	if w.root.kind != kUnion {
		return nil
	}
	out := make([]*WriterSchema, len(w.root.branches))
	var canon bytes.Buffer
	for i, b := range w.root.branches {
		canon.Reset()
		writeCanonical(&canon, b, map[*node]bool{})
		out[i] = &WriterSchema{root: b, fp: Fingerprint64(canon.Bytes()), canon: sha256.Sum256(canon.Bytes())}
	}
	return out
}
