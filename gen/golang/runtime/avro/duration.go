package avro

// Duration is the Avro duration logical type: three independent unsigned
// counts, stored as a fixed(12) of little-endian uint32s. Months and days
// have no fixed length, which is why it is not a time.Duration.
type Duration struct {
	Months, Days, Millis uint32
}

// AppendDuration appends d as a fixed(12).
func AppendDuration(dst []byte, d Duration) []byte {
	for _, v := range [3]uint32{d.Months, d.Days, d.Millis} {
		dst = append(dst, byte(v), byte(v>>8), byte(v>>16), byte(v>>24))
	}
	return dst
}

// Duration reads a duration fixed(12).
func (d *Decoder) Duration() Duration {
	b := d.FixedNoCopy(12)
	if b == nil {
		return Duration{}
	}
	le := func(b []byte) uint32 { return uint32(b[0]) | uint32(b[1])<<8 | uint32(b[2])<<16 | uint32(b[3])<<24 }
	return Duration{Months: le(b[0:4]), Days: le(b[4:8]), Millis: le(b[8:12])}
}
