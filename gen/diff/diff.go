// Package diff lists the changes between two sets of Avro named types at
// the field level (added, removed, renamed, retyped, default, doc, order,
// enum symbols, union branches) with the compatibility verdict of each
// changed type at each level, for `avroctl diff` and merge-request comments.
package diff

import (
	"fmt"
	"sort"
	"strings"

	"gitlab.com/acme/avroctl/gen/compat"
	"gitlab.com/acme/avroctl/gen/evolve"
	"gitlab.com/acme/avroctl/gen/idl"
	"gitlab.com/acme/avroctl/gen/schema"
)

// Change kinds. They appear in JSON output: never rename them.
const (
	TypeAdded           = "TYPE_ADDED"
	TypeRemoved         = "TYPE_REMOVED"
	TypeMoved           = "TYPE_MOVED"
	TypeKindChanged     = "TYPE_KIND_CHANGED"
	TypeDocChanged      = "TYPE_DOC_CHANGED"
	TypeAliasesChanged  = "TYPE_ALIASES_CHANGED"
	FieldAdded          = "FIELD_ADDED"
	FieldRemoved        = "FIELD_REMOVED"
	FieldRenamed        = "FIELD_RENAMED"
	FieldRetyped        = "FIELD_RETYPED"
	FieldDefaultChanged = "FIELD_DEFAULT_CHANGED"
	FieldDocChanged     = "FIELD_DOC_CHANGED"
	FieldOrderChanged   = "FIELD_ORDER_CHANGED"
	FieldsReordered     = "FIELDS_REORDERED"
	UnionBranchAdded    = "UNION_BRANCH_ADDED"
	UnionBranchRemoved  = "UNION_BRANCH_REMOVED"
	EnumSymbolAdded     = "ENUM_SYMBOL_ADDED"
	EnumSymbolRemoved   = "ENUM_SYMBOL_REMOVED"
	EnumSymbolsReorder  = "ENUM_SYMBOLS_REORDERED"
	EnumDefaultChanged  = "ENUM_DEFAULT_CHANGED"
	FixedSizeChanged    = "FIXED_SIZE_CHANGED"
)

// Change is one difference inside a type.
type Change struct {
	Kind string `json:"kind"`
	// Field is the field's name in B (in A for a removed field); "" for a
	// change of the type itself.
	Field string `json:"field,omitempty"`
	// Old and New are the values before and after, spelled as IDL writes
	// them (types) or as JSON (defaults); "" when not applicable.
	Old string `json:"old,omitempty"`
	New string `json:"new,omitempty"`
	// How says how a rename was found: "alias" (declared in B) or
	// "detected" (by gen/evolve's rule).
	How string `json:"how,omitempty"`
}

// Verdict is a compatibility verdict at one level: "" when it holds, else
// the first reason.
type Verdict struct {
	Level      string `json:"level"`
	Compatible bool   `json:"compatible"`
	Reason     string `json:"reason,omitempty"`
	// Resolver is set when the registry's check passes but a consumer's
	// resolving reader cannot read the data (gen/evolve's
	// RESOLVER_REJECTS): the first reason.
	Resolver string `json:"resolver,omitempty"`
}

// Type is the diff of one named type.
type Type struct {
	// Name is the full name in B (in A for a removed type).
	Name string `json:"name"`
	// Kind is record, error, enum or fixed.
	Kind string `json:"kind"`
	// Status is added, removed, moved or changed.
	Status string `json:"status"`
	// From is the full name in A of a moved type.
	From    string   `json:"from,omitempty"`
	How     string   `json:"how,omitempty"`
	Changes []Change `json:"changes,omitempty"`
	// Verdicts are BACKWARD, FORWARD and FULL for a type in both sets
	// (the transitive levels are the same for two versions).
	Verdicts []Verdict `json:"verdicts,omitempty"`
}

// Report is the diff of two sets.
type Report struct {
	A       string `json:"a"`
	B       string `json:"b"`
	Changed bool   `json:"changed"`
	Types   []Type `json:"types"`
	// Verdicts sum up the types in both sets: a level holds when it holds
	// for every one of them.
	Verdicts []Verdict `json:"verdicts"`
}

// Set is the named types of one side, by full name.
type Set map[string]schema.NamedSchema

