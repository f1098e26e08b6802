package compat

import (
	"fmt"
	"strings"

	"gitlab.com/acme/avroctl/gen/idl"
	"gitlab.com/acme/avroctl/gen/schema"
)

// roles name the two sides of a comparison in explanations.
type roles struct {
	dir Direction
	// consumers are the people reading; data is what they read.
	consumers, data string
	// readerSide and writerSide name the schemas.
	readerSide, writerSide string
}

func rolesFor(dir Direction) roles {
	switch dir {
	case NewReadsOld:
		return roles{dir, "consumers using the new schema", "events written with the old one", "new schema", "old schema"}
	case OldReadsNew:
		return roles{dir, "consumers still using the old schema", "events written with the new one", "old schema", "new schema"}
	}
	return roles{dir, "readers using the reader schema", "data written with the writer schema", "reader schema", "writer schema"}
}

// readerEditable reports whether the fix belongs in the reader schema: the
// new schema is the one being changed, so when it is the writer the fix is
// to undo the change instead.
func (r roles) readerEditable() bool { return r.dir != OldReadsNew }

// annotate fills Explanation and Fix.
func annotate(list []Incompatibility, r roles) {
	for i := range list {
		list[i].Explanation, list[i].Fix = explain(&list[i], r)
	}
}

func explain(in *Incompatibility, r roles) (explanation, fix string) {
	lead := upperFirst(r.consumers) + " cannot read " + r.data + " because "
	switch in.Type {
	case ReaderFieldMissingDefaultValue:
		name := in.Message
		explanation = lead + fmt.Sprintf("field `%s` of the %s is not in the %s and has no default value to fill it in.", name, r.readerSide, r.writerSide)
		if r.readerEditable() {
			decl := name
			if in.Field != nil {
				decl = idl.TypeSyntax(in.Field.Type) + " " + name + " = " + idlDefault(in.Field.Type)
			}
			fix = fmt.Sprintf("give `%s` a default: `%s;`", name, decl)
		} else {
			fix = fmt.Sprintf("keep field `%s` in the new schema; a field can only be removed once every old schema gives it a default.", name)
		}
	case TypeMismatch:
		if f := in.Field; f != nil {
			// Java's quirk: a missing reader field of an enum type with an
			// enum default is compared with the writer record itself.
			explanation = lead + fmt.Sprintf("field `%s` of the %s is not in the %s and has no field default; the enum's own default does not fill in a missing field.", f.Name, r.readerSide, r.writerSide)
			if r.readerEditable() {
				fix = fmt.Sprintf("give `%s` a default: `%s %s = %s;`", f.Name, idl.TypeSyntax(f.Type), f.Name, idlDefault(f.Type))
			} else {
				fix = fmt.Sprintf("keep field `%s` in the new schema; a field can only be removed once every old schema gives it a default.", f.Name)
			}
			break
		}
		rt, wt := fragmentType(in.ReaderFragment), fragmentType(in.WriterFragment)
		explanation = lead + fmt.Sprintf("the %s expects %s where the %s has %s, and Avro cannot promote %s to %s.", r.readerSide, rt, r.writerSide, wt, wt, rt)
		if r.readerEditable() {
			fix = fmt.Sprintf("keep %s, or change to a type it promotes to (int → long → float → double, string ↔ bytes); to really change a type, add a new field with a default instead.", wt)
		} else {
			fix = fmt.Sprintf("keep writing %s, or a type that promotes to it (int → long → float → double, string ↔ bytes); old consumers cannot read %s.", rt, wt)
		}
	case NameMismatch:
		rn, wn := namedFull(in.ReaderFragment), namedFull(in.WriterFragment)
		explanation = lead + fmt.Sprintf("the %s names the type `%s` where the %s names it `%s`; Avro matches named types by name or by the reader's aliases.", r.readerSide, rn, r.writerSide, wn)
		if r.readerEditable() {
			fix = fmt.Sprintf("add an alias to `%s`: `@aliases([\"%s\"])`.", simpleName(rn), wn)
		} else {
			fix = fmt.Sprintf("keep the name `%s`; aliases in the new schema do not help old consumers.", simpleName(rn))
		}
	case FixedSizeMismatch:
		explanation = lead + fmt.Sprintf("fixed `%s` has a different size: %s.", simpleName(namedFull(in.ReaderFragment)), in.Message)
		fix = "keep the fixed size unchanged; to change it, add a new field of a new fixed type with a default."
	case MissingEnumSymbols:
		name := simpleName(namedFull(in.ReaderFragment))
		explanation = lead + fmt.Sprintf("the %s can write symbols %s, which enum `%s` in the %s does not have, and that enum has no default.", r.writerSide, in.Message, name, r.readerSide)
		if r.readerEditable() {
			fix = fmt.Sprintf("add the symbols back, or give the enum a default: `%s`", enumWithDefault(in.ReaderFragment))
		} else {
			fix = fmt.Sprintf("do not add symbols %s yet: first release a schema whose enum `%s` has a default (`%s`), and let consumers upgrade.", in.Message, name, enumWithDefault(in.ReaderFragment))
		}
	case MissingUnionBranch:
		wt := fragmentType(in.WriterFragment)
		explanation = lead + fmt.Sprintf("the %s can write a %s value here, and no branch of the %s's union can read it.", r.writerSide, wt, r.readerSide)
		if r.readerEditable() {
			fix = fmt.Sprintf("add %s to the union in the %s.", wt, r.readerSide)
		} else {
			fix = fmt.Sprintf("do not write %s in the new schema until the old consumers' union has that branch.", wt)
		}
	}
	return explanation, fix
}

