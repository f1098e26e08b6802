package avro

import (
	"errors"
	"slices"
)

// UUID is a 128-bit UUID. On an Avro string it is written in the canonical
// 36-character 8-4-4-4-12 lower-case hex form; on a fixed(16) as its bytes.
type UUID [16]byte

const hexDigits = "0123456789abcdef"

// AppendText appends the canonical text form of u.
func (u UUID) AppendText(dst []byte) ([]byte, error) {
	n := len(dst)
	dst = slices.Grow(dst, 36)[:n+36]
	putUUIDText((*[36]byte)(dst[n:]), &u)
	return dst, nil
}

// String returns the canonical text form of u.
func (u UUID) String() string {
	b, _ := u.AppendText(make([]byte, 0, 36))
	return string(b)
}

// MarshalText implements encoding.TextMarshaler.
func (u UUID) MarshalText() ([]byte, error) { return u.AppendText(nil) }

// UnmarshalText implements encoding.TextUnmarshaler.
func (u *UUID) UnmarshalText(b []byte) error {
	v, err := parseUUID(b)
	if err != nil {
		return err
	}
	*u = v
	return nil
}

// ParseUUID parses the canonical 8-4-4-4-12 hex form (either case).
func ParseUUID(s string) (UUID, error) { return parseUUID([]byte(s)) }

var errUUID = errors.New("avro: invalid UUID: want 36 characters in the form xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx")

func parseUUID(b []byte) (UUID, error) {
	var u UUID
	if len(b) != 36 || b[8] != '-' || b[13] != '-' || b[18] != '-' || b[23] != '-' {
		return u, errUUID
	}
	j := 0
	for i := 0; i < 36; {
		if i == 8 || i == 13 || i == 18 || i == 23 {
			i++
			continue
		}
		hi, ok1 := unhex(b[i])
		lo, ok2 := unhex(b[i+1])
		if !ok1 || !ok2 {
			return UUID{}, errUUID
		}
		u[j] = hi<<4 | lo
		j++
		i += 2
	}
	return u, nil
}

func unhex(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// AppendUUIDString appends u as an Avro string (length 36 + text). It
// grows dst once and fills the text by index, which is several times
// faster than appending byte by byte.
func AppendUUIDString(dst []byte, u UUID) []byte {
	n := len(dst)
	dst = slices.Grow(dst, 37)[:n+37]
	b := dst[n : n+37]
	b[0] = 72 // zig-zag varint of 36
	putUUIDText((*[36]byte)(b[1:]), &u)
	return dst
}

// uuidTextPos is where the two hex digits of each byte go in the text.
var uuidTextPos = [16]uint8{0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34}

func putUUIDText(b *[36]byte, u *UUID) {
	b[8], b[13], b[18], b[23] = '-', '-', '-', '-'
	for i, c := range u {
		p := uuidTextPos[i]
		b[p] = hexDigits[c>>4]
		b[p+1] = hexDigits[c&0xf]
	}
}

// UUID reads a uuid on an Avro string.
func (d *Decoder) UUID() UUID {
	start := d.off
	b := d.BytesNoCopy()
	if d.err != nil {
		return UUID{}
	}
	u, err := parseUUID(b)
	if err != nil {
		d.failAt(start, err.Error(), err)
	}
	return u
}
