package schema

import (
	"crypto/md5"
	"crypto/sha256"
	"strconv"
)

// CanonicalForm returns the Parsing Canonical Form of s (Avro
// specification, "Parsing Canonical Form for Schemas"): primitives as bare
// names, every name full, only the attributes that matter for decoding
// (name, type, fields, symbols, items, values, size) in that order, a named
// type written once and referenced by full name afterwards, no whitespace.
// Errors are records ("type":"record"). Names and symbols are written
// unescaped, as Java's SchemaNormalization does (they are validated names).
func CanonicalForm(s Schema) []byte {
	c := &canonicalWriter{seen: map[string]bool{}}
	c.schema(s)
	return c.buf
}

type canonicalWriter struct {
	buf  []byte
	seen map[string]bool
}

func (c *canonicalWriter) quoted(s string) {
	c.buf = append(c.buf, '"')
	c.buf = append(c.buf, s...)
	c.buf = append(c.buf, '"')
}

func (c *canonicalWriter) schema(s Schema) {
	switch s := s.(type) {
	case *Primitive:
		c.quoted(s.T.String())
	case *Union:
		c.buf = append(c.buf, '[')
		for i, b := range s.Branches {
			if i > 0 {
				c.buf = append(c.buf, ',')
			}
			c.schema(b)
		}
		c.buf = append(c.buf, ']')
	case *Array:
		c.buf = append(c.buf, `{"type":"array","items":`...)
		c.schema(s.Items)
		c.buf = append(c.buf, '}')
	case *Map:
		c.buf = append(c.buf, `{"type":"map","values":`...)
		c.schema(s.Values)
		c.buf = append(c.buf, '}')
	case NamedSchema:
		full := s.Names().FullName()
		if c.seen[full] {
			c.quoted(full)
			return
		}
		c.seen[full] = true
		c.buf = append(c.buf, `{"name":`...)
		c.quoted(full)
		switch s := s.(type) {
		case *Record:
			c.buf = append(c.buf, `,"type":"record","fields":[`...)
			for i, f := range s.Fields {
				if i > 0 {
					c.buf = append(c.buf, ',')
				}
				c.buf = append(c.buf, `{"name":`...)
				c.quoted(f.Name)
				c.buf = append(c.buf, `,"type":`...)
				c.schema(f.Type)
				c.buf = append(c.buf, '}')
			}
			c.buf = append(c.buf, ']')
		case *Enum:
			c.buf = append(c.buf, `,"type":"enum","symbols":[`...)
			for i, sym := range s.Symbols {
				if i > 0 {
					c.buf = append(c.buf, ',')
				}
				c.quoted(sym)
			}
			c.buf = append(c.buf, ']')
		case *Fixed:
			c.buf = append(c.buf, `,"type":"fixed","size":`...)
			c.buf = strconv.AppendInt(c.buf, int64(s.Size), 10)
		}
		c.buf = append(c.buf, '}')
	}
}

// fp64Empty is the CRC-64-AVRO value of empty input and the polynomial seed.
const fp64Empty uint64 = 0xc15d213aa4d7a795

var fp64Table = func() (t [256]uint64) {
	for i := range t {
		fp := uint64(i)
		for j := 0; j < 8; j++ {
			fp = (fp >> 1) ^ (fp64Empty & -(fp & 1))
		}
		t[i] = fp
	}
	return t
}()

// Rabin64 is the CRC-64-AVRO (Rabin) fingerprint of data.
func Rabin64(data []byte) uint64 {
	fp := fp64Empty
	for _, b := range data {
		fp = (fp >> 8) ^ fp64Table[byte(fp)^b]
	}
	return fp
}

// Fingerprint64 is the CRC-64-AVRO fingerprint of the canonical form of s.
// Java returns it as a signed long; int64(Fingerprint64(s)) is that value.
// The single-object encoding header stores it little-endian.
func Fingerprint64(s Schema) uint64 { return Rabin64(CanonicalForm(s)) }

// FingerprintMD5 is the MD5 digest of the canonical form of s.
func FingerprintMD5(s Schema) [16]byte { return md5.Sum(CanonicalForm(s)) }

// FingerprintSHA256 is the SHA-256 digest of the canonical form of s.
func FingerprintSHA256(s Schema) [32]byte { return sha256.Sum256(CanonicalForm(s)) }
