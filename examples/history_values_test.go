package examples_test

import (
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"reflect"
	"sort"
	"strings"
	"time"
)

// The history tests compare values in one "normal" form, whatever produced
// them (a random datum, twmb/avro's generic decoding, a generated Go
// struct, a schema default):
//
//	null -> nil, boolean -> bool, int/long -> int64 (timestamp-millis as
//	epoch milliseconds), float/double -> float64, string/enum -> string
//	(uuid in lower case), bytes/fixed -> string of the bytes, decimal ->
//	big.Rat.RatString(), record/map -> map[string]any, array -> []any,
//	["null", T] -> nil or T's normal form.

// randomDatum returns a random value valid for n, in the Go shapes
// twmb/avro encodes: map[string]any records, int32/int64, time.Time,
// *big.Rat decimals, uuid strings, bare union values.
func randomDatum(n *avroNode, r *rand.Rand) (any, error) {
	switch n.kind {
	case "null":
		return nil, nil
	case "boolean":
		return r.IntN(2) == 1, nil
	case "int":
		if n.logical != "" {
			return nil, fmt.Errorf("int logical type %q: not supported by the history test", n.logical)
		}
		return int32(r.Uint32()), nil
	case "long":
		switch n.logical {
		case "":
			return int64(r.Uint64()), nil
		case "timestamp-millis":
			// About ±70 years around the epoch, negative instants included.
			ms := r.Int64N(1<<42) - 1<<41
			return time.UnixMilli(ms).UTC(), nil
		}
		return nil, fmt.Errorf("long logical type %q: not supported by the history test", n.logical)
	case "float":
		return float32(r.NormFloat64()), nil
	case "double":
		return r.NormFloat64() * 1e6, nil
	case "string":
		if n.logical == "uuid" {
			return randomUUID(r), nil
		}
		return randomString(r), nil
	case "bytes":
		if n.logical == "decimal" {
			return randomDecimal(n, r), nil
		}
		b := make([]byte, r.IntN(8))
		for i := range b {
			b[i] = byte(r.Uint32())
		}
		return b, nil
	case "fixed":
		b := make([]byte, n.size)
		for i := range b {
			b[i] = byte(r.Uint32())
		}
		return b, nil
	case "enum":
		return n.symbols[r.IntN(len(n.symbols))], nil
	case "array":
		out := make([]any, r.IntN(4))
		for i := range out {
			v, err := randomDatum(n.items, r)
			if err != nil {
				return nil, err
			}
			out[i] = v
		}
		return out, nil
	case "map":
		out := map[string]any{}
		for range r.IntN(4) {
			v, err := randomDatum(n.values, r)
			if err != nil {
				return nil, err
			}
			out[randomString(r)] = v
		}
		return out, nil
	case "union":
		other, err := n.optional()
		if err != nil {
			return nil, err
		}
		if r.IntN(2) == 0 {
			return nil, nil
		}
		return randomDatum(other, r)
	case "record":
		out := make(map[string]any, len(n.fields))
		for _, f := range n.fields {
			v, err := randomDatum(f.typ, r)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", f.name, err)
			}
			out[f.name] = v
		}
		return out, nil
	}
	return nil, fmt.Errorf("type %q: not supported by the history test", n.kind)
}

func randomUUID(r *rand.Rand) string {
	var u [16]byte
	for i := range u {
		u[i] = byte(r.Uint32())
	}
	u[6] = u[6]&0x0f | 0x40 // version 4
	u[8] = u[8]&0x3f | 0x80 // RFC 4122 variant
	return fmt.Sprintf("%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:16])
}

// randomString mixes ASCII, multi-byte UTF-8 and the empty string, since
// string lengths are byte counts on the wire.
func randomString(r *rand.Rand) string {
	const alphabet = "abcXYZ019 -_\"\\/€ßé日本🙂"
	runes := []rune(alphabet)
	var b strings.Builder
	for range r.IntN(12) {
		b.WriteRune(runes[r.IntN(len(runes))])
	}
	return b.String()
}

// randomDecimal is a value of n's scale that fits n's precision, with
// magnitudes spread over the whole range (small ones are the common case,
// large ones exercise every byte of the two's-complement encoding).
func randomDecimal(n *avroNode, r *rand.Rand) *big.Rat {
	digits := n.prec
	if digits <= 0 || digits > 38 {
		digits = 38
	}
	var text strings.Builder
	for range 1 + r.IntN(digits) {
		text.WriteByte(byte('0' + r.IntN(10)))
	}
	unscaled, _ := new(big.Int).SetString(text.String(), 10)
	if r.IntN(2) == 0 {
		unscaled.Neg(unscaled)
	}
	scale := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(n.scale)), nil)
	return new(big.Rat).SetFrac(unscaled, scale)
}

