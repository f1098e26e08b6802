// Package evolve adds evolution intelligence to the compatibility verdicts of
// gen/compat, without ever changing them: where Java's SchemaCompatibility
// (and so the registry) accepts a change that a consumer's resolving reader
// then cannot read (RESOLVER_REJECTS), and where a removed and an added field
// or a moved named type look like a rename (FIELD_RENAMED, TYPE_MOVED), with
// what breaks in each direction and the alias edit that fixes what can be
// fixed.
package evolve

import (
	"errors"
	"fmt"
	"strings"

	"gitlab.com/acme/avroctl/gen/compat"
	"gitlab.com/acme/avroctl/gen/golang/runtime/avro"
	"gitlab.com/acme/avroctl/gen/schema"
)

// Rule IDs of the findings this package adds.
const (
	ResolverRejects = "RESOLVER_REJECTS"
	// ResolverMayReject is a pair the checker accepts and Java's reader
	// fails on for some valid values only (a warning).
	ResolverMayReject = "RESOLVER_MAY_REJECT"
	FieldRenamed      = "FIELD_RENAMED"
	TypeMoved         = "TYPE_MOVED"
)

// ResolverError is why our resolving reader (the generated code's, which
// follows Java's org.apache.avro.Resolver) cannot read writer data with the
// reader schema. Path is the reader field path ("" for the root).
type ResolverError struct {
	Path   string
	Reason string
	// Fix is set for the failures of Java's reader that avroctl's does not
	// share (JavaReaderError): they carry their own advice.
	Fix string
	// DataDependent is set when only some values fail (Java's collection
	// size guard): a warning, not a certain failure.
	DataDependent bool
}

func (e *ResolverError) Error() string {
	if e.Path == "" {
		return e.Reason
	}
	return e.Path + ": " + e.Reason
}

// Resolve builds the resolving reader's plan for data written with writer
// and read with reader, and returns why it cannot be built (nil when it can).
//
// The checker and the reader are different Java components: the checker
// (SchemaCompatibility) finds a reader field's writer field by the field's
// aliases whatever the record names, while the reader applies the reader's
// aliases to the writer schema first (Schema.applyAliases), and looks field
// aliases up under the writer record's full name. A record that moved
// namespace and renamed a field with @aliases therefore passes the checker
// and fails the reader, unless the record also carries its old full name as
// an alias. Errors the reader raises only when a value reaches them (an
// unreadable array item) are not plan errors and are not reported: Java
// accepts those pairs too until such a value arrives.
func Resolve(reader, writer schema.Schema) error {
	w, err := avro.ParseWriterSchema(string(schema.Marshal(writer)))
	if err != nil {
		return fmt.Errorf("writer schema: %w", err)
	}
	res := avro.NewResolver(string(schema.Marshal(reader)))
	_, err = res.Plan(w)
	if err == nil {
		err = probe(res, w, writer)
	}
	if err != nil {
		var re *avro.ResolutionError
		if errors.As(err, &re) {
			return &ResolverError{Path: re.Path, Reason: re.Msg}
		}
		return &ResolverError{Reason: err.Error()}
	}
	return nil
}

// Pair is one reader/writer comparison of a check: which schema reads which
// and what the roles are for people.
type Pair struct {
	Reader, Writer schema.Schema
	// Direction is compat.NewReadsOld (BACKWARD), compat.OldReadsNew
	// (FORWARD) or compat.ReaderWriter (a plain check).
	Direction compat.Direction
}

// LevelPairs returns the comparisons a level makes between newSchema and
// previous (oldest first), in compat.CheckLevel's order: newest previous
// first, FORWARD before BACKWARD.
func LevelPairs(level compat.Level, newSchema schema.Schema, previous []schema.Schema) []Pair {
	if level == compat.None || len(previous) == 0 {
		return nil
	}
	fwd := level == compat.Forward || level == compat.ForwardTransitive || level == compat.Full || level == compat.FullTransitive
	bwd := level == compat.Backward || level == compat.BackwardTransitive || level == compat.Full || level == compat.FullTransitive
	first := len(previous) - 1
	if level.Transitive() {
		first = 0
	}
	var out []Pair
	for i := len(previous) - 1; i >= first; i-- {
		if fwd {
			out = append(out, Pair{Reader: previous[i], Writer: newSchema, Direction: compat.OldReadsNew})
		}
		if bwd {
			out = append(out, Pair{Reader: newSchema, Writer: previous[i], Direction: compat.NewReadsOld})
		}
	}
	return out
}

