package store

import (
	"crypto/md5"
	"encoding/binary"
	"encoding/hex"
	"fmt"
)

// Schema GUIDs (Confluent Platform 8): besides its integer id, every schema
// has a GUID that newer producers write into frames (magic byte 1 and the 16
// GUID bytes) or into the __value_schema_id / __key_schema_id headers, and
// that GET /schemas/guids/{guid} resolves.
//
// Confluent derives the GUID from the schema's content, not at random: the
// MD5 digest of the schema text (UTF-8), then of each reference's name,
// subject (UTF-8) and version (4 bytes, big-endian), read as a UUID whose
// most significant 8 bytes come first (new UUID(high, low); no version bits
// are set). Metadata and rule sets would follow, but this registry ignores
// them, so they never contribute. Sources:
// https://github.com/confluentinc/schema-registry/blob/master/client/src/main/java/io/confluent/kafka/schemaregistry/client/rest/entities/Schema.java
// (getGuid, updateHash) and, for the reference bytes,
// https://github.com/confluentinc/schema-registry/blob/master/core/src/main/java/io/confluent/kafka/schemaregistry/storage/MD5.java
// (ofSchema). Deriving it the same way means a schema keeps its GUID when it
// moves between this registry and Confluent's, and a log written before
// GUIDs existed gets the same GUIDs on replay that a new one stores.

// SchemaGUID returns the GUID of a schema with text and refs, in the
// canonical 8-4-4-4-12 lowercase form.
func SchemaGUID(text string, refs []Reference) string {
	h := md5.New()
	h.Write([]byte(text))
	var v [4]byte
	for _, r := range refs {
		h.Write([]byte(r.Name))
		h.Write([]byte(r.Subject))
		binary.BigEndian.PutUint32(v[:], uint32(int32(r.Version)))
		h.Write(v[:])
	}
	var sum [16]byte
	h.Sum(sum[:0])
	return FormatGUID(sum)
}

// FormatGUID writes 16 GUID bytes in the canonical UUID form.
func FormatGUID(b [16]byte) string {
	var out [36]byte
	hex.Encode(out[0:8], b[0:4])
	out[8] = '-'
	hex.Encode(out[9:13], b[4:6])
	out[13] = '-'
	hex.Encode(out[14:18], b[6:8])
	out[18] = '-'
	hex.Encode(out[19:23], b[8:10])
	out[23] = '-'
	hex.Encode(out[24:36], b[10:16])
	return string(out[:])
}

// ParseGUID reads a GUID in the 8-4-4-4-12 hex form (either case), the form
// Java's UUID.toString writes. Anything else is an error saying what is
// wrong and where.
func ParseGUID(s string) ([16]byte, error) {
	var b [16]byte
	if len(s) != 36 {
		return b, fmt.Errorf("GUID %q has %d characters, want 36 (8-4-4-4-12 hex digits)", s, len(s))
	}
	j := 0
	for i := 0; i < 36; i++ {
		c := s[i]
		if i == 8 || i == 13 || i == 18 || i == 23 {
			if c != '-' {
				return b, fmt.Errorf("GUID %q: character %d is %q, want '-' (8-4-4-4-12 hex digits)", s, i+1, c)
			}
			continue
		}
		n, ok := hexVal(c)
		if !ok {
			return b, fmt.Errorf("GUID %q: character %d is %q, want a hex digit", s, i+1, c)
		}
		if j%2 == 0 {
			b[j/2] = n << 4
		} else {
			b[j/2] |= n
		}
		j++
	}
	return b, nil
}

func hexVal(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// normalGUID returns s in canonical form, or an error if it is not a GUID.
func normalGUID(s string) (string, error) {
	b, err := ParseGUID(s)
	if err != nil {
		return "", err
	}
	return FormatGUID(b), nil
}

// IDForGUID returns the schema id with guid (canonical form). When several
// ids share one (IMPORT can store the same content twice) the lowest wins,
// whatever order the log replayed them in, so compaction cannot change the
// answer.
func (st *State) IDForGUID(guid string) (int, bool) {
	id, ok := st.byGUID[guid]
	return id, ok
}
