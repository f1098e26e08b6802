// Package schemaform prints a schema in the forms Java's Avro 1.12
// SchemaFormatter names, and fingerprints it as the specification and
// Java's SchemaNormalization do: what `avroctl canonical` and
// `avroctl fingerprint` print.
//
// Java 1.12 finds formatters by "format" or "format/variant"
// (SchemaFormatter.getInstance, case-insensitive): "json" is the pretty
// JSON (Schema.toString(true)), "json/pretty" the same, "json/inline" the
// compact JSON (Schema.toString()), and "canonical" the Parsing Canonical
// Form (SchemaNormalization.toParsingForm). The bytes are gen/schema's,
// which the interop tests hold equal to Java's.
package schemaform

import (
	"crypto/md5"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"

	"gitlab.com/acme/avroctl/gen/schema"
)

// Formats are the format names Format accepts, as Java 1.12 spells them.
var Formats = []string{"canonical", "json", "json/pretty", "json/inline"}

// CheckFormat reports whether name is a format Format accepts.
func CheckFormat(name string) error {
	for _, f := range Formats {
		if strings.EqualFold(f, name) {
			return nil
		}
	}
	return fmt.Errorf("unknown schema format %q: want one of %s", name, strings.Join(Formats, ", "))
}

// Format returns s printed in the named format (see the package
// documentation), without a final newline.
func Format(s schema.Schema, name string) ([]byte, error) {
	switch strings.ToLower(name) {
	case "canonical":
		return schema.CanonicalForm(s), nil
	case "json", "json/pretty":
		return schema.MarshalPretty(s), nil
	case "json/inline":
		return schema.Marshal(s), nil
	}
	return nil, CheckFormat(name)
}

// Algorithm is a fingerprint algorithm.
type Algorithm string

// The algorithms the specification recommends, by their short names.
const (
	CRC64  Algorithm = "crc64"
	MD5    Algorithm = "md5"
	SHA256 Algorithm = "sha256"
)

// Algorithms lists them in the order `all` prints them.
var Algorithms = []Algorithm{CRC64, MD5, SHA256}

// ParseAlgorithm reads a short name or the name Java's
// SchemaNormalization.parsingFingerprint and avro-tools `fingerprint
// --fingerprint` take ("CRC-64-AVRO", "MD5", "SHA-256").
func ParseAlgorithm(name string) (Algorithm, error) {
	switch strings.ToLower(name) {
	case "crc64", "crc-64-avro", "rabin":
		return CRC64, nil
	case "md5":
		return MD5, nil
	case "sha256", "sha-256":
		return SHA256, nil
	}
	return "", fmt.Errorf("unknown fingerprint algorithm %q: want crc64 (CRC-64-AVRO), md5 or sha256 (SHA-256)", name)
}

// JavaName is the algorithm's name in Java's MessageDigest/
// SchemaNormalization terms.
func (a Algorithm) JavaName() string {
	switch a {
	case CRC64:
		return "CRC-64-AVRO"
	case MD5:
		return "MD5"
	case SHA256:
		return "SHA-256"
	}
	return string(a)
}

// Fingerprint is one fingerprint of a schema's Parsing Canonical Form.
type Fingerprint struct {
	Algorithm Algorithm `json:"algorithm"`
	// Hex is the fingerprint's bytes in hex, as Java's
	// SchemaNormalization.parsingFingerprint returns them and avro-tools
	// `fingerprint` prints them: for CRC-64-AVRO that is little-endian, the
	// order of the single-object encoding header.
	Hex string `json:"hex"`
	// Long is CRC-64-AVRO only: the signed decimal Java's
	// SchemaNormalization.parsingFingerprint64 returns (a Java long).
	Long *int64 `json:"long,omitempty"`
	// Uint64Hex is CRC-64-AVRO only: the 64-bit value in the usual
	// big-endian hex (0x-less), as Long.toHexString prints it unsigned.
	Uint64Hex string `json:"uint64_hex,omitempty"`
}

// Of returns the fingerprint of s with algorithm a.
func Of(s schema.Schema, a Algorithm) Fingerprint {
	return OfCanonical(schema.CanonicalForm(s), a)
}

// OfCanonical returns the fingerprint of an already canonical form.
func OfCanonical(canonical []byte, a Algorithm) Fingerprint {
	f := Fingerprint{Algorithm: a}
	switch a {
	case CRC64:
		fp := schema.Rabin64(canonical)
		var le [8]byte
		binary.LittleEndian.PutUint64(le[:], fp)
		f.Hex = hex.EncodeToString(le[:])
		l := int64(fp)
		f.Long = &l
		f.Uint64Hex = strconv.FormatUint(fp, 16)
	case MD5:
		sum := md5.Sum(canonical)
		f.Hex = hex.EncodeToString(sum[:])
	case SHA256:
		sum := sha256.Sum256(canonical)
		f.Hex = hex.EncodeToString(sum[:])
	}
	return f
}