// ResolverFinding is a pair the checker accepts and the resolving reader
// rejects.
type ResolverFinding struct {
	Pair
	Err *ResolverError
	// Source is where to look: the reader field (or record) in the schema
	// the user edits when it has a position.
	Source schema.Position
	// Fix says what to change.
	Fix string
}

// CheckResolver runs the resolving reader on every pair the compat engine
// says is compatible and returns the pairs it rejects, and the pairs only
// Java's reader rejects whatever the data (JavaReaderError). Pairs the
// engine rejects already have findings; data-dependent Java failures are
// CheckResolverWarnings'.
func CheckResolver(pairs []Pair) []ResolverFinding {
	var out []ResolverFinding
	for _, p := range pairs {
		if !compat.Check(p.Reader, p.Writer).Compatible {
			continue
		}
		err := Resolve(p.Reader, p.Writer)
		if err == nil {
			if je := JavaReaderError(p.Reader, p.Writer); je != nil {
				err = je
			}
		}
		if err == nil {
			continue
		}
		re, ok := err.(*ResolverError)
		if !ok {
			re = &ResolverError{Reason: err.Error()}
		}
		f := ResolverFinding{Pair: p, Err: re}
		f.Source, f.Fix = resolverHint(p, re)
		if re.Fix != "" {
			f.Fix = re.Fix
		}
		out = append(out, f)
	}
	return out
}

// CheckResolverWarnings returns the pairs the compat engine accepts, both
// readers read (no CheckResolver finding), and Java's reader fails on for
// some valid values (JavaReaderWarning).
func CheckResolverWarnings(pairs []Pair) []ResolverFinding {
	var out []ResolverFinding
	for _, p := range pairs {
		if !compat.Check(p.Reader, p.Writer).Compatible || Resolve(p.Reader, p.Writer) != nil || JavaReaderError(p.Reader, p.Writer) != nil {
			continue
		}
		if re := JavaReaderWarning(p.Reader, p.Writer); re != nil {
			f := ResolverFinding{Pair: p, Err: re, Fix: re.Fix}
			f.Source, _ = resolverHint(p, re)
			out = append(out, f)
		}
	}
	return out
}

// resolverHint locates the reader field of the error and suggests the edit.
// The usual cause is a field renamed with an alias inside a record whose
// full name changed: the reader looks the alias up under the writer
// record's full name, so the record needs its old full name as an alias.
func resolverHint(p Pair, re *ResolverError) (schema.Position, string) {
	rec, field := recordAt(p.Reader, re.Path)
	pos := schema.Position{}
	if field != nil {
		pos = field.Pos
	} else if rec != nil {
		pos = rec.Pos
	}
	// A named writer type read through a reader union is matched by full
	// name (the checker compares simple names): the moved type needs its
	// old full name as an alias.
	if full, ok := unmatchedNamed(re.Reason); ok {
		if n := findNamed(p.Reader, shortOf(full)); n != nil && n.FullName() != full {
			return pos, fmt.Sprintf("a union matches a named type by full name, and the writer's %s is %s here: ", full, n.FullName()) +
				aliasEdit(n.Pos, full, "type "+n.Name)
		}
	}
	if rec != nil {
		if wrec := writerRecordAt(p.Writer, re.Path); wrec != nil && wrec.FullName() != rec.FullName() && !contains(rec.Aliases, wrec.FullName()) {
			hint := fmt.Sprintf("record %s was %s in the writer's schema: field aliases apply only under the record's old full name, so add its old name as an alias", rec.FullName(), wrec.FullName())
			return pos, hint + ": " + aliasEdit(rec.Pos, wrec.FullName(), "record "+rec.Name)
		}
	}
	if field != nil && !field.HasDefault {
		return pos, fmt.Sprintf("give field %s a default, or an alias naming the writer's field (in the writer record's full name)", field.Name)
	}
	return pos, "make the reader's schema resolvable against the writer's (Avro specification, Schema Resolution)"
}

