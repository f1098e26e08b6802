package idl

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"gitlab.com/acme/avroctl/gen/schema"
)

// importFile is exitImportStatement. A file already read (by this or any
// other import, or the top file itself) is skipped, which also ends import
// cycles.
func (b *fileBuilder) importFile(d *importDecl) {
	c := b.c
	name, data, fi, err := b.findImport(d.Path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			c.errorf(d.PathPos, "Error importing %s: file not found next to %s or in the import dirs (add one with -I DIR)", d.Path, b.filename)
		} else {
			c.errorf(d.PathPos, "Error importing %s: %s: %s", d.Path, name, strings.TrimPrefix(readErrorMsg(err), "cannot read file: "))
		}
		return
	}
	// A file reached again, by any path (a symbolic link to a folder
	// makes endless new paths to the same files), is not read twice.
	if !c.markRead(name, fi) {
		return
	}
	switch d.Kind {
	case IDL:
		sub := c.buildFile(name, data, true)
		if sub != nil && b.protocol != nil && sub.protocol != nil {
			for _, m := range sub.messages {
				b.putMessage(m)
			}
		}
	case PROTOCOL:
		p, err := schema.ParseProtocol(data, schema.ParseOptions{Filename: name})
		if err != nil {
			c.addError(d.PathPos, err)
			return
		}
		roots := make([]schema.Schema, len(p.Types))
		for i, t := range p.Types {
			roots[i] = t
		}
		for _, t := range completionOrder(roots, p.Types) {
			c.put(t)
		}
		if b.protocol != nil {
			for _, m := range p.Messages {
				b.putMessage(m)
			}
		}
	case SCHEMA:
		// References in the .avsc resolve against the types known so far;
		// a name not known yet (even one the .avsc defines further down)
		// gets a placeholder resolved with the IDL file's own, as Java
		// parses the .avsc with the IDL file's ParseContext. So the .avsc
		// may use a type the IDL file declares later.
		names := schema.NewNames()
		for _, t := range c.types {
			if r, ok := t.(*schema.Record); ok && c.isRef(r) {
				continue // a main schema's reference, not a type
			}
			_ = names.Add(t)
		}
		before := names.Len()
		root, err := schema.Parse(data, schema.ParseOptions{Filename: name, Names: names, Forward: c.lookup})
		if err != nil {
			c.addError(d.PathPos, err)
			return
		}
		for _, t := range completionOrder([]schema.Schema{root}, names.All()[before:]) {
			c.put(t)
		}
	}
}

// addError adds the errors of an imported file; an error without a
// position is reported at the import statement.
func (c *compiler) addError(pos schema.Position, err error) { c.errs.AddError(pos, err) }

// findImport looks for an import next to the importing file, then in the
// import dirs (the reference's classpath). It returns the path to use in
// positions, the file's contents and its identity on disk. A candidate
// that does not exist is skipped; one that exists but cannot be read (a
// link loop, a pipe, a file too large) is the error, with its path.
//
// Next to the file, ".." may lead anywhere (the reference resolves a URI).
// In an import dir it may not leave the dir: the reference asks a class
// loader, and Java's URLClassPath refuses a resource name whose ".."
// climbs out of its classpath folder.
func (b *fileBuilder) findImport(path string) (string, []byte, os.FileInfo, error) {
	candidates := []string{path}
	if !filepath.IsAbs(path) {
		candidates[0] = filepath.Join(b.dir, path)
		for _, dir := range b.c.opts.ImportDirs {
			name := filepath.Join(dir, path)
			if rel, err := filepath.Rel(dir, name); err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
				continue
			}
			candidates = append(candidates, name)
		}
	}
	for _, name := range candidates {
		data, fi, err := b.c.opts.readSource(name)
		if err == nil {
			return name, data, fi, nil
		}
		if !errors.Is(err, fs.ErrNotExist) && !errors.Is(err, syscall.ENOTDIR) {
			return name, nil, nil, err
		}
	}
	return "", nil, nil, fs.ErrNotExist
}

// completionOrder lists the new named types of a parsed .avsc or .avpr in the order
// the reference registers them: when their definition is complete, so
// types nested in a record come before it. Types not in fresh (defined
// earlier) are neither listed nor entered.
func completionOrder(roots []schema.Schema, fresh []schema.NamedSchema) []schema.NamedSchema {
	isFresh := make(map[schema.Schema]bool, len(fresh))
	for _, t := range fresh {
		isFresh[t] = true
	}
	seen := map[schema.Schema]bool{}
	var out []schema.NamedSchema
	var walk func(s schema.Schema)
	walk = func(s schema.Schema) {
		switch t := s.(type) {
		case *schema.Record, *schema.Enum, *schema.Fixed:
			if !isFresh[s] || seen[s] {
				return
			}
			seen[s] = true
			if r, ok := t.(*schema.Record); ok {
				for _, f := range r.Fields {
					walk(f.Type)
				}
			}
			out = append(out, s.(schema.NamedSchema))
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
	for _, r := range roots {
		walk(r)
	}
	// Anything the walk did not reach keeps the parser's order, last.
	for _, t := range fresh {
		if !seen[t] {
			out = append(out, t)
		}
	}
	return out
}
