package avro

import (
	"encoding/json"
	"fmt"
)

// Java's resolving reader (Avro 1.12's ResolvingGrammarGenerator.encode)
// encodes a reader field's default, for a field the writer lacks, by its
// own rules, which are looser than the specification's: in a union it
// takes the first branch whose type roughly fits the JSON value (records,
// enums, arrays and maps fit anything; fixed, string and bytes a string;
// numbers a number), not the first branch the value is valid for. A
// default null for ["SomeEnum","null"] therefore goes to the enum and
// fails, and for ["SomeRecord","null"] it fails unless every field of the
// record has a default. This package reads such defaults as the
// specification says; JavaDefaultError reports where Java's reader fails,
// for tools that warn about Java consumers (avroctl's RESOLVER_REJECTS).

// JavaDefaultError returns where Java's resolving reader fails to encode a
// reader default that this package uses for data written with w, or nil
// (also when the plan itself fails: Plan reports that).
func (r *Resolver) JavaDefaultError(w *WriterSchema) error {
	r.once.Do(func() { r.reader, r.readerErr = ParseWriterSchema(r.readerJSON) })
	if r.readerErr != nil || w == nil || w.canon == r.reader.canon {
		return nil
	}
	b := &planBuilder{memo: map[[2]*node]*op{}, skipMemo: map[*node]*op{}, javaDefaults: true}
	b.aliases, b.fieldAliases = readerAliases(r.reader.root)
	if _, err := b.resolve(w.root, r.reader.root, ""); err != nil {
		return nil
	}
	return b.javaErr
}

// JavaCollectionError returns the first array or map that Java's
// collection size guard (Avro 1.12.2's GenericDatumReader: "Collection
// claims N elements with at least K bytes each, but only M bytes are
// available") can refuse for valid data written with w, or nil. Java
// bounds a block's item count by the minimum encoded size of the READER's
// item type; when that is larger than the writer's (a long read as float,
// a record that gained a field with a default), a block of small items
// near the end of the data claims more bytes than remain. Which data fails
// depends on the item count and on what follows, so this is a warning.
func (r *Resolver) JavaCollectionError(w *WriterSchema) error {
	r.once.Do(func() { r.reader, r.readerErr = ParseWriterSchema(r.readerJSON) })
	if r.readerErr != nil || w == nil || w.canon == r.reader.canon {
		return nil
	}
	b := &planBuilder{memo: map[[2]*node]*op{}, skipMemo: map[*node]*op{}, javaDefaults: true}
	b.aliases, b.fieldAliases = readerAliases(r.reader.root)
	if _, err := b.resolve(w.root, r.reader.root, ""); err != nil {
		return nil
	}
	return b.javaCollection
}

// checkJavaCollection records the first collection whose reader item type
// Java sizes larger than the writer's smallest item.
func (b *planBuilder) checkJavaCollection(path string, w, r *node, isMap bool) {
	if !b.javaDefaults || b.javaCollection != nil {
		return
	}
	javaMin, writerMin := minSize(r, map[*node]bool{}), writerMinSize(w, map[*node]bool{})
	if javaMin <= writerMin {
		return
	}
	what := "array"
	if isMap {
		what = "map"
	}
	b.javaCollection = &ResolutionError{Path: path, Msg: fmt.Sprintf(
		"Java's reader refuses a block of N %s items when N x %d bytes (the reader item type's minimum size) exceed the bytes left in the data, but the writer's items can be %d bytes: a long enough %s of small items near the end of a value fails in Java consumers (\"Collection claims N elements\")",
		what, javaMin, writerMin, what)}
}

// writerMinSize is the smallest encoding of a value of n (minSize, but a
// union counts its index and its smallest branch).
func writerMinSize(n *node, visiting map[*node]bool) int {
	switch n.kind {
	case kUnion:
		m := -1
		for _, br := range n.branches {
			if s := writerMinSize(br, visiting); m < 0 || s < m {
				m = s
			}
		}
		return 1 + max(m, 0)
	case kRecord:
		if visiting[n] {
			return 0
		}
		visiting[n] = true
		size := 0
		for _, f := range n.fields {
			size += writerMinSize(f.typ, visiting)
		}
		delete(visiting, n)
		return size
	}
	return minSize(n, visiting)
}