// recordAt walks the reader schema along a resolver path ("a.b[]{}.c") and
// returns the record holding the last field and that field.
func recordAt(s schema.Schema, path string) (*schema.Record, *schema.Field) {
	rec := asRecord(s)
	var field *schema.Field
	for _, step := range splitPath(path) {
		if rec == nil {
			return nil, nil
		}
		f := rec.FieldByName(step)
		if f == nil {
			return rec, nil
		}
		field = f
		if next := asRecord(f.Type); next != nil {
			if step == lastStep(path) {
				return rec, f
			}
			rec = next
			field = nil
		}
	}
	return rec, field
}

// writerRecordAt finds the writer record at the same field path, by field
// name (aliases aside: enough to see a namespace move).
func writerRecordAt(s schema.Schema, path string) *schema.Record {
	steps := splitPath(path)
	rec := asRecord(s)
	for i := 0; i < len(steps)-1 && rec != nil; i++ {
		f := rec.FieldByName(steps[i])
		if f == nil {
			return rec
		}
		rec = asRecord(f.Type)
	}
	return rec
}

func lastStep(path string) string {
	steps := splitPath(path)
	if len(steps) == 0 {
		return ""
	}
	return steps[len(steps)-1]
}

// splitPath splits "a.b[]{}.c" into field names, dropping array and map
// steps (asRecord looks through them).
func splitPath(path string) []string {
	var out []string
	cur := []byte{}
	for i := 0; i < len(path); i++ {
		switch c := path[i]; c {
		case '.':
			if len(cur) > 0 {
				out = append(out, string(cur))
			}
			cur = cur[:0]
		case '[', ']', '{', '}':
		default:
			cur = append(cur, c)
		}
	}
	if len(cur) > 0 {
		out = append(out, string(cur))
	}
	return out
}

// asRecord looks through arrays, maps and unions (first record branch) for
// a record.
func asRecord(s schema.Schema) *schema.Record {
	for i := 0; i < 16; i++ {
		switch t := s.(type) {
		case *schema.Record:
			return t
		case *schema.Array:
			s = t.Items
		case *schema.Map:
			s = t.Values
		case *schema.Union:
			var next schema.Schema
			for _, b := range t.Branches {
				if b.Type() == schema.RecordType || b.Type() == schema.ErrorType || b.Type() == schema.ArrayType || b.Type() == schema.MapType {
					next = b
					break
				}
			}
			if next == nil {
				return nil
			}
			s = next
		default:
			return nil
		}
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// unmatchedNamed extracts the writer's full name from the resolver's
// "writer type KIND NAME matches no branch of the reader union".
func unmatchedNamed(reason string) (string, bool) {
	const pre, post = "writer type ", " matches no branch of the reader union"
	if !strings.HasPrefix(reason, pre) || !strings.HasSuffix(reason, post) {
		return "", false
	}
	kindName := strings.Fields(strings.TrimSuffix(strings.TrimPrefix(reason, pre), post))
	if len(kindName) != 2 {
		return "", false
	}
	return kindName[1], true
}

func shortOf(full string) string {
	_, n := schema.SplitName(full)
	return n
}

// findNamed finds the first named type with simple name short.
func findNamed(s schema.Schema, short string) *schema.Named {
	seen := map[schema.Schema]bool{}
	var walk func(schema.Schema) *schema.Named
	walk = func(s schema.Schema) *schema.Named {
		if s == nil || seen[s] {
			return nil
		}
		seen[s] = true
		if n, ok := s.(schema.NamedSchema); ok && n.Names().Name == short {
			return n.Names()
		}
		switch t := s.(type) {
		case *schema.Record:
			for _, f := range t.Fields {
				if n := walk(f.Type); n != nil {
					return n
				}
			}
		case *schema.Array:
			return walk(t.Items)
		case *schema.Map:
			return walk(t.Values)
		case *schema.Union:
			for _, b := range t.Branches {
				if n := walk(b); n != nil {
					return n
				}
			}
		}
		return nil
	}
	return walk(s)
}