// Add adds s and every named type it defines (nested ones included); the
// first definition of a name wins.
func (set Set) Add(s schema.Schema) {
	switch t := s.(type) {
	case *schema.Record:
		if _, ok := set[t.FullName()]; ok {
			return
		}
		set[t.FullName()] = t
		for _, f := range t.Fields {
			set.Add(f.Type)
		}
	case *schema.Enum:
		if _, ok := set[t.FullName()]; !ok {
			set[t.FullName()] = t
		}
	case *schema.Fixed:
		if _, ok := set[t.FullName()]; !ok {
			set[t.FullName()] = t
		}
	case *schema.Array:
		set.Add(t.Items)
	case *schema.Map:
		set.Add(t.Values)
	case *schema.Union:
		for _, b := range t.Branches {
			set.Add(b)
		}
	}
}

func sortedNames(set Set) []string {
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Compare diffs a (before) and b (after).
func Compare(a, b Set) Report {
	rep := Report{Types: []Type{}}
	// Pair B's types with A's: same full name, else an alias of B's type
	// naming an A type B lacks, else a move gen/evolve detects.
	pairOf := map[string]string{} // B name -> A name
	how := map[string]string{}
	usedA := map[string]bool{}
	for _, n := range sortedNames(b) {
		if _, ok := a[n]; ok {
			pairOf[n], usedA[n] = n, true
		}
	}
	for _, n := range sortedNames(b) {
		if _, ok := pairOf[n]; ok {
			continue
		}
		for _, al := range b[n].Names().Aliases {
			full := schema.Resolve(al, b[n].Names().Namespace)
			if _, ok := a[full]; ok && !usedA[full] {
				if _, inB := b[full]; !inB {
					pairOf[n], usedA[full], how[n] = full, true, "alias"
					break
				}
			}
		}
	}
	// Detected renames, from every pair of types in both sets.
	fieldRenames := map[string]map[string]string{} // B record -> new field -> old field
	for _, n := range sortedNames(b) {
		an, ok := pairOf[n]
		if !ok {
			continue
		}
		for _, r := range evolve.DetectRenames(a[an], b[n]) {
			switch r.Kind {
			case evolve.TypeMoved:
				if _, paired := pairOf[r.To]; paired || usedA[r.From] {
					continue
				}
				if _, ok := a[r.From]; !ok {
					continue
				}
				if _, inB := b[r.From]; inB {
					continue
				}
				if _, ok := b[r.To]; !ok {
					continue
				}
				pairOf[r.To], usedA[r.From], how[r.To] = r.From, true, "detected"
			case evolve.FieldRenamed:
				if fieldRenames[r.Record] == nil {
					fieldRenames[r.Record] = map[string]string{}
				}
				fieldRenames[r.Record][r.To] = r.From
			}
		}
	}

	// A type no other type leads to (a subject) that changed namespace only:
	// the same simple name and kind on both sides, each unpaired and
	// unambiguous.
	bySimple := map[string][]string{}
	for _, n := range sortedNames(a) {
		if !usedA[n] {
			bySimple[simpleKey(a[n])] = append(bySimple[simpleKey(a[n])], n)
		}
	}
	var unpairedB []string
	for _, n := range sortedNames(b) {
		if _, ok := pairOf[n]; !ok {
			unpairedB = append(unpairedB, n)
		}
	}
	bCount := map[string]int{}
	for _, n := range unpairedB {
		bCount[simpleKey(b[n])]++
	}
	for _, n := range unpairedB {
		k := simpleKey(b[n])
		if c := bySimple[k]; len(c) == 1 && bCount[k] == 1 {
			if _, inB := b[c[0]]; !inB {
				pairOf[n], usedA[c[0]], how[n] = c[0], true, "detected"
			}
		}
	}

	worst := map[compat.Level]*Verdict{}
	for _, l := range levels {
		worst[l] = &Verdict{Level: l.String(), Compatible: true}
	}
	for _, n := range sortedNames(b) {
		an, ok := pairOf[n]
		if !ok {
			rep.Types = append(rep.Types, Type{Name: n, Kind: b[n].Type().String(), Status: "added"})
			continue
		}
		t := Type{Name: n, Kind: b[n].Type().String(), Status: "changed"}
		if an != n {
			t.Status, t.From, t.How = "moved", an, how[n]
		}
		t.Changes = compareNamed(a[an], b[n], fieldRenames[n])
		if len(t.Changes) == 0 && t.Status == "changed" {
			continue
		}
		for _, l := range levels {
			res := compat.CheckLevel(l, b[n], []schema.Schema{a[an]})
			v := Verdict{Level: l.String(), Compatible: res.Compatible}
			if !res.Compatible && len(res.Incompatibilities) > 0 {
				in := res.Incompatibilities[0]
				v.Reason = string(in.Type) + " at " + in.Location + ": " + in.Message
			}
			if res.Compatible {
				if rf := evolve.CheckResolver(evolve.LevelPairs(l, b[n], []schema.Schema{a[an]})); len(rf) > 0 {
					v.Resolver = rf[0].Err.Reason
					if rf[0].Err.Path != "" {
						v.Resolver = rf[0].Err.Path + ": " + v.Resolver
					}
					if worst[l].Compatible && worst[l].Resolver == "" {
						worst[l].Resolver = n + ": " + v.Resolver
					}
				}
			}
			t.Verdicts = append(t.Verdicts, v)
			if !v.Compatible && worst[l].Compatible {
				worst[l].Compatible = false
				worst[l].Reason = n + ": " + v.Reason
			}
		}
		rep.Types = append(rep.Types, t)
	}
	for _, n := range sortedNames(a) {
		if !usedA[n] {
			rep.Types = append(rep.Types, Type{Name: n, Kind: a[n].Type().String(), Status: "removed"})
		}
	}
	sort.SliceStable(rep.Types, func(i, j int) bool { return rep.Types[i].Name < rep.Types[j].Name })
	for _, l := range levels {
		rep.Verdicts = append(rep.Verdicts, *worst[l])
	}
	rep.Changed = len(rep.Types) > 0
	return rep
}

func simpleKey(n schema.NamedSchema) string {
	return n.Type().String() + " " + n.Names().Name
}

var levels = []compat.Level{compat.Backward, compat.Forward, compat.Full}

func compareNamed(a, b schema.NamedSchema, renames map[string]string) []Change {
	var out []Change
	if a.Type() != b.Type() {
		return []Change{{Kind: TypeKindChanged, Old: a.Type().String(), New: b.Type().String()}}
	}
	an, bn := a.Names(), b.Names()
	if doc(an.Doc) != doc(bn.Doc) {
		out = append(out, Change{Kind: TypeDocChanged, Old: doc(an.Doc), New: doc(bn.Doc)})
	}
	if strings.Join(an.Aliases, ",") != strings.Join(bn.Aliases, ",") {
		out = append(out, Change{Kind: TypeAliasesChanged, Old: strings.Join(an.Aliases, ", "), New: strings.Join(bn.Aliases, ", ")})
	}
	switch at := a.(type) {
	case *schema.Record:
		out = append(out, compareRecords(at, b.(*schema.Record), renames)...)
	case *schema.Enum:
		out = append(out, compareEnums(at, b.(*schema.Enum))...)
	case *schema.Fixed:
		bt := b.(*schema.Fixed)
		if at.Size != bt.Size {
			out = append(out, Change{Kind: FixedSizeChanged, Old: fmt.Sprint(at.Size), New: fmt.Sprint(bt.Size)})
		}
		if logicalOf(at) != logicalOf(bt) {
			out = append(out, Change{Kind: FieldRetyped, Old: logicalOf(at), New: logicalOf(bt)})
		}
	}
	return out
}

func logicalOf(s schema.Schema) string { return schema.LogicalOf(s).Name }

func doc(d *string) string {
	if d == nil {
		return ""
	}
	return *d
}

func compareRecords(a, b *schema.Record, detected map[string]string) []Change {
	var out []Change
	// old field name -> new field, for every B field found in A by name,
	// by alias or by detection.
	match := map[string]*schema.Field{}
	matchHow := map[string]string{}
	for _, bf := range b.Fields {
		if a.FieldByName(bf.Name) != nil {
			match[bf.Name] = bf
		}
	}
	for _, bf := range b.Fields {
		if a.FieldByName(bf.Name) != nil {
			continue
		}
		byAlias := false
		for _, al := range bf.Aliases {
			if af := a.FieldByName(al); af != nil && match[al] == nil && b.FieldByName(al) == nil {
				match[al], matchHow[al] = bf, "alias"
				byAlias = true
				break
			}
		}
		if old, ok := detected[bf.Name]; ok && !byAlias && a.FieldByName(old) != nil && match[old] == nil {
			match[old], matchHow[old] = bf, "detected"
		}
	}
	matchedB := map[*schema.Field]bool{}
	var aOrder, bOrder []string
	for _, af := range a.Fields {
		bf := match[af.Name]
		if bf == nil {
			out = append(out, Change{Kind: FieldRemoved, Field: af.Name, Old: idl.TypeSyntax(af.Type)})
			continue
		}
		matchedB[bf] = true
		aOrder = append(aOrder, af.Name)
		if bf.Name != af.Name {
			out = append(out, Change{Kind: FieldRenamed, Field: bf.Name, Old: af.Name, New: bf.Name, How: matchHow[af.Name]})
		}
		out = append(out, compareFields(af, bf)...)
	}
	for _, bf := range b.Fields {
		if !matchedB[bf] {
			c := Change{Kind: FieldAdded, Field: bf.Name, New: idl.TypeSyntax(bf.Type)}
			if bf.HasDefault {
				c.New += " = " + string(schema.MarshalValue(bf.Default))
			}
			out = append(out, c)
			continue
		}
		for old, f := range match {
			if f == bf {
				bOrder = append(bOrder, old)
			}
		}
	}
	if strings.Join(aOrder, ",") != strings.Join(bOrder, ",") {
		out = append(out, Change{Kind: FieldsReordered, Old: strings.Join(aOrder, ", "), New: strings.Join(bOrder, ", ")})
	}
	return out
}

func compareFields(af, bf *schema.Field) []Change {
	var out []Change
	name := bf.Name
	au, aok := af.Type.(*schema.Union)
	bu, bok := bf.Type.(*schema.Union)
	switch {
	case aok && bok:
		ak, bk := branchKeys(au), branchKeys(bu)
		for i, k := range ak {
			if !containsStr(bk, k) {
				out = append(out, Change{Kind: UnionBranchRemoved, Field: name, Old: idl.TypeSyntax(au.Branches[i])})
			}
		}
		for i, k := range bk {
			if !containsStr(ak, k) {
				out = append(out, Change{Kind: UnionBranchAdded, Field: name, New: idl.TypeSyntax(bu.Branches[i])})
			}
		}
		if len(out) == 0 && typeKey(au) != typeKey(bu) {
			// Same branches in another order.
			out = append(out, Change{Kind: FieldRetyped, Field: name, Old: idl.TypeSyntax(au), New: idl.TypeSyntax(bu)})
		}
	case typeKey(af.Type) != typeKey(bf.Type):
		out = append(out, Change{Kind: FieldRetyped, Field: name, Old: idl.TypeSyntax(af.Type), New: idl.TypeSyntax(bf.Type)})
	}
	if af.HasDefault != bf.HasDefault || (af.HasDefault && !schema.ValueEqual(af.Default, bf.Default)) {
		out = append(out, Change{Kind: FieldDefaultChanged, Field: name, Old: defaultString(af), New: defaultString(bf)})
	}
	if doc(af.Doc) != doc(bf.Doc) {
		out = append(out, Change{Kind: FieldDocChanged, Field: name, Old: doc(af.Doc), New: doc(bf.Doc)})
	}
	if af.Order != bf.Order {
		out = append(out, Change{Kind: FieldOrderChanged, Field: name, Old: af.Order.String(), New: bf.Order.String()})
	}
	return out
}

func defaultString(f *schema.Field) string {
	if !f.HasDefault {
		return "(none)"
	}
	return string(schema.MarshalValue(f.Default))
}

func compareEnums(a, b *schema.Enum) []Change {
	var out []Change
	var common []string
	for _, s := range a.Symbols {
		if !containsStr(b.Symbols, s) {
			out = append(out, Change{Kind: EnumSymbolRemoved, Old: s})
		} else {
			common = append(common, s)
		}
	}
	var bCommon []string
	for _, s := range b.Symbols {
		if !containsStr(a.Symbols, s) {
			out = append(out, Change{Kind: EnumSymbolAdded, New: s})
		} else {
			bCommon = append(bCommon, s)
		}
	}
	if strings.Join(common, ",") != strings.Join(bCommon, ",") {
		out = append(out, Change{Kind: EnumSymbolsReorder, Old: strings.Join(common, ", "), New: strings.Join(bCommon, ", ")})
	}
	ad, bd := "(none)", "(none)"
	if a.HasDefault {
		ad = a.Default
	}
	if b.HasDefault {
		bd = b.Default
	}
	if ad != bd {
		out = append(out, Change{Kind: EnumDefaultChanged, Old: ad, New: bd})
	}
	return out
}

func branchKeys(u *schema.Union) []string {
	out := make([]string, len(u.Branches))
	for i, b := range u.Branches {
		out[i] = typeKey(b)
	}
	return out
}

// typeKey spells a type shallowly: named types by full name (their own
// changes are listed under their own name), the rest structurally with
// logical types.
func typeKey(s schema.Schema) string {
	switch t := s.(type) {
	case schema.NamedSchema:
		return t.Names().FullName()
	case *schema.Array:
		return "array<" + typeKey(t.Items) + ">"
	case *schema.Map:
		return "map<" + typeKey(t.Values) + ">"
	case *schema.Union:
		return "union{" + strings.Join(branchKeys(t), ",") + "}"
	default:
		return idl.TypeSyntax(s)
	}
}

func containsStr(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
