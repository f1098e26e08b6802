// Package idl compiles Avro IDL (.avdl) files into the gen/schema model,
// with the semantics of Apache Avro 1.12's IdlReader: the same types in the
// same order, the same doc comments, defaults and properties, so that the
// JSON written from the result matches avro-tools byte for byte.
//
// The pipeline is scanner -> parser (AST with positions) -> builder (AST to
// model, in the order the reference's parse-tree listener runs, since doc
// comment placement and type registration depend on it) -> resolution of
// forward references and validation of defaults.
package idl

import (
	"fmt"
	"os"

	"gitlab.com/acme/avroctl/gen/schema"
)

// Options configure compilation. The zero value reads from disk and resolves
// imports relative to the importing file only.
type Options struct {
	// ImportDirs are searched, in order, for imports not found next to the
	// importing file (the reference searches its classpath).
	ImportDirs []string
	// ReadFile reads a file; nil means reading regular files from disk.
	// Tests and fuzzing use it to compile from memory.
	ReadFile func(name string) ([]byte, error)
	// MaxFileSize is the largest file read, in bytes; 0 means
	// DefaultMaxFileSize.
	MaxFileSize int64
}

// Warning is a located warning, such as a doc comment the reference ignores.
type Warning struct {
	Pos schema.Position
	Msg string
	// Lexical is set for text the lexer skipped (a stray character or
	// backtick, a comment without a line end). The reference's lexer prints
	// these on the console as "token recognition error" instead of
	// returning them with IdlFile's warnings.
	Lexical bool
}

// String formats the warning as "file:line:col: warning: msg".
func (w Warning) String() string { return w.Pos.String() + ": warning: " + w.Msg }

// File is a compiled IDL file.
type File struct {
	// Protocol is the protocol the file declares; nil for the schema syntax.
	Protocol *schema.Protocol
	// Namespace is the protocol's namespace, or the `namespace x;` of the
	// schema syntax ("" for none).
	Namespace string
	// MainSchema is the `schema T;` of the schema syntax, nil if none.
	MainSchema schema.Schema
	// NamedSchemas are every named type the file defines or imports, in the
	// reference's order (IdlFile.getNamedSchemas).
	NamedSchemas []schema.NamedSchema
	// Warnings are the reference's out-of-place doc comment warnings, and
	// the lexer's (Lexical) ones.
	Warnings []Warning
}

// Compile reads and compiles the .avdl file filename and what it imports.
func Compile(filename string, opts Options) (*File, error) {
	src, fi, err := opts.readSource(filename)
	if err != nil {
		return nil, schema.ErrorList{{Pos: schema.Position{Filename: filename}, Msg: readErrorMsg(err)}}
	}
	return compileSource(filename, src, fi, opts)
}

// CompileSource compiles src as the contents of filename; imports are read
// relative to filename's directory, then from opts.ImportDirs. Errors are a
// sorted schema.ErrorList.
func CompileSource(filename string, src []byte, opts Options) (f *File, err error) {
	var fi os.FileInfo
	if opts.ReadFile == nil {
		// src is filename's content (or stdin's): an import of filename
		// through another path must still count as read.
		if st, err := os.Stat(filename); err == nil && st.Mode().IsRegular() {
			fi = st
		}
	}
	return compileSource(filename, src, fi, opts)
}

func compileSource(filename string, src []byte, fi os.FileInfo, opts Options) (f *File, err error) {
	c := newCompiler(opts)
	c.markRead(filename, fi)
	b := c.buildFile(filename, src, false)
	if len(c.errs) == 0 && b != nil {
		f = c.finish(b)
	}
	if len(c.errs) > 0 {
		c.errs.Sort()
		return nil, dedupe(c.errs)
	}
	return f, nil
}

// dedupe drops identical errors (the same problem found twice).
func dedupe(l schema.ErrorList) schema.ErrorList {
	out := l[:0]
	for i, e := range l {
		if i > 0 && e.Pos == l[i-1].Pos && e.Msg == l[i-1].Msg {
			continue
		}
		out = append(out, e)
	}
	return out
}

// compiler holds what all files of one compilation share: the registry of
// named types (Java's ParseContext), the set of files read, errors and
// warnings.
type compiler struct {
	opts     Options
	errs     schema.ErrorList
	warnings []Warning
	read     fileSet

	types  []schema.NamedSchema
	byName map[string]schema.NamedSchema

	// refs are placeholders for references to types not (yet) declared,
	// replaced once everything is read.
	refs map[*schema.Record]schema.Position
	// forward are the slots that held a placeholder, once resolved.
	forward map[*schema.Schema]bool

	unions   []*schema.Union
	optional map[*schema.Union]bool // unions written as T?
	fields   []*fieldCheck
}

// fieldCheck is a field whose default is validated after resolution.
type fieldCheck struct {
	field *schema.Field
}

func newCompiler(opts Options) *compiler {
	return &compiler{
		opts:     opts,
		byName:   map[string]schema.NamedSchema{},
		refs:     map[*schema.Record]schema.Position{},
		forward:  map[*schema.Schema]bool{},
		optional: map[*schema.Union]bool{},
	}
}

func (c *compiler) errorf(pos schema.Position, format string, args ...any) {
	c.errs.Add(pos, fmt.Sprintf(format, args...))
}

// markRead records a file as read; it reports whether it was new. fi is
// the file's identity on disk, nil for a file served by Options.ReadFile.
func (c *compiler) markRead(name string, fi os.FileInfo) bool { return c.read.add(name, fi) }

// put registers a named type, as ParseContext.put: the full name must be
// valid, and a second definition must equal the first.
func (c *compiler) put(s schema.NamedSchema) {
	n := s.Names()
	full := n.FullName()
	if msg := fullNameError(full); msg != "" {
		c.errorf(n.Pos, "%s", msg)
		return
	}
	if old, ok := c.byName[full]; ok {
		if old != s && !equalSchemas(old, s, map[[2]schema.Schema]bool{}) {
			c.errorf(n.Pos, "Can't redefine: %s (first defined at %s)", full, old.Names().Pos)
		}
		return
	}
	c.byName[full] = s
	c.types = append(c.types, s)
}

// lookup is ParseContext.find for a full name: a primitive, a known type,
// or a placeholder to be resolved later.
func (c *compiler) lookup(full string, pos schema.Position) schema.Schema {
	if t, ok := schema.PrimitiveType(full); ok {
		return &schema.Primitive{T: t, Pos: pos}
	}
	if s, ok := c.byName[full]; ok {
		return s
	}
	ns, name := schema.SplitName(full)
	ref := &schema.Record{Named: schema.Named{Name: name, Namespace: ns, Pos: pos}}
	c.refs[ref] = pos
	return ref
}

// newUnion builds a union; its branches are checked after resolution.
func (c *compiler) newUnion(pos schema.Position, branches ...schema.Schema) *schema.Union {
	u := &schema.Union{Branches: branches, Pos: pos}
	c.unions = append(c.unions, u)
	return u
}

// isRef reports whether r is a placeholder for a not-yet-declared type.
func (c *compiler) isRef(r *schema.Record) bool {
	_, ok := c.refs[r]
	return ok
}