// normGeneric normalizes a value in twmb/avro's generic shapes (the random
// datum, or what twmb decodes into an `any`) for schema n.
func normGeneric(n *avroNode, v any) (any, error) {
	switch n.kind {
	case "null":
		return nil, nil
	case "union":
		if v == nil {
			return nil, nil
		}
		other, err := n.optional()
		if err != nil {
			return nil, err
		}
		return normGeneric(other, v)
	case "record":
		m, ok := v.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("record %s: got %T", n.fullName, v)
		}
		out := make(map[string]any, len(n.fields))
		for _, f := range n.fields {
			fv, err := normGeneric(f.typ, m[f.name])
			if err != nil {
				return nil, fmt.Errorf("%s.%w", f.name, err)
			}
			out[f.name] = fv
		}
		return out, nil
	case "array":
		s, ok := v.([]any)
		if !ok && v != nil {
			return nil, fmt.Errorf("array: got %T", v)
		}
		out := make([]any, len(s))
		for i, e := range s {
			ev, err := normGeneric(n.items, e)
			if err != nil {
				return nil, err
			}
			out[i] = ev
		}
		return out, nil
	case "map":
		m, ok := v.(map[string]any)
		if !ok && v != nil {
			return nil, fmt.Errorf("map: got %T", v)
		}
		out := make(map[string]any, len(m))
		for k, e := range m {
			ev, err := normGeneric(n.values, e)
			if err != nil {
				return nil, err
			}
			out[k] = ev
		}
		return out, nil
	}
	return normScalar(n, reflect.ValueOf(v))
}

// normGo normalizes a generated Go value for schema n, finding record
// fields by their `avro:"name"` tags.
func normGo(n *avroNode, v reflect.Value) (any, error) {
	switch n.kind {
	case "null":
		return nil, nil
	case "union":
		other, err := n.optional()
		if err != nil {
			return nil, err
		}
		if v.Kind() != reflect.Pointer {
			return nil, fmt.Errorf("optional %s as Go %s, want a pointer", other.kind, v.Type())
		}
		if v.IsNil() {
			return nil, nil
		}
		return normGo(other, v.Elem())
	case "record":
		if v.Kind() != reflect.Struct {
			return nil, fmt.Errorf("record %s as Go %s", n.fullName, v.Type())
		}
		byTag := map[string]int{}
		for i := range v.NumField() {
			if tag, _, _ := strings.Cut(v.Type().Field(i).Tag.Get("avro"), ","); tag != "" {
				byTag[tag] = i
			}
		}
		out := make(map[string]any, len(n.fields))
		for _, f := range n.fields {
			i, ok := byTag[f.name]
			if !ok {
				return nil, fmt.Errorf("%s has no field tagged %q", v.Type(), f.name)
			}
			fv, err := normGo(f.typ, v.Field(i))
			if err != nil {
				return nil, fmt.Errorf("%s.%w", f.name, err)
			}
			out[f.name] = fv
		}
		return out, nil
	case "array":
		out := make([]any, v.Len())
		for i := range out {
			ev, err := normGo(n.items, v.Index(i))
			if err != nil {
				return nil, err
			}
			out[i] = ev
		}
		return out, nil
	case "map":
		out := make(map[string]any, v.Len())
		it := v.MapRange()
		for it.Next() {
			ev, err := normGo(n.values, it.Value())
			if err != nil {
				return nil, err
			}
			out[it.Key().String()] = ev
		}
		return out, nil
	}
	return normScalar(n, v)
}

