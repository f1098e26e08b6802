package random

import (
	"encoding/binary"
	"errors"
	"hash/fnv"
	"math/big"
	"strings"

	"gitlab.com/acme/avroctl/gen/golang/runtime/avro"
	"gitlab.com/acme/avroctl/gen/schema"
)

// ErrNoFiniteValue is Example's error for a schema without any finite
// value (a record with a required field of its own type).
var ErrNoFiniteValue = errors.New("the schema has no finite value")

// exampleDepth bounds how deep an example nests before it finishes as
// soon as it can: examples are for people to read.
const exampleDepth = 4

// exampleSeconds is 2024-01-15T10:30:00Z: every date, time and timestamp
// of an example shows it, in the logical type's unit.
const exampleSeconds = 1705314600

// Example returns the binary encoding of a readable example value of s,
// the same for the same schema on every run: a field's default where the
// schema gives one, else a value made from the field's name (a string
// field "city" holds "city"), 42 for numbers, true, the first (or the
// default) enum symbol, one element in arrays and maps, the first non-null
// branch of unions, and 2024-01-15T10:30:00Z in every date, time and
// timestamp. Generated Go types return it from their Example functions.
func Example(s schema.Schema) ([]byte, error) {
	g := &Generator{rank: ranks(s)}
	if _, ok := g.minRank(s); !ok {
		return nil, ErrNoFiniteValue
	}
	e := &exampler{g: g}
	return e.value(nil, s, "example", 0), nil
}

type exampler struct{ g *Generator }

func (e *exampler) value(dst []byte, s schema.Schema, name string, depth int) []byte {
	deep := depth >= exampleDepth
	switch s := s.(type) {
	case *schema.Primitive:
		return e.primitive(dst, s, name)
	case *schema.Record:
		for _, f := range s.Fields {
			if f.HasDefault {
				if b, err := avro.EncodeDefault(string(schema.Marshal(f.Type)), string(schema.MarshalValue(f.Default))); err == nil {
					dst = append(dst, b...)
					continue
				}
			}
			dst = e.value(dst, f.Type, f.Name, depth+1)
		}
		return dst
	case *schema.Enum:
		i := 0
		if s.HasDefault {
			i = max(s.SymbolIndex(s.Default), 0)
		}
		return avro.AppendLong(dst, int64(i))
	case *schema.Fixed:
		return e.fixed(dst, s, name)
	case *schema.Array:
		if !deep {
			dst = avro.AppendLong(dst, 1)
			dst = e.value(dst, s.Items, name, depth+1)
		}
		return avro.AppendLong(dst, 0)
	case *schema.Map:
		if !deep {
			dst = avro.AppendLong(dst, 1)
			dst = avro.AppendString(dst, "key")
			dst = e.value(dst, s.Values, name, depth+1)
		}
		return avro.AppendLong(dst, 0)
	case *schema.Union:
		i := -1
		if !deep {
			for j, b := range s.Branches {
				if _, ok := e.g.minRank(b); ok && b.Type() != schema.Null {
					i = j
					break
				}
			}
		}
		if i < 0 {
			i = e.g.shallowest(s)
		}
		dst = avro.AppendLong(dst, int64(i))
		return e.value(dst, s.Branches[i], name, depth+1)
	}
	panic("random: unexpected schema node")
}

func (e *exampler) primitive(dst []byte, p *schema.Primitive, name string) []byte {
	lt := schema.LogicalOf(p)
	switch p.T {
	case schema.Null:
		return dst
	case schema.Boolean:
		return avro.AppendBool(dst, true)
	case schema.Int:
		switch lt.Name {
		case "date":
			return avro.AppendInt(dst, exampleSeconds/daySeconds)
		case "time-millis":
			return avro.AppendInt(dst, exampleSeconds%daySeconds*1000)
		}
		return avro.AppendInt(dst, 42)
	case schema.Long:
		switch lt.Name {
		case "time-micros":
			return avro.AppendLong(dst, exampleSeconds%daySeconds*1_000_000)
		case "timestamp-millis", "local-timestamp-millis":
			return avro.AppendLong(dst, exampleSeconds*1000)
		case "timestamp-micros", "local-timestamp-micros":
			return avro.AppendLong(dst, exampleSeconds*1_000_000)
		case "timestamp-nanos", "local-timestamp-nanos":
			return avro.AppendLong(dst, exampleSeconds*1_000_000_000)
		}
		return avro.AppendLong(dst, 42)
	case schema.Float:
		return avro.AppendFloat(dst, 4.2)
	case schema.Double:
		return avro.AppendDouble(dst, 4.2)
	case schema.Bytes:
		switch lt.Name {
		case "decimal":
			return avro.AppendBytes(dst, twosComplement(exampleUnscaled(lt.Precision), 0))
		case "big-decimal":
			b := avro.AppendBytes(nil, twosComplement(big.NewInt(12345), 0))
			return avro.AppendBytes(dst, avro.AppendInt(b, 2)) // 123.45
		}
		return avro.AppendBytes(dst, []byte(name))
	case schema.String:
		if lt.Name == "uuid" {
			u := ExampleUUID(name)
			return avro.AppendString(dst, formatUUID(u))
		}
		return avro.AppendString(dst, name)
	}
	panic("random: unexpected primitive")
}

func (e *exampler) fixed(dst []byte, f *schema.Fixed, name string) []byte {
	switch lt := schema.LogicalOf(f); lt.Name {
	case "decimal":
		return append(dst, twosComplement(exampleUnscaled(lt.Precision), f.Size)...)
	case "uuid":
		u := ExampleUUID(name)
		return append(dst, u[:]...)
	case "duration":
		var b [12]byte
		binary.LittleEndian.PutUint32(b[0:], 1)    // months
		binary.LittleEndian.PutUint32(b[4:], 2)    // days
		binary.LittleEndian.PutUint32(b[8:], 3000) // milliseconds
		return append(dst, b[:]...)
	}
	return append(dst, make([]byte, f.Size)...)
}

// exampleUnscaled is 1234567890... cut to the precision (at most 18
// digits): with the scale, 12345.67 for decimal(7,2).
func exampleUnscaled(precision int) *big.Int {
	digits := strings.Repeat("1234567890", 2)[:min(precision, 18)]
	v, _ := new(big.Int).SetString(digits, 10)
	return v
}

// ExampleUUID is the version 4 UUID examples use for a field called name:
// derived from the name, so that examples are stable and two fields get
// different ones.
func ExampleUUID(name string) [16]byte {
	h := fnv.New128a()
	h.Write([]byte(name))
	var u [16]byte
	copy(u[:], h.Sum(nil))
	u[6] = u[6]&0x0f | 0x40
	u[8] = u[8]&0x3f | 0x80
	return u
}