// checkJavaDefault records the first reader default Java cannot encode.
func (b *planBuilder) checkJavaDefault(path string, rf *field) {
	if !b.javaDefaults || b.javaErr != nil {
		return
	}
	if err := javaEncodeDefault(rf.typ, rf.def, new(int), 0); err != nil {
		b.javaErr = &ResolutionError{Path: path, Msg: fmt.Sprintf(
			"Java's reader cannot use the reader's default %s: %v (Java encodes a union default with the first branch whose type fits the JSON value, records and enums fitting anything; put the branch the default is for first)",
			jsonText(rf.def), err)}
	}
}

func jsonText(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// javaEncodeDefault is ResolvingGrammarGenerator.encode's error behaviour.
func javaEncodeDefault(n *node, v any, budget *int, depth int) error {
	if depth > javaMaxDefaultDepth {
		// A record whose default reaches itself through the first branch
		// of a union ({"f": null} for f: [ThisRecord, "null"]): Java
		// recurses until its stack overflows.
		return fmt.Errorf("Java's encoder recurses without end through record %s (StackOverflowError)", n.name)
	}
	if *budget++; *budget > maxDefaultNodes {
		return nil // encodeDefault already bounds what this package uses
	}
	switch n.kind {
	case kRecord:
		obj, _ := v.(map[string]any) // JsonNode.get on a non-object is null
		for _, f := range n.fields {
			fv, ok := obj[f.name]
			if !ok {
				if !f.hasDef {
					return fmt.Errorf("no default value for field %s", f.name)
				}
				fv = f.def
			}
			if err := javaEncodeDefault(f.typ, fv, budget, depth+1); err != nil {
				return err
			}
		}
	case kEnum:
		s, ok := v.(string)
		if ok {
			for _, sym := range n.symbols {
				if sym == s {
					return nil
				}
			}
		}
		return fmt.Errorf("enum value %s is not in the symbols of %s", jsonText(v), n.name)
	case kArray:
		switch x := v.(type) {
		case []any:
			for _, it := range x {
				if err := javaEncodeDefault(n.items, it, budget, depth+1); err != nil {
					return err
				}
			}
		case map[string]any: // Jackson iterates an object's values
			for _, it := range x {
				if err := javaEncodeDefault(n.items, it, budget, depth+1); err != nil {
					return err
				}
			}
		}
	case kMap:
		if arr, ok := v.([]any); ok && len(arr) > 0 {
			// Java writes the array's size as the entry count and then
			// no entries (it iterates field names): the encoded default
			// is cut short and reading it ends in an EOFException.
			return fmt.Errorf("the array %s goes to a map branch, which Java encodes as %d entries without any", jsonText(v), len(arr))
		}
		if obj, ok := v.(map[string]any); ok {
			for _, it := range obj {
				if err := javaEncodeDefault(n.items, it, budget, depth+1); err != nil {
					return err
				}
			}
		}
	case kUnion:
		for _, br := range n.branches {
			if javaFits(br.kind, v) {
				return javaEncodeDefault(br, v, budget, depth+1)
			}
		}
		return fmt.Errorf("no union branch fits %s", jsonText(v))
	case kFixed, kString, kBytes:
		if _, ok := v.(string); !ok {
			return fmt.Errorf("%s is not a string", jsonText(v))
		}
	case kInt, kLong, kFloat, kDouble:
		if _, ok := v.(json.Number); !ok {
			return fmt.Errorf("%s is not a number", jsonText(v))
		}
	case kBoolean:
		if _, ok := v.(bool); !ok {
			return fmt.Errorf("%s is not a boolean", jsonText(v))
		}
	case kNull:
		if v != nil {
			return fmt.Errorf("%s is not null", jsonText(v))
		}
	}
	return nil
}

// javaMaxDefaultDepth is deeper than any default a person writes.
const javaMaxDefaultDepth = 1000

// javaFits is ResolvingGrammarGenerator.isCompatible.
func javaFits(k kind, v any) bool {
	switch k {
	case kFixed, kString, kBytes:
		_, ok := v.(string)
		return ok
	case kInt, kLong, kFloat, kDouble:
		_, ok := v.(json.Number)
		return ok
	case kBoolean:
		_, ok := v.(bool)
		return ok
	case kNull:
		return v == nil
	}
	return true
}