// normScalar normalizes the leaves both sides share: reflection covers the
// generic shapes (int32, *big.Rat, []byte, [N]byte) and the generated ones
// (int32 fields, avro.Decimal, avro.UUID, enum string types).
func normScalar(n *avroNode, v reflect.Value) (any, error) {
	if !v.IsValid() {
		return nil, fmt.Errorf("%s: missing value", n.kind)
	}
	if v.Kind() == reflect.Interface && !v.IsNil() {
		v = v.Elem()
	}
	switch n.kind {
	case "boolean":
		if v.Kind() == reflect.Bool {
			return v.Bool(), nil
		}
	case "int", "long":
		if t, ok := v.Interface().(time.Time); ok && n.logical == "timestamp-millis" {
			return t.UnixMilli(), nil
		}
		switch v.Kind() {
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			return v.Int(), nil
		}
	case "float", "double":
		switch v.Kind() {
		case reflect.Float32, reflect.Float64:
			return v.Float(), nil
		}
	case "string", "enum":
		if s, ok := v.Interface().(fmt.Stringer); ok && n.logical == "uuid" {
			return strings.ToLower(s.String()), nil
		}
		if v.Kind() == reflect.String {
			if n.logical == "uuid" {
				return strings.ToLower(v.String()), nil
			}
			return v.String(), nil
		}
	case "bytes", "fixed":
		if n.logical == "decimal" {
			switch d := v.Interface().(type) {
			case *big.Rat:
				return d.RatString(), nil
			case interface{ Rat() *big.Rat }:
				return d.Rat().RatString(), nil
			}
			break
		}
		switch {
		case v.Kind() == reflect.Slice && v.Type().Elem().Kind() == reflect.Uint8:
			return string(v.Bytes()), nil
		case v.Kind() == reflect.Array && v.Type().Elem().Kind() == reflect.Uint8:
			b := make([]byte, v.Len())
			reflect.Copy(reflect.ValueOf(b), v)
			return string(b), nil
		}
	}
	return nil, fmt.Errorf("%s (logical %q): cannot normalize Go %s", n.kind, n.logical, v.Type())
}

// normDefault normalizes a field's JSON default for schema n (a union's
// default is for its first branch).
func normDefault(n *avroNode, def any) (any, error) {
	switch n.kind {
	case "null":
		return nil, nil
	case "union":
		return normDefault(n.branches[0], def)
	case "boolean":
		return def, nil
	case "int", "long":
		num, _ := def.(json.Number)
		return num.Int64()
	case "float", "double":
		num, _ := def.(json.Number)
		return num.Float64()
	case "string", "enum":
		s, _ := def.(string)
		if n.logical == "uuid" {
			s = strings.ToLower(s)
		}
		return s, nil
	case "bytes", "fixed":
		// Byte defaults are strings of code points 0-255.
		s, _ := def.(string)
		b := make([]byte, 0, len(s))
		for _, c := range s {
			b = append(b, byte(c))
		}
		if n.logical == "decimal" {
			unscaled := new(big.Int).SetBytes(b)
			if len(b) > 0 && b[0]&0x80 != 0 {
				unscaled.Sub(unscaled, new(big.Int).Lsh(big.NewInt(1), uint(8*len(b))))
			}
			scale := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(n.scale)), nil)
			return new(big.Rat).SetFrac(unscaled, scale).RatString(), nil
		}
		return string(b), nil
	case "array":
		s, _ := def.([]any)
		out := make([]any, len(s))
		for i, e := range s {
			ev, err := normDefault(n.items, e)
			if err != nil {
				return nil, err
			}
			out[i] = ev
		}
		return out, nil
	case "map":
		m, _ := def.(map[string]any)
		out := make(map[string]any, len(m))
		for k, e := range m {
			ev, err := normDefault(n.values, e)
			if err != nil {
				return nil, err
			}
			out[k] = ev
		}
		return out, nil
	case "record":
		m, _ := def.(map[string]any)
		out := make(map[string]any, len(n.fields))
		for _, f := range n.fields {
			d, ok := m[f.name]
			if !ok {
				d, ok = f.def, f.hasDef
			}
			if !ok {
				return nil, fmt.Errorf("record default lacks %s", f.name)
			}
			fv, err := normDefault(f.typ, d)
			if err != nil {
				return nil, err
			}
			out[f.name] = fv
		}
		return out, nil
	}
	return nil, fmt.Errorf("default for %s: not supported", n.kind)
}

// resolution counts what project had to do beyond copying a value.
type resolution struct {
	defaultedFields int // reader fields the writer lacks, filled from defaults
	unknownSymbols  int // writer enum symbols the reader lacks, read as the reader's default
}