// fragmentType spells a schema node for a sentence: `int`, record `Order`.
func fragmentType(s schema.Schema) string {
	if s == nil {
		return "a value"
	}
	switch s := s.(type) {
	case schema.NamedSchema:
		return kind(s).String() + " `" + s.Names().Name + "`"
	}
	return "`" + idl.TypeSyntax(s) + "`"
}

func namedFull(s schema.Schema) string {
	if n, ok := s.(schema.NamedSchema); ok {
		return n.Names().FullName()
	}
	return "?"
}

func simpleName(full string) string {
	_, n := schema.SplitName(full)
	return n
}

// enumWithDefault spells enum s in IDL with a default: its UNKNOWN symbol
// if it has one, else UNKNOWN added at the end.
func enumWithDefault(s schema.Schema) string {
	e, ok := s.(*schema.Enum)
	if !ok {
		return "enum E { ..., UNKNOWN } = UNKNOWN;"
	}
	syms := append([]string(nil), e.Symbols...)
	def := ""
	for _, sym := range syms {
		if strings.EqualFold(sym, "UNKNOWN") {
			def = sym
		}
	}
	if def == "" {
		def = "UNKNOWN"
		syms = append(syms, def)
	}
	return fmt.Sprintf("enum %s { %s } = %s;", e.Name, strings.Join(syms, ", "), def)
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// idlDefault suggests a default value for a field of type s, in IDL syntax
// (JSON). A union's default must match its first branch.
func idlDefault(s schema.Schema) string {
	switch s := s.(type) {
	case *schema.Primitive:
		switch s.T {
		case schema.Null:
			return "null"
		case schema.Boolean:
			return "false"
		case schema.Int, schema.Long, schema.Float, schema.Double:
			return "0"
		}
		return `""`
	case *schema.Enum:
		if s.HasDefault {
			return `"` + s.Default + `"`
		}
		if len(s.Symbols) > 0 {
			return `"` + s.Symbols[0] + `"`
		}
	case *schema.Array:
		return "[]"
	case *schema.Map:
		return "{}"
	case *schema.Union:
		if len(s.Branches) > 0 {
			return idlDefault(s.Branches[0])
		}
	case *schema.Fixed:
		return `"` + strings.Repeat(`\u0000`, min(s.Size, 4)) + `..."`
	case *schema.Record:
		return "{ ... }"
	}
	return "..."
}