// project predicts what Avro schema resolution gives for a value v (normal
// form, written with w) read with r, following the specification: record
// fields match by name (or a reader alias), reader-only fields take their
// default, writer-only fields are skipped, an enum symbol the reader lacks
// reads as the reader's enum default.
func project(w, r *avroNode, v any, res *resolution) (any, error) {
	switch {
	case w.kind == "union" && r.kind == "union":
		if v == nil {
			return nil, nil
		}
		wo, err := w.optional()
		if err != nil {
			return nil, err
		}
		ro, err := r.optional()
		if err != nil {
			return nil, err
		}
		return project(wo, ro, v, res)
	case r.kind == "union":
		ro, err := r.optional()
		if err != nil {
			return nil, err
		}
		return project(w, ro, v, res)
	case w.kind == "union":
		if v == nil {
			return nil, fmt.Errorf("null written, reader %s has no null", r.kind)
		}
		wo, err := w.optional()
		if err != nil {
			return nil, err
		}
		return project(wo, r, v, res)
	}
	switch r.kind {
	case "record":
		m, _ := v.(map[string]any)
		out := make(map[string]any, len(r.fields))
		for _, rf := range r.fields {
			wf := w.field(rf.name)
			for _, a := range rf.aliases {
				if wf == nil {
					wf = w.field(a)
				}
			}
			if wf == nil {
				if !rf.hasDef {
					return nil, fmt.Errorf("reader field %s has no default and the writer lacks it", rf.name)
				}
				d, err := normDefault(rf.typ, rf.def)
				if err != nil {
					return nil, err
				}
				res.defaultedFields++
				out[rf.name] = d
				continue
			}
			fv, err := project(wf.typ, rf.typ, m[wf.name], res)
			if err != nil {
				return nil, fmt.Errorf("%s.%w", rf.name, err)
			}
			out[rf.name] = fv
		}
		return out, nil
	case "enum":
		s, _ := v.(string)
		for _, sym := range r.symbols {
			if sym == s {
				return s, nil
			}
		}
		if r.enumDef == "" {
			return nil, fmt.Errorf("symbol %s unknown to %s, which has no default", s, r.fullName)
		}
		res.unknownSymbols++
		return r.enumDef, nil
	case "array":
		s, _ := v.([]any)
		out := make([]any, len(s))
		for i, e := range s {
			ev, err := project(w.items, r.items, e, res)
			if err != nil {
				return nil, err
			}
			out[i] = ev
		}
		return out, nil
	case "map":
		m, _ := v.(map[string]any)
		out := make(map[string]any, len(m))
		for k, e := range m {
			ev, err := project(w.values, r.values, e, res)
			if err != nil {
				return nil, err
			}
			out[k] = ev
		}
		return out, nil
	case "float", "double":
		if i, ok := v.(int64); ok { // int/long promoted
			return float64(i), nil
		}
	}
	return v, nil
}

// diffNorm describes the first difference between two normal-form values,
// with its path, or returns "".
func diffNorm(path string, got, want any) string {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return fmt.Sprintf("%s: got %#v, want a record/map", path, got)
		}
		keys := make([]string, 0, len(w)+len(g))
		for k := range w {
			keys = append(keys, k)
		}
		for k := range g {
			if _, ok := w[k]; !ok {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		for _, k := range keys {
			gv, gok := g[k]
			wv, wok := w[k]
			if gok != wok {
				return fmt.Sprintf("%s.%s: present %v, want present %v", path, k, gok, wok)
			}
			if d := diffNorm(path+"."+k, gv, wv); d != "" {
				return d
			}
		}
		return ""
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return fmt.Sprintf("%s: got %#v, want %#v", path, got, want)
		}
		for i := range w {
			if d := diffNorm(fmt.Sprintf("%s[%d]", path, i), g[i], w[i]); d != "" {
				return d
			}
		}
		return ""
	case float64:
		if g, ok := got.(float64); ok && (g == w || math.IsNaN(g) && math.IsNaN(w)) {
			return ""
		}
	}
	if !reflect.DeepEqual(got, want) {
		return fmt.Sprintf("%s: got %#v, want %#v", path, got, want)
	}
	return ""
}
